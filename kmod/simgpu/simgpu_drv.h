/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The cardsnoop authors
 *
 * simgpu: the device and the per-file state.
 */
#ifndef __SIMGPU_DRV_H__
#define __SIMGPU_DRV_H__

#include <linux/atomic.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include <drm/drm_device.h>
#include <drm/drm_file.h>
#include <drm/ttm/ttm_device.h>

#include <uapi/drm/simgpu_drm.h>

struct cardsnoop_device;
struct simgpu_bo;
struct simgpu_vm;

#define DRIVER_NAME		"simgpu"
#define DRIVER_DESC		"Simulated GPU, the reference driver of cardsnoop"
#define DRIVER_MAJOR		1
#define DRIVER_MINOR		0

/** define SIMGPU_RING_HEADER_SIZE - bytes before the kernel ring's packets */
#define SIMGPU_RING_HEADER_SIZE	4096
/** define SIMGPU_RING_PACKETS_SIZE - bytes of the kernel ring's packet area */
#define SIMGPU_RING_PACKETS_SIZE	16384
/** define SIMGPU_RING_SIZE - bytes of the kernel ring buffer */
#define SIMGPU_RING_SIZE	(SIMGPU_RING_HEADER_SIZE + SIMGPU_RING_PACKETS_SIZE)

/**
 * struct simgpu_vram - the device memory
 *
 * Either the memory BAR of an ivshmem PCI device (@iomem) or, on virtual
 * devices, kernel memory (@vaddr).  Only simgpu_vram_access() and the TTM
 * io_mem callbacks look inside.
 */
struct simgpu_vram {
	/** @size: bytes, a multiple of the page size. */
	u64 size;

	/** @bus_addr: CPU physical address of the BAR (PCI only). */
	resource_size_t bus_addr;

	/** @iomem: write-combined mapping of the BAR (PCI only). */
	void __iomem *iomem;

	/** @vaddr: vmalloc'ed memory (virtual devices only). */
	void *vaddr;
};

/**
 * struct simgpu_device - one simgpu GPU
 */
struct simgpu_device {
	/** @drm: the DRM device. */
	struct drm_device drm;

	/** @bdev: the TTM device; VRAM is %TTM_PL_VRAM, a range manager. */
	struct ttm_device bdev;

	/** @vram: the device memory. */
	struct simgpu_vram vram;

	/** @ttm_ready: @bdev is initialized (for the error paths). */
	bool ttm_ready;

	/**
	 * @kernel_vm: the kernel VM, holding the kernel ring; never visible
	 * to clients.
	 */
	struct simgpu_vm *kernel_vm;

	/** @ring_bo: the kernel ring buffer, pinned in VRAM. */
	struct simgpu_bo *ring_bo;

	/**
	 * @engine_lock: serializes the submissions that go through the kernel
	 * ring, so that the engine always executes the packet the kernel
	 * just wrote.  Taken before any reservation; a submission holding it
	 * may fault in user pages (mmap_lock) with the reservations dropped.
	 */
	struct mutex engine_lock;

	/** @seqno: last ring packet sequence number; under @engine_lock. */
	u64 seqno;

	/** @next_bo_id: last buffer id handed out. */
	atomic64_t next_bo_id;

	/** @snoop: the cardsnoop device, NULL without one. */
	struct cardsnoop_device *snoop;

	/**
	 * @mm_lock: protects @mm_index, the debugfs MM_INDEX register, and
	 * makes an MM_INDEX/MM_DATA pair atomic for one caller.
	 */
	struct mutex mm_lock;

	/** @mm_index: VRAM byte offset that the MM_DATA register reaches. */
	u64 mm_index;
};

#define to_simgpu_device(drm__) container_of(drm__, struct simgpu_device, drm)

static inline struct simgpu_device *bdev_to_simgpu(struct ttm_device *bdev)
{
	return container_of(bdev, struct simgpu_device, bdev);
}

/**
 * struct simgpu_file - what simgpu keeps per open file of the render node
 */
struct simgpu_file {
	/** @sdev: the device. */
	struct simgpu_device *sdev;

	/** @vm: the file's GPU VM. */
	struct simgpu_vm *vm;

	/** @fault_lock: protects the fault records and counters below. */
	spinlock_t fault_lock;

	/** @faults: the latest GPU page faults, a ring of records. */
	struct drm_simgpu_fault faults[SIMGPU_FAULTS_MAX];

	/** @fault_first: index in @faults of the oldest record kept. */
	unsigned int fault_first;

	/** @fault_count: number of records kept. */
	unsigned int fault_count;

	/** @fault_total: GPU page faults since the file was opened. */
	u64 fault_total;

	/** @submits: successful and failed submissions; atomic. */
	atomic64_t submits;

	/** @engine_ns: time the engine spent on this file's commands. */
	atomic64_t engine_ns;
};

static inline struct simgpu_file *to_simgpu_file(struct drm_file *file)
{
	return file->driver_priv;
}

/* simgpu_vram.c */
int simgpu_vram_access(struct simgpu_device *sdev, u64 offset, void *buf,
		       size_t len, bool write);
int simgpu_vram_clear(struct simgpu_device *sdev, u64 offset, u64 len);

/* simgpu_debugfs.c */
void simgpu_debugfs_init(struct drm_minor *minor);

#endif /* __SIMGPU_DRV_H__ */
