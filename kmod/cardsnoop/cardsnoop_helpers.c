// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The cardsnoop authors
 */

/**
 * DOC: Helpers for drm_gpuvm and TTM drivers
 *
 * Most modern DRM drivers keep their GPU VMs in a &drm_gpuvm and their
 * buffers in TTM.  For them a backend's &cardsnoop_backend_ops.resolve is
 * cardsnoop_gpuvm_lookup() (which mapping holds the VA) followed by
 * cardsnoop_ttm_resolve() (where that buffer offset lives now), and
 * &cardsnoop_backend_ops.iterate is cardsnoop_gpuvm_iterate() with a small
 * callback that fills in what only the driver knows (buffer id,
 * permissions).
 */

#include <linux/dma-resv.h>
#include <linux/export.h>
#include <linux/mm.h>

#include <drm/drm_gem.h>
#include <drm/drm_gpuvm.h>
#include <drm/ttm/ttm_bo.h>
#include <drm/ttm/ttm_device.h>
#include <drm/ttm/ttm_placement.h>
#include <drm/ttm/ttm_resource.h>
#include <drm/ttm/ttm_tt.h>

#include <drm/cardsnoop.h>

/*
 * How long a snooper access waits for a buffer's kernel fences (a move in
 * flight) before it gives up with -ETIMEDOUT: a hung GPU must not hang the
 * debugger.
 */
#define CARDSNOOP_FENCE_TIMEOUT	(2 * HZ)

static bool cardsnoop_gpuva_is_sparse(const struct drm_gpuva *gva)
{
	return (gva->flags & DRM_GPUVA_SPARSE) || !gva->gem.obj;
}

static void cardsnoop_gpuva_to_mapping(const struct drm_gpuva *gva,
				       struct cardsnoop_mapping *m)
{
	memset(m, 0, sizeof(*m));
	m->va = gva->va.addr;
	m->size = gva->va.range;
	m->bo_offset = gva->gem.offset;
	m->perms = CARDSNOOP_PERM_READ | CARDSNOOP_PERM_WRITE |
		   CARDSNOOP_PERM_EXEC;
	if (cardsnoop_gpuva_is_sparse(gva)) {
		m->kind = CARDSNOOP_KIND_SPARSE;
		m->placement = CARDSNOOP_PLACEMENT_NONE;
		m->bo_offset = 0;
	} else {
		m->kind = CARDSNOOP_KIND_BUFFER;
	}
}

/**
 * cardsnoop_gpuvm_mapping() - the UAPI record of a &drm_gpuva
 * @gva: the mapping
 * @describe: optional driver callback that completes the record, as for
 *	cardsnoop_gpuvm_iterate()
 * @m: filled in
 *
 * For the change events of a drm_gpuvm driver: cardsnoop_event_bind() takes
 * the record this builds.
 *
 * Context: the VM lock held.
 */
void cardsnoop_gpuvm_mapping(struct drm_gpuva *gva,
			     void (*describe)(struct drm_gpuva *va,
					      struct cardsnoop_mapping *m),
			     struct cardsnoop_mapping *m)
{
	cardsnoop_gpuva_to_mapping(gva, m);
	if (describe)
		describe(gva, m);
}
EXPORT_SYMBOL_GPL(cardsnoop_gpuvm_mapping);

/**
 * cardsnoop_gpuvm_lookup() - find the mapping that holds a VA
 * @gpuvm: the VM
 * @va: the VA
 * @ext: filled in: @ext->va, @ext->size (to the end of the mapping),
 *	@ext->map (range, buffer offset, kind %CARDSNOOP_KIND_BUFFER or
 *	%CARDSNOOP_KIND_SPARSE, all permissions), @ext->bo_offset (offset of
 *	@va in the buffer) and, for sparse mappings, @ext->backing
 *	%CARDSNOOP_BACKING_ZERO.
 *
 * The driver then adjusts @ext->map (buffer id, permissions, kind) and, for
 * buffer mappings, calls cardsnoop_ttm_resolve() or fills the backing
 * itself.  The kernel-reserved node of @gpuvm is never returned.
 *
 * Context: the VM lock held (see DOC: Locking).
 * Return: the &drm_gpuva, or NULL if nothing is mapped at @va.
 */
struct drm_gpuva *cardsnoop_gpuvm_lookup(struct drm_gpuvm *gpuvm, u64 va,
					 struct cardsnoop_extent *ext)
{
	struct drm_gpuva *gva;

	gva = drm_gpuva_find_first(gpuvm, va, 1);
	if (!gva || gva == &gpuvm->kernel_alloc_node)
		return NULL;

	cardsnoop_gpuva_to_mapping(gva, &ext->map);
	ext->va = va;
	ext->size = gva->va.addr + gva->va.range - va;
	ext->bo_offset = gva->gem.offset + (va - gva->va.addr);
	ext->page_size = PAGE_SIZE;
	if (cardsnoop_gpuva_is_sparse(gva))
		ext->backing = CARDSNOOP_BACKING_ZERO;
	return gva;
}
EXPORT_SYMBOL_GPL(cardsnoop_gpuvm_lookup);

/**
 * cardsnoop_gpuvm_iterate() - implement &cardsnoop_backend_ops.iterate
 * @gpuvm: the VM
 * @start: list the mappings that end after @start
 * @describe: optional driver callback that completes a record (buffer id,
 *	placement, permissions, kind) from its &drm_gpuva; must not sleep
 * @fn: the core's callback
 * @arg: its argument
 *
 * Walks @gpuvm's interval tree from @start: O(log n) to find the first
 * mapping, then O(1) a mapping.
 *
 * Context: the VM lock held.
 * Return: 0 when the walk reached the end, or what @fn returned to stop it.
 */
int cardsnoop_gpuvm_iterate(struct drm_gpuvm *gpuvm, u64 start,
			    void (*describe)(struct drm_gpuva *va,
					     struct cardsnoop_mapping *m),
			    int (*fn)(void *arg,
				      const struct cardsnoop_mapping *m),
			    void *arg)
{
	u64 end = gpuvm->mm_start + gpuvm->mm_range;
	struct cardsnoop_mapping m;
	struct drm_gpuva *gva;
	int ret;

	if (start < gpuvm->mm_start)
		start = gpuvm->mm_start;
	if (start >= end)
		return 0;

	drm_gpuvm_for_each_va_range(gva, gpuvm, start, end) {
		if (gva == &gpuvm->kernel_alloc_node)
			continue;
		cardsnoop_gpuva_to_mapping(gva, &m);
		if (describe)
			describe(gva, &m);
		ret = fn(arg, &m);
		if (ret)
			return ret;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(cardsnoop_gpuvm_iterate);

/**
 * cardsnoop_ttm_placement() - UAPI placement of a TTM buffer
 * @bo: the buffer, reserved
 *
 * Return: %CARDSNOOP_PLACEMENT_SYSTEM, %CARDSNOOP_PLACEMENT_GTT or
 * %CARDSNOOP_PLACEMENT_VRAM from the buffer's resource (driver-private
 * memory types count as VRAM when they are not backed by a &ttm_tt), or
 * %CARDSNOOP_PLACEMENT_NONE when it has none.
 */
u32 cardsnoop_ttm_placement(struct ttm_buffer_object *bo)
{
	struct ttm_resource_manager *man;

	if (!bo->resource)
		return CARDSNOOP_PLACEMENT_NONE;

	switch (bo->resource->mem_type) {
	case TTM_PL_SYSTEM:
		return CARDSNOOP_PLACEMENT_SYSTEM;
	case TTM_PL_TT:
		return CARDSNOOP_PLACEMENT_GTT;
	case TTM_PL_VRAM:
		return CARDSNOOP_PLACEMENT_VRAM;
	default:
		man = ttm_manager_type(bo->bdev, bo->resource->mem_type);
		return man && man->use_tt ? CARDSNOOP_PLACEMENT_GTT :
					    CARDSNOOP_PLACEMENT_VRAM;
	}
}
EXPORT_SYMBOL_GPL(cardsnoop_ttm_placement);

/**
 * cardsnoop_ttm_resolve() - where a TTM buffer's byte lives now
 * @bo: the buffer, reserved (its dma_resv held, normally as the VM lock)
 * @offset: byte offset in @bo
 * @ext: filled in: @ext->map.placement and the backing of @offset, with
 *	@ext->size clamped to the end of @bo (and of a contiguous VRAM run)
 *
 * Waits, at most two seconds, for the buffer's kernel fences, so that a
 * move in flight has landed before the new backing is read; populates (or
 * swaps in) system pages that TTM has not allocated yet, as TTM's own fault
 * handler does.  System pages come back as %CARDSNOOP_BACKING_PAGES straight
 * from the &ttm_tt (never reference counted: TTM forbids it).  VRAM comes
 * back as %CARDSNOOP_BACKING_VRAM with a VRAM offset when the resource says
 * it is contiguous (%TTM_PL_FLAG_CONTIGUOUS in its placement), otherwise
 * as %CARDSNOOP_BACKING_TTM_ACCESS through the driver's
 * &ttm_device_funcs.access_memory.  A resource carries the flags of the
 * place it was allocated for: a driver whose VRAM manager is always
 * contiguous (the range manager) still has to ask for it in its place.
 *
 * Context: process context, @bo reserved.
 * Return: 0, -ETIMEDOUT if a fence did not signal, -EOPNOTSUPP for VRAM
 * that the core cannot reach, -EINVAL for an @offset past the buffer, or an
 * error from populating.
 */
int cardsnoop_ttm_resolve(struct ttm_buffer_object *bo, u64 offset,
			  struct cardsnoop_extent *ext)
{
	struct ttm_operation_ctx ctx = { .interruptible = true };
	struct ttm_resource_manager *man;
	struct ttm_resource *res;
	pgoff_t pgoff;
	long lret;
	int ret;

	dma_resv_assert_held(bo->base.resv);

	if (offset >= bo->base.size)
		return -EINVAL;

	lret = dma_resv_wait_timeout(bo->base.resv, DMA_RESV_USAGE_KERNEL,
				     true, CARDSNOOP_FENCE_TIMEOUT);
	if (lret < 0)
		return lret;
	if (!lret)
		return -ETIMEDOUT;

	ext->size = min_t(u64, ext->size, bo->base.size - offset);
	ext->bo_offset = offset;
	ext->map.placement = cardsnoop_ttm_placement(bo);

	res = bo->resource;
	if (!res) {
		ext->backing = CARDSNOOP_BACKING_ZERO;
		return 0;
	}

	man = ttm_manager_type(bo->bdev, res->mem_type);
	if (!man->use_tt) {
		if (res->placement & TTM_PL_FLAG_CONTIGUOUS) {
			ext->backing = CARDSNOOP_BACKING_VRAM;
			ext->vram_offset = ((u64)res->start << PAGE_SHIFT) +
					   offset;
		} else if (bo->bdev->funcs->access_memory) {
			ext->backing = CARDSNOOP_BACKING_TTM_ACCESS;
			ext->bo = bo;
		} else {
			return -EOPNOTSUPP;
		}
		return 0;
	}

	if (!bo->ttm)
		return -EINVAL;
	if (!ttm_tt_is_populated(bo->ttm)) {
		ret = ttm_tt_populate(bo->bdev, bo->ttm, &ctx);
		if (ret)
			return ret;
	}

	pgoff = offset >> PAGE_SHIFT;
	ext->backing = CARDSNOOP_BACKING_PAGES;
	ext->pages = &bo->ttm->pages[pgoff];
	ext->page_offset = offset & ~PAGE_MASK;
	ext->write_combined = bo->ttm->caching == ttm_write_combined;
	ext->uncached = bo->ttm->caching == ttm_uncached;
	if (bo->ttm->dma_address)
		ext->dma_addr = bo->ttm->dma_address[pgoff] + ext->page_offset;
	return 0;
}
EXPORT_SYMBOL_GPL(cardsnoop_ttm_resolve);
