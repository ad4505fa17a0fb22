// SPDX-License-Identifier: MIT
/*
 * simgpu's cardsnoop hooks: with a snoop file attached to the client's VM,
 * every change of what backs a VA range (unbind, bind over, migration,
 * eviction by another client, userptr CPU remap, a buffer released after
 * its last mapping) is seen by the snooper at once, through pread and
 * through its mmap; and simgpu reports its changes as cardsnoop events.  A stale view here would mean a missing invalidation
 * bracket in simgpu (the snooper would see freed TTM pages).
 *
 * TEST: hooks_*
 */
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <drm/cardsnoop_drm.h>

#include "cstest.h"
#include "simgpu_test.h"

static int fd = -1, sfd = -1;
static struct drm_simgpu_info info;

static int snoop_open(int drm_fd)
{
	char path[128], node[64] = "";
	struct stat st;
	int n;

	if (fstat(drm_fd, &st))
		return -errno;
	for (n = 0; n < 64; n++) {
		snprintf(path, sizeof(path), "/sys/dev/char/%u:%u/device/drm/card%d",
			 major(st.st_rdev), minor(st.st_rdev), n);
		if (!access(path, F_OK)) {
			snprintf(node, sizeof(node), "/dev/dri/card%d-snoop", n);
			break;
		}
	}
	n = open(node, O_RDWR | O_CLOEXEC);
	return n < 0 ? -errno : n;
}

static void setup(void)
{
	struct cardsnoop_attach at = { 0 };

	fd = sgt_open();
	ck_assert_msg(fd >= 0, "no simgpu device: %s", strerror(-fd));
	ck_assert_int_eq(sgt_info(fd, &info), 0);
	sfd = snoop_open(fd);
	ck_assert_msg(sfd >= 0, "no snoop node: %s", strerror(-sfd));
	at.drm_fd = fd;
	ck_assert_int_eq(sgt_ioctl(sfd, CARDSNOOP_IOCTL_ATTACH, &at), 0);
}

static void teardown(void)
{
	close(sfd);
	close(fd);
}

/* The snooper's view of the dword at @va (linear), through pread. */
static int snoop32(__u64 va, __u32 *v)
{
	ssize_t n = pread(sfd, v, 4, (off_t)va);

	return n == 4 ? 0 : n < 0 ? -errno : -EIO;
}

static __u32 peek(__u64 va)
{
	__u32 v = 0;

	ck_assert_int_eq(snoop32(va, &v), 0);
	return v;
}

/* A snooper mapping of [va, va + size). */
static volatile __u32 *snoop_map(__u64 va, __u64 size)
{
	void *p = mmap(NULL, size, PROT_READ, MAP_SHARED, sfd, (off_t)va);

	ck_assert_ptr_ne(p, MAP_FAILED);
	return p;
}

struct buf {
	__u32 handle;
	__u32 *map;
};

static struct buf mkbuf(__u64 size, __u32 placement, __u32 fill)
{
	struct buf b;
	__u64 i;

	ck_assert_int_eq(sgt_bo_create(fd, size, placement, 0, &b.handle), 0);
	b.map = sgt_map(fd, b.handle);
	ck_assert_ptr_nonnull(b.map);
	for (i = 0; i < size / 4; i++)
		b.map[i] = fill;
	return b;
}

/* Unbind: the snooper's pread fails and its mapping faults. */
START_TEST(hooks_unbind)
{
	struct buf a = mkbuf(SGT_4K, SIMGPU_PLACEMENT_SYSTEM, 0xa1);
	volatile __u32 *m;
	__u32 v;

	ck_assert_int_eq(sgt_bind(fd, a.handle, SGT_1M, SGT_4K, 0, 0), 0);
	m = snoop_map(SGT_1M, SGT_4K);
	ck_assert_uint_eq(m[3], 0xa1);
	ck_assert_uint_eq(peek(SGT_1M), 0xa1);
	ck_assert_int_eq(sgt_unbind(fd, SGT_1M, SGT_4K), 0);
	ck_assert_int_eq(snoop32(SGT_1M, &v), -EIO);
	ck_assert_int_eq(sgt_touch_faults(m + 3, 0, NULL), 1);
}
END_TEST

/* Bind over: the snooper sees the new buffer, also through its mapping. */
START_TEST(hooks_bind_over)
{
	struct buf a = mkbuf(SGT_4K, SIMGPU_PLACEMENT_SYSTEM, 0xa2);
	struct buf b = mkbuf(SGT_4K, SIMGPU_PLACEMENT_SYSTEM, 0xb2);
	volatile __u32 *m;

	ck_assert_int_eq(sgt_bind(fd, a.handle, SGT_1M, SGT_4K, 0, 0), 0);
	m = snoop_map(SGT_1M, SGT_4K);
	ck_assert_uint_eq(m[0], 0xa2);
	ck_assert_int_eq(sgt_bind(fd, b.handle, SGT_1M, SGT_4K, 0, 0), 0);
	ck_assert_uint_eq(m[0], 0xb2);
	ck_assert_uint_eq(peek(SGT_1M), 0xb2);
	/* A write through the new buffer shows through the same mapping. */
	b.map[0] = 0xb3;
	ck_assert_uint_eq(m[0], 0xb3);
}
END_TEST

/* Migration system → VRAM → system under a snooper mapping. */
START_TEST(hooks_migrate)
{
	struct buf a = mkbuf(4 * SGT_4K, SIMGPU_PLACEMENT_SYSTEM, 0xa3);
	volatile __u32 *m;

	ck_assert_int_eq(sgt_bind(fd, a.handle, SGT_1M, 4 * SGT_4K, 0, 0), 0);
	m = snoop_map(SGT_1M, 4 * SGT_4K);
	ck_assert_uint_eq(m[SGT_4K / 4], 0xa3);
	ck_assert_int_eq(sgt_migrate(fd, a.handle, SIMGPU_PLACEMENT_VRAM), 0);
	a.map[SGT_4K / 4] = 0xa4;
	ck_assert_uint_eq(peek(SGT_1M + SGT_4K), 0xa4);
	ck_assert_uint_eq(m[SGT_4K / 4], 0xa4);
	ck_assert_int_eq(sgt_migrate(fd, a.handle, SIMGPU_PLACEMENT_SYSTEM), 0);
	a.map[SGT_4K / 4] = 0xa5;
	ck_assert_uint_eq(m[SGT_4K / 4], 0xa5);
	ck_assert_uint_eq(peek(SGT_1M + SGT_4K), 0xa5);
}
END_TEST

/* Eviction by another client's allocation, with a snooper on the
 * evicted buffer. */
START_TEST(hooks_evict)
{
	__u64 q = (info.vram_size / 4) & ~(SGT_4K - 1);
	struct buf a = mkbuf(q, SIMGPU_PLACEMENT_VRAM, 0xa6);
	int fd2 = sgt_open(), i;
	volatile __u32 *m;
	__u32 h;

	ck_assert_int_ge(fd2, 0);
	ck_assert_int_eq(sgt_bind(fd, a.handle, SGT_1M, q, 0, 0), 0);
	m = snoop_map(SGT_1M, SGT_4K);
	ck_assert_uint_eq(m[0], 0xa6);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(sgt_bo_create(fd2, q, SIMGPU_PLACEMENT_VRAM, 0, &h),
				 0);
	ck_assert_int_eq(sgt_placement(fd, a.handle), SIMGPU_PLACEMENT_SYSTEM);
	a.map[0] = 0xa7;
	ck_assert_uint_eq(peek(SGT_1M), 0xa7);
	ck_assert_uint_eq(m[0], 0xa7);
	close(fd2);
}
END_TEST

/* Userptr: the snooper follows the CPU address space when it changes. */
START_TEST(hooks_userptr_remap)
{
	__u32 *u = mmap(NULL, SGT_4K, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), *u2, v;

	ck_assert_ptr_ne(u, MAP_FAILED);
	u[0] = 0xa8;
	ck_assert_int_eq(sgt_bind_userptr(fd, u, SGT_1M, SGT_4K, 0), 0);
	ck_assert_uint_eq(peek(SGT_1M), 0xa8);
	u2 = mmap(u, SGT_4K, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	ck_assert_ptr_eq(u2, u);
	u2[0] = 0xa9;
	ck_assert_uint_eq(peek(SGT_1M), 0xa9);
	ck_assert_int_eq(munmap(u2, SGT_4K), 0);
	ck_assert_int_ne(snoop32(SGT_1M, &v), 0);
}
END_TEST

/* Sparse and buffer mappings alternate under a snooper mapping. */
START_TEST(hooks_sparse)
{
	struct drm_simgpu_vm_bind sp = {
		.flags = SIMGPU_BIND_SPARSE, .va = SGT_1M, .size = SGT_4K,
	};
	struct buf a = mkbuf(SGT_4K, SIMGPU_PLACEMENT_VRAM, 0xaa);
	volatile __u32 *m;

	ck_assert_int_eq(sgt_bind(fd, a.handle, SGT_1M, SGT_4K, 0, 0), 0);
	m = snoop_map(SGT_1M, SGT_4K);
	ck_assert_uint_eq(m[1], 0xaa);
	ck_assert_int_eq(sgt_ioctl(fd, DRM_IOCTL_SIMGPU_VM_BIND, &sp), 0);
	ck_assert_uint_eq(m[1], 0);
	ck_assert_uint_eq(peek(SGT_1M + 4), 0);
	ck_assert_int_eq(sgt_bind(fd, a.handle, SGT_1M, SGT_4K, 0, 0), 0);
	ck_assert_uint_eq(m[1], 0xaa);
}
END_TEST

/* Churn: a child binds, unbinds and migrates while the parent snoops the
 * range; every value read is one that was there. */
START_TEST(hooks_churn)
{
	struct buf a = mkbuf(SGT_64K, SIMGPU_PLACEMENT_SYSTEM, 0x11111111);
	struct buf b = mkbuf(SGT_64K, SIMGPU_PLACEMENT_VRAM, 0x22222222);
	volatile __u32 *m;
	int status, i, bad = 0;
	pid_t pid;

	ck_assert_int_eq(sgt_bind(fd, a.handle, SGT_1M, SGT_64K, 0, 0), 0);
	m = snoop_map(SGT_1M, SGT_64K);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid) {
		for (i = 0; i < 300; i++) {
			if (sgt_bind(fd, i & 1 ? a.handle : b.handle, SGT_1M,
				     SGT_64K, 0, 0) ||
			    sgt_migrate(fd, i % 3 ? a.handle : b.handle,
					i & 2 ? SIMGPU_PLACEMENT_VRAM :
						SIMGPU_PLACEMENT_SYSTEM))
				_exit(1);
		}
		_exit(0);
	}
	for (i = 0; i < 3000; i++) {
		__u32 v = 0;

		if (snoop32(SGT_1M + (i % 16) * SGT_4K, &v) ||
		    (v != 0x11111111 && v != 0x22222222))
			bad++;
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && !WEXITSTATUS(status));
	ck_assert_int_eq(bad, 0);
	ck_assert_int_eq(sgt_bind(fd, b.handle, SGT_1M, SGT_64K, 0, 0), 0);
	ck_assert_uint_eq(m[5], 0x22222222);
}
END_TEST

static long ttm_limit(long set)
{
	const char *path = "/sys/module/ttm/parameters/pages_limit";
	char buf[32];
	long old = -1;
	FILE *f = fopen(path, "r");

	if (f) {
		if (fgets(buf, sizeof(buf), f))
			old = strtol(buf, NULL, 10);
		fclose(f);
	}
	if (set >= 0) {
		f = fopen(path, "w");
		ck_assert_ptr_nonnull(f);
		fprintf(f, "%ld\n", set);
		fclose(f);
	}
	return old;
}

static long saved_limit = -1;

static void swap_teardown(void)
{
	if (saved_limit >= 0)
		ttm_limit(saved_limit);
	teardown();
}

/*
 * TTM's global swap-out (which never calls the move callback) under a
 * snooper mapping: another client's allocation over TTM's page limit swaps
 * the snooped buffer out; the snooper and the owner then see its data, not
 * the freed pages.
 */
START_TEST(hooks_swapout)
{
	struct buf a = mkbuf(4 * SGT_1M, SIMGPU_PLACEMENT_SYSTEM, 0);
	volatile __u32 *m;
	__u32 h, *p;
	int fd2 = sgt_open();
	char res[32];
	__u64 i;

	ck_assert_int_ge(fd2, 0);
	sgt_stamp(a.map, 4 * SGT_1M, 0x5000);
	ck_assert_int_eq(sgt_bind(fd, a.handle, SGT_1M, 4 * SGT_1M, 0, 0), 0);
	m = snoop_map(SGT_1M, 4 * SGT_1M);
	ck_assert_uint_eq(m[1], 0x5001);

	saved_limit = ttm_limit(1536);
	ck_assert_int_ge(saved_limit, 0);
	ck_assert_int_eq(sgt_bo_create(fd2, 4 * SGT_1M, SIMGPU_PLACEMENT_SYSTEM, 0,
				       &h), 0);
	p = sgt_map(fd2, h);
	ck_assert_ptr_nonnull(p);
	for (i = 0; i < 4 * SGT_1M / 4; i += 1024)
		p[i] = 1;
	ttm_limit(saved_limit);
	saved_limit = -1;
	/* It was swapped out: its pages are gone. */
	ck_assert_int_eq(sgt_fdinfo_str(fd, "drm-resident-system", res,
					sizeof(res)), 0);
	ck_assert_str_eq(res, "0");

	for (i = 0; i < 4 * SGT_1M / 4; i += 1021)
		ck_assert_uint_eq(m[i], 0x5000 + i);
	ck_assert_uint_eq(peek(SGT_1M + 4 * SGT_1M - 4), 0x5000 + SGT_1M - 1);
	ck_assert_int_eq(sgt_check_stamp(a.map, 4 * SGT_1M, 0x5000), -1);
	a.map[7] = 0x77;
	ck_assert_uint_eq(m[7], 0x77);
	close(fd2);
}
END_TEST

/* Drain the snoop file's event queue into @ev; returns the count. */
static int events(struct cardsnoop_event *ev, int max)
{
	struct cardsnoop_events q = {
		.events_ptr = (uintptr_t)ev, .count = max, .stride = sizeof(*ev),
	};

	ck_assert_int_eq(sgt_ioctl(sfd, CARDSNOOP_IOCTL_EVENTS, &q), 0);
	return (int)q.count;
}

/* The first event of @type from @ev[0..n), or NULL. */
static struct cardsnoop_event *find_event(struct cardsnoop_event *ev, int n,
					  __u32 type)
{
	int i;

	for (i = 0; i < n; i++)
		if (ev[i].type == type)
			return &ev[i];
	return NULL;
}

/* simgpu reports binds, unbinds, migrations, evictions, IB submissions and
 * GPU faults to event readers, with its buffer ids and linear VAs. */
START_TEST(hooks_events)
{
	__u64 q = (info.vram_size / 4) & ~(SGT_4K - 1);
	struct drm_simgpu_bo_info bi;
	struct cardsnoop_event ev[64], *e;
	struct drm_simgpu_cmd nop = sgt_cmd(SIMGPU_CMD_NOP, 0, 0, 0);
	struct buf a = mkbuf(q, SIMGPU_PLACEMENT_VRAM, 0);
	int n, i, fd2;
	__u32 h;

	events(ev, 64);
	ck_assert_int_eq(sgt_bo_info(fd, a.handle, &bi), 0);

	ck_assert_int_eq(sgt_bind(fd, a.handle, SGT_UPPER + SGT_1M, q, 0,
				  SIMGPU_BIND_READONLY), 0);
	n = events(ev, 64);
	e = find_event(ev, n, CARDSNOOP_EVENT_BIND);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->va, 0x800000000000ull + SGT_1M);
	ck_assert_uint_eq(e->size, q);
	ck_assert_uint_eq(e->bo_id, bi.bo_id);
	ck_assert_uint_eq(e->placement, CARDSNOOP_PLACEMENT_VRAM);
	ck_assert_uint_eq(e->kind, CARDSNOOP_KIND_BUFFER);
	ck_assert_uint_eq(e->arg & CARDSNOOP_PERM_WRITE, 0);

	ck_assert_int_eq(sgt_migrate(fd, a.handle, SIMGPU_PLACEMENT_SYSTEM), 0);
	n = events(ev, 64);
	e = find_event(ev, n, CARDSNOOP_EVENT_MIGRATE);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->bo_id, bi.bo_id);
	ck_assert_uint_eq(e->placement, CARDSNOOP_PLACEMENT_SYSTEM);

	ck_assert_int_eq(sgt_migrate(fd, a.handle, SIMGPU_PLACEMENT_VRAM), 0);
	fd2 = sgt_open();
	ck_assert_int_ge(fd2, 0);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(sgt_bo_create(fd2, q, SIMGPU_PLACEMENT_VRAM, 0, &h),
				 0);
	n = events(ev, 64);
	e = find_event(ev, n, CARDSNOOP_EVENT_EVICT);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->bo_id, bi.bo_id);
	ck_assert_uint_eq(e->placement, CARDSNOOP_PLACEMENT_SYSTEM);
	close(fd2);

	ck_assert_int_eq(sgt_unbind(fd, SGT_UPPER + SGT_1M + SGT_4K, SGT_4K), 0);
	n = events(ev, 64);
	e = find_event(ev, n, CARDSNOOP_EVENT_UNBIND);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->va, 0x800000000000ull + SGT_1M + SGT_4K);
	ck_assert_uint_eq(e->size, SGT_4K);
	ck_assert_uint_eq(e->bo_id, bi.bo_id);

	memcpy(a.map, &nop, sizeof(nop));
	ck_assert_int_eq(sgt_one(fd, SIMGPU_CMD_IB, SGT_UPPER + SGT_1M, 32, 0), 0);
	n = events(ev, 64);
	e = find_event(ev, n, CARDSNOOP_EVENT_SUBMIT);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->va, 0x800000000000ull + SGT_1M);
	ck_assert_uint_eq(e->size, 32);
	ck_assert_uint_gt(e->data, 0);

	ck_assert_int_eq(sgt_write32(fd, SGT_UPPER + SGT_1M, 1), -EFAULT);
	n = events(ev, 64);
	e = find_event(ev, n, CARDSNOOP_EVENT_FAULT);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->va, 0x800000000000ull + SGT_1M);
	ck_assert_uint_eq(e->arg, CARDSNOOP_ACCESS_WRITE);
}
END_TEST

static Suite *hooks_suite(void)
{
	Suite *s = suite_create("simgpu_hooks");
	TCase *tc = tcase_create("hooks");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, hooks_unbind);
	tcase_add_test(tc, hooks_bind_over);
	tcase_add_test(tc, hooks_migrate);
	tcase_add_test(tc, hooks_evict);
	tcase_add_test(tc, hooks_userptr_remap);
	tcase_add_test(tc, hooks_sparse);
	tcase_add_test(tc, hooks_churn);
	tcase_add_test(tc, hooks_events);
	suite_add_tcase(s, tc);

	tc = tcase_create("swap");
	tcase_add_checked_fixture(tc, setup, swap_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, hooks_swapout);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return cstest_run(hooks_suite());
}
