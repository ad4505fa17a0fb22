// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The cardsnoop authors
 */

/**
 * DOC: GPU VMs
 *
 * Every open file has a GPU VM, a &struct drm_gpuvm of 48 bits, and each
 * device has a kernel VM that maps the kernel ring.  simgpu has no page
 * tables: the VA tree of drm_gpuvm *is* the GPU's view of memory, and the
 * engine looks a VA up in it for every access (simgpu_vm_access_locked()).
 *
 * %DRM_IOCTL_SIMGPU_VM_BIND and %DRM_IOCTL_SIMGPU_VM_UNBIND are drm_gpuvm's
 * split/merge operations, driven with callbacks (drm_gpuvm_sm_map() and
 * drm_gpuvm_sm_unmap()): binding over existing mappings replaces them and
 * mappings that straddle the range's ends are split, as "DOC: Split and
 * Merge" of drm_gpuvm.c draws it.
 *
 * Locking: the VM's reservation object protects the VA tree; buffers of the
 * VM share it, and imported buffers (whose reservation is the exporter's)
 * have their GEM gpuva list guarded by it too (drm_gem_gpuva_set_lock()), so
 * the VM lock is the only lock of the map and unmap paths.  Mappings that
 * an operation removes are unlinked under it but freed, with the buffer
 * and userptr references they hold, only after it is released, so that no
 * buffer is released under the VM lock.
 *
 * Every change of what backs a VA range is bracketed by cardsnoop's
 * invalidation: one bracket over the whole requested range around each
 * drm_gpuvm_sm_map() / drm_gpuvm_sm_unmap() call.  Every unmap and remap
 * piece that drm_gpuvm generates changes bytes only inside that range (the
 * prev and next pieces of a remap keep their backing), and a snooper never
 * sees the transient hole between the unmap and the map steps of a bind.
 *
 * Mappings of a VM:
 *
 * - buffers (%SIMGPU_VMA_BO) and imported buffers (%SIMGPU_VMA_IMPORTED),
 *   linked to their GEM object through a &drm_gpuvm_bo;
 * - sparse mappings (%SIMGPU_VMA_SPARSE), without memory;
 * - userptr mappings (%SIMGPU_VMA_USERPTR) of the binding process's memory,
 *   whose &drm_gpuva.gem.offset is the CPU address of the first byte, with
 *   an &mmu_interval_notifier over the CPU range (see
 *   simgpu_userptr_invalidate() for why it brackets nothing);
 * - the kernel ring (%SIMGPU_VMA_KERNEL), in the kernel VM only.
 */

#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_gpuvm.h>

#include "simgpu_drv.h"
#include "simgpu_gem.h"
#include "simgpu_mmu.h"
#include "simgpu_snoop.h"

/* Mappings one drm_gpuvm_sm_map() may create: the new one, prev and next. */
#define SIMGPU_VM_PREALLOC	3

/**
 * struct simgpu_vm_op - one map or unmap operation on a VM
 *
 * The @priv of the drm_gpuvm split/merge callbacks.
 */
struct simgpu_vm_op {
	/** @vm: the VM. */
	struct simgpu_vm *vm;

	/** @prealloc: mappings allocated before the VM lock was taken. */
	struct simgpu_vma *prealloc[SIMGPU_VM_PREALLOC];

	/** @vm_bo: map: the vm_bo of the buffer, referenced. */
	struct drm_gpuvm_bo *vm_bo;

	/** @kind: map: kind of the new mapping. */
	enum simgpu_vma_kind kind;

	/** @readonly: map: the new mapping is read-only. */
	bool readonly;

	/** @uptr: map, userptr: the CPU range. */
	struct simgpu_userptr *uptr;

	/** @retired: unmapped mappings, freed after the VM lock. */
	struct list_head retired;
};

static struct simgpu_vma *simgpu_vm_op_get_vma(struct simgpu_vm_op *op)
{
	int i;

	for (i = 0; i < SIMGPU_VM_PREALLOC; i++) {
		struct simgpu_vma *vma = op->prealloc[i];

		if (vma) {
			op->prealloc[i] = NULL;
			return vma;
		}
	}
	return NULL;
}

static int simgpu_vm_op_prealloc(struct simgpu_vm_op *op)
{
	int i;

	for (i = 0; i < SIMGPU_VM_PREALLOC; i++) {
		op->prealloc[i] = kzalloc(sizeof(*op->prealloc[i]),
					  GFP_KERNEL);
		if (!op->prealloc[i])
			return -ENOMEM;
	}
	return 0;
}

/*
 * Userptr
 */

static void simgpu_userptr_release(struct kref *ref)
{
	struct simgpu_userptr *uptr =
		container_of(ref, struct simgpu_userptr, ref);

	mmu_interval_notifier_remove(&uptr->notifier);
	mutex_destroy(&uptr->lock);
	kfree(uptr);
}

static void simgpu_userptr_put(struct simgpu_userptr *uptr)
{
	if (uptr)
		kref_put(&uptr->ref, simgpu_userptr_release);
}

static struct simgpu_userptr *simgpu_userptr_get(struct simgpu_userptr *uptr)
{
	kref_get(&uptr->ref);
	return uptr;
}

/*
 * The CPU range changes (munmap, mremap, migration, swap-out, COW...).  A
 * driver with GPU page tables zaps the range's PTEs here, as amdgpu and xe
 * do.  simgpu has none: the engine reaches userptr memory through the CPU
 * page tables (user copies in the binding process), so it always sees the
 * current pages.  cardsnoop needs nothing either: it reads userptr memory
 * through the target's page tables (get_user_pages_remote(), as
 * /proc/PID/mem does) and never maps it into a snooper.
 *
 * So there is deliberately no cardsnoop_invalidate_begin()/end() here: it
 * would take cardsnoop's sequence lock and zap snooper mappings
 * (i_mmap_rwsem) inside an mmu notifier, while zapping any mapping runs the
 * mmu notifiers under i_mmap_rwsem: a lock inversion (lockdep reports it),
 * and a real self-deadlock when a userptr range covers a snooper mapping of
 * the same VM.  The notifier still holds the mm (mmgrab()) that cardsnoop's
 * %CARDSNOOP_BACKING_USER extents point at.
 */
static bool simgpu_userptr_invalidate(struct mmu_interval_notifier *mni,
				      const struct mmu_notifier_range *range,
				      unsigned long cur_seq)
{
	struct simgpu_userptr *uptr =
		container_of(mni, struct simgpu_userptr, notifier);

	if (mmu_notifier_range_blockable(range))
		mutex_lock(&uptr->lock);
	else if (!mutex_trylock(&uptr->lock))
		return false;

	mmu_interval_set_seq(mni, cur_seq);

	mutex_unlock(&uptr->lock);
	return true;
}

static const struct mmu_interval_notifier_ops simgpu_userptr_ops = {
	.invalidate = simgpu_userptr_invalidate,
};

static struct simgpu_userptr *simgpu_userptr_create(unsigned long addr,
						    unsigned long size)
{
	struct simgpu_userptr *uptr;
	int ret;

	uptr = kzalloc(sizeof(*uptr), GFP_KERNEL);
	if (!uptr)
		return ERR_PTR(-ENOMEM);

	kref_init(&uptr->ref);
	mutex_init(&uptr->lock);
	uptr->addr = addr;
	uptr->size = size;

	/* Takes mmap_lock: before, never under, the VM lock. */
	ret = mmu_interval_notifier_insert(&uptr->notifier, current->mm, addr,
					   size, &simgpu_userptr_ops);
	if (ret) {
		mutex_destroy(&uptr->lock);
		kfree(uptr);
		return ERR_PTR(ret);
	}
	return uptr;
}

/*
 * drm_gpuvm split/merge callbacks; the VM lock is held.
 */

static u64 simgpu_vma_bo_id(struct simgpu_vma *vma)
{
	return vma->base.gem.obj ? to_simgpu_bo(vma->base.gem.obj)->id : 0;
}

static void simgpu_vma_retire(struct simgpu_vm_op *op, struct simgpu_vma *vma)
{
	struct drm_gem_object *obj = vma->base.gem.obj;

	if (obj) {
		/* Keep the buffer alive past the unlink, until the unlock. */
		drm_gem_object_get(obj);
		vma->dead_obj = obj;
		drm_gpuva_unlink(&vma->base);
	}
	list_add_tail(&vma->free_link, &op->retired);
}

static void simgpu_vma_init_as(struct simgpu_vma *vma,
			       const struct simgpu_vma *from)
{
	vma->kind = from->kind;
	vma->readonly = from->readonly;
	if (from->uptr)
		vma->uptr = simgpu_userptr_get(from->uptr);
}

static int simgpu_vm_sm_step_map(struct drm_gpuva_op *gop, void *priv)
{
	struct simgpu_vm_op *op = priv;
	struct simgpu_vma *vma = simgpu_vm_op_get_vma(op);

	if (drm_WARN_ON(op->vm->base.drm, !vma))
		return -EINVAL;

	vma->kind = op->kind;
	vma->readonly = op->readonly;
	if (op->uptr)
		vma->uptr = simgpu_userptr_get(op->uptr);

	drm_gpuva_map(&op->vm->base, &vma->base, &gop->map);
	if (op->vm_bo)
		drm_gpuva_link(&vma->base, op->vm_bo);
	simgpu_snoop_event_bind(op->vm, &vma->base);
	return 0;
}

static int simgpu_vm_sm_step_remap(struct drm_gpuva_op *gop, void *priv)
{
	struct simgpu_vm_op *op = priv;
	struct simgpu_vma *old = to_simgpu_vma(gop->remap.unmap->va);
	struct drm_gpuvm_bo *vm_bo = old->base.vm_bo;
	struct simgpu_vma *prev = NULL, *next = NULL;
	u64 start, range;

	if (simgpu_snoop_active()) {
		drm_gpuva_op_remap_to_unmap_range(&gop->remap, &start, &range);
		simgpu_snoop_event_unbind(op->vm, start, range,
					  simgpu_vma_bo_id(old));
	}

	if (gop->remap.prev) {
		prev = simgpu_vm_op_get_vma(op);
		if (drm_WARN_ON(op->vm->base.drm, !prev))
			return -EINVAL;
		simgpu_vma_init_as(prev, old);
	}
	if (gop->remap.next) {
		next = simgpu_vm_op_get_vma(op);
		if (drm_WARN_ON(op->vm->base.drm, !next))
			return -EINVAL;
		simgpu_vma_init_as(next, old);
	}

	drm_gpuva_remap(prev ? &prev->base : NULL, next ? &next->base : NULL,
			&gop->remap);
	if (prev && vm_bo)
		drm_gpuva_link(&prev->base, vm_bo);
	if (next && vm_bo)
		drm_gpuva_link(&next->base, vm_bo);

	simgpu_vma_retire(op, old);
	return 0;
}

static int simgpu_vm_sm_step_unmap(struct drm_gpuva_op *gop, void *priv)
{
	struct simgpu_vm_op *op = priv;
	struct simgpu_vma *vma = to_simgpu_vma(gop->unmap.va);

	if (simgpu_snoop_active())
		simgpu_snoop_event_unbind(op->vm, vma->base.va.addr,
					  vma->base.va.range,
					  simgpu_vma_bo_id(vma));
	drm_gpuva_unmap(&gop->unmap);
	simgpu_vma_retire(op, vma);
	return 0;
}

static void simgpu_vm_free(struct drm_gpuvm *gpuvm)
{
	struct simgpu_vm *vm = to_simgpu_vm(gpuvm);

	simgpu_snoop_vm_fini(vm);
	kfree(vm);
}

static const struct drm_gpuvm_ops simgpu_gpuvm_ops = {
	.vm_free = simgpu_vm_free,
	.sm_step_map = simgpu_vm_sm_step_map,
	.sm_step_remap = simgpu_vm_sm_step_remap,
	.sm_step_unmap = simgpu_vm_sm_step_unmap,
};

/* Free what an operation unmapped and did not use; no VM lock held. */
static void simgpu_vm_op_cleanup(struct simgpu_vm_op *op)
{
	struct simgpu_vma *vma, *tmp;
	int i;

	list_for_each_entry_safe(vma, tmp, &op->retired, free_link) {
		list_del(&vma->free_link);
		if (vma->dead_obj)
			drm_gem_object_put(vma->dead_obj);
		simgpu_userptr_put(vma->uptr);
		kfree(vma);
	}
	for (i = 0; i < SIMGPU_VM_PREALLOC; i++)
		kfree(op->prealloc[i]);
}

/*
 * VMs
 */

/**
 * simgpu_vm_create() - create a VM
 * @sdev: the device
 * @kernel: the device's kernel VM (upper half of the VA space) rather than
 *	a file's VM ([%SIMGPU_VA_START, 2^48))
 * @id: drm-client-id of the file, 0 for the kernel VM
 *
 * The VM's cardsnoop side is set up by simgpu_vm_snoop_init().
 *
 * Return: the VM with one reference, or an ERR_PTR().
 */
struct simgpu_vm *simgpu_vm_create(struct simgpu_device *sdev, bool kernel,
				   u64 id)
{
	struct drm_gem_object *r_obj;
	struct simgpu_vm *vm;
	u64 start = kernel ? SIMGPU_KERNEL_VA_START : SIMGPU_VA_START;

	vm = kzalloc(sizeof(*vm), GFP_KERNEL);
	if (!vm)
		return ERR_PTR(-ENOMEM);

	r_obj = drm_gpuvm_resv_object_alloc(&sdev->drm);
	if (!r_obj) {
		kfree(vm);
		return ERR_PTR(-ENOMEM);
	}

	vm->sdev = sdev;
	vm->kernel = kernel;
	vm->id = id;
	drm_gpuvm_init(&vm->base, kernel ? "simgpu-kernel" : "simgpu",
		       DRM_GPUVM_RESV_PROTECTED, &sdev->drm, r_obj, start,
		       SIMGPU_VA_END - start, 0, 0, &simgpu_gpuvm_ops);
	/* drm_gpuvm_init() took its own reference. */
	drm_gem_object_put(r_obj);

	return vm;
}

/**
 * simgpu_vm_snoop_init() - make a VM visible to cardsnoop
 * @vm: the VM
 *
 * Context: before the VM is used by more than its creator.
 */
void simgpu_vm_snoop_init(struct simgpu_vm *vm)
{
	simgpu_snoop_vm_init(vm);
}

/**
 * simgpu_vm_put() - drop a reference on a VM
 * @vm: the VM
 */
void simgpu_vm_put(struct simgpu_vm *vm)
{
	drm_gpuvm_put(&vm->base);
}

static int simgpu_vm_unmap(struct simgpu_vm *vm, u64 va, u64 size,
			   bool interruptible)
{
	struct dma_resv *resv = simgpu_vm_resv(vm);
	struct simgpu_vm_op op = {
		.vm = vm,
		.retired = LIST_HEAD_INIT(op.retired),
	};
	struct simgpu_snoop_inval inv;
	int ret;

	/* An unmap splits at most one mapping in two: one new piece. */
	op.prealloc[0] = kzalloc(sizeof(*op.prealloc[0]), GFP_KERNEL);
	op.prealloc[1] = kzalloc(sizeof(*op.prealloc[1]), GFP_KERNEL);
	if (!op.prealloc[0] || !op.prealloc[1]) {
		ret = -ENOMEM;
		goto out;
	}

	if (interruptible) {
		ret = dma_resv_lock_interruptible(resv, NULL);
		if (ret)
			goto out;
	} else {
		dma_resv_lock(resv, NULL);
	}

	inv = simgpu_snoop_begin(vm, va, size);
	ret = drm_gpuvm_sm_unmap(&vm->base, &op, va, size);
	simgpu_snoop_end(inv);

	dma_resv_unlock(resv);
out:
	simgpu_vm_op_cleanup(&op);
	return ret;
}

/**
 * simgpu_vm_close() - unmap everything, as the owner of the VM goes away
 * @vm: the VM
 *
 * Called when the file closes (for the kernel VM: when the device goes),
 * before dropping the owner's reference.  Snoopers attached to the VM keep
 * a reference on the file, so this runs only when none is left; the
 * teardown is bracketed like any unmap all the same.
 *
 * Context: process context; takes the VM lock.
 */
void simgpu_vm_close(struct simgpu_vm *vm)
{
	u64 start = vm->base.mm_start;

	/* Nothing else can fail: retry an allocation failure. */
	while (simgpu_vm_unmap(vm, start, vm->base.mm_range, false) == -ENOMEM)
		cond_resched();
}

/**
 * simgpu_vm_bind() - map a buffer, sparse or userptr memory
 * @vm: the VM
 * @va: first VA (linear), page aligned
 * @size: bytes, page aligned
 * @obj: the buffer, referenced by the caller; NULL for sparse and userptr
 * @offset: offset in @obj, page aligned
 * @flags: %SIMGPU_BIND_READONLY (the others are told by @kind)
 * @uptr: the CPU range for %SIMGPU_VMA_USERPTR, referenced by the caller
 * @kind: what to map
 *
 * Replaces whatever was mapped in the range.
 *
 * Context: process context; takes the VM lock, interruptibly.
 * Return: 0, -EINVAL (range outside the VM), -ENOMEM or -EINTR.
 */
int simgpu_vm_bind(struct simgpu_vm *vm, u64 va, u64 size,
		   struct drm_gem_object *obj, u64 offset, u32 flags,
		   struct simgpu_userptr *uptr, enum simgpu_vma_kind kind)
{
	struct dma_resv *resv = simgpu_vm_resv(vm);
	struct simgpu_vm_op op = {
		.vm = vm,
		.kind = kind,
		.readonly = flags & SIMGPU_BIND_READONLY,
		.uptr = uptr,
		.retired = LIST_HEAD_INIT(op.retired),
	};
	struct simgpu_snoop_inval inv;
	int ret;

	ret = simgpu_vm_op_prealloc(&op);
	if (ret)
		goto out;

	/* gem.offset carries the CPU address of a userptr mapping. */
	if (!obj)
		offset = uptr ? uptr->addr : 0;

	ret = dma_resv_lock_interruptible(resv, NULL);
	if (ret)
		goto out;

	if (obj) {
#ifdef CONFIG_LOCKDEP
		/*
		 * An imported buffer's reservation is the exporter's; its
		 * gpuva list is guarded by the VM lock like everything else
		 * of the VM (a GEM object belongs to one file, hence one VM).
		 */
		if (obj->resv != resv && !obj->gpuva.lock_dep_map)
			drm_gem_gpuva_set_lock(obj, &resv->lock.base);
#endif
		op.vm_bo = drm_gpuvm_bo_obtain(&vm->base, obj);
		if (IS_ERR(op.vm_bo)) {
			ret = PTR_ERR(op.vm_bo);
			op.vm_bo = NULL;
			goto out_unlock;
		}
	}

	inv = simgpu_snoop_begin(vm, va, size);
	ret = drm_gpuvm_sm_map(&vm->base, &op, va, size, obj, offset);
	simgpu_snoop_end(inv);

	/* The new mapping holds its own reference (drm_gpuva_link()). */
	if (op.vm_bo)
		drm_gpuvm_bo_put(op.vm_bo);
out_unlock:
	dma_resv_unlock(resv);
out:
	simgpu_vm_op_cleanup(&op);
	return ret;
}

/**
 * simgpu_vm_access_locked() - the engine reads or writes through a VM
 * @vm: the VM, locked
 * @va: first VA (linear)
 * @buf: kernel buffer
 * @len: bytes
 * @write: true to write @buf at @va
 * @acc: where a failed access stopped
 *
 * Userptr memory is reached with user copies, page faults disabled (the VM
 * lock ranks below mmap_lock); an access that needs a page fault returns
 * -EAGAIN with @acc->uaddr and @acc->ulen to fault in with every lock
 * dropped, as i915 does it.  This is only possible in the process that
 * bound the memory; the engine then acts for that process, as the ioctl
 * runs synchronously in it.  Real GPUs reach userptr memory through pinned
 * or HMM-mirrored pages instead; what the engine reads and writes is the
 * same memory.
 *
 * Return: 0; -EFAULT, a GPU page fault at @acc->va for @acc->reason;
 * -EAGAIN (see above); another negative errno.  Part of the range may have
 * been accessed on failure.
 */
int simgpu_vm_access_locked(struct simgpu_vm *vm, u64 va, void *buf,
			    size_t len, bool write, struct simgpu_access *acc)
{
	dma_resv_assert_held(simgpu_vm_resv(vm));

	while (len) {
		struct drm_gpuva *gpuva;
		struct simgpu_vma *vma;
		u64 in_map;
		size_t n;
		int ret;

		gpuva = drm_gpuva_find_first(&vm->base, va, 1);
		if (!gpuva) {
			acc->va = va;
			acc->reason = SIMGPU_FAULT_UNMAPPED;
			return -EFAULT;
		}
		vma = to_simgpu_vma(gpuva);
		if (write && vma->readonly) {
			acc->va = va;
			acc->reason = SIMGPU_FAULT_READONLY;
			return -EFAULT;
		}

		in_map = va - gpuva->va.addr;
		n = min_t(u64, len, gpuva->va.range - in_map);

		switch (vma->kind) {
		case SIMGPU_VMA_BO:
		case SIMGPU_VMA_IMPORTED:
		case SIMGPU_VMA_KERNEL:
			ret = simgpu_bo_access_locked(to_simgpu_bo(gpuva->gem.obj),
						      gpuva->gem.offset + in_map,
						      buf, n, write);
			if (ret)
				return ret;
			break;
		case SIMGPU_VMA_SPARSE:
			if (!write)
				memset(buf, 0, n);
			break;
		case SIMGPU_VMA_USERPTR: {
			void __user *uaddr =
				u64_to_user_ptr(gpuva->gem.offset + in_map);
			unsigned long left;

			if (current->mm != vma->uptr->notifier.mm) {
				acc->va = va;
				acc->reason = SIMGPU_FAULT_USERPTR;
				return -EFAULT;
			}
			pagefault_disable();
			if (write)
				left = __copy_to_user_inatomic(uaddr, buf, n);
			else
				left = __copy_from_user_inatomic(buf, uaddr, n);
			pagefault_enable();
			if (left) {
				acc->va = va + (n - left);
				acc->uaddr = (unsigned long)uaddr + (n - left);
				acc->ulen = left;
				return -EAGAIN;
			}
			break;
		}
		}

		va += n;
		buf += n;
		len -= n;
	}
	return 0;
}

/*
 * Invalidation of a buffer's mappings, for the TTM notifications
 */

/**
 * simgpu_mmu_bo_invalidate_begin() - begin invalidating a buffer's mappings
 * @bo: the buffer; its reservation (hence its VM's) held
 * @st: filled with the tokens
 *
 * Brackets cardsnoop's invalidation around every VA range @bo is bound at,
 * in every VM (drm_gem_for_each_gpuvm_bo() and drm_gpuvm_bo_for_each_va()).
 * Walks nothing while no snooper is attached anywhere.
 */
void simgpu_mmu_bo_invalidate_begin(struct simgpu_bo *bo,
				    struct simgpu_bo_inval *st)
{
	struct drm_gem_object *obj = &bo->tbo.base;
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gpuva *gpuva;

	st->count = 0;
	if (!simgpu_snoop_active())
		return;

	drm_gem_for_each_gpuvm_bo(vm_bo, obj) {
		struct simgpu_vm *vm = to_simgpu_vm(vm_bo->vm);
		u64 start = U64_MAX, end = 0;

		drm_gpuvm_bo_for_each_va(gpuva, vm_bo) {
			if (st->count < SIMGPU_BO_INVAL_MAX) {
				st->inv[st->count++] =
					simgpu_snoop_begin(vm, gpuva->va.addr,
							   gpuva->va.range);
				continue;
			}
			start = min(start, gpuva->va.addr);
			end = max(end, gpuva->va.addr + gpuva->va.range);
		}
		if (start < end) {
			/* Too many ranges: their span, in the spare slot. */
			if (drm_WARN_ON_ONCE(obj->dev, st->count > SIMGPU_BO_INVAL_MAX))
				continue;
			st->inv[st->count++] =
				simgpu_snoop_begin(vm, start, end - start);
		}
	}
}

/**
 * simgpu_mmu_bo_invalidate_end() - end what simgpu_mmu_bo_invalidate_begin()
 * began
 * @st: the tokens
 */
void simgpu_mmu_bo_invalidate_end(struct simgpu_bo_inval *st)
{
	while (st->count)
		simgpu_snoop_end(st->inv[--st->count]);
}

/**
 * simgpu_mmu_bo_event_move() - report a buffer's move for each mapping
 * @bo: the buffer, reserved, just moved
 * @vram: it is in VRAM now (else in system memory)
 * @evict: TTM evicted it, rather than its owner migrating it
 */
void simgpu_mmu_bo_event_move(struct simgpu_bo *bo, bool vram, bool evict)
{
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gpuva *gpuva;

	if (!simgpu_snoop_active())
		return;
	drm_gem_for_each_gpuvm_bo(vm_bo, &bo->tbo.base)
		drm_gpuvm_bo_for_each_va(gpuva, vm_bo)
			simgpu_snoop_event_move(to_simgpu_vm(vm_bo->vm),
						gpuva->va.addr, gpuva->va.range,
						bo->id, vram, evict);
}

/*
 * Ioctls
 */

#define SIMGPU_BIND_FLAGS \
	(SIMGPU_BIND_READONLY | SIMGPU_BIND_SPARSE | SIMGPU_BIND_USERPTR)

/* A user range [va, va + size) in linear form, inside the client VM. */
static bool simgpu_user_range(u64 va, u64 size, u64 *out)
{
	if (!simgpu_va_from_user(va, out) || !size ||
	    !PAGE_ALIGNED(*out) || !PAGE_ALIGNED(size))
		return false;
	return *out >= SIMGPU_VA_START && size <= SIMGPU_VA_END - *out;
}

/**
 * simgpu_ioctl_vm_bind() - %DRM_IOCTL_SIMGPU_VM_BIND
 * @dev: the DRM device
 * @data: &struct drm_simgpu_vm_bind
 * @file: the DRM file
 *
 * See &struct drm_simgpu_vm_bind for the semantics and the errors.
 *
 * Return: 0 or a negative errno.
 */
int simgpu_ioctl_vm_bind(struct drm_device *dev, void *data,
			 struct drm_file *file)
{
	struct drm_simgpu_vm_bind *args = data;
	struct simgpu_vm *vm = to_simgpu_file(file)->vm;
	struct simgpu_userptr *uptr = NULL;
	struct drm_gem_object *obj = NULL;
	enum simgpu_vma_kind kind;
	u64 va;
	int ret, idx;

	if (args->flags & ~SIMGPU_BIND_FLAGS)
		return -EINVAL;
	if (args->flags & (SIMGPU_BIND_SPARSE | SIMGPU_BIND_USERPTR)) {
		if ((args->flags & SIMGPU_BIND_SPARSE) &&
		    (args->flags & SIMGPU_BIND_USERPTR))
			return -EINVAL;
		if (args->handle || args->offset)
			return -EINVAL;
	}
	if (!(args->flags & SIMGPU_BIND_USERPTR) && args->userptr)
		return -EINVAL;
	if (!simgpu_user_range(args->va, args->size, &va) ||
	    !PAGE_ALIGNED(args->offset) || !PAGE_ALIGNED(args->userptr))
		return -EINVAL;

	if (!drm_dev_enter(dev, &idx))
		return -ENODEV;

	if (args->flags & SIMGPU_BIND_SPARSE) {
		kind = SIMGPU_VMA_SPARSE;
	} else if (args->flags & SIMGPU_BIND_USERPTR) {
		kind = SIMGPU_VMA_USERPTR;
		if (!args->userptr ||
		    !access_ok(u64_to_user_ptr(args->userptr), args->size)) {
			ret = -EFAULT;
			goto out_dev_exit;
		}
		uptr = simgpu_userptr_create(args->userptr, args->size);
		if (IS_ERR(uptr)) {
			ret = PTR_ERR(uptr);
			goto out_dev_exit;
		}
	} else {
		obj = drm_gem_object_lookup(file, args->handle);
		if (!obj) {
			ret = -ENOENT;
			goto out_dev_exit;
		}
		if (args->offset > obj->size ||
		    args->size > obj->size - args->offset) {
			ret = -EINVAL;
			goto out_put;
		}
		kind = obj->import_attach ? SIMGPU_VMA_IMPORTED : SIMGPU_VMA_BO;
	}

	ret = simgpu_vm_bind(vm, va, args->size, obj, args->offset,
			     args->flags, uptr, kind);

out_put:
	if (obj)
		drm_gem_object_put(obj);
	simgpu_userptr_put(uptr);
out_dev_exit:
	drm_dev_exit(idx);
	return ret;
}

/**
 * simgpu_ioctl_vm_unbind() - %DRM_IOCTL_SIMGPU_VM_UNBIND
 * @dev: the DRM device
 * @data: &struct drm_simgpu_vm_unbind
 * @file: the DRM file
 *
 * See &struct drm_simgpu_vm_unbind for the semantics and the errors.
 *
 * Return: 0 or a negative errno.
 */
int simgpu_ioctl_vm_unbind(struct drm_device *dev, void *data,
			   struct drm_file *file)
{
	struct drm_simgpu_vm_unbind *args = data;
	struct simgpu_vm *vm = to_simgpu_file(file)->vm;
	u64 va;
	int ret, idx;

	if (args->flags || args->pad ||
	    !simgpu_user_range(args->va, args->size, &va))
		return -EINVAL;

	if (!drm_dev_enter(dev, &idx))
		return -ENODEV;
	ret = simgpu_vm_unmap(vm, va, args->size, true);
	drm_dev_exit(idx);
	return ret;
}
