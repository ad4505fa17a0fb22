/* SPDX-License-Identifier: MIT */
/*
 * Copyright (C) 2026 The cardsnoop authors
 */
#ifndef _CARDSNOOP_DRM_H_
#define _CARDSNOOP_DRM_H_

#include <linux/ioctl.h>
#include <linux/types.h>

#if defined(__cplusplus)
extern "C" {
#endif

/**
 * DOC: Introduction
 *
 * A GPU driver that supports cardsnoop exposes one character device per GPU,
 * ``/dev/dri/cardN-snoop`` (N is the index of the GPU's DRM primary node).
 * A debugger opens it and attaches the open file to a GPU virtual address
 * space (VM) of a target's DRM file with %CARDSNOOP_IOCTL_ATTACH.  From then
 * on the file offset is the target's GPU virtual address: read(2), write(2),
 * pread(2), pwrite(2), mmap(2) and lseek(2) with %SEEK_DATA / %SEEK_HOLE work
 * on the target's GPU memory.
 *
 * The attach call takes a file descriptor of the target's DRM file, normally
 * one obtained with pidfd_getfd(2), which performs the
 * %PTRACE_MODE_ATTACH_REALCREDS check (Yama and LSMs included).  Opening the
 * snoop node grants nothing by itself; an open file that was never attached
 * answers every access with -EBADFD.
 *
 * File offsets are GPU virtual addresses with the sign extension above the
 * device's VA bits removed: on a GPU with 48 VA bits the canonical address
 * 0xffff800000000000 is file offset 0x800000000000.  Every VA in this
 * interface, in and out, uses that non-canonical form; %SEEK_END is
 * 2^va_bits.  (32-bit processes can only mmap offsets that fit mmap2's page
 * offset.)
 *
 * Rules for the data passed to the cardsnoop ioctls (those of
 * Documentation/gpu/drm-uapi.rst):
 *
 * - Structures are aligned on 8 bytes, fields on their natural alignment,
 *   with explicit padding fields that must be zero (-EINVAL otherwise).
 * - Unknown flags are rejected with -EINVAL.  Flags are added, never
 *   removed or reused.
 * - Every ioctl structure is versioned by its size, which the ioctl number
 *   encodes.  Fields are only ever added at the end; a zero value in a new
 *   field keeps the old behaviour.  The kernel accepts a larger structure if
 *   the bytes it does not know are zero (-E2BIG otherwise) and a smaller one
 *   down to the first version's size (-EINVAL below that); it zero-fills
 *   what an older caller did not pass and copies back only what the caller's
 *   size holds.
 * - Arrays pointed to by a structure come with a @stride (the size of one
 *   element as the caller knows it) and a @count; a zero pointer asks for
 *   the count only.
 * - Pointers are passed as __u64, so there is no separate 32-bit ABI.
 * - Ioctl numbers are append-only; %CARDSNOOP_API_VERSION grows with every
 *   addition.
 *
 * Besides the errors each call lists: an unknown ioctl number, or a known
 * one with the wrong direction, fails with -ENOTTY; an argument the kernel
 * cannot read or write with -EFAULT; and any call (read(2), write(2),
 * mmap(2) and fsync(2) included) may fail with -ENOMEM when the kernel runs
 * out of memory, except a fault of a mapping, which is retried.
 */

/**
 * define CARDSNOOP_API_VERSION - version of this interface
 *
 * 1: INFO, ATTACH, VMS, MAPPINGS, RESOLVE, REFRESH.
 * 2: EVENTS, poll(2).
 */
#define CARDSNOOP_API_VERSION		2

/** define CARDSNOOP_IOCTL_BASE - ioctl type of the snoop device */
#define CARDSNOOP_IOCTL_BASE		0xC5

/**
 * enum cardsnoop_placement - where the memory behind a mapping lives
 * @CARDSNOOP_PLACEMENT_NONE: nothing (sparse mapping, or not resident).
 * @CARDSNOOP_PLACEMENT_SYSTEM: system memory that the GPU reaches directly.
 * @CARDSNOOP_PLACEMENT_GTT: system memory mapped through a GPU aperture
 *	(GART/GTT).
 * @CARDSNOOP_PLACEMENT_VRAM: device-local memory.
 */
enum cardsnoop_placement {
	CARDSNOOP_PLACEMENT_NONE = 0,
	CARDSNOOP_PLACEMENT_SYSTEM = 1,
	CARDSNOOP_PLACEMENT_GTT = 2,
	CARDSNOOP_PLACEMENT_VRAM = 3,
};

/**
 * enum cardsnoop_mapping_kind - what a GPU mapping maps
 * @CARDSNOOP_KIND_BUFFER: a buffer object of this driver.
 * @CARDSNOOP_KIND_USERPTR: a range of a process's CPU address space.
 * @CARDSNOOP_KIND_DMABUF: a buffer imported from another driver (dma-buf).
 * @CARDSNOOP_KIND_SPARSE: a sparse (NULL) mapping: reads as zero, writes
 *	are dropped.
 * @CARDSNOOP_KIND_KERNEL: a kernel-private allocation (ring, page table,
 *	GART), only seen in the kernel VM.
 */
enum cardsnoop_mapping_kind {
	CARDSNOOP_KIND_BUFFER = 0,
	CARDSNOOP_KIND_USERPTR = 1,
	CARDSNOOP_KIND_DMABUF = 2,
	CARDSNOOP_KIND_SPARSE = 3,
	CARDSNOOP_KIND_KERNEL = 4,
};

/* GPU access permissions of a mapping (cardsnoop_mapping::perms). */
#define CARDSNOOP_PERM_READ		(1u << 0)
#define CARDSNOOP_PERM_WRITE		(1u << 1)
#define CARDSNOOP_PERM_EXEC		(1u << 2)

/* Capabilities (cardsnoop_info::caps). */
/** define CARDSNOOP_CAP_VRAM - the device has VRAM; it is read through snapshots */
#define CARDSNOOP_CAP_VRAM		(1ull << 0)
/** define CARDSNOOP_CAP_KERNEL_VM - %CARDSNOOP_ATTACH_KERNEL is supported */
#define CARDSNOOP_CAP_KERNEL_VM		(1ull << 1)
/** define CARDSNOOP_CAP_MULTI_VM - DRM files may have more than one VM */
#define CARDSNOOP_CAP_MULTI_VM		(1ull << 2)
/** define CARDSNOOP_CAP_EVENTS - the device reports change events */
#define CARDSNOOP_CAP_EVENTS		(1ull << 3)

/**
 * struct cardsnoop_info - argument of %CARDSNOOP_IOCTL_INFO
 *
 * Describes the GPU behind the snoop node.  Works on any open file, attached
 * or not.  Every field is an output.
 */
struct cardsnoop_info {
	/** @api_version: %CARDSNOOP_API_VERSION of the running kernel. */
	__u32 api_version;

	/** @va_bits: width of the GPU virtual address space in bits. */
	__u32 va_bits;

	/** @vram_size: bytes of VRAM (0 if none). */
	__u64 vram_size;

	/** @caps: %CARDSNOOP_CAP_* flags. */
	__u64 caps;

	/** @card_index: N of the DRM primary node ``cardN``. */
	__u32 card_index;

	/** @render_index: N of the render node ``renderDN``, or ~0 if none. */
	__u32 render_index;

	/** @driver: DRM driver name, NUL-terminated. */
	char driver[32];
};

/**
 * define CARDSNOOP_ATTACH_READONLY - no write(2), no writable mmap(2)
 *
 * write(2) fails with -EPERM, a %PROT_WRITE shared mapping with -EACCES and
 * the attachment never changes the target's memory.
 */
#define CARDSNOOP_ATTACH_READONLY	(1u << 0)

/**
 * define CARDSNOOP_ATTACH_ZERO_HOLES - unmapped VAs read as zeros
 *
 * Without it, read(2) stops at the first unmapped byte; with it, holes read
 * as zeros (writes to holes still stop).  mmap(2) faults of holes map the
 * zero page.
 */
#define CARDSNOOP_ATTACH_ZERO_HOLES	(1u << 1)

/**
 * define CARDSNOOP_ATTACH_KERNEL - attach to the device's kernel VM
 *
 * Kernel-private allocations (rings, GART) at their GPU addresses.  Needs
 * %CAP_SYS_ADMIN; @drm_fd must be -1 and @vm_id 0.
 */
#define CARDSNOOP_ATTACH_KERNEL		(1u << 2)

#define CARDSNOOP_ATTACH_FLAGS		(CARDSNOOP_ATTACH_READONLY | \
					 CARDSNOOP_ATTACH_ZERO_HOLES | \
					 CARDSNOOP_ATTACH_KERNEL)

/**
 * struct cardsnoop_attach - argument of %CARDSNOOP_IOCTL_ATTACH
 *
 * Attaches this open file to a VM of the DRM file behind @drm_fd.  The
 * attachment holds a reference on that DRM file and its VM: the VM stays
 * readable after the target exits, until this file is closed.  An open file
 * attaches once.
 *
 * Errors: -EBADF (@drm_fd is not an open file), -EINVAL (not a DRM file,
 * bad flags, nonzero padding, @drm_fd not -1 with %CARDSNOOP_ATTACH_KERNEL,
 * @vm_id 0 on a file with several VMs), -EXDEV (a DRM file of another GPU),
 * -ENOENT (no VM @vm_id on that file), -EBUSY (this file is already
 * attached), -EPERM (%CARDSNOOP_ATTACH_KERNEL without %CAP_SYS_ADMIN),
 * -ENODEV (the GPU is gone), -EINTR.
 */
struct cardsnoop_attach {
	/** @drm_fd: in: a DRM file descriptor of this GPU, or -1. */
	__s32 drm_fd;

	/** @flags: in: %CARDSNOOP_ATTACH_* flags. */
	__u32 flags;

	/**
	 * @vm_id: in: VM of the DRM file (from %CARDSNOOP_IOCTL_VMS); 0 for
	 * the file's only VM.
	 */
	__u64 vm_id;

	/** @client_id: out: ``drm-client-id`` of the DRM file (0: kernel). */
	__u64 client_id;

	/**
	 * @owner_pid: out: pid, in the caller's pid namespace, of the process
	 * that owns the DRM file; 0 if it has exited or is not visible.
	 */
	__s32 owner_pid;

	/** @pad: MBZ. */
	__u32 pad;

	/** @va_start: out: first VA of the VM. */
	__u64 va_start;

	/** @va_end: out: end (exclusive) of the VM's VA range. */
	__u64 va_end;
};

/** define CARDSNOOP_VM_DEFAULT - the VM that @vm_id 0 selects */
#define CARDSNOOP_VM_DEFAULT		(1u << 0)

/**
 * struct cardsnoop_vm_desc - one VM, as %CARDSNOOP_IOCTL_VMS lists it
 */
struct cardsnoop_vm_desc {
	/** @id: the VM's id, for cardsnoop_attach::vm_id. */
	__u64 id;

	/** @va_start: first VA of the VM. */
	__u64 va_start;

	/** @va_end: end (exclusive) of the VM's VA range. */
	__u64 va_end;

	/** @flags: %CARDSNOOP_VM_* flags. */
	__u32 flags;

	/** @pad: MBZ. */
	__u32 pad;
};

/**
 * struct cardsnoop_vms - argument of %CARDSNOOP_IOCTL_VMS
 *
 * Lists the VMs of the DRM file behind @drm_fd.  Works on any open file.
 * With @vms_ptr 0, only @count is returned.
 *
 * Errors: -EBADF, -EINVAL (not a DRM file, nonzero padding, @stride too
 * small), -EXDEV, -EFAULT, -ENODEV.
 */
struct cardsnoop_vms {
	/** @drm_fd: in: a DRM file descriptor of this GPU. */
	__s32 drm_fd;

	/**
	 * @count: in: room in @vms_ptr, in elements; out: number of VMs of
	 * the file (may exceed the room; only the room is written).
	 */
	__u32 count;

	/** @vms_ptr: in: user pointer to an array of &struct cardsnoop_vm_desc. */
	__u64 vms_ptr;

	/** @stride: in: size of one array element, at least 32. */
	__u32 stride;

	/** @pad: MBZ. */
	__u32 pad;
};

/**
 * struct cardsnoop_mapping - one GPU mapping
 */
struct cardsnoop_mapping {
	/** @va: first VA (non-canonical form). */
	__u64 va;

	/** @size: bytes. */
	__u64 size;

	/**
	 * @bo_id: the buffer's id, unique on the device for its lifetime
	 * (not a GEM handle); 0 for sparse mappings.
	 */
	__u64 bo_id;

	/**
	 * @bo_offset: offset in the buffer of the byte at @va; for
	 * %CARDSNOOP_KIND_USERPTR mappings, the CPU address of @va in the
	 * address space of the process that bound it; 0 for sparse ones.
	 */
	__u64 bo_offset;

	/** @placement: &enum cardsnoop_placement of the buffer, now. */
	__u32 placement;

	/** @kind: &enum cardsnoop_mapping_kind. */
	__u32 kind;

	/** @perms: %CARDSNOOP_PERM_* GPU permissions of the mapping. */
	__u32 perms;

	/** @pad: MBZ. */
	__u32 pad;
};

/**
 * struct cardsnoop_mappings - argument of %CARDSNOOP_IOCTL_MAPPINGS
 *
 * Copies out the mappings of the attached VM that end after @start, in VA
 * order, resumable in batches: call again with @start set to the returned
 * @next until @count comes back 0.  With @mappings_ptr 0, @count returns the
 * number of mappings from @start to the end of the VM.
 *
 * Errors: -EBADFD (not attached), -EINVAL (bad flags or padding, @stride too
 * small), -EFAULT, -ENODEV, -EINTR.
 */
struct cardsnoop_mappings {
	/** @start: in: VA to list from. */
	__u64 start;

	/** @next: out: VA to pass as @start to continue. */
	__u64 next;

	/** @mappings_ptr: in: user pointer to an array of &struct cardsnoop_mapping. */
	__u64 mappings_ptr;

	/** @count: in: room in @mappings_ptr; out: mappings written (or counted). */
	__u32 count;

	/** @stride: in: size of one array element, at least 48. */
	__u32 stride;

	/** @flags: in: MBZ, none defined. */
	__u32 flags;

	/** @pad: MBZ. */
	__u32 pad;
};

/**
 * struct cardsnoop_resolve - argument of %CARDSNOOP_IOCTL_RESOLVE
 *
 * Decodes one VA of the attached VM.  The physical fields are filled only
 * for callers with %CAP_SYS_ADMIN (and not under kernel lockdown); they are
 * zero otherwise, as in /proc/PID/pagemap.  Unlike pagemap, which checks
 * the capability of whoever opened it, RESOLVE checks the caller's on every
 * call: a file attached by root and handed to an unprivileged process shows
 * no physical addresses.
 *
 * Errors: -EBADFD (not attached), -EINVAL (bad flags or padding), -ENOENT
 * (nothing mapped at @va), -ENODEV, -EINTR.
 */
struct cardsnoop_resolve {
	/** @va: in: the VA to decode. */
	__u64 va;

	/** @flags: in: MBZ, none defined. */
	__u32 flags;

	/** @pad: MBZ. */
	__u32 pad;

	/** @mapping: out: the mapping that holds @va. */
	struct cardsnoop_mapping mapping;

	/**
	 * @extent_size: out: bytes from @va that are backed contiguously by
	 * the same memory (same placement, physically or VRAM contiguous).
	 */
	__u64 extent_size;

	/** @page_size: out: GPU page size of the mapping at @va. */
	__u64 page_size;

	/** @vram_offset: out: VRAM offset of @va (VRAM only; privileged). */
	__u64 vram_offset;

	/** @phys_addr: out: CPU physical address of @va (system; privileged). */
	__u64 phys_addr;

	/** @dma_addr: out: device (DMA) address of @va, if known (privileged). */
	__u64 dma_addr;

	/** @snapshot: out: 1 if this file holds a VRAM snapshot of the page. */
	__u32 snapshot;

	/** @snapshot_dirty: out: 1 if that snapshot has unsynced writes. */
	__u32 snapshot_dirty;
};

/**
 * define CARDSNOOP_REFRESH_DISCARD - drop dirty snapshots without writing
 * them back (their bytes are counted as discarded)
 */
#define CARDSNOOP_REFRESH_DISCARD	(1u << 0)

/**
 * struct cardsnoop_refresh - argument of %CARDSNOOP_IOCTL_REFRESH
 *
 * Drops this file's VRAM snapshots of [@va, @va + @size) so that the next
 * access copies VRAM again.  Dirty snapshots are written back first unless
 * %CARDSNOOP_REFRESH_DISCARD is set.  @size 0 means to the end of the VM.
 *
 * Errors: -EBADFD, -EINVAL (bad flags or padding, range past the VA space),
 * -ENODEV, -EINTR, -EIO (a writeback failed).
 */
struct cardsnoop_refresh {
	/** @va: in: first VA. */
	__u64 va;

	/** @size: in: bytes, 0 for everything from @va. */
	__u64 size;

	/** @flags: in: %CARDSNOOP_REFRESH_* flags. */
	__u32 flags;

	/** @pad: MBZ. */
	__u32 pad;

	/** @dropped: out: snapshot bytes dropped. */
	__u64 dropped;
};

/**
 * enum cardsnoop_event_type - what a change event reports
 * @CARDSNOOP_EVENT_BIND: a mapping appeared: @va, @size, @bo_id,
 *	@data = the offset in the buffer of @va (userptr: its CPU address),
 *	@placement, @arg = %CARDSNOOP_PERM_* permissions, @kind.
 *	Right after ATTACH, the mappings that exist are replayed as BIND
 *	records with %CARDSNOOP_EVENT_REPLAY, then live changes follow in
 *	order, with no gap and no duplicate between the two.
 * @CARDSNOOP_EVENT_UNBIND: [@va, @va + @size) is no longer mapped: a whole
 *	mapping or the part of one that an unbind or a bind over cut out (the
 *	rest stays mapped, as MAPPINGS then lists it); @bo_id of what was
 *	mapped there.  Applying BIND and UNBIND records in order to the
 *	replayed state gives the VM's mappings at any point.
 * @CARDSNOOP_EVENT_MIGRATE: the buffer mapped at [@va, @va + @size) moved
 *	to @placement because its owner asked (one record per mapping).
 * @CARDSNOOP_EVENT_EVICT: the same, because the driver evicted it.
 * @CARDSNOOP_EVENT_SUBMIT: the target submitted work: @arg = engine, @va,
 *	@size = the command buffer (IB), @data = its sequence number.
 * @CARDSNOOP_EVENT_FAULT: a GPU page fault at @va: @arg =
 *	%CARDSNOOP_ACCESS_* access, @data = the faulting submission's
 *	sequence number if known.
 * @CARDSNOOP_EVENT_TARGET_EXIT: the process that owns the DRM file exited;
 *	the VM stays readable (post-mortem) until this file is closed.
 * @CARDSNOOP_EVENT_DEVICE_GONE: the GPU was unbound or unplugged; every
 *	access now fails with -ENODEV.
 * @CARDSNOOP_EVENT_OVERFLOW: the queue was full and records were dropped,
 *	oldest first: @size of them, sequence numbers @seqno to @data.  List
 *	the mappings again with %CARDSNOOP_IOCTL_MAPPINGS.
 */
enum cardsnoop_event_type {
	CARDSNOOP_EVENT_BIND = 1,
	CARDSNOOP_EVENT_UNBIND = 2,
	CARDSNOOP_EVENT_MIGRATE = 3,
	CARDSNOOP_EVENT_EVICT = 4,
	CARDSNOOP_EVENT_SUBMIT = 5,
	CARDSNOOP_EVENT_FAULT = 6,
	CARDSNOOP_EVENT_TARGET_EXIT = 7,
	CARDSNOOP_EVENT_DEVICE_GONE = 8,
	CARDSNOOP_EVENT_OVERFLOW = 9,
};

/** define CARDSNOOP_EVENT_REPLAY - a BIND record replayed at ATTACH */
#define CARDSNOOP_EVENT_REPLAY		(1u << 0)

/* cardsnoop_event::arg of FAULT records */
#define CARDSNOOP_ACCESS_READ		(1u << 0)
#define CARDSNOOP_ACCESS_WRITE		(1u << 1)

/**
 * struct cardsnoop_event - one change event (64 bytes)
 *
 * Versioned by size: later versions append fields, and
 * &cardsnoop_events.stride says how much of each record the caller reads.
 */
struct cardsnoop_event {
	/**
	 * @seqno: sequence number on this file, from 1, incremented by one
	 * for each record queued; a gap is announced by an OVERFLOW record.
	 */
	__u64 seqno;

	/** @timestamp_ns: CLOCK_MONOTONIC time the record was queued. */
	__u64 timestamp_ns;

	/** @type: &enum cardsnoop_event_type. */
	__u32 type;

	/** @flags: %CARDSNOOP_EVENT_REPLAY. */
	__u32 flags;

	/** @va: first VA (non-canonical form), see &enum cardsnoop_event_type. */
	__u64 va;

	/** @size: bytes, or a count; see &enum cardsnoop_event_type. */
	__u64 size;

	/** @bo_id: buffer id, as in &struct cardsnoop_mapping. */
	__u64 bo_id;

	/** @data: a sequence number or offset; see &enum cardsnoop_event_type. */
	__u64 data;

	/** @placement: &enum cardsnoop_placement (BIND, MIGRATE, EVICT). */
	__u16 placement;

	/** @kind: &enum cardsnoop_mapping_kind (BIND). */
	__u16 kind;

	/** @arg: permissions, engine or access; see &enum cardsnoop_event_type. */
	__u32 arg;
};

/**
 * define CARDSNOOP_EVENTS_WAIT - block until at least one record is queued
 * (or the target or the device is gone)
 */
#define CARDSNOOP_EVENTS_WAIT		(1u << 0)

/**
 * struct cardsnoop_events - argument of %CARDSNOOP_IOCTL_EVENTS
 *
 * Dequeues up to @count records, oldest first.  Without
 * %CARDSNOOP_EVENTS_WAIT it returns at once, with @count 0 when nothing is
 * queued; poll(2) reports %POLLIN | %POLLPRI when records are queued and
 * %POLLHUP when the target process exited or the device is gone.  Works
 * after the device is gone, so that DEVICE_GONE can be read.
 *
 * Errors: -EBADFD (not attached), -EINVAL (bad flags or padding, @stride
 * too small, @count 0), -EFAULT, -EINTR (%CARDSNOOP_EVENTS_WAIT
 * interrupted).
 */
struct cardsnoop_events {
	/** @events_ptr: in: user pointer to an array of &struct cardsnoop_event. */
	__u64 events_ptr;

	/** @count: in: room in @events_ptr; out: records written. */
	__u32 count;

	/** @stride: in: size of one array element, at least 64. */
	__u32 stride;

	/** @flags: in: %CARDSNOOP_EVENTS_WAIT. */
	__u32 flags;

	/** @pad: MBZ. */
	__u32 pad;

	/** @pending: out: records still queued after this call. */
	__u64 pending;
};

/**
 * enum cardsnoop_ioctl_id - ioctl numbers
 *
 * Append-only: never reorder, replace or remove an entry.
 *
 * @CARDSNOOP_INFO: &struct cardsnoop_info
 * @CARDSNOOP_ATTACH: &struct cardsnoop_attach
 * @CARDSNOOP_VMS: &struct cardsnoop_vms
 * @CARDSNOOP_MAPPINGS: &struct cardsnoop_mappings
 * @CARDSNOOP_RESOLVE: &struct cardsnoop_resolve
 * @CARDSNOOP_REFRESH: &struct cardsnoop_refresh
 * @CARDSNOOP_EVENTS: &struct cardsnoop_events
 */
enum cardsnoop_ioctl_id {
	CARDSNOOP_INFO = 0,
	CARDSNOOP_ATTACH,
	CARDSNOOP_VMS,
	CARDSNOOP_MAPPINGS,
	CARDSNOOP_RESOLVE,
	CARDSNOOP_REFRESH,
	CARDSNOOP_EVENTS,
};

#define CARDSNOOP_IOCTL(__access, __id, __type) \
	_IO ## __access(CARDSNOOP_IOCTL_BASE, CARDSNOOP_ ## __id, \
			struct cardsnoop_ ## __type)

#define CARDSNOOP_IOCTL_INFO		CARDSNOOP_IOCTL(R, INFO, info)
#define CARDSNOOP_IOCTL_ATTACH		CARDSNOOP_IOCTL(WR, ATTACH, attach)
#define CARDSNOOP_IOCTL_VMS		CARDSNOOP_IOCTL(WR, VMS, vms)
#define CARDSNOOP_IOCTL_MAPPINGS	CARDSNOOP_IOCTL(WR, MAPPINGS, mappings)
#define CARDSNOOP_IOCTL_RESOLVE		CARDSNOOP_IOCTL(WR, RESOLVE, resolve)
#define CARDSNOOP_IOCTL_REFRESH		CARDSNOOP_IOCTL(WR, REFRESH, refresh)
#define CARDSNOOP_IOCTL_EVENTS		CARDSNOOP_IOCTL(WR, EVENTS, events)

#if defined(__cplusplus)
}
#endif

#endif /* _CARDSNOOP_DRM_H_ */
