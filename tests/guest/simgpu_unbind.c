// SPDX-License-Identifier: MIT
/*
 * simgpu device unbind (sysfs "unbind", as a hot-unplug) while clients hold
 * files, buffers, CPU and GPU mappings and a cardsnoop attachment: every
 * ioctl then fails with -ENODEV, CPU mappings no longer reach the device
 * (SIGBUS or TTM's dummy page), nothing crashes, and the device binds
 * again.  Each test leaves the device bound.
 *
 * The device is $SIMGPU_RENDER or the simgpu device with the least VRAM,
 * found once: its render node changes with each bind.
 *
 * TEST: unbind_idle          unbind and bind with no client, repeatedly
 * TEST: unbind_with_clients  unbind under two busy clients
 * TEST: unbind_snooped       unbind with a cardsnoop attachment
 */
#include <dirent.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <drm/cardsnoop_drm.h>

#include "cstest.h"
#include "simgpu_test.h"

/* sysfs path of the device under test, and its driver's directory. */
static char dev_path[PATH_MAX], drv_path[PATH_MAX], dev_name[64];

/* Outside the tests (no ck_assert): 0 or -errno. */
static int find_device(void)
{
	char path[128], buf[PATH_MAX + 16];
	struct stat st;
	int fd = sgt_open();

	if (fd < 0)
		return fd;
	if (fstat(fd, &st)) {
		close(fd);
		return -errno;
	}
	close(fd);
	snprintf(path, sizeof(path), "/sys/dev/char/%u:%u/device",
		 major(st.st_rdev), minor(st.st_rdev));
	if (!realpath(path, dev_path))
		return -errno;
	snprintf(buf, sizeof(buf), "%s/driver", dev_path);
	if (!realpath(buf, drv_path))
		return -errno;
	snprintf(dev_name, sizeof(dev_name), "%s", strrchr(dev_path, '/') + 1);
	return 0;
}

static void sysfs_write(const char *file, const char *val)
{
	char path[PATH_MAX + 16];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", drv_path, file);
	fd = open(path, O_WRONLY);
	ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
	ck_assert_msg(write(fd, val, strlen(val)) == (ssize_t)strlen(val),
		      "%s: %s", path, strerror(errno));
	close(fd);
}

/* The render node of the device under test, opened; -ENODEV if unbound. */
static int open_dut(void)
{
	char path[PATH_MAX], real[PATH_MAX];
	struct dirent *e;
	int fd = -ENODEV;
	DIR *d;

	d = opendir("/sys/class/drm");
	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "renderD", 7))
			continue;
		snprintf(path, sizeof(path), "/sys/class/drm/%s/device",
			 e->d_name);
		if (!realpath(path, real) || strcmp(real, dev_path))
			continue;
		snprintf(path, sizeof(path), "/dev/dri/%s", e->d_name);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			fd = -errno;
		break;
	}
	closedir(d);
	return fd;
}

static void unbind(void)
{
	sysfs_write("unbind", dev_name);
}

static void bind_back(void)
{
	int fd;

	sysfs_write("bind", dev_name);
	fd = open_dut();
	ck_assert_msg(fd >= 0, "device did not come back: %s", strerror(-fd));
	close(fd);
}


/* Unbind and bind back with no client, a few times. */
START_TEST(unbind_idle)
{
	struct drm_simgpu_info info;
	int i, fd;

	for (i = 0; i < 3; i++) {
		unbind();
		ck_assert_int_eq(open_dut(), -ENODEV);
		bind_back();
	}
	fd = open_dut();
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(sgt_info(fd, &info), 0);
	close(fd);
}
END_TEST

struct client {
	int fd;
	__u32 sys, vram;
	__u32 *sys_map, *vram_map, *uptr;
};

static void busy_client(struct client *c)
{
	c->fd = open_dut();
	ck_assert_int_ge(c->fd, 0);
	ck_assert_int_eq(sgt_bo_create(c->fd, SGT_64K, SIMGPU_PLACEMENT_SYSTEM, 0,
				       &c->sys), 0);
	ck_assert_int_eq(sgt_bo_create(c->fd, SGT_64K, SIMGPU_PLACEMENT_VRAM, 0,
				       &c->vram), 0);
	c->sys_map = sgt_map(c->fd, c->sys);
	c->vram_map = sgt_map(c->fd, c->vram);
	ck_assert_ptr_nonnull(c->sys_map);
	ck_assert_ptr_nonnull(c->vram_map);
	ck_assert_int_eq(sgt_bind(c->fd, c->sys, SGT_1M, SGT_64K, 0, 0), 0);
	ck_assert_int_eq(sgt_bind(c->fd, c->vram, 2 * SGT_1M, SGT_64K, 0, 0), 0);
	c->uptr = mmap(NULL, SGT_4K, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(c->uptr, MAP_FAILED);
	ck_assert_int_eq(sgt_bind_userptr(c->fd, c->uptr, 3 * SGT_1M, SGT_4K, 0),
			 0);
	ck_assert_int_eq(sgt_fill(c->fd, SGT_1M, SGT_64K, 0x5ca1ab1e), 0);
	ck_assert_int_eq(sgt_fill(c->fd, 2 * SGT_1M, SGT_64K, 0x5ca1ab1e), 0);
	ck_assert_uint_eq(c->vram_map[7], 0x5ca1ab1e);
}

/* After the unbind: -ENODEV everywhere, mappings cut off from the device. */
static void check_gone(struct client *c)
{
	struct drm_simgpu_info info;
	struct drm_simgpu_fault f[1];
	__u32 h, v = 0x5ca1ab1e;
	int r;

	ck_assert_int_eq(sgt_info(c->fd, &info), -ENODEV);
	ck_assert_int_eq(sgt_bo_create(c->fd, SGT_4K, SIMGPU_PLACEMENT_SYSTEM, 0,
				       &h), -ENODEV);
	ck_assert_int_eq(sgt_bind(c->fd, c->sys, 4 * SGT_1M, SGT_4K, 0, 0),
			 -ENODEV);
	ck_assert_int_eq(sgt_unbind(c->fd, SGT_1M, SGT_4K), -ENODEV);
	ck_assert_int_eq(sgt_migrate(c->fd, c->sys, SIMGPU_PLACEMENT_VRAM),
			 -ENODEV);
	ck_assert_int_eq(sgt_write32(c->fd, SGT_1M, 1), -ENODEV);
	ck_assert_int_eq(sgt_faults(c->fd, f, 1, 0, NULL), -ENODEV);
	ck_assert_int_eq(sgt_placement(c->fd, c->vram), -ENODEV);

	/* CPU mappings: SIGBUS, or TTM's zeroed dummy page. */
	r = sgt_touch_faults(c->vram_map + 7, 0, &v);
	ck_assert_int_ge(r, 0);
	if (!r)
		ck_assert_uint_eq(v, 0);
	r = sgt_touch_faults(c->sys_map + 7, 0, &v);
	ck_assert_int_ge(r, 0);
	if (!r)
		ck_assert_uint_eq(v, 0);
	/* Writes go nowhere that matters, and do not crash. */
	r = sgt_touch_faults(c->vram_map + 8, 1, NULL);
	ck_assert_int_ge(r, 0);
}

static void release(struct client *c)
{
	munmap(c->sys_map, SGT_64K);
	munmap(c->vram_map, SGT_64K);
	munmap(c->uptr, SGT_4K);
	close(c->fd);
}

/* Two clients with buffers, CPU and GPU mappings and userptr. */
START_TEST(unbind_with_clients)
{
	struct client a, b;

	busy_client(&a);
	busy_client(&b);
	unbind();
	ck_assert_int_eq(open_dut(), -ENODEV);
	check_gone(&a);
	check_gone(&b);
	/* Closing the files after the unbind frees everything. */
	release(&a);
	release(&b);
	bind_back();
	/* The new device works. */
	busy_client(&a);
	release(&a);
}
END_TEST

/* Keep the mappings past the bind: the old device's CPU mappings stay cut
 * off, the new device is unaffected. */
START_TEST(unbind_mappings_outlive)
{
	struct client a, b;

	busy_client(&a);
	close(a.fd);
	unbind();
	bind_back();
	busy_client(&b);
	ck_assert_int_ge(sgt_touch_faults(a.vram_map + 8, 1, NULL), 0);
	ck_assert_int_ge(sgt_touch_faults(a.sys_map + 8, 1, NULL), 0);
	ck_assert_uint_eq(b.vram_map[8], 0x5ca1ab1e);
	ck_assert_uint_eq(b.sys_map[8], 0x5ca1ab1e);
	munmap(a.sys_map, SGT_64K);
	munmap(a.vram_map, SGT_64K);
	release(&b);
}
END_TEST

/* A cardsnoop attachment to a client's VM: the snoop file fails with
 * -ENODEV after the unbind, and closing everything is clean. */
START_TEST(unbind_snooped)
{
	struct cardsnoop_attach at = { 0 };
	char path[PATH_MAX + 16], card[300] = "";
	struct client a;
	struct dirent *e;
	__u32 v;
	int sfd;
	DIR *d;

	busy_client(&a);
	snprintf(path, sizeof(path), "%s/drm", dev_path);
	d = opendir(path);
	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, "card", 4))
			snprintf(card, sizeof(card), "%s", e->d_name);
	closedir(d);
	snprintf(path, sizeof(path), "/dev/dri/%s-snoop", card);
	sfd = open(path, O_RDWR | O_CLOEXEC);
	ck_assert_msg(sfd >= 0, "%s: %s", path, strerror(errno));
	at.drm_fd = a.fd;
	ck_assert_int_eq(sgt_ioctl(sfd, CARDSNOOP_IOCTL_ATTACH, &at), 0);
	ck_assert_int_eq(pread(sfd, &v, 4, 2 * SGT_1M), 4);
	ck_assert_uint_eq(v, 0x5ca1ab1e);

	unbind();
	ck_assert_int_eq(pread(sfd, &v, 4, 2 * SGT_1M), -1);
	ck_assert_int_eq(errno, ENODEV);
	check_gone(&a);
	close(sfd);
	release(&a);
	bind_back();
}
END_TEST

static Suite *unbind_suite(void)
{
	Suite *s = suite_create("simgpu_unbind");
	TCase *tc = tcase_create("unbind");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, unbind_idle);
	tcase_add_test(tc, unbind_with_clients);
	tcase_add_test(tc, unbind_mappings_outlive);
	tcase_add_test(tc, unbind_snooped);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	/*
	 * Once, before the tests: the render node of the device changes at
	 * each bind, its sysfs device does not.
	 */
	int ret = find_device();

	if (ret) {
		printf("Bail out! no simgpu device: %s\n", strerror(-ret));
		return 1;
	}
	return cstest_run(unbind_suite());
}
