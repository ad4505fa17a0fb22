// SPDX-License-Identifier: MIT
/*
 * simgpu UAPI: every ioctl's success case and every input validation error,
 * one error per test with otherwise valid input (botching-up-ioctls.rst).
 *
 * TEST: info_*          DRM_IOCTL_SIMGPU_INFO
 * TEST: bo_create_*     DRM_IOCTL_SIMGPU_BO_CREATE
 * TEST: bo_info_*       DRM_IOCTL_SIMGPU_BO_INFO
 * TEST: bind_*          DRM_IOCTL_SIMGPU_VM_BIND
 * TEST: unbind_*        DRM_IOCTL_SIMGPU_VM_UNBIND
 * TEST: migrate_*       DRM_IOCTL_SIMGPU_BO_MIGRATE
 * TEST: submit_*        DRM_IOCTL_SIMGPU_SUBMIT
 * TEST: faults_*        DRM_IOCTL_SIMGPU_FAULTS
 * TEST: prime_*         PRIME export of simgpu buffers
 */
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

/* A system buffer of @size, bound at @va. */
static __u32 bo_at(__u64 va, __u64 size)
{
	__u32 h;

	ck_assert_int_eq(sgt_bo_create(fd, size, SIMGPU_PLACEMENT_SYSTEM, 0, &h),
			 0);
	ck_assert_int_eq(sgt_bind(fd, h, va, size, 0, 0), 0);
	return h;
}

/*
 * INFO
 */

/* The device description matches the UAPI constants and fdinfo. */
START_TEST(info_fields)
{
	ck_assert_uint_eq(info.va_bits, SIMGPU_VA_BITS);
	ck_assert_uint_eq(info.va_start, SIMGPU_VA_START);
	ck_assert_uint_eq(info.va_end, 1ull << 48);
	ck_assert_uint_eq(info.ring_va, SIMGPU_KERNEL_RING_VA);
	ck_assert_uint_ge(info.ring_size, 4096);
	ck_assert_uint_ge(info.vram_size, 1 << 20);
	ck_assert_int_eq(info.vram_size % 4096, 0);
	ck_assert_int_eq(info.client_id, sgt_fdinfo(fd, "drm-client-id"));
}
END_TEST

/* Nonzero pad: -EINVAL. */
START_TEST(info_bad_pad)
{
	struct drm_simgpu_info i = { .pad = 1 };

	ck_assert_int_eq(sgt_ioctl(fd, DRM_IOCTL_SIMGPU_INFO, &i), -EINVAL);
}
END_TEST

/* Each open file is its own client. */
START_TEST(info_client_ids_differ)
{
	struct drm_simgpu_info i2;
	int fd2 = sgt_open();

	ck_assert_int_ge(fd2, 0);
	ck_assert_int_eq(sgt_info(fd2, &i2), 0);
	ck_assert_uint_ne(i2.client_id, info.client_id);
	close(fd2);
}
END_TEST

/*
 * BO_CREATE
 */

static int create(__u64 size, __u32 placement, __u32 flags, __u32 pad,
		  struct drm_simgpu_bo_create *out)
{
	struct drm_simgpu_bo_create c = {
		.size = size, .placement = placement, .flags = flags,
		.pad = pad,
	};
	int ret = sgt_ioctl(fd, DRM_IOCTL_SIMGPU_BO_CREATE, &c);

	if (out)
		*out = c;
	return ret;
}

/* A system buffer: handle, id and mmap offset come back. */
START_TEST(bo_create_system)
{
	struct drm_simgpu_bo_create c;

	ck_assert_int_eq(create(SGT_64K, SIMGPU_PLACEMENT_SYSTEM, 0, 0, &c), 0);
	ck_assert_uint_ne(c.handle, 0);
	ck_assert_uint_ne(c.bo_id, 0);
	ck_assert_uint_ne(c.mmap_offset, 0);
	ck_assert_int_eq(sgt_placement(fd, c.handle), SIMGPU_PLACEMENT_SYSTEM);
}
END_TEST

/* A VRAM buffer lands in VRAM. */
START_TEST(bo_create_vram)
{
	struct drm_simgpu_bo_create c;

	ck_assert_int_eq(create(SGT_64K, SIMGPU_PLACEMENT_VRAM, 0, 0, &c), 0);
	ck_assert_int_eq(sgt_placement(fd, c.handle), SIMGPU_PLACEMENT_VRAM);
}
END_TEST

/* New buffers read as zeros through the CPU, in both placements. */
START_TEST(bo_create_zeroed)
{
	static const __u32 pl[] = { SIMGPU_PLACEMENT_SYSTEM, SIMGPU_PLACEMENT_VRAM };
	static __u8 zero[SGT_64K];
	unsigned int i;

	for (i = 0; i < 2; i++) {
		__u32 h;
		__u8 *p;

		/* Dirty the memory first, free it, allocate again. */
		ck_assert_int_eq(sgt_bo_create(fd, SGT_64K, pl[i], 0, &h), 0);
		p = sgt_map(fd, h);
		ck_assert_ptr_nonnull(p);
		memset(p, 0xa5, SGT_64K);
		munmap(p, SGT_64K);
		ck_assert_int_eq(sgt_ioctl(fd, DRM_IOCTL_GEM_CLOSE,
					   &(struct drm_gem_close){ .handle = h }), 0);
		ck_assert_int_eq(sgt_bo_create(fd, SGT_64K, pl[i], 0, &h), 0);
		p = sgt_map(fd, h);
		ck_assert_ptr_nonnull(p);
		ck_assert(!memcmp(p, zero, SGT_64K));
		munmap(p, SGT_64K);
	}
}
END_TEST

/* Buffer ids are unique on the device, across files. */
START_TEST(bo_create_ids_unique)
{
	struct drm_simgpu_bo_create a, b, c2;
	int fd2 = sgt_open(), save = fd;

	ck_assert_int_ge(fd2, 0);
	ck_assert_int_eq(create(SGT_4K, SIMGPU_PLACEMENT_SYSTEM, 0, 0, &a), 0);
	ck_assert_int_eq(create(SGT_4K, SIMGPU_PLACEMENT_VRAM, 0, 0, &b), 0);
	fd = fd2;
	ck_assert_int_eq(create(SGT_4K, SIMGPU_PLACEMENT_SYSTEM, 0, 0, &c2), 0);
	fd = save;
	ck_assert_uint_ne(a.bo_id, b.bo_id);
	ck_assert_uint_ne(a.bo_id, c2.bo_id);
	ck_assert_uint_ne(b.bo_id, c2.bo_id);
	close(fd2);
}
END_TEST

/* Nonzero pad: -EINVAL. */
START_TEST(bo_create_bad_pad)
{
	ck_assert_int_eq(create(SGT_4K, SIMGPU_PLACEMENT_SYSTEM, 0, 1, NULL),
			 -EINVAL);
}
END_TEST

/* Unknown flag: -EINVAL. */
START_TEST(bo_create_bad_flags)
{
	ck_assert_int_eq(create(SGT_4K, SIMGPU_PLACEMENT_SYSTEM, 1u << 31, 0,
				NULL), -EINVAL);
	ck_assert_int_eq(create(SGT_4K, SIMGPU_PLACEMENT_SYSTEM,
				SIMGPU_BO_IMPORTED, 0, NULL), -EINVAL);
}
END_TEST

/* Placement 0 and unknown placements: -EINVAL. */
START_TEST(bo_create_bad_placement)
{
	ck_assert_int_eq(create(SGT_4K, 0, 0, 0, NULL), -EINVAL);
	ck_assert_int_eq(create(SGT_4K, 3, 0, 0, NULL), -EINVAL);
}
END_TEST

/* Size zero: -EINVAL. */
START_TEST(bo_create_size_zero)
{
	ck_assert_int_eq(create(0, SIMGPU_PLACEMENT_SYSTEM, 0, 0, NULL), -EINVAL);
}
END_TEST

/* Size not page aligned: -EINVAL. */
START_TEST(bo_create_size_unaligned)
{
	ck_assert_int_eq(create(SGT_4K + 1, SIMGPU_PLACEMENT_SYSTEM, 0, 0, NULL),
			 -EINVAL);
}
END_TEST

/* A VRAM buffer larger than VRAM: -ENOSPC. */
START_TEST(bo_create_vram_too_big)
{
	ck_assert_int_eq(create(info.vram_size + SGT_4K, SIMGPU_PLACEMENT_VRAM,
				0, 0, NULL), -ENOSPC);
}
END_TEST

/* A system buffer larger than RAM: -ENOMEM. */
START_TEST(bo_create_system_too_big)
{
	ck_assert_int_eq(create(1ull << 46, SIMGPU_PLACEMENT_SYSTEM, 0, 0, NULL),
			 -ENOMEM);
}
END_TEST

/*
 * BO_INFO
 */

/* Size, id, mmap offset and flags as created. */
START_TEST(bo_info_fields)
{
	struct drm_simgpu_bo_create c;
	struct drm_simgpu_bo_info i;

	ck_assert_int_eq(create(SGT_64K, SIMGPU_PLACEMENT_VRAM, SIMGPU_BO_PINNED,
				0, &c), 0);
	ck_assert_int_eq(sgt_bo_info(fd, c.handle, &i), 0);
	ck_assert_uint_eq(i.size, SGT_64K);
	ck_assert_uint_eq(i.bo_id, c.bo_id);
	ck_assert_uint_eq(i.mmap_offset, c.mmap_offset);
	ck_assert_uint_eq(i.placement, SIMGPU_PLACEMENT_VRAM);
	ck_assert_uint_eq(i.flags, SIMGPU_BO_PINNED);
}
END_TEST

/* Nonzero pad: -EINVAL. */
START_TEST(bo_info_bad_pad)
{
	struct drm_simgpu_bo_info i = { .pad = 1 };
	__u32 h;

	ck_assert_int_eq(sgt_bo_create(fd, SGT_4K, SIMGPU_PLACEMENT_SYSTEM, 0, &h),
			 0);
	i.handle = h;
	ck_assert_int_eq(sgt_ioctl(fd, DRM_IOCTL_SIMGPU_BO_INFO, &i), -EINVAL);
}
END_TEST

/* Unknown handle, and a closed one: -ENOENT. */
START_TEST(bo_info_bad_handle)
{
	struct drm_simgpu_bo_info i;
	__u32 h;

	ck_assert_int_eq(sgt_bo_info(fd, 12345, &i), -ENOENT);
	ck_assert_int_eq(sgt_bo_create(fd, SGT_4K, SIMGPU_PLACEMENT_SYSTEM, 0, &h),
			 0);
	ck_assert_int_eq(sgt_ioctl(fd, DRM_IOCTL_GEM_CLOSE,
				   &(struct drm_gem_close){ .handle = h }), 0);
	ck_assert_int_eq(sgt_bo_info(fd, h, &i), -ENOENT);
}
END_TEST

/* Handles are per file: another file's handle is unknown. */
START_TEST(bo_info_other_file_handle)
{
	struct drm_simgpu_bo_info i;
	int fd2 = sgt_open();
	__u32 h;

	ck_assert_int_ge(fd2, 0);
	ck_assert_int_eq(sgt_bo_create(fd2, SGT_4K, SIMGPU_PLACEMENT_SYSTEM, 0,
				       &h), 0);
	ck_assert_int_eq(sgt_bo_info(fd, h, &i), -ENOENT);
	close(fd2);
}
END_TEST

/*
 * VM_BIND
 */

static int bind_raw(__u32 handle, __u32 flags, __u64 va, __u64 size,
		    __u64 offset, __u64 userptr)
{
	struct drm_simgpu_vm_bind b = {
		.handle = handle, .flags = flags, .va = va, .size = size,
		.offset = offset, .userptr = userptr,
	};

	return sgt_ioctl(fd, DRM_IOCTL_SIMGPU_VM_BIND, &b);
}

static __u32 bo64k(void)
{
	__u32 h;

	ck_assert_int_eq(sgt_bo_create(fd, SGT_64K, SIMGPU_PLACEMENT_SYSTEM, 0,
				       &h), 0);
	return h;
}

/* A plain bind, a partial one and a read-only one succeed. */
START_TEST(bind_ok)
{
	__u32 h = bo64k();

	ck_assert_int_eq(bind_raw(h, 0, SGT_1M, SGT_64K, 0, 0), 0);
	ck_assert_int_eq(bind_raw(h, 0, 2 * SGT_1M, SGT_4K, SGT_64K - SGT_4K, 0),
			 0);
	ck_assert_int_eq(bind_raw(h, SIMGPU_BIND_READONLY, 3 * SGT_1M, SGT_4K, 0,
				  0), 0);
}
END_TEST

/* Unknown flag: -EINVAL. */
START_TEST(bind_bad_flags)
{
	ck_assert_int_eq(bind_raw(bo64k(), 1u << 31, SGT_1M, SGT_4K, 0, 0),
			 -EINVAL);
}
END_TEST

/* SPARSE and USERPTR together: -EINVAL. */
START_TEST(bind_sparse_and_userptr)
{
	void *p = mmap(NULL, SGT_4K, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ck_assert_int_eq(bind_raw(0, SIMGPU_BIND_SPARSE | SIMGPU_BIND_USERPTR,
				  SGT_1M, SGT_4K, 0, (uintptr_t)p), -EINVAL);
}
END_TEST

/* SPARSE with a handle, or with an offset: -EINVAL. */
START_TEST(bind_sparse_with_handle_or_offset)
{
	ck_assert_int_eq(bind_raw(bo64k(), SIMGPU_BIND_SPARSE, SGT_1M, SGT_4K, 0,
				  0), -EINVAL);
	ck_assert_int_eq(bind_raw(0, SIMGPU_BIND_SPARSE, SGT_1M, SGT_4K, SGT_4K,
				  0), -EINVAL);
	ck_assert_int_eq(bind_raw(0, SIMGPU_BIND_SPARSE, SGT_1M, SGT_4K, 0, 0), 0);
}
END_TEST

/* USERPTR with a handle: -EINVAL; a userptr address without USERPTR too. */
START_TEST(bind_userptr_fields)
{
	void *p = mmap(NULL, SGT_4K, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ck_assert_int_eq(bind_raw(bo64k(), SIMGPU_BIND_USERPTR, SGT_1M, SGT_4K, 0,
				  (uintptr_t)p), -EINVAL);
	ck_assert_int_eq(bind_raw(bo64k(), 0, SGT_1M, SGT_4K, 0, (uintptr_t)p),
			 -EINVAL);
}
END_TEST

/* USERPTR at an unaligned address: -EINVAL. */
START_TEST(bind_userptr_unaligned)
{
	char *p = mmap(NULL, 2 * SGT_4K, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ck_assert_int_eq(bind_raw(0, SIMGPU_BIND_USERPTR, SGT_1M, SGT_4K, 0,
				  (uintptr_t)(p + 8)), -EINVAL);
}
END_TEST

/* USERPTR of a kernel address or of NULL: -EFAULT. */
START_TEST(bind_userptr_bad_address)
{
	ck_assert_int_eq(bind_raw(0, SIMGPU_BIND_USERPTR, SGT_1M, SGT_4K, 0,
				  0xffff888000000000ull), -EFAULT);
	ck_assert_int_eq(bind_raw(0, SIMGPU_BIND_USERPTR, SGT_1M, SGT_4K, 0, 0),
			 -EFAULT);
}
END_TEST

/* VA, size or offset not page aligned: -EINVAL. */
START_TEST(bind_unaligned)
{
	__u32 h = bo64k();

	ck_assert_int_eq(bind_raw(h, 0, SGT_1M + 8, SGT_4K, 0, 0), -EINVAL);
	ck_assert_int_eq(bind_raw(h, 0, SGT_1M, SGT_4K + 8, 0, 0), -EINVAL);
	ck_assert_int_eq(bind_raw(h, 0, SGT_1M, SGT_4K, 8, 0), -EINVAL);
}
END_TEST

/* Size zero: -EINVAL. */
START_TEST(bind_size_zero)
{
	ck_assert_int_eq(bind_raw(bo64k(), 0, SGT_1M, 0, 0, 0), -EINVAL);
}
END_TEST

/* Below SIMGPU_VA_START (VA 0 stays unmapped): -EINVAL. */
START_TEST(bind_below_va_start)
{
	__u32 h = bo64k();

	ck_assert_int_eq(bind_raw(h, 0, 0, SGT_4K, 0, 0), -EINVAL);
	ck_assert_int_eq(bind_raw(h, 0, SIMGPU_VA_START - SGT_4K, SGT_4K, 0, 0),
			 -EINVAL);
	ck_assert_int_eq(bind_raw(h, 0, SIMGPU_VA_START, SGT_4K, 0, 0), 0);
}
END_TEST

/* Past the end of the VA space: -EINVAL; the last page works. */
START_TEST(bind_past_va_end)
{
	__u32 h = bo64k();

	ck_assert_int_eq(bind_raw(h, 0, (1ull << 48) - SGT_4K, 2 * SGT_4K, 0, 0),
			 -EINVAL);
	ck_assert_int_eq(bind_raw(h, 0, 1ull << 48, SGT_4K, 0, 0), -EINVAL);
	ck_assert_int_eq(bind_raw(h, 0, ~0ull - SGT_4K + 1, 2 * SGT_4K, 0, 0),
			 -EINVAL);
	ck_assert_int_eq(bind_raw(h, 0, ~0ull - SGT_4K + 1, SGT_4K, 0, 0), 0);
}
END_TEST

/* A VA that is neither canonical nor linear: -EINVAL. */
START_TEST(bind_noncanonical)
{
	__u32 h = bo64k();

	ck_assert_int_eq(bind_raw(h, 0, 0x0001000000000000ull, SGT_4K, 0, 0),
			 -EINVAL);
	ck_assert_int_eq(bind_raw(h, 0, 0xffff000000000000ull, SGT_4K, 0, 0),
			 -EINVAL);
}
END_TEST

/* offset + size past the buffer (or wrapping): -EINVAL. */
START_TEST(bind_past_buffer)
{
	__u32 h = bo64k();

	ck_assert_int_eq(bind_raw(h, 0, SGT_1M, SGT_64K + SGT_4K, 0, 0), -EINVAL);
	ck_assert_int_eq(bind_raw(h, 0, SGT_1M, SGT_4K, SGT_64K, 0), -EINVAL);
	ck_assert_int_eq(bind_raw(h, 0, SGT_1M, SGT_4K, ~0ull - SGT_4K + 1, 0),
			 -EINVAL);
}
END_TEST

/* Unknown handle: -ENOENT. */
START_TEST(bind_bad_handle)
{
	ck_assert_int_eq(bind_raw(4242, 0, SGT_1M, SGT_4K, 0, 0), -ENOENT);
	ck_assert_int_eq(bind_raw(0, 0, SGT_1M, SGT_4K, 0, 0), -ENOENT);
}
END_TEST

/*
 * VM_UNBIND
 */

static int unbind_raw(__u64 va, __u64 size, __u32 flags, __u32 pad)
{
	struct drm_simgpu_vm_unbind u = {
		.va = va, .size = size, .flags = flags, .pad = pad,
	};

	return sgt_ioctl(fd, DRM_IOCTL_SIMGPU_VM_UNBIND, &u);
}

/* Unbinding a range with nothing mapped succeeds. */
START_TEST(unbind_nothing_mapped)
{
	ck_assert_int_eq(unbind_raw(SGT_1M, SGT_1M, 0, 0), 0);
	ck_assert_int_eq(unbind_raw(SIMGPU_VA_START,
				    (1ull << 48) - SIMGPU_VA_START, 0, 0), 0);
}
END_TEST

/* Nonzero flags: -EINVAL. */
START_TEST(unbind_bad_flags)
{
	ck_assert_int_eq(unbind_raw(SGT_1M, SGT_4K, 1, 0), -EINVAL);
}
END_TEST

/* Nonzero pad: -EINVAL. */
START_TEST(unbind_bad_pad)
{
	ck_assert_int_eq(unbind_raw(SGT_1M, SGT_4K, 0, 1), -EINVAL);
}
END_TEST

/* Unaligned VA or size, size zero: -EINVAL. */
START_TEST(unbind_unaligned)
{
	ck_assert_int_eq(unbind_raw(SGT_1M + 4, SGT_4K, 0, 0), -EINVAL);
	ck_assert_int_eq(unbind_raw(SGT_1M, SGT_4K - 4, 0, 0), -EINVAL);
	ck_assert_int_eq(unbind_raw(SGT_1M, 0, 0, 0), -EINVAL);
}
END_TEST

/* Outside the client range: -EINVAL. */
START_TEST(unbind_outside)
{
	ck_assert_int_eq(unbind_raw(0, SGT_4K, 0, 0), -EINVAL);
	ck_assert_int_eq(unbind_raw((1ull << 48) - SGT_4K, 2 * SGT_4K, 0, 0),
			 -EINVAL);
	ck_assert_int_eq(unbind_raw(0x0001000000000000ull, SGT_4K, 0, 0), -EINVAL);
}
END_TEST

/*
 * BO_MIGRATE
 */

/* Placement 0 or unknown: -EINVAL. */
START_TEST(migrate_bad_placement)
{
	__u32 h = bo64k();

	ck_assert_int_eq(sgt_migrate(fd, h, 0), -EINVAL);
	ck_assert_int_eq(sgt_migrate(fd, h, 7), -EINVAL);
}
END_TEST

/* Unknown handle: -ENOENT. */
START_TEST(migrate_bad_handle)
{
	ck_assert_int_eq(sgt_migrate(fd, 999, SIMGPU_PLACEMENT_VRAM), -ENOENT);
}
END_TEST

/* A pinned buffer: -EBUSY to move, 0 to stay. */
START_TEST(migrate_pinned)
{
	__u32 h;

	ck_assert_int_eq(sgt_bo_create(fd, SGT_64K, SIMGPU_PLACEMENT_VRAM,
				       SIMGPU_BO_PINNED, &h), 0);
	ck_assert_int_eq(sgt_migrate(fd, h, SIMGPU_PLACEMENT_SYSTEM), -EBUSY);
	ck_assert_int_eq(sgt_migrate(fd, h, SIMGPU_PLACEMENT_VRAM), 0);
	ck_assert_int_eq(sgt_placement(fd, h), SIMGPU_PLACEMENT_VRAM);
}
END_TEST

/* Both directions, and to where it already is. */
START_TEST(migrate_ok)
{
	__u32 h = bo64k();

	ck_assert_int_eq(sgt_migrate(fd, h, SIMGPU_PLACEMENT_SYSTEM), 0);
	ck_assert_int_eq(sgt_placement(fd, h), SIMGPU_PLACEMENT_SYSTEM);
	ck_assert_int_eq(sgt_migrate(fd, h, SIMGPU_PLACEMENT_VRAM), 0);
	ck_assert_int_eq(sgt_placement(fd, h), SIMGPU_PLACEMENT_VRAM);
	ck_assert_int_eq(sgt_migrate(fd, h, SIMGPU_PLACEMENT_SYSTEM), 0);
	ck_assert_int_eq(sgt_placement(fd, h), SIMGPU_PLACEMENT_SYSTEM);
}
END_TEST

/*
 * SUBMIT
 */

static int submit_raw(const void *cmds, __u32 count, __u32 stride,
		      __u32 flags, __u32 *done)
{
	struct drm_simgpu_submit s = {
		.cmds = (uintptr_t)cmds, .count = count, .stride = stride,
		.flags = flags,
	};
	int ret = sgt_ioctl(fd, DRM_IOCTL_SIMGPU_SUBMIT, &s);

	if (done)
		*done = s.done;
	return ret;
}

static int one(__u32 op, __u64 a0, __u64 a1, __u64 a2)
{
	return sgt_one(fd, op, a0, a1, a2);
}

/* One of each command on a mapped buffer succeeds. */
START_TEST(submit_ok)
{
	__u32 h = bo_at(SGT_1M, SGT_64K);
	struct drm_simgpu_cmd c[4] = {
		sgt_cmd(SIMGPU_CMD_NOP, 0, 0, 0),
		sgt_cmd(SIMGPU_CMD_FILL, SGT_1M, 64, 7),
		sgt_cmd(SIMGPU_CMD_COPY, SGT_1M, SGT_1M + 4096, 64),
		sgt_cmd(SIMGPU_CMD_WRITE32, SGT_1M + 8192, 1, 0),
	};
	__u32 done = 99;

	(void)h;
	ck_assert_int_eq(sgt_submit(fd, c, 4, &done), 0);
	ck_assert_uint_eq(done, 4);
}
END_TEST

/* Nonzero flags: -EINVAL. */
START_TEST(submit_bad_flags)
{
	struct drm_simgpu_cmd c = sgt_cmd(SIMGPU_CMD_NOP, 0, 0, 0);

	ck_assert_int_eq(submit_raw(&c, 1, sizeof(c), 1, NULL), -EINVAL);
}
END_TEST

/* No commands, or too many: -EINVAL. */
START_TEST(submit_bad_count)
{
	struct drm_simgpu_cmd c = sgt_cmd(SIMGPU_CMD_NOP, 0, 0, 0);

	ck_assert_int_eq(submit_raw(&c, 0, sizeof(c), 0, NULL), -EINVAL);
	ck_assert_int_eq(submit_raw(&c, SIMGPU_SUBMIT_MAX_CMDS + 1, sizeof(c), 0,
				    NULL), -EINVAL);
}
END_TEST

/* Stride below the command size: -EINVAL. */
START_TEST(submit_small_stride)
{
	struct drm_simgpu_cmd c = sgt_cmd(SIMGPU_CMD_NOP, 0, 0, 0);

	ck_assert_int_eq(submit_raw(&c, 1, sizeof(c) - 8, 0, NULL), -EINVAL);
}
END_TEST

/* A larger stride: zero tail accepted, nonzero tail -EINVAL. */
START_TEST(submit_large_stride)
{
	__u8 buf[2][48];
	struct drm_simgpu_cmd c = sgt_cmd(SIMGPU_CMD_NOP, 0, 0, 0);

	memset(buf, 0, sizeof(buf));
	memcpy(buf[0], &c, sizeof(c));
	memcpy(buf[1], &c, sizeof(c));
	ck_assert_int_eq(submit_raw(buf, 2, 48, 0, NULL), 0);
	buf[1][40] = 1;
	ck_assert_int_eq(submit_raw(buf, 2, 48, 0, NULL), -EINVAL);
}
END_TEST

/* An unreadable command array: -EFAULT. */
START_TEST(submit_bad_pointer)
{
	ck_assert_int_eq(submit_raw((void *)8, 1, 32, 0, NULL), -EFAULT);
}
END_TEST

/* Op 0 and unknown ops: -EINVAL. */
START_TEST(submit_bad_op)
{
	ck_assert_int_eq(one(0, 0, 0, 0), -EINVAL);
	ck_assert_int_eq(one(99, 0, 0, 0), -EINVAL);
}
END_TEST

/* Nonzero command flags: -EINVAL. */
START_TEST(submit_cmd_flags)
{
	struct drm_simgpu_cmd c = sgt_cmd(SIMGPU_CMD_NOP, 0, 0, 0);

	c.flags = 1;
	ck_assert_int_eq(sgt_submit(fd, &c, 1, NULL), -EINVAL);
}
END_TEST

/* NOP with arguments: -EINVAL. */
START_TEST(submit_nop_args)
{
	ck_assert_int_eq(one(SIMGPU_CMD_NOP, 1, 0, 0), -EINVAL);
}
END_TEST

/* FILL: unaligned VA or size, a dword wider than 32 bits: -EINVAL. */
START_TEST(submit_fill_invalid)
{
	bo_at(SGT_1M, SGT_64K);
	ck_assert_int_eq(one(SIMGPU_CMD_FILL, SGT_1M + 2, 8, 0), -EINVAL);
	ck_assert_int_eq(one(SIMGPU_CMD_FILL, SGT_1M, 6, 0), -EINVAL);
	ck_assert_int_eq(one(SIMGPU_CMD_FILL, SGT_1M, 8, 1ull << 32), -EINVAL);
	ck_assert_int_eq(one(SIMGPU_CMD_FILL, SGT_1M, 0, 0), 0);
}
END_TEST

/* WRITE32: unaligned VA, a value wider than 32 bits, arg2: -EINVAL. */
START_TEST(submit_write32_invalid)
{
	bo_at(SGT_1M, SGT_64K);
	ck_assert_int_eq(one(SIMGPU_CMD_WRITE32, SGT_1M + 1, 0, 0), -EINVAL);
	ck_assert_int_eq(one(SIMGPU_CMD_WRITE32, SGT_1M, 1ull << 32, 0), -EINVAL);
	ck_assert_int_eq(one(SIMGPU_CMD_WRITE32, SGT_1M, 0, 1), -EINVAL);
}
END_TEST

/* COPY between overlapping ranges: -EINVAL; touching ranges are fine. */
START_TEST(submit_copy_overlap)
{
	bo_at(SGT_1M, SGT_64K);
	ck_assert_int_eq(one(SIMGPU_CMD_COPY, SGT_1M, SGT_1M + 8, 16), -EINVAL);
	ck_assert_int_eq(one(SIMGPU_CMD_COPY, SGT_1M + 8, SGT_1M, 16), -EINVAL);
	ck_assert_int_eq(one(SIMGPU_CMD_COPY, SGT_1M, SGT_1M, 4), -EINVAL);
	ck_assert_int_eq(one(SIMGPU_CMD_COPY, SGT_1M, SGT_1M + 16, 16), 0);
}
END_TEST

/* IB: size zero, not a multiple of 32, too big, VA unaligned, arg2. */
START_TEST(submit_ib_invalid)
{
	bo_at(SGT_1M, SGT_64K);
	ck_assert_int_eq(one(SIMGPU_CMD_IB, SGT_1M, 0, 0), -EINVAL);
	ck_assert_int_eq(one(SIMGPU_CMD_IB, SGT_1M, 40, 0), -EINVAL);
	ck_assert_int_eq(one(SIMGPU_CMD_IB, SGT_1M, SIMGPU_IB_MAX_SIZE + 32, 0),
			 -EINVAL);
	ck_assert_int_eq(one(SIMGPU_CMD_IB, SGT_1M + 4, 32, 0), -EINVAL);
	ck_assert_int_eq(one(SIMGPU_CMD_IB, SGT_1M, 32, 1), -EINVAL);
}
END_TEST

/* Ranges that wrap or leave the VA space, non-canonical VAs: -EINVAL. */
START_TEST(submit_bad_ranges)
{
	ck_assert_int_eq(one(SIMGPU_CMD_FILL, (1ull << 48) - 4, 8, 0), -EINVAL);
	ck_assert_int_eq(one(SIMGPU_CMD_FILL, ~0ull - 3, 8, 0), -EINVAL);
	ck_assert_int_eq(one(SIMGPU_CMD_WRITE32, 0x0001000000000000ull, 0, 0),
			 -EINVAL);
	ck_assert_int_eq(one(SIMGPU_CMD_COPY, SGT_1M, 0x0002000000000000ull, 4),
			 -EINVAL);
}
END_TEST

/* A malformed command is found before anything runs; done is its index. */
START_TEST(submit_invalid_runs_nothing)
{
	__u32 h = bo_at(SGT_1M, SGT_64K), done = 0, *p = sgt_map(fd, h);
	struct drm_simgpu_cmd c[3] = {
		sgt_cmd(SIMGPU_CMD_WRITE32, SGT_1M, 0x11, 0),
		sgt_cmd(SIMGPU_CMD_WRITE32, SGT_1M + 4, 0x22, 0),
		sgt_cmd(SIMGPU_CMD_WRITE32, SGT_1M + 3, 0x33, 0),
	};

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(sgt_submit(fd, c, 3, &done), -EINVAL);
	ck_assert_uint_eq(done, 2);
	ck_assert_uint_eq(p[0], 0);
	ck_assert_uint_eq(p[1], 0);
}
END_TEST

/*
 * FAULTS
 */

static int faults_raw(void *ptr, __u32 count, __u32 stride, __u32 flags,
		      __u32 pad, struct drm_simgpu_faults *out)
{
	struct drm_simgpu_faults q = {
		.faults = (uintptr_t)ptr, .count = count, .stride = stride,
		.flags = flags, .pad = pad,
	};
	int ret = sgt_ioctl(fd, DRM_IOCTL_SIMGPU_FAULTS, &q);

	if (out)
		*out = q;
	return ret;
}

/* A fresh file has no faults. */
START_TEST(faults_none)
{
	struct drm_simgpu_faults q;

	ck_assert_int_eq(faults_raw(NULL, 0, 0, 0, 0, &q), 0);
	ck_assert_uint_eq(q.count, 0);
	ck_assert_uint_eq(q.total, 0);
}
END_TEST

/* Unknown flags: -EINVAL. */
START_TEST(faults_bad_flags)
{
	ck_assert_int_eq(faults_raw(NULL, 0, 0, 2, 0, NULL), -EINVAL);
}
END_TEST

/* Nonzero pad: -EINVAL. */
START_TEST(faults_bad_pad)
{
	ck_assert_int_eq(faults_raw(NULL, 0, 0, 0, 1, NULL), -EINVAL);
}
END_TEST

/* A stride below the record size with an array: -EINVAL. */
START_TEST(faults_small_stride)
{
	struct drm_simgpu_fault f[1];

	ck_assert_int_eq(faults_raw(f, 1, 16, 0, 0, NULL), -EINVAL);
}
END_TEST

/* An unwritable array: -EFAULT. */
START_TEST(faults_bad_pointer)
{
	ck_assert_int_eq(one(SIMGPU_CMD_WRITE32, SGT_1M, 0, 0), -EFAULT);
	ck_assert_int_eq(faults_raw((void *)8, 1, 32, 0, 0, NULL), -EFAULT);
}
END_TEST

/*
 * PRIME
 */

/* simgpu buffers are VM-private: export is refused with -EPERM. */
START_TEST(prime_export_refused)
{
	struct drm_prime_handle p = { .handle = bo64k(), .flags = DRM_CLOEXEC };

	ck_assert_int_eq(sgt_ioctl(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &p), -EPERM);
}
END_TEST

static Suite *uapi_suite(void)
{
	Suite *s = suite_create("simgpu_uapi");
	TCase *tc;

#define TC(name) \
	tc = tcase_create(name); \
	tcase_add_checked_fixture(tc, setup, teardown); \
	suite_add_tcase(s, tc)

	TC("info");
	tcase_add_test(tc, info_fields);
	tcase_add_test(tc, info_bad_pad);
	tcase_add_test(tc, info_client_ids_differ);

	TC("bo_create");
	tcase_add_test(tc, bo_create_system);
	tcase_add_test(tc, bo_create_vram);
	tcase_add_test(tc, bo_create_zeroed);
	tcase_add_test(tc, bo_create_ids_unique);
	tcase_add_test(tc, bo_create_bad_pad);
	tcase_add_test(tc, bo_create_bad_flags);
	tcase_add_test(tc, bo_create_bad_placement);
	tcase_add_test(tc, bo_create_size_zero);
	tcase_add_test(tc, bo_create_size_unaligned);
	tcase_add_test(tc, bo_create_vram_too_big);
	tcase_add_test(tc, bo_create_system_too_big);

	TC("bo_info");
	tcase_add_test(tc, bo_info_fields);
	tcase_add_test(tc, bo_info_bad_pad);
	tcase_add_test(tc, bo_info_bad_handle);
	tcase_add_test(tc, bo_info_other_file_handle);

	TC("vm_bind");
	tcase_add_test(tc, bind_ok);
	tcase_add_test(tc, bind_bad_flags);
	tcase_add_test(tc, bind_sparse_and_userptr);
	tcase_add_test(tc, bind_sparse_with_handle_or_offset);
	tcase_add_test(tc, bind_userptr_fields);
	tcase_add_test(tc, bind_userptr_unaligned);
	tcase_add_test(tc, bind_userptr_bad_address);
	tcase_add_test(tc, bind_unaligned);
	tcase_add_test(tc, bind_size_zero);
	tcase_add_test(tc, bind_below_va_start);
	tcase_add_test(tc, bind_past_va_end);
	tcase_add_test(tc, bind_noncanonical);
	tcase_add_test(tc, bind_past_buffer);
	tcase_add_test(tc, bind_bad_handle);

	TC("vm_unbind");
	tcase_add_test(tc, unbind_nothing_mapped);
	tcase_add_test(tc, unbind_bad_flags);
	tcase_add_test(tc, unbind_bad_pad);
	tcase_add_test(tc, unbind_unaligned);
	tcase_add_test(tc, unbind_outside);

	TC("migrate");
	tcase_add_test(tc, migrate_bad_placement);
	tcase_add_test(tc, migrate_bad_handle);
	tcase_add_test(tc, migrate_pinned);
	tcase_add_test(tc, migrate_ok);

	TC("submit");
	tcase_add_test(tc, submit_ok);
	tcase_add_test(tc, submit_bad_flags);
	tcase_add_test(tc, submit_bad_count);
	tcase_add_test(tc, submit_small_stride);
	tcase_add_test(tc, submit_large_stride);
	tcase_add_test(tc, submit_bad_pointer);
	tcase_add_test(tc, submit_bad_op);
	tcase_add_test(tc, submit_cmd_flags);
	tcase_add_test(tc, submit_nop_args);
	tcase_add_test(tc, submit_fill_invalid);
	tcase_add_test(tc, submit_write32_invalid);
	tcase_add_test(tc, submit_copy_overlap);
	tcase_add_test(tc, submit_ib_invalid);
	tcase_add_test(tc, submit_bad_ranges);
	tcase_add_test(tc, submit_invalid_runs_nothing);

	TC("faults");
	tcase_add_test(tc, faults_none);
	tcase_add_test(tc, faults_bad_flags);
	tcase_add_test(tc, faults_bad_pad);
	tcase_add_test(tc, faults_small_stride);
	tcase_add_test(tc, faults_bad_pointer);

	TC("prime");
	tcase_add_test(tc, prime_export_refused);
#undef TC
	return s;
}

int main(void)
{
	return cstest_run(uapi_suite());
}
