// SPDX-License-Identifier: MIT
/*
 * simgpu module lifetime: an open file, a CPU mapping of a buffer (after
 * the file is closed) and a cardsnoop attachment each keep the module
 * loaded; once released, the module unloads cleanly and loads again with
 * the same parameters.  Each test leaves simgpu loaded.
 *
 * TEST: unload_*
 */
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#include <drm/cardsnoop_drm.h>

#include "cstest.h"
#include "simgpu_test.h"

static char params[128];

/* The module's parameters as modprobe arguments. */
static void read_params(void)
{
	char v[32], vram[32];
	FILE *f;

	params[0] = 0;
	f = fopen("/sys/module/simgpu/parameters/virtual", "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(v, sizeof(v), f));
	fclose(f);
	f = fopen("/sys/module/simgpu/parameters/vram_mb", "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(vram, sizeof(vram), f));
	fclose(f);
	v[strcspn(v, "\n")] = 0;
	vram[strcspn(vram, "\n")] = 0;
	snprintf(params, sizeof(params), "virtual=%s vram_mb=%s", v, vram);
}

static int unload(void)
{
	return syscall(__NR_delete_module, "simgpu", O_NONBLOCK) ? -errno : 0;
}

static void load(void)
{
	char cmd[192];

	snprintf(cmd, sizeof(cmd), "modprobe simgpu %s", params);
	ck_assert_int_eq(system(cmd), 0);
}

static void setup(void)
{
	read_params();
}

/* Unload (which must work now) and load again. */
static void reload(void)
{
	ck_assert_int_eq(unload(), 0);
	ck_assert_int_eq(access("/sys/module/simgpu", F_OK), -1);
	load();
}

/* An open render node keeps the module. */
START_TEST(unload_refused_open_file)
{
	int fd = sgt_open();

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(unload(), -EWOULDBLOCK);
	close(fd);
	reload();
}
END_TEST

/* A buffer's CPU mapping keeps it after the file is closed. */
START_TEST(unload_refused_mapping)
{
	int fd = sgt_open();
	__u32 h, *m;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(sgt_bo_create(fd, SGT_4K, SIMGPU_PLACEMENT_VRAM, 0, &h),
			 0);
	m = sgt_map(fd, h);
	ck_assert_ptr_nonnull(m);
	close(fd);
	m[0] = 42;
	ck_assert_int_eq(unload(), -EWOULDBLOCK);
	ck_assert_uint_eq(m[0], 42);
	munmap(m, SGT_4K);
	reload();
}
END_TEST

/* A cardsnoop attachment holds the DRM file, hence the module. */
START_TEST(unload_refused_snoop)
{
	struct cardsnoop_attach at = { 0 };
	char path[128], card[300] = "";
	struct stat st;
	int fd = sgt_open(), sfd, n;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	for (n = 0; n < 64; n++) {
		snprintf(path, sizeof(path), "/sys/dev/char/%u:%u/device/drm/card%d",
			 major(st.st_rdev), minor(st.st_rdev), n);
		if (!access(path, F_OK)) {
			snprintf(card, sizeof(card), "/dev/dri/card%d-snoop", n);
			break;
		}
	}
	sfd = open(card, O_RDWR | O_CLOEXEC);
	ck_assert_msg(sfd >= 0, "%s: %s", card, strerror(errno));
	at.drm_fd = fd;
	ck_assert_int_eq(sgt_ioctl(sfd, CARDSNOOP_IOCTL_ATTACH, &at), 0);
	close(fd);
	ck_assert_int_eq(unload(), -EWOULDBLOCK);
	close(sfd);
	reload();
}
END_TEST

/* After real use by several clients, everything released: clean unload. */
START_TEST(unload_after_use)
{
	int i;

	for (i = 0; i < 3; i++) {
		int fd = sgt_open();
		__u32 h, *u;

		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(sgt_bo_create(fd, SGT_64K, SIMGPU_PLACEMENT_VRAM,
					       SIMGPU_BO_PINNED, &h), 0);
		ck_assert_int_eq(sgt_bind(fd, h, SGT_1M, SGT_64K, 0, 0), 0);
		ck_assert_int_eq(sgt_bo_create(fd, SGT_64K, SIMGPU_PLACEMENT_SYSTEM,
					       0, &h), 0);
		ck_assert_int_eq(sgt_bind(fd, h, 2 * SGT_1M, SGT_64K, 0, 0), 0);
		u = mmap(NULL, SGT_4K, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		ck_assert_int_eq(sgt_bind_userptr(fd, u, 3 * SGT_1M, SGT_4K, 0), 0);
		/* A NOP command, copied to be an IB. */
		ck_assert_int_eq(sgt_write32(fd, SGT_1M, SIMGPU_CMD_NOP), 0);
		ck_assert_int_eq(sgt_copy(fd, SGT_1M, 2 * SGT_1M, SGT_64K), 0);
		ck_assert_int_eq(sgt_one(fd, SIMGPU_CMD_IB, 2 * SGT_1M, 32, 0), 0);
		ck_assert_int_eq(sgt_write32(fd, 3 * SGT_1M, 1), 0);
		ck_assert_int_eq(sgt_write32(fd, 9 * SGT_1M, 1), -EFAULT);
		close(fd);
	}
	reload();
}
END_TEST

static Suite *module_suite(void)
{
	Suite *s = suite_create("simgpu_module");
	TCase *tc = tcase_create("unload");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, unload_refused_open_file);
	tcase_add_test(tc, unload_refused_mapping);
	tcase_add_test(tc, unload_refused_snoop);
	tcase_add_test(tc, unload_after_use);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return cstest_run(module_suite());
}
