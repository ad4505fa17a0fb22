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
 * the same pattern into another destination, so both sides move the same
 * bytes; the data of every path is checked after the first pair.  The two
 * runs of a pair alternate chunk by chunk (bench_pairs_steps()).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "bench.h"

#define MEM_SIZE	SZ_64M
#define MEM_SEED	0x5eed
#define TOUCH_BLOCK	SZ_2M

struct mem_reply {
	int drm_fd;
	uint64_t cpu_addr;	/* the target's CPU mapping of the buffer */
};

struct mem_ctx;
/* A read path: copy chunk @i of the buffer into @dst + chunk offset. */
typedef int (*mem_path_fn)(struct mem_ctx *c, char *dst, unsigned long i);

struct mem_ctx {
	struct bench_fig *f;
	struct bench_target t;
	struct mem_reply r;
	int sfd;
	int procmem_fd;
	int tmpfs_fd;
	char *src;		/* the pattern the buffer holds */
	char *dst_a;		/* where the measured side reads to */
	char *dst_b;		/* where the baseline reads to */
	size_t chunk;		/* read size */
	unsigned long nchunks;	/* MEM_SIZE / chunk */
	mem_path_fn path_a;
	mem_path_fn path_b;
	const char *what_a;
	const char *what_b;
	bool checked;		/* the paths' data was checked */
	char *fresh_a;		/* fresh destinations (fresh_setup()) */
	char *fresh_b;
	/* first-touch figures */
	char *map_a;		/* the snoop mapping */
	char *map_b;		/* the anonymous mapping */
	bool write;		/* touch the snoop mapping by writing */
	bool nohuge;		/* anonymous mapping without THP */
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

/* Read paths ------------------------------------------------------------ */

static int read_chunk(struct mem_ctx *c, int fd, uint64_t base, char *dst,
		      unsigned long i, const char *what)
{
	size_t off = (i % c->nchunks) * c->chunk;
	ssize_t n = pread(fd, dst + off, c->chunk, base + off);

	if (n == (ssize_t)c->chunk)
		return 0;
	bench_fail(c->f, "%s at 0x%llx: %s", what,
		   (unsigned long long)(base + off),
		   n < 0 ? strerror(errno) : "short read");
	return -EIO;
}

static int path_snoop(struct mem_ctx *c, char *dst, unsigned long i)
{
	return read_chunk(c, c->sfd, BENCH_VA_SYS, dst, i, "snoop pread");
}

static int path_procmem(struct mem_ctx *c, char *dst, unsigned long i)
{
	return read_chunk(c, c->procmem_fd, c->r.cpu_addr, dst, i,
			  "/proc/PID/mem pread");
}

static int path_tmpfs(struct mem_ctx *c, char *dst, unsigned long i)
{
	return read_chunk(c, c->tmpfs_fd, 0, dst, i, "tmpfs pread");
}

static int path_memcpy(struct mem_ctx *c, char *dst, unsigned long i)
{
	size_t off = (i % c->nchunks) * c->chunk;

	memcpy(dst + off, c->src + off, c->chunk);
	/* Keep every copy: the compiler must not drop one. */
	__asm__ volatile("" : : "r"(dst) : "memory");
	return 0;
}

static int step_read_a(void *p, unsigned long i)
{
	struct mem_ctx *c = p;

	return c->path_a(c, c->dst_a, i);
}

static int step_read_b(void *p, unsigned long i)
{
	struct mem_ctx *c = p;

	return c->path_b(c, c->dst_b, i);
}

/* After the first pair: did both paths read what the buffer holds? */
static int check_read(void *p)
{
	struct mem_ctx *c = p;

	if (c->checked)
		return 0;
	if (memcmp(c->dst_a, c->src, MEM_SIZE)) {
		bench_fail(c->f, "%s read other bytes than the buffer holds",
			   c->what_a);
		return -EIO;
	}
	if (memcmp(c->dst_b, c->src, MEM_SIZE)) {
		bench_fail(c->f, "%s read other bytes than the buffer holds",
			   c->what_b);
		return -EIO;
	}
	c->checked = true;
	return 0;
}

/*
 * Reads into fresh memory, as a debugger's new buffer: both destinations
 * are new anonymous mappings of 4 KiB pages, never touched, so every read
 * first faults its destination in.
 */
static int fresh_setup(void *p)
{
	struct mem_ctx *c = p;
	char *a, *b;

	a = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	b = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (a == MAP_FAILED || b == MAP_FAILED) {
		bench_fail(c->f, "anonymous mmap: %s", strerror(errno));
		return -ENOMEM;
	}
	madvise(a, MEM_SIZE, MADV_NOHUGEPAGE);
	madvise(b, MEM_SIZE, MADV_NOHUGEPAGE);
	c->fresh_a = a;
	c->fresh_b = b;
	return 0;
}

static int step_fresh_a(void *p, unsigned long i)
{
	struct mem_ctx *c = p;

	return c->path_a(c, c->fresh_a, i);
}

static int step_fresh_b(void *p, unsigned long i)
{
	struct mem_ctx *c = p;

	return c->path_b(c, c->fresh_b, i);
}

static int fresh_check(void *p)
{
	struct mem_ctx *c = p;
	int ret = 0;

	if (memcmp(c->fresh_a, c->src, MEM_SIZE) ||
	    memcmp(c->fresh_b, c->src, MEM_SIZE)) {
		bench_fail(c->f, "a read into fresh memory returned other bytes than the buffer holds");
		ret = -EIO;
	}
	munmap(c->fresh_a, MEM_SIZE);
	munmap(c->fresh_b, MEM_SIZE);
	return ret;
}

/* First touch ----------------------------------------------------------- */

static int touch_setup(void *p)
{
	struct mem_ctx *c = p;
	int prot = PROT_READ | (c->write ? PROT_WRITE : 0);

	c->map_a = mmap(NULL, MEM_SIZE, prot, MAP_SHARED, c->sfd, BENCH_VA_SYS);
	if (c->map_a == MAP_FAILED) {
		bench_fail(c->f, "mmap of the snoop file: %s", strerror(errno));
		return -errno;
	}
	c->map_b = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (c->map_b == MAP_FAILED) {
		bench_fail(c->f, "anonymous mmap: %s", strerror(errno));
		munmap(c->map_a, MEM_SIZE);
		return -errno;
	}
	if (c->nohuge)
		madvise(c->map_b, MEM_SIZE, MADV_NOHUGEPAGE);
	return 0;
}

/* One access per page of 2 MiB block @i of the snoop mapping. */
static int touch_snoop(void *p, unsigned long i)
{
	struct mem_ctx *c = p;
	volatile char *v = c->map_a + i * TOUCH_BLOCK;
	size_t off;

	if (c->write) {
		/* Write back what is there: the target's data stays. */
		for (off = 0; off < TOUCH_BLOCK; off += 4096)
			v[off] = v[off];
	} else {
		bench_touch((char *)v, TOUCH_BLOCK, false);
	}
	return 0;
}

static int touch_anon(void *p, unsigned long i)
{
	struct mem_ctx *c = p;

	bench_touch(c->map_b + i * TOUCH_BLOCK, TOUCH_BLOCK, true);
	return 0;
}

static int touch_check(void *p)
{
	struct mem_ctx *c = p;
	bool same = !memcmp(c->map_a, c->src, 4096) &&
		    !memcmp(c->map_a + MEM_SIZE - 4096,
			    c->src + MEM_SIZE - 4096, 4096);

	munmap(c->map_a, MEM_SIZE);
	munmap(c->map_b, MEM_SIZE);
	if (!same) {
		bench_fail(c->f, "the snoop mapping shows other bytes than the buffer holds");
		return -EIO;
	}
	return 0;
}

/* Figures --------------------------------------------------------------- */

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

static struct bench_fig *new_fig(const char *name, double goal,
				 const char *a, const char *b,
				 const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static struct bench_fig *new_fig(const char *name, double goal,
				 const char *a, const char *b,
				 const char *fmt, ...)
{
	struct bench_fig *f = bench_fig_new(name, goal, "MiB/s",
					    bench_opts.pairs, a, b);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->note, sizeof(f->note), fmt, ap);
	va_end(ap);
	return f;
}

/* Path @pa against path @pb in @chunk reads, @passes over the buffer a run. */
static void read_figure(struct mem_ctx *c, struct bench_fig *f, size_t chunk,
			unsigned int passes, mem_path_fn pa, mem_path_fn pb)
{
	unsigned long per_mib = chunk < SZ_1M ? SZ_1M / chunk : 1;
	struct bench_steps s = {
		.block = per_mib,
		.setup = NULL,
		.check = check_read,
		.a = step_read_a,
		.b = step_read_b,
	};

	long long retries = fdinfo_value(c->sfd, "cardsnoop-retries");
	struct rusage ru0, ru1;

	c->f = f;
	c->chunk = chunk;
	c->nchunks = MEM_SIZE / chunk;
	c->path_a = pa;
	c->path_b = pb;
	c->what_a = f->a.label;
	c->what_b = f->b.label;
	c->checked = false;
	s.n = c->nchunks * passes;
	s.a_units = s.b_units = (double)s.n * chunk / SZ_1M;
	getrusage(RUSAGE_SELF, &ru0);
	bench_pairs_steps(f, &s, c);
	getrusage(RUSAGE_SELF, &ru1);
	/*
	 * A snoop read step starts again after an invalidation, or after a
	 * fault on the destination (faulted in then); this process's own
	 * page faults tell the second kind.
	 */
	if (pa == path_snoop || pb == path_snoop)
		bench_fig_note(f, "%lld snoop read retries, %ld page faults here",
			       fdinfo_value(c->sfd, "cardsnoop-retries") - retries,
			       ru1.ru_minflt - ru0.ru_minflt);
	bench_report_line(f);
}

static void touch_figure(struct mem_ctx *c, struct bench_fig *f)
{
	static const struct bench_steps s = {
		.n = MEM_SIZE / TOUCH_BLOCK,
		.block = 1,
		.a_units = MEM_SIZE / SZ_1M,
		.b_units = MEM_SIZE / SZ_1M,
		.setup = touch_setup,
		.check = touch_check,
		.a = touch_snoop,
		.b = touch_anon,
	};

	c->f = f;
	bench_pairs_steps(f, &s, c);
	bench_report_line(f);
}

static int mem_setup(struct mem_ctx *c, struct bench_fig *f)
{
	char path[64];
	size_t off;
	int ret;

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
	c->dst_a = bench_alloc(MEM_SIZE, false);
	c->dst_b = bench_alloc(MEM_SIZE, false);
	if (!c->src || !c->dst_a || !c->dst_b) {
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
	if (c->dst_a)
		munmap(c->dst_a, MEM_SIZE);
	if (c->dst_b)
		munmap(c->dst_b, MEM_SIZE);
	if (c->tmpfs_fd >= 0)
		close(c->tmpfs_fd);
	if (c->procmem_fd >= 0)
		close(c->procmem_fd);
	if (c->sfd >= 0) {
		close(c->sfd);
		bench_wait_hooks_off();	/* before the target unbinds */
	}
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
	struct mem_ctx c = {
		.t = { -1, -1 }, .sfd = -1, .procmem_fd = -1, .tmpfs_fd = -1,
		.nohuge = true,
	};
	unsigned int passes = bench_scaled(2, 1);
	struct bench_fig *f;
	unsigned int n = 0, i;
	long fa;

	if (room < 14)
		return 0;

	f = new_fig("pread_sys_vs_memcpy", 0.8, "snoop pread", "memcpy",
		    "a 64 MiB system buffer of another process read in 1 MiB preads into a 64 MiB buffer, against memcpy of a 64 MiB buffer with the same bytes in 1 MiB pieces; %u passes a run, the two runs of a pair alternating every MiB",
		    passes);
	out[n++] = f;
	if (mem_setup(&c, f)) {
		bench_report_line(f);
		mem_teardown(&c);
		return n;
	}
	read_figure(&c, f, SZ_1M, passes, path_snoop, path_memcpy);
	if (f->error[0]) {
		mem_teardown(&c);
		return n;
	}

	f = new_fig("pread_sys_vs_procmem", 1.0, "snoop pread",
		    "/proc/PID/mem pread",
		    "1 MiB preads of the same 64 MiB buffer: through cardsnoop at its GPU VA, through /proc/PID/mem at the target's CPU mapping of it (TTM's vm_ops->access, a page at a time)");
	read_figure(&c, f, SZ_1M, passes, path_snoop, path_procmem);
	out[n++] = f;

	fa = param_read(FAULT_AROUND_PARAM);
	f = new_fig("mmap_touch_vs_anon", 0.5, "snoop mmap read touch",
		    "anon write touch",
		    "one access per 4 KiB page of 64 MiB, mmap/munmap not timed: a read-only MAP_SHARED snoop mapping of the system buffer (fault_around_pages=%ld) against a fresh private anonymous mapping written to, MADV_NOHUGEPAGE (4 KiB pages like the snoop mapping's); the two alternate every 2 MiB",
		    fa);
	touch_figure(&c, f);
	out[n++] = f;

	/* Extra figures: no goal; they explain the ones above. */
	for (i = 0; i < sizeof(sweep) / sizeof(sweep[0]); i++) {
		f = new_fig(sweep[i].name, 0, "snoop pread", "memcpy",
			    "as pread_sys_vs_memcpy with %zu KiB preads (and memcpy pieces)",
			    sweep[i].size >> 10);
		read_figure(&c, f, sweep[i].size,
			    sweep[i].size < SZ_1M ? 1 : passes, path_snoop,
			    path_memcpy);
		out[n++] = f;
	}

	f = new_fig("pread_tmpfs_vs_memcpy", 0, "tmpfs pread", "memcpy",
		    "the kernel's own copy to user space, 1 MiB preads of a 64 MiB tmpfs file: about the most a read(2) path reaches here");
	read_figure(&c, f, SZ_1M, passes, path_tmpfs, path_memcpy);
	out[n++] = f;

	f = new_fig("pread_sys_vs_tmpfs", 0, "snoop pread", "tmpfs pread",
		    "cardsnoop against the page-cache read path, 1 MiB preads");
	read_figure(&c, f, SZ_1M, passes, path_snoop, path_tmpfs);
	out[n++] = f;

	f = new_fig("pread_sys_4k_vs_tmpfs", 0, "snoop pread", "tmpfs pread",
		    "as pread_sys_vs_tmpfs with 4 KiB preads: what a call costs beyond the copy");
	read_figure(&c, f, 4096, 1, path_snoop, path_tmpfs);
	out[n++] = f;

	f = new_fig("pread_sys_fresh_vs_tmpfs", 0, "snoop pread", "tmpfs pread",
		    "as pread_sys_vs_tmpfs, each run reading into a new, untouched 64 MiB buffer of 4 KiB pages (a debugger's fresh buffer): every destination page faults in during the reads");
	{
		long long r0 = fdinfo_value(c.sfd, "cardsnoop-retries");
		struct bench_steps fs = {
			.n = MEM_SIZE / SZ_1M, .block = 1,
			.a_units = MEM_SIZE / SZ_1M, .b_units = MEM_SIZE / SZ_1M,
			.setup = fresh_setup, .check = fresh_check,
			.a = step_fresh_a, .b = step_fresh_b,
		};

		c.f = f;
		c.chunk = SZ_1M;
		c.nchunks = MEM_SIZE / SZ_1M;
		c.path_a = path_snoop;
		c.path_b = path_tmpfs;
		bench_pairs_steps(f, &fs, &c);
		bench_fig_note(f, "%lld snoop read retries",
			       fdinfo_value(c.sfd, "cardsnoop-retries") - r0);
		bench_report_line(f);
	}
	out[n++] = f;

	c.nohuge = false;
	f = new_fig("mmap_touch_vs_anon_thp", 0, "snoop mmap read touch",
		    "anon write touch (THP)",
		    "as mmap_touch_vs_anon, the anonymous side with the guest kernel's default transparent huge pages");
	touch_figure(&c, f);
	out[n++] = f;
	c.nohuge = true;

	c.write = true;
	f = new_fig("mmap_write_touch_vs_anon", 0, "snoop mmap write touch",
		    "anon write touch",
		    "as mmap_touch_vs_anon, the snoop mapping PROT_READ|PROT_WRITE and written to");
	touch_figure(&c, f);
	out[n++] = f;
	c.write = false;

	if (fa > 1 && !param_write(FAULT_AROUND_PARAM, 1)) {
		f = new_fig("mmap_touch_nofaultaround_vs_anon", 0,
			    "snoop mmap read touch", "anon write touch",
			    "as mmap_touch_vs_anon with fault_around_pages=1: what fault-around buys");
		touch_figure(&c, f);
		out[n++] = f;
		param_write(FAULT_AROUND_PARAM, fa);
	}

	mem_teardown(&c);
	return n;
}
