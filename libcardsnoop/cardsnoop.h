/* SPDX-License-Identifier: MIT */
/*
 * Copyright (C) 2026 The cardsnoop authors
 *
 * libcardsnoop: read, write and map another process's GPU memory through
 * /dev/dri/cardN-snoop.
 *
 * A debugger lists the GPUs (cs_get_devices()) and the DRM clients of a
 * process (cs_get_clients()), attaches to one client's GPU address space
 * (cs_attach_pid()), and then reads, writes and maps that address space at
 * GPU virtual addresses (cs_read(), cs_write(), cs_map()), walks its
 * mappings (cs_for_each_mapping()) and decodes single addresses
 * (cs_resolve()).  libcardsnoop(3) is the overview; every function has its
 * own manual page.
 *
 * Conventions, for every function in this header:
 *
 * - Errors are negative errno values.  Functions that can fail take a last
 *   argument `struct cs_error *err` (NULL allowed) that receives the code and
 *   a message in words a user can act on, with the process, card and address
 *   of the failed call (cs_error_message()).  There is no global state: use
 *   one cs_error per thread.
 * - Functions that return arrays follow drmGetDevices2(): called with a NULL
 *   array they return how many elements there are; otherwise they store at
 *   most @max elements and return how many they stored.  The matching
 *   cs_free_*() function accepts NULL.
 * - Structures the library fills start with @struct_size, the size of the
 *   structure the library knows: a newer field is valid only when
 *   @struct_size covers it (use CS_HAS_FIELD()).  Structures the caller
 *   passes in (struct cs_attach_opts, struct cs_roots, struct cs_resolution)
 *   start with @struct_size set by the caller to sizeof() of its own copy;
 *   the library reads or writes only that much.
 * - GPU virtual addresses are accepted in canonical (sign-extended) form,
 *   e.g. 0xffff800000000000 on a GPU with 48 VA bits, and also in the file
 *   offset form of the kernel interface (0x800000000000); anything else is
 *   -EINVAL.  Addresses are reported in canonical form (see
 *   cs_va_to_offset()).
 * - Independent handles may be used from different threads at the same time.
 *   A struct cs_snoop may be shared by threads for cs_read(), cs_write(),
 *   cs_map(), cs_resolve() and the other calls that do not change it;
 *   cs_snoop_close() must not race with any of them.
 */
#ifndef CARDSNOOP_H
#define CARDSNOOP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <drm/cardsnoop_drm.h>

#if defined(__cplusplus)
extern "C" {
#endif

/** CS_HAS_FIELD - whether library-filled struct *@p has member @field */
#define CS_HAS_FIELD(p, field) \
	((p)->struct_size >= offsetof(__typeof__(*(p)), field) + sizeof((p)->field))

/* ------------------------------------------------------------------------
 * Version and errors
 */

/** Version of the library, "MAJOR.MINOR.PATCH". */
const char *cs_version(void);

/**
 * struct cs_error - what went wrong, opaque
 *
 * Created with cs_error_new(), passed as the last argument of the calls
 * that can fail; each failing call overwrites it, a successful call leaves it
 * alone.  Not to be shared between threads.
 */
struct cs_error;

struct cs_client;

struct cs_error *cs_error_new(void);
void cs_error_free(struct cs_error *err);
void cs_error_clear(struct cs_error *err);

/** The negative errno of the last failure recorded in @err, 0 if none. */
int cs_error_code(const struct cs_error *err);

/**
 * The message of the last failure recorded in @err: one line, no trailing
 * newline, naming the process, card and address involved and the likely
 * cause; "" if none.  Valid until @err is reused, cleared or freed.
 */
const char *cs_error_message(const struct cs_error *err);

/**
 * After -ENOTUNIQ from cs_attach_pid() or cs_get_vms(): the DRM clients the
 * caller may choose from (one per DRM file, with its lowest fd), in
 * drmGetDevices2() style.  The pointers belong to @err: valid until it is
 * reused, cleared or freed.  Returns 0 after any other failure.
 */
int cs_error_get_candidates(const struct cs_error *err,
			    const struct cs_client *clients[], int max);

/**
 * A short generic explanation of @code (a negative errno as the library
 * returns it), without context; for codes with no library-specific meaning
 * the C library's description.  Never NULL; static storage.
 */
const char *cs_strerror(int code);

/* ------------------------------------------------------------------------
 * GPU virtual addresses
 */

/**
 * cs_va_to_offset - GPU VA to snoop file offset
 *
 * Converts @va of a GPU with @va_bits VA bits (1..64) to the file offset of
 * the snoop file: canonical addresses lose their sign extension, addresses
 * already below 2^@va_bits are kept.  Returns 0, or -EINVAL for a bad
 * @va_bits or an address that is neither (bits at and above @va_bits not
 * all copies of bit @va_bits - 1).
 */
int cs_va_to_offset(unsigned int va_bits, uint64_t va, uint64_t *offset);

/**
 * cs_offset_to_va - snoop file offset to canonical GPU VA
 *
 * Sign-extends bit @va_bits - 1 of @offset.  Offsets at or above
 * 2^@va_bits, and any offset when @va_bits is 0 or 64 or more, come back
 * unchanged.
 */
uint64_t cs_offset_to_va(unsigned int va_bits, uint64_t offset);

/* ------------------------------------------------------------------------
 * GPUs
 */

/** cs_get_devices() flag: only GPUs that have a snoop node */
#define CS_DEVICES_SNOOP_ONLY	(1u << 0)

/**
 * struct cs_device - one GPU (DRM device with a primary node)
 *
 * Filled by cs_get_devices().  Strings are NULL when unknown.
 */
struct cs_device {
	/** @struct_size: sizeof(struct cs_device) in the library. */
	uint32_t struct_size;
	/** @card_index: N of /dev/dri/cardN. */
	int card_index;
	/** @render_index: N of /dev/dri/renderDN, -1 if none. */
	int render_index;
	/**
	 * @info_status: 0 if the INFO fields below were read from the snoop
	 * node; otherwise the negative errno of why not (-ENOENT: no snoop
	 * node; -EACCES: not allowed to open it).
	 */
	int info_status;
	/** @primary_node: "/dev/dri/cardN". */
	const char *primary_node;
	/** @render_node: "/dev/dri/renderDN", or NULL. */
	const char *render_node;
	/** @snoop_node: "/dev/dri/cardN-snoop", or NULL if the GPU has none. */
	const char *snoop_node;
	/** @driver: DRM driver name ("simgpu", "amdgpu", ...). */
	const char *driver;
	/** @bus: bus type: "pci", "platform", "usb", "host1x", ... */
	const char *bus;
	/** @bus_id: "0000:01:00.0" for PCI, the device's name otherwise. */
	const char *bus_id;
	/** @vendor_name: PCI vendor name (libpciaccess, pci.ids). */
	const char *vendor_name;
	/** @device_name: PCI device name (libpciaccess, pci.ids). */
	const char *device_name;
	/** @vendor_id: PCI ids; 0 for other buses. */
	uint16_t vendor_id;
	/** @device_id: see @vendor_id. */
	uint16_t device_id;
	/** @subvendor_id: see @vendor_id. */
	uint16_t subvendor_id;
	/** @subdevice_id: see @vendor_id. */
	uint16_t subdevice_id;
	/** @revision: PCI revision. */
	uint8_t revision;
	/** @api_version: cardsnoop UAPI version (INFO). */
	uint32_t api_version;
	/** @va_bits: width of the GPU VA space (INFO). */
	uint32_t va_bits;
	/** @vram_size: bytes of VRAM, 0 if none (INFO). */
	uint64_t vram_size;
	/** @caps: CARDSNOOP_CAP_* (INFO). */
	uint64_t caps;
};

/**
 * cs_get_devices - list the GPUs
 * @flags: CS_DEVICES_* flags; unknown bits are -EINVAL.
 * @devices: array to fill, or NULL to count.
 * @max: room in @devices.
 *
 * Ordered by card index.  Returns the count or the number stored, or a
 * negative errno.  Free with cs_free_devices().
 */
int cs_get_devices(uint32_t flags, struct cs_device *devices[], int max,
		   struct cs_error *err);
void cs_free_devices(struct cs_device *devices[], int count);

/* ------------------------------------------------------------------------
 * DRM clients of processes (/proc/PID/fdinfo)
 */

/** struct cs_memory_region present bits */
#define CS_MEM_TOTAL		(1u << 0)
#define CS_MEM_SHARED		(1u << 1)
#define CS_MEM_RESIDENT		(1u << 2)
#define CS_MEM_PURGEABLE	(1u << 3)
#define CS_MEM_ACTIVE		(1u << 4)

/**
 * struct cs_memory_region - the drm-<kind>-<region> keys of one region
 *
 * Values in bytes (the KiB/MiB/GiB units of fdinfo are applied); a value
 * is meaningful only if its CS_MEM_* bit is in @present.  The deprecated
 * drm-memory-<region> key counts as resident.
 */
struct cs_memory_region {
	/** @name: region name as the driver spells it: "system", "vram"... */
	const char *name;
	/** @present: CS_MEM_* bits of the keys that were shown. */
	uint32_t present;
	/** @pad: unused. */
	uint32_t pad;
	/** @total: drm-total-<region>. */
	uint64_t total;
	/** @shared: drm-shared-<region>. */
	uint64_t shared;
	/** @resident: drm-resident-<region>. */
	uint64_t resident;
	/** @purgeable: drm-purgeable-<region>. */
	uint64_t purgeable;
	/** @active: drm-active-<region>. */
	uint64_t active;
};

/** struct cs_key_value - one "key: value" line of an fdinfo file */
struct cs_key_value {
	/** @key: the key, without the colon. */
	const char *key;
	/** @value: the value, leading and trailing blanks removed. */
	const char *value;
};

/** struct cs_client node types */
#define CS_NODE_UNKNOWN		(-1)
#define CS_NODE_PRIMARY		0
#define CS_NODE_RENDER		2

/**
 * struct cs_client - an open DRM file descriptor of a process
 *
 * Filled by cs_get_clients().  Strings are NULL when unknown.  Two fds of
 * one process (or of two processes) that share a DRM file have the same
 * @card_index and @client_id.  A DRM node whose driver shows no DRM fdinfo
 * keys is listed too, with @client_id 0 and the driver's module name.
 */
struct cs_client {
	/** @struct_size: sizeof(struct cs_client) in the library. */
	uint32_t struct_size;
	/** @pid: the process. */
	pid_t pid;
	/** @fd: the file descriptor number in that process. */
	int fd;
	/** @card_index: N of the GPU's /dev/dri/cardN, -1 if unknown. */
	int card_index;
	/** @node_type: CS_NODE_PRIMARY, CS_NODE_RENDER or CS_NODE_UNKNOWN. */
	int node_type;
	/** @n_memory: entries in @memory. */
	unsigned int n_memory;
	/** @client_id: drm-client-id, 0 if not shown. */
	uint64_t client_id;
	/** @comm: the process's name (/proc/PID/comm). */
	const char *comm;
	/** @driver: drm-driver. */
	const char *driver;
	/** @pdev: drm-pdev, the PCI address, for PCI GPUs. */
	const char *pdev;
	/** @client_name: drm-client-name, if the process set one. */
	const char *client_name;
	/** @path: what /proc/PID/fd/FD points to ("/dev/dri/renderD128"). */
	const char *path;
	/** @memory: memory use per region, in fdinfo order. */
	const struct cs_memory_region *memory;
	/** @n_keys: entries in @keys. */
	unsigned int n_keys;
	/** @keys: every well-formed line of the fdinfo file, in order. */
	const struct cs_key_value *keys;
};

/**
 * struct cs_roots - where the kernel's files are
 *
 * For tools that look at another mount of procfs and sysfs (a container
 * looking at its host's /proc, or a saved copy).  NULL fields and a NULL
 * struct mean "/proc" and "/sys".
 */
struct cs_roots {
	/** @struct_size: sizeof(struct cs_roots), set by the caller. */
	uint32_t struct_size;
	/** @pad: unused. */
	uint32_t pad;
	/** @proc: procfs mount point. */
	const char *proc;
	/** @sys: sysfs mount point. */
	const char *sys;
};

/**
 * cs_get_clients - the DRM clients of a process, or of all processes
 * @pid: the process, or 0 for all processes that can be read.
 * @clients: array to fill, or NULL to count.
 * @max: room in @clients.
 *
 * One entry per DRM file descriptor, ordered by pid, then fd.  Processes
 * and fds that disappear while being read are left out; with @pid 0,
 * processes that cannot be read are left out too.  Errors: -ESRCH (no
 * process @pid), -EACCES (its fds cannot be read by the caller), -ENOMEM.
 */
int cs_get_clients(pid_t pid, struct cs_client *clients[], int max,
		   struct cs_error *err);

/** cs_get_clients_from - cs_get_clients() reading under other roots */
int cs_get_clients_from(const struct cs_roots *roots, pid_t pid,
			struct cs_client *clients[], int max,
			struct cs_error *err);
void cs_free_clients(struct cs_client *clients[], int count);

/** The value of fdinfo key @key of @client ("drm-engine-gfx"), or NULL. */
const char *cs_client_get_key(const struct cs_client *client, const char *key);

/* ------------------------------------------------------------------------
 * Attaching
 */

/** Attach flags (the UAPI's values) */
#define CS_ATTACH_READONLY	CARDSNOOP_ATTACH_READONLY
#define CS_ATTACH_ZERO_HOLES	CARDSNOOP_ATTACH_ZERO_HOLES
#define CS_ATTACH_KERNEL	CARDSNOOP_ATTACH_KERNEL

/**
 * struct cs_attach_opts - how to attach, set by the caller
 *
 * Start from CS_ATTACH_OPTS_INIT: -1 in @drm_fd and @card means "any",
 * which a zero-filled struct does not say.  A NULL opts pointer means the
 * defaults.
 */
struct cs_attach_opts {
	/** @struct_size: sizeof(struct cs_attach_opts). */
	uint32_t struct_size;
	/** @flags: CS_ATTACH_READONLY, CS_ATTACH_ZERO_HOLES. */
	uint32_t flags;
	/** @drm_fd: the target's DRM fd number to use, -1 for any. */
	int drm_fd;
	/** @card: only clients of /dev/dri/cardN, -1 for any. */
	int card;
	/** @client_id: only the DRM file with this drm-client-id, 0 for any. */
	uint64_t client_id;
	/** @vm_id: VM of the DRM file (cs_get_vms()), 0 for its only VM. */
	uint64_t vm_id;
};

#define CS_ATTACH_OPTS_INIT { \
	.struct_size = sizeof(struct cs_attach_opts), \
	.flags = 0, .drm_fd = -1, .card = -1, .client_id = 0, .vm_id = 0 }

/** struct cs_snoop - an attached snoop file, opaque */
struct cs_snoop;

/**
 * cs_attach_pid - attach to the GPU address space of a process
 * @pid: the target process.
 * @opts: which client and how; NULL for the defaults.
 * @snoop: receives the handle, to close with cs_snoop_close().
 *
 * Picks the target's DRM client (the one @opts names by fd, client id or
 * card, or else the only one on a GPU with a snoop node), copies its file
 * descriptor with pidfd_getfd(2) (the kernel's ptrace access check), opens
 * that GPU's /dev/dri/cardN-snoop and attaches it.
 *
 * Errors: -ESRCH (no such process), -EPERM (not allowed to debug it),
 * -ENOENT (no DRM client, no such fd or client id, no such VM),
 * -ENOTUNIQ (several clients match: cs_error_get_candidates()),
 * -EOPNOTSUPP (its GPU has no snoop node), -EACCES (the snoop node cannot
 * be opened), -EXDEV, -EBUSY, -ENODEV, -EINVAL, -ENOSYS (kernel without
 * pidfd_getfd), -ENOMEM.
 */
int cs_attach_pid(pid_t pid, const struct cs_attach_opts *opts,
		  struct cs_snoop **snoop, struct cs_error *err);

/**
 * cs_attach_fd - attach to the GPU address space of a DRM file descriptor
 *
 * @drm_fd is an open DRM file of the caller (its own, or one received from
 * the target).  @opts: @flags and @vm_id are used.  Errors as for
 * cs_attach_pid(), and -EBADF, -EINVAL (not a DRM file).
 */
int cs_attach_fd(int drm_fd, const struct cs_attach_opts *opts,
		 struct cs_snoop **snoop, struct cs_error *err);

/**
 * cs_attach_kernel - attach to a GPU's kernel address space
 *
 * Rings, GART and other kernel-private allocations; needs CAP_SYS_ADMIN.
 * @opts: @card selects the GPU (-1: the only GPU with a snoop node), @flags
 * are used.  Errors: -EPERM, -ENOENT (no GPU with a snoop node), -ENOTUNIQ
 * (several: say which), -EOPNOTSUPP (no kernel VM on that GPU), and those
 * of opening the snoop node.
 */
int cs_attach_kernel(const struct cs_attach_opts *opts,
		     struct cs_snoop **snoop, struct cs_error *err);

/** Closes the snoop file (NULL allowed); mappings made with cs_map() stay. */
void cs_snoop_close(struct cs_snoop *snoop);

/** struct cs_vm - one VM (GPU address space) of a DRM file */
struct cs_vm {
	/** @struct_size: sizeof(struct cs_vm) in the library. */
	uint32_t struct_size;
	/** @flags: CARDSNOOP_VM_DEFAULT if @vm_id 0 selects it. */
	uint32_t flags;
	/** @id: the id for cs_attach_opts::vm_id. */
	uint64_t id;
	/** @va_start: first VA, canonical. */
	uint64_t va_start;
	/** @va_last: last VA (inclusive), canonical. */
	uint64_t va_last;
};

/**
 * cs_get_vms - the VMs of a process's DRM client
 *
 * The client is chosen as by cs_attach_pid() (@opts @vm_id is ignored).
 * Array contract of drmGetDevices2(); free with cs_free_vms().
 */
int cs_get_vms(pid_t pid, const struct cs_attach_opts *opts,
	       struct cs_vm *vms[], int max, struct cs_error *err);
void cs_free_vms(struct cs_vm *vms[], int count);

/* ------------------------------------------------------------------------
 * An attached snoop file
 */

/** struct cs_snoop_info - what a snoop handle is attached to */
struct cs_snoop_info {
	/** @struct_size: sizeof(struct cs_snoop_info) in the library. */
	uint32_t struct_size;
	/** @flags: the CS_ATTACH_* flags of the attachment. */
	uint32_t flags;
	/** @pid: the pid given to cs_attach_pid(), else 0. */
	pid_t pid;
	/**
	 * @owner_pid: the process that owned the DRM file at attach time, 0
	 * if it had exited or is not visible (kernel VM: 0).
	 */
	pid_t owner_pid;
	/**
	 * @drm_fd: the DRM fd number: the target's (cs_attach_pid()), the
	 * caller's (cs_attach_fd()), -1 for the kernel VM.
	 */
	int drm_fd;
	/** @card_index: N of /dev/dri/cardN. */
	int card_index;
	/** @client_id: drm-client-id of the DRM file; 0: kernel VM. */
	uint64_t client_id;
	/** @vm_id: the vm_id that was asked for. */
	uint64_t vm_id;
	/** @va_start: first VA of the VM, canonical. */
	uint64_t va_start;
	/** @va_last: last VA of the VM (inclusive), canonical. */
	uint64_t va_last;
	/** @api_version: cardsnoop UAPI version of the kernel. */
	uint32_t api_version;
	/** @va_bits: width of the GPU VA space. */
	uint32_t va_bits;
	/** @vram_size: bytes of VRAM. */
	uint64_t vram_size;
	/** @caps: CARDSNOOP_CAP_*. */
	uint64_t caps;
	/** @driver: DRM driver name. */
	const char *driver;
	/** @snoop_node: path of the snoop node that was opened. */
	const char *snoop_node;
	/** @comm: the target's name at attach time, or NULL. */
	const char *comm;
};

/** What @snoop is attached to; valid until cs_snoop_close(). */
const struct cs_snoop_info *cs_snoop_get_info(const struct cs_snoop *snoop);

/**
 * The snoop file descriptor (close-on-exec; owned by @snoop).  For poll(2)
 * (change events, cs_events_open()) and for handing the attached file to
 * another program: dup2(2) it to the number the program expects (if it
 * already has that number, clear FD_CLOEXEC instead; dup2() of a number
 * onto itself does nothing).
 */
int cs_snoop_get_fd(const struct cs_snoop *snoop);

/**
 * cs_read - read GPU memory at @va
 *
 * Reads up to @size bytes, like /proc/PID/mem: stops at the first unmapped
 * byte (holes read as zeros with CS_ATTACH_ZERO_HOLES) and returns the
 * number of bytes read; short counts from the kernel and EINTR are retried.
 * Errors (nothing read): -EIO (nothing mapped at @va), -EINVAL (bad @va),
 * -EBADFD, -ENODEV, -EFAULT.
 */
ssize_t cs_read(struct cs_snoop *snoop, uint64_t va, void *buf, size_t size,
		struct cs_error *err);

/**
 * cs_write - write GPU memory at @va
 *
 * Like cs_read(); the bytes are in the target's memory when it returns
 * (VRAM through a mapping needs cs_sync()).  Errors: -EIO, -EACCES (the GPU
 * maps @va read-only), -EPERM (read-only attachment), -EINVAL, -EBADFD,
 * -ENODEV, -EFAULT.
 */
ssize_t cs_write(struct cs_snoop *snoop, uint64_t va, const void *buf,
		 size_t size, struct cs_error *err);

/**
 * cs_map - map GPU memory into the caller
 *
 * mmap(2) of @size bytes at @va with @prot (PROT_READ, PROT_WRITE),
 * MAP_SHARED; @va need not be page aligned.  *@ptr receives the address of
 * @va.  System memory is live; VRAM is a snapshot taken on first access
 * (cs_refresh() drops it, cs_sync() writes it back).  Touching an unmapped
 * VA raises SIGBUS.  Errors: -EINVAL, -EACCES (writable mapping of a
 * read-only attachment), -ENOMEM, -EBADFD, -ENODEV.
 */
int cs_map(struct cs_snoop *snoop, uint64_t va, size_t size, int prot,
	   void **ptr, struct cs_error *err);

/** cs_unmap - undo cs_map() with the same @ptr and @size */
int cs_unmap(struct cs_snoop *snoop, void *ptr, size_t size,
	     struct cs_error *err);

/** cs_sync - write dirty VRAM snapshots back (fsync(2)); -EIO, -ENODEV */
int cs_sync(struct cs_snoop *snoop, struct cs_error *err);

/** cs_refresh() flag: drop dirty snapshots without writing them back */
#define CS_REFRESH_DISCARD	CARDSNOOP_REFRESH_DISCARD

/**
 * cs_refresh - drop VRAM snapshots of [@va, @va + @size)
 *
 * The next access copies VRAM again.  @size 0: to the end of the VA space.
 * *@dropped (if not NULL) receives the number of snapshot bytes dropped.
 */
int cs_refresh(struct cs_snoop *snoop, uint64_t va, uint64_t size,
	       uint32_t flags, uint64_t *dropped, struct cs_error *err);

/** struct cs_mapping - one GPU mapping */
struct cs_mapping {
	/** @struct_size: sizeof(struct cs_mapping) in the library. */
	uint32_t struct_size;
	/** @placement: CARDSNOOP_PLACEMENT_* of the memory, now. */
	uint32_t placement;
	/** @va: first VA, canonical. */
	uint64_t va;
	/** @size: bytes. */
	uint64_t size;
	/** @offset: snoop file offset of @va (for pread(2), dd skip=). */
	uint64_t offset;
	/** @bo_id: the buffer's device-wide id; 0 for sparse mappings. */
	uint64_t bo_id;
	/** @bo_offset: offset in the buffer of the byte at @va. */
	uint64_t bo_offset;
	/** @kind: CARDSNOOP_KIND_*. */
	uint32_t kind;
	/** @perms: CARDSNOOP_PERM_* GPU permissions. */
	uint32_t perms;
};

/** Callback of cs_for_each_mapping(): nonzero stops the walk */
typedef int (*cs_mapping_fn)(const struct cs_mapping *mapping, void *data);

/**
 * cs_for_each_mapping - call @fn for each mapping that overlaps a range
 *
 * The range is [@va, @va + @size), @size 0 meaning to the end of the VA
 * space; mappings come in VA order (file offset order: the low half of a
 * sign-extended space before the high half).  Returns 0 after the last
 * mapping, @fn's nonzero value if it stopped the walk, or a negative errno.
 */
int cs_for_each_mapping(struct cs_snoop *snoop, uint64_t va, uint64_t size,
			cs_mapping_fn fn, void *data, struct cs_error *err);

/** struct cs_mapping_iter - mapping iterator, opaque */
struct cs_mapping_iter;

/** cs_mappings_open - iterator over the mappings of a range (as above) */
int cs_mappings_open(struct cs_snoop *snoop, uint64_t va, uint64_t size,
		     struct cs_mapping_iter **iter, struct cs_error *err);

/**
 * cs_mappings_next - the next mapping
 *
 * Returns 1 and points *@mapping at it (valid until the next call), 0 at
 * the end, or a negative errno.
 */
int cs_mappings_next(struct cs_mapping_iter *iter,
		     const struct cs_mapping **mapping, struct cs_error *err);
void cs_mappings_close(struct cs_mapping_iter *iter);

/** cs_count_mappings - number of mappings from @va to the end */
int cs_count_mappings(struct cs_snoop *snoop, uint64_t va, uint64_t *count,
		      struct cs_error *err);

/**
 * struct cs_resolution - what backs one VA (cs_resolve())
 *
 * The caller sets @struct_size; the library fills the rest.  The physical
 * fields are 0 unless the caller has CAP_SYS_ADMIN.
 */
struct cs_resolution {
	/** @struct_size: sizeof(struct cs_resolution), set by the caller. */
	uint32_t struct_size;
	/** @placement: CARDSNOOP_PLACEMENT_*. */
	uint32_t placement;
	/** @va: the VA resolved, canonical. */
	uint64_t va;
	/** @map_va: first VA of the mapping that holds @va, canonical. */
	uint64_t map_va;
	/** @map_size: bytes of that mapping. */
	uint64_t map_size;
	/** @bo_id: the buffer; 0 for sparse mappings. */
	uint64_t bo_id;
	/** @bo_offset: offset of @va in the buffer. */
	uint64_t bo_offset;
	/** @kind: CARDSNOOP_KIND_*. */
	uint32_t kind;
	/** @perms: CARDSNOOP_PERM_*. */
	uint32_t perms;
	/** @extent_size: bytes from @va backed contiguously. */
	uint64_t extent_size;
	/** @page_size: GPU page size at @va. */
	uint64_t page_size;
	/** @vram_offset: VRAM offset (privileged). */
	uint64_t vram_offset;
	/** @phys_addr: CPU physical address (privileged). */
	uint64_t phys_addr;
	/** @dma_addr: device address (privileged). */
	uint64_t dma_addr;
	/** @snapshot: 1 if this snoop file holds a VRAM snapshot of @va. */
	uint32_t snapshot;
	/** @snapshot_dirty: 1 if that snapshot has unsynced writes. */
	uint32_t snapshot_dirty;
};

/**
 * cs_resolve - decode one VA
 *
 * Errors: -ENOENT (nothing mapped at @va), -EINVAL (bad @va or
 * @res->struct_size), -EBADFD, -ENODEV.
 */
int cs_resolve(struct cs_snoop *snoop, uint64_t va, struct cs_resolution *res,
	       struct cs_error *err);

/**
 * cs_seek_data - first mapped VA at or after @va (lseek(2) SEEK_DATA)
 *
 * *@found receives it in canonical form.  -ENXIO: nothing mapped from @va
 * on.
 */
int cs_seek_data(struct cs_snoop *snoop, uint64_t va, uint64_t *found,
		 struct cs_error *err);

/**
 * cs_seek_hole - first unmapped VA at or after @va (SEEK_HOLE)
 *
 * The end of the VA space counts as a hole: it comes back as 2^va_bits (the
 * file offset %SEEK_END gives), which has no canonical form.
 */
int cs_seek_hole(struct cs_snoop *snoop, uint64_t va, uint64_t *found,
		 struct cs_error *err);

/* ------------------------------------------------------------------------
 * Change events
 */

/**
 * struct cs_event - one change event of the attached address space
 *
 * The kernel's record (struct cardsnoop_event) with @va in canonical form.
 * What @size, @arg and @data mean depends on @type: see enum
 * cardsnoop_event_type in <drm/cardsnoop_drm.h>.
 */
struct cs_event {
	/** @struct_size: sizeof(struct cs_event) in the library. */
	uint32_t struct_size;
	/** @type: CARDSNOOP_EVENT_*. */
	uint32_t type;
	/** @seqno: sequence number on this snoop file, from 1. */
	uint64_t seqno;
	/** @timestamp_ns: CLOCK_MONOTONIC time it was queued. */
	uint64_t timestamp_ns;
	/** @flags: CARDSNOOP_EVENT_REPLAY. */
	uint32_t flags;
	/** @arg: permissions (BIND), engine (SUBMIT), access (FAULT). */
	uint32_t arg;
	/** @va: first VA, canonical. */
	uint64_t va;
	/** @size: bytes, or a count (OVERFLOW). */
	uint64_t size;
	/** @bo_id: the buffer. */
	uint64_t bo_id;
	/**
	 * @data: BIND: the offset in the buffer of @va (userptr: its CPU
	 * address); SUBMIT, FAULT: a sequence number; OVERFLOW: the last
	 * dropped record's sequence number.
	 */
	uint64_t data;
	/** @placement: CARDSNOOP_PLACEMENT_* (BIND, MIGRATE, EVICT). */
	uint32_t placement;
	/** @kind: CARDSNOOP_KIND_* (BIND). */
	uint32_t kind;
};

/** cs_events_next() flag: block until an event is queued */
#define CS_EVENTS_WAIT		CARDSNOOP_EVENTS_WAIT

/** struct cs_event_iter - reader of the event queue, opaque */
struct cs_event_iter;

/**
 * cs_events_open - read the change events of an attachment
 *
 * Right after attaching, the queue holds the existing mappings as BIND
 * records (CARDSNOOP_EVENT_REPLAY), then live changes in order.  Events
 * are dequeued: use one reader per snoop handle.  poll(2) on
 * cs_snoop_get_fd() reports POLLIN | POLLPRI when events are queued and
 * POLLHUP when the target exited or the GPU is gone.  Errors: -EOPNOTSUPP
 * (a kernel without events), -ENOMEM.
 */
int cs_events_open(struct cs_snoop *snoop, struct cs_event_iter **iter,
		   struct cs_error *err);

/**
 * cs_events_next - the next event
 *
 * Returns 1 and points *@event at it (valid until the next call), 0 when
 * none is queued (without CS_EVENTS_WAIT), or a negative errno: -EINTR
 * (a signal interrupted CS_EVENTS_WAIT), -EBADFD, -ENODEV.
 */
int cs_events_next(struct cs_event_iter *iter, uint32_t flags,
		   const struct cs_event **event, struct cs_error *err);
void cs_events_close(struct cs_event_iter *iter);

/** Name of event type @type ("bind", "submit"...), "unknown" if none. */
const char *cs_event_type_name(uint32_t type);

#if defined(__cplusplus)
}
#endif

#endif /* CARDSNOOP_H */
