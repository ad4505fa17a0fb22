/* SPDX-License-Identifier: MIT */
/*
 * Helpers for the in-VM stress, lifecycle and bad-input programs: a seeded
 * PRNG (so that a run is reproducible from the seed it prints), the stress
 * scale of slow kernels, plain TAP output with figures, /proc/meminfo, and
 * SIGBUS/SIGSEGV-safe memory access from any thread.
 */
#ifndef CS_STRESS_H
#define CS_STRESS_H

#include <setjmp.h>
#include <signal.h>
#include <stdint.h>

/* xoshiro256** seeded through splitmix64; one per thread or process. */
struct cs_rng {
	uint64_t s[4];
};

/* Seed @r from @seed and a stream number (thread, process, client...). */
void cs_rng_seed(struct cs_rng *r, uint64_t seed, uint64_t stream);
uint64_t cs_rng_next(struct cs_rng *r);
/* Uniform in [0, @n); 0 if @n is 0. */
uint64_t cs_rng_below(struct cs_rng *r, uint64_t n);
/* True with probability @pct percent. */
int cs_rng_pct(struct cs_rng *r, unsigned int pct);

/*
 * Common arguments of the stress programs: "--seed N" (default: from the
 * clock, printed), "--scale N" or "CS_STRESS_SCALE=N" (what tests/vm/suite
 * passes on the debug kernel; also read from the environment), default 1.
 * Unknown arguments are left for the caller in @rest (NULL-terminated).
 */
struct cs_args {
	uint64_t seed;
	unsigned int scale;
	int nrest;
	char **rest;
};
void cs_args_parse(struct cs_args *a, int argc, char **argv);
/* @n divided by the scale, at least @min. */
uint64_t cs_scaled(const struct cs_args *a, uint64_t n, uint64_t min);

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t cs_now_ns(void);

/* A /proc/meminfo value ("Slab", "SUnreclaim", "MemAvailable") in KiB. */
long long cs_meminfo_kb(const char *key);

/*
 * TAP: "ok N - ..." / "not ok N - ..." numbered across the program, "# ..."
 * comments, "ok N - ... # SKIP reason", and the "1..N" plan at the end.
 * Output is flushed at once (children share stdout).
 */
void cs_tap(int ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void cs_tap_skip(const char *reason, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void cs_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print the plan; return the exit status (1 if a test failed). */
int cs_tap_done(void);

/*
 * Memory access that may raise SIGBUS or SIGSEGV, from any thread:
 *
 *	CS_GUARD_BEGIN(g)
 *		... loads and stores ...
 *	CS_GUARD_END(g)
 *	if (g.faulted) ... g.addr is the faulting address ...
 *
 * cs_guard_install() once per process, before any thread uses it.
 */
struct cs_guard {
	sigjmp_buf jb;
	volatile int faulted;
	volatile int sig;
	void *volatile addr;
};
extern __thread struct cs_guard *cs_guard_cur;
void cs_guard_install(void);
#define CS_GUARD_BEGIN(g)						\
	do {								\
		(g).faulted = 0;					\
		cs_guard_cur = &(g);					\
		if (sigsetjmp((g).jb, 1) == 0) {
#define CS_GUARD_END(g)							\
		} else {						\
			(g).faulted = 1;				\
		}							\
		cs_guard_cur = NULL;					\
	} while (0)

/* 32-bit mixing function (lowbias32) for stamps. */
static inline uint32_t cs_mix32(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352du;
	x ^= x >> 15;
	x *= 0x846ca68bu;
	x ^= x >> 16;
	return x;
}

#endif
