/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The cardsnoop authors
 *
 * simgpu: the engine and the kernel ring.
 */
#ifndef __SIMGPU_ENGINE_H__
#define __SIMGPU_ENGINE_H__

struct drm_device;
struct drm_file;
struct simgpu_device;

int simgpu_ring_init(struct simgpu_device *sdev);

int simgpu_ioctl_submit(struct drm_device *dev, void *data,
			struct drm_file *file);
int simgpu_ioctl_faults(struct drm_device *dev, void *data,
			struct drm_file *file);

#endif /* __SIMGPU_ENGINE_H__ */
