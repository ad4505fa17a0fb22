// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The cardsnoop authors
 */

#include <linux/export.h>
#include <linux/jump_label_ratelimit.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include <drm/drm_device.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_print.h>

#include <drm/cardsnoop.h>

#include "cardsnoop_internal.h"

/**
 * DOC: Overview
 *
 * cardsnoop gives a debugger one file per GPU, ``/dev/dri/cardN-snoop``, in
 * which the file offset is a GPU virtual address of a target's VM.  The core
 * (this module) implements the file: attach, read/write, lseek with
 * %SEEK_DATA/%SEEK_HOLE, mmap with VRAM snapshots, and the ioctls of
 * ``cardsnoop_drm.h``.  A GPU driver plugs in with:
 *
 * - cardsnoop_register() after drm_dev_register(), with a
 *   &struct cardsnoop_backend_ops that finds the VM of a DRM file, locks a
 *   VM, resolves a VA to what backs it, iterates mappings and copies VRAM;
 *   cardsnoop_unregister() before drm_dev_unplug().
 * - a &struct cardsnoop_vm embedded in each of its VMs, set up with
 *   cardsnoop_vm_init() and torn down with cardsnoop_vm_fini();
 * - cardsnoop_invalidate_begin() / cardsnoop_invalidate_end() around every
 *   change of what backs a VA range: bind over, unbind, buffer move,
 *   eviction, swap-out, release, VM teardown.
 *
 * Drivers built on &drm_gpuvm and TTM get resolve and iterate almost for
 * free from cardsnoop_gpuvm_lookup(), cardsnoop_gpuvm_iterate() and
 * cardsnoop_ttm_resolve().
 *
 * The invalidation hooks are static inline functions behind the static key
 * &cardsnoop_attached, which is enabled only while at least one snoop file is
 * attached somewhere: with nothing attached, a driver pays one NOP per hook.
 * The key is decremented with a delay (HZ) so that a debugger that attaches
 * and detaches in a loop does not patch code on every cycle.
 *
 * The invalidation protocol is that of &mmu_interval_notifier: each
 * &cardsnoop_vm has a sequence count, odd while an invalidation is in
 * progress.  A snooper access samples it (waiting while it is odd), resolves
 * the VA under the driver's VM lock, then takes the VM's sequence lock for
 * read, checks that the count did not move, and only then copies or inserts
 * PTEs, still under the sequence lock.  cardsnoop_invalidate_begin() takes
 * the sequence lock for write, makes the count odd and zaps every snooper
 * PTE in the range; so when it returns, nobody maps or copies the old
 * backing, and every access that resolved it before will retry.
 *
 * ::
 *
 *     snooper                          driver
 *     seq = read_begin(vm)
 *     lock_vm(); resolve(va)
 *     down_read(vm->lock)
 *     seq unchanged? copy / insert PTE
 *     up_read(vm->lock); unlock_vm()
 *                                      [lock_vm held]
 *                                      begin(): down_write(vm->lock),
 *                                               seq++ (odd), zap, up_write
 *                                      ... change the backing ...
 *                                      end(): seq++ (even), wake readers
 */

/**
 * DOC: Locking
 *
 * Lock order, outermost first:
 *
 * 1. mmap_lock of the snooper (page faults on the snoop file),
 * 2. the driver's VM lock, &cardsnoop_backend_ops.lock_vm (for drm_gpuvm +
 *    TTM drivers: the VM's dma_resv, which VM-private buffers share),
 * 3. &cardsnoop_vm.lock, the sequence lock (a rw_semaphore),
 * 4. the i_mmap_rwsem of a snoop file's private address space and the page
 *    table locks (zapping and PTE insertion).
 *
 * The driver MUST call cardsnoop_invalidate_begin() and
 * cardsnoop_invalidate_end() with its VM lock held.  It MUST NOT call them
 * from an mmu notifier callback: zapping snooper mappings runs mmu
 * notifiers itself (i_mmap_rwsem -> invalidate_range_start -> the driver's
 * notifier lock -> the sequence lock -> i_mmap_rwsem), and a userptr range
 * can cover a snooper mapping.  Userptr memory needs no bracket: the core
 * reads it through the target's page tables (%CARDSNOOP_BACKING_USER) and
 * never maps it.  The core never calls into the driver with the sequence
 * lock held, except for &cardsnoop_backend_ops.vram_access and
 * &cardsnoop_backend_ops.flush, which must not take the VM lock.
 *
 * Buffers whose reservation is not the VM's (shared, imported): a backend
 * that reserves such a buffer in &cardsnoop_backend_ops.resolve (trylock,
 * returning -EAGAIN to have the core drop everything and retry after the
 * backend waited) keeps it reserved until &cardsnoop_backend_ops.unlock_vm.
 * The driver's move, eviction and release paths, which hold that
 * reservation, may then bracket the change with cardsnoop_invalidate_begin()
 * and cardsnoop_invalidate_end() back to back before it starts: no snooper
 * copies from or maps the buffer while they hold the reservation, and the
 * PTEs of earlier accesses are zapped by the begin.
 *
 * No copy_to_user()/copy_from_user() runs under the VM lock with page faults
 * enabled: system pages are copied with page faults disabled (and the
 * access retried after fault_in_*() with every lock dropped, as i915 does),
 * VRAM goes through a kernel bounce buffer that is copied to user memory
 * after all locks are dropped.
 *
 * &cardsnoop_device.srcu is held around every call into the backend, so that
 * cardsnoop_unregister() returns only when none is left; it is SRCU rather
 * than a lock because a reader may fault on its own buffer inside it.
 *
 * Attach: the static key is enabled before the file is added to the VM's
 * attachment list under the driver's VM lock.  A change that ran
 * cardsnoop_invalidate_begin() while the key was off holds that lock until
 * it is done, so ATTACH waits it out; its cardsnoop_invalidate_end() sees an
 * empty token and does nothing.  A begin that ran with the key on but
 * nothing attached to that VM also returns an empty token.
 */

/**
 * DOC: Examples
 *
 * A driver on drm_gpuvm and TTM whose buffers share their VM's dma_resv::
 *
 *     static int foo_snoop_lock_vm(struct cardsnoop_vm *svm)
 *     {
 *             return dma_resv_lock_interruptible(to_foo_vm(svm)->resv, NULL);
 *     }
 *
 *     static int foo_snoop_resolve(struct cardsnoop_vm *svm, u64 va,
 *                                  struct cardsnoop_extent *ext)
 *     {
 *             struct drm_gpuva *gpuva;
 *
 *             gpuva = cardsnoop_gpuvm_lookup(&to_foo_vm(svm)->gpuvm, va, ext);
 *             if (!gpuva)
 *                     return -ENOENT;
 *             return cardsnoop_ttm_resolve(to_ttm_bo(gpuva->gem.obj),
 *                                          ext->map.bo_offset +
 *                                          (va - ext->map.va), ext);
 *     }
 *
 *     // in the unbind path, VM resv held:
 *     struct cardsnoop_inval inv;
 *
 *     inv = cardsnoop_invalidate_begin(&vm->snoop, va, size);
 *     foo_vm_unmap(vm, va, size);
 *     cardsnoop_invalidate_end(inv);
 *
 *     // in ttm_device_funcs.move, the buffer reserved:
 *     if (cardsnoop_active())
 *             for each VA range [va, va + size) that @bo is bound at:
 *                     invs[i] = cardsnoop_invalidate_begin(&vm->snoop,
 *                                                          va, size);
 *     ret = ttm_bo_move_memcpy(bo, ctx, new_mem);
 *     ... cardsnoop_invalidate_end(invs[i]) for each ...
 */

/*
 * Enabled while at least one snoop file is attached.  Exported so that the
 * inline hooks in the driver can test it.  (checkpatch does not see through
 * the DEFINE_ macro and asks for the export to follow a function.)
 */
DEFINE_STATIC_KEY_DEFERRED_FALSE(cardsnoop_attached, HZ);
EXPORT_SYMBOL_GPL(cardsnoop_attached);

/**
 * cardsnoop_register() - create the snoop node of a DRM device
 * @drm: the DRM device, registered (it must have a primary node)
 * @ops: the backend
 * @va_bits: width of the GPU virtual address space (12..63)
 * @vram_size: bytes of VRAM, 0 if none
 * @priv: driver pointer, returned by cardsnoop_device_priv()
 *
 * Creates ``/dev/dri/cardN-snoop``, N being the index of @drm's primary
 * node.  Its permissions are left to udev, which gives it those of the
 * render node; opening it grants nothing until ATTACH.
 *
 * Context: process context.  Call after drm_dev_register().
 * Return: the snoop device, or an ERR_PTR().
 */
struct cardsnoop_device *
cardsnoop_register(struct drm_device *drm,
		   const struct cardsnoop_backend_ops *ops, u32 va_bits,
		   u64 vram_size, void *priv)
{
	struct cardsnoop_device *cdev;
	int ret;

	if (drm_WARN_ON(drm, !drm->primary || !ops || !ops->file_vm ||
			!ops->lock_vm || !ops->unlock_vm || !ops->resolve ||
			!ops->iterate || (vram_size && !ops->vram_access) ||
			va_bits < 12 || va_bits > 63))
		return ERR_PTR(-EINVAL);

	cdev = kzalloc(sizeof(*cdev), GFP_KERNEL);
	if (!cdev)
		return ERR_PTR(-ENOMEM);

	kref_init(&cdev->ref);
	cdev->drm = drm;
	cdev->ops = ops;
	cdev->priv = priv;
	cdev->va_bits = va_bits;
	cdev->vram_size = vram_size;
	cdev->card_index = drm->primary->index;
	cdev->render_index = drm->render ? drm->render->index : ~0u;
	strscpy(cdev->driver, drm->driver->name, sizeof(cdev->driver));
	mutex_init(&cdev->files_lock);
	INIT_LIST_HEAD(&cdev->files);

	ret = init_srcu_struct(&cdev->srcu);
	if (ret)
		goto err_free;

	snprintf(cdev->name, sizeof(cdev->name), "card%u-snoop",
		 cdev->card_index);
	snprintf(cdev->nodename, sizeof(cdev->nodename), "dri/%s", cdev->name);
	cdev->misc.minor = MISC_DYNAMIC_MINOR;
	cdev->misc.name = cdev->name;
	cdev->misc.nodename = cdev->nodename;
	cdev->misc.fops = &cardsnoop_fops;
	cdev->misc.parent = drm->dev;

	ret = misc_register(&cdev->misc);
	if (ret)
		goto err_srcu;

	drm_dbg_driver(drm, "cardsnoop: /dev/%s\n", cdev->nodename);
	return cdev;

err_srcu:
	cleanup_srcu_struct(&cdev->srcu);
err_free:
	kfree(cdev);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_GPL(cardsnoop_register);

static void cardsnoop_device_release(struct kref *ref)
{
	struct cardsnoop_device *cdev =
		container_of(ref, struct cardsnoop_device, ref);

	cleanup_srcu_struct(&cdev->srcu);
	kfree(cdev);
}

void cardsnoop_device_put(struct cardsnoop_device *cdev)
{
	kref_put(&cdev->ref, cardsnoop_device_release);
}

/**
 * cardsnoop_unregister() - remove the snoop node of a DRM device
 * @cdev: what cardsnoop_register() returned; NULL or an ERR_PTR() is ignored
 *
 * Removes the node, detaches every open snoop file (they answer -ENODEV from
 * now on and their mappings are zapped: an access raises SIGBUS) and drops
 * their references on the driver's DRM files and VMs.  When it returns, the
 * core will not call the backend again.
 *
 * Context: process context; may sleep until snooper accesses in progress
 * have finished.  Call before drm_dev_unplug() or drm_dev_unregister(),
 * without the VM locks held.
 */
void cardsnoop_unregister(struct cardsnoop_device *cdev)
{
	struct cardsnoop_file *cf, *tmp;

	if (IS_ERR_OR_NULL(cdev))
		return;

	misc_deregister(&cdev->misc);

	WRITE_ONCE(cdev->unplugged, true);
	/* Pairs with the READ_ONCE in cardsnoop_enter(). */
	synchronize_srcu(&cdev->srcu);

	/*
	 * Detach under files_lock: a file being released takes it first and
	 * so waits for us here, instead of freeing what we are detaching.
	 * No ATTACH holds a file's lock and wants files_lock any more (it is
	 * past the SRCU section we waited for, or will not enter it).
	 */
	mutex_lock(&cdev->files_lock);
	list_for_each_entry_safe(cf, tmp, &cdev->files, dev_link) {
		list_del_init(&cf->dev_link);
		cardsnoop_file_detach(cf, true);
	}
	mutex_unlock(&cdev->files_lock);

	cardsnoop_device_put(cdev);
}
EXPORT_SYMBOL_GPL(cardsnoop_unregister);

/**
 * cardsnoop_device_priv() - the driver's pointer
 * @cdev: the snoop device
 *
 * Return: the @priv given to cardsnoop_register().
 */
void *cardsnoop_device_priv(struct cardsnoop_device *cdev)
{
	return cdev->priv;
}
EXPORT_SYMBOL_GPL(cardsnoop_device_priv);

/*
 * __cardsnoop_enter() - start a section that may call the backend
 *
 * Use it through cardsnoop_enter(), which tells sparse that the SRCU read
 * side is held when it returns true.
 *
 * Return: false if the device is gone (the caller fails with -ENODEV).
 */
bool __cardsnoop_enter(struct cardsnoop_device *cdev, int *idx)
{
	*idx = srcu_read_lock(&cdev->srcu);
	if (READ_ONCE(cdev->unplugged)) {
		srcu_read_unlock(&cdev->srcu, *idx);
		return false;
	}
	/* Held until cardsnoop_exit(); __cond_lock() accounts for it. */
	__release(&cdev->srcu);
	return true;
}

void cardsnoop_exit(struct cardsnoop_device *cdev, int idx)
	__releases(&cdev->srcu)
{
	srcu_read_unlock(&cdev->srcu, idx);
}

/**
 * cardsnoop_vm_init() - set up the snoopable side of a GPU VM
 * @vm: embedded in the driver's VM
 * @cdev: the snoop device, or NULL / an ERR_PTR() if the driver has none
 *	(the VM is then never attached and the hooks do nothing)
 * @id: the VM's id in %CARDSNOOP_IOCTL_VMS
 * @va_start: first VA
 * @va_end: end (exclusive) of the VA range
 *
 * Context: process context.
 */
void cardsnoop_vm_init(struct cardsnoop_vm *vm, struct cardsnoop_device *cdev,
		       u64 id, u64 va_start, u64 va_end)
{
	vm->cdev = IS_ERR(cdev) ? NULL : cdev;
	vm->id = id;
	vm->va_start = va_start;
	vm->va_end = va_end;
	init_rwsem(&vm->lock);
	vm->seq = 0;
	vm->invalidating = 0;
	init_waitqueue_head(&vm->wq);
	INIT_LIST_HEAD(&vm->attachments);
}
EXPORT_SYMBOL_GPL(cardsnoop_vm_init);

/**
 * cardsnoop_vm_fini() - tear down the snoopable side of a GPU VM
 * @vm: the VM
 *
 * Nothing may be attached: attachments hold a reference on the VM (through
 * &cardsnoop_backend_ops.file_vm) or on the DRM file that owns it.
 *
 * Context: process context.
 */
void cardsnoop_vm_fini(struct cardsnoop_vm *vm)
{
	WARN_ON(!list_empty(&vm->attachments));
	WARN_ON(vm->invalidating);
}
EXPORT_SYMBOL_GPL(cardsnoop_vm_fini);

/**
 * __cardsnoop_invalidate_begin() - slow path of cardsnoop_invalidate_begin()
 * @vm: the VM
 * @start: first VA
 * @size: bytes
 *
 * Context: process context; see cardsnoop_invalidate_begin().
 * Return: the token for cardsnoop_invalidate_end().
 */
struct cardsnoop_inval __cardsnoop_invalidate_begin(struct cardsnoop_vm *vm,
						    u64 start, u64 size)
{
	struct cardsnoop_file *cf;
	u64 end = start + size;

	if (!size || end < start)
		end = U64_MAX;

	down_write(&vm->lock);
	if (list_empty(&vm->attachments)) {
		up_write(&vm->lock);
		return (struct cardsnoop_inval){ };
	}

	if (vm->invalidating++ == 0)
		/* Odd: readers wait.  Pairs with READ_ONCE in read_begin. */
		WRITE_ONCE(vm->seq, vm->seq + 1);

	list_for_each_entry(cf, &vm->attachments, vm_link) {
		atomic64_inc(&cf->stats.invalidations);
		cardsnoop_zap_populated_locked(cf, start, end);
		cardsnoop_snapshots_drop_locked(cf, start, end, true);
	}
	up_write(&vm->lock);

	return (struct cardsnoop_inval){ .vm = vm };
}
EXPORT_SYMBOL_GPL(__cardsnoop_invalidate_begin);

/**
 * __cardsnoop_invalidate_end() - slow path of cardsnoop_invalidate_end()
 * @inv: the token
 *
 * Context: process context.
 */
void __cardsnoop_invalidate_end(struct cardsnoop_inval inv)
{
	struct cardsnoop_vm *vm = inv.vm;

	down_write(&vm->lock);
	if (!WARN_ON(!vm->invalidating) && --vm->invalidating == 0)
		/* Even again.  Pairs with READ_ONCE in read_begin/retry. */
		WRITE_ONCE(vm->seq, vm->seq + 1);
	up_write(&vm->lock);
	/* wq_has_sleeper()'s barrier pairs with the one in prepare_to_wait(). */
	if (wq_has_sleeper(&vm->wq))
		wake_up_all(&vm->wq);
}
EXPORT_SYMBOL_GPL(__cardsnoop_invalidate_end);

/*
 * cardsnoop_vm_read_begin() - sample the sequence count before a resolve
 *
 * Waits while an invalidation is in progress.  Return: 0, -EINTR on a fatal
 * signal (the caller returns its partial count), or -ENODEV once the device
 * is unplugged.
 */
int cardsnoop_vm_read_begin(struct cardsnoop_vm *vm, unsigned long *seq)
{
	unsigned long s;
	int ret;

	ret = wait_event_killable(vm->wq,
				  !((s = READ_ONCE(vm->seq)) & 1) ||
				  READ_ONCE(vm->cdev->unplugged));
	if (ret)
		return -EINTR;
	if (READ_ONCE(vm->cdev->unplugged))
		return -ENODEV;
	*seq = s;
	return 0;
}

/*
 * cardsnoop_vm_read_retry() - did the backing change since read_begin?
 *
 * Called with &cardsnoop_vm.lock held for read, before using what a resolve
 * returned; or without it, after a copy out of a bounce buffer.
 */
bool cardsnoop_vm_read_retry(struct cardsnoop_vm *vm, unsigned long seq)
{
	return READ_ONCE(vm->seq) != seq;
}

/* Attach @cf to @vm.  Called with the backend's VM lock held. */
void cardsnoop_vm_add_file(struct cardsnoop_vm *vm, struct cardsnoop_file *cf)
{
	down_write(&vm->lock);
	list_add_tail(&cf->vm_link, &vm->attachments);
	up_write(&vm->lock);
}

/*
 * Detach @cf from @vm, zapping its mappings and dropping its snapshots.
 * Called with the backend's VM lock held.
 */
void cardsnoop_vm_remove_file(struct cardsnoop_vm *vm,
			      struct cardsnoop_file *cf)
{
	down_write(&vm->lock);
	list_del_init(&cf->vm_link);
	unmap_mapping_range(cf->inode->i_mapping, 0, 0, 1);
	cardsnoop_snapshots_drop_locked(cf, 0, U64_MAX, true);
	up_write(&vm->lock);
}

/* 2^va_bits: SEEK_END, and the end of every VA range. */
u64 cardsnoop_va_space(const struct cardsnoop_device *cdev)
{
	return 1ull << cdev->va_bits;
}
