/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The cardsnoop authors
 *
 * cardsnoop: in-kernel API for GPU drivers.  See cardsnoop_api.c for the
 * DOC: Overview, DOC: Locking and DOC: Examples sections.
 */
#ifndef __DRM_CARDSNOOP_H__
#define __DRM_CARDSNOOP_H__

#include <linux/err.h>
#include <linux/jump_label_ratelimit.h>
#include <linux/list.h>
#include <linux/rwsem.h>
#include <linux/types.h>
#include <linux/wait.h>

#include <uapi/drm/cardsnoop_drm.h>

struct cardsnoop_device;
struct cardsnoop_vm;
struct drm_device;
struct drm_file;
struct drm_gpuva;
struct drm_gpuvm;
struct mm_struct;
struct page;
struct ttm_buffer_object;

/**
 * enum cardsnoop_backing - how the core reaches the memory of an extent
 * @CARDSNOOP_BACKING_PAGES: system pages, @cardsnoop_extent.pages.
 * @CARDSNOOP_BACKING_VRAM: VRAM at @cardsnoop_extent.vram_offset, reached
 *	through &cardsnoop_backend_ops.vram_access.
 * @CARDSNOOP_BACKING_TTM_ACCESS: memory of a TTM buffer that is only
 *	reachable through its driver's &ttm_device_funcs.access_memory
 *	(non-contiguous or invisible VRAM).
 * @CARDSNOOP_BACKING_ZERO: nothing: reads return zeros, writes are dropped
 *	(sparse mappings).
 * @CARDSNOOP_BACKING_USER: a range of a process's CPU address space
 *	(userptr), at @cardsnoop_extent.user_addr in @cardsnoop_extent.mm.
 */
enum cardsnoop_backing {
	CARDSNOOP_BACKING_PAGES,
	CARDSNOOP_BACKING_VRAM,
	CARDSNOOP_BACKING_TTM_ACCESS,
	CARDSNOOP_BACKING_ZERO,
	CARDSNOOP_BACKING_USER,
};

/**
 * struct cardsnoop_extent - what backs a VA, as a backend resolves it
 *
 * Filled by &cardsnoop_backend_ops.resolve for one VA.  Everything in it is
 * only valid while the backend's VM lock is held (see DOC: Locking).
 */
struct cardsnoop_extent {
	/** @va: the VA that was resolved. */
	u64 va;

	/**
	 * @size: bytes from @va that are backed contiguously in the same way
	 * (for %CARDSNOOP_BACKING_PAGES: by @pages, in order).  At most to
	 * the end of the mapping.
	 */
	u64 size;

	/** @map: the whole mapping that holds @va, as the UAPI reports it. */
	struct cardsnoop_mapping map;

	/** @backing: how the core reaches the memory. */
	enum cardsnoop_backing backing;

	/** @page_size: GPU page size of the mapping at @va. */
	u32 page_size;

	/**
	 * @pages: %CARDSNOOP_BACKING_PAGES: @pages[0] holds @va at
	 * @page_offset; @pages[i] the following pages.  The pages are not
	 * reference counted by the core (TTM forbids it): they must stay
	 * valid until the driver calls cardsnoop_invalidate_begin() on them.
	 */
	struct page **pages;

	/** @page_offset: offset of @va in @pages[0]. */
	u32 page_offset;

	/**
	 * @write_combined: CPU mappings of the pages must be write-combined
	 * (uncached otherwise if @uncached); cached if both are false.
	 */
	bool write_combined;

	/** @uncached: CPU mappings of the pages must be uncached. */
	bool uncached;

	/** @vram_offset: %CARDSNOOP_BACKING_VRAM: VRAM offset of @va. */
	u64 vram_offset;

	/**
	 * @bo: %CARDSNOOP_BACKING_TTM_ACCESS: the buffer, reserved by the VM
	 * lock; @bo_offset: offset of @va in it.
	 */
	struct ttm_buffer_object *bo;

	/** @bo_offset: see @bo. */
	u64 bo_offset;

	/**
	 * @mm: %CARDSNOOP_BACKING_USER: the address space, and @user_addr
	 * the CPU address of @va in it.  The core takes its own reference
	 * (mmget_not_zero()) and reads through get_user_pages_remote(), the
	 * way /proc/PID/mem does.
	 */
	struct mm_struct *mm;

	/** @user_addr: see @mm. */
	unsigned long user_addr;

	/** @phys_addr: CPU physical address of @va if known, else 0. */
	u64 phys_addr;

	/** @dma_addr: device address of @va if known, else 0. */
	u64 dma_addr;
};

/**
 * struct cardsnoop_backend_ops - what a GPU driver provides
 *
 * All callbacks may sleep.  See DOC: Locking for which locks are held.
 */
struct cardsnoop_backend_ops {
	/**
	 * @file_vm: return the VM @vm_id of @file with a reference that
	 * @put_vm drops; @vm_id 0 selects the file's only VM.  ERR_PTR
	 * -ENOENT if there is no such VM, -EINVAL for @vm_id 0 on a file
	 * with several.  Mandatory.
	 */
	struct cardsnoop_vm *(*file_vm)(struct drm_file *file, u64 vm_id);

	/**
	 * @file_vms: fill up to @max descriptors of @file's VMs, return how
	 * many the file has.  Optional: without it the file's VM is the one
	 * @file_vm returns for id 0.
	 */
	int (*file_vms)(struct drm_file *file, struct cardsnoop_vm_desc *descs,
			unsigned int max);

	/**
	 * @kernel_vm: return the device's kernel VM, referenced as by
	 * @file_vm.  Optional (%CARDSNOOP_CAP_KERNEL_VM).
	 */
	struct cardsnoop_vm *(*kernel_vm)(struct cardsnoop_device *cdev);

	/** @put_vm: drop a reference from @file_vm or @kernel_vm.  Optional. */
	void (*put_vm)(struct cardsnoop_vm *vm);

	/**
	 * @lock_vm: take the lock that keeps @vm's mappings and the backing
	 * of its buffers stable (for drivers on drm_gpuvm and TTM, the VM's
	 * dma_resv).  Interruptible: return -EINTR on a signal.
	 */
	int (*lock_vm)(struct cardsnoop_vm *vm);

	/** @unlock_vm: release @lock_vm. */
	void (*unlock_vm)(struct cardsnoop_vm *vm);

	/**
	 * @resolve: fill @ext for @va; -ENOENT if nothing is mapped there.
	 * Called with @lock_vm held.  May return -EAGAIN after dropping
	 * nothing: the core drops its locks and retries.
	 */
	int (*resolve)(struct cardsnoop_vm *vm, u64 va,
		       struct cardsnoop_extent *ext);

	/**
	 * @iterate: call @fn for each mapping that ends after @start, in VA
	 * order, until @fn returns nonzero (which is then returned).  Called
	 * with @lock_vm held; @fn does not sleep.
	 */
	int (*iterate)(struct cardsnoop_vm *vm, u64 start,
		       int (*fn)(void *arg, const struct cardsnoop_mapping *m),
		       void *arg);

	/**
	 * @vram_access: copy @len bytes between @buf and VRAM at @offset.
	 * Never through an engine of the GPU: it may be hung.  Mandatory if
	 * the device has VRAM.
	 */
	int (*vram_access)(struct cardsnoop_device *cdev, u64 offset,
			   void *buf, size_t len, bool write);

	/**
	 * @flush: make GPU writes visible before a read (@write false), or
	 * CPU writes visible to the GPU after a write (@write true), e.g.
	 * HDP on amdgpu.  Optional.
	 */
	void (*flush)(struct cardsnoop_vm *vm, bool write);
};

/**
 * struct cardsnoop_vm - the snoopable side of a driver's GPU VM
 *
 * Embedded in the driver's VM object and set up with cardsnoop_vm_init().
 * The driver tells the core about every change of what backs a VA range
 * with cardsnoop_invalidate_begin() / cardsnoop_invalidate_end().
 */
struct cardsnoop_vm {
	/** @cdev: the snoop device, NULL if the driver has none. */
	struct cardsnoop_device *cdev;

	/** @id: the VM's id, as %CARDSNOOP_IOCTL_VMS reports it. */
	u64 id;

	/** @va_start: first VA; @va_end: end (exclusive) of the VA range. */
	u64 va_start;

	/** @va_end: see @va_start. */
	u64 va_end;

	/**
	 * @lock: the sequence lock.  Written by the invalidation paths, which
	 * change @seq, @invalidating and @attachments under it; read-held by
	 * snooper reads while they copy from a backing and by mmap faults
	 * while they insert PTEs, so an invalidation waits for them.  Taken
	 * under the VM lock and mmap_lock, never the other way around.
	 */
	struct rw_semaphore lock;

	/**
	 * @seq: odd while an invalidation is in progress.  Written under
	 * @lock; read locklessly in cardsnoop_vm_read_begin() (pairs with the
	 * WRITE_ONCE in the invalidation paths).
	 */
	unsigned long seq;

	/** @invalidating: invalidations in progress; protected by @lock. */
	unsigned int invalidating;

	/** @wq: readers waiting for @invalidating to drop to zero. */
	wait_queue_head_t wq;

	/** @attachments: snoop files attached to this VM; under @lock. */
	struct list_head attachments;
};

/**
 * struct cardsnoop_inval - token from cardsnoop_invalidate_begin()
 *
 * Handed to cardsnoop_invalidate_end(), so that a change whose begin ran
 * while nothing was attached never ends unbalanced.
 */
struct cardsnoop_inval {
	/** @vm: the VM being invalidated, NULL if nothing was to be done. */
	struct cardsnoop_vm *vm;
};

#if IS_ENABLED(CONFIG_DRM_CARDSNOOP)

extern struct static_key_false_deferred cardsnoop_attached;

struct cardsnoop_device *
cardsnoop_register(struct drm_device *drm,
		   const struct cardsnoop_backend_ops *ops, u32 va_bits,
		   u64 vram_size, void *priv);
void cardsnoop_unregister(struct cardsnoop_device *cdev);
void *cardsnoop_device_priv(struct cardsnoop_device *cdev);

void cardsnoop_vm_init(struct cardsnoop_vm *vm, struct cardsnoop_device *cdev,
		       u64 id, u64 va_start, u64 va_end);
void cardsnoop_vm_fini(struct cardsnoop_vm *vm);

struct cardsnoop_inval __cardsnoop_invalidate_begin(struct cardsnoop_vm *vm,
						    u64 start, u64 size);
void __cardsnoop_invalidate_end(struct cardsnoop_inval inv);

/**
 * cardsnoop_invalidate_begin() - announce a change of what backs a VA range
 * @vm: the VM
 * @start: first VA of the range
 * @size: bytes
 *
 * Call before changing what backs [@start, @start + @size) of @vm: unbind,
 * bind over, buffer move, eviction, swap-out, release, VM teardown.  When
 * it returns, no snooper maps the old backing any more, no snooper read is
 * copying from it, and reads that start later wait for the matching
 * cardsnoop_invalidate_end().  A static-key no-op while no snoop file is
 * attached anywhere; otherwise a lookup on @vm's attachment count.
 *
 * Context: process context, may sleep.  MUST be called with the lock that
 * &cardsnoop_backend_ops.lock_vm takes held; never from an mmu notifier
 * callback or from reclaim: it sleeps on the VM's sequence lock and zaps
 * mappings (see DOC: Locking).
 * Return: a token for cardsnoop_invalidate_end().
 */
static __always_inline struct cardsnoop_inval
cardsnoop_invalidate_begin(struct cardsnoop_vm *vm, u64 start, u64 size)
{
	if (static_branch_unlikely(&cardsnoop_attached.key))
		return __cardsnoop_invalidate_begin(vm, start, size);
	return (struct cardsnoop_inval){ };
}

/**
 * cardsnoop_invalidate_end() - the change announced by @inv is complete
 * @inv: what cardsnoop_invalidate_begin() returned
 *
 * Context: process context, may sleep.
 */
static __always_inline void cardsnoop_invalidate_end(struct cardsnoop_inval inv)
{
	if (inv.vm)
		__cardsnoop_invalidate_end(inv);
}

/**
 * cardsnoop_active() - is any snoop file attached?
 *
 * For drivers that want to skip work (collecting the VA ranges of a buffer)
 * that only feeds cardsnoop_invalidate_begin().
 *
 * Return: true if at least one snoop file is attached on the system.
 */
static __always_inline bool cardsnoop_active(void)
{
	return static_branch_unlikely(&cardsnoop_attached.key);
}

void __cardsnoop_event_bind(struct cardsnoop_vm *vm,
			    const struct cardsnoop_mapping *m);
void __cardsnoop_event_unbind(struct cardsnoop_vm *vm, u64 va, u64 size,
			      u64 bo_id);
void __cardsnoop_event_move(struct cardsnoop_vm *vm, u64 va, u64 size,
			    u64 bo_id, u32 placement, bool evict);
void __cardsnoop_event_submit(struct cardsnoop_vm *vm, u32 engine, u64 ib_va,
			      u64 ib_size, u64 seqno);
void __cardsnoop_event_fault(struct cardsnoop_vm *vm, u64 va, u32 access,
			     u64 seqno);

/*
 * The change-event calls below build their record out of line: with the
 * key off, all a driver pays is the NOP of the static branch.
 */

/**
 * cardsnoop_event_bind() - report a new mapping to event readers
 * @vm: the VM
 * @m: the mapping, as %CARDSNOOP_IOCTL_MAPPINGS would list it
 *
 * The change-event calls report what happened after the fact, for
 * debuggers that poll the snoop file; they are independent of the
 * invalidation calls, which keep views coherent.  Like those, they are
 * static-key no-ops while nothing is attached.
 *
 * Context: process context, with the VM lock held (so that ATTACH's replay
 * of the existing mappings and live events neither overlap nor leave a
 * gap).
 */
static __always_inline void
cardsnoop_event_bind(struct cardsnoop_vm *vm, const struct cardsnoop_mapping *m)
{
	if (static_branch_unlikely(&cardsnoop_attached.key))
		__cardsnoop_event_bind(vm, m);
}

/**
 * cardsnoop_event_unbind() - report that a VA range was unmapped
 * @vm: the VM
 * @va: first VA
 * @size: bytes
 * @bo_id: the buffer that was mapped, 0 if none
 *
 * Context: as cardsnoop_event_bind().
 */
static __always_inline void
cardsnoop_event_unbind(struct cardsnoop_vm *vm, u64 va, u64 size, u64 bo_id)
{
	if (static_branch_unlikely(&cardsnoop_attached.key))
		__cardsnoop_event_unbind(vm, va, size, bo_id);
}

/**
 * cardsnoop_event_move() - report that a mapped buffer moved
 * @vm: the VM
 * @va: first VA of one mapping of the buffer
 * @size: bytes of that mapping
 * @bo_id: the buffer
 * @placement: its new &enum cardsnoop_placement
 * @evict: the driver evicted it (EVICT), rather than its owner asking
 *	(MIGRATE)
 *
 * Context: as cardsnoop_event_bind(); call once per mapping of the buffer
 * in @vm.
 */
static __always_inline void
cardsnoop_event_move(struct cardsnoop_vm *vm, u64 va, u64 size, u64 bo_id,
		     u32 placement, bool evict)
{
	if (static_branch_unlikely(&cardsnoop_attached.key))
		__cardsnoop_event_move(vm, va, size, bo_id, placement, evict);
}

/**
 * cardsnoop_event_submit() - report a command submission
 * @vm: the VM the commands run in
 * @engine: the engine (driver-defined index)
 * @ib_va: VA of the command buffer
 * @ib_size: its size
 * @seqno: the submission's sequence number (fence seqno)
 *
 * Context: process context; need not hold the VM lock.
 */
static __always_inline void
cardsnoop_event_submit(struct cardsnoop_vm *vm, u32 engine, u64 ib_va,
		       u64 ib_size, u64 seqno)
{
	if (static_branch_unlikely(&cardsnoop_attached.key))
		__cardsnoop_event_submit(vm, engine, ib_va, ib_size, seqno);
}

/**
 * cardsnoop_event_fault() - report a GPU page fault
 * @vm: the VM
 * @va: the faulting VA
 * @access: %CARDSNOOP_ACCESS_READ or %CARDSNOOP_ACCESS_WRITE
 * @seqno: the faulting submission's sequence number, 0 if unknown
 *
 * Context: process context; need not hold the VM lock.
 */
static __always_inline void
cardsnoop_event_fault(struct cardsnoop_vm *vm, u64 va, u32 access, u64 seqno)
{
	if (static_branch_unlikely(&cardsnoop_attached.key))
		__cardsnoop_event_fault(vm, va, access, seqno);
}

#else /* !CONFIG_DRM_CARDSNOOP */

/*
 * Without cardsnoop, drivers call the same functions: registration fails
 * with -ENODEV (a driver goes on without a snoop node) and every hook is
 * empty.
 */
static inline struct cardsnoop_device *
cardsnoop_register(struct drm_device *drm,
		   const struct cardsnoop_backend_ops *ops, u32 va_bits,
		   u64 vram_size, void *priv)
{
	return ERR_PTR(-ENODEV);
}

static inline void cardsnoop_unregister(struct cardsnoop_device *cdev)
{
}

static inline void *cardsnoop_device_priv(struct cardsnoop_device *cdev)
{
	return NULL;
}

static inline void cardsnoop_vm_init(struct cardsnoop_vm *vm,
				     struct cardsnoop_device *cdev, u64 id,
				     u64 va_start, u64 va_end)
{
}

static inline void cardsnoop_vm_fini(struct cardsnoop_vm *vm)
{
}

static inline struct cardsnoop_inval
cardsnoop_invalidate_begin(struct cardsnoop_vm *vm, u64 start, u64 size)
{
	return (struct cardsnoop_inval){ };
}

static inline void cardsnoop_invalidate_end(struct cardsnoop_inval inv)
{
}

static inline bool cardsnoop_active(void)
{
	return false;
}

static inline void
cardsnoop_event_bind(struct cardsnoop_vm *vm, const struct cardsnoop_mapping *m)
{
}

static inline void
cardsnoop_event_unbind(struct cardsnoop_vm *vm, u64 va, u64 size, u64 bo_id)
{
}

static inline void
cardsnoop_event_move(struct cardsnoop_vm *vm, u64 va, u64 size, u64 bo_id,
		     u32 placement, bool evict)
{
}

static inline void
cardsnoop_event_submit(struct cardsnoop_vm *vm, u32 engine, u64 ib_va,
		       u64 ib_size, u64 seqno)
{
}

static inline void
cardsnoop_event_fault(struct cardsnoop_vm *vm, u64 va, u32 access, u64 seqno)
{
}

#endif /* CONFIG_DRM_CARDSNOOP */

/* Generic helpers for drivers on drm_gpuvm and TTM (in the core module). */
struct drm_gpuva *cardsnoop_gpuvm_lookup(struct drm_gpuvm *gpuvm, u64 va,
					 struct cardsnoop_extent *ext);
void cardsnoop_gpuvm_mapping(struct drm_gpuva *gva,
			     void (*describe)(struct drm_gpuva *va,
					      struct cardsnoop_mapping *m),
			     struct cardsnoop_mapping *m);
int cardsnoop_gpuvm_iterate(struct drm_gpuvm *gpuvm, u64 start,
			    void (*describe)(struct drm_gpuva *va,
					     struct cardsnoop_mapping *m),
			    int (*fn)(void *arg,
				      const struct cardsnoop_mapping *m),
			    void *arg);
int cardsnoop_ttm_resolve(struct ttm_buffer_object *bo, u64 offset,
			  struct cardsnoop_extent *ext);
u32 cardsnoop_ttm_placement(struct ttm_buffer_object *bo);

#endif /* __DRM_CARDSNOOP_H__ */
