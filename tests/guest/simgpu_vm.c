// SPDX-License-Identifier: MIT
/*
 * simgpu GPU VMs: bind/unbind semantics (drm_gpuvm split/merge), read-only,
 * canonical VAs, sparse and userptr mappings, PRIME imports from vgem, and
 * the isolation of two clients; results checked through CPU mappings.
 *
 * TEST: map_*        buffer mappings, bind over, unbind and their splits
 * TEST: va_*         canonical and linear VAs, the ends of the VA space
 * TEST: sparse_*     sparse mappings
 * TEST: userptr_*    userptr mappings
 * TEST: import_*     buffers imported from vgem
 * TEST: clients_*    two files, two VMs
 */
#include "cstest.h"
#include "simgpu_test.h"

static int fd = -1;

static void setup(void)
{
	fd = sgt_open();
	ck_assert_msg(fd >= 0, "no simgpu device: %s", strerror(-fd));
}

static void teardown(void)
{
	close(fd);
}

struct buf {
	__u32 handle;
	__u64 size;
	__u32 *map;
};

static struct buf mkbuf(__u64 size, __u32 placement)
{
	struct buf b = { .size = size };

	ck_assert_int_eq(sgt_bo_create(fd, size, placement, 0, &b.handle), 0);
	b.map = sgt_map(fd, b.handle);
	ck_assert_ptr_nonnull(b.map);
	return b;
}

static __u32 dw(const struct buf *b, __u64 offset)
{
	return b->map[offset / 4];
}

/* The GPU's view of one dword, through a COPY into a probe buffer. */
static struct buf probe;
static __u64 probe_va = 0x7f0000000000ull;

static int gpu_read32(__u64 va, __u32 *val)
{
	int ret;

	if (!probe.map) {
		probe = mkbuf(SGT_4K, SIMGPU_PLACEMENT_SYSTEM);
		ck_assert_int_eq(sgt_bind(fd, probe.handle, probe_va, SGT_4K, 0, 0),
				 0);
	}
	probe.map[0] = 0xdeaddead;
	ret = sgt_copy(fd, va, probe_va, 4);
	*val = probe.map[0];
	return ret;
}

static void last_fault(struct drm_simgpu_fault *f)
{
	struct drm_simgpu_fault recs[SIMGPU_FAULTS_MAX];
	int n = sgt_faults(fd, recs, SIMGPU_FAULTS_MAX, 0, NULL);

	ck_assert_int_gt(n, 0);
	*f = recs[n - 1];
}

/*
 * Buffer mappings
 */

/* A GPU write lands in the buffer at the mapping's offset. */
START_TEST(map_offset)
{
	struct buf b = mkbuf(SGT_64K, SIMGPU_PLACEMENT_SYSTEM);

	ck_assert_int_eq(sgt_bind(fd, b.handle, SGT_1M, 2 * SGT_4K, 3 * SGT_4K, 0),
			 0);
	ck_assert_int_eq(sgt_write32(fd, SGT_1M + 8, 0x1234), 0);
	ck_assert_uint_eq(dw(&b, 3 * SGT_4K + 8), 0x1234);
	ck_assert_int_eq(sgt_write32(fd, SGT_1M + SGT_4K, 0x5678), 0);
	ck_assert_uint_eq(dw(&b, 4 * SGT_4K), 0x5678);
}
END_TEST

/* One buffer at several VAs: all alias the same memory. */
START_TEST(map_aliases)
{
	struct buf b = mkbuf(SGT_4K, SIMGPU_PLACEMENT_VRAM);
	__u32 v;

	ck_assert_int_eq(sgt_bind(fd, b.handle, SGT_1M, SGT_4K, 0, 0), 0);
	ck_assert_int_eq(sgt_bind(fd, b.handle, 2 * SGT_1M, SGT_4K, 0, 0), 0);
	ck_assert_int_eq(sgt_write32(fd, SGT_1M + 16, 0xabcd), 0);
	ck_assert_int_eq(gpu_read32(2 * SGT_1M + 16, &v), 0);
	ck_assert_uint_eq(v, 0xabcd);
}
END_TEST

/* Binding over a whole mapping replaces it; the old buffer is untouched. */
START_TEST(map_bind_over_replaces)
{
	struct buf a = mkbuf(SGT_4K, SIMGPU_PLACEMENT_SYSTEM);
	struct buf b = mkbuf(SGT_4K, SIMGPU_PLACEMENT_SYSTEM);

	ck_assert_int_eq(sgt_bind(fd, a.handle, SGT_1M, SGT_4K, 0, 0), 0);
	ck_assert_int_eq(sgt_bind(fd, b.handle, SGT_1M, SGT_4K, 0, 0), 0);
	ck_assert_int_eq(sgt_write32(fd, SGT_1M, 0x77), 0);
	ck_assert_uint_eq(dw(&b, 0), 0x77);
	ck_assert_uint_eq(dw(&a, 0), 0);
}
END_TEST

/* Binding into the middle of a mapping splits it in three. */
START_TEST(map_bind_over_splits)
{
	struct buf a = mkbuf(4 * SGT_4K, SIMGPU_PLACEMENT_SYSTEM);
	struct buf b = mkbuf(SGT_4K, SIMGPU_PLACEMENT_VRAM);

	ck_assert_int_eq(sgt_bind(fd, a.handle, SGT_1M, 4 * SGT_4K, 0, 0), 0);
	ck_assert_int_eq(sgt_bind(fd, b.handle, SGT_1M + SGT_4K, SGT_4K, 0, 0), 0);
	ck_assert_int_eq(sgt_write32(fd, SGT_1M, 1), 0);
	ck_assert_int_eq(sgt_write32(fd, SGT_1M + SGT_4K, 2), 0);
	ck_assert_int_eq(sgt_write32(fd, SGT_1M + 2 * SGT_4K, 3), 0);
	ck_assert_int_eq(sgt_write32(fd, SGT_1M + 3 * SGT_4K + 4, 4), 0);
	ck_assert_uint_eq(dw(&a, 0), 1);
	ck_assert_uint_eq(dw(&b, 0), 2);
	ck_assert_uint_eq(dw(&a, SGT_4K), 0);
	ck_assert_uint_eq(dw(&a, 2 * SGT_4K), 3);
	ck_assert_uint_eq(dw(&a, 3 * SGT_4K + 4), 4);
}
END_TEST

/* Binding across the ends of two mappings trims both. */
START_TEST(map_bind_over_straddles)
{
	struct buf a = mkbuf(2 * SGT_4K, SIMGPU_PLACEMENT_SYSTEM);
	struct buf b = mkbuf(2 * SGT_4K, SIMGPU_PLACEMENT_SYSTEM);
	struct buf c = mkbuf(2 * SGT_4K, SIMGPU_PLACEMENT_SYSTEM);

	ck_assert_int_eq(sgt_bind(fd, a.handle, SGT_1M, 2 * SGT_4K, 0, 0), 0);
	ck_assert_int_eq(sgt_bind(fd, b.handle, SGT_1M + 2 * SGT_4K, 2 * SGT_4K,
				  0, 0), 0);
	ck_assert_int_eq(sgt_bind(fd, c.handle, SGT_1M + SGT_4K, 2 * SGT_4K, 0, 0),
			 0);
	ck_assert_int_eq(sgt_fill(fd, SGT_1M, 4 * SGT_4K, 0x99), 0);
	ck_assert_uint_eq(dw(&a, 0), 0x99);
	ck_assert_uint_eq(dw(&a, SGT_4K), 0);
	ck_assert_uint_eq(dw(&c, 0), 0x99);
	ck_assert_uint_eq(dw(&c, SGT_4K), 0x99);
	ck_assert_uint_eq(dw(&b, 0), 0);
	ck_assert_uint_eq(dw(&b, SGT_4K), 0x99);
}
END_TEST

/* Unbinding the middle of a mapping leaves both ends working. */
START_TEST(map_unbind_middle)
{
	struct buf a = mkbuf(4 * SGT_4K, SIMGPU_PLACEMENT_VRAM);
	struct drm_simgpu_fault f;

	ck_assert_int_eq(sgt_bind(fd, a.handle, SGT_1M, 4 * SGT_4K, 0, 0), 0);
	ck_assert_int_eq(sgt_unbind(fd, SGT_1M + SGT_4K, 2 * SGT_4K), 0);
	ck_assert_int_eq(sgt_write32(fd, SGT_1M, 5), 0);
	ck_assert_int_eq(sgt_write32(fd, SGT_1M + 3 * SGT_4K, 6), 0);
	ck_assert_uint_eq(dw(&a, 0), 5);
	ck_assert_uint_eq(dw(&a, 3 * SGT_4K), 6);
	ck_assert_int_eq(sgt_write32(fd, SGT_1M + SGT_4K, 7), -EFAULT);
	last_fault(&f);
	ck_assert_uint_eq(f.va, SGT_1M + SGT_4K);
	ck_assert_uint_eq(f.reason, SIMGPU_FAULT_UNMAPPED);
	ck_assert_int_eq(sgt_write32(fd, SGT_1M + 3 * SGT_4K - 4, 7), -EFAULT);
}
END_TEST

/* Unbinding the start or the end of a mapping trims it. */
START_TEST(map_unbind_trims)
{
	struct buf a = mkbuf(4 * SGT_4K, SIMGPU_PLACEMENT_SYSTEM);

	ck_assert_int_eq(sgt_bind(fd, a.handle, SGT_1M, 4 * SGT_4K, 0, 0), 0);
	ck_assert_int_eq(sgt_unbind(fd, SGT_1M - SGT_4K, 2 * SGT_4K), 0);
	ck_assert_int_eq(sgt_unbind(fd, SGT_1M + 3 * SGT_4K, 2 * SGT_4K), 0);
	ck_assert_int_eq(sgt_write32(fd, SGT_1M, 1), -EFAULT);
	ck_assert_int_eq(sgt_write32(fd, SGT_1M + 3 * SGT_4K, 1), -EFAULT);
	ck_assert_int_eq(sgt_fill(fd, SGT_1M + SGT_4K, 2 * SGT_4K, 0x42), 0);
	ck_assert_uint_eq(dw(&a, SGT_4K), 0x42);
	ck_assert_uint_eq(dw(&a, 3 * SGT_4K - 4), 0x42);
	ck_assert_uint_eq(dw(&a, 0), 0);
}
END_TEST

/* One unbind removes every mapping in its range. */
START_TEST(map_unbind_many)
{
	int i;

	for (i = 0; i < 8; i++) {
		struct buf b = mkbuf(SGT_4K, i & 1 ? SIMGPU_PLACEMENT_VRAM :
						      SIMGPU_PLACEMENT_SYSTEM);

		ck_assert_int_eq(sgt_bind(fd, b.handle, SGT_1M + i * SGT_4K,
					  SGT_4K, 0, 0), 0);
	}
	ck_assert_int_eq(sgt_fill(fd, SGT_1M, 8 * SGT_4K, 1), 0);
	ck_assert_int_eq(sgt_unbind(fd, SGT_1M, 8 * SGT_4K), 0);
	for (i = 0; i < 8; i++)
		ck_assert_int_eq(sgt_write32(fd, SGT_1M + i * SGT_4K, 1), -EFAULT);
}
END_TEST

/* Read-only: the GPU reads it, and a write faults with READONLY. */
START_TEST(map_readonly)
{
	struct buf a = mkbuf(SGT_4K, SIMGPU_PLACEMENT_SYSTEM);
	struct drm_simgpu_fault f;
	__u32 v;

	a.map[1] = 0x31337;
	ck_assert_int_eq(sgt_bind(fd, a.handle, SGT_1M, SGT_4K, 0,
				  SIMGPU_BIND_READONLY), 0);
	ck_assert_int_eq(gpu_read32(SGT_1M + 4, &v), 0);
	ck_assert_uint_eq(v, 0x31337);
	ck_assert_int_eq(sgt_write32(fd, SGT_1M + 8, 1), -EFAULT);
	last_fault(&f);
	ck_assert_uint_eq(f.va, SGT_1M + 8);
	ck_assert_uint_eq(f.access, SIMGPU_ACCESS_WRITE);
	ck_assert_uint_eq(f.reason, SIMGPU_FAULT_READONLY);
	ck_assert_uint_eq(dw(&a, 8), 0);
	/* Rebinding writable lifts it. */
	ck_assert_int_eq(sgt_bind(fd, a.handle, SGT_1M, SGT_4K, 0, 0), 0);
	ck_assert_int_eq(sgt_write32(fd, SGT_1M + 8, 1), 0);
}
END_TEST

/* A COPY across two mappings (system and VRAM) and a page boundary. */
START_TEST(map_copy_across)
{
	struct buf s = mkbuf(SGT_4K, SIMGPU_PLACEMENT_SYSTEM);
	struct buf v = mkbuf(SGT_4K, SIMGPU_PLACEMENT_VRAM);
	struct buf d = mkbuf(4 * SGT_4K, SIMGPU_PLACEMENT_SYSTEM);

	sgt_stamp(s.map, SGT_4K, 100);
	sgt_stamp(v.map, SGT_4K, 100 + 1024);
	ck_assert_int_eq(sgt_bind(fd, s.handle, SGT_1M, SGT_4K, 0, 0), 0);
	ck_assert_int_eq(sgt_bind(fd, v.handle, SGT_1M + SGT_4K, SGT_4K, 0, 0), 0);
	ck_assert_int_eq(sgt_bind(fd, d.handle, 2 * SGT_1M, 4 * SGT_4K, 0, 0), 0);
	ck_assert_int_eq(sgt_copy(fd, SGT_1M, 2 * SGT_1M + 4, 2 * SGT_4K), 0);
	ck_assert_int_eq(sgt_check_stamp((__u8 *)d.map + 4, 2 * SGT_4K, 100), -1);
	ck_assert_uint_eq(dw(&d, 0), 0);
}
END_TEST

/* Closing the handle leaves the GPU mapping (it holds the buffer). */
START_TEST(map_survives_handle_close)
{
	struct buf a = mkbuf(SGT_4K, SIMGPU_PLACEMENT_VRAM);

	ck_assert_int_eq(sgt_bind(fd, a.handle, SGT_1M, SGT_4K, 0, 0), 0);
	ck_assert_int_eq(sgt_ioctl(fd, DRM_IOCTL_GEM_CLOSE,
				   &(struct drm_gem_close){ .handle = a.handle }),
			 0);
	ck_assert_int_eq(sgt_write32(fd, SGT_1M, 0x66), 0);
	ck_assert_uint_eq(dw(&a, 0), 0x66);
	ck_assert_int_eq(sgt_unbind(fd, SGT_1M, SGT_4K), 0);
	/* The CPU mapping still holds the buffer. */
	a.map[1] = 3;
	ck_assert_uint_eq(dw(&a, 4), 3);
}
END_TEST

/* A CPU mapping outlives the file. */
START_TEST(map_cpu_outlives_file)
{
	struct buf a = mkbuf(SGT_4K, SIMGPU_PLACEMENT_VRAM);

	ck_assert_int_eq(sgt_bind(fd, a.handle, SGT_1M, SGT_4K, 0, 0), 0);
	ck_assert_int_eq(sgt_write32(fd, SGT_1M, 0x1234), 0);
	close(fd);
	fd = sgt_open();
	ck_assert_uint_eq(dw(&a, 0), 0x1234);
	a.map[0] = 0x4321;
	ck_assert_uint_eq(dw(&a, 0), 0x4321);
	munmap(a.map, SGT_4K);
}
END_TEST

/*
 * VAs
 */

/* The canonical and the linear form of an upper-half VA are one VA. */
START_TEST(va_canonical_alias)
{
	struct buf a = mkbuf(SGT_4K, SIMGPU_PLACEMENT_SYSTEM);
	struct drm_simgpu_fault f;
	__u32 v;

	ck_assert_int_eq(sgt_bind(fd, a.handle, SGT_UPPER + SGT_1M, SGT_4K, 0, 0),
			 0);
	ck_assert_int_eq(sgt_write32(fd, 0x800000000000ull + SGT_1M + 4, 9), 0);
	ck_assert_uint_eq(dw(&a, 4), 9);
	ck_assert_int_eq(gpu_read32(SGT_UPPER + SGT_1M + 4, &v), 0);
	ck_assert_uint_eq(v, 9);
	/* Unbinding with the linear form removes it; faults report canonical. */
	ck_assert_int_eq(sgt_unbind(fd, 0x800000000000ull + SGT_1M, SGT_4K), 0);
	ck_assert_int_eq(sgt_write32(fd, SGT_UPPER + SGT_1M, 9), -EFAULT);
	last_fault(&f);
	ck_assert_uint_eq(f.va, SGT_UPPER + SGT_1M);
}
END_TEST

/* The first and the last page of the client VA range. */
START_TEST(va_ends)
{
	struct buf a = mkbuf(SGT_4K, SIMGPU_PLACEMENT_SYSTEM);
	struct buf b = mkbuf(SGT_4K, SIMGPU_PLACEMENT_SYSTEM);

	ck_assert_int_eq(sgt_bind(fd, a.handle, SIMGPU_VA_START, SGT_4K, 0, 0), 0);
	ck_assert_int_eq(sgt_bind(fd, b.handle, ~0ull - SGT_4K + 1, SGT_4K, 0, 0),
			 0);
	ck_assert_int_eq(sgt_write32(fd, SIMGPU_VA_START, 1), 0);
	ck_assert_int_eq(sgt_write32(fd, ~0ull - 3, 2), 0);
	ck_assert_uint_eq(dw(&a, 0), 1);
	ck_assert_uint_eq(dw(&b, SGT_4K - 4), 2);
}
END_TEST

/* VA 0 and the reserved first 64 KiB always fault. */
START_TEST(va_null_faults)
{
	struct drm_simgpu_fault f;

	ck_assert_int_eq(sgt_write32(fd, 0, 1), -EFAULT);
	last_fault(&f);
	ck_assert_uint_eq(f.va, 0);
	ck_assert_uint_eq(f.reason, SIMGPU_FAULT_UNMAPPED);
	ck_assert_int_eq(sgt_write32(fd, SIMGPU_VA_START - 4, 1), -EFAULT);
}
END_TEST

/*
 * Sparse
 */

/* Sparse mappings read as zeros and drop writes. */
START_TEST(sparse_zero_and_drop)
{
	struct drm_simgpu_vm_bind b = {
		.flags = SIMGPU_BIND_SPARSE, .va = SGT_1M, .size = 4 * SGT_4K,
	};
	__u32 v;

	ck_assert_int_eq(sgt_ioctl(fd, DRM_IOCTL_SIMGPU_VM_BIND, &b), 0);
	ck_assert_int_eq(sgt_write32(fd, SGT_1M, 0x55), 0);
	ck_assert_int_eq(sgt_fill(fd, SGT_1M, 4 * SGT_4K, 0x66), 0);
	ck_assert_int_eq(gpu_read32(SGT_1M, &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(gpu_read32(SGT_1M + 3 * SGT_4K + 12, &v), 0);
	ck_assert_uint_eq(v, 0);
}
END_TEST

/* A buffer bound over part of a sparse range splits it. */
START_TEST(sparse_split_by_buffer)
{
	struct drm_simgpu_vm_bind b = {
		.flags = SIMGPU_BIND_SPARSE, .va = SGT_1M, .size = 4 * SGT_4K,
	};
	struct buf a = mkbuf(SGT_4K, SIMGPU_PLACEMENT_SYSTEM);
	__u32 v;

	a.map[0] = 0xfeed;
	ck_assert_int_eq(sgt_ioctl(fd, DRM_IOCTL_SIMGPU_VM_BIND, &b), 0);
	ck_assert_int_eq(sgt_bind(fd, a.handle, SGT_1M + SGT_4K, SGT_4K, 0, 0), 0);
	ck_assert_int_eq(gpu_read32(SGT_1M + SGT_4K, &v), 0);
	ck_assert_uint_eq(v, 0xfeed);
	ck_assert_int_eq(gpu_read32(SGT_1M + 2 * SGT_4K, &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(gpu_read32(SGT_1M, &v), 0);
	ck_assert_uint_eq(v, 0);
}
END_TEST

/* A read-only sparse mapping faults on writes like any other. */
START_TEST(sparse_readonly)
{
	struct drm_simgpu_vm_bind b = {
		.flags = SIMGPU_BIND_SPARSE | SIMGPU_BIND_READONLY, .va = SGT_1M,
		.size = SGT_4K,
	};

	ck_assert_int_eq(sgt_ioctl(fd, DRM_IOCTL_SIMGPU_VM_BIND, &b), 0);
	ck_assert_int_eq(sgt_write32(fd, SGT_1M, 1), -EFAULT);
}
END_TEST

/*
 * Userptr
 */

static __u32 *anon(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ck_assert_ptr_ne(p, MAP_FAILED);
	return p;
}

/* The GPU reads and writes the process's memory, even untouched pages. */
START_TEST(userptr_rw)
{
	__u32 *u = anon(4 * SGT_4K), v;

	ck_assert_int_eq(sgt_bind_userptr(fd, u, SGT_1M, 4 * SGT_4K, 0), 0);
	/* Pages never touched by the CPU: the engine faults them in. */
	ck_assert_int_eq(sgt_fill(fd, SGT_1M + SGT_4K, 3 * SGT_4K, 0x12345678), 0);
	ck_assert_uint_eq(u[SGT_4K / 4], 0x12345678);
	ck_assert_uint_eq(u[4 * SGT_4K / 4 - 1], 0x12345678);
	ck_assert_uint_eq(u[0], 0);
	u[2] = 0xbeef;
	ck_assert_int_eq(gpu_read32(SGT_1M + 8, &v), 0);
	ck_assert_uint_eq(v, 0xbeef);
}
END_TEST

/* Splitting a userptr mapping keeps each piece on its own CPU bytes. */
START_TEST(userptr_split)
{
	__u32 *u = anon(4 * SGT_4K);

	ck_assert_int_eq(sgt_bind_userptr(fd, u, SGT_1M, 4 * SGT_4K, 0), 0);
	ck_assert_int_eq(sgt_unbind(fd, SGT_1M + SGT_4K, SGT_4K), 0);
	ck_assert_int_eq(sgt_write32(fd, SGT_1M + 2 * SGT_4K + 4, 0x21), 0);
	ck_assert_uint_eq(u[(2 * SGT_4K + 4) / 4], 0x21);
	ck_assert_int_eq(sgt_write32(fd, SGT_1M + SGT_4K, 1), -EFAULT);
}
END_TEST

/* Read-only userptr: writes fault. */
START_TEST(userptr_readonly)
{
	__u32 *u = anon(SGT_4K);

	ck_assert_int_eq(sgt_bind_userptr(fd, u, SGT_1M, SGT_4K,
					  SIMGPU_BIND_READONLY), 0);
	ck_assert_int_eq(sgt_write32(fd, SGT_1M, 1), -EFAULT);
	ck_assert_uint_eq(u[0], 0);
}
END_TEST

/* After munmap, the GPU faults with reason USERPTR; no crash. */
START_TEST(userptr_unmapped_faults)
{
	__u32 *u = anon(2 * SGT_4K);
	struct drm_simgpu_fault f;

	ck_assert_int_eq(sgt_bind_userptr(fd, u, SGT_1M, 2 * SGT_4K, 0), 0);
	ck_assert_int_eq(sgt_write32(fd, SGT_1M, 1), 0);
	ck_assert_int_eq(munmap(u, 2 * SGT_4K), 0);
	ck_assert_int_eq(sgt_write32(fd, SGT_1M + SGT_4K, 1), -EFAULT);
	last_fault(&f);
	ck_assert_uint_eq(f.va, SGT_1M + SGT_4K);
	ck_assert_uint_eq(f.reason, SIMGPU_FAULT_USERPTR);
}
END_TEST

/* New memory mapped at the same address is what the GPU sees next. */
START_TEST(userptr_follows_cpu)
{
	__u32 *u = anon(SGT_4K), *u2;

	ck_assert_int_eq(sgt_bind_userptr(fd, u, SGT_1M, SGT_4K, 0), 0);
	u[0] = 1;
	u2 = mmap(u, SGT_4K, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	ck_assert_ptr_eq(u2, u);
	ck_assert_uint_eq(u2[0], 0);
	ck_assert_int_eq(sgt_write32(fd, SGT_1M, 0x5151), 0);
	ck_assert_uint_eq(u2[0], 0x5151);
}
END_TEST

/* Another process cannot reach the memory: its submission faults. */
START_TEST(userptr_other_process)
{
	__u32 *u = anon(SGT_4K);
	int status;
	pid_t pid;

	ck_assert_int_eq(sgt_bind_userptr(fd, u, SGT_1M, SGT_4K, 0), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid) {
		struct drm_simgpu_fault f[SIMGPU_FAULTS_MAX];
		int n;

		if (sgt_write32(fd, SGT_1M, 1) != -EFAULT)
			_exit(1);
		n = sgt_faults(fd, f, SIMGPU_FAULTS_MAX, 0, NULL);
		_exit(n > 0 && f[n - 1].reason == SIMGPU_FAULT_USERPTR ? 0 : 2);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	ck_assert_uint_eq(u[0], 0);
	ck_assert_int_eq(sgt_write32(fd, SGT_1M, 2), 0);
	ck_assert_uint_eq(u[0], 2);
}
END_TEST

/* An IB in userptr memory runs (the IB fetch faults the page in). */
START_TEST(userptr_ib)
{
	struct drm_simgpu_cmd *ib = (void *)anon(SGT_4K);
	struct buf d = mkbuf(SGT_4K, SIMGPU_PLACEMENT_VRAM);

	ck_assert_int_eq(sgt_bind(fd, d.handle, 2 * SGT_1M, SGT_4K, 0, 0), 0);
	ib[0] = sgt_cmd(SIMGPU_CMD_WRITE32, 2 * SGT_1M + 8, 0xfa11, 0);
	ck_assert_int_eq(sgt_bind_userptr(fd, ib, SGT_1M, SGT_4K,
					  SIMGPU_BIND_READONLY), 0);
	ck_assert_int_eq(sgt_one(fd, SIMGPU_CMD_IB, SGT_1M, 32, 0), 0);
	ck_assert_uint_eq(dw(&d, 8), 0xfa11);
}
END_TEST

/*
 * Imports from vgem
 */

static int vgem_fd = -1;

static void import_setup(void)
{
	char path[32], name[32];
	int i;

	setup();
	for (i = 0; i < 64 && vgem_fd < 0; i++) {
		snprintf(path, sizeof(path), "/dev/dri/card%d", i);
		vgem_fd = open(path, O_RDWR | O_CLOEXEC);
		if (vgem_fd >= 0 && (sgt_driver_name(vgem_fd, name, sizeof(name)) ||
				     strcmp(name, "vgem"))) {
			close(vgem_fd);
			vgem_fd = -1;
		}
	}
	ck_assert_msg(vgem_fd >= 0, "no vgem device (the suite loads vgem)");
}

static void import_teardown(void)
{
	close(vgem_fd);
	vgem_fd = -1;
	teardown();
}

/* A vgem buffer: its dma-buf fd and its CPU mapping through vgem. */
static int vgem_buffer(__u64 size, __u32 **map)
{
	struct drm_mode_create_dumb c = { .width = size, .height = 1, .bpp = 8 };
	struct drm_mode_map_dumb m = { 0 };
	struct drm_prime_handle p = { .flags = DRM_CLOEXEC | DRM_RDWR };

	ck_assert_int_eq(sgt_ioctl(vgem_fd, DRM_IOCTL_MODE_CREATE_DUMB, &c), 0);
	m.handle = c.handle;
	ck_assert_int_eq(sgt_ioctl(vgem_fd, DRM_IOCTL_MODE_MAP_DUMB, &m), 0);
	*map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vgem_fd,
		    m.offset);
	ck_assert_ptr_ne(*map, MAP_FAILED);
	p.handle = c.handle;
	ck_assert_int_eq(sgt_ioctl(vgem_fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &p), 0);
	return p.fd;
}

static __u32 import(int dmabuf)
{
	struct drm_prime_handle p = { .fd = dmabuf };

	ck_assert_int_eq(sgt_ioctl(fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &p), 0);
	return p.handle;
}

/* An imported buffer: reported imported, in system memory; GPU and vgem
 * see each other's writes. */
START_TEST(import_rw)
{
	struct drm_simgpu_bo_info i;
	__u32 *vmap, h, v;
	int dmabuf = vgem_buffer(4 * SGT_4K, &vmap);

	h = import(dmabuf);
	ck_assert_int_eq(sgt_bo_info(fd, h, &i), 0);
	ck_assert_uint_eq(i.flags, SIMGPU_BO_IMPORTED);
	ck_assert_uint_eq(i.placement, SIMGPU_PLACEMENT_SYSTEM);
	ck_assert_uint_eq(i.size, 4 * SGT_4K);
	ck_assert_int_eq(sgt_bind(fd, h, SGT_1M, 4 * SGT_4K, 0, 0), 0);
	ck_assert_int_eq(sgt_fill(fd, SGT_1M + SGT_4K, SGT_4K, 0xc0ffee), 0);
	ck_assert_uint_eq(vmap[SGT_4K / 4], 0xc0ffee);
	vmap[3] = 0x600d;
	ck_assert_int_eq(gpu_read32(SGT_1M + 12, &v), 0);
	ck_assert_uint_eq(v, 0x600d);
	close(dmabuf);
}
END_TEST

/* Importing the same dma-buf twice gives the same handle. */
START_TEST(import_twice_same_handle)
{
	__u32 *vmap;
	int dmabuf = vgem_buffer(SGT_4K, &vmap);

	ck_assert_uint_eq(import(dmabuf), import(dmabuf));
	close(dmabuf);
}
END_TEST

/* Imported buffers do not migrate: -EINVAL. */
START_TEST(import_no_migrate)
{
	__u32 *vmap;
	int dmabuf = vgem_buffer(SGT_4K, &vmap);
	__u32 h = import(dmabuf);

	ck_assert_int_eq(sgt_migrate(fd, h, SIMGPU_PLACEMENT_VRAM), -EINVAL);
	close(dmabuf);
}
END_TEST

/* An imported buffer mmaps through simgpu too (the exporter maps it). */
START_TEST(import_mmap_through_simgpu)
{
	__u32 *vmap, *smap;
	int dmabuf = vgem_buffer(SGT_4K, &vmap);
	__u32 h = import(dmabuf);

	smap = sgt_map(fd, h);
	ck_assert_ptr_nonnull(smap);
	smap[5] = 0x5eed;
	ck_assert_uint_eq(vmap[5], 0x5eed);
	munmap(smap, SGT_4K);
	close(dmabuf);
}
END_TEST

/* Re-exporting an imported buffer hands out the original dma-buf. */
START_TEST(import_reexport)
{
	__u32 *vmap;
	int dmabuf = vgem_buffer(SGT_4K, &vmap);
	struct drm_prime_handle p = { .handle = import(dmabuf),
				      .flags = DRM_CLOEXEC };

	ck_assert_int_eq(sgt_ioctl(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &p), 0);
	close(p.fd);
	close(dmabuf);
}
END_TEST

/* The mapping outlives the handle, the dma-buf fd and vgem's handle. */
START_TEST(import_lifetime)
{
	__u32 *vmap, h;
	int dmabuf = vgem_buffer(SGT_4K, &vmap);

	h = import(dmabuf);
	ck_assert_int_eq(sgt_bind(fd, h, SGT_1M, SGT_4K, 0, 0), 0);
	close(dmabuf);
	ck_assert_int_eq(sgt_ioctl(fd, DRM_IOCTL_GEM_CLOSE,
				   &(struct drm_gem_close){ .handle = h }), 0);
	ck_assert_int_eq(sgt_write32(fd, SGT_1M, 0x1f), 0);
	ck_assert_uint_eq(vmap[0], 0x1f);
	ck_assert_int_eq(sgt_unbind(fd, SGT_1M, SGT_4K), 0);
}
END_TEST

/*
 * Two clients
 */

/* Two files bind at the same VA: each sees only its own buffer. */
START_TEST(clients_isolated)
{
	int fd2 = sgt_open();
	struct buf a = mkbuf(SGT_4K, SIMGPU_PLACEMENT_SYSTEM);
	__u32 h2, *m2;

	ck_assert_int_ge(fd2, 0);
	ck_assert_int_eq(sgt_bo_create(fd2, SGT_4K, SIMGPU_PLACEMENT_SYSTEM, 0,
				       &h2), 0);
	m2 = sgt_map(fd2, h2);
	ck_assert_ptr_nonnull(m2);
	ck_assert_int_eq(sgt_bind(fd, a.handle, SGT_1M, SGT_4K, 0, 0), 0);
	ck_assert_int_eq(sgt_bind(fd2, h2, SGT_1M, SGT_4K, 0, 0), 0);
	ck_assert_int_eq(sgt_write32(fd, SGT_1M, 1), 0);
	ck_assert_int_eq(sgt_write32(fd2, SGT_1M, 2), 0);
	ck_assert_uint_eq(dw(&a, 0), 1);
	ck_assert_uint_eq(m2[0], 2);
	/* Unbinding in one VM leaves the other alone. */
	ck_assert_int_eq(sgt_unbind(fd, SGT_1M, SGT_4K), 0);
	ck_assert_int_eq(sgt_write32(fd2, SGT_1M, 3), 0);
	ck_assert_uint_eq(m2[0], 3);
	close(fd2);
}
END_TEST

/* What one file maps is unmapped for the other; faults are per file. */
START_TEST(clients_no_cross_access)
{
	int fd2 = sgt_open();
	struct buf a = mkbuf(SGT_4K, SIMGPU_PLACEMENT_VRAM);
	__u64 total = 0;

	ck_assert_int_ge(fd2, 0);
	ck_assert_int_eq(sgt_bind(fd, a.handle, SGT_1M, SGT_4K, 0, 0), 0);
	ck_assert_int_eq(sgt_write32(fd2, SGT_1M, 1), -EFAULT);
	ck_assert_uint_eq(dw(&a, 0), 0);
	ck_assert_int_eq(sgt_bind(fd2, a.handle, SGT_1M, SGT_4K, 0, 0), -ENOENT);
	ck_assert_int_eq(sgt_faults(fd, NULL, 0, 0, &total), 0);
	ck_assert_uint_eq(total, 0);
	ck_assert_int_eq(sgt_faults(fd2, NULL, 0, 0, &total), 1);
	ck_assert_uint_eq(total, 1);
	close(fd2);
}
END_TEST

static Suite *vm_suite(void)
{
	Suite *s = suite_create("simgpu_vm");
	TCase *tc;

#define TC(name, su, td) \
	tc = tcase_create(name); \
	tcase_add_checked_fixture(tc, su, td); \
	suite_add_tcase(s, tc)

	TC("map", setup, teardown);
	tcase_add_test(tc, map_offset);
	tcase_add_test(tc, map_aliases);
	tcase_add_test(tc, map_bind_over_replaces);
	tcase_add_test(tc, map_bind_over_splits);
	tcase_add_test(tc, map_bind_over_straddles);
	tcase_add_test(tc, map_unbind_middle);
	tcase_add_test(tc, map_unbind_trims);
	tcase_add_test(tc, map_unbind_many);
	tcase_add_test(tc, map_readonly);
	tcase_add_test(tc, map_copy_across);
	tcase_add_test(tc, map_survives_handle_close);
	tcase_add_test(tc, map_cpu_outlives_file);

	TC("va", setup, teardown);
	tcase_add_test(tc, va_canonical_alias);
	tcase_add_test(tc, va_ends);
	tcase_add_test(tc, va_null_faults);

	TC("sparse", setup, teardown);
	tcase_add_test(tc, sparse_zero_and_drop);
	tcase_add_test(tc, sparse_split_by_buffer);
	tcase_add_test(tc, sparse_readonly);

	TC("userptr", setup, teardown);
	tcase_add_test(tc, userptr_rw);
	tcase_add_test(tc, userptr_split);
	tcase_add_test(tc, userptr_readonly);
	tcase_add_test(tc, userptr_unmapped_faults);
	tcase_add_test(tc, userptr_follows_cpu);
	tcase_add_test(tc, userptr_other_process);
	tcase_add_test(tc, userptr_ib);

	TC("import", import_setup, import_teardown);
	tcase_add_test(tc, import_rw);
	tcase_add_test(tc, import_twice_same_handle);
	tcase_add_test(tc, import_no_migrate);
	tcase_add_test(tc, import_mmap_through_simgpu);
	tcase_add_test(tc, import_reexport);
	tcase_add_test(tc, import_lifetime);

	TC("clients", setup, teardown);
	tcase_add_test(tc, clients_isolated);
	tcase_add_test(tc, clients_no_cross_access);
#undef TC
	return s;
}

int main(void)
{
	return cstest_run(vm_suite());
}
