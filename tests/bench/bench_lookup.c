// SPDX-License-Identifier: MIT
/*
 * How a snoop read scales with the number of mappings: random 4 KiB preads
 * of a VM with one mapping against a VM with 100,000 mappings.
 *
 * Both VMs map the same amount of memory, a 64 MiB system buffer each: the
 * first maps it once; the second maps 4 KiB pages of it 100,000 times, 8 KiB
 * apart (page i of the buffer at mapping i, i + 16384, ...; one VM_BIND per
 * mapping).  The reads pick pages at random (the same sequence in every
 * run), so both sides touch the same set of pages; only the lookup of the
 * mapping differs.  Both VMs belong to DRM files of this process.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

#define LOOKUP_MAPPINGS	100000
#define LOOKUP_BO	SZ_64M
#define LOOKUP_PAGES	(LOOKUP_BO / SZ_4K)
#define LOOKUP_VA	0x100000000ull
#define READS_MAX	(1ul << 20)

struct lookup_side {
	int drm_fd;
	int sfd;
	uint64_t *va;		/* the random read addresses */
};

struct lookup_ctx {
	struct bench_fig *f;
	struct lookup_side one;
	struct lookup_side many;
	unsigned long reads;
	char buf[4096];
};

static int side_setup(struct lookup_side *s, unsigned long mappings,
		      unsigned long reads, uint32_t seed, double *seconds)
{
	uint64_t i, x = seed * 2654435761u + 1;
	uint32_t handle;
	double t0;
	int ret;

	s->sfd = -1;
	s->drm_fd = sg_open(0);
	if (s->drm_fd < 0)
		return s->drm_fd;
	ret = sg_bo_create(s->drm_fd, LOOKUP_BO, SIMGPU_PLACEMENT_SYSTEM, 0,
			   &handle, NULL);
	if (ret)
		return ret;
	t0 = bench_now();
	if (mappings == 1) {
		ret = sg_bind(s->drm_fd, handle, LOOKUP_VA, LOOKUP_BO, 0, 0);
	} else {
		for (i = 0; !ret && i < mappings; i++)
			ret = sg_bind(s->drm_fd, handle,
				      LOOKUP_VA + i * 2 * SZ_4K, SZ_4K,
				      (i % LOOKUP_PAGES) * SZ_4K, 0);
	}
	if (ret)
		return ret;
	*seconds = bench_now() - t0;

	s->sfd = snoop_open_for(s->drm_fd);
	if (s->sfd < 0)
		return s->sfd;
	ret = snoop_attach(s->sfd, s->drm_fd, CARDSNOOP_ATTACH_READONLY, 0,
			   NULL);
	if (ret)
		return ret;

	s->va = malloc(reads * sizeof(*s->va));
	if (!s->va)
		return -ENOMEM;
	for (i = 0; i < reads; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		s->va[i] = mappings == 1 ?
			LOOKUP_VA + (x % LOOKUP_PAGES) * SZ_4K :
			LOOKUP_VA + (x % mappings) * 2 * SZ_4K;
	}
	return 0;
}

static void side_close_snoop(struct lookup_side *s)
{
	if (s->sfd >= 0)
		close(s->sfd);
	s->sfd = -1;
}

static void side_teardown(struct lookup_side *s)
{
	free(s->va);
	side_close_snoop(s);
	if (s->drm_fd >= 0)
		close(s->drm_fd);
}

static int pread_step(struct lookup_ctx *c, struct lookup_side *s,
		      unsigned long i)
{
	if (pread(s->sfd, c->buf, 4096, s->va[i]) == 4096)
		return 0;
	bench_fail(c->f, "pread at 0x%llx: %s", (unsigned long long)s->va[i],
		   strerror(errno));
	return -EIO;
}

static int pread_many(void *p, unsigned long i)
{
	struct lookup_ctx *c = p;

	return pread_step(c, &c->many, i);
}

static int pread_one(void *p, unsigned long i)
{
	struct lookup_ctx *c = p;

	return pread_step(c, &c->one, i);
}

/* RESOLVE alone: the lookup without the copy. */
static int resolve_step(struct lookup_ctx *c, struct lookup_side *s,
			unsigned long i)
{
	struct cardsnoop_resolve res;
	int ret = snoop_resolve(s->sfd, s->va[i], &res);

	if (!ret)
		return 0;
	bench_fail(c->f, "RESOLVE 0x%llx: %s", (unsigned long long)s->va[i],
		   strerror(-ret));
	return ret;
}

static int resolve_many(void *p, unsigned long i)
{
	struct lookup_ctx *c = p;

	return resolve_step(c, &c->many, i);
}

static int resolve_one(void *p, unsigned long i)
{
	struct lookup_ctx *c = p;

	return resolve_step(c, &c->one, i);
}

unsigned int bench_lookup_figures(struct bench_fig **out, unsigned int room)
{
	struct lookup_ctx c = { .one = { -1, -1, NULL }, .many = { -1, -1, NULL } };
	struct bench_fig *f;
	struct bench_steps s = {
		.block = 32, .a = pread_many, .b = pread_one,
	};
	double t_one = 0, t_many = 0, t0;
	unsigned int n;
	unsigned long i;
	int ret;

	if (room < 2)
		return 0;

	f = bench_fig_new("lookup_scaling", 0.6, "preads/s", bench_opts.pairs,
			  "100000 mappings", "1 mapping");
	out[0] = f;
	c.f = f;

	ret = side_setup(&c.one, 1, READS_MAX, 1, &t_one);
	if (!ret)
		ret = side_setup(&c.many, LOOKUP_MAPPINGS, READS_MAX, 2, &t_many);
	if (ret) {
		bench_fail(f, "%s VMs: %s", "setting up the", strerror(-ret));
		goto out;
	}
	/* Populate the buffers (TTM allocates pages on first use). */
	for (i = 0; i < LOOKUP_PAGES; i++)
		if (pread(c.one.sfd, c.buf, 4096, LOOKUP_VA + i * SZ_4K) != 4096 ||
		    pread(c.many.sfd, c.buf, 4096,
			  LOOKUP_VA + i * 2 * SZ_4K) != 4096) {
			bench_fail(f, "populating: %s", strerror(errno));
			goto out;
		}
	/* Size the runs: about 0.3 s of each side. */
	t0 = bench_now();
	for (i = 0; i < 2000; i++)
		if (pread_one(&c, i))
			goto out;
	c.reads = bench_scaled(2000 * 0.3 / (bench_now() - t0), 1000);
	if (c.reads < 2000)
		c.reads = 2000;
	if (c.reads > READS_MAX)
		c.reads = READS_MAX;
	bench_log("lookup: %lu reads a run", c.reads);

	bench_fig_note(f, "random 4 KiB preads (%lu a run, the same addresses in every run) of a 64 MiB system buffer mapped once, against the same buffer's pages mapped %u times 4 KiB each (bound in %.1f s, one VM_BIND each); the two sides alternate every 32 reads; ratio = latency with 1 mapping / latency with %u",
		       c.reads, LOOKUP_MAPPINGS, t_many, LOOKUP_MAPPINGS);
	s.n = c.reads;
	s.a_units = s.b_units = c.reads;
	bench_pairs_steps(f, &s, &c);
	bench_report_line(f);
	n = 1;

	if (!f->error[0]) {
		f = bench_fig_new("lookup_resolve_scaling", 0, "resolves/s",
				  bench_opts.pairs, "100000 mappings",
				  "1 mapping");
		bench_fig_note(f, "CARDSNOOP_IOCTL_RESOLVE of the same random addresses: the lookup without the copy");
		c.f = f;
		s.a = resolve_many;
		s.b = resolve_one;
		bench_pairs_steps(f, &s, &c);
		bench_report_line(f);
		out[n++] = f;
	}
	goto teardown;

out:
	bench_report_line(f);
	n = 1;
teardown:
	side_close_snoop(&c.one);
	side_close_snoop(&c.many);
	bench_wait_hooks_off();	/* before the VMs unbind */
	side_teardown(&c.one);
	side_teardown(&c.many);
	return n;
}
