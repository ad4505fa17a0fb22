// SPDX-License-Identifier: MIT
/*
 * Figures of a VRAM buffer: snoop pread against the paths umr uses today,
 * simgpu's root-only debugfs files: raw VRAM reads of simgpu_vram (like
 * amdgpu_vram: bounded chunks through a kernel buffer) and the
 * simgpu_mm_index/simgpu_mm_data register pair (MM_INDEX/MM_DATA, a dword
 * at a time).  Also first touch of a snoop mapping of VRAM (snapshots).
 *
 * A target process owns a 64 MiB VRAM buffer, filled with a pattern and
 * bound at BENCH_VA_VRAM.  The baselines read the same bytes at the VRAM
 * offsets that CARDSNOOP_IOCTL_RESOLVE reports (we run as root).
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench.h"

#define VRAM_SIZE	SZ_64M
#define VRAM_SEED	0x7a11
#define DWORD_STEP	2048	/* bytes a dword step reads */

struct vram_reply {
	int drm_fd;
};

struct vram_ctx {
	struct bench_fig *f;
	struct bench_target t;
	struct vram_reply r;
	int sfd;
	int raw_fd;		/* simgpu_vram */
	int index_fd;		/* simgpu_mm_index */
	int data_fd;		/* simgpu_mm_data */
	uint64_t vram_offset;	/* of the buffer, found in simgpu_vram */
	uint64_t resolve_vram_offset;	/* what RESOLVE says */
	uint64_t resolve_extent;
	size_t dword_bytes;	/* bytes the dword path reads per run */
	size_t b_bytes;		/* bytes the baseline reads per run */
	bool checked;		/* the paths' data was checked */
	char *map;		/* the snoop mapping of the touch figure */
	char *src;		/* the pattern VRAM holds */
	char *dst_a;		/* where the snoop reads go */
	char *dst_b;		/* where the baseline reads go */
};

static int vram_target_setup(void *arg, void *reply)
{
	struct vram_reply *r = reply;
	uint32_t handle;
	void *map;
	int fd, ret;

	fd = sg_open(0);
	if (fd < 0)
		return fd;
	ret = sg_bo_create(fd, VRAM_SIZE, SIMGPU_PLACEMENT_VRAM,
			   SIMGPU_BO_PINNED, &handle, NULL);
	if (ret)
		return ret;
	map = sg_bo_map(fd, handle, VRAM_SIZE);
	if (!map)
		return -ENOMEM;
	fill_pattern(map, VRAM_SIZE, VRAM_SEED);
	munmap(map, VRAM_SIZE);
	ret = sg_bind(fd, handle, BENCH_VA_VRAM, VRAM_SIZE, 0, 0);
	if (ret)
		return ret;
	r->drm_fd = fd;
	return 0;
}

/* Steps: 1 MiB of the buffer (@i modulo its size) per step. */
static int step_snoop(void *p, unsigned long i)
{
	struct vram_ctx *c = p;
	size_t off = (i % (VRAM_SIZE / SZ_1M)) * SZ_1M;
	ssize_t n = pread(c->sfd, c->dst_a + off, SZ_1M, BENCH_VA_VRAM + off);

	if (n == SZ_1M)
		return 0;
	bench_fail(c->f, "snoop pread of VRAM: %s",
		   n < 0 ? strerror(errno) : "short read");
	return -EIO;
}

static int step_raw(void *p, unsigned long i)
{
	struct vram_ctx *c = p;
	size_t off = (i % (VRAM_SIZE / SZ_1M)) * SZ_1M;
	ssize_t n = pread(c->raw_fd, c->dst_b + off, SZ_1M,
			  c->vram_offset + off);

	if (n == SZ_1M)
		return 0;
	bench_fail(c->f, "simgpu_vram read: %s",
		   n < 0 ? strerror(errno) : "short read");
	return -EIO;
}

/* MM_INDEX/MM_DATA: one index write and one data read per dword. */
static int step_dword(void *p, unsigned long i)
{
	struct vram_ctx *c = p;
	size_t off = (i * DWORD_STEP) % c->dword_bytes, d;
	uint32_t *out = (uint32_t *)(c->dst_b + off);

	for (d = 0; d < DWORD_STEP / 4; d++) {
		uint64_t index = c->vram_offset + off + d * 4;

		if (pwrite(c->index_fd, &index, sizeof(index), 0) !=
			    sizeof(index) ||
		    pread(c->data_fd, &out[d], 4, 0) != 4) {
			bench_fail(c->f, "simgpu_mm_index/simgpu_mm_data: %s",
				   strerror(errno));
			return -EIO;
		}
	}
	return 0;
}

/* After the first pair: did both paths read what VRAM holds? */
static int check_read(void *p)
{
	struct vram_ctx *c = p;

	if (c->checked)
		return 0;
	if (memcmp(c->dst_a, c->src, VRAM_SIZE)) {
		bench_fail(c->f, "snoop pread returned other bytes than VRAM holds");
		return -EIO;
	}
	if (memcmp(c->dst_b, c->src, c->b_bytes)) {
		bench_fail(c->f, "%s returned other bytes than VRAM holds",
			   c->f->b.label);
		return -EIO;
	}
	c->checked = true;
	return 0;
}

/* First touch of a snoop mapping, against raw reads of the same VRAM. */
static int touch_setup(void *p)
{
	struct vram_ctx *c = p;
	int ret;

	/* Drop the snapshots of the last run: first touch again. */
	ret = snoop_refresh(c->sfd, BENCH_VA_VRAM, VRAM_SIZE, 0, NULL);
	if (ret) {
		bench_fail(c->f, "REFRESH: %s", strerror(-ret));
		return ret;
	}
	c->map = mmap(NULL, VRAM_SIZE, PROT_READ, MAP_SHARED, c->sfd,
		      BENCH_VA_VRAM);
	if (c->map == MAP_FAILED) {
		bench_fail(c->f, "mmap of the snoop file: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

static int step_touch(void *p, unsigned long i)
{
	struct vram_ctx *c = p;

	bench_touch(c->map + (i % (VRAM_SIZE / SZ_1M)) * SZ_1M, SZ_1M, false);
	return 0;
}

static int touch_check(void *p)
{
	struct vram_ctx *c = p;
	bool same = !memcmp(c->map, c->src, 4096) &&
		    !memcmp(c->map + VRAM_SIZE - 4096,
			    c->src + VRAM_SIZE - 4096, 4096);

	munmap(c->map, VRAM_SIZE);
	if (!same) {
		bench_fail(c->f, "the snoop mapping shows other bytes than VRAM holds");
		return -EIO;
	}
	return 0;
}

/*
 * Where the buffer lives in VRAM.  RESOLVE reports VRAM offsets to root
 * only for buffers whose TTM resource is flagged contiguous, and simgpu's
 * are not flagged (though its range manager allocates them contiguous):
 * so find the buffer's first page by its contents, the way one finds a
 * buffer with umr, and let the first raw run check all of it.
 */
static int vram_locate(struct vram_ctx *c)
{
	struct cardsnoop_resolve res;
	struct cardsnoop_info info;
	uint64_t off, page;
	char *buf;
	ssize_t n;
	int ret;

	ret = snoop_resolve(c->sfd, BENCH_VA_VRAM, &res);
	if (!ret && res.mapping.placement != CARDSNOOP_PLACEMENT_VRAM)
		ret = -EIO;
	if (!ret)
		ret = snoop_info(c->sfd, &info);
	if (ret) {
		bench_fail(c->f, "RESOLVE of the VRAM buffer: %s",
			   strerror(-ret));
		return ret;
	}
	c->resolve_vram_offset = res.vram_offset;
	c->resolve_extent = res.extent_size;

	buf = malloc(SZ_1M);
	if (!buf)
		return -ENOMEM;
	for (off = 0; off < info.vram_size; off += SZ_1M) {
		n = pread(c->raw_fd, buf, SZ_1M, off);
		if (n <= 0)
			break;
		for (page = 0; page + 4096 <= (uint64_t)n; page += 4096)
			if (!memcmp(buf + page, c->src, 4096) &&
			    off + page + VRAM_SIZE <= info.vram_size) {
				c->vram_offset = off + page;
				free(buf);
				return 0;
			}
	}
	free(buf);
	bench_fail(c->f, "the VRAM buffer's contents are nowhere in simgpu_vram");
	return -ENOENT;
}

static int open_debugfs(struct vram_ctx *c, const char *name, int flags)
{
	struct cardsnoop_info info;
	char path[128];
	int fd, ret;

	ret = snoop_info(c->sfd, &info);
	if (ret) {
		bench_fail(c->f, "INFO: %s", strerror(-ret));
		return ret;
	}
	snprintf(path, sizeof(path), "/sys/kernel/debug/dri/%u/%s",
		 info.card_index, name);
	fd = open(path, flags | O_CLOEXEC);
	if (fd < 0) {
		bench_fail(c->f, "%s: %s", path, strerror(errno));
		return -errno;
	}
	return fd;
}

static int vram_setup(struct vram_ctx *c, struct bench_fig *f)
{
	int ret;

	c->sfd = c->raw_fd = c->index_fd = c->data_fd = -1;
	c->f = f;
	ret = bench_target_start(&c->t, vram_target_setup, NULL, &c->r,
				 sizeof(c->r));
	if (ret) {
		bench_fail(f, "target with a 64 MiB VRAM buffer: %s",
			   strerror(-ret));
		return ret;
	}
	c->sfd = bench_snoop_attach_pid(c->t.pid, c->r.drm_fd, 0);
	if (c->sfd < 0) {
		bench_fail(f, "attach to the target: %s", strerror(-c->sfd));
		return c->sfd;
	}
	c->raw_fd = open_debugfs(c, "simgpu_vram", O_RDONLY);
	if (c->raw_fd < 0)
		return c->raw_fd;
	c->index_fd = open_debugfs(c, "simgpu_mm_index", O_RDWR);
	if (c->index_fd < 0)
		return c->index_fd;
	c->data_fd = open_debugfs(c, "simgpu_mm_data", O_RDWR);
	if (c->data_fd < 0)
		return c->data_fd;
	c->src = bench_alloc(VRAM_SIZE, false);
	c->dst_a = bench_alloc(VRAM_SIZE, false);
	c->dst_b = bench_alloc(VRAM_SIZE, false);
	if (!c->src || !c->dst_a || !c->dst_b) {
		bench_fail(f, "64 MiB buffers: out of memory");
		return -ENOMEM;
	}
	fill_pattern(c->src, VRAM_SIZE, VRAM_SEED);
	return vram_locate(c);
}

static void vram_teardown(struct vram_ctx *c)
{
	if (c->src)
		munmap(c->src, VRAM_SIZE);
	if (c->dst_a)
		munmap(c->dst_a, VRAM_SIZE);
	if (c->dst_b)
		munmap(c->dst_b, VRAM_SIZE);
	if (c->data_fd >= 0)
		close(c->data_fd);
	if (c->index_fd >= 0)
		close(c->index_fd);
	if (c->raw_fd >= 0)
		close(c->raw_fd);
	if (c->sfd >= 0) {
		close(c->sfd);
		bench_wait_hooks_off();	/* before the target unbinds */
	}
	bench_target_stop(&c->t);
}

unsigned int bench_vram_figures(struct bench_fig **out, unsigned int room)
{
	unsigned int passes = bench_scaled(2, 1);
	struct vram_ctx c = {
		.t = { -1, -1 }, .sfd = -1, .raw_fd = -1, .index_fd = -1,
		.data_fd = -1,
		.dword_bytes = (VRAM_SIZE / SZ_1M) * DWORD_STEP,
	};
	struct bench_steps s = {
		.n = passes * (VRAM_SIZE / SZ_1M),
		.block = 1,
		.a_units = (double)passes * VRAM_SIZE / SZ_1M,
		.b_units = (double)passes * VRAM_SIZE / SZ_1M,
		.check = check_read,
		.a = step_snoop,
		.b = step_raw,
	};
	struct bench_fig *f;
	unsigned int n = 0;

	if (room < 3)
		return 0;

	f = bench_fig_new("pread_vram_vs_raw", 0.9, "MiB/s", bench_opts.pairs,
			  "snoop pread", "simgpu_vram read");
	out[n++] = f;
	c.f = f;
	if (!vram_setup(&c, f)) {
		bench_fig_note(f, "a 64 MiB VRAM buffer of another process, 1 MiB preads at its GPU VA, against 1 MiB reads of the same bytes from debugfs simgpu_vram at VRAM offset 0x%llx (root only; a page at a time through a kernel buffer, like amdgpu_vram); %u passes a run, the two runs of a pair alternating every MiB; RESOLVE reported vram_offset 0x%llx",
			       (unsigned long long)c.vram_offset, passes,
			       (unsigned long long)c.resolve_vram_offset);
		c.b_bytes = VRAM_SIZE;
		bench_pairs_steps(f, &s, &c);
	}
	bench_report_line(f);
	if (f->error[0]) {
		vram_teardown(&c);
		return n;
	}

	f = bench_fig_new("pread_vram_vs_dword", 10, "MiB/s", bench_opts.pairs,
			  "snoop pread", "MM_INDEX/MM_DATA");
	bench_fig_note(f, "snoop pread as pread_vram_vs_raw, against the first %zu KiB of the same bytes read a dword at a time (write simgpu_mm_index, read simgpu_mm_data: two syscalls per 4 bytes), %u bytes after each snoop MiB; the rate is per byte",
		       c.dword_bytes * passes >> 10, DWORD_STEP);
	out[n++] = f;
	c.f = f;
	c.checked = false;
	c.b_bytes = c.dword_bytes;
	s.b = step_dword;
	s.b_units = (double)s.n * DWORD_STEP / SZ_1M;
	bench_pairs_steps(f, &s, &c);
	bench_report_line(f);

	f = bench_fig_new("mmap_vram_touch_vs_raw", 0, "MiB/s", bench_opts.pairs,
			  "snoop mmap read touch", "simgpu_vram read");
	bench_fig_note(f, "one read per 4 KiB page of a snoop mapping of the 64 MiB VRAM buffer (each first touch copies a page into a snapshot; REFRESH drops them before each pair, untimed) against 1 MiB reads of the same VRAM from simgpu_vram, alternating every MiB");
	out[n++] = f;
	c.f = f;
	s.n = VRAM_SIZE / SZ_1M;
	s.a_units = s.b_units = VRAM_SIZE / SZ_1M;
	s.setup = touch_setup;
	s.check = touch_check;
	s.a = step_touch;
	s.b = step_raw;
	bench_pairs_steps(f, &s, &c);
	bench_report_line(f);

	vram_teardown(&c);
	return n;
}
