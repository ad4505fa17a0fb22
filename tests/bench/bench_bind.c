// SPDX-License-Identifier: MIT
/*
 * What cardsnoop's hooks cost the GPU driver: simgpu's VM_BIND + VM_UNBIND
 * rate with the hooks built in (nothing attached, and a snooper attached
 * with mappings) against the same simgpu built with the hooks compiled out
 * (make -C kmod SIMGPU_SNOOP=0).
 *
 * The two simgpu modules are swapped inside this one VM run (rmmod, insmod)
 * so that the variants interleave.  Round r runs the no-hooks module, then
 * the hooks module idle, attached with a mapping and attached without one;
 * round r + 1 starts with the no-hooks module again.  The baseline of round
 * r is the mean of the no-hooks runs before and after its hooks runs, so
 * that a drift of the machine's speed weighs on both sides alike; how much
 * those two no-hooks runs differ is the noise floor, given in the notes.  Every
 * module load is followed by an untimed run that translates the new code
 * (QEMU's code cache) before anything is timed.
 *
 * Two loads a round: when simgpu leaked its DRM device at every unload
 * (fixed), each load took new DRM minors and cs_guest's sg_open() looks at
 * renderD128..191 only; two loads a round keep 21 rounds within that even
 * if such a leak comes back.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define BIND_VA_BASE	0x100000000ull
#define BIND_WINDOW	SZ_64M
#define BIND_VA_LOOP	(BIND_VA_BASE + 48 * SZ_1M)
#define BIND_KEEP	16		/* mappings the snooper has mapped */
#define BIND_BLOCKS	16		/* a run's rate: its median block */

enum bind_variant {
	BIND_NOHOOKS,		/* SIMGPU_SNOOP=0 */
	BIND_IDLE,		/* hooks, nothing attached */
	BIND_ATTACHED,		/* hooks, a snooper with a mapping */
	BIND_ATTACHED_NOMAP,	/* hooks, a snooper without a mapping */
	BIND_VARIANTS
};

static const char *const variant_name[] = {
	[BIND_NOHOOKS] = "hooks compiled out",
	[BIND_IDLE] = "hooks, idle",
	[BIND_ATTACHED] = "hooks, attached",
	[BIND_ATTACHED_NOMAP] = "hooks, attached without a mapping",
};

struct bind_ctx {
	bool hooks_loaded;	/* which simgpu.ko is loaded */
	unsigned int loads;	/* module loads done */
	unsigned long iters;
	char why[200];
};

static void msleep(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static bool hooks_module_loaded(void)
{
	struct stat st;

	/* The hooks variant links against cardsnoop.ko; the other does not. */
	return !stat("/sys/module/cardsnoop/holders/simgpu", &st);
}

/* The idle runs need the key off (see bench_wait_hooks_off()). */
static int wait_hooks_quiet(struct bind_ctx *c)
{
	if (!bench_wait_hooks_off())
		return 0;
	snprintf(c->why, sizeof(c->why),
		 "the hooks stay enabled with nothing attached");
	return -EBUSY;
}

static int swap_module(struct bind_ctx *c, bool hooks)
{
	const char *path = hooks ? bench_opts.hooks_ko : bench_opts.nohooks_ko;
	unsigned int tries;
	int fd, ret = 0, rfd;

	for (tries = 0; tries < 100; tries++) {
		ret = syscall(SYS_delete_module, "simgpu", O_NONBLOCK);
		if (!ret || (errno != EAGAIN && errno != EBUSY))
			break;
		msleep(50);
	}
	if (ret && errno != ENOENT) {
		snprintf(c->why, sizeof(c->why), "rmmod simgpu: %s",
			 strerror(errno));
		return -errno;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(c->why, sizeof(c->why), "%s: %s", path, strerror(errno));
		return -errno;
	}
	ret = syscall(SYS_finit_module, fd, "", 0);
	close(fd);
	if (ret) {
		snprintf(c->why, sizeof(c->why), "insmod %s: %s", path,
			 strerror(errno));
		return -errno;
	}
	c->loads++;
	/* The PCI probe ran in insmod; devtmpfs may lag a little. */
	for (tries = 0; tries < 100; tries++) {
		rfd = sg_open(0);
		if (rfd >= 0) {
			close(rfd);
			break;
		}
		msleep(50);
	}
	if (rfd < 0) {
		snprintf(c->why, sizeof(c->why),
			 "no simgpu render node after loading %s (%u loads)",
			 path, c->loads);
		return -ENODEV;
	}
	if (hooks_module_loaded() != hooks) {
		snprintf(c->why, sizeof(c->why),
			 "%s is not the simgpu %s cardsnoop's hooks", path,
			 hooks ? "with" : "without");
		return -EINVAL;
	}
	c->hooks_loaded = hooks;
	return 0;
}

/* One run: @iters bind + unbind cycles; return cycles per second. */
static double bind_run(struct bind_ctx *c, enum bind_variant v,
		       unsigned long iters)
{
	bool attach = v == BIND_ATTACHED || v == BIND_ATTACHED_NOMAP;
	double t0, rate = -1, block[BIND_BLOCKS];
	uint32_t loop_bo, keep_bo;
	unsigned long i, per, b;
	char *map = MAP_FAILED;
	int fd, sfd = -1, ret;

	if (v == BIND_IDLE && wait_hooks_quiet(c))
		return -1;
	fd = sg_open(0);
	if (fd < 0) {
		snprintf(c->why, sizeof(c->why), "open simgpu: %s",
			 strerror(-fd));
		return -1;
	}
	ret = sg_bo_create(fd, SZ_64K, SIMGPU_PLACEMENT_SYSTEM, 0, &loop_bo,
			   NULL);
	if (ret)
		goto out_err;

	if (attach) {
		/*
		 * A debugger watching the VM: attached, with a mapping of the
		 * window the workload binds in, whose other mappings it has
		 * touched (so invalidations have PTEs to look at).
		 */
		ret = sg_bo_create(fd, SZ_1M, SIMGPU_PLACEMENT_SYSTEM, 0,
				   &keep_bo, NULL);
		for (i = 0; !ret && i < BIND_KEEP; i++)
			ret = sg_bind(fd, keep_bo, BIND_VA_BASE + i * SZ_2M,
				      SZ_1M, 0, 0);
		if (ret)
			goto out_err;
		sfd = snoop_open_for(fd);
		if (sfd < 0) {
			ret = sfd;
			goto out_err;
		}
		ret = snoop_attach(sfd, fd, CARDSNOOP_ATTACH_READONLY, 0, NULL);
		if (ret)
			goto out_err;
	}
	if (v == BIND_ATTACHED) {
		map = mmap(NULL, BIND_WINDOW, PROT_READ, MAP_SHARED, sfd,
			   BIND_VA_BASE);
		if (map == MAP_FAILED) {
			ret = -errno;
			goto out_err;
		}
		for (i = 0; i < BIND_KEEP; i++)
			bench_touch(map + i * SZ_2M, SZ_1M, false);
	}

	/*
	 * The run's rate is that of its median block: a burst of load on the
	 * host (another QEMU getting the CPU) spoils a block or two, not the
	 * run.  Both variants are measured the same way.
	 */
	per = iters / BIND_BLOCKS ? iters / BIND_BLOCKS : 1;
	for (b = 0; b < BIND_BLOCKS; b++) {
		t0 = bench_now();
		for (i = 0; i < per; i++) {
			ret = sg_bind(fd, loop_bo, BIND_VA_LOOP, SZ_64K, 0, 0);
			if (!ret)
				ret = sg_unbind(fd, BIND_VA_LOOP, SZ_64K);
			if (ret)
				goto out_err;
		}
		block[b] = bench_now() - t0;
	}
	rate = per / bench_median(block, BIND_BLOCKS);
	goto out;

out_err:
	snprintf(c->why, sizeof(c->why), "%s run: %s", variant_name[v],
		 strerror(-ret));
	rate = -1;
out:
	if (map != MAP_FAILED)
		munmap(map, BIND_WINDOW);
	if (sfd >= 0)
		close(sfd);
	close(fd);
	return rate;
}

/* Load the module of @v if the other one is loaded, warm up, and run. */
static double bind_sample(struct bind_ctx *c, enum bind_variant v)
{
	bool hooks = v != BIND_NOHOOKS;

	if (c->hooks_loaded != hooks) {
		if (swap_module(c, hooks))
			return -1;
		if (bind_run(c, v, c->iters / 4 + 1) < 0)
			return -1;
	}
	return bind_run(c, v, c->iters);
}

unsigned int bench_bind_figures(struct bench_fig **out, unsigned int room)
{
	static const enum bind_variant order[] = {
		BIND_NOHOOKS, BIND_IDLE, BIND_ATTACHED, BIND_ATTACHED_NOMAP,
	};
	unsigned int pairs = bench_opts.overhead_pairs, r, k;
	struct bind_ctx c = { .hooks_loaded = true };
	double rate[BIND_VARIANTS], prev[BIND_VARIANTS], next, base, t0, cal;
	double drift[pairs];
	struct bench_fig *idle, *attached, *nomap;

	if (room < 3)
		return 0;
	idle = bench_fig_new("bind_idle_overhead", 0.99, "cycles/s", pairs,
			     "hooks, nothing attached", "hooks compiled out");
	attached = bench_fig_new("bind_attached_overhead", 0.7, "cycles/s",
				 pairs, "hooks, snooper attached",
				 "hooks compiled out");
	nomap = bench_fig_new("bind_attached_nomap_overhead", 0, "cycles/s",
			      pairs, "hooks, attached, no mmap",
			      "hooks compiled out");
	out[0] = idle;
	out[1] = attached;
	out[2] = nomap;

	if (!bench_opts.nohooks_ko || !bench_opts.hooks_ko) {
		snprintf(c.why, sizeof(c.why), "no --nohooks-ko/--hooks-ko");
		goto fail;
	}
	c.hooks_loaded = hooks_module_loaded();

	/* Size the runs: about 0.25 s each (the variants differ little). */
	t0 = bench_now();
	if (bind_run(&c, c.hooks_loaded ? BIND_IDLE : BIND_NOHOOKS, 500) < 0)
		goto fail;
	cal = bind_run(&c, c.hooks_loaded ? BIND_IDLE : BIND_NOHOOKS, 2000);
	if (cal < 0)
		goto fail;
	c.iters = bench_scaled(cal * 0.25 > 500 ? cal * 0.25 : 500, 200);
	bench_log("bind: %lu cycles a run (calibration %.0f/s, %.2f s)",
		  c.iters, cal, bench_now() - t0);

	for (r = 0; r <= pairs; r++) {
		t0 = bench_now();
		for (k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
			/* The last round is only the closing no-hooks run. */
			if (r == pairs && k)
				break;
			rate[order[k]] = bind_sample(&c, order[k]);
			if (rate[order[k]] < 0)
				goto fail;
		}
		if (r) {
			/* Round r - 1 ends with this round's no-hooks run. */
			next = rate[BIND_NOHOOKS];
			base = (prev[BIND_NOHOOKS] + next) / 2;
			idle->a.samples[r - 1] = prev[BIND_IDLE];
			attached->a.samples[r - 1] = prev[BIND_ATTACHED];
			nomap->a.samples[r - 1] = prev[BIND_ATTACHED_NOMAP];
			idle->b.samples[r - 1] = base;
			attached->b.samples[r - 1] = base;
			nomap->b.samples[r - 1] = base;
			drift[r - 1] = fabs(next / prev[BIND_NOHOOKS] - 1);
			idle->done = attached->done = nomap->done = r;
			bench_log("bind round %u: no hooks %.0f, idle %.0f, attached %.0f, attached no mmap %.0f, no hooks %.0f (%.1f s, %u loads)",
				  r - 1, prev[BIND_NOHOOKS], prev[BIND_IDLE],
				  prev[BIND_ATTACHED],
				  prev[BIND_ATTACHED_NOMAP], next,
				  bench_now() - t0, c.loads);
		}
		memcpy(prev, rate, sizeof(prev));
	}
	goto done;

fail:
	bench_fail(idle, "%s", c.why);
	bench_fail(attached, "%s", c.why);
	bench_fail(nomap, "%s", c.why);
done:
	/* Leave the normal simgpu loaded for the other figures. */
	if (bench_opts.hooks_ko && !c.hooks_loaded && swap_module(&c, true)) {
		fprintf(stderr, "cs-bench: %s\n", c.why);
		bench_fail(idle, "%s", c.why);
		bench_fail(attached, "%s", c.why);
		bench_fail(nomap, "%s", c.why);
	}
	bench_fig_note(idle, "%lu VM_BIND + VM_UNBIND cycles of a 64 KiB system buffer per run, the rate of its median of %u blocks; simgpu.ko with its cardsnoop hooks, no snoop file attached anywhere (static key off), against simgpu.ko built with SIMGPU_SNOOP=0; the modules swapped by rmmod/insmod in the same VM, the baseline of a round the mean of the no-hooks runs before and after it",
		       c.iters, BIND_BLOCKS);
	bench_fig_note(attached, "as bind_idle_overhead with a snoop file attached (read-only) to the binding DRM file, holding a 64 MiB mmap of the VA window the cycles bind in, with %u other 1 MiB mappings in it touched; its events are not read (the queue overflows)",
		       BIND_KEEP);
	bench_fig_note(nomap, "as bind_attached_overhead without the snooper's mmap: the invalidation bookkeeping and events alone, no mapping to zap");
	if (idle->done)
		bench_fig_note(idle, "noise floor: the no-hooks runs before and after a round differ by %.1f%% (median)",
			       100 * bench_median(drift, idle->done));
	bench_report_line(idle);
	bench_report_line(attached);
	bench_report_line(nomap);
	return 3;
}
