// SPDX-License-Identifier: MIT
/*
 * Figures of a system-memory buffer: snoop pread against memcpy and
 * against /proc/PID/mem, the read-size sweep, and first touch of a snoop
 * mapping against first touch of anonymous memory.
 *
 * A target process owns a 64 MiB system buffer, filled with a pattern
 * through its CPU mapping and bound at BENCH_VA_SYS; this process attaches
 * to it as a debugger does (pidfd_getfd) and reads it into a pre-faulted
 * 64 MiB destination.  The memcpy baseline copies a 64 MiB buffer holding
 * the same pattern into the same destination, so both sides move the same
 * bytes to the same place; every path's data is checked once.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench.h"

#define MEM_SIZE	SZ_64M
#define MEM_SEED	0x5eed

struct mem_reply {
	int drm_fd;
	uint64_t cpu_addr;	/* the target's CPU mapping of the buffer */
};

struct mem_ctx {
	struct bench_fig *f;
	struct bench_target t;
	struct mem_reply r;
	int sfd;
	int procmem_fd;
	int tmpfs_fd;
	char *src;
	char *dst;
	size_t chunk;		/* read size */
	bool write;		/* touch by writing */
	bool nohuge;		/* anonymous baseline without THP */
};

static int mem_target_setup(void *arg, void *reply)
{
	struct mem_reply *r = reply;
	uint32_t handle;
	void *map;
	int fd, ret;

	fd = sg_open(0);
	if (fd < 0)
		return fd;
	ret = sg_bo_create(fd, MEM_SIZE, SIMGPU_PLACEMENT_SYSTEM, 0, &handle,
			   NULL);
	if (ret)
		return ret;
	map = sg_bo_map(fd, handle, MEM_SIZE);
	if (!map)
		return -ENOMEM;
	fill_pattern(map, MEM_SIZE, MEM_SEED);
	ret = sg_bind(fd, handle, BENCH_VA_SYS, MEM_SIZE, 0, 0);
	if (ret)
		return ret;
	r->drm_fd = fd;
	r->cpu_addr = (uintptr_t)map;
	return 0;
}

static double mib_per_s(size_t bytes, double t0)
{
	double dt = bench_now() - t0;

	return bytes / 1048576.0 / (dt > 0 ? dt : 1e-9);
}

/* Read MEM_SIZE bytes from @fd at @base + offset into dst, c->chunk at a time. */
static double read_all(struct mem_ctx *c, int fd, uint64_t base,
		       const char *what)
{
	size_t off;
	ssize_t n;
	double t0 = bench_now();

	for (off = 0; off < MEM_SIZE; off += c->chunk) {
		n = pread(fd, c->dst + off, c->chunk, base + off);
		if (n != (ssize_t)c->chunk) {
			bench_fail(c->f, "%s at 0x%llx: %s", what,
				   (unsigned long long)(base + off),
				   n < 0 ? strerror(errno) : "short read");
			return -EIO;
		}
	}
	return mib_per_s(MEM_SIZE, t0);
}

/* The data of the first run of each path is checked, not timed again. */
static double check(struct mem_ctx *c, double rate, const char *what)
{
	if (rate < 0)
		return rate;
	if (memcmp(c->dst, c->src, MEM_SIZE)) {
		bench_fail(c->f, "%s returned other bytes than the buffer holds",
			   what);
		return -EIO;
	}
	memset(c->dst, 0, MEM_SIZE);
	return rate;
}

static double run_snoop_pread(void *p)
{
	struct mem_ctx *c = p;

	return check(c, read_all(c, c->sfd, BENCH_VA_SYS, "snoop pread"),
		     "snoop pread");
}

static double run_memcpy(void *p)
{
	struct mem_ctx *c = p;
	double t0 = bench_now();

	memcpy(c->dst, c->src, MEM_SIZE);
	/* Keep the copy: the compiler must not drop it. */
	__asm__ volatile("" : : "r"(c->dst) : "memory");
	return mib_per_s(MEM_SIZE, t0);
}

static double run_procmem(void *p)
{
	struct mem_ctx *c = p;

	return check(c, read_all(c, c->procmem_fd, c->r.cpu_addr,
				 "/proc/PID/mem pread"), "/proc/PID/mem");
}

static double run_tmpfs(void *p)
{
	struct mem_ctx *c = p;

	return check(c, read_all(c, c->tmpfs_fd, 0, "tmpfs pread"),
		     "tmpfs pread");
}

static double run_snoop_touch(void *p)
{
	struct mem_ctx *c = p;
	int prot = PROT_READ | (c->write ? PROT_WRITE : 0);
	char *m;
	double t0, rate;
	bool same;

	m = mmap(NULL, MEM_SIZE, prot, MAP_SHARED, c->sfd, BENCH_VA_SYS);
	if (m == MAP_FAILED) {
		bench_fail(c->f, "mmap of the snoop file: %s", strerror(errno));
		return -errno;
	}
	t0 = bench_now();
	if (c->write) {
		/* Write back what is there: the target's data stays. */
		volatile char *v = m;
		size_t off;

		for (off = 0; off < MEM_SIZE; off += 4096)
			v[off] = v[off];
	} else {
		bench_touch(m, MEM_SIZE, false);
	}
	rate = mib_per_s(MEM_SIZE, t0);
	same = !memcmp(m, c->src, 4096) &&
	       !memcmp(m + MEM_SIZE - 4096, c->src + MEM_SIZE - 4096, 4096);
	munmap(m, MEM_SIZE);
	if (!same) {
		bench_fail(c->f, "the snoop mapping shows other bytes than the buffer holds");
		return -EIO;
	}
	return rate;
}

static double run_anon_touch(void *p)
{
	struct mem_ctx *c = p;
	char *m;
	double t0, rate;

	m = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED) {
		bench_fail(c->f, "anonymous mmap: %s", strerror(errno));
		return -errno;
	}
	if (c->nohuge)
		madvise(m, MEM_SIZE, MADV_NOHUGEPAGE);
	t0 = bench_now();
	bench_touch(m, MEM_SIZE, true);
	rate = mib_per_s(MEM_SIZE, t0);
	munmap(m, MEM_SIZE);
	return rate;
}

static int param_write(const char *path, unsigned int v)
{
	FILE *f = fopen(path, "w");
	int ret = 0;

	if (!f)
		return -errno;
	if (fprintf(f, "%u\n", v) < 0)
		ret = -EIO;
	if (fclose(f) && !ret)
		ret = -errno;
	return ret;
}

static long param_read(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;

	if (!f)
		return -errno;
	if (fscanf(f, "%ld", &v) != 1)
		v = -EIO;
	fclose(f);
	return v;
}

#define FAULT_AROUND_PARAM "/sys/module/cardsnoop/parameters/fault_around_pages"

static struct bench_fig *figure(struct mem_ctx *c, const char *name,
				double goal, const char *a, const char *b,
				bench_run_fn ra, bench_run_fn rb,
				const char *fmt, ...)
	__attribute__((format(printf, 8, 9)));

/* Make, measure and print one figure of the buffer of @c. */
static struct bench_fig *figure(struct mem_ctx *c, const char *name,
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

static int mem_setup(struct mem_ctx *c, struct bench_fig *f)
{
	char path[64];
	size_t off;
	int ret;

	c->sfd = c->procmem_fd = c->tmpfs_fd = -1;
	c->f = f;
	/* The target first: it must not inherit our large buffers. */
	ret = bench_target_start(&c->t, mem_target_setup, NULL, &c->r,
				 sizeof(c->r));
	if (ret) {
		bench_fail(f, "target with a 64 MiB system buffer: %s",
			   strerror(-ret));
		return ret;
	}
	c->sfd = bench_snoop_attach_pid(c->t.pid, c->r.drm_fd, 0);
	if (c->sfd < 0) {
		bench_fail(f, "attach to the target: %s", strerror(-c->sfd));
		return c->sfd;
	}
	snprintf(path, sizeof(path), "/proc/%d/mem", c->t.pid);
	c->procmem_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (c->procmem_fd < 0) {
		bench_fail(f, "%s: %s", path, strerror(errno));
		return -errno;
	}
	c->src = bench_alloc(MEM_SIZE, false);
	c->dst = bench_alloc(MEM_SIZE, false);
	if (!c->src || !c->dst) {
		bench_fail(f, "64 MiB buffers: out of memory");
		return -ENOMEM;
	}
	fill_pattern(c->src, MEM_SIZE, MEM_SEED);

	c->tmpfs_fd = open("/tmp/cs-bench.tmpfs", O_RDWR | O_CREAT | O_TRUNC |
			   O_CLOEXEC, 0600);
	if (c->tmpfs_fd < 0) {
		bench_fail(f, "/tmp: %s", strerror(errno));
		return -errno;
	}
	unlink("/tmp/cs-bench.tmpfs");
	for (off = 0; off < MEM_SIZE; off += SZ_1M)
		if (pwrite(c->tmpfs_fd, c->src + off, SZ_1M, off) != SZ_1M) {
			bench_fail(f, "tmpfs file: %s", strerror(errno));
			return -EIO;
		}
	return 0;
}

static void mem_teardown(struct mem_ctx *c)
{
	if (c->src)
		munmap(c->src, MEM_SIZE);
	if (c->dst)
		munmap(c->dst, MEM_SIZE);
	if (c->tmpfs_fd >= 0)
		close(c->tmpfs_fd);
	if (c->procmem_fd >= 0)
		close(c->procmem_fd);
	if (c->sfd >= 0)
		close(c->sfd);
	bench_target_stop(&c->t);
}

unsigned int bench_mem_figures(struct bench_fig **out, unsigned int room)
{
	static const struct {
		size_t size;
		const char *name;
	} sweep[] = {
		{ 4096, "pread_sys_4k_vs_memcpy" },
		{ 65536, "pread_sys_64k_vs_memcpy" },
		{ 16 << 20, "pread_sys_16m_vs_memcpy" },
		{ 64 << 20, "pread_sys_64m_vs_memcpy" },
	};
	struct mem_ctx c = { .chunk = SZ_1M, .nohuge = true };
	struct bench_fig *f;
	unsigned int n = 0, i;
	long fa;

	if (room < 12)
		return 0;

	f = bench_fig_new("pread_sys_vs_memcpy", 0.8, "MiB/s", bench_opts.pairs,
			  "snoop pread", "memcpy");
	bench_fig_note(f, "a 64 MiB system buffer of another process read in 1 MiB preads into a 64 MiB buffer; memcpy of 64 MiB into the same buffer");
	out[n++] = f;
	if (!mem_setup(&c, f))
		bench_pairs(f, run_snoop_pread, run_memcpy, &c);
	bench_report_line(f);
	if (f->error[0]) {
		mem_teardown(&c);
		return n;
	}

	out[n++] = figure(&c, "pread_sys_vs_procmem", 1.0, "snoop pread",
			  "/proc/PID/mem pread", run_snoop_pread, run_procmem,
			  "1 MiB preads of the same 64 MiB buffer: through cardsnoop at its GPU VA, through /proc/PID/mem at the target's CPU mapping of it (TTM's vm_ops->access, a page at a time)");

	fa = param_read(FAULT_AROUND_PARAM);
	out[n++] = figure(&c, "mmap_touch_vs_anon", 0.5, "snoop mmap read touch",
			  "anon write touch", run_snoop_touch, run_anon_touch,
			  "one access per 4 KiB page of 64 MiB, mmap/munmap not timed: a read-only MAP_SHARED snoop mapping of the system buffer (fault_around_pages=%ld) against a fresh private anonymous mapping written to, MADV_NOHUGEPAGE (4 KiB pages like the snoop mapping's)",
			  fa);

	/* Extra figures: no goal; they explain the ones above. */
	for (i = 0; i < sizeof(sweep) / sizeof(sweep[0]); i++) {
		c.chunk = sweep[i].size;
		out[n++] = figure(&c, sweep[i].name, 0, "snoop pread", "memcpy",
				  run_snoop_pread, run_memcpy,
				  "as pread_sys_vs_memcpy with %zu KiB preads",
				  c.chunk >> 10);
	}
	c.chunk = SZ_1M;

	out[n++] = figure(&c, "pread_tmpfs_vs_memcpy", 0, "tmpfs pread",
			  "memcpy", run_tmpfs, run_memcpy,
			  "the kernel's own copy to user space, 1 MiB preads of a 64 MiB tmpfs file: the most any read(2) path reaches here");
	out[n++] = figure(&c, "pread_sys_vs_tmpfs", 0, "snoop pread",
			  "tmpfs pread", run_snoop_pread, run_tmpfs,
			  "cardsnoop against the page-cache read path, 1 MiB preads");

	c.nohuge = false;
	out[n++] = figure(&c, "mmap_touch_vs_anon_thp", 0,
			  "snoop mmap read touch", "anon write touch (THP)",
			  run_snoop_touch, run_anon_touch,
			  "as mmap_touch_vs_anon, the anonymous side with the guest kernel's default transparent huge pages");
	c.nohuge = true;

	c.write = true;
	out[n++] = figure(&c, "mmap_write_touch_vs_anon", 0,
			  "snoop mmap write touch", "anon write touch",
			  run_snoop_touch, run_anon_touch,
			  "as mmap_touch_vs_anon, the snoop mapping PROT_READ|PROT_WRITE and written to");
	c.write = false;

	if (fa > 1 && !param_write(FAULT_AROUND_PARAM, 1)) {
		out[n++] = figure(&c, "mmap_touch_nofaultaround_vs_anon", 0,
				  "snoop mmap read touch", "anon write touch",
				  run_snoop_touch, run_anon_touch,
				  "as mmap_touch_vs_anon with fault_around_pages=1: what fault-around buys");
		param_write(FAULT_AROUND_PARAM, fa);
	}

	mem_teardown(&c);
	return n;
}
