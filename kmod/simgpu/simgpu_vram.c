// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The cardsnoop authors
 */

/**
 * DOC: VRAM access
 *
 * A simgpu device's VRAM is the memory BAR of a QEMU ivshmem device (real
 * iomem, mapped write-combined) or, on virtual devices, kernel memory.
 * simgpu_vram_access() is the one CPU path to it that does not go through a
 * buffer: TTM's &ttm_device_funcs.access_memory (ptrace of a mapping), the
 * engine, cardsnoop's &cardsnoop_backend_ops.vram_access and the debugfs
 * files use it.  Like amdgpu's MM_INDEX path it never needs a working
 * engine.  Once the device is unplugged it touches nothing: reads return
 * zeros and -ENODEV, writes are dropped.
 */

#include <linux/io.h>
#include <linux/string.h>

#include <drm/drm_drv.h>

#include "simgpu_drv.h"

/**
 * simgpu_vram_access() - copy between a kernel buffer and VRAM
 * @sdev: the device
 * @offset: VRAM byte offset
 * @buf: kernel buffer
 * @len: bytes
 * @write: true to copy @buf to VRAM, false to copy VRAM to @buf
 *
 * Context: any context that may touch iomem; does not sleep.
 * Return: 0, -EINVAL if the range is outside VRAM, -ENODEV if the device
 * is gone (@buf is then zero-filled for a read).
 */
int simgpu_vram_access(struct simgpu_device *sdev, u64 offset, void *buf,
		       size_t len, bool write)
{
	int idx;

	if (offset > sdev->vram.size || len > sdev->vram.size - offset)
		return -EINVAL;

	if (!drm_dev_enter(&sdev->drm, &idx)) {
		if (!write)
			memset(buf, 0, len);
		return -ENODEV;
	}

	if (sdev->vram.iomem) {
		if (write)
			memcpy_toio(sdev->vram.iomem + offset, buf, len);
		else
			memcpy_fromio(buf, sdev->vram.iomem + offset, len);
	} else {
		if (write)
			memcpy(sdev->vram.vaddr + offset, buf, len);
		else
			memcpy(buf, sdev->vram.vaddr + offset, len);
	}

	drm_dev_exit(idx);
	return 0;
}

/**
 * simgpu_vram_clear() - zero a VRAM range
 * @sdev: the device
 * @offset: VRAM byte offset
 * @len: bytes
 *
 * Context: any context that may touch iomem; does not sleep.
 * Return: 0, -EINVAL, or -ENODEV as simgpu_vram_access().
 */
int simgpu_vram_clear(struct simgpu_device *sdev, u64 offset, u64 len)
{
	int idx;

	if (offset > sdev->vram.size || len > sdev->vram.size - offset)
		return -EINVAL;

	if (!drm_dev_enter(&sdev->drm, &idx))
		return -ENODEV;

	if (sdev->vram.iomem)
		memset_io(sdev->vram.iomem + offset, 0, len);
	else
		memset(sdev->vram.vaddr + offset, 0, len);

	drm_dev_exit(idx);
	return 0;
}
