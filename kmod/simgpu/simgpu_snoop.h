/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The cardsnoop authors
 *
 * simgpu: the cardsnoop backend, and the invalidation hooks as the rest of
 * the driver calls them.  Built with SIMGPU_NO_SNOOP (make -C kmod
 * SIMGPU_SNOOP=0), every hook compiles to nothing and simgpu does not
 * register with cardsnoop: the baseline of the hook-cost benchmarks.
 */
#ifndef __SIMGPU_SNOOP_H__
#define __SIMGPU_SNOOP_H__

#include <linux/types.h>

#include "simgpu_mmu.h"

struct simgpu_device;

#ifndef SIMGPU_NO_SNOOP

/**
 * struct simgpu_snoop_inval - token of an invalidation in progress
 */
struct simgpu_snoop_inval {
	/** @inv: cardsnoop's token. */
	struct cardsnoop_inval inv;
};

/**
 * simgpu_snoop_active() - is any cardsnoop file attached on the system?
 *
 * Return: false when the invalidation hooks are no-ops, so that collecting
 * the ranges to invalidate can be skipped.
 */
static __always_inline bool simgpu_snoop_active(void)
{
	return cardsnoop_active();
}

/**
 * simgpu_snoop_begin() - cardsnoop_invalidate_begin() for a simgpu VM
 * @vm: the VM; its reservation held (or an mmu notifier callback)
 * @start: first VA (linear)
 * @size: bytes
 *
 * Return: the token for simgpu_snoop_end().
 */
static __always_inline struct simgpu_snoop_inval
simgpu_snoop_begin(struct simgpu_vm *vm, u64 start, u64 size)
{
	struct simgpu_snoop_inval inv = { };

	if (cardsnoop_active() && vm->snoop_ready)
		inv.inv = cardsnoop_invalidate_begin(&vm->snoop, start, size);
	return inv;
}

/**
 * simgpu_snoop_end() - cardsnoop_invalidate_end() for a simgpu VM
 * @inv: what simgpu_snoop_begin() returned
 */
static __always_inline void simgpu_snoop_end(struct simgpu_snoop_inval inv)
{
	cardsnoop_invalidate_end(inv.inv);
}

int simgpu_snoop_register(struct simgpu_device *sdev);
void simgpu_snoop_unregister(struct simgpu_device *sdev);
void simgpu_snoop_vm_init(struct simgpu_vm *vm);
void simgpu_snoop_vm_fini(struct simgpu_vm *vm);

/*
 * Change events for cardsnoop's event readers: after the fact, static-key
 * no-ops while nothing is attached, like the invalidation hooks.  VAs are
 * linear (cardsnoop's non-canonical form).
 */
void __simgpu_snoop_event_bind(struct simgpu_vm *vm, struct drm_gpuva *gpuva);

/* A new mapping; the VM lock held. */
static __always_inline void simgpu_snoop_event_bind(struct simgpu_vm *vm,
						    struct drm_gpuva *gpuva)
{
	if (cardsnoop_active() && vm->snoop_ready)
		__simgpu_snoop_event_bind(vm, gpuva);
}

/* [@va, @va + @size) of buffer @bo_id (0: none) unmapped; the VM lock held. */
static __always_inline void simgpu_snoop_event_unbind(struct simgpu_vm *vm,
						      u64 va, u64 size,
						      u64 bo_id)
{
	if (cardsnoop_active() && vm->snoop_ready)
		cardsnoop_event_unbind(&vm->snoop, va, size, bo_id);
}

/* A mapping of buffer @bo_id moved (to VRAM if @vram); the VM lock held. */
static __always_inline void simgpu_snoop_event_move(struct simgpu_vm *vm,
						    u64 va, u64 size, u64 bo_id,
						    bool vram, bool evict)
{
	if (cardsnoop_active() && vm->snoop_ready)
		cardsnoop_event_move(&vm->snoop, va, size, bo_id,
				     vram ? CARDSNOOP_PLACEMENT_VRAM :
					    CARDSNOOP_PLACEMENT_SYSTEM, evict);
}

/* An IB went through the kernel ring. */
static __always_inline void simgpu_snoop_event_submit(struct simgpu_vm *vm,
						      u64 ib_va, u64 ib_size,
						      u64 seqno)
{
	if (cardsnoop_active() && vm->snoop_ready)
		cardsnoop_event_submit(&vm->snoop, 0, ib_va, ib_size, seqno);
}

/* A GPU page fault at @va; @write: the access was a write. */
static __always_inline void simgpu_snoop_event_fault(struct simgpu_vm *vm,
						     u64 va, bool write,
						     u64 seqno)
{
	if (cardsnoop_active() && vm->snoop_ready)
		cardsnoop_event_fault(&vm->snoop, va, write ?
				      CARDSNOOP_ACCESS_WRITE :
				      CARDSNOOP_ACCESS_READ, seqno);
}

#else /* SIMGPU_NO_SNOOP */

struct simgpu_snoop_inval { };

static __always_inline bool simgpu_snoop_active(void)
{
	return false;
}

static __always_inline struct simgpu_snoop_inval
simgpu_snoop_begin(struct simgpu_vm *vm, u64 start, u64 size)
{
	return (struct simgpu_snoop_inval){ };
}

static __always_inline void simgpu_snoop_end(struct simgpu_snoop_inval inv)
{
}

static inline int simgpu_snoop_register(struct simgpu_device *sdev)
{
	return 0;
}

static inline void simgpu_snoop_unregister(struct simgpu_device *sdev)
{
}

static inline void simgpu_snoop_vm_init(struct simgpu_vm *vm)
{
}

static inline void simgpu_snoop_vm_fini(struct simgpu_vm *vm)
{
}

static __always_inline void simgpu_snoop_event_bind(struct simgpu_vm *vm,
						    struct drm_gpuva *gpuva)
{
}

static __always_inline void simgpu_snoop_event_unbind(struct simgpu_vm *vm,
						      u64 va, u64 size,
						      u64 bo_id)
{
}

static __always_inline void simgpu_snoop_event_move(struct simgpu_vm *vm,
						    u64 va, u64 size, u64 bo_id,
						    bool vram, bool evict)
{
}

static __always_inline void simgpu_snoop_event_submit(struct simgpu_vm *vm,
						      u64 ib_va, u64 ib_size,
						      u64 seqno)
{
}

static __always_inline void simgpu_snoop_event_fault(struct simgpu_vm *vm,
						     u64 va, bool write,
						     u64 seqno)
{
}

#endif /* SIMGPU_NO_SNOOP */

/** define SIMGPU_BO_INVAL_MAX - ranges simgpu_bo_inval tracks one by one */
#define SIMGPU_BO_INVAL_MAX	8

/**
 * struct simgpu_bo_inval - the invalidations of a buffer's mappings
 *
 * simgpu_mmu_bo_invalidate_begin() brackets every VA range a buffer is bound
 * at; past %SIMGPU_BO_INVAL_MAX ranges in one VM, it brackets the span of
 * the rest in one go (a larger range than needed is harmless: snoopers
 * only re-resolve it).
 */
struct simgpu_bo_inval {
	/** @count: tokens in @inv. */
	unsigned int count;

	/** @inv: the tokens. */
	struct simgpu_snoop_inval inv[SIMGPU_BO_INVAL_MAX + 1];
};

#endif /* __SIMGPU_SNOOP_H__ */
