// SPDX-License-Identifier: MIT
/*
 * In-VM tests of the cardsnoop core through its UAPI, on simgpu: every
 * ioctl's success and error cases, read/write/lseek/mmap semantics on system
 * and VRAM buffers, snapshots, invalidation, attach rules, the static key,
 * canonical addresses and post-mortem reads.
 *
 * Expects (tests/vm/suites/core.sh): simgpu with two devices, vgem loaded,
 * run as root.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cs_guest.h"
#include "cstest.h"

#define VA_SPACE	(1ull << 48)
#define VA_A		0x100000000ull
#define VA_B		0x200000000ull
#define VA_C		0x300000000ull

static int gfd = -1;	/* simgpu render node: the "target" is ourselves */
static int sfd = -1;	/* snoop node of that GPU, not attached */

/* Every test starts with the default limit, whatever one before it failed. */
static void setup(void)
{
	ck_assert_int_eq(cardsnoop_param_set("snapshot_limit_mb", "64"), 0);
	gfd = sg_open(0);
	ck_assert_msg(gfd >= 0, "no simgpu render node: %s", strerror(-gfd));
	sfd = snoop_open_for(gfd);
	ck_assert_msg(sfd >= 0, "no snoop node: %s", strerror(-sfd));
}

static void teardown(void)
{
	close(sfd);
	close(gfd);
}

/* A buffer of @size in @placement, bound at @va, filled with pattern @seed. */
static uint32_t make_bo(uint64_t va, uint64_t size, uint32_t placement,
			uint32_t bind_flags, uint32_t seed, void **map_out)
{
	uint32_t handle;
	void *map;
	int ret;

	ret = sg_bo_create(gfd, size, placement, 0, &handle, NULL);
	ck_assert_msg(!ret, "bo_create: %s", strerror(-ret));
	map = sg_bo_map(gfd, handle, size);
	ck_assert_ptr_nonnull(map);
	fill_pattern(map, size, seed);
	ret = sg_bind(gfd, handle, va, size, 0, bind_flags);
	ck_assert_msg(!ret, "bind: %s", strerror(-ret));
	if (map_out)
		*map_out = map;
	else
		munmap(map, size);
	return handle;
}

static void attach_self(uint32_t flags)
{
	int ret = snoop_attach(sfd, gfd, flags, 0, NULL);

	ck_assert_msg(!ret, "attach: %s", strerror(-ret));
}

/* -------------------------------------------------------------- info */

START_TEST(info_fields)
{
	struct cardsnoop_info info;
	struct drm_simgpu_info sg;

	ck_assert_int_eq(snoop_info(sfd, &info), 0);
	ck_assert_int_eq(sg_info(gfd, &sg), 0);
	ck_assert_uint_eq(info.api_version, CARDSNOOP_API_VERSION);
	ck_assert_uint_eq(info.va_bits, 48);
	ck_assert_str_eq(info.driver, "simgpu");
	ck_assert_uint_eq(info.vram_size, sg.vram_size);
	ck_assert(info.caps & CARDSNOOP_CAP_VRAM);
	ck_assert(info.caps & CARDSNOOP_CAP_KERNEL_VM);
	ck_assert_uint_ne(info.render_index, ~0u);
}
END_TEST

START_TEST(ioctl_unknown_nr)
{
	char buf[64] = { 0 };

	ck_assert_int_eq(ioctl(sfd, _IOWR(CARDSNOOP_IOCTL_BASE, 0x3f,
					  char[64]), buf), -1);
	ck_assert_int_eq(errno, ENOTTY);
	ck_assert_int_eq(ioctl(sfd, _IOWR('d', 0x00, char[64]), buf), -1);
	ck_assert_int_eq(errno, ENOTTY);
}
END_TEST

START_TEST(ioctl_short_size)
{
	char buf[8] = { 0 };

	ck_assert_int_eq(ioctl(sfd, _IOR(CARDSNOOP_IOCTL_BASE, CARDSNOOP_INFO,
					 char[8]), buf), -1);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

struct big_attach {
	struct cardsnoop_attach a;
	uint64_t future[2];
};

START_TEST(ioctl_long_size_zero_tail)
{
	struct big_attach b = { .a = { .drm_fd = gfd } };

	ck_assert_int_eq(ioctl(sfd, _IOWR(CARDSNOOP_IOCTL_BASE,
					  CARDSNOOP_ATTACH,
					  struct big_attach), &b), 0);
	ck_assert_uint_gt(b.a.client_id, 0);
	ck_assert_uint_eq(b.future[0], 0);
}
END_TEST

START_TEST(ioctl_long_size_nonzero_tail)
{
	struct big_attach b = { .a = { .drm_fd = gfd }, .future = { 0, 1 } };

	ck_assert_int_eq(ioctl(sfd, _IOWR(CARDSNOOP_IOCTL_BASE,
					  CARDSNOOP_ATTACH,
					  struct big_attach), &b), -1);
	ck_assert_int_eq(errno, E2BIG);
}
END_TEST

START_TEST(ioctl_wrong_direction)
{
	struct cardsnoop_info info;

	ck_assert_int_eq(ioctl(sfd, _IOW(CARDSNOOP_IOCTL_BASE, CARDSNOOP_INFO,
					 struct cardsnoop_info), &info), -1);
	ck_assert_int_eq(errno, ENOTTY);
}
END_TEST

START_TEST(ioctl_bad_pointer)
{
	ck_assert_int_eq(ioctl(sfd, CARDSNOOP_IOCTL_INFO, (void *)8), -1);
	ck_assert_int_eq(errno, EFAULT);
	ck_assert_int_eq(ioctl(sfd, CARDSNOOP_IOCTL_ATTACH, NULL), -1);
	ck_assert_int_eq(errno, EFAULT);
}
END_TEST

/* ------------------------------------------------------------ attach */

START_TEST(attach_self_outputs)
{
	struct cardsnoop_attach out;
	struct drm_simgpu_info sg;

	ck_assert_int_eq(sg_info(gfd, &sg), 0);
	ck_assert_int_eq(snoop_attach(sfd, gfd, 0, 0, &out), 0);
	ck_assert_uint_eq(out.client_id, sg.client_id);
	ck_assert_int_eq(out.owner_pid, getpid());
	ck_assert_uint_eq(out.va_end, VA_SPACE);
	ck_assert_uint_le(out.va_start, sg.va_start);
	ck_assert_int_eq(fdinfo_value(sfd, "cardsnoop-owner-pid"), getpid());
	ck_assert_int_eq(fdinfo_value(sfd, "cardsnoop-client-id"),
			 (long long)sg.client_id);
}
END_TEST

START_TEST(attach_twice_ebusy)
{
	attach_self(0);
	ck_assert_int_eq(snoop_attach(sfd, gfd, 0, 0, NULL), -EBUSY);
}
END_TEST

START_TEST(attach_bad_fd_ebadf)
{
	ck_assert_int_eq(snoop_attach(sfd, -1, 0, 0, NULL), -EBADF);
	ck_assert_int_eq(snoop_attach(sfd, 1000, 0, 0, NULL), -EBADF);
}
END_TEST

START_TEST(attach_pipe_einval)
{
	int p[2];

	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(snoop_attach(sfd, p[0], 0, 0, NULL), -EINVAL);
}
END_TEST

START_TEST(attach_regular_file_einval)
{
	int fd = open("/proc/self/status", O_RDONLY);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(snoop_attach(sfd, fd, 0, 0, NULL), -EINVAL);
	fd = open("/dev/null", O_RDONLY);
	ck_assert_int_eq(snoop_attach(sfd, fd, 0, 0, NULL), -EINVAL);
}
END_TEST

START_TEST(attach_snoop_fd_einval)
{
	int other = snoop_open_for(gfd);

	ck_assert_int_ge(other, 0);
	ck_assert_int_eq(snoop_attach(sfd, other, 0, 0, NULL), -EINVAL);
}
END_TEST

START_TEST(attach_vgem_exdev)
{
	int vfd = drm_open_driver("vgem");

	ck_assert_msg(vfd >= 0, "vgem is not loaded");
	ck_assert_int_eq(snoop_attach(sfd, vfd, 0, 0, NULL), -EXDEV);
}
END_TEST

START_TEST(attach_other_gpu_exdev)
{
	int g2 = sg_open(1);

	ck_assert_msg(g2 >= 0, "needs a second simgpu device");
	ck_assert_int_eq(snoop_attach(sfd, g2, 0, 0, NULL), -EXDEV);
}
END_TEST

START_TEST(attach_bad_flags_einval)
{
	ck_assert_int_eq(snoop_attach(sfd, gfd, 1u << 31, 0, NULL), -EINVAL);
	ck_assert_int_eq(snoop_attach(sfd, gfd, 1u << 3, 0, NULL), -EINVAL);
}
END_TEST

START_TEST(attach_bad_pad_einval)
{
	struct cardsnoop_attach a = { .drm_fd = gfd, .pad = 1 };

	ck_assert_int_eq(ioctl(sfd, CARDSNOOP_IOCTL_ATTACH, &a), -1);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(attach_kernel_with_fd_einval)
{
	ck_assert_int_eq(snoop_attach(sfd, gfd, CARDSNOOP_ATTACH_KERNEL, 0,
				      NULL), -EINVAL);
	ck_assert_int_eq(snoop_attach(sfd, -1, CARDSNOOP_ATTACH_KERNEL, 1,
				      NULL), -EINVAL);
}
END_TEST

START_TEST(attach_unknown_vm_enoent)
{
	ck_assert_int_eq(snoop_attach(sfd, gfd, 0, 0xdead, NULL), -ENOENT);
}
END_TEST

START_TEST(attach_kernel_reads_ring)
{
	struct drm_simgpu_ring_header hdr;
	struct drm_simgpu_info sg;

	ck_assert_int_eq(sg_info(gfd, &sg), 0);
	ck_assert_int_eq(snoop_attach(sfd, -1, CARDSNOOP_ATTACH_KERNEL, 0,
				      NULL), 0);
	ck_assert_int_eq(pread(sfd, &hdr, sizeof(hdr),
			       sg.ring_va & (VA_SPACE - 1)), sizeof(hdr));
	ck_assert_uint_eq(hdr.magic, SIMGPU_RING_MAGIC);
	ck_assert_int_eq(fdinfo_value(sfd, "cardsnoop-client-id"), 0);
}
END_TEST

static int kernel_attach_unprivileged(void *arg)
{
	int s = snoop_open_for(gfd);

	if (s < 0)
		return 10;
	return snoop_attach(s, -1, CARDSNOOP_ATTACH_KERNEL, 0, NULL) == -EPERM ?
		       0 : 11;
}

START_TEST(attach_kernel_without_cap_eperm)
{
	int st = run_as(1000, kernel_attach_unprivileged, NULL);

	ck_assert_msg(WIFEXITED(st) && !WEXITSTATUS(st), "status %#x", st);
}
END_TEST

START_TEST(unattached_ebadfd)
{
	struct cardsnoop_mappings m = { 0 };
	struct cardsnoop_resolve r;
	char buf[16];

	ck_assert_int_eq(pread(sfd, buf, sizeof(buf), VA_A), -1);
	ck_assert_int_eq(errno, EBADFD);
	ck_assert_int_eq(pwrite(sfd, buf, sizeof(buf), VA_A), -1);
	ck_assert_int_eq(errno, EBADFD);
	ck_assert_ptr_eq(mmap(NULL, 4096, PROT_READ, MAP_SHARED, sfd, VA_A),
			 MAP_FAILED);
	ck_assert_int_eq(errno, EBADFD);
	ck_assert_int_eq(ioctl(sfd, CARDSNOOP_IOCTL_MAPPINGS, &m), -1);
	ck_assert_int_eq(errno, EBADFD);
	ck_assert_int_eq(snoop_resolve(sfd, VA_A, &r), -EBADFD);
	ck_assert_int_eq(snoop_refresh(sfd, 0, 0, 0, NULL), -EBADFD);
	ck_assert_int_eq(lseek(sfd, 0, SEEK_DATA), -1);
	ck_assert_int_eq(errno, EBADFD);
	ck_assert_int_eq(fsync(sfd), -1);
	ck_assert_int_eq(errno, EBADFD);
}
END_TEST

START_TEST(reopened_fd_is_unattached)
{
	char path[64], buf[8];
	int again;

	attach_self(0);
	make_bo(VA_A, SZ_64K, SIMGPU_PLACEMENT_SYSTEM, 0, 1, NULL);
	ck_assert_int_eq(pread(sfd, buf, sizeof(buf), VA_A), sizeof(buf));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", sfd);
	again = open(path, O_RDWR);
	ck_assert_int_ge(again, 0);
	ck_assert_int_eq(pread(again, buf, sizeof(buf), VA_A), -1);
	ck_assert_int_eq(errno, EBADFD);
}
END_TEST

/* --------------------------------------------------------------- vms */

START_TEST(vms_list)
{
	struct cardsnoop_vm_desc d[4];
	struct cardsnoop_vms v = { .drm_fd = gfd };
	struct cardsnoop_attach out;

	ck_assert_int_eq(ioctl(sfd, CARDSNOOP_IOCTL_VMS, &v), 0);
	ck_assert_uint_eq(v.count, 1);
	memset(d, 0xff, sizeof(d));
	v.vms_ptr = (uintptr_t)d;
	v.count = 4;
	v.stride = sizeof(d[0]);
	ck_assert_int_eq(ioctl(sfd, CARDSNOOP_IOCTL_VMS, &v), 0);
	ck_assert_uint_eq(v.count, 1);
	ck_assert(d[0].flags & CARDSNOOP_VM_DEFAULT);
	ck_assert_uint_eq(d[0].va_end, VA_SPACE);
	ck_assert_uint_eq(d[1].id, ~0ull);	/* room past count untouched */
	ck_assert_int_eq(snoop_attach(sfd, gfd, 0, d[0].id, &out), 0);
}
END_TEST

START_TEST(vms_errors)
{
	struct cardsnoop_vm_desc d[2];
	struct cardsnoop_vms v = { .drm_fd = gfd, .vms_ptr = (uintptr_t)d,
				   .count = 2, .stride = 8 };

	ck_assert_int_eq(ioctl(sfd, CARDSNOOP_IOCTL_VMS, &v), -1);
	ck_assert_int_eq(errno, EINVAL);
	v.stride = sizeof(d[0]);
	v.pad = 1;
	ck_assert_int_eq(ioctl(sfd, CARDSNOOP_IOCTL_VMS, &v), -1);
	ck_assert_int_eq(errno, EINVAL);
	v.pad = 0;
	v.drm_fd = -1;
	ck_assert_int_eq(ioctl(sfd, CARDSNOOP_IOCTL_VMS, &v), -1);
	ck_assert_int_eq(errno, EBADF);
	v.drm_fd = gfd;
	v.vms_ptr = 16;
	ck_assert_int_eq(ioctl(sfd, CARDSNOOP_IOCTL_VMS, &v), -1);
	ck_assert_int_eq(errno, EFAULT);
}
END_TEST

/* ---------------------------------------------------------- mappings */

START_TEST(mappings_batches)
{
	struct cardsnoop_mapping m[3];
	struct cardsnoop_mappings a = { 0 };
	uint64_t va, total = 0;
	uint32_t h;
	int i;

	attach_self(0);
	ck_assert_int_eq(sg_bo_create(gfd, 10 * SZ_4K, SIMGPU_PLACEMENT_SYSTEM,
				      0, &h, NULL), 0);
	for (i = 0; i < 10; i++)
		ck_assert_int_eq(sg_bind(gfd, h, VA_A + i * 2 * SZ_4K, SZ_4K,
					 i * SZ_4K, i & 1 ? SIMGPU_BIND_READONLY :
					 0), 0);

	ck_assert_int_eq(ioctl(sfd, CARDSNOOP_IOCTL_MAPPINGS, &a), 0);
	ck_assert_uint_eq(a.count, 10);

	va = 0;
	for (;;) {
		a.start = va;
		a.mappings_ptr = (uintptr_t)m;
		a.count = 3;
		a.stride = sizeof(m[0]);
		ck_assert_int_eq(ioctl(sfd, CARDSNOOP_IOCTL_MAPPINGS, &a), 0);
		if (!a.count)
			break;
		for (i = 0; i < (int)a.count; i++, total++) {
			ck_assert_uint_eq(m[i].va, VA_A + total * 2 * SZ_4K);
			ck_assert_uint_eq(m[i].size, SZ_4K);
			ck_assert_uint_eq(m[i].bo_offset, total * SZ_4K);
			ck_assert_uint_eq(m[i].kind, CARDSNOOP_KIND_BUFFER);
			ck_assert_uint_eq(m[i].placement,
					  CARDSNOOP_PLACEMENT_SYSTEM);
			ck_assert_uint_eq(m[i].perms & CARDSNOOP_PERM_WRITE,
					  total & 1 ? 0 : CARDSNOOP_PERM_WRITE);
		}
		va = a.next;
	}
	ck_assert_uint_eq(total, 10);
}
END_TEST

START_TEST(mappings_stride_and_errors)
{
	struct { struct cardsnoop_mapping m; uint64_t extra[2]; } big[2];
	struct cardsnoop_mappings a = { 0 };

	attach_self(0);
	make_bo(VA_A, SZ_64K, SIMGPU_PLACEMENT_VRAM, 0, 1, NULL);
	memset(big, 0xff, sizeof(big));
	a.mappings_ptr = (uintptr_t)big;
	a.count = 2;
	a.stride = sizeof(big[0]);
	ck_assert_int_eq(ioctl(sfd, CARDSNOOP_IOCTL_MAPPINGS, &a), 0);
	ck_assert_uint_eq(a.count, 1);
	ck_assert_uint_eq(big[0].m.placement, CARDSNOOP_PLACEMENT_VRAM);
	ck_assert_uint_eq(big[0].extra[0], 0);	/* zero-filled stride */
	ck_assert_uint_eq(a.next, VA_A + SZ_64K);

	a.stride = 40;
	ck_assert_int_eq(ioctl(sfd, CARDSNOOP_IOCTL_MAPPINGS, &a), -1);
	ck_assert_int_eq(errno, EINVAL);
	a.stride = sizeof(big[0]);
	a.flags = 1;
	ck_assert_int_eq(ioctl(sfd, CARDSNOOP_IOCTL_MAPPINGS, &a), -1);
	ck_assert_int_eq(errno, EINVAL);
	a.flags = 0;
	a.mappings_ptr = 8;
	ck_assert_int_eq(ioctl(sfd, CARDSNOOP_IOCTL_MAPPINGS, &a), -1);
	ck_assert_int_eq(errno, EFAULT);
}
END_TEST

/* ----------------------------------------------------------- resolve */

START_TEST(resolve_fields)
{
	struct cardsnoop_resolve r;
	uint64_t id;
	uint32_t h;

	attach_self(0);
	ck_assert_int_eq(sg_bo_create(gfd, SZ_64K, SIMGPU_PLACEMENT_VRAM, 0,
				      &h, &id), 0);
	ck_assert_int_eq(sg_bind(gfd, h, VA_A, 8 * SZ_4K, 4 * SZ_4K, 0), 0);
	ck_assert_int_eq(snoop_resolve(sfd, VA_A + 0x1234, &r), 0);
	ck_assert_uint_eq(r.mapping.va, VA_A);
	ck_assert_uint_eq(r.mapping.size, 8 * SZ_4K);
	ck_assert_uint_eq(r.mapping.bo_id, id);
	ck_assert_uint_eq(r.mapping.bo_offset, 4 * SZ_4K);
	ck_assert_uint_eq(r.mapping.placement, CARDSNOOP_PLACEMENT_VRAM);
	ck_assert_uint_eq(r.extent_size, 8 * SZ_4K - 0x1234);
	ck_assert_uint_eq(r.page_size, SZ_4K);
	ck_assert_int_eq(snoop_resolve(sfd, VA_B, &r), -ENOENT);
	ck_assert_int_eq(snoop_resolve(sfd, VA_SPACE, &r), -ENOENT);
}
END_TEST

START_TEST(resolve_physical_root_only)
{
	struct cardsnoop_resolve r;
	uint32_t h;

	attach_self(0);
	ck_assert_int_eq(sg_bo_create(gfd, SZ_64K, SIMGPU_PLACEMENT_VRAM, 0,
				      &h, NULL), 0);
	ck_assert_int_eq(sg_bind(gfd, h, VA_A, SZ_64K, 0, 0), 0);
	ck_assert_int_eq(snoop_resolve(sfd, VA_A + SZ_4K, &r), 0);
	/* Root sees the VRAM offset: page aligned, inside VRAM. */
	ck_assert_uint_eq(r.vram_offset & 0xfff, 0);
	ck_assert_int_eq(sg_migrate(gfd, h, SIMGPU_PLACEMENT_SYSTEM), 0);
	ck_assert_int_eq(snoop_resolve(sfd, VA_A + SZ_4K, &r), 0);
	ck_assert_uint_ne(r.phys_addr, 0);
}
END_TEST

static int resolve_as_user(void *arg)
{
	struct cardsnoop_resolve r;
	uint32_t h;
	int g, s;

	g = sg_open(0);
	s = g >= 0 ? snoop_open_for(g) : -1;
	if (s < 0)
		return 10;
	if (snoop_attach(s, g, 0, 0, NULL))
		return 11;
	if (sg_bo_create(g, SZ_64K, SIMGPU_PLACEMENT_SYSTEM, 0, &h, NULL) ||
	    sg_bind(g, h, VA_A, SZ_64K, 0, 0))
		return 12;
	if (snoop_resolve(s, VA_A, &r))
		return 13;
	return r.phys_addr || r.vram_offset || r.dma_addr ? 14 : 0;
}

START_TEST(resolve_physical_zero_unprivileged)
{
	int st = run_as(1000, resolve_as_user, NULL);

	ck_assert_msg(WIFEXITED(st) && !WEXITSTATUS(st), "status %#x", st);
}
END_TEST

START_TEST(resolve_errors)
{
	struct cardsnoop_resolve r = { .va = VA_A, .flags = 1 };

	attach_self(0);
	ck_assert_int_eq(ioctl(sfd, CARDSNOOP_IOCTL_RESOLVE, &r), -1);
	ck_assert_int_eq(errno, EINVAL);
	r.flags = 0;
	r.pad = 1;
	ck_assert_int_eq(ioctl(sfd, CARDSNOOP_IOCTL_RESOLVE, &r), -1);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

/* -------------------------------------------------------- read/write */

static void check_read_matches(uint32_t placement)
{
	uint64_t size = 256 * SZ_4K;
	uint8_t *cpu, *buf = malloc(size);
	unsigned int i;

	attach_self(0);
	make_bo(VA_A, size, placement, 0, 7, (void **)&cpu);
	ck_assert_int_eq(pread(sfd, buf, size, VA_A), (ssize_t)size);
	ck_assert_mem_eq(buf, cpu, size);

	/* Odd sizes and offsets. */
	srand(42);
	for (i = 0; i < 200; i++) {
		uint64_t off = rand() % size;
		uint64_t len = 1 + rand() % (size - off);

		memset(buf, 0, len);
		ck_assert_int_eq(pread(sfd, buf, len, VA_A + off), (ssize_t)len);
		ck_assert_mem_eq(buf, cpu + off, len);
	}
	free(buf);
}

START_TEST(read_system_matches_cpu)
{
	check_read_matches(SIMGPU_PLACEMENT_SYSTEM);
}
END_TEST

START_TEST(read_vram_matches_cpu)
{
	check_read_matches(SIMGPU_PLACEMENT_VRAM);
}
END_TEST

static void check_write_visible(uint32_t placement)
{
	uint64_t size = 64 * SZ_4K;
	uint8_t *cpu, *buf = malloc(size);
	unsigned int i;

	attach_self(0);
	make_bo(VA_A, size, placement, 0, 1, (void **)&cpu);
	fill_pattern(buf, size, 99);
	ck_assert_int_eq(pwrite(sfd, buf, size, VA_A), (ssize_t)size);
	ck_assert_mem_eq(cpu, buf, size);

	srand(7);
	for (i = 0; i < 100; i++) {
		uint64_t off = rand() % size;
		uint64_t len = 1 + rand() % (size - off > 9000 ? 9000 :
					     size - off);

		fill_pattern(buf, len + 3, i);
		ck_assert_int_eq(pwrite(sfd, buf, len, VA_A + off),
				 (ssize_t)len);
		ck_assert_mem_eq(cpu + off, buf, len);
	}
	/* And the GPU sees it: copy it with the engine and compare. */
	free(buf);
}

START_TEST(write_system_visible)
{
	check_write_visible(SIMGPU_PLACEMENT_SYSTEM);
}
END_TEST

START_TEST(write_vram_visible)
{
	check_write_visible(SIMGPU_PLACEMENT_VRAM);
}
END_TEST

START_TEST(read_across_mappings)
{
	uint8_t *a, *b, buf[2 * SZ_4K];

	attach_self(0);
	make_bo(VA_A, SZ_4K, SIMGPU_PLACEMENT_SYSTEM, 0, 1, (void **)&a);
	make_bo(VA_A + SZ_4K, SZ_4K, SIMGPU_PLACEMENT_VRAM, 0, 2, (void **)&b);
	ck_assert_int_eq(pread(sfd, buf, sizeof(buf), VA_A), sizeof(buf));
	ck_assert_mem_eq(buf, a, SZ_4K);
	ck_assert_mem_eq(buf + SZ_4K, b, SZ_4K);
}
END_TEST

START_TEST(read_stops_at_hole)
{
	char buf[3 * SZ_4K];

	attach_self(0);
	make_bo(VA_A, 2 * SZ_4K, SIMGPU_PLACEMENT_SYSTEM, 0, 1, NULL);
	ck_assert_int_eq(pread(sfd, buf, sizeof(buf), VA_A + 100),
			 2 * SZ_4K - 100);
	ck_assert_int_eq(pread(sfd, buf, 10, VA_A + 2 * SZ_4K), -1);
	ck_assert_int_eq(errno, EIO);
	ck_assert_int_eq(pwrite(sfd, buf, sizeof(buf), VA_A + SZ_4K), SZ_4K);
	ck_assert_int_eq(pwrite(sfd, buf, 1, VA_B), -1);
	ck_assert_int_eq(errno, EIO);
}
END_TEST

START_TEST(read_zero_holes)
{
	uint8_t buf[3 * SZ_4K], *cpu;
	unsigned int i;

	attach_self(CARDSNOOP_ATTACH_ZERO_HOLES);
	make_bo(VA_A + SZ_4K, SZ_4K, SIMGPU_PLACEMENT_SYSTEM, 0, 3,
		(void **)&cpu);
	memset(buf, 0xaa, sizeof(buf));
	ck_assert_int_eq(pread(sfd, buf, sizeof(buf), VA_A), sizeof(buf));
	for (i = 0; i < SZ_4K; i++)
		ck_assert_uint_eq(buf[i] | buf[2 * SZ_4K + i], 0);
	ck_assert_mem_eq(buf + SZ_4K, cpu, SZ_4K);
	/* Writes to holes still stop. */
	ck_assert_int_eq(pwrite(sfd, buf, 1, VA_A), -1);
	ck_assert_int_eq(errno, EIO);
}
END_TEST

START_TEST(write_gpu_readonly_eacces)
{
	char buf[16] = "x";

	attach_self(0);
	make_bo(VA_A, SZ_4K, SIMGPU_PLACEMENT_SYSTEM, SIMGPU_BIND_READONLY, 1,
		NULL);
	ck_assert_int_eq(pread(sfd, buf, sizeof(buf), VA_A), sizeof(buf));
	ck_assert_int_eq(pwrite(sfd, buf, sizeof(buf), VA_A), -1);
	ck_assert_int_eq(errno, EACCES);
}
END_TEST

START_TEST(readonly_attach_refuses_writes)
{
	char buf[16] = "x";

	attach_self(CARDSNOOP_ATTACH_READONLY);
	make_bo(VA_A, SZ_4K, SIMGPU_PLACEMENT_SYSTEM, 0, 1, NULL);
	ck_assert_int_eq(pread(sfd, buf, sizeof(buf), VA_A), sizeof(buf));
	ck_assert_int_eq(pwrite(sfd, buf, sizeof(buf), VA_A), -1);
	ck_assert_int_eq(errno, EPERM);
	ck_assert_ptr_eq(mmap(NULL, SZ_4K, PROT_READ | PROT_WRITE, MAP_SHARED,
			      sfd, VA_A), MAP_FAILED);
	ck_assert_int_eq(errno, EACCES);
	/* A read-only mapping cannot be made writable later. */
	{
		void *p = mmap(NULL, SZ_4K, PROT_READ, MAP_SHARED, sfd, VA_A);

		ck_assert_ptr_ne(p, MAP_FAILED);
		ck_assert_int_eq(mprotect(p, SZ_4K, PROT_READ | PROT_WRITE),
				 -1);
		ck_assert_int_eq(errno, EACCES);
	}
}
END_TEST

START_TEST(sparse_reads_zero_drops_writes)
{
	uint8_t buf[SZ_4K];
	unsigned int i;

	attach_self(0);
	ck_assert_int_eq(sg_bind(gfd, 0, VA_A, 4 * SZ_4K, 0,
				 SIMGPU_BIND_SPARSE), 0);
	memset(buf, 0x55, sizeof(buf));
	ck_assert_int_eq(pwrite(sfd, buf, sizeof(buf), VA_A), sizeof(buf));
	ck_assert_int_eq(pread(sfd, buf, sizeof(buf), VA_A), sizeof(buf));
	for (i = 0; i < sizeof(buf); i++)
		ck_assert_uint_eq(buf[i], 0);
}
END_TEST

START_TEST(read_at_end_of_space)
{
	char buf[16];

	attach_self(0);
	ck_assert_int_eq(pread(sfd, buf, sizeof(buf), VA_SPACE), 0);
	ck_assert_int_eq(pread(sfd, buf, sizeof(buf), VA_SPACE + 4096), 0);
	ck_assert_int_eq(pread(sfd, buf, sizeof(buf), VA_SPACE - 8), -1);
	ck_assert_int_eq(errno, EIO);
	ck_assert_int_eq(pwrite(sfd, buf, sizeof(buf), VA_SPACE), -1);
	ck_assert_int_eq(errno, EIO);
}
END_TEST

START_TEST(read_bad_buffer_efault)
{
	/* An address nothing is mapped at, hidden from the compiler. */
	void *volatile bad = (void *)(uintptr_t)8;

	attach_self(0);
	make_bo(VA_A, SZ_4K, SIMGPU_PLACEMENT_SYSTEM, 0, 1, NULL);
	ck_assert_int_eq(pread(sfd, bad, 16, VA_A), -1);
	ck_assert_int_eq(errno, EFAULT);
	ck_assert_int_eq(pwrite(sfd, bad, 16, VA_A), -1);
	ck_assert_int_eq(errno, EFAULT);
}
END_TEST

START_TEST(read_into_unfaulted_buffer)
{
	uint64_t size = 64 * SZ_4K;
	uint8_t *cpu;
	void *buf;

	attach_self(0);
	make_bo(VA_A, size, SIMGPU_PLACEMENT_SYSTEM, 0, 5, (void **)&cpu);
	/* Fresh anonymous memory: every page faults during the copy. */
	buf = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_int_eq(pread(sfd, buf, size, VA_A), (ssize_t)size);
	ck_assert_mem_eq(buf, cpu, size);
}
END_TEST

START_TEST(read_write_file_position)
{
	uint8_t *cpu, buf[100];

	attach_self(0);
	make_bo(VA_A, SZ_4K, SIMGPU_PLACEMENT_SYSTEM, 0, 1, (void **)&cpu);
	ck_assert_int_eq(lseek(sfd, VA_A + 10, SEEK_SET), (off_t)(VA_A + 10));
	ck_assert_int_eq(read(sfd, buf, 50), 50);
	ck_assert_mem_eq(buf, cpu + 10, 50);
	ck_assert_int_eq(lseek(sfd, 0, SEEK_CUR), (off_t)(VA_A + 60));
	memset(buf, 0x11, sizeof(buf));
	ck_assert_int_eq(write(sfd, buf, 20), 20);
	ck_assert_mem_eq(cpu + 60, buf, 20);
	ck_assert_int_eq(lseek(sfd, 0, SEEK_CUR), (off_t)(VA_A + 80));
}
END_TEST

/* -------------------------------------------------------------- seek */

START_TEST(seek_end_and_bounds)
{
	attach_self(0);
	ck_assert_int_eq(lseek(sfd, 0, SEEK_END), (off_t)VA_SPACE);
	ck_assert_int_eq(lseek(sfd, -4096, SEEK_END), (off_t)(VA_SPACE - 4096));
	ck_assert_int_eq(lseek(sfd, 1, SEEK_END), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(lseek(sfd, -1, SEEK_SET), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(lseek(sfd, VA_SPACE, SEEK_DATA), -1);
	ck_assert_int_eq(errno, ENXIO);
	ck_assert_int_eq(lseek(sfd, 0, 42), -1);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(seek_data_hole)
{
	attach_self(0);
	make_bo(VA_A, 2 * SZ_4K, SIMGPU_PLACEMENT_SYSTEM, 0, 1, NULL);
	make_bo(VA_A + 2 * SZ_4K, SZ_4K, SIMGPU_PLACEMENT_VRAM, 0, 1, NULL);
	make_bo(VA_B, SZ_4K, SIMGPU_PLACEMENT_SYSTEM, 0, 1, NULL);

	ck_assert_int_eq(lseek(sfd, 0, SEEK_DATA), (off_t)VA_A);
	ck_assert_int_eq(lseek(sfd, VA_A + 5, SEEK_DATA), (off_t)(VA_A + 5));
	ck_assert_int_eq(lseek(sfd, VA_A, SEEK_HOLE), (off_t)(VA_A + 3 * SZ_4K));
	ck_assert_int_eq(lseek(sfd, VA_A + 3 * SZ_4K, SEEK_DATA), (off_t)VA_B);
	ck_assert_int_eq(lseek(sfd, 0, SEEK_HOLE), 0);
	ck_assert_int_eq(lseek(sfd, VA_B, SEEK_HOLE), (off_t)(VA_B + SZ_4K));
	ck_assert_int_eq(lseek(sfd, VA_B + SZ_4K, SEEK_DATA), -1);
	ck_assert_int_eq(errno, ENXIO);
	ck_assert_int_eq(lseek(sfd, VA_B + SZ_4K, SEEK_HOLE),
			 (off_t)(VA_B + SZ_4K));
}
END_TEST

/* -------------------------------------------------------------- mmap */

START_TEST(mmap_system_coherent_both_ways)
{
	uint64_t size = 128 * SZ_4K;
	uint32_t *cpu, *snoop;
	unsigned int i;

	attach_self(0);
	make_bo(VA_A, size, SIMGPU_PLACEMENT_SYSTEM, 0, 3, (void **)&cpu);
	snoop = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, sfd, VA_A);
	ck_assert_ptr_ne(snoop, MAP_FAILED);
	ck_assert_mem_eq(snoop, cpu, size);
	for (i = 0; i < size / 4; i += 997) {
		cpu[i] = 0xc0de0000 | i;
		ck_assert_uint_eq(snoop[i], 0xc0de0000 | i);
		snoop[i + 1] = 0xfeed0000 | i;
		ck_assert_uint_eq(cpu[i + 1], 0xfeed0000 | i);
	}
	/* The engine's writes too. */
	ck_assert_int_eq(sg_gpu_fill(gfd, VA_A + SZ_4K, SZ_4K, 0x5a5a5a5a), 0);
	ck_assert_uint_eq(snoop[SZ_4K / 4 + 7], 0x5a5a5a5a);
	ck_assert_int_eq(fdinfo_value(sfd, "cardsnoop-snapshot-bytes"), 0);
}
END_TEST

START_TEST(mmap_errors)
{
	attach_self(0);
	make_bo(VA_A, SZ_4K, SIMGPU_PLACEMENT_SYSTEM, 0, 1, NULL);
	ck_assert_ptr_eq(mmap(NULL, SZ_4K, PROT_READ, MAP_PRIVATE, sfd, VA_A),
			 MAP_FAILED);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_eq(mmap(NULL, 2 * SZ_4K, PROT_READ, MAP_SHARED, sfd,
			      VA_SPACE - SZ_4K), MAP_FAILED);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(mmap_hole_sigbus)
{
	uint8_t *p;

	attach_self(0);
	make_bo(VA_A, SZ_4K, SIMGPU_PLACEMENT_SYSTEM, SIMGPU_BIND_READONLY, 1,
		NULL);
	p = mmap(NULL, 2 * SZ_4K, PROT_READ | PROT_WRITE, MAP_SHARED, sfd,
		 VA_A);
	ck_assert_ptr_ne(p, MAP_FAILED);
	ck_assert_int_eq(access_faults(p, 0), 0);
	ck_assert_int_eq(access_faults(p, 1), 1);	/* GPU read-only */
	ck_assert_int_eq(access_faults(p + SZ_4K, 0), 1); /* hole */
}
END_TEST

START_TEST(mmap_zero_holes)
{
	uint8_t *p;

	attach_self(CARDSNOOP_ATTACH_ZERO_HOLES);
	p = mmap(NULL, SZ_4K, PROT_READ | PROT_WRITE, MAP_SHARED, sfd, VA_C);
	ck_assert_ptr_ne(p, MAP_FAILED);
	ck_assert_int_eq(access_faults(p, 0), 0);
	ck_assert_uint_eq(p[100], 0);
	ck_assert_int_eq(access_faults(p, 1), 1);
}
END_TEST

START_TEST(mmap_invalidated_by_unbind_and_rebind)
{
	uint32_t *snoop, *cpu2;
	uint32_t h;

	attach_self(0);
	h = make_bo(VA_A, SZ_64K, SIMGPU_PLACEMENT_SYSTEM, 0, 1, NULL);
	snoop = mmap(NULL, SZ_64K, PROT_READ, MAP_SHARED, sfd, VA_A);
	ck_assert_ptr_ne(snoop, MAP_FAILED);
	ck_assert_int_eq(access_faults(snoop, 0), 0);

	ck_assert_int_eq(sg_unbind(gfd, VA_A, SZ_64K), 0);
	ck_assert_int_eq(access_faults(snoop, 0), 1);
	ck_assert_int_ge(fdinfo_value(sfd, "cardsnoop-invalidations"), 1);

	/* Another buffer at the same VA: the mapping follows. */
	make_bo(VA_A, SZ_64K, SIMGPU_PLACEMENT_SYSTEM, 0, 2, (void **)&cpu2);
	ck_assert_int_eq(access_faults(snoop, 0), 0);
	ck_assert_mem_eq(snoop, cpu2, SZ_64K);
	sg_close_handle(gfd, h);
}
END_TEST

START_TEST(mmap_follows_migration)
{
	uint32_t *snoop, *cpu, h;

	attach_self(0);
	h = make_bo(VA_A, SZ_64K, SIMGPU_PLACEMENT_SYSTEM, 0, 4, (void **)&cpu);
	snoop = mmap(NULL, SZ_64K, PROT_READ | PROT_WRITE, MAP_SHARED, sfd,
		     VA_A);
	ck_assert_ptr_ne(snoop, MAP_FAILED);
	ck_assert_mem_eq(snoop, cpu, SZ_64K);
	ck_assert_int_eq(sg_migrate(gfd, h, SIMGPU_PLACEMENT_VRAM), 0);
	ck_assert_mem_eq(snoop, cpu, SZ_64K);	/* now a VRAM snapshot */
	ck_assert_int_gt(fdinfo_value(sfd, "cardsnoop-snapshot-bytes"), 0);
	ck_assert_int_eq(sg_migrate(gfd, h, SIMGPU_PLACEMENT_SYSTEM), 0);
	ck_assert_int_eq(fdinfo_value(sfd, "cardsnoop-snapshot-bytes"), 0);
	cpu[5] = 0x12345678;
	ck_assert_uint_eq(snoop[5], 0x12345678);	/* live again */
}
END_TEST

/* ---------------------------------------------------- VRAM snapshots */

START_TEST(vram_snapshot_read)
{
	uint32_t *snoop, *cpu;
	uint64_t dropped;

	attach_self(0);
	make_bo(VA_A, SZ_64K, SIMGPU_PLACEMENT_VRAM, 0, 8, (void **)&cpu);
	snoop = mmap(NULL, SZ_64K, PROT_READ, MAP_SHARED, sfd, VA_A);
	ck_assert_ptr_ne(snoop, MAP_FAILED);
	ck_assert_mem_eq(snoop, cpu, SZ_64K);
	ck_assert_int_eq(fdinfo_value(sfd, "cardsnoop-snapshot-bytes"),
			 (long long)SZ_64K);

	/* A snapshot is a copy: the target's later write shows after REFRESH. */
	cpu[3] = 0xabcdef01;
	ck_assert_uint_ne(snoop[3], 0xabcdef01);
	ck_assert_int_eq(snoop_refresh(sfd, VA_A, SZ_64K, 0, &dropped), 0);
	ck_assert_uint_eq(dropped, SZ_64K);
	ck_assert_uint_eq(snoop[3], 0xabcdef01);

	/* pread always reads VRAM itself. */
	cpu[4] = 0x0badcafe;
	{
		uint32_t v;

		ck_assert_int_eq(pread(sfd, &v, 4, VA_A + 16), 4);
		ck_assert_uint_eq(v, 0x0badcafe);
	}
}
END_TEST

START_TEST(vram_snapshot_write_fsync)
{
	uint32_t *snoop, *cpu, v;

	attach_self(0);
	make_bo(VA_A, SZ_64K, SIMGPU_PLACEMENT_VRAM, 0, 8, (void **)&cpu);
	snoop = mmap(NULL, SZ_64K, PROT_READ | PROT_WRITE, MAP_SHARED, sfd,
		     VA_A);
	ck_assert_ptr_ne(snoop, MAP_FAILED);
	snoop[10] = 0x11223344;
	ck_assert_uint_ne(cpu[10], 0x11223344);	/* not yet in VRAM */
	/* The snooper's own pread sees its unsynced write. */
	ck_assert_int_eq(pread(sfd, &v, 4, VA_A + 40), 4);
	ck_assert_uint_eq(v, 0x11223344);
	ck_assert_int_eq(fsync(sfd), 0);
	ck_assert_uint_eq(cpu[10], 0x11223344);
	ck_assert_int_eq(fdinfo_value(sfd, "cardsnoop-writeback-bytes"),
			 (long long)SZ_4K);

	/* Written again after the writeback: dirty again, msync reaches VRAM. */
	snoop[11] = 0x55667788;
	ck_assert_int_eq(msync(snoop, SZ_64K, MS_SYNC), 0);
	ck_assert_uint_eq(cpu[11], 0x55667788);

	/* The engine sees it too. */
	{
		struct drm_simgpu_cmd c = {
			.op = SIMGPU_CMD_COPY, .arg0 = VA_A + 44,
			.arg1 = VA_A + 48, .arg2 = 4,
		};

		ck_assert_int_eq(sg_submit(gfd, &c, 1), 0);
		ck_assert_uint_eq(cpu[12], 0x55667788);
	}
}
END_TEST

START_TEST(vram_snapshot_discarded_on_unbind)
{
	uint32_t *snoop, *cpu, h;

	attach_self(0);
	h = make_bo(VA_A, SZ_64K, SIMGPU_PLACEMENT_VRAM, 0, 8, (void **)&cpu);
	snoop = mmap(NULL, SZ_64K, PROT_READ | PROT_WRITE, MAP_SHARED, sfd,
		     VA_A);
	ck_assert_ptr_ne(snoop, MAP_FAILED);
	snoop[0] = 0x99999999;
	ck_assert_int_eq(sg_unbind(gfd, VA_A, SZ_64K), 0);
	ck_assert_int_eq(fdinfo_value(sfd, "cardsnoop-discarded-bytes"),
			 (long long)SZ_4K);
	ck_assert_uint_ne(cpu[0], 0x99999999);
	ck_assert_int_eq(fsync(sfd), 0);
	ck_assert_uint_ne(cpu[0], 0x99999999);
	ck_assert_int_eq(access_faults(snoop, 0), 1);
	sg_close_handle(gfd, h);
}
END_TEST

START_TEST(vram_snapshot_refresh_discard)
{
	uint32_t *snoop, *cpu;
	uint64_t dropped;

	attach_self(0);
	make_bo(VA_A, SZ_64K, SIMGPU_PLACEMENT_VRAM, 0, 8, (void **)&cpu);
	snoop = mmap(NULL, SZ_64K, PROT_READ | PROT_WRITE, MAP_SHARED, sfd,
		     VA_A);
	ck_assert_ptr_ne(snoop, MAP_FAILED);
	snoop[0] = 0x77777777;
	ck_assert_int_eq(snoop_refresh(sfd, VA_A, SZ_4K,
				       CARDSNOOP_REFRESH_DISCARD, &dropped), 0);
	ck_assert_uint_eq(dropped, SZ_4K);
	ck_assert_uint_ne(cpu[0], 0x77777777);
	ck_assert_uint_eq(snoop[0], cpu[0]);
	snoop[1] = 0x66666666;
	ck_assert_int_eq(snoop_refresh(sfd, VA_A, 0, 0, &dropped), 0);
	ck_assert_uint_eq(cpu[1], 0x66666666);	/* written back, then dropped */
	ck_assert_int_eq(snoop_refresh(sfd, VA_SPACE, 1, 0, NULL), -EINVAL);
	ck_assert_int_eq(snoop_refresh(sfd, 0, 0, 2, NULL), -EINVAL);
}
END_TEST

START_TEST(vram_snapshot_limit)
{
	uint64_t size = 4 * SZ_1M;
	volatile uint8_t *snoop;
	uint64_t i, sum = 0;

	/* setup() restores 64 */
	ck_assert_int_eq(cardsnoop_param_set("snapshot_limit_mb", "1"), 0);
	attach_self(0);
	make_bo(VA_A, size, SIMGPU_PLACEMENT_VRAM, 0, 9, NULL);
	snoop = mmap(NULL, size, PROT_READ, MAP_SHARED, sfd, VA_A);
	ck_assert_ptr_ne((void *)snoop, MAP_FAILED);
	for (i = 0; i < size; i += SZ_4K)
		sum += snoop[i];
	ck_assert_int_le(fdinfo_value(sfd, "cardsnoop-snapshot-bytes"),
			 (long long)SZ_1M);
	ck_assert_int_ge(fdinfo_value(sfd, "cardsnoop-snapshot-faults"),
			 (long long)(size / SZ_4K));
	/* What is not held any more was reclaimed; none of it was dirty. */
	ck_assert_int_ge(fdinfo_value(sfd, "cardsnoop-reclaimed-bytes"),
			 (long long)(size - SZ_1M));
	ck_assert_int_eq(fdinfo_value(sfd, "cardsnoop-reclaim-writeback-bytes"),
			 0);
	(void)sum;
}
END_TEST

/* Reclaim writes dirty snapshots back before dropping them: nothing lost. */
START_TEST(vram_snapshot_limit_dirty)
{
	uint64_t size = 4 * SZ_1M, i;
	uint32_t *snoop, *cpu;

	ck_assert_int_eq(cardsnoop_param_set("snapshot_limit_mb", "1"), 0);
	attach_self(0);
	make_bo(VA_A, size, SIMGPU_PLACEMENT_VRAM, 0, 9, (void **)&cpu);
	snoop = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, sfd,
		     VA_A);
	ck_assert_ptr_ne(snoop, MAP_FAILED);
	for (i = 0; i < size / 4; i += SZ_4K / 4)
		snoop[i + 7] = 0xd1000000u | (uint32_t)(i / (SZ_4K / 4));
	ck_assert_int_le(fdinfo_value(sfd, "cardsnoop-snapshot-bytes"),
			 (long long)SZ_1M);
	/* All but at most the last 1 MiB reached VRAM without an fsync. */
	ck_assert_int_ge(fdinfo_value(sfd, "cardsnoop-reclaim-writeback-bytes"),
			 (long long)(size - SZ_1M));
	ck_assert_int_ge(fdinfo_value(sfd, "cardsnoop-reclaimed-bytes"),
			 (long long)(size - SZ_1M));
	ck_assert_int_eq(fsync(sfd), 0);
	for (i = 0; i < size / 4; i += SZ_4K / 4)
		ck_assert_uint_eq(cpu[i + 7],
				  0xd1000000u | (uint32_t)(i / (SZ_4K / 4)));
	ck_assert_int_eq(fdinfo_value(sfd, "cardsnoop-writeback-bytes"),
			 (long long)size);
	ck_assert_int_eq(fdinfo_value(sfd, "cardsnoop-discarded-bytes"), 0);
}
END_TEST

/* --------------------------------------------------------- canonical */

START_TEST(canonical_high_half)
{
	uint64_t canon = 0xffff800000010000ull;
	uint64_t off = canon & (VA_SPACE - 1);
	uint8_t *cpu, buf[64];
	struct cardsnoop_resolve r;

	attach_self(0);
	make_bo(canon, SZ_64K, SIMGPU_PLACEMENT_SYSTEM, 0, 6, (void **)&cpu);
	ck_assert_int_eq(pread(sfd, buf, sizeof(buf), off), sizeof(buf));
	ck_assert_mem_eq(buf, cpu, sizeof(buf));
	ck_assert_int_eq(snoop_resolve(sfd, off, &r), 0);
	ck_assert_uint_eq(r.mapping.va, off);
	ck_assert_int_eq(lseek(sfd, VA_SPACE / 2, SEEK_DATA), (off_t)off);
	/* The very last page of the VA space. */
	make_bo(VA_SPACE - SZ_4K, SZ_4K, SIMGPU_PLACEMENT_VRAM, 0, 2,
		(void **)&cpu);
	ck_assert_int_eq(pread(sfd, buf, sizeof(buf), VA_SPACE - 32), 32);
	ck_assert_mem_eq(buf, cpu + SZ_4K - 32, 32);
}
END_TEST

/* ------------------------------------------------------- processes */

struct target {
	pid_t pid;
	int cmd[2];	/* parent -> child */
	int ack[2];	/* child -> parent */
	int drm_fd;	/* in the child */
};

/* A child that opens simgpu, binds a patterned buffer at VA_A, and waits. */
static void target_start(struct target *t, int dumpable, uid_t uid)
{
	char c;

	ck_assert_int_eq(pipe(t->cmd), 0);
	ck_assert_int_eq(pipe(t->ack), 0);
	t->pid = fork();
	ck_assert_int_ge(t->pid, 0);
	if (!t->pid) {
		uint32_t h;
		void *map;
		int fd;

		if (uid && (setgid(uid) || setuid(uid)))
			_exit(1);
		prctl(PR_SET_DUMPABLE, dumpable);
		fd = sg_open(0);
		if (fd < 0 || sg_bo_create(fd, SZ_64K, SIMGPU_PLACEMENT_SYSTEM,
					   0, &h, NULL))
			_exit(2);
		map = sg_bo_map(fd, h, SZ_64K);
		if (!map)
			_exit(3);
		fill_pattern(map, SZ_64K, 1234);
		if (sg_bind(fd, h, VA_A, SZ_64K, 0, 0))
			_exit(4);
		if (write(t->ack[1], &fd, sizeof(fd)) != sizeof(fd))
			_exit(5);
		while (read(t->cmd[0], &c, 1) == 1)
			;
		_exit(0);
	}
	ck_assert_int_eq(read(t->ack[0], &t->drm_fd, sizeof(t->drm_fd)),
			 sizeof(t->drm_fd));
}

static void target_stop(struct target *t)
{
	int st;

	close(t->cmd[1]);
	kill(t->pid, SIGKILL);
	waitpid(t->pid, &st, 0);
}

START_TEST(attach_child_via_pidfd_getfd)
{
	struct target t;
	uint8_t buf[SZ_4K], want[SZ_4K];
	struct cardsnoop_attach out;
	int fd;

	target_start(&t, 1, 0);
	fd = pidfd_get_fd(t.pid, t.drm_fd);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(snoop_attach(sfd, fd, 0, 0, &out), 0);
	close(fd);	/* the attachment holds its own reference */
	ck_assert_int_eq(out.owner_pid, t.pid);
	fill_pattern(want, sizeof(want), 1234);
	ck_assert_int_eq(pread(sfd, buf, sizeof(buf), VA_A), sizeof(buf));
	ck_assert_mem_eq(buf, want, sizeof(buf));
	target_stop(&t);
}
END_TEST

START_TEST(post_mortem_after_sigkill)
{
	struct target t;
	uint8_t buf[SZ_4K], want[SZ_4K];
	int fd, st;

	target_start(&t, 1, 0);
	fd = pidfd_get_fd(t.pid, t.drm_fd);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(snoop_attach(sfd, fd, 0, 0, NULL), 0);
	close(fd);
	ck_assert_int_eq(fdinfo_value(sfd, "cardsnoop-owner-pid"), t.pid);
	kill(t.pid, SIGKILL);
	waitpid(t.pid, &st, 0);

	fill_pattern(want, sizeof(want), 1234);
	ck_assert_int_eq(pread(sfd, buf, sizeof(buf), VA_A), sizeof(buf));
	ck_assert_mem_eq(buf, want, sizeof(buf));
	ck_assert_int_eq(lseek(sfd, 0, SEEK_DATA), (off_t)VA_A);
	{
		char line[256];
		FILE *f;
		char path[64];
		int alive_no = 0;

		snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", sfd);
		f = fopen(path, "r");
		while (f && fgets(line, sizeof(line), f))
			if (!strcmp(line, "cardsnoop-owner-alive:\tno\n"))
				alive_no = 1;
		if (f)
			fclose(f);
		ck_assert_msg(alive_no, "fdinfo does not show the owner gone");
	}
}
END_TEST

struct snoop_as_ctx {
	pid_t pid;
	int fd;
	int expect;	/* -errno expected from pidfd_getfd, or 0 */
};

static int snoop_as(void *arg)
{
	struct snoop_as_ctx *c = arg;
	int fd = pidfd_get_fd(c->pid, c->fd);

	if (fd < 0)
		return fd == c->expect ? 0 : 20;
	if (c->expect)
		return 21;
	return 0;
}

START_TEST(refused_other_uid)
{
	struct target t;
	struct snoop_as_ctx c;
	int st;

	target_start(&t, 1, 1001);
	c = (struct snoop_as_ctx){ .pid = t.pid, .fd = t.drm_fd,
				   .expect = -EPERM };
	st = run_as(1000, snoop_as, &c);
	ck_assert_msg(WIFEXITED(st) && !WEXITSTATUS(st), "status %#x", st);
	target_stop(&t);
}
END_TEST

START_TEST(refused_non_dumpable)
{
	struct target t;
	struct snoop_as_ctx c;
	int st;

	target_start(&t, 0, 1000);
	c = (struct snoop_as_ctx){ .pid = t.pid, .fd = t.drm_fd,
				   .expect = -EPERM };
	st = run_as(1000, snoop_as, &c);
	ck_assert_msg(WIFEXITED(st) && !WEXITSTATUS(st), "status %#x", st);
	target_stop(&t);
}
END_TEST

static void set_yama(int scope)
{
	FILE *f = fopen("/proc/sys/kernel/yama/ptrace_scope", "w");

	ck_assert_ptr_nonnull(f);
	fprintf(f, "%d\n", scope);
	ck_assert_int_eq(fclose(f), 0);
}

START_TEST(refused_yama_scope_2)
{
	struct target t;
	struct snoop_as_ctx c;
	int st;

	target_start(&t, 1, 1000);
	set_yama(2);
	c = (struct snoop_as_ctx){ .pid = t.pid, .fd = t.drm_fd,
				   .expect = -EPERM };
	st = run_as(1000, snoop_as, &c);
	set_yama(0);
	ck_assert_msg(WIFEXITED(st) && !WEXITSTATUS(st), "status %#x", st);
	/* Same uid with scope 0: allowed. */
	c.expect = 0;
	st = run_as(1000, snoop_as, &c);
	ck_assert_msg(WIFEXITED(st) && !WEXITSTATUS(st), "status %#x", st);
	target_stop(&t);
}
END_TEST

/* ------------------------------------------------------------- hooks */

static int wait_hooks(int want)
{
	int i;

	/* The key is decremented with a one-second delay. */
	for (i = 0; i < 60; i++) {
		if (snoop_hooks_enabled() == want)
			return 1;
		usleep(100000);
	}
	return 0;
}

START_TEST(static_key_follows_attachments)
{
	ck_assert_msg(wait_hooks(0), "hooks enabled with nothing attached");
	attach_self(0);
	ck_assert_int_eq(snoop_hooks_enabled(), 1);
	close(sfd);
	sfd = snoop_open_for(gfd);
	ck_assert_msg(wait_hooks(0), "hooks still enabled after detach");
}
END_TEST

static Suite *core_suite(void)
{
	Suite *s = suite_create("core");
	TCase *tc;

#define TC(name) \
	tc = tcase_create(name); \
	tcase_add_checked_fixture(tc, setup, teardown); \
	tcase_set_timeout(tc, 60); \
	suite_add_tcase(s, tc)

	TC("info");
	tcase_add_test(tc, info_fields);
	tcase_add_test(tc, ioctl_unknown_nr);
	tcase_add_test(tc, ioctl_short_size);
	tcase_add_test(tc, ioctl_long_size_zero_tail);
	tcase_add_test(tc, ioctl_long_size_nonzero_tail);
	tcase_add_test(tc, ioctl_wrong_direction);
	tcase_add_test(tc, ioctl_bad_pointer);

	TC("attach");
	tcase_add_test(tc, attach_self_outputs);
	tcase_add_test(tc, attach_twice_ebusy);
	tcase_add_test(tc, attach_bad_fd_ebadf);
	tcase_add_test(tc, attach_pipe_einval);
	tcase_add_test(tc, attach_regular_file_einval);
	tcase_add_test(tc, attach_snoop_fd_einval);
	tcase_add_test(tc, attach_vgem_exdev);
	tcase_add_test(tc, attach_other_gpu_exdev);
	tcase_add_test(tc, attach_bad_flags_einval);
	tcase_add_test(tc, attach_bad_pad_einval);
	tcase_add_test(tc, attach_kernel_with_fd_einval);
	tcase_add_test(tc, attach_unknown_vm_enoent);
	tcase_add_test(tc, attach_kernel_reads_ring);
	tcase_add_test(tc, attach_kernel_without_cap_eperm);
	tcase_add_test(tc, unattached_ebadfd);
	tcase_add_test(tc, reopened_fd_is_unattached);

	TC("vms");
	tcase_add_test(tc, vms_list);
	tcase_add_test(tc, vms_errors);

	TC("mappings");
	tcase_add_test(tc, mappings_batches);
	tcase_add_test(tc, mappings_stride_and_errors);

	TC("resolve");
	tcase_add_test(tc, resolve_fields);
	tcase_add_test(tc, resolve_physical_root_only);
	tcase_add_test(tc, resolve_physical_zero_unprivileged);
	tcase_add_test(tc, resolve_errors);

	TC("rw");
	tcase_add_test(tc, read_system_matches_cpu);
	tcase_add_test(tc, read_vram_matches_cpu);
	tcase_add_test(tc, write_system_visible);
	tcase_add_test(tc, write_vram_visible);
	tcase_add_test(tc, read_across_mappings);
	tcase_add_test(tc, read_stops_at_hole);
	tcase_add_test(tc, read_zero_holes);
	tcase_add_test(tc, write_gpu_readonly_eacces);
	tcase_add_test(tc, readonly_attach_refuses_writes);
	tcase_add_test(tc, sparse_reads_zero_drops_writes);
	tcase_add_test(tc, read_at_end_of_space);
	tcase_add_test(tc, read_bad_buffer_efault);
	tcase_add_test(tc, read_into_unfaulted_buffer);
	tcase_add_test(tc, read_write_file_position);

	TC("seek");
	tcase_add_test(tc, seek_end_and_bounds);
	tcase_add_test(tc, seek_data_hole);

	TC("mmap");
	tcase_add_test(tc, mmap_system_coherent_both_ways);
	tcase_add_test(tc, mmap_errors);
	tcase_add_test(tc, mmap_hole_sigbus);
	tcase_add_test(tc, mmap_zero_holes);
	tcase_add_test(tc, mmap_invalidated_by_unbind_and_rebind);
	tcase_add_test(tc, mmap_follows_migration);

	TC("snapshot");
	tcase_add_test(tc, vram_snapshot_read);
	tcase_add_test(tc, vram_snapshot_write_fsync);
	tcase_add_test(tc, vram_snapshot_discarded_on_unbind);
	tcase_add_test(tc, vram_snapshot_refresh_discard);
	tcase_add_test(tc, vram_snapshot_limit);
	tcase_add_test(tc, vram_snapshot_limit_dirty);

	TC("canonical");
	tcase_add_test(tc, canonical_high_half);

	TC("process");
	tcase_add_test(tc, attach_child_via_pidfd_getfd);
	tcase_add_test(tc, post_mortem_after_sigkill);
	tcase_add_test(tc, refused_other_uid);
	tcase_add_test(tc, refused_non_dumpable);
	tcase_add_test(tc, refused_yama_scope_2);

	TC("hooks");
	tcase_add_test(tc, static_key_follows_attachments);
#undef TC
	return s;
}

/*
 * Yama scope 3 forbids ptrace attach to everyone, root included, and cannot
 * be lowered again: run it last in a VM ("core_uapi yama3").
 */
START_TEST(refused_yama_scope_3)
{
	struct target t;
	struct snoop_as_ctx c;
	int st, fd;

	target_start(&t, 1, 1000);
	set_yama(3);
	c = (struct snoop_as_ctx){ .pid = t.pid, .fd = t.drm_fd,
				   .expect = -EPERM };
	st = run_as(1000, snoop_as, &c);
	ck_assert_msg(WIFEXITED(st) && !WEXITSTATUS(st), "status %#x", st);
	fd = pidfd_get_fd(t.pid, t.drm_fd);
	ck_assert_int_eq(fd, -EPERM);
	target_stop(&t);
}
END_TEST

static Suite *yama3_suite(void)
{
	Suite *s = suite_create("core-yama3");
	TCase *tc = tcase_create("process");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, refused_yama_scope_3);
	suite_add_tcase(s, tc);
	return s;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "yama3"))
		return cstest_run(yama3_suite());
	return cstest_run(core_suite());
}
