// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The cardsnoop authors
 */

/**
 * DOC: Buffers
 *
 * simgpu manages its memory with TTM, as amdgpu, xe and nouveau do: a
 * &struct ttm_device per GPU, VRAM as %TTM_PL_VRAM behind a range manager
 * (contiguous allocations, so a buffer in VRAM is one VRAM range), and
 * system memory as %TTM_PL_SYSTEM with cached &struct ttm_tt pages from
 * TTM's pool.  A &struct simgpu_bo is a GEM object embedding a
 * &struct ttm_buffer_object, as in drm_gem_vram_helper.c.
 *
 * Buffers are private to the VM of the file that creates them: they share
 * its reservation object (like xe's VM-private buffers and nouveau's), so
 * that one lock, the VM's dma_resv, covers the VA tree and every move of
 * the VM's buffers.  That is what cardsnoop's lock_vm takes.  For the same
 * reason they cannot be exported through PRIME (-EPERM, as xe refuses it).
 * Buffers imported through PRIME (e.g. from vgem) are TTM sg buffers over
 * the exporter's pages, attached statically (the exporter pins them) and
 * pinned: they never move.
 *
 * CPU mappings go through TTM's fault handler (ttm_bo_vm_fault(), which
 * maps TTM's dummy page once the device is unplugged).  Migration is
 * ttm_bo_validate(); eviction is TTM's LRU eviction to system memory.
 *
 * TTM tells the driver whenever the backing of a buffer changes or goes
 * away: &ttm_device_funcs.move, .swap_notify (TTM's global swap-out, which
 * never calls move), .delete_mem_notify and .release_notify.  Each brackets
 * the change with cardsnoop's invalidation for every VA range the buffer
 * is bound at (simgpu_mmu_bo_invalidate_begin()).  TTM calls all four with
 * the buffer's reservation, hence its VM's, held.
 */

#include <linux/dma-buf.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_ttm_helper.h>
#include <drm/drm_managed.h>
#include <drm/drm_prime.h>
#include <drm/ttm/ttm_range_manager.h>
#include <drm/ttm/ttm_tt.h>

#include "simgpu_drv.h"
#include "simgpu_gem.h"
#include "simgpu_mmu.h"
#include "simgpu_snoop.h"

static const struct drm_gem_object_funcs simgpu_gem_funcs;

static u32 simgpu_mem_type(u32 placement)
{
	return placement == SIMGPU_PLACEMENT_VRAM ? TTM_PL_VRAM : TTM_PL_SYSTEM;
}

static void simgpu_bo_set_placement(struct simgpu_bo *bo, u32 placement)
{
	bo->place = (struct ttm_place){ .mem_type = simgpu_mem_type(placement) };
	/*
	 * The range manager's VRAM is always one contiguous run, but a
	 * resource only says so (res->placement) when the place asks: without
	 * it cardsnoop_ttm_resolve() cannot give the VRAM offset, so RESOLVE
	 * showed root no vram_offset and reads bypassed vram_access.
	 */
	if (placement == SIMGPU_PLACEMENT_VRAM)
		bo->place.flags = TTM_PL_FLAG_CONTIGUOUS;
	bo->placement.num_placement = 1;
	bo->placement.placement = &bo->place;
}

/**
 * simgpu_bo_placement() - where a buffer is now
 * @bo: the buffer, reserved (imported buffers never move: no lock needed)
 *
 * Return: %SIMGPU_PLACEMENT_VRAM or %SIMGPU_PLACEMENT_SYSTEM.
 */
u32 simgpu_bo_placement(struct simgpu_bo *bo)
{
	struct ttm_resource *res = bo->tbo.resource;

	return res && res->mem_type == TTM_PL_VRAM ? SIMGPU_PLACEMENT_VRAM :
						     SIMGPU_PLACEMENT_SYSTEM;
}

/**
 * simgpu_bo_is_resident() - does a buffer have memory now?
 * @bo: the buffer, reserved
 *
 * Return: true for a buffer in VRAM or with its system pages allocated
 * (neither never touched nor swapped out).
 */
bool simgpu_bo_is_resident(struct simgpu_bo *bo)
{
	struct ttm_resource *res = bo->tbo.resource;

	if (!res)
		return false;
	if (res->mem_type == TTM_PL_VRAM)
		return true;
	return bo->tbo.ttm && ttm_tt_is_populated(bo->tbo.ttm);
}

/*
 * TTM callbacks
 */

static struct ttm_tt *simgpu_ttm_tt_create(struct ttm_buffer_object *tbo,
					   u32 page_flags)
{
	struct ttm_tt *tt;

	tt = kzalloc(sizeof(*tt), GFP_KERNEL);
	if (!tt)
		return NULL;

	/*
	 * Always a page array, also for imported (sg) buffers: the engine
	 * and cardsnoop reach system memory through pages.
	 */
	if (ttm_tt_init(tt, tbo, page_flags, ttm_cached, 0)) {
		kfree(tt);
		return NULL;
	}
	return tt;
}

static int simgpu_ttm_tt_populate(struct ttm_device *bdev, struct ttm_tt *tt,
				  struct ttm_operation_ctx *ctx)
{
	if (tt->page_flags & TTM_TT_FLAG_EXTERNAL)
		return drm_prime_sg_to_page_array(tt->sg, tt->pages,
						  tt->num_pages);
	return ttm_pool_alloc(&bdev->pool, tt, ctx);
}

static void simgpu_ttm_tt_unpopulate(struct ttm_device *bdev,
				     struct ttm_tt *tt)
{
	/* The pages of an imported buffer belong to the exporter. */
	if (!(tt->page_flags & TTM_TT_FLAG_EXTERNAL))
		ttm_pool_free(&bdev->pool, tt);
}

static void simgpu_ttm_tt_destroy(struct ttm_device *bdev, struct ttm_tt *tt)
{
	ttm_tt_fini(tt);
	kfree(tt);
}

static void simgpu_evict_flags(struct ttm_buffer_object *tbo,
			       struct ttm_placement *placement)
{
	static const struct ttm_place sys = { .mem_type = TTM_PL_SYSTEM };

	/* Evicted buffers go to system memory and stay there until migrated. */
	placement->num_placement = 1;
	placement->placement = &sys;
}

static int simgpu_bo_move(struct ttm_buffer_object *tbo, bool evict,
			  struct ttm_operation_ctx *ctx,
			  struct ttm_resource *new_mem, struct ttm_place *hop)
{
	struct simgpu_bo *bo = ttm_to_simgpu_bo(tbo);
	struct simgpu_bo_inval inv;
	int ret;

	if (!tbo->resource) {
		/*
		 * A new buffer.  Land in system memory first: moving its
		 * unpopulated pages to VRAM then clears the VRAM range
		 * (ttm_bo_move_memcpy() of an unpopulated tt), so a new VRAM
		 * buffer never shows what the range held before.
		 */
		if (new_mem->mem_type != TTM_PL_SYSTEM) {
			hop->mem_type = TTM_PL_SYSTEM;
			hop->flags = TTM_PL_FLAG_TEMPORARY;
			return -EMULTIHOP;
		}
		ttm_bo_move_null(tbo, new_mem);
		return 0;
	}

	simgpu_mmu_bo_invalidate_begin(bo, &inv);
	ret = ttm_bo_move_memcpy(tbo, ctx, new_mem);
	simgpu_mmu_bo_invalidate_end(&inv);
	if (!ret)
		simgpu_mmu_bo_event_move(bo, new_mem->mem_type == TTM_PL_VRAM,
					 evict);
	return ret;
}

/*
 * The three notifications below have no "done" counterpart: the change
 * happens after they return, still under the buffer's reservation.  A
 * snooper re-resolves a range only under that reservation (lock_vm), so
 * it cannot look at the old backing between our end and the change.
 */
static void simgpu_bo_notify(struct ttm_buffer_object *tbo)
{
	struct simgpu_bo_inval inv;

	simgpu_mmu_bo_invalidate_begin(ttm_to_simgpu_bo(tbo), &inv);
	simgpu_mmu_bo_invalidate_end(&inv);
}

static void simgpu_bo_delete_mem_notify(struct ttm_buffer_object *tbo)
{
	simgpu_bo_notify(tbo);
}

static void simgpu_bo_swap_notify(struct ttm_buffer_object *tbo)
{
	simgpu_bo_notify(tbo);
}

static void simgpu_bo_release_notify(struct ttm_buffer_object *tbo)
{
	/*
	 * Mappings hold a reference on their buffer, so a released buffer is
	 * bound nowhere any more: this finds no range.
	 */
	drm_WARN_ON(tbo->base.dev, !list_empty(&tbo->base.gpuva.list));
	simgpu_bo_notify(tbo);
}

static int simgpu_io_mem_reserve(struct ttm_device *bdev,
				 struct ttm_resource *mem)
{
	struct simgpu_device *sdev = bdev_to_simgpu(bdev);
	u64 offset = (u64)mem->start << PAGE_SHIFT;

	switch (mem->mem_type) {
	case TTM_PL_SYSTEM:
		return 0;
	case TTM_PL_VRAM:
		mem->bus.is_iomem = true;
		if (sdev->vram.iomem) {
			mem->bus.offset = sdev->vram.bus_addr + offset;
			mem->bus.caching = ttm_write_combined;
		} else {
			/* Kernel memory standing in for VRAM: cached. */
			mem->bus.addr = sdev->vram.vaddr + offset;
			mem->bus.caching = ttm_cached;
		}
		return 0;
	default:
		return -EINVAL;
	}
}

static unsigned long simgpu_io_mem_pfn(struct ttm_buffer_object *tbo,
				       unsigned long page_offset)
{
	struct simgpu_device *sdev = bdev_to_simgpu(tbo->bdev);
	struct ttm_resource *res = tbo->resource;

	if (sdev->vram.iomem)
		return (res->bus.offset >> PAGE_SHIFT) + page_offset;
	return vmalloc_to_pfn(sdev->vram.vaddr +
			      (((u64)res->start + page_offset) << PAGE_SHIFT));
}

static int simgpu_access_memory(struct ttm_buffer_object *tbo,
				unsigned long offset, void *buf, int len,
				int write)
{
	struct simgpu_device *sdev = bdev_to_simgpu(tbo->bdev);
	struct ttm_resource *res = tbo->resource;

	if (res->mem_type != TTM_PL_VRAM)
		return -EIO;
	if (simgpu_vram_access(sdev, ((u64)res->start << PAGE_SHIFT) + offset,
			       buf, len, write))
		return -EIO;
	return len;
}

static const struct ttm_device_funcs simgpu_ttm_funcs = {
	.ttm_tt_create = simgpu_ttm_tt_create,
	.ttm_tt_populate = simgpu_ttm_tt_populate,
	.ttm_tt_unpopulate = simgpu_ttm_tt_unpopulate,
	.ttm_tt_destroy = simgpu_ttm_tt_destroy,
	.eviction_valuable = ttm_bo_eviction_valuable,
	.evict_flags = simgpu_evict_flags,
	.move = simgpu_bo_move,
	.delete_mem_notify = simgpu_bo_delete_mem_notify,
	.swap_notify = simgpu_bo_swap_notify,
	.io_mem_reserve = simgpu_io_mem_reserve,
	.io_mem_pfn = simgpu_io_mem_pfn,
	.access_memory = simgpu_access_memory,
	.release_notify = simgpu_bo_release_notify,
};

static void simgpu_ttm_fini(struct drm_device *drm, void *arg)
{
	struct simgpu_device *sdev = arg;

	ttm_range_man_fini(&sdev->bdev, TTM_PL_VRAM);
	ttm_device_fini(&sdev->bdev);
	sdev->ttm_ready = false;
}

/**
 * simgpu_ttm_init() - set up the TTM device and the VRAM manager
 * @sdev: the device, with @sdev->vram set up
 *
 * Torn down with the DRM device (a drmm action), after the last buffer.
 *
 * Return: 0 or a negative errno.
 */
int simgpu_ttm_init(struct simgpu_device *sdev)
{
	struct drm_device *drm = &sdev->drm;
	int ret;

	ret = ttm_device_init(&sdev->bdev, &simgpu_ttm_funcs, drm->dev,
			      drm->anon_inode->i_mapping,
			      drm->vma_offset_manager, false, false);
	if (ret)
		return ret;

	ret = ttm_range_man_init(&sdev->bdev, TTM_PL_VRAM, false,
				 sdev->vram.size >> PAGE_SHIFT);
	if (ret) {
		ttm_device_fini(&sdev->bdev);
		return ret;
	}
	sdev->ttm_ready = true;

	return drmm_add_action_or_reset(drm, simgpu_ttm_fini, sdev);
}

/*
 * Buffer objects
 */

static void simgpu_bo_destroy(struct ttm_buffer_object *tbo)
{
	struct simgpu_bo *bo = ttm_to_simgpu_bo(tbo);

	if (tbo->base.import_attach)
		drm_prime_gem_destroy(&tbo->base, bo->sgt);
	drm_gem_object_release(&tbo->base);
	if (bo->vm_resv_obj)
		drm_gem_object_put(bo->vm_resv_obj);
	kfree(bo);
}

static struct simgpu_bo *simgpu_bo_alloc(struct simgpu_device *sdev, u64 size,
					 u32 placement, u32 flags)
{
	struct simgpu_bo *bo;

	bo = kzalloc(sizeof(*bo), GFP_KERNEL);
	if (!bo)
		return NULL;

	bo->tbo.base.funcs = &simgpu_gem_funcs;
	drm_gem_private_object_init(&sdev->drm, &bo->tbo.base, size);
	bo->id = atomic64_inc_return(&sdev->next_bo_id);
	bo->flags = flags;
	simgpu_bo_set_placement(bo, placement);
	return bo;
}

/**
 * simgpu_bo_create() - create a buffer of a VM
 * @sdev: the device
 * @vm: the VM whose reservation object the buffer shares
 * @size: bytes, page aligned
 * @placement: &enum drm_simgpu_placement
 * @flags: %SIMGPU_BO_PINNED
 *
 * The buffer is zero-filled.  Creating it in VRAM may evict other buffers,
 * of any VM, to system memory.
 *
 * Context: process context; takes and releases @vm's reservation.
 * Return: the buffer with one GEM reference, or an ERR_PTR(): -ENOSPC if
 * VRAM has no room even after eviction, -ENOMEM, -EINTR.
 */
struct simgpu_bo *simgpu_bo_create(struct simgpu_device *sdev,
				   struct simgpu_vm *vm, u64 size,
				   u32 placement, u32 flags)
{
	struct dma_resv *resv = simgpu_vm_resv(vm);
	struct ttm_operation_ctx ctx = {
		.interruptible = true,
		.resv = resv,
		/* The VM's other buffers share our lock: let TTM evict them. */
		.allow_res_evict = true,
	};
	struct simgpu_bo *bo;
	int ret;

	if (placement == SIMGPU_PLACEMENT_VRAM && size > sdev->vram.size)
		return ERR_PTR(-ENOSPC);
	if (placement == SIMGPU_PLACEMENT_SYSTEM &&
	    size >> PAGE_SHIFT > totalram_pages())
		return ERR_PTR(-ENOMEM);

	bo = simgpu_bo_alloc(sdev, size, placement, flags);
	if (!bo)
		return ERR_PTR(-ENOMEM);
	bo->vm_resv_obj = drm_gpuvm_resv_obj(&vm->base);
	drm_gem_object_get(bo->vm_resv_obj);

	ret = dma_resv_lock_interruptible(resv, NULL);
	if (ret) {
		simgpu_bo_destroy(&bo->tbo);
		return ERR_PTR(ret);
	}

	/* On failure, TTM drops the buffer through simgpu_bo_destroy(). */
	ret = ttm_bo_init_reserved(&sdev->bdev, &bo->tbo, ttm_bo_type_device,
				   &bo->placement, 0, &ctx, NULL, resv,
				   simgpu_bo_destroy);
	if (ret) {
		dma_resv_unlock(resv);
		/* TTM reports "no room even after eviction" as -ENOMEM. */
		if (ret == -ENOMEM && placement == SIMGPU_PLACEMENT_VRAM)
			ret = -ENOSPC;
		return ERR_PTR(ret);
	}

	if (flags & SIMGPU_BO_PINNED)
		ttm_bo_pin(&bo->tbo);
	dma_resv_unlock(resv);

	return bo;
}

/**
 * simgpu_bo_put() - drop a GEM reference
 * @bo: the buffer
 *
 * Context: process context, without the buffer's reservation held (the
 * last reference unpins a pinned buffer under it).
 */
void simgpu_bo_put(struct simgpu_bo *bo)
{
	drm_gem_object_put(&bo->tbo.base);
}

/**
 * simgpu_bo_access_locked() - copy between a kernel buffer and a buffer
 * @bo: the buffer, reserved (imported buffers: no lock needed, they never
 *	move)
 * @offset: offset in @bo
 * @buf: kernel buffer
 * @len: bytes
 * @write: true to write @buf into @bo
 *
 * The engine's path to memory.  System pages are allocated (or swapped
 * back in) on first use, as a CPU fault would.
 *
 * Context: process context; may sleep (page allocation).
 * Return: 0 or a negative errno.
 */
int simgpu_bo_access_locked(struct simgpu_bo *bo, u64 offset, void *buf,
			    size_t len, bool write)
{
	struct ttm_buffer_object *tbo = &bo->tbo;
	struct simgpu_device *sdev = bdev_to_simgpu(tbo->bdev);
	struct ttm_resource *res = tbo->resource;
	struct ttm_tt *tt = tbo->ttm;

	if (!(bo->flags & SIMGPU_BO_IMPORTED))
		dma_resv_assert_held(tbo->base.resv);
	if (drm_WARN_ON(&sdev->drm, !res || offset > tbo->base.size ||
			len > tbo->base.size - offset))
		return -EINVAL;

	if (res->mem_type == TTM_PL_VRAM)
		return simgpu_vram_access(sdev,
					  ((u64)res->start << PAGE_SHIFT) +
					  offset, buf, len, write);

	if (drm_WARN_ON(&sdev->drm, !tt))
		return -EINVAL;
	if (!ttm_tt_is_populated(tt)) {
		struct ttm_operation_ctx ctx = { .interruptible = true };
		int ret;

		ret = ttm_tt_populate(tbo->bdev, tt, &ctx);
		if (ret)
			return ret;
	}

	while (len) {
		size_t in_page = offset_in_page(offset);
		size_t n = min_t(size_t, len, PAGE_SIZE - in_page);
		void *vaddr = kmap_local_page(tt->pages[offset >> PAGE_SHIFT]);

		if (write)
			memcpy(vaddr + in_page, buf, n);
		else
			memcpy(buf, vaddr + in_page, n);
		kunmap_local(vaddr);

		offset += n;
		buf += n;
		len -= n;
	}
	return 0;
}

/*
 * GEM object functions
 */

static void simgpu_gem_free(struct drm_gem_object *obj)
{
	struct simgpu_bo *bo = to_simgpu_bo(obj);

	/* TTM refuses to release a pinned buffer. */
	if (bo->tbo.pin_count) {
		dma_resv_lock(obj->resv, NULL);
		ttm_bo_unpin(&bo->tbo);
		dma_resv_unlock(obj->resv);
	}
	ttm_bo_put(&bo->tbo);
}

static struct dma_buf *simgpu_gem_prime_export(struct drm_gem_object *obj,
					       int flags)
{
	/*
	 * Buffers share their VM's reservation object; another driver
	 * locking it would lock the VM (xe_gem_prime_export() refuses
	 * VM-private buffers the same way).  Imported buffers never get
	 * here: DRM hands out the original dma-buf.
	 */
	return ERR_PTR(-EPERM);
}

static int simgpu_gem_mmap(struct drm_gem_object *obj,
			   struct vm_area_struct *vma)
{
	int ret;

	if (!obj->import_attach)
		return drm_gem_ttm_mmap(obj, vma);

	/*
	 * An imported buffer is mapped by its exporter, as
	 * drm_gem_shmem_mmap() does it; reset what drm_gem_mmap_obj() set up
	 * for us so the exporter's vm_ops apply.
	 */
	vma->vm_private_data = NULL;
	vma->vm_ops = NULL;
	ret = dma_buf_mmap(obj->dma_buf, vma, 0);
	if (!ret)
		/* Drop the reference drm_gem_mmap_obj() took. */
		drm_gem_object_put(obj);
	return ret;
}

static const struct drm_gem_object_funcs simgpu_gem_funcs = {
	.free = simgpu_gem_free,
	.export = simgpu_gem_prime_export,
	.mmap = simgpu_gem_mmap,
	.print_info = drm_gem_ttm_print_info,
	/* vm_ops left NULL: TTM's ttm_bo_vm_ops, with its unplug handling. */
};

/**
 * simgpu_gem_prime_import() - &drm_driver.gem_prime_import
 * @dev: the DRM device
 * @dma_buf: a buffer of another driver
 *
 * Makes a TTM sg buffer over the exporter's pages: a static attachment (the
 * exporter pins the pages), mapped once, and the buffer pinned in system
 * memory, so its backing never changes while it exists.  Its reservation
 * object is the dma-buf's.
 *
 * Return: the GEM object, or an ERR_PTR().
 */
struct drm_gem_object *simgpu_gem_prime_import(struct drm_device *dev,
					       struct dma_buf *dma_buf)
{
	struct simgpu_device *sdev = to_simgpu_device(dev);
	struct ttm_operation_ctx ctx = { .interruptible = true };
	struct dma_buf_attachment *attach;
	struct sg_table *sgt;
	struct simgpu_bo *bo;
	int ret;

	if (!dma_buf->size || !PAGE_ALIGNED(dma_buf->size))
		return ERR_PTR(-EINVAL);

	attach = dma_buf_attach(dma_buf, dev->dev);
	if (IS_ERR(attach))
		return ERR_CAST(attach);
	get_dma_buf(dma_buf);

	sgt = dma_buf_map_attachment_unlocked(attach, DMA_BIDIRECTIONAL);
	if (IS_ERR(sgt)) {
		ret = PTR_ERR(sgt);
		goto err_detach;
	}

	bo = simgpu_bo_alloc(sdev, dma_buf->size, SIMGPU_PLACEMENT_SYSTEM,
			     SIMGPU_BO_IMPORTED);
	if (!bo) {
		ret = -ENOMEM;
		goto err_unmap;
	}
	/* From here on, simgpu_bo_destroy() undoes the attachment. */
	bo->tbo.base.import_attach = attach;
	bo->sgt = sgt;

	ret = dma_resv_lock_interruptible(dma_buf->resv, NULL);
	if (ret) {
		simgpu_bo_destroy(&bo->tbo);
		return ERR_PTR(ret);
	}

	ret = ttm_bo_init_reserved(&sdev->bdev, &bo->tbo, ttm_bo_type_sg,
				   &bo->placement, 0, &ctx, sgt, dma_buf->resv,
				   simgpu_bo_destroy);
	if (ret)
		goto err_unlock;

	ret = ttm_tt_populate(&sdev->bdev, bo->tbo.ttm, &ctx);
	if (ret) {
		dma_resv_unlock(dma_buf->resv);
		ttm_bo_put(&bo->tbo);
		return ERR_PTR(ret);
	}
	ttm_bo_pin(&bo->tbo);
	dma_resv_unlock(dma_buf->resv);

	return &bo->tbo.base;

err_unlock:
	dma_resv_unlock(dma_buf->resv);
	return ERR_PTR(ret);
err_unmap:
	dma_buf_unmap_attachment_unlocked(attach, sgt, DMA_BIDIRECTIONAL);
err_detach:
	dma_buf_detach(dma_buf, attach);
	dma_buf_put(dma_buf);
	return ERR_PTR(ret);
}

/*
 * Ioctls
 */

static bool simgpu_placement_valid(u32 placement)
{
	return placement == SIMGPU_PLACEMENT_SYSTEM ||
	       placement == SIMGPU_PLACEMENT_VRAM;
}

/**
 * simgpu_ioctl_bo_create() - %DRM_IOCTL_SIMGPU_BO_CREATE
 * @dev: the DRM device
 * @data: &struct drm_simgpu_bo_create
 * @file: the DRM file
 *
 * See &struct drm_simgpu_bo_create for the semantics and the errors.
 *
 * Return: 0 or a negative errno.
 */
int simgpu_ioctl_bo_create(struct drm_device *dev, void *data,
			   struct drm_file *file)
{
	struct drm_simgpu_bo_create *args = data;
	struct simgpu_file *sfile = to_simgpu_file(file);
	struct simgpu_bo *bo;
	u32 handle;
	int ret, idx;

	if (args->pad || args->flags & ~SIMGPU_BO_PINNED ||
	    !simgpu_placement_valid(args->placement) || !args->size ||
	    !PAGE_ALIGNED(args->size))
		return -EINVAL;

	if (!drm_dev_enter(dev, &idx))
		return -ENODEV;

	bo = simgpu_bo_create(sfile->sdev, sfile->vm, args->size,
			      args->placement, args->flags);
	if (IS_ERR(bo)) {
		ret = PTR_ERR(bo);
		goto out_dev_exit;
	}

	ret = drm_gem_handle_create(file, &bo->tbo.base, &handle);
	if (!ret) {
		args->handle = handle;
		args->bo_id = bo->id;
		args->mmap_offset =
			drm_vma_node_offset_addr(&bo->tbo.base.vma_node);
	}
	/* The handle holds the buffer now (or nothing does). */
	simgpu_bo_put(bo);

out_dev_exit:
	drm_dev_exit(idx);
	return ret;
}

/**
 * simgpu_ioctl_bo_info() - %DRM_IOCTL_SIMGPU_BO_INFO
 * @dev: the DRM device
 * @data: &struct drm_simgpu_bo_info
 * @file: the DRM file
 *
 * Return: 0, -EINVAL (nonzero pad), -ENOENT (no such handle), -EINTR or
 * -ENODEV.
 */
int simgpu_ioctl_bo_info(struct drm_device *dev, void *data,
			 struct drm_file *file)
{
	struct drm_simgpu_bo_info *args = data;
	struct drm_gem_object *obj;
	struct simgpu_bo *bo;
	int ret, idx;

	if (args->pad)
		return -EINVAL;

	if (!drm_dev_enter(dev, &idx))
		return -ENODEV;

	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj) {
		ret = -ENOENT;
		goto out_dev_exit;
	}
	bo = to_simgpu_bo(obj);

	ret = dma_resv_lock_interruptible(obj->resv, NULL);
	if (ret)
		goto out_put;
	args->placement = simgpu_bo_placement(bo);
	args->flags = bo->flags;
	dma_resv_unlock(obj->resv);

	args->size = obj->size;
	args->bo_id = bo->id;
	args->mmap_offset = drm_vma_node_offset_addr(&obj->vma_node);

out_put:
	drm_gem_object_put(obj);
out_dev_exit:
	drm_dev_exit(idx);
	return ret;
}

/**
 * simgpu_ioctl_bo_migrate() - %DRM_IOCTL_SIMGPU_BO_MIGRATE
 * @dev: the DRM device
 * @data: &struct drm_simgpu_bo_migrate
 * @file: the DRM file
 *
 * See &struct drm_simgpu_bo_migrate.  The move itself is TTM's: it zaps
 * the CPU mappings and calls simgpu_bo_move(), which brackets cardsnoop's
 * invalidation around the copy.
 *
 * Return: 0 or a negative errno.
 */
int simgpu_ioctl_bo_migrate(struct drm_device *dev, void *data,
			    struct drm_file *file)
{
	struct drm_simgpu_bo_migrate *args = data;
	struct drm_gem_object *obj;
	struct simgpu_bo *bo;
	struct ttm_operation_ctx ctx = {
		.interruptible = true,
		.allow_res_evict = true,
	};
	int ret, idx;

	if (!simgpu_placement_valid(args->placement))
		return -EINVAL;

	if (!drm_dev_enter(dev, &idx))
		return -ENODEV;

	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj) {
		ret = -ENOENT;
		goto out_dev_exit;
	}
	bo = to_simgpu_bo(obj);
	if (bo->flags & SIMGPU_BO_IMPORTED) {
		ret = -EINVAL;
		goto out_put;
	}

	ret = dma_resv_lock_interruptible(obj->resv, NULL);
	if (ret)
		goto out_put;

	if (simgpu_bo_placement(bo) == args->placement) {
		ret = 0;
	} else if (bo->tbo.pin_count) {
		ret = -EBUSY;
	} else {
		simgpu_bo_set_placement(bo, args->placement);
		ctx.resv = obj->resv;
		ret = ttm_bo_validate(&bo->tbo, &bo->placement, &ctx);
		if (ret == -ENOMEM && args->placement == SIMGPU_PLACEMENT_VRAM)
			ret = -ENOSPC;
	}
	dma_resv_unlock(obj->resv);

out_put:
	drm_gem_object_put(obj);
out_dev_exit:
	drm_dev_exit(idx);
	return ret;
}
