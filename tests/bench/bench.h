/* SPDX-License-Identifier: MIT */
/*
 * cs-bench: the performance figures of docs/DESIGN.md section 5 (issue 9),
 * measured inside the test VM.  Every figure is the ratio of two medians,
 * a measured path and a baseline, each sampled in interleaved pairs within
 * the same run (the machine is noisy and QEMU emulates the CPU, so only
 * such ratios mean anything).  Every sample is a rate: higher is better.
 */
#ifndef CS_BENCH_H
#define CS_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cs_guest.h"

#define SZ_2M		0x200000ull
#define SZ_64M		0x4000000ull

/* GPU VAs of the buffers the figures read. */
#define BENCH_VA_SYS	0x100000000ull
#define BENCH_VA_VRAM	0x200000000ull

/** One side of a figure: a path and its samples. */
struct bench_side {
	/** @label: what was run, e.g. "snoop pread". */
	char label[64];
	/** @samples: one rate per pair, in the figure's unit. */
	double *samples;
};

/** One figure: measured / baseline, the ratio of their medians. */
struct bench_fig {
	/** @name: the figure's NAME (issue 9), a stable identifier. */
	const char *name;
	/** @goal: the ratio to reach; 0 for an informative figure. */
	double goal;
	/** @unit: unit of both sides' samples, e.g. "MiB/s". */
	const char *unit;
	/** @pairs: interleaved pairs to run. */
	unsigned int pairs;
	/** @done: pairs done. */
	unsigned int done;
	/** @a: the measured path. */
	struct bench_side a;
	/** @b: the baseline. */
	struct bench_side b;
	/** @note: how the figure is measured, printed with it. */
	char note[512];
	/** @error: why it could not be measured; empty if it was. */
	char error[256];
};

/*
 * One sample of one side: return a rate (> 0), or a negative errno after
 * bench_fail() said why.
 */
typedef double (*bench_run_fn)(void *ctx);

/* Global options. */
struct bench_opts {
	unsigned int pairs;		/* default pairs of a figure */
	unsigned int overhead_pairs;	/* pairs of the hook-cost figures */
	double scale;			/* < 1 shortens runs (--quick) */
	const char *nohooks_ko;		/* simgpu.ko built with SIMGPU_SNOOP=0 */
	const char *hooks_ko;		/* the normal simgpu.ko */
	bool verbose;
};
extern struct bench_opts bench_opts;

/* bench_report.c */
struct bench_fig *bench_fig_new(const char *name, double goal,
				const char *unit, unsigned int pairs,
				const char *a_label, const char *b_label);
void bench_fig_note(struct bench_fig *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void bench_fail(struct bench_fig *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void bench_report_line(const struct bench_fig *f);
int bench_report_json(const char *path, struct bench_fig *const *figs,
		      unsigned int n, double seconds);
double bench_median(const double *v, unsigned int n);
bool bench_fig_ok(const struct bench_fig *f);
double bench_fig_ratio(const struct bench_fig *f);

/* bench_main.c */
/*
 * Run @f->pairs interleaved pairs: even pairs run @a then @b, odd pairs
 * @b then @a, so that drift (caches warming, the host getting busier)
 * weighs on both sides alike.  Return 0, or -1 once a sample failed.
 */
int bench_pairs(struct bench_fig *f, bench_run_fn a, bench_run_fn b,
		void *ctx);

/*
 * A pair whose two runs are interleaved finely: each run is @n steps, and
 * the two sides alternate every @block steps (A then B, then B then A),
 * each side's time summed apart.  A burst of load on the host then weighs
 * on both sides of the pair alike, which whole runs one after the other
 * cannot give on a machine shared with other QEMUs.
 */
struct bench_steps {
	/** @n: steps of each side in a run. */
	unsigned long n;
	/** @block: steps timed in one go. */
	unsigned long block;
	/** @a_units: the measured side's work in a run (bytes, calls, ...). */
	double a_units;
	/** @b_units: the baseline's work in a run. */
	double b_units;
	/** @setup: untimed, before each pair (fresh mappings...); may be NULL. */
	int (*setup)(void *ctx);
	/** @check: untimed, after each pair (data checks...); may be NULL. */
	int (*check)(void *ctx);
	/** @a: step @i of the measured side: 0 or -errno after bench_fail(). */
	int (*a)(void *ctx, unsigned long i);
	/** @b: step @i of the baseline. */
	int (*b)(void *ctx, unsigned long i);
};

/*
 * Run @f->pairs pairs of @s (and one untimed pair first); the samples are
 * @a_units and @b_units per second.  Return 0, or -1 once a step failed.
 */
int bench_pairs_steps(struct bench_fig *f, const struct bench_steps *s,
		      void *ctx);
double bench_now(void);
void bench_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Runs scaled by --quick, never below @min. */
unsigned long bench_scaled(unsigned long n, unsigned long min);

/*
 * A target process: a child that sets something up (a GPU VM, CPU
 * mappings), answers with a reply, then waits until bench_target_stop().
 * @setup runs in the child and fills @reply; it returns 0 or -errno.
 */
struct bench_target {
	pid_t pid;
	int sock;
};
int bench_target_start(struct bench_target *t,
		       int (*setup)(void *arg, void *reply), void *arg,
		       void *reply, size_t reply_size);
void bench_target_stop(struct bench_target *t);

/*
 * Attach a snoop file to the DRM file @fd of process @pid (through
 * pidfd_getfd, as a debugger does).  Return the snoop fd or -errno.
 */
int bench_snoop_attach_pid(pid_t pid, int fd, uint32_t flags);
/*
 * Wait until cardsnoop's static key is off (a second after the last snoop
 * file closed) and its branches have been patched.  Call after closing the
 * snoop files and before simgpu runs again (a target unbinding as it
 * exits): patching simgpu while it runs its hooks crashed the guest under
 * QEMU's multi-threaded TCG ("Oops: int3", see README).  Return 0, or
 * -EBUSY if the key stays on.
 */
int bench_wait_hooks_off(void);
/* Touch every page of [@p, @p + @size): read (or write) one byte each. */
void bench_touch(void *p, size_t size, bool write);
/* A pre-faulted anonymous buffer (4 KiB pages when @nohuge). */
void *bench_alloc(size_t size, bool nohuge);

/* The figures, one function each; every one returns its figure(s). */
typedef unsigned int (*bench_figure_fn)(struct bench_fig **out,
					unsigned int room);
unsigned int bench_mem_figures(struct bench_fig **out, unsigned int room);
unsigned int bench_vram_figures(struct bench_fig **out, unsigned int room);
unsigned int bench_bind_figures(struct bench_fig **out, unsigned int room);
unsigned int bench_maps_figures(struct bench_fig **out, unsigned int room);
unsigned int bench_lookup_figures(struct bench_fig **out, unsigned int room);

#endif
