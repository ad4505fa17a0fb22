// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The cardsnoop authors
 */

/**
 * DOC: cardsnoop backend
 *
 * simgpu is a drm_gpuvm + TTM driver, so its cardsnoop backend is mostly the
 * core's generic helpers: cardsnoop_gpuvm_lookup() and
 * cardsnoop_gpuvm_iterate() walk the VA tree, cardsnoop_ttm_resolve() finds
 * where a buffer offset lives now.  What simgpu adds is what only it knows:
 * buffer ids, read-only mappings, and the backings that are not a buffer of
 * its own (userptr: the binding process's memory; imported buffers: the
 * exporter's pinned pages; sparse: zeros).
 *
 * The VM lock of the backend is the VM's reservation object, which every
 * buffer of the VM shares (see DOC: Buffers), so it keeps the VA tree and
 * every buffer's backing stable while the core copies.
 */

#include <linux/dma-resv.h>
#include <linux/err.h>

#include <drm/drm_file.h>
#include <drm/drm_gpuvm.h>
#include <drm/ttm/ttm_tt.h>

#include <drm/cardsnoop.h>

#include "simgpu_drv.h"
#include "simgpu_gem.h"
#include "simgpu_mmu.h"
#include "simgpu_snoop.h"

#define to_simgpu_vm_snoop(svm__) container_of(svm__, struct simgpu_vm, snoop)

static struct cardsnoop_vm *simgpu_snoop_file_vm(struct drm_file *file,
						 u64 vm_id)
{
	struct simgpu_vm *vm = to_simgpu_file(file)->vm;

	if (vm_id && vm_id != vm->id)
		return ERR_PTR(-ENOENT);
	/* A file opened before the device registered with cardsnoop. */
	if (!vm->snoop_ready || !vm->snoop.cdev)
		return ERR_PTR(-ENOENT);
	drm_gpuvm_get(&vm->base);
	return &vm->snoop;
}

static struct cardsnoop_vm *simgpu_snoop_kernel_vm(struct cardsnoop_device *cdev)
{
	struct simgpu_device *sdev = cardsnoop_device_priv(cdev);
	struct simgpu_vm *vm = sdev->kernel_vm;

	if (!vm || !vm->snoop_ready)
		return ERR_PTR(-ENOENT);
	drm_gpuvm_get(&vm->base);
	return &vm->snoop;
}

static void simgpu_snoop_put_vm(struct cardsnoop_vm *svm)
{
	simgpu_vm_put(to_simgpu_vm_snoop(svm));
}

static int simgpu_snoop_lock_vm(struct cardsnoop_vm *svm)
{
	return dma_resv_lock_interruptible(simgpu_vm_resv(to_simgpu_vm_snoop(svm)),
					   NULL);
}

static void simgpu_snoop_unlock_vm(struct cardsnoop_vm *svm)
{
	dma_resv_unlock(simgpu_vm_resv(to_simgpu_vm_snoop(svm)));
}

/* What only simgpu knows about a mapping; the VM lock is held. */
static void simgpu_snoop_describe(struct drm_gpuva *gpuva,
				  struct cardsnoop_mapping *m)
{
	struct simgpu_vma *vma = to_simgpu_vma(gpuva);
	struct simgpu_bo *bo;

	m->perms = CARDSNOOP_PERM_READ | CARDSNOOP_PERM_EXEC;
	if (!vma->readonly)
		m->perms |= CARDSNOOP_PERM_WRITE;

	switch (vma->kind) {
	case SIMGPU_VMA_BO:
	case SIMGPU_VMA_IMPORTED:
	case SIMGPU_VMA_KERNEL:
		bo = to_simgpu_bo(gpuva->gem.obj);
		m->bo_id = bo->id;
		m->placement = cardsnoop_ttm_placement(&bo->tbo);
		m->kind = vma->kind == SIMGPU_VMA_BO ? CARDSNOOP_KIND_BUFFER :
			  vma->kind == SIMGPU_VMA_KERNEL ? CARDSNOOP_KIND_KERNEL :
							   CARDSNOOP_KIND_DMABUF;
		break;
	case SIMGPU_VMA_SPARSE:
		m->kind = CARDSNOOP_KIND_SPARSE;
		m->placement = CARDSNOOP_PLACEMENT_NONE;
		m->bo_id = 0;
		m->bo_offset = 0;
		break;
	case SIMGPU_VMA_USERPTR:
		/* No buffer: @bo_offset is the CPU address of @va. */
		m->kind = CARDSNOOP_KIND_USERPTR;
		m->placement = CARDSNOOP_PLACEMENT_SYSTEM;
		m->bo_id = 0;
		break;
	}
}

/**
 * __simgpu_snoop_event_bind() - report a new mapping to event readers
 * @vm: the VM, locked
 * @gpuva: the mapping
 *
 * The slow path of simgpu_snoop_event_bind(): the record is the one
 * %CARDSNOOP_IOCTL_MAPPINGS would list.
 */
void __simgpu_snoop_event_bind(struct simgpu_vm *vm, struct drm_gpuva *gpuva)
{
	struct cardsnoop_mapping m = {
		.va = gpuva->va.addr,
		.size = gpuva->va.range,
		.bo_offset = gpuva->gem.offset,
	};

	simgpu_snoop_describe(gpuva, &m);
	cardsnoop_event_bind(&vm->snoop, &m);
}

static int simgpu_snoop_resolve(struct cardsnoop_vm *svm, u64 va,
				struct cardsnoop_extent *ext)
{
	struct simgpu_vm *vm = to_simgpu_vm_snoop(svm);
	struct drm_gpuva *gpuva;
	struct simgpu_vma *vma;
	struct simgpu_bo *bo;
	u64 offset;

	dma_resv_assert_held(simgpu_vm_resv(vm));

	gpuva = cardsnoop_gpuvm_lookup(&vm->base, va, ext);
	if (!gpuva)
		return -ENOENT;
	vma = to_simgpu_vma(gpuva);
	simgpu_snoop_describe(gpuva, &ext->map);
	offset = gpuva->gem.offset + (va - gpuva->va.addr);

	switch (vma->kind) {
	case SIMGPU_VMA_BO:
	case SIMGPU_VMA_KERNEL:
		return cardsnoop_ttm_resolve(&to_simgpu_bo(gpuva->gem.obj)->tbo,
					     offset, ext);
	case SIMGPU_VMA_IMPORTED:
		/*
		 * Pinned, populated at import and never moving: its pages
		 * need no lock (and its reservation is the exporter's).
		 */
		bo = to_simgpu_bo(gpuva->gem.obj);
		ext->size = min_t(u64, ext->size, bo->tbo.base.size - offset);
		ext->bo_offset = offset;
		ext->backing = CARDSNOOP_BACKING_PAGES;
		ext->pages = &bo->tbo.ttm->pages[offset >> PAGE_SHIFT];
		ext->page_offset = offset & ~PAGE_MASK;
		return 0;
	case SIMGPU_VMA_SPARSE:
		ext->backing = CARDSNOOP_BACKING_ZERO;
		return 0;
	case SIMGPU_VMA_USERPTR:
		ext->backing = CARDSNOOP_BACKING_USER;
		ext->mm = vma->uptr->notifier.mm;
		ext->user_addr = offset;
		return 0;
	}
	return -ENOENT;
}

static int simgpu_snoop_iterate(struct cardsnoop_vm *svm, u64 start,
				int (*fn)(void *arg,
					  const struct cardsnoop_mapping *m),
				void *arg)
{
	struct simgpu_vm *vm = to_simgpu_vm_snoop(svm);

	dma_resv_assert_held(simgpu_vm_resv(vm));
	return cardsnoop_gpuvm_iterate(&vm->base, start, simgpu_snoop_describe,
				       fn, arg);
}

static int simgpu_snoop_vram_access(struct cardsnoop_device *cdev, u64 offset,
				    void *buf, size_t len, bool write)
{
	return simgpu_vram_access(cardsnoop_device_priv(cdev), offset, buf, len,
				  write);
}

static const struct cardsnoop_backend_ops simgpu_snoop_ops = {
	.file_vm = simgpu_snoop_file_vm,
	.kernel_vm = simgpu_snoop_kernel_vm,
	.put_vm = simgpu_snoop_put_vm,
	.lock_vm = simgpu_snoop_lock_vm,
	.unlock_vm = simgpu_snoop_unlock_vm,
	.resolve = simgpu_snoop_resolve,
	.iterate = simgpu_snoop_iterate,
	.vram_access = simgpu_snoop_vram_access,
};

/**
 * simgpu_snoop_vm_init() - set up the cardsnoop side of a VM
 * @vm: the VM
 *
 * The VM's cardsnoop id is its file's drm-client-id.  Until this ran, the
 * invalidation hooks skip the VM.  A file opened before the device
 * registered with cardsnoop is never attachable; the kernel VM, created
 * before, is set up by simgpu_snoop_register().
 */
void simgpu_snoop_vm_init(struct simgpu_vm *vm)
{
	struct simgpu_device *sdev = vm->sdev;
	u64 start = vm->base.mm_start;

	cardsnoop_vm_init(&vm->snoop, READ_ONCE(sdev->snoop), vm->id, start,
			  start + vm->base.mm_range);
	vm->snoop_ready = true;
}

/**
 * simgpu_snoop_vm_fini() - tear down the cardsnoop side of a VM
 * @vm: the VM, on its last reference
 */
void simgpu_snoop_vm_fini(struct simgpu_vm *vm)
{
	if (vm->snoop_ready)
		cardsnoop_vm_fini(&vm->snoop);
}

/**
 * simgpu_snoop_register() - create the device's snoop node
 * @sdev: the device, registered with DRM
 *
 * Also makes the kernel VM, created before, attachable.
 *
 * Return: 0 or a negative errno.
 */
int simgpu_snoop_register(struct simgpu_device *sdev)
{
	struct cardsnoop_device *cdev;

	cdev = cardsnoop_register(&sdev->drm, &simgpu_snoop_ops, SIMGPU_VA_BITS,
				  sdev->vram.size, sdev);
	if (IS_ERR(cdev))
		return PTR_ERR(cdev);
	WRITE_ONCE(sdev->snoop, cdev);

	/*
	 * The kernel VM was created (and its ring bound) before there was a
	 * snoop device; it does not change until the device goes.
	 */
	simgpu_snoop_vm_init(sdev->kernel_vm);
	return 0;
}

/**
 * simgpu_snoop_unregister() - remove the device's snoop node
 * @sdev: the device
 *
 * Detaches every snooper; the core calls the backend no more once this
 * returns.  Before drm_dev_unplug().
 */
void simgpu_snoop_unregister(struct simgpu_device *sdev)
{
	cardsnoop_unregister(sdev->snoop);
}
