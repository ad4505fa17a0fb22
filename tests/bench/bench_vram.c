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
	size_t dword_bytes;	/* bytes the dword path reads per sample */
	unsigned int reps;	/* passes over the buffer per sample */
	char *src;
	char *dst;
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

static double mib_per_s(double bytes, double t0)
{
	double dt = bench_now() - t0;

	return bytes / 1048576.0 / (dt > 0 ? dt : 1e-9);
}

static double check(struct vram_ctx *c, double rate, size_t size,
		    const char *what)
{
	if (rate < 0)
		return rate;
	if (memcmp(c->dst, c->src, size)) {
		bench_fail(c->f, "%s returned other bytes than VRAM holds", what);
		return -EIO;
	}
	memset(c->dst, 0, size);
	return rate;
}

static double run_snoop_pread(void *p)
{
	struct vram_ctx *c = p;
	unsigned int rep;
	size_t off;
	ssize_t n;
	double t0 = bench_now();

	for (rep = 0; rep < c->reps; rep++)
		for (off = 0; off < VRAM_SIZE; off += SZ_1M) {
			n = pread(c->sfd, c->dst + off, SZ_1M,
				  BENCH_VA_VRAM + off);
			if (n != SZ_1M) {
				bench_fail(c->f, "snoop pread of VRAM: %s",
					   n < 0 ? strerror(errno) : "short read");
				return -EIO;
			}
		}
	return check(c, mib_per_s((double)VRAM_SIZE * c->reps, t0), VRAM_SIZE,
		     "snoop pread");
}

/* simgpu_vram in 1 MiB reads. */
static double run_raw(void *p)
{
	struct vram_ctx *c = p;
	unsigned int rep;
	size_t off;
	ssize_t n;
	double t0 = bench_now();

	for (rep = 0; rep < c->reps; rep++)
		for (off = 0; off < VRAM_SIZE; off += SZ_1M) {
			n = pread(c->raw_fd, c->dst + off, SZ_1M,
				  c->vram_offset + off);
			if (n != SZ_1M) {
				bench_fail(c->f, "simgpu_vram read: %s",
					   n < 0 ? strerror(errno) : "short read");
				return -EIO;
			}
		}
	return check(c, mib_per_s((double)VRAM_SIZE * c->reps, t0), VRAM_SIZE,
		     "simgpu_vram");
}

/* MM_INDEX/MM_DATA: one index write and one data read per dword. */
static double run_dword(void *p)
{
	struct vram_ctx *c = p;
	uint32_t *out = (uint32_t *)c->dst;
	size_t i, n = c->dword_bytes / 4;
	double t0 = bench_now();

	for (i = 0; i < n; i++) {
		uint64_t index = c->vram_offset + i * 4;

		if (pwrite(c->index_fd, &index, sizeof(index), 0) !=
			    sizeof(index) ||
		    pread(c->data_fd, &out[i], 4, 0) != 4) {
			bench_fail(c->f, "simgpu_mm_index/simgpu_mm_data: %s",
				   strerror(errno));
			return -EIO;
		}
	}
	return check(c, mib_per_s(c->dword_bytes, t0), c->dword_bytes,
		     "simgpu_mm_data");
}

static double run_snoop_touch(void *p)
{
	struct vram_ctx *c = p;
	char *m;
	double t0, rate;
	bool same;
	int ret;

	/* Drop the snapshots of the last run: first touch again. */
	ret = snoop_refresh(c->sfd, BENCH_VA_VRAM, VRAM_SIZE, 0, NULL);
	if (ret) {
		bench_fail(c->f, "REFRESH: %s", strerror(-ret));
		return ret;
	}
	m = mmap(NULL, VRAM_SIZE, PROT_READ, MAP_SHARED, c->sfd, BENCH_VA_VRAM);
	if (m == MAP_FAILED) {
		bench_fail(c->f, "mmap of the snoop file: %s", strerror(errno));
		return -errno;
	}
	t0 = bench_now();
	bench_touch(m, VRAM_SIZE, false);
	rate = mib_per_s(VRAM_SIZE, t0);
	same = !memcmp(m, c->src, 4096) &&
	       !memcmp(m + VRAM_SIZE - 4096, c->src + VRAM_SIZE - 4096, 4096);
	munmap(m, VRAM_SIZE);
	if (!same) {
		bench_fail(c->f, "the snoop mapping shows other bytes than VRAM holds");
		return -EIO;
	}
	return rate;
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
	c->dst = bench_alloc(VRAM_SIZE, false);
	if (!c->src || !c->dst) {
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
	if (c->dst)
		munmap(c->dst, VRAM_SIZE);
	if (c->data_fd >= 0)
		close(c->data_fd);
	if (c->index_fd >= 0)
		close(c->index_fd);
	if (c->raw_fd >= 0)
		close(c->raw_fd);
	if (c->sfd >= 0)
		close(c->sfd);
	bench_target_stop(&c->t);
}

static struct bench_fig *figure(struct vram_ctx *c, const char *name,
				double goal, const char *a, const char *b,
				bench_run_fn ra, bench_run_fn rb,
				const char *fmt, ...)
	__attribute__((format(printf, 8, 9)));

static struct bench_fig *figure(struct vram_ctx *c, const char *name,
				double goal, const char *a, const char *b,
				bench_run_fn ra, bench_run_fn rb,
				const char *fmt, ...)
{
	struct bench_fig *f = bench_fig_new(name, goal, "MiB/s",
					    bench_opts.pairs, a, b);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->note, sizeof(f->note), fmt, ap);
	va_end(ap);
	c->f = f;
	bench_pairs(f, ra, rb, c);
	bench_report_line(f);
	return f;
}

unsigned int bench_vram_figures(struct bench_fig **out, unsigned int room)
{
	struct vram_ctx c = {
		.reps = bench_scaled(2, 1),
		.dword_bytes = bench_scaled(256 << 10, 16 << 10),
	};
	struct bench_fig *f;
	unsigned int n = 0;

	if (room < 3)
		return 0;

	f = bench_fig_new("pread_vram_vs_raw", 0.9, "MiB/s", bench_opts.pairs,
			  "snoop pread", "simgpu_vram read");
	out[n++] = f;
	if (!vram_setup(&c, f)) {
		bench_fig_note(f, "a 64 MiB VRAM buffer of another process, 1 MiB preads at its GPU VA; the same bytes read in 1 MiB reads of debugfs simgpu_vram at VRAM offset 0x%llx (root only; a page at a time through a kernel buffer, like amdgpu_vram); RESOLVE reported vram_offset 0x%llx, extent 0x%llx",
			       (unsigned long long)c.vram_offset,
			       (unsigned long long)c.resolve_vram_offset,
			       (unsigned long long)c.resolve_extent);
		bench_pairs(f, run_snoop_pread, run_raw, &c);
	}
	bench_report_line(f);
	if (f->error[0]) {
		vram_teardown(&c);
		return n;
	}

	out[n++] = figure(&c, "pread_vram_vs_dword", 10, "snoop pread",
			  "MM_INDEX/MM_DATA", run_snoop_pread, run_dword,
			  "snoop pread as pread_vram_vs_raw; the baseline reads the first %zu KiB of the same bytes a dword at a time (write simgpu_mm_index, read simgpu_mm_data: two syscalls per 4 bytes), its rate scaled per byte",
			  c.dword_bytes >> 10);

	out[n++] = figure(&c, "mmap_vram_touch_vs_raw", 0,
			  "snoop mmap read touch", "simgpu_vram read",
			  run_snoop_touch, run_raw,
			  "one read per 4 KiB page of a snoop mapping of the 64 MiB VRAM buffer (each first touch copies the page into a snapshot; dropped with REFRESH before each run, untimed) against reading the same VRAM through simgpu_vram");

	vram_teardown(&c);
	return n;
}
