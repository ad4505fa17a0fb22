/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The cardsnoop authors
 *
 * simgpu: GPU VMs on drm_gpuvm.
 */
#ifndef __SIMGPU_MMU_H__
#define __SIMGPU_MMU_H__

#include <linux/bits.h>
#include <linux/bitops.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mmu_notifier.h>
#include <linux/mutex.h>
#include <linux/types.h>

#include <drm/drm_gpuvm.h>

#ifndef SIMGPU_NO_SNOOP
#include <drm/cardsnoop.h>
#endif

struct drm_device;
struct drm_file;
struct drm_gem_object;
struct simgpu_bo;
struct simgpu_device;

/** define SIMGPU_VA_END - end (exclusive) of the linear VA space, 2^48 */
#define SIMGPU_VA_END		BIT_ULL(SIMGPU_VA_BITS)

/** define SIMGPU_KERNEL_VA_START - the kernel VM covers the upper half */
#define SIMGPU_KERNEL_VA_START	BIT_ULL(SIMGPU_VA_BITS - 1)

/**
 * enum simgpu_vma_kind - what a GPU mapping maps
 * @SIMGPU_VMA_BO: a buffer of this driver.
 * @SIMGPU_VMA_IMPORTED: a buffer imported from another driver (dma-buf).
 * @SIMGPU_VMA_SPARSE: nothing: reads zero, drops writes.
 * @SIMGPU_VMA_USERPTR: CPU memory of the process that bound it.
 * @SIMGPU_VMA_KERNEL: a kernel allocation in the kernel VM (the ring).
 */
enum simgpu_vma_kind {
	SIMGPU_VMA_BO,
	SIMGPU_VMA_IMPORTED,
	SIMGPU_VMA_SPARSE,
	SIMGPU_VMA_USERPTR,
	SIMGPU_VMA_KERNEL,
};

/**
 * struct simgpu_vm - a GPU virtual address space
 *
 * One per open file, plus the device's kernel VM.  Its reservation object,
 * drm_gpuvm_resv(), is THE lock of the VM: it protects the VA tree (the VM
 * is %DRM_GPUVM_RESV_PROTECTED), and every buffer created by the file
 * shares it, so it also keeps the backing of every mapped buffer stable
 * (TTM moves a buffer only with its reservation held).  The engine,
 * cardsnoop's &cardsnoop_backend_ops.lock_vm and fdinfo take it.
 */
struct simgpu_vm {
	/** @base: the drm_gpuvm; holds the VM's reference count. */
	struct drm_gpuvm base;

	/** @sdev: the device. */
	struct simgpu_device *sdev;

	/** @kernel: this is the device's kernel VM. */
	bool kernel;

	/** @id: drm-client-id of the file (0 for the kernel VM). */
	u64 id;

#ifndef SIMGPU_NO_SNOOP
	/**
	 * @snoop: cardsnoop's view of the VM, set up by
	 * simgpu_vm_snoop_init().
	 */
	struct cardsnoop_vm snoop;

	/** @snoop_ready: @snoop is set up. */
	bool snoop_ready;
#endif
};

/**
 * struct simgpu_userptr - the CPU range behind userptr mappings
 *
 * Created by one %SIMGPU_BIND_USERPTR bind and shared, by reference, by
 * the pieces that splitting that mapping leaves.  The mapping's
 * &drm_gpuva.gem.offset holds the CPU address of its first byte (drm_gpuvm
 * keeps it right when it splits the mapping).
 */
struct simgpu_userptr {
	/** @ref: one per mapping piece, one for the bind in progress. */
	struct kref ref;

	/** @notifier: covers [@addr, @addr + @size) of the process. */
	struct mmu_interval_notifier notifier;

	/**
	 * @lock: the "user lock" of the interval notifier protocol, taken by
	 * the invalidate callback around mmu_interval_set_seq().
	 */
	struct mutex lock;

	/** @addr: first CPU address. */
	unsigned long addr;

	/** @size: bytes. */
	unsigned long size;
};

/**
 * struct simgpu_vma - one GPU mapping
 */
struct simgpu_vma {
	/** @base: the drm_gpuva. */
	struct drm_gpuva base;

	/** @kind: what it maps. */
	enum simgpu_vma_kind kind;

	/** @readonly: the GPU may not write through it. */
	bool readonly;

	/** @uptr: %SIMGPU_VMA_USERPTR: the CPU range, referenced. */
	struct simgpu_userptr *uptr;

	/**
	 * @dead_obj: once unmapped: a reference on the buffer it mapped,
	 * dropped after the VM lock, so that no buffer is freed under it.
	 */
	struct drm_gem_object *dead_obj;

	/** @free_link: in the list of unmapped mappings to free. */
	struct list_head free_link;
};

#define to_simgpu_vm(gpuvm__) container_of(gpuvm__, struct simgpu_vm, base)
#define to_simgpu_vma(gpuva__) container_of(gpuva__, struct simgpu_vma, base)

/**
 * simgpu_va_from_user() - a VA as userspace gives it, to the linear form
 * @va: canonical (bits 63:48 copies of bit 47) or linear (bits 63:48 zero)
 * @out: the linear VA, in [0, 2^48)
 *
 * Return: false if @va is neither.
 */
static inline bool simgpu_va_from_user(u64 va, u64 *out)
{
	if (!(va >> SIMGPU_VA_BITS)) {
		*out = va;
		return true;
	}
	if ((va >> (SIMGPU_VA_BITS - 1)) == GENMASK_ULL(64 - SIMGPU_VA_BITS, 0)) {
		*out = va & (SIMGPU_VA_END - 1);
		return true;
	}
	return false;
}

/**
 * simgpu_va_to_user() - a linear VA in canonical form
 * @va: in [0, 2^48)
 *
 * Return: @va with bit 47 sign-extended.
 */
static inline u64 simgpu_va_to_user(u64 va)
{
	return (u64)sign_extend64(va, SIMGPU_VA_BITS - 1);
}

/**
 * struct simgpu_access - where a GPU access stopped
 *
 * Filled by simgpu_vm_access_locked() when it fails.
 */
struct simgpu_access {
	/** @va: -EFAULT: the faulting VA (linear). */
	u64 va;

	/** @reason: -EFAULT: %SIMGPU_FAULT_*. */
	u32 reason;

	/** @uaddr: -EAGAIN: CPU address to fault in (userptr). */
	unsigned long uaddr;

	/** @ulen: -EAGAIN: bytes at @uaddr. */
	size_t ulen;
};

struct simgpu_vm *simgpu_vm_create(struct simgpu_device *sdev, bool kernel,
				   u64 id);
void simgpu_vm_snoop_init(struct simgpu_vm *vm);
void simgpu_vm_close(struct simgpu_vm *vm);
void simgpu_vm_put(struct simgpu_vm *vm);

static inline struct dma_resv *simgpu_vm_resv(struct simgpu_vm *vm)
{
	return drm_gpuvm_resv(&vm->base);
}

int simgpu_vm_bind(struct simgpu_vm *vm, u64 va, u64 size,
		   struct drm_gem_object *obj, u64 offset, u32 flags,
		   struct simgpu_userptr *uptr, enum simgpu_vma_kind kind);
int simgpu_vm_access_locked(struct simgpu_vm *vm, u64 va, void *buf,
			    size_t len, bool write, struct simgpu_access *acc);

struct simgpu_bo_inval;
void simgpu_mmu_bo_invalidate_begin(struct simgpu_bo *bo,
				    struct simgpu_bo_inval *st);
void simgpu_mmu_bo_invalidate_end(struct simgpu_bo_inval *st);
void simgpu_mmu_bo_event_move(struct simgpu_bo *bo, bool vram, bool evict);

int simgpu_ioctl_vm_bind(struct drm_device *dev, void *data,
			 struct drm_file *file);
int simgpu_ioctl_vm_unbind(struct drm_device *dev, void *data,
			   struct drm_file *file);

#endif /* __SIMGPU_MMU_H__ */
