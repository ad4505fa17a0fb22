// SPDX-License-Identifier: MIT
/*
 * simgpu engine: results of FILL/COPY/WRITE32 and of IBs through the kernel
 * ring, checked through CPU mappings; GPU page faults and their records;
 * the kernel ring as a debugger reads it (through cardsnoop's kernel VM);
 * concurrent submitters.
 *
 * TEST: cmd_*      direct commands
 * TEST: ib_*       IBs through the kernel ring
 * TEST: fault_*    GPU page faults and DRM_IOCTL_SIMGPU_FAULTS
 * TEST: ring_*     the kernel ring's memory
 * TEST: stress_*   concurrent submissions
 */
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <drm/cardsnoop_drm.h>

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
	__u64 size, va;
	__u32 *map;
};

/* A buffer of @size in @placement, bound at @va, CPU-mapped. */
static struct buf mkbuf(__u64 va, __u64 size, __u32 placement)
{
	struct buf b = { .size = size, .va = va };

	ck_assert_int_eq(sgt_bo_create(fd, size, placement, 0, &b.handle), 0);
	ck_assert_int_eq(sgt_bind(fd, b.handle, va, size, 0, 0), 0);
	b.map = sgt_map(fd, b.handle);
	ck_assert_ptr_nonnull(b.map);
	return b;
}

static const __u32 placements[] = {
	SIMGPU_PLACEMENT_SYSTEM, SIMGPU_PLACEMENT_VRAM
};

/*
 * Direct commands
 */

/* FILL writes exactly its range, in system memory and in VRAM. */
START_TEST(cmd_fill_exact)
{
	struct buf b = mkbuf(SGT_1M, 4 * SGT_4K, placements[_i]);
	unsigned int i;

	ck_assert_int_eq(sgt_fill(fd, SGT_1M + 12, 2 * SGT_4K + 8, 0xa1b2c3d4), 0);
	for (i = 0; i < 4 * SGT_4K / 4; i++) {
		__u32 want = i >= 3 && i < 3 + (2 * SGT_4K + 8) / 4 ? 0xa1b2c3d4 : 0;

		ck_assert_uint_eq(b.map[i], want);
	}
}
END_TEST

/* A large FILL across many pages. */
START_TEST(cmd_fill_large)
{
	struct buf b = mkbuf(SGT_1M, SGT_1M, placements[_i]);

	ck_assert_int_eq(sgt_fill(fd, SGT_1M, SGT_1M, 0x01010101), 0);
	ck_assert_uint_eq(b.map[0], 0x01010101);
	ck_assert_uint_eq(b.map[SGT_1M / 8], 0x01010101);
	ck_assert_uint_eq(b.map[SGT_1M / 4 - 1], 0x01010101);
}
END_TEST

/* COPY of odd sizes at odd offsets, between system and VRAM. */
START_TEST(cmd_copy_unaligned)
{
	struct buf s = mkbuf(SGT_1M, 2 * SGT_4K, SIMGPU_PLACEMENT_SYSTEM);
	struct buf d = mkbuf(2 * SGT_1M, 2 * SGT_4K, SIMGPU_PLACEMENT_VRAM);
	__u8 *sb = (__u8 *)s.map, *db = (__u8 *)d.map;
	unsigned int i;

	for (i = 0; i < 2 * SGT_4K; i++)
		sb[i] = (__u8)(i * 7 + 1);
	ck_assert_int_eq(sgt_copy(fd, SGT_1M + 3, 2 * SGT_1M + 4093, 4097), 0);
	for (i = 0; i < 2 * SGT_4K; i++) {
		__u8 want = i >= 4093 && i < 4093 + 4097 ?
			    (__u8)((i - 4093 + 3) * 7 + 1) : 0;

		ck_assert_uint_eq(db[i], want);
	}
}
END_TEST

/* WRITE32 writes one little-endian dword. */
START_TEST(cmd_write32)
{
	struct buf b = mkbuf(SGT_1M, SGT_4K, placements[_i]);
	__u8 *p = (__u8 *)b.map;

	ck_assert_int_eq(sgt_write32(fd, SGT_1M + 8, 0x04030201), 0);
	ck_assert_uint_eq(p[8], 1);
	ck_assert_uint_eq(p[11], 4);
	ck_assert_uint_eq(b.map[1], 0);
	ck_assert_uint_eq(b.map[3], 0);
}
END_TEST

/* The commands of a submission run in order. */
START_TEST(cmd_in_order)
{
	struct buf b = mkbuf(SGT_1M, SGT_4K, SIMGPU_PLACEMENT_VRAM);
	struct drm_simgpu_cmd c[4] = {
		sgt_cmd(SIMGPU_CMD_WRITE32, SGT_1M, 1, 0),
		sgt_cmd(SIMGPU_CMD_COPY, SGT_1M, SGT_1M + 4, 4),
		sgt_cmd(SIMGPU_CMD_WRITE32, SGT_1M, 2, 0),
		sgt_cmd(SIMGPU_CMD_COPY, SGT_1M, SGT_1M + 8, 4),
	};
	__u32 done;

	ck_assert_int_eq(sgt_submit(fd, c, 4, &done), 0);
	ck_assert_uint_eq(done, 4);
	ck_assert_uint_eq(b.map[0], 2);
	ck_assert_uint_eq(b.map[1], 1);
	ck_assert_uint_eq(b.map[2], 2);
}
END_TEST

/* A submission of many commands. */
START_TEST(cmd_many)
{
	static struct drm_simgpu_cmd c[SIMGPU_SUBMIT_MAX_CMDS];
	struct buf b = mkbuf(SGT_1M, 4 * SGT_4K, SIMGPU_PLACEMENT_SYSTEM);
	unsigned int i;

	for (i = 0; i < SIMGPU_SUBMIT_MAX_CMDS; i++)
		c[i] = sgt_cmd(SIMGPU_CMD_WRITE32, SGT_1M + 4 * i, i, 0);
	ck_assert_int_eq(sgt_submit(fd, c, SIMGPU_SUBMIT_MAX_CMDS, NULL), 0);
	for (i = 0; i < SIMGPU_SUBMIT_MAX_CMDS; i++)
		ck_assert_uint_eq(b.map[i], i);
}
END_TEST

/*
 * IBs
 */

/* Write @n commands at the start of @ib. */
static void write_ib(struct buf *ib, const struct drm_simgpu_cmd *c,
		     unsigned int n)
{
	memcpy(ib->map, c, n * sizeof(*c));
}

/* An IB's commands run, from system memory or VRAM. */
START_TEST(ib_runs)
{
	struct buf ib = mkbuf(SGT_1M, SGT_4K, placements[_i]);
	struct buf d = mkbuf(2 * SGT_1M, SGT_4K, SIMGPU_PLACEMENT_VRAM);
	struct drm_simgpu_cmd c[4] = {
		sgt_cmd(SIMGPU_CMD_NOP, 0, 0, 0),
		sgt_cmd(SIMGPU_CMD_FILL, 2 * SGT_1M, 64, 0x11111111),
		sgt_cmd(SIMGPU_CMD_WRITE32, 2 * SGT_1M + 64, 0x22, 0),
		sgt_cmd(SIMGPU_CMD_COPY, 2 * SGT_1M, 2 * SGT_1M + 128, 68),
	};
	struct drm_simgpu_submit s;
	struct drm_simgpu_cmd cmd = sgt_cmd(SIMGPU_CMD_IB, SGT_1M, sizeof(c), 0);

	write_ib(&ib, c, 4);
	memset(&s, 0, sizeof(s));
	s.cmds = (uintptr_t)&cmd;
	s.count = 1;
	s.stride = sizeof(cmd);
	ck_assert_int_eq(sgt_ioctl(fd, DRM_IOCTL_SIMGPU_SUBMIT, &s), 0);
	ck_assert_uint_eq(s.done, 1);
	ck_assert_uint_gt(s.seqno, 0);
	ck_assert_uint_eq(d.map[0], 0x11111111);
	ck_assert_uint_eq(d.map[15], 0x11111111);
	ck_assert_uint_eq(d.map[16], 0x22);
	ck_assert_uint_eq(d.map[32], 0x11111111);
	ck_assert_uint_eq(d.map[48], 0x22);
	ck_assert_uint_eq(d.map[49], 0);
}
END_TEST

/* IBs at upper-half VAs, mixed with direct commands. */
START_TEST(ib_upper_half_mixed)
{
	struct buf ib = mkbuf(SGT_UPPER + SGT_1M, SGT_4K, SIMGPU_PLACEMENT_VRAM);
	struct buf d = mkbuf(SGT_UPPER + 2 * SGT_1M, SGT_4K,
			     SIMGPU_PLACEMENT_SYSTEM);
	struct drm_simgpu_cmd ibc = sgt_cmd(SIMGPU_CMD_WRITE32,
					    SGT_UPPER + 2 * SGT_1M + 4, 9, 0);
	struct drm_simgpu_cmd c[3] = {
		sgt_cmd(SIMGPU_CMD_WRITE32, SGT_UPPER + 2 * SGT_1M, 8, 0),
		sgt_cmd(SIMGPU_CMD_IB, SGT_UPPER + SGT_1M, 32, 0),
		sgt_cmd(SIMGPU_CMD_COPY, SGT_UPPER + 2 * SGT_1M + 4,
			SGT_UPPER + 2 * SGT_1M + 8, 4),
	};

	write_ib(&ib, &ibc, 1);
	ck_assert_int_eq(sgt_submit(fd, c, 3, NULL), 0);
	ck_assert_uint_eq(d.map[0], 8);
	ck_assert_uint_eq(d.map[1], 9);
	ck_assert_uint_eq(d.map[2], 9);
}
END_TEST

/* Each IB gets the next seqno of the device. */
START_TEST(ib_seqno)
{
	struct buf ib = mkbuf(SGT_1M, SGT_4K, SIMGPU_PLACEMENT_SYSTEM);
	struct drm_simgpu_cmd nop = sgt_cmd(SIMGPU_CMD_NOP, 0, 0, 0);
	struct drm_simgpu_cmd cmd = sgt_cmd(SIMGPU_CMD_IB, SGT_1M, 32, 0);
	struct drm_simgpu_submit s = {
		.cmds = (uintptr_t)&cmd, .count = 1, .stride = 32,
	};
	__u64 first;

	write_ib(&ib, &nop, 1);
	ck_assert_int_eq(sgt_ioctl(fd, DRM_IOCTL_SIMGPU_SUBMIT, &s), 0);
	first = s.seqno;
	ck_assert_int_eq(sgt_ioctl(fd, DRM_IOCTL_SIMGPU_SUBMIT, &s), 0);
	ck_assert_uint_eq(s.seqno, first + 1);
}
END_TEST

/* An IB inside an IB is malformed: -EINVAL; the commands before it ran. */
START_TEST(ib_nested_invalid)
{
	struct buf ib = mkbuf(SGT_1M, SGT_4K, SIMGPU_PLACEMENT_SYSTEM);
	struct drm_simgpu_cmd c[2] = {
		sgt_cmd(SIMGPU_CMD_WRITE32, SGT_1M + 256, 5, 0),
		sgt_cmd(SIMGPU_CMD_IB, SGT_1M, 32, 0),
	};

	write_ib(&ib, c, 2);
	ck_assert_int_eq(sgt_one(fd, SIMGPU_CMD_IB, SGT_1M, 64, 0), -EINVAL);
	ck_assert_uint_eq(ib.map[64], 5);
}
END_TEST

/* A malformed command in an IB: -EINVAL. */
START_TEST(ib_bad_command)
{
	struct buf ib = mkbuf(SGT_1M, SGT_4K, SIMGPU_PLACEMENT_VRAM);
	struct drm_simgpu_cmd c = sgt_cmd(77, 0, 0, 0);

	write_ib(&ib, &c, 1);
	ck_assert_int_eq(sgt_one(fd, SIMGPU_CMD_IB, SGT_1M, 32, 0), -EINVAL);
	c = sgt_cmd(SIMGPU_CMD_FILL, SGT_1M + 64, 3, 0);
	write_ib(&ib, &c, 1);
	ck_assert_int_eq(sgt_one(fd, SIMGPU_CMD_IB, SGT_1M, 32, 0), -EINVAL);
}
END_TEST

/* An IB at an unmapped VA: the fetch faults (op IB, the packet's seqno). */
START_TEST(ib_unmapped)
{
	struct drm_simgpu_cmd cmd = sgt_cmd(SIMGPU_CMD_IB, 5 * SGT_1M, 64, 0);
	struct drm_simgpu_submit s = {
		.cmds = (uintptr_t)&cmd, .count = 1, .stride = 32,
	};
	struct drm_simgpu_fault f[SIMGPU_FAULTS_MAX];

	ck_assert_int_eq(sgt_ioctl(fd, DRM_IOCTL_SIMGPU_SUBMIT, &s), -EFAULT);
	ck_assert_uint_eq(s.done, 0);
	ck_assert_int_eq(sgt_faults(fd, f, SIMGPU_FAULTS_MAX, 0, NULL), 1);
	ck_assert_uint_eq(f[0].va, 5 * SGT_1M);
	ck_assert_uint_eq(f[0].op, SIMGPU_CMD_IB);
	ck_assert_uint_eq(f[0].access, SIMGPU_ACCESS_READ);
	ck_assert_uint_eq(f[0].seqno, s.seqno);
	ck_assert_uint_gt(s.seqno, 0);
}
END_TEST

/* A fault inside an IB reports the leaf command and the IB's seqno. */
START_TEST(ib_fault_inside)
{
	struct buf ib = mkbuf(SGT_1M, SGT_4K, SIMGPU_PLACEMENT_SYSTEM);
	struct drm_simgpu_cmd c[2] = {
		sgt_cmd(SIMGPU_CMD_WRITE32, SGT_1M + 512, 1, 0),
		sgt_cmd(SIMGPU_CMD_FILL, 7 * SGT_1M, 8, 0),
	};
	struct drm_simgpu_cmd cmd = sgt_cmd(SIMGPU_CMD_IB, SGT_1M, 64, 0);
	struct drm_simgpu_submit s = {
		.cmds = (uintptr_t)&cmd, .count = 1, .stride = 32,
	};
	struct drm_simgpu_fault f[1];

	write_ib(&ib, c, 2);
	ck_assert_int_eq(sgt_ioctl(fd, DRM_IOCTL_SIMGPU_SUBMIT, &s), -EFAULT);
	ck_assert_uint_eq(ib.map[128], 1);
	ck_assert_int_eq(sgt_faults(fd, f, 1, 0, NULL), 1);
	ck_assert_uint_eq(f[0].va, 7 * SGT_1M);
	ck_assert_uint_eq(f[0].op, SIMGPU_CMD_FILL);
	ck_assert_uint_eq(f[0].access, SIMGPU_ACCESS_WRITE);
	ck_assert_uint_eq(f[0].seqno, s.seqno);
}
END_TEST

/*
 * Faults
 */

/* The failing command's index in done; the ones before it ran. */
START_TEST(fault_done_index)
{
	struct buf b = mkbuf(SGT_1M, SGT_4K, SIMGPU_PLACEMENT_SYSTEM);
	struct drm_simgpu_cmd c[4] = {
		sgt_cmd(SIMGPU_CMD_WRITE32, SGT_1M, 1, 0),
		sgt_cmd(SIMGPU_CMD_WRITE32, SGT_1M + 4, 2, 0),
		sgt_cmd(SIMGPU_CMD_COPY, 9 * SGT_1M, SGT_1M + 8, 4),
		sgt_cmd(SIMGPU_CMD_WRITE32, SGT_1M + 12, 4, 0),
	};
	struct drm_simgpu_fault f[1];
	__u32 done;

	ck_assert_int_eq(sgt_submit(fd, c, 4, &done), -EFAULT);
	ck_assert_uint_eq(done, 2);
	ck_assert_uint_eq(b.map[0], 1);
	ck_assert_uint_eq(b.map[1], 2);
	ck_assert_uint_eq(b.map[3], 0);
	ck_assert_int_eq(sgt_faults(fd, f, 1, 0, NULL), 1);
	ck_assert_uint_eq(f[0].access, SIMGPU_ACCESS_READ);
	ck_assert_uint_eq(f[0].reason, SIMGPU_FAULT_UNMAPPED);
	ck_assert_uint_eq(f[0].op, SIMGPU_CMD_COPY);
	ck_assert_uint_eq(f[0].seqno, 0);
}
END_TEST

/* A FILL running off the end of a mapping faults at the first byte past
 * it, and filled what was mapped. */
START_TEST(fault_partial_fill)
{
	struct buf b = mkbuf(SGT_1M, SGT_4K, SIMGPU_PLACEMENT_VRAM);
	struct drm_simgpu_fault f[1];

	ck_assert_int_eq(sgt_fill(fd, SGT_1M, 2 * SGT_4K, 0x3c3c3c3c), -EFAULT);
	ck_assert_uint_eq(b.map[SGT_4K / 4 - 1], 0x3c3c3c3c);
	ck_assert_int_eq(sgt_faults(fd, f, 1, 0, NULL), 1);
	ck_assert_uint_eq(f[0].va, SGT_1M + SGT_4K);
}
END_TEST

/* The latest 16 records are kept, oldest first; total counts them all. */
START_TEST(fault_records_ring)
{
	struct drm_simgpu_fault f[SIMGPU_FAULTS_MAX];
	__u64 total;
	int i;

	for (i = 0; i < 20; i++)
		ck_assert_int_eq(sgt_write32(fd, SGT_1M + 4 * i, 0), -EFAULT);
	ck_assert_int_eq(sgt_faults(fd, f, SIMGPU_FAULTS_MAX, 0, &total),
			 SIMGPU_FAULTS_MAX);
	ck_assert_uint_eq(total, 20);
	for (i = 0; i < SIMGPU_FAULTS_MAX; i++)
		ck_assert_uint_eq(f[i].va, SGT_1M + 4 * (i + 4));
}
END_TEST

/* CLEAR drops the records returned, and only those. */
START_TEST(fault_clear)
{
	struct drm_simgpu_fault f[SIMGPU_FAULTS_MAX];
	__u64 total;
	int i;

	for (i = 0; i < 5; i++)
		ck_assert_int_eq(sgt_write32(fd, SGT_1M + 4 * i, 0), -EFAULT);
	ck_assert_int_eq(sgt_faults(fd, f, 2, SIMGPU_FAULTS_CLEAR, &total), 2);
	ck_assert_uint_eq(f[1].va, SGT_1M + 4);
	ck_assert_int_eq(sgt_faults(fd, f, SIMGPU_FAULTS_MAX, 0, &total), 3);
	ck_assert_uint_eq(f[0].va, SGT_1M + 8);
	ck_assert_uint_eq(total, 5);
	ck_assert_int_eq(sgt_faults(fd, f, SIMGPU_FAULTS_MAX, SIMGPU_FAULTS_CLEAR,
				    NULL), 3);
	ck_assert_int_eq(sgt_faults(fd, NULL, 0, 0, &total), 0);
	ck_assert_uint_eq(total, 5);
}
END_TEST

/* A larger stride: records land at the stride, the rest zero-filled. */
START_TEST(fault_large_stride)
{
	struct drm_simgpu_faults q;
	__u8 buf[2][48];

	ck_assert_int_eq(sgt_write32(fd, SGT_1M, 0), -EFAULT);
	ck_assert_int_eq(sgt_write32(fd, 2 * SGT_1M, 0), -EFAULT);
	memset(buf, 0xff, sizeof(buf));
	memset(&q, 0, sizeof(q));
	q.faults = (uintptr_t)buf;
	q.count = 2;
	q.stride = 48;
	ck_assert_int_eq(sgt_ioctl(fd, DRM_IOCTL_SIMGPU_FAULTS, &q), 0);
	ck_assert_uint_eq(q.count, 2);
	ck_assert_uint_eq(((struct drm_simgpu_fault *)buf[1])->va, 2 * SGT_1M);
	ck_assert_uint_eq(buf[0][40], 0);
	ck_assert_uint_eq(buf[1][47], 0);
}
END_TEST

/*
 * The kernel ring, read through cardsnoop's kernel VM
 */

/* The snoop node of @fd's device, attached to the kernel VM. */
static int snoop_kernel(void)
{
	struct cardsnoop_attach a = { .drm_fd = -1,
				      .flags = CARDSNOOP_ATTACH_KERNEL };
	char path[128], link[256], *card;
	struct stat st;
	ssize_t n;
	int sfd;

	ck_assert_int_eq(fstat(fd, &st), 0);
	snprintf(path, sizeof(path), "/sys/dev/char/%u:%u/device/drm",
		 major(st.st_rdev), minor(st.st_rdev));
	/* Find cardN under the device's drm directory. */
	for (n = 0; n < 64; n++) {
		snprintf(link, sizeof(link), "%s/card%zd", path, n);
		if (!access(link, F_OK))
			break;
	}
	ck_assert_int_lt(n, 64);
	card = strrchr(link, '/') + 1;
	snprintf(path, sizeof(path), "/dev/dri/%s-snoop", card);
	sfd = open(path, O_RDWR | O_CLOEXEC);
	ck_assert_msg(sfd >= 0, "%s: %s", path, strerror(errno));
	ck_assert_int_eq(sgt_ioctl(sfd, CARDSNOOP_IOCTL_ATTACH, &a), 0);
	return sfd;
}

/* The ring header and the packet of an IB, as a debugger decodes them. */
START_TEST(ring_decode)
{
	struct buf ib = mkbuf(SGT_UPPER + 3 * SGT_1M, SGT_4K,
			      SIMGPU_PLACEMENT_VRAM);
	struct drm_simgpu_cmd nop = sgt_cmd(SIMGPU_CMD_NOP, 0, 0, 0);
	struct drm_simgpu_cmd cmd = sgt_cmd(SIMGPU_CMD_IB, ib.va, 64, 0);
	struct drm_simgpu_submit s = {
		.cmds = (uintptr_t)&cmd, .count = 1, .stride = 32,
	};
	struct drm_simgpu_ring_header h;
	struct drm_simgpu_ring_packet p;
	__u64 ring = info.ring_va & ((1ull << 48) - 1), slot;
	int sfd;

	write_ib(&ib, &nop, 1);
	memcpy(ib.map + 8, &nop, sizeof(nop));
	ck_assert_int_eq(sgt_ioctl(fd, DRM_IOCTL_SIMGPU_SUBMIT, &s), 0);

	sfd = snoop_kernel();
	ck_assert_int_eq(pread(sfd, &h, sizeof(h), (off_t)ring), sizeof(h));
	ck_assert_uint_eq(h.magic, SIMGPU_RING_MAGIC);
	ck_assert_uint_eq(h.version, 1);
	ck_assert_uint_eq(h.packet_size, sizeof(p));
	ck_assert_uint_eq(h.header_size + h.size, info.ring_size);
	ck_assert_uint_eq(h.wptr, h.rptr);
	ck_assert_uint_ge(h.wptr, 1);
	ck_assert_uint_eq(h.last_seqno, s.seqno);

	slot = (h.wptr - 1) % (h.size / h.packet_size);
	ck_assert_int_eq(pread(sfd, &p, sizeof(p),
			       (off_t)(ring + h.header_size + slot * sizeof(p))),
			 sizeof(p));
	ck_assert_uint_eq(p.type, SIMGPU_PACKET_IB);
	ck_assert_uint_eq(p.status, SIMGPU_PACKET_DONE);
	ck_assert_uint_eq(p.seqno, s.seqno);
	ck_assert_uint_eq(p.client_id, info.client_id);
	ck_assert_uint_eq(p.ib_va, ib.va);
	ck_assert_uint_eq(p.ib_size, 64);
	close(sfd);
}
END_TEST

/* A faulting IB leaves its packet marked FAULT. */
START_TEST(ring_fault_status)
{
	struct drm_simgpu_cmd cmd = sgt_cmd(SIMGPU_CMD_IB, 5 * SGT_1M, 32, 0);
	struct drm_simgpu_ring_header h;
	struct drm_simgpu_ring_packet p;
	__u64 ring = info.ring_va & ((1ull << 48) - 1), slot;
	int sfd;

	ck_assert_int_eq(sgt_submit(fd, &cmd, 1, NULL), -EFAULT);
	sfd = snoop_kernel();
	ck_assert_int_eq(pread(sfd, &h, sizeof(h), (off_t)ring), sizeof(h));
	ck_assert_uint_eq(h.wptr, h.rptr);
	slot = (h.wptr - 1) % (h.size / h.packet_size);
	ck_assert_int_eq(pread(sfd, &p, sizeof(p),
			       (off_t)(ring + h.header_size + slot * sizeof(p))),
			 sizeof(p));
	ck_assert_uint_eq(p.status, SIMGPU_PACKET_FAULT);
	ck_assert_uint_eq(p.ib_va, 5 * SGT_1M);
	close(sfd);
}
END_TEST

/*
 * Concurrency
 */

/* Four processes submit IBs and direct commands at once: every result is
 * right and the ring ends consistent. */
START_TEST(stress_concurrent_ibs)
{
	pid_t pids[4];
	int i, status;

	for (i = 0; i < 4; i++) {
		pids[i] = fork();
		ck_assert_int_ge(pids[i], 0);
		if (!pids[i]) {
			int cfd = sgt_open();
			__u32 h, *m, n;
			struct drm_simgpu_cmd ib[2];

			if (cfd < 0 ||
			    sgt_bo_create(cfd, SGT_4K, SIMGPU_PLACEMENT_VRAM, 0, &h) ||
			    sgt_bind(cfd, h, SGT_1M, SGT_4K, 0, 0) ||
			    !(m = sgt_map(cfd, h)))
				_exit(1);
			for (n = 0; n < 200; n++) {
				ib[0] = sgt_cmd(SIMGPU_CMD_WRITE32, SGT_1M + 256,
						n, 0);
				ib[1] = sgt_cmd(SIMGPU_CMD_COPY, SGT_1M + 256,
						SGT_1M + 512, 4);
				memcpy(m, ib, sizeof(ib));
				if (sgt_one(cfd, SIMGPU_CMD_IB, SGT_1M, 64, 0) ||
				    m[128] != n || m[64] != n)
					_exit(2);
			}
			_exit(0);
		}
	}
	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
		ck_assert(WIFEXITED(status));
		ck_assert_int_eq(WEXITSTATUS(status), 0);
	}
}
END_TEST

/* A FILL of a huge sparse range runs for hours; SIGKILL ends it at once. */
START_TEST(stress_killable)
{
	struct drm_simgpu_vm_bind b = {
		.flags = SIMGPU_BIND_SPARSE, .va = 1ull << 40, .size = 1ull << 40,
	};
	int status;
	pid_t pid;

	ck_assert_int_eq(sgt_ioctl(fd, DRM_IOCTL_SIMGPU_VM_BIND, &b), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid) {
		sgt_fill(fd, 1ull << 40, 1ull << 40, 0);
		_exit(0);
	}
	usleep(300 * 1000);
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFSIGNALED(status));
	/* The file works on. */
	ck_assert_int_eq(sgt_fill(fd, 1ull << 40, SGT_4K, 0), 0);
}
END_TEST

static Suite *engine_suite(void)
{
	Suite *s = suite_create("simgpu_engine");
	TCase *tc;

#define TC(name) \
	tc = tcase_create(name); \
	tcase_add_checked_fixture(tc, setup, teardown); \
	tcase_set_timeout(tc, 30); \
	suite_add_tcase(s, tc)

	TC("cmd");
	tcase_add_loop_test(tc, cmd_fill_exact, 0, 2);
	tcase_add_loop_test(tc, cmd_fill_large, 0, 2);
	tcase_add_test(tc, cmd_copy_unaligned);
	tcase_add_loop_test(tc, cmd_write32, 0, 2);
	tcase_add_test(tc, cmd_in_order);
	tcase_add_test(tc, cmd_many);

	TC("ib");
	tcase_add_loop_test(tc, ib_runs, 0, 2);
	tcase_add_test(tc, ib_upper_half_mixed);
	tcase_add_test(tc, ib_seqno);
	tcase_add_test(tc, ib_nested_invalid);
	tcase_add_test(tc, ib_bad_command);
	tcase_add_test(tc, ib_unmapped);
	tcase_add_test(tc, ib_fault_inside);

	TC("fault");
	tcase_add_test(tc, fault_done_index);
	tcase_add_test(tc, fault_partial_fill);
	tcase_add_test(tc, fault_records_ring);
	tcase_add_test(tc, fault_clear);
	tcase_add_test(tc, fault_large_stride);

	TC("ring");
	tcase_add_test(tc, ring_decode);
	tcase_add_test(tc, ring_fault_status);

	TC("stress");
	tcase_add_test(tc, stress_concurrent_ibs);
	tcase_add_test(tc, stress_killable);
#undef TC
	return s;
}

int main(void)
{
	return cstest_run(engine_suite());
}
