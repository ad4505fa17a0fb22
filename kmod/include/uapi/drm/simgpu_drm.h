/* SPDX-License-Identifier: MIT */
/*
 * Copyright (C) 2026 The cardsnoop authors
 */
#ifndef _SIMGPU_DRM_H_
#define _SIMGPU_DRM_H_

/*
 * drm.h is the kernel's include/uapi/drm/drm.h or libdrm's copy (found with
 * pkg-config --cflags libdrm).  A program that already included it, e.g. as
 * <libdrm/drm.h>, needs no include path for it.
 */
#ifndef _DRM_H_
#include "drm.h"
#endif

#if defined(__cplusplus)
extern "C" {
#endif

/**
 * DOC: Introduction
 *
 * simgpu is a small DRM render driver without hardware behind it: the
 * reference driver of cardsnoop.  Its "GPU" has buffers in system memory and
 * in VRAM (the memory BAR of a QEMU ivshmem device, or kernel memory on
 * virtual devices), a GPU virtual address space per open file, and an engine
 * that reads and writes memory through that address space.
 *
 * Rules for the data passed to the simgpu ioctls (those of
 * Documentation/gpu/drm-uapi.rst and botching-up-ioctls.rst):
 *
 * - Structures are aligned on 8 bytes and fields on their natural alignment,
 *   with explicit padding fields.  Every padding field must be zero
 *   (-EINVAL otherwise).
 * - Unknown flags are rejected with -EINVAL.  Flags are added, never removed
 *   or reused.
 * - Pointers are __u64; there is no separate 32-bit ABI.
 * - Arrays pointed to by a structure come with a @stride, the size of one
 *   element as the caller knows it; the kernel reads or writes
 *   min(@stride, its size) bytes of each element and zero-fills the rest of
 *   an element it writes.
 * - Ioctl numbers are append-only: new ones go at the end of
 *   &enum drm_simgpu_ioctl_id, and each addition bumps the driver minor
 *   version (see DRM_IOCTL_VERSION).
 * - Any ioctl may fail with -ENODEV once the device is gone (unbound or
 *   unplugged), and with -EINTR (restart it with the same arguments).
 *
 * Flags are written (1u << n): BIT() does not exist in userspace.
 */

/**
 * DOC: GPU virtual addresses
 *
 * Each open file of the render node has its own GPU virtual address space
 * (VM) of %SIMGPU_VA_BITS bits.  As on real GPUs and CPUs, the upper half is
 * canonical: bit 47 is sign-extended into bits 63:48, so the upper half
 * starts at 0xffff800000000000.  Every VA the kernel accepts may be given in
 * canonical form or with the sign extension removed (0x800000000000 is the
 * same address as 0xffff800000000000); VAs the kernel reports are canonical.
 * Internally, and for cardsnoop file offsets, the address space is the
 * linear range [0, 2^48).  A VA with other bits set above bit 47 is invalid
 * (-EINVAL).
 *
 * Clients may map [%SIMGPU_VA_START, 2^48): the first 64 KiB stay unmapped,
 * so that VA 0 always faults.  Mappings and their VAs, sizes and buffer
 * offsets are page aligned (the CPU page size, 4 KiB on x86).
 *
 * Each device also has a kernel VM, not visible to clients (cardsnoop's
 * %CARDSNOOP_ATTACH_KERNEL shows it), that maps the kernel ring buffer at
 * %SIMGPU_KERNEL_RING_VA.
 */

/** define SIMGPU_VA_BITS - width of a simgpu GPU virtual address space */
#define SIMGPU_VA_BITS			48

/** define SIMGPU_VA_START - first VA a client may map */
#define SIMGPU_VA_START			0x10000ull

/** define SIMGPU_KERNEL_RING_VA - VA of the kernel ring in the kernel VM */
#define SIMGPU_KERNEL_RING_VA		0xffff800000000000ull

/**
 * enum drm_simgpu_placement - where a buffer lives
 * @SIMGPU_PLACEMENT_SYSTEM: system memory (pages of the kernel's page
 *	allocator, CPU-cached).
 * @SIMGPU_PLACEMENT_VRAM: device memory; CPU mappings are write-combined.
 *
 * 0 is not a placement, so that a zeroed field is rejected.
 */
enum drm_simgpu_placement {
	SIMGPU_PLACEMENT_SYSTEM = 1,
	SIMGPU_PLACEMENT_VRAM = 2,
};

/**
 * DOC: Engine commands
 *
 * The engine executes &struct drm_simgpu_cmd records, 32 bytes each, in
 * order.  They are passed to %DRM_IOCTL_SIMGPU_SUBMIT in an array, or read
 * by the engine from GPU memory in an indirect buffer (IB).  In memory a
 * command is little endian, laid out as the structure::
 *
 *     offset  0: __u32 op      SIMGPU_CMD_*
 *     offset  4: __u32 flags   0
 *     offset  8: __u64 arg0
 *     offset 16: __u64 arg1
 *     offset 24: __u64 arg2
 *
 * %SIMGPU_CMD_NOP: nothing (padding in an IB).
 *
 * %SIMGPU_CMD_FILL: fill @arg1 bytes at VA @arg0 with the dword @arg2
 * (the low 32 bits; the upper ones must be zero).  @arg0 and @arg1 are
 * multiples of 4.
 *
 * %SIMGPU_CMD_COPY: copy @arg2 bytes from VA @arg0 to VA @arg1; any
 * alignment.  The two ranges must not overlap (-EINVAL).
 *
 * %SIMGPU_CMD_WRITE32: write the dword @arg1 (the upper 32 bits must be
 * zero) at VA @arg0, a multiple of 4.  @arg2 must be zero.
 *
 * %SIMGPU_CMD_IB: execute the @arg1 bytes of commands at VA @arg0 (8-byte
 * aligned; @arg1 a multiple of 32, at most %SIMGPU_IB_MAX_SIZE).  The kernel
 * writes a &struct drm_simgpu_ring_packet that points at the IB into the
 * kernel ring; the engine fetches the packet from the ring, then the
 * commands of the IB from the client's VM, and executes them: the chain
 * ring → IB → data of real GPUs.  An IB cannot contain %SIMGPU_CMD_IB.
 * Only in a submission, @arg2 must be zero.
 *
 * Unused arguments must be zero.  A malformed command (unknown op, nonzero
 * flags or unused argument, bad alignment, a range that wraps or leaves the
 * VA space) fails the submission with -EINVAL, also inside an IB.
 *
 * A GPU page fault (a read of an unmapped VA, a write to an unmapped or
 * read-only one, or a userptr mapping whose CPU memory is not accessible)
 * stops the submission with -EFAULT and leaves a &struct drm_simgpu_fault
 * record (see %DRM_IOCTL_SIMGPU_FAULTS).  Commands before the faulting one
 * have completed; the faulting one may have partially completed.
 *
 * Sparse mappings read as zeros and drop writes.
 */
#define SIMGPU_CMD_NOP			1
#define SIMGPU_CMD_FILL			2
#define SIMGPU_CMD_COPY			3
#define SIMGPU_CMD_WRITE32		4
#define SIMGPU_CMD_IB			5

/** define SIMGPU_IB_MAX_SIZE - largest IB, in bytes */
#define SIMGPU_IB_MAX_SIZE		(1u << 20)

/** define SIMGPU_SUBMIT_MAX_CMDS - most commands in one submission */
#define SIMGPU_SUBMIT_MAX_CMDS		4096

/**
 * struct drm_simgpu_cmd - one engine command
 *
 * See DOC: Engine commands.
 */
struct drm_simgpu_cmd {
	/** @op: %SIMGPU_CMD_*. */
	__u32 op;

	/** @flags: MBZ. */
	__u32 flags;

	/** @arg0: first argument. */
	__u64 arg0;

	/** @arg1: second argument. */
	__u64 arg1;

	/** @arg2: third argument. */
	__u64 arg2;
};

/**
 * DOC: Kernel ring
 *
 * The kernel ring is a buffer in VRAM (pinned), mapped in the device's kernel
 * VM at %SIMGPU_KERNEL_RING_VA.  It starts with a
 * &struct drm_simgpu_ring_header; the packet area follows at
 * @header_size bytes from the start and holds @size / @packet_size slots of
 * &struct drm_simgpu_ring_packet.  @wptr and @rptr count packets since the
 * device was created: packet number n lives in slot n % (@size /
 * @packet_size); the kernel writes packet @wptr and increments @wptr, the
 * engine executes packet @rptr and increments @rptr.  Submissions run
 * synchronously, so outside of a submission @rptr == @wptr and the slots
 * hold the history of the last packets.  Everything is little endian.
 *
 * A debugger decodes ring → IB → data from memory alone: the packet names
 * the client (its ``drm-client-id``, which is also the id of its VM in
 * cardsnoop), the IB's VA and size in that client's VM; the IB holds
 * &struct drm_simgpu_cmd records.
 */

/** define SIMGPU_RING_MAGIC - &drm_simgpu_ring_header.magic: "SGRN" */
#define SIMGPU_RING_MAGIC		0x4e524753u

/** define SIMGPU_PACKET_IB - &drm_simgpu_ring_packet.type: "IBPK" */
#define SIMGPU_PACKET_IB		0x4b504249u

/* drm_simgpu_ring_packet.status */
/** define SIMGPU_PACKET_PENDING - written, not executed yet */
#define SIMGPU_PACKET_PENDING		0
/** define SIMGPU_PACKET_DONE - executed completely */
#define SIMGPU_PACKET_DONE		1
/** define SIMGPU_PACKET_FAULT - stopped by a GPU page fault */
#define SIMGPU_PACKET_FAULT		2
/** define SIMGPU_PACKET_ERROR - stopped by a malformed command */
#define SIMGPU_PACKET_ERROR		3

/**
 * struct drm_simgpu_ring_header - start of the kernel ring
 */
struct drm_simgpu_ring_header {
	/** @magic: %SIMGPU_RING_MAGIC. */
	__le32 magic;

	/** @version: layout version, 1. */
	__le32 version;

	/** @header_size: bytes from the ring start to the packet area. */
	__le32 header_size;

	/** @packet_size: bytes of one packet slot (64). */
	__le32 packet_size;

	/** @size: bytes of the packet area. */
	__le64 size;

	/** @wptr: packets written by the kernel. */
	__le64 wptr;

	/** @rptr: packets consumed by the engine. */
	__le64 rptr;

	/** @last_seqno: seqno of the last packet the engine finished. */
	__le64 last_seqno;
};

/**
 * struct drm_simgpu_ring_packet - one packet of the kernel ring
 */
struct drm_simgpu_ring_packet {
	/** @type: %SIMGPU_PACKET_IB. */
	__le32 type;

	/** @status: %SIMGPU_PACKET_*, updated by the engine. */
	__le32 status;

	/** @seqno: the submission's sequence number on the device. */
	__le64 seqno;

	/** @client_id: ``drm-client-id`` of the submitting file. */
	__le64 client_id;

	/** @ib_va: VA of the IB in the client's VM (canonical). */
	__le64 ib_va;

	/** @ib_size: bytes of the IB. */
	__le64 ib_size;

	/** @reserved: zero. */
	__le64 reserved[3];
};

/**
 * DOC: IOCTL IDs
 *
 * enum drm_simgpu_ioctl_id - ioctl numbers, relative to DRM_COMMAND_BASE
 *
 * Append only: never reorder, replace or remove an entry.
 */
enum drm_simgpu_ioctl_id {
	/** @DRM_SIMGPU_INFO: describe the device. */
	DRM_SIMGPU_INFO = 0,

	/** @DRM_SIMGPU_BO_CREATE: create a buffer. */
	DRM_SIMGPU_BO_CREATE,

	/** @DRM_SIMGPU_BO_INFO: describe a buffer. */
	DRM_SIMGPU_BO_INFO,

	/** @DRM_SIMGPU_VM_BIND: map into the file's VM. */
	DRM_SIMGPU_VM_BIND,

	/** @DRM_SIMGPU_VM_UNBIND: unmap a VA range of the file's VM. */
	DRM_SIMGPU_VM_UNBIND,

	/** @DRM_SIMGPU_BO_MIGRATE: move a buffer to another placement. */
	DRM_SIMGPU_BO_MIGRATE,

	/** @DRM_SIMGPU_SUBMIT: run commands on the engine. */
	DRM_SIMGPU_SUBMIT,

	/** @DRM_SIMGPU_FAULTS: read the file's GPU page fault records. */
	DRM_SIMGPU_FAULTS,
};

/**
 * struct drm_simgpu_info - argument of %DRM_IOCTL_SIMGPU_INFO
 *
 * Everything but @pad is an output.
 *
 * Errors: -EINVAL (nonzero @pad).
 */
struct drm_simgpu_info {
	/** @vram_size: bytes of VRAM. */
	__u64 vram_size;

	/** @va_start: first VA a client may map (%SIMGPU_VA_START). */
	__u64 va_start;

	/** @va_end: end (exclusive) of the client VA range, 2^48. */
	__u64 va_end;

	/** @ring_va: VA of the kernel ring in the kernel VM (canonical). */
	__u64 ring_va;

	/** @ring_size: bytes of the kernel ring buffer. */
	__u64 ring_size;

	/** @client_id: ``drm-client-id`` of this file. */
	__u64 client_id;

	/** @va_bits: %SIMGPU_VA_BITS. */
	__u32 va_bits;

	/** @pad: MBZ. */
	__u32 pad;
};

/**
 * define SIMGPU_BO_PINNED - the buffer never moves (%DRM_SIMGPU_BO_CREATE)
 *
 * Like a scanout buffer: TTM never evicts it and %DRM_IOCTL_SIMGPU_BO_MIGRATE
 * to another placement fails with -EBUSY.
 */
#define SIMGPU_BO_PINNED		(1u << 0)

/**
 * define SIMGPU_BO_IMPORTED - the buffer was imported from another driver
 * through PRIME (reported by %DRM_IOCTL_SIMGPU_BO_INFO only)
 */
#define SIMGPU_BO_IMPORTED		(1u << 1)

/**
 * struct drm_simgpu_bo_create - argument of %DRM_IOCTL_SIMGPU_BO_CREATE
 *
 * Creates a buffer, zero-filled, in @placement.  Buffers belong to the VM
 * of the file that creates them (they share its reservation object) and
 * cannot be exported through PRIME (-EPERM).  A VRAM buffer that does not
 * fit evicts unpinned VRAM buffers to system memory, least recently used
 * first.
 *
 * Errors: -EINVAL (nonzero @pad, unknown @flags or @placement, @size zero
 * or not page aligned), -ENOSPC (not enough VRAM even after evicting every
 * buffer that can be evicted; nothing is lost), -ENOMEM (a system buffer
 * larger than the machine's RAM, or out of memory).
 */
struct drm_simgpu_bo_create {
	/** @size: in: bytes, a nonzero multiple of the page size. */
	__u64 size;

	/** @placement: in: &enum drm_simgpu_placement. */
	__u32 placement;

	/** @flags: in: %SIMGPU_BO_PINNED. */
	__u32 flags;

	/** @handle: out: GEM handle. */
	__u32 handle;

	/** @pad: MBZ. */
	__u32 pad;

	/**
	 * @bo_id: out: the buffer's id, unique on the device for its lifetime
	 * (cardsnoop reports it in &cardsnoop_mapping.bo_id).
	 */
	__u64 bo_id;

	/** @mmap_offset: out: offset to mmap(2) the buffer at on this file. */
	__u64 mmap_offset;
};

/**
 * struct drm_simgpu_bo_info - argument of %DRM_IOCTL_SIMGPU_BO_INFO
 *
 * Describes a buffer of this file (created or imported).
 *
 * Errors: -EINVAL (nonzero @pad), -ENOENT (no such handle).
 */
struct drm_simgpu_bo_info {
	/** @handle: in: GEM handle. */
	__u32 handle;

	/** @pad: MBZ. */
	__u32 pad;

	/** @size: out: bytes. */
	__u64 size;

	/** @bo_id: out: see &drm_simgpu_bo_create.bo_id. */
	__u64 bo_id;

	/** @mmap_offset: out: offset to mmap(2) the buffer at on this file. */
	__u64 mmap_offset;

	/** @placement: out: &enum drm_simgpu_placement now. */
	__u32 placement;

	/** @flags: out: %SIMGPU_BO_PINNED, %SIMGPU_BO_IMPORTED. */
	__u32 flags;
};

/** define SIMGPU_BIND_READONLY - the GPU may read, not write, the mapping */
#define SIMGPU_BIND_READONLY		(1u << 0)

/**
 * define SIMGPU_BIND_SPARSE - a sparse mapping, without memory
 *
 * Also called a NULL mapping: it reads as zeros and drops writes.  @handle,
 * @offset and @userptr are zero.
 */
#define SIMGPU_BIND_SPARSE		(1u << 1)

/**
 * define SIMGPU_BIND_USERPTR - map the calling process's memory at @userptr
 * (page aligned) instead of a buffer; @handle and @offset are zero.
 *
 * The mapping follows the CPU address space (it is kept coherent with an
 * mmu_interval_notifier): the GPU sees what the process sees at that
 * address now.  The engine reaches it only on behalf of the process that
 * bound it; a submission from another process faults on it.
 */
#define SIMGPU_BIND_USERPTR		(1u << 2)

/**
 * struct drm_simgpu_vm_bind - argument of %DRM_IOCTL_SIMGPU_VM_BIND
 *
 * Maps [@offset, @offset + @size) of the buffer @handle (or sparse or
 * userptr memory) at [@va, @va + @size) of the file's VM.  Whatever was
 * mapped in that range is replaced; mappings that straddle its ends are
 * split (drm_gpuvm's split/merge semantics).
 *
 * Errors: -EINVAL (unknown flags, both %SIMGPU_BIND_SPARSE and
 * %SIMGPU_BIND_USERPTR, @handle / @offset / @userptr not as the flags
 * require, @va, @size or @offset not page aligned, @size zero, @va not a
 * valid VA, the range not inside [%SIMGPU_VA_START, 2^48), @offset +
 * @size past the end of the buffer), -ENOENT (no such handle), -EFAULT
 * (@userptr range not a user address range), -ENOMEM.
 */
struct drm_simgpu_vm_bind {
	/** @handle: in: GEM handle of the buffer; 0 for sparse and userptr. */
	__u32 handle;

	/** @flags: in: %SIMGPU_BIND_*. */
	__u32 flags;

	/** @va: in: first VA, canonical or not. */
	__u64 va;

	/** @size: in: bytes. */
	__u64 size;

	/** @offset: in: offset in the buffer. */
	__u64 offset;

	/** @userptr: in: CPU address with %SIMGPU_BIND_USERPTR, else 0. */
	__u64 userptr;
};

/**
 * struct drm_simgpu_vm_unbind - argument of %DRM_IOCTL_SIMGPU_VM_UNBIND
 *
 * Unmaps whatever is mapped in [@va, @va + @size) of the file's VM,
 * splitting the mappings that straddle its ends.  Unmapping a range with
 * nothing mapped succeeds.
 *
 * Errors: -EINVAL (nonzero @flags or @pad, @va or @size not page aligned,
 * @size zero, range outside [%SIMGPU_VA_START, 2^48)).
 */
struct drm_simgpu_vm_unbind {
	/** @va: in: first VA, canonical or not. */
	__u64 va;

	/** @size: in: bytes. */
	__u64 size;

	/** @flags: in: MBZ, none defined. */
	__u32 flags;

	/** @pad: MBZ. */
	__u32 pad;
};

/**
 * struct drm_simgpu_bo_migrate - argument of %DRM_IOCTL_SIMGPU_BO_MIGRATE
 *
 * Moves a buffer to @placement (with ttm_bo_validate()), keeping its
 * contents, its GPU mappings and its CPU mappings (which refault to the new
 * place).  Moving to VRAM may evict other buffers.  A buffer already in
 * @placement stays where it is.
 *
 * Errors: -EINVAL (nonzero @pad, unknown @placement, an imported buffer),
 * -ENOENT (no such handle), -EBUSY (a pinned buffer, to another placement),
 * -ENOSPC (no room in VRAM even after eviction), -ENOMEM.
 */
struct drm_simgpu_bo_migrate {
	/** @handle: in: GEM handle. */
	__u32 handle;

	/** @placement: in: &enum drm_simgpu_placement. */
	__u32 placement;
};

/**
 * struct drm_simgpu_submit - argument of %DRM_IOCTL_SIMGPU_SUBMIT
 *
 * Runs @count commands (see DOC: Engine commands) through the file's VM, in
 * order, synchronously: their results are visible to the CPU when the ioctl
 * returns.  @done and @seqno are written back also on failure.
 *
 * Errors: -EINVAL (nonzero @flags or @pad, @count zero or above
 * %SIMGPU_SUBMIT_MAX_CMDS, @stride below 32, a malformed command),
 * -EFAULT (@cmds not readable, or a GPU page fault: see
 * %DRM_IOCTL_SIMGPU_FAULTS), -ENOMEM.
 */
struct drm_simgpu_submit {
	/** @cmds: in: user pointer to an array of &struct drm_simgpu_cmd. */
	__u64 cmds;

	/** @count: in: number of commands. */
	__u32 count;

	/** @stride: in: size of one array element (at least 32). */
	__u32 stride;

	/** @flags: in: MBZ, none defined. */
	__u32 flags;

	/**
	 * @done: out: commands that completed; on a failure, the index of the
	 * failing command.
	 */
	__u32 done;

	/**
	 * @seqno: out: sequence number of the submission's last IB packet in
	 * the kernel ring, 0 if it had no %SIMGPU_CMD_IB.
	 */
	__u64 seqno;
};

/* drm_simgpu_fault.access */
/** define SIMGPU_ACCESS_READ - the faulting access was a read */
#define SIMGPU_ACCESS_READ		(1u << 0)
/** define SIMGPU_ACCESS_WRITE - the faulting access was a write */
#define SIMGPU_ACCESS_WRITE		(1u << 1)

/* drm_simgpu_fault.reason */
/** define SIMGPU_FAULT_UNMAPPED - nothing is mapped at the VA */
#define SIMGPU_FAULT_UNMAPPED		1
/** define SIMGPU_FAULT_READONLY - write to a read-only mapping */
#define SIMGPU_FAULT_READONLY		2
/**
 * define SIMGPU_FAULT_USERPTR - the CPU memory behind a userptr mapping is
 * not accessible (unmapped, or the submitter is not the process that bound
 * it)
 */
#define SIMGPU_FAULT_USERPTR		3

/**
 * struct drm_simgpu_fault - one GPU page fault record
 */
struct drm_simgpu_fault {
	/** @va: the first faulting VA (canonical). */
	__u64 va;

	/** @seqno: @seqno of the faulting submission's IB packet, or 0. */
	__u64 seqno;

	/** @access: %SIMGPU_ACCESS_READ or %SIMGPU_ACCESS_WRITE. */
	__u32 access;

	/** @reason: %SIMGPU_FAULT_*. */
	__u32 reason;

	/** @op: %SIMGPU_CMD_* of the faulting command. */
	__u32 op;

	/** @pad: zero. */
	__u32 pad;
};

/** define SIMGPU_FAULTS_MAX - fault records a file keeps (the latest) */
#define SIMGPU_FAULTS_MAX		16

/**
 * define SIMGPU_FAULTS_CLEAR - drop the records that were returned
 */
#define SIMGPU_FAULTS_CLEAR		(1u << 0)

/**
 * struct drm_simgpu_faults - argument of %DRM_IOCTL_SIMGPU_FAULTS
 *
 * Copies out the file's kept fault records, oldest first.  With @faults 0,
 * only @count (records kept) and @total are returned.
 *
 * Errors: -EINVAL (unknown @flags, nonzero @pad, @stride below 32 with
 * @faults set), -EFAULT.
 */
struct drm_simgpu_faults {
	/** @faults: in: user pointer to an array of &struct drm_simgpu_fault. */
	__u64 faults;

	/** @count: in: room in @faults; out: records written (or kept). */
	__u32 count;

	/** @stride: in: size of one array element (at least 32). */
	__u32 stride;

	/** @total: out: GPU page faults of this file since it was opened. */
	__u64 total;

	/** @flags: in: %SIMGPU_FAULTS_CLEAR. */
	__u32 flags;

	/** @pad: MBZ. */
	__u32 pad;
};

/**
 * DRM_IOCTL_SIMGPU() - build a simgpu ioctl number
 * @__access: IO, IOR, IOW or IOWR
 * @__id: the name in &enum drm_simgpu_ioctl_id, without DRM_SIMGPU_
 * @__type: the argument structure, without struct drm_simgpu_
 */
#define DRM_IOCTL_SIMGPU(__access, __id, __type) \
	DRM_IO ## __access(DRM_COMMAND_BASE + DRM_SIMGPU_ ## __id, \
			   struct drm_simgpu_ ## __type)

#define DRM_IOCTL_SIMGPU_INFO		DRM_IOCTL_SIMGPU(WR, INFO, info)
#define DRM_IOCTL_SIMGPU_BO_CREATE	DRM_IOCTL_SIMGPU(WR, BO_CREATE, bo_create)
#define DRM_IOCTL_SIMGPU_BO_INFO	DRM_IOCTL_SIMGPU(WR, BO_INFO, bo_info)
#define DRM_IOCTL_SIMGPU_VM_BIND	DRM_IOCTL_SIMGPU(W, VM_BIND, vm_bind)
#define DRM_IOCTL_SIMGPU_VM_UNBIND	DRM_IOCTL_SIMGPU(W, VM_UNBIND, vm_unbind)
#define DRM_IOCTL_SIMGPU_BO_MIGRATE	DRM_IOCTL_SIMGPU(W, BO_MIGRATE, bo_migrate)
#define DRM_IOCTL_SIMGPU_SUBMIT		DRM_IOCTL_SIMGPU(WR, SUBMIT, submit)
#define DRM_IOCTL_SIMGPU_FAULTS		DRM_IOCTL_SIMGPU(WR, FAULTS, faults)

#if defined(__cplusplus)
}
#endif

#endif /* _SIMGPU_DRM_H_ */
