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
