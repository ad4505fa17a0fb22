// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The cardsnoop authors
 *
 * Canonical GPU virtual addresses.  A GPU with N VA bits whose upper half is
 * sign-extended (like x86-64 CPUs, amdgpu, simgpu) names the byte at file
 * offset 2^(N-1) + x as VA 0xff..f8000.. + x.  The snoop file uses the
 * offsets; people and other tools use the canonical form.  The library
 * accepts both and reports the canonical form.
 */
#include <errno.h>

#include "cs_private.h"

cs_public int cs_va_to_offset(unsigned int va_bits, uint64_t va,
			      uint64_t *offset)
{
	uint64_t limit, high;

	if (va_bits == 0 || va_bits > 64)
		return -EINVAL;
	if (va_bits == 64 || va < (limit = 1ull << va_bits)) {
		*offset = va;
		return 0;
	}
	/* Every bit from va_bits up must repeat bit va_bits - 1, which is 1. */
	high = ~(limit - 1);
	if ((va & high) == high && (va & (limit >> 1))) {
		*offset = va & (limit - 1);
		return 0;
	}
	return -EINVAL;
}

cs_public uint64_t cs_offset_to_va(unsigned int va_bits, uint64_t offset)
{
	uint64_t limit;

	if (va_bits == 0 || va_bits >= 64)
		return offset;
	limit = 1ull << va_bits;
	if (offset >= limit || !(offset & (limit >> 1)))
		return offset;
	return offset | ~(limit - 1);
}
