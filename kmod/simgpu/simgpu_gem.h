/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The cardsnoop authors
 *
 * simgpu: buffers (GEM objects on TTM).
 */
#ifndef __SIMGPU_GEM_H__
#define __SIMGPU_GEM_H__

#include <linux/types.h>

#include <drm/ttm/ttm_bo.h>
#include <drm/ttm/ttm_placement.h>

struct dma_buf;
struct drm_device;
struct drm_file;
struct drm_gem_object;
struct sg_table;
struct simgpu_device;
struct simgpu_vm;

/**
 * struct simgpu_bo - a simgpu buffer
 *
 * A GEM object embedding a TTM buffer object, as in drm_gem_vram_helper.c
 * and xe.  Buffers created by a file share the reservation object of the
 * file's VM (see &struct simgpu_vm); imported buffers keep the exporter's
 * and never move.
 */
struct simgpu_bo {
	/** @tbo: the TTM buffer object; @tbo.base is the GEM object. */
	struct ttm_buffer_object tbo;

	/** @place: the placement @placement points at. */
	struct ttm_place place;

	/** @placement: the placement the buffer is validated with. */
	struct ttm_placement placement;

	/** @id: unique on the device for the buffer's lifetime. */
	u64 id;

	/** @flags: %SIMGPU_BO_PINNED, %SIMGPU_BO_IMPORTED. */
	u32 flags;

	/**
	 * @vm_resv_obj: the VM's reservation GEM object, referenced, whose
	 * dma_resv the buffer shares; NULL for imported buffers.
	 */
	struct drm_gem_object *vm_resv_obj;

	/** @sgt: imported buffers: the exporter's mapped pages. */
	struct sg_table *sgt;
};

static inline struct simgpu_bo *to_simgpu_bo(struct drm_gem_object *obj)
{
	return container_of(obj, struct simgpu_bo, tbo.base);
}

static inline struct simgpu_bo *ttm_to_simgpu_bo(struct ttm_buffer_object *tbo)
{
	return container_of(tbo, struct simgpu_bo, tbo);
}

int simgpu_ttm_init(struct simgpu_device *sdev);
struct simgpu_bo *simgpu_bo_create(struct simgpu_device *sdev,
				   struct simgpu_vm *vm, u64 size,
				   u32 placement, u32 flags);
void simgpu_bo_put(struct simgpu_bo *bo);
u32 simgpu_bo_placement(struct simgpu_bo *bo);
int simgpu_bo_access_locked(struct simgpu_bo *bo, u64 offset, void *buf,
			    size_t len, bool write);
bool simgpu_bo_is_resident(struct simgpu_bo *bo);
struct drm_gem_object *simgpu_gem_prime_import(struct drm_device *dev,
					       struct dma_buf *dma_buf);

int simgpu_ioctl_bo_create(struct drm_device *dev, void *data,
			   struct drm_file *file);
int simgpu_ioctl_bo_info(struct drm_device *dev, void *data,
			 struct drm_file *file);
int simgpu_ioctl_bo_migrate(struct drm_device *dev, void *data,
			    struct drm_file *file);

#endif /* __SIMGPU_GEM_H__ */
