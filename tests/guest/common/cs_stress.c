// SPDX-License-Identifier: MIT
/*
 * Helpers of the stress, lifecycle and bad-input programs; see cs_stress.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cs_stress.h"

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void cs_rng_seed(struct cs_rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed ^ (stream * 0xd1342543de82ef95ull);
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t cs_rng_next(struct cs_rng *r)
{
	uint64_t *s = r->s;
	uint64_t res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return res;
}

uint64_t cs_rng_below(struct cs_rng *r, uint64_t n)
{
	return n ? cs_rng_next(r) % n : 0;
}

int cs_rng_pct(struct cs_rng *r, unsigned int pct)
{
	return cs_rng_below(r, 100) < pct;
}

void cs_args_parse(struct cs_args *a, int argc, char **argv)
{
	const char *env = getenv("CS_STRESS_SCALE");
	int i;

	a->seed = 0;
	a->scale = env ? strtoul(env, NULL, 0) : 1;
	a->nrest = 0;
	a->rest = calloc(argc + 1, sizeof(*a->rest));
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			a->seed = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--scale") && i + 1 < argc)
			a->scale = strtoul(argv[++i], NULL, 0);
		else if (!strncmp(argv[i], "CS_STRESS_SCALE=", 16))
			a->scale = strtoul(argv[i] + 16, NULL, 0);
		else
			a->rest[a->nrest++] = argv[i];
	}
	if (!a->scale)
		a->scale = 1;
	if (!a->seed)
		a->seed = (cs_now_ns() ^ ((uint64_t)getpid() << 32)) | 1;
}

uint64_t cs_scaled(const struct cs_args *a, uint64_t n, uint64_t min)
{
	n /= a->scale;
	return n < min ? min : n;
}

uint64_t cs_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

long long cs_meminfo_kb(const char *key)
{
	char line[256];
	size_t n = strlen(key);
	long long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n) && line[n] == ':') {
			v = strtoll(line + n + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

static int tap_n, tap_failed;

void cs_tap(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", ok ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!ok)
		tap_failed++;
}

void cs_tap_skip(const char *reason, const char *fmt, ...)
{
	va_list ap;

	printf("ok %d - ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" # SKIP %s\n", reason);
	fflush(stdout);
}

void cs_diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

int cs_tap_done(void)
{
	printf("1..%d\n", tap_n);
	fflush(stdout);
	return tap_failed ? 1 : 0;
}

__thread struct cs_guard *cs_guard_cur;

static void cs_guard_handler(int sig, siginfo_t *info, void *uctx)
{
	struct cs_guard *g = cs_guard_cur;

	(void)uctx;
	if (!g) {
		/* Not a guarded access: die of it as we would have. */
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	g->sig = sig;
	g->addr = info->si_addr;
	siglongjmp(g->jb, 1);
}

void cs_guard_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = cs_guard_handler;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
}
