// SPDX-License-Identifier: MIT
/*
 * simgpu memory: migration between system memory and VRAM with GPU and CPU
 * mappings in place, TTM's LRU eviction, VRAM exhaustion, and fdinfo.
 * Data is checked through CPU mappings and through the engine.  Sized from
 * the device's VRAM, so it runs on any simgpu device; cheapest on a small
 * one.
 *
 * TEST: migrate_*    BO_MIGRATE keeps data and mappings
 * TEST: evict_*      VRAM pressure evicts the least recently used buffers
 * TEST: full_*       VRAM exhaustion: -ENOSPC, nothing lost
 * TEST: fdinfo_*     the standard and simgpu fdinfo keys
 */
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "cstest.h"
#include "simgpu_test.h"

static int fd = -1;
static struct drm_simgpu_info info;

static void setup(void)
{
	fd = sgt_open();
	ck_assert_msg(fd >= 0, "no simgpu device: %s", strerror(-fd));
	ck_assert_int_eq(sgt_info(fd, &info), 0);
}

static void teardown(void)
{
	close(fd);
}

struct buf {
	__u32 handle;
	__u64 size;
	__u32 *map;
	__u32 seed;
};

static struct buf mkbuf(__u64 size, __u32 placement, __u32 flags, __u32 seed)
{
	struct buf b = { .size = size, .seed = seed };

	ck_assert_int_eq(sgt_bo_create(fd, size, placement, flags, &b.handle), 0);
	b.map = sgt_map(fd, b.handle);
	ck_assert_ptr_nonnull(b.map);
	sgt_stamp(b.map, size, seed);
	return b;
}

static void check(const struct buf *b)
{
	long bad = sgt_check_stamp(b->map, b->size, b->seed);

	ck_assert_msg(bad < 0, "buffer %u: bad dword at offset 0x%lx: 0x%08x",
		      b->handle, bad * 4, b->map[bad]);
}

/* The engine copies @b, bound at @va, into a fresh buffer; compare. */
static void gpu_check(const struct buf *b, __u64 va)
{
	__u64 dst_va = 0x700000000000ull;
	__u32 h, *m;

	ck_assert_int_eq(sgt_bo_create(fd, b->size, SIMGPU_PLACEMENT_SYSTEM, 0,
				       &h), 0);
	ck_assert_int_eq(sgt_bind(fd, h, dst_va, b->size, 0, 0), 0);
	ck_assert_int_eq(sgt_copy(fd, va, dst_va, b->size), 0);
	m = sgt_map(fd, h);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(sgt_check_stamp(m, b->size, b->seed), -1);
	munmap(m, b->size);
	ck_assert_int_eq(sgt_unbind(fd, dst_va, b->size), 0);
	ck_assert_int_eq(sgt_ioctl(fd, DRM_IOCTL_GEM_CLOSE,
				   &(struct drm_gem_close){ .handle = h }), 0);
}

/* VRAM the buffers of a test may use: a quarter of it, in whole pages. */
static __u64 quarter(void)
{
	return (info.vram_size / 4) & ~(SGT_4K - 1);
}

/*
 * Migration
 */

/* System → VRAM → system: the data and the CPU mapping follow. */
START_TEST(migrate_keeps_data)
{
	struct buf b = mkbuf(SGT_1M, SIMGPU_PLACEMENT_SYSTEM, 0, 7);

	ck_assert_int_eq(sgt_migrate(fd, b.handle, SIMGPU_PLACEMENT_VRAM), 0);
	ck_assert_int_eq(sgt_placement(fd, b.handle), SIMGPU_PLACEMENT_VRAM);
	check(&b);
	ck_assert_int_eq(sgt_migrate(fd, b.handle, SIMGPU_PLACEMENT_SYSTEM), 0);
	ck_assert_int_eq(sgt_placement(fd, b.handle), SIMGPU_PLACEMENT_SYSTEM);
	check(&b);
}
END_TEST

/* GPU mappings stay valid across migrations. */
START_TEST(migrate_keeps_gpu_mapping)
{
	struct buf b = mkbuf(64 * SGT_4K, SIMGPU_PLACEMENT_VRAM, 0, 11);

	ck_assert_int_eq(sgt_bind(fd, b.handle, SGT_1M, b.size, 0, 0), 0);
	gpu_check(&b, SGT_1M);
	ck_assert_int_eq(sgt_migrate(fd, b.handle, SIMGPU_PLACEMENT_SYSTEM), 0);
	gpu_check(&b, SGT_1M);
	ck_assert_int_eq(sgt_write32(fd, SGT_1M + 4, 0x77), 0);
	ck_assert_uint_eq(b.map[1], 0x77);
	ck_assert_int_eq(sgt_migrate(fd, b.handle, SIMGPU_PLACEMENT_VRAM), 0);
	ck_assert_uint_eq(b.map[1], 0x77);
	ck_assert_int_eq(sgt_write32(fd, SGT_1M + 4, 12), 0);
	gpu_check(&b, SGT_1M);
}
END_TEST

/* CPU writes after a migration land in the new place and stay. */
START_TEST(migrate_cpu_writes_follow)
{
	struct buf b = mkbuf(16 * SGT_4K, SIMGPU_PLACEMENT_SYSTEM, 0, 3);
	__u32 *second;

	ck_assert_int_eq(sgt_migrate(fd, b.handle, SIMGPU_PLACEMENT_VRAM), 0);
	sgt_stamp(b.map, b.size, 4);
	b.seed = 4;
	second = sgt_map(fd, b.handle);
	ck_assert_ptr_nonnull(second);
	ck_assert_int_eq(sgt_check_stamp(second, b.size, 4), -1);
	ck_assert_int_eq(sgt_migrate(fd, b.handle, SIMGPU_PLACEMENT_SYSTEM), 0);
	check(&b);
	munmap(second, b.size);
}
END_TEST

/* Many round trips on a bound buffer, with engine writes in between. */
START_TEST(migrate_round_trips)
{
	struct buf b = mkbuf(8 * SGT_4K, SIMGPU_PLACEMENT_SYSTEM, 0, 0);
	int i;

	ck_assert_int_eq(sgt_bind(fd, b.handle, SGT_1M, b.size, 0, 0), 0);
	for (i = 0; i < 20; i++) {
		ck_assert_int_eq(sgt_migrate(fd, b.handle, i & 1 ?
					     SIMGPU_PLACEMENT_SYSTEM :
					     SIMGPU_PLACEMENT_VRAM), 0);
		ck_assert_int_eq(sgt_write32(fd, SGT_1M + 4 * i, 1000 + i), 0);
	}
	for (i = 0; i < 20; i++)
		ck_assert_uint_eq(b.map[i], 1000 + i);
}
END_TEST

/*
 * Eviction
 */

/* A VRAM buffer that does not fit evicts the least recently used one. */
START_TEST(evict_lru)
{
	__u64 q = quarter();
	struct buf a = mkbuf(q, SIMGPU_PLACEMENT_VRAM, 0, 1);
	struct buf b = mkbuf(q, SIMGPU_PLACEMENT_VRAM, 0, 2);
	struct buf c = mkbuf(q, SIMGPU_PLACEMENT_VRAM, 0, 3);
	struct buf d;

	ck_assert_int_eq(sgt_bind(fd, a.handle, SGT_1M, q, 0, 0), 0);
	/* The kernel ring takes some VRAM: the fourth quarter cannot fit. */
	d = mkbuf(q, SIMGPU_PLACEMENT_VRAM, 0, 4);
	ck_assert_int_eq(sgt_placement(fd, a.handle), SIMGPU_PLACEMENT_SYSTEM);
	ck_assert_int_eq(sgt_placement(fd, b.handle), SIMGPU_PLACEMENT_VRAM);
	ck_assert_int_eq(sgt_placement(fd, c.handle), SIMGPU_PLACEMENT_VRAM);
	ck_assert_int_eq(sgt_placement(fd, d.handle), SIMGPU_PLACEMENT_VRAM);
	check(&a);
	check(&b);
	check(&c);
	check(&d);
	/* The evicted buffer still works through its GPU mapping. */
	gpu_check(&a, SGT_1M);
}
END_TEST

/* Migrating an evicted buffer back evicts the next one in LRU order. */
START_TEST(evict_migrate_back)
{
	__u64 q = quarter();
	struct buf a = mkbuf(q, SIMGPU_PLACEMENT_VRAM, 0, 10);
	struct buf b = mkbuf(q, SIMGPU_PLACEMENT_VRAM, 0, 20);
	struct buf c = mkbuf(q, SIMGPU_PLACEMENT_VRAM, 0, 30);
	struct buf d = mkbuf(q, SIMGPU_PLACEMENT_VRAM, 0, 40);

	ck_assert_int_eq(sgt_placement(fd, a.handle), SIMGPU_PLACEMENT_SYSTEM);
	ck_assert_int_eq(sgt_migrate(fd, a.handle, SIMGPU_PLACEMENT_VRAM), 0);
	ck_assert_int_eq(sgt_placement(fd, a.handle), SIMGPU_PLACEMENT_VRAM);
	ck_assert_int_eq(sgt_placement(fd, b.handle), SIMGPU_PLACEMENT_SYSTEM);
	check(&a);
	check(&b);
	check(&c);
	check(&d);
}
END_TEST

/* Buffers of another client are evicted too, and keep their data. */
START_TEST(evict_other_client)
{
	__u64 q = quarter();
	int fd2 = sgt_open(), save = fd;
	struct buf a, b, c, d;

	ck_assert_int_ge(fd2, 0);
	fd = fd2;
	a = mkbuf(q, SIMGPU_PLACEMENT_VRAM, 0, 100);
	b = mkbuf(q, SIMGPU_PLACEMENT_VRAM, 0, 200);
	c = mkbuf(q, SIMGPU_PLACEMENT_VRAM, 0, 300);
	fd = save;
	d = mkbuf(q, SIMGPU_PLACEMENT_VRAM, 0, 400);
	ck_assert_int_eq(sgt_placement(fd2, a.handle), SIMGPU_PLACEMENT_SYSTEM);
	ck_assert_int_eq(sgt_placement(fd, d.handle), SIMGPU_PLACEMENT_VRAM);
	check(&a);
	check(&b);
	check(&c);
	check(&d);
	close(fd2);
}
END_TEST

/* Pinned buffers are never evicted. */
START_TEST(evict_not_pinned)
{
	__u64 q = quarter();
	struct buf a = mkbuf(q, SIMGPU_PLACEMENT_VRAM, SIMGPU_BO_PINNED, 1);
	struct buf b = mkbuf(q, SIMGPU_PLACEMENT_VRAM, 0, 2);
	struct buf c = mkbuf(q, SIMGPU_PLACEMENT_VRAM, 0, 3);
	struct buf d = mkbuf(q, SIMGPU_PLACEMENT_VRAM, 0, 4);

	ck_assert_int_eq(sgt_placement(fd, a.handle), SIMGPU_PLACEMENT_VRAM);
	ck_assert_int_eq(sgt_placement(fd, b.handle), SIMGPU_PLACEMENT_SYSTEM);
	check(&a);
	check(&b);
	check(&c);
	check(&d);
}
END_TEST

/*
 * Exhaustion
 */

/* Nothing evictable (all pinned): -ENOSPC, and every buffer intact. */
START_TEST(full_pinned_enospc)
{
	__u64 q = quarter();
	struct buf a = mkbuf(q, SIMGPU_PLACEMENT_VRAM, SIMGPU_BO_PINNED, 1);
	struct buf b = mkbuf(q, SIMGPU_PLACEMENT_VRAM, SIMGPU_BO_PINNED, 2);
	struct buf c = mkbuf(q, SIMGPU_PLACEMENT_VRAM, SIMGPU_BO_PINNED, 3);
	struct buf s = mkbuf(q, SIMGPU_PLACEMENT_SYSTEM, 0, 4);
	__u32 h;

	ck_assert_int_eq(sgt_bo_create(fd, q, SIMGPU_PLACEMENT_VRAM, 0, &h),
			 -ENOSPC);
	ck_assert_int_eq(sgt_migrate(fd, s.handle, SIMGPU_PLACEMENT_VRAM),
			 -ENOSPC);
	ck_assert_int_eq(sgt_placement(fd, s.handle), SIMGPU_PLACEMENT_SYSTEM);
	check(&a);
	check(&b);
	check(&c);
	check(&s);
	/* A smaller one still fits. */
	ck_assert_int_eq(sgt_bo_create(fd, SGT_4K, SIMGPU_PLACEMENT_VRAM, 0, &h),
			 0);
}
END_TEST

/* A buffer as large as VRAM can never fit next to the kernel ring: after
 * evicting everything TTM gives up; the evicted buffers keep their data. */
START_TEST(full_too_big_nothing_lost)
{
	__u64 q = quarter();
	struct buf a = mkbuf(q, SIMGPU_PLACEMENT_VRAM, 0, 5);
	struct buf b = mkbuf(q, SIMGPU_PLACEMENT_VRAM, 0, 6);
	__u32 h;

	ck_assert_int_eq(sgt_bind(fd, a.handle, SGT_1M, q, 0, 0), 0);
	ck_assert_int_eq(sgt_bo_create(fd, info.vram_size, SIMGPU_PLACEMENT_VRAM,
				       0, &h), -ENOSPC);
	check(&a);
	check(&b);
	gpu_check(&a, SGT_1M);
}
END_TEST

/*
 * fdinfo
 */

/* fdinfo value of a memory key in bytes ("64 KiB" → 65536), or -1. */
static long long mem_key(const char *key)
{
	char v[64], *end;
	long long n;

	if (sgt_fdinfo_str(fd, key, v, sizeof(v)))
		return -1;
	n = strtoll(v, &end, 10);
	if (!strcmp(end, " KiB"))
		n <<= 10;
	else if (!strcmp(end, " MiB"))
		n <<= 20;
	else if (*end)
		return -1;
	return n;
}

/* The DRM keys identify a simgpu client; drm-pdev on PCI devices. */
START_TEST(fdinfo_identity)
{
	char v[64], path[128], link[256];
	struct stat st;
	ssize_t n;

	ck_assert_int_eq(sgt_fdinfo_str(fd, "drm-driver", v, sizeof(v)), 0);
	ck_assert_str_eq(v, "simgpu");
	ck_assert_int_eq(sgt_fdinfo(fd, "drm-client-id"), info.client_id);

	ck_assert_int_eq(fstat(fd, &st), 0);
	snprintf(path, sizeof(path), "/sys/dev/char/%u:%u/device/subsystem",
		 major(st.st_rdev), minor(st.st_rdev));
	n = readlink(path, link, sizeof(link) - 1);
	ck_assert_int_gt(n, 0);
	link[n] = 0;
	if (strstr(link, "/pci")) {
		ck_assert_int_eq(sgt_fdinfo_str(fd, "drm-pdev", v, sizeof(v)), 0);
		ck_assert_int_eq(strlen(v), 12);
	} else {
		ck_assert_int_eq(sgt_fdinfo_str(fd, "drm-pdev", v, sizeof(v)),
				 -ENOENT);
	}
}
END_TEST

/* drm-total-* and drm-resident-* per region follow creation, first use
 * and migration. */
START_TEST(fdinfo_memory)
{
	__u32 s, v, *m;

	ck_assert_int_eq(mem_key("drm-total-system"), 0);
	ck_assert_int_eq(mem_key("drm-total-vram"), 0);
	ck_assert_int_eq(sgt_bo_create(fd, 16 * SGT_4K, SIMGPU_PLACEMENT_SYSTEM,
				       0, &s), 0);
	ck_assert_int_eq(sgt_bo_create(fd, 32 * SGT_4K, SIMGPU_PLACEMENT_VRAM, 0,
				       &v), 0);
	ck_assert_int_eq(mem_key("drm-total-system"), 16 * SGT_4K);
	ck_assert_int_eq(mem_key("drm-total-vram"), 32 * SGT_4K);
	ck_assert_int_eq(mem_key("drm-resident-vram"), 32 * SGT_4K);
	/* System pages are allocated on first use. */
	ck_assert_int_eq(mem_key("drm-resident-system"), 0);
	m = sgt_map(fd, s);
	ck_assert_ptr_nonnull(m);
	m[0] = 1;
	ck_assert_int_eq(mem_key("drm-resident-system"), 16 * SGT_4K);
	ck_assert_int_eq(mem_key("drm-shared-system"), 0);
	ck_assert_int_eq(sgt_migrate(fd, v, SIMGPU_PLACEMENT_SYSTEM), 0);
	ck_assert_int_eq(mem_key("drm-total-system"), 48 * SGT_4K);
	ck_assert_int_eq(mem_key("drm-total-vram"), 0);
	ck_assert_int_eq(mem_key("drm-resident-system"), 48 * SGT_4K);
}
END_TEST

/* Submissions, engine time and GPU faults are counted. */
START_TEST(fdinfo_engine_and_faults)
{
	__u32 h;

	ck_assert_int_eq(sgt_fdinfo(fd, "simgpu-faults"), 0);
	ck_assert_int_eq(sgt_fdinfo(fd, "simgpu-submits"), 0);
	ck_assert_int_eq(sgt_fdinfo(fd, "drm-engine-render"), 0);
	ck_assert_int_eq(sgt_bo_create(fd, SGT_64K, SIMGPU_PLACEMENT_VRAM, 0, &h),
			 0);
	ck_assert_int_eq(sgt_bind(fd, h, SGT_1M, SGT_64K, 0, 0), 0);
	ck_assert_int_eq(sgt_fill(fd, SGT_1M, SGT_64K, 1), 0);
	ck_assert_int_eq(sgt_write32(fd, 2 * SGT_1M, 1), -EFAULT);
	ck_assert_int_eq(sgt_write32(fd, 3 * SGT_1M, 1), -EFAULT);
	ck_assert_int_eq(sgt_fdinfo(fd, "simgpu-faults"), 2);
	ck_assert_int_eq(sgt_fdinfo(fd, "simgpu-submits"), 3);
	ck_assert_int_gt(sgt_fdinfo(fd, "drm-engine-render"), 0);
}
END_TEST

static Suite *mem_suite(void)
{
	Suite *s = suite_create("simgpu_mem");
	TCase *tc;

#define TC(name) \
	tc = tcase_create(name); \
	tcase_add_checked_fixture(tc, setup, teardown); \
	tcase_set_timeout(tc, 30); \
	suite_add_tcase(s, tc)

	TC("migrate");
	tcase_add_test(tc, migrate_keeps_data);
	tcase_add_test(tc, migrate_keeps_gpu_mapping);
	tcase_add_test(tc, migrate_cpu_writes_follow);
	tcase_add_test(tc, migrate_round_trips);

	TC("evict");
	tcase_add_test(tc, evict_lru);
	tcase_add_test(tc, evict_migrate_back);
	tcase_add_test(tc, evict_other_client);
	tcase_add_test(tc, evict_not_pinned);

	TC("full");
	tcase_add_test(tc, full_pinned_enospc);
	tcase_add_test(tc, full_too_big_nothing_lost);

	TC("fdinfo");
	tcase_add_test(tc, fdinfo_identity);
	tcase_add_test(tc, fdinfo_memory);
	tcase_add_test(tc, fdinfo_engine_and_faults);
#undef TC
	return s;
}

int main(void)
{
	return cstest_run(mem_suite());
}
