// SPDX-License-Identifier: MIT
/*
 * cs-bench: runs the benchmark figures inside the test VM, prints one
 * "bench:" line per figure and writes bench.json.  tests/bench/bench.sh
 * runs it; `make bench` runs that in the VM.  See bench.h.
 *
 * Exit status: 0 when every figure was measured (short or not: benchmarks
 * report, they do not judge), 1 when one could not be measured, 2 for bad
 * usage.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

struct bench_opts bench_opts = {
	.pairs = 7,
	.overhead_pairs = 21,
	.scale = 1.0,
};

double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

void bench_log(const char *fmt, ...)
{
	va_list ap;

	if (!bench_opts.verbose)
		return;
	va_start(ap, fmt);
	fputs("cs-bench: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

unsigned long bench_scaled(unsigned long n, unsigned long min)
{
	unsigned long s = n * bench_opts.scale;

	return s < min ? min : s;
}

/* Pair @i's rates, measured. */
static void bench_record_pair(struct bench_fig *f, unsigned int i, double ra,
			      double rb)
{
	f->a.samples[i] = ra;
	f->b.samples[i] = rb;
	f->done = i + 1;
	bench_log("%s pair %u: %s %.4g, %s %.4g", f->name, i,
		  f->a.label, ra, f->b.label, rb);
}

int bench_pairs(struct bench_fig *f, bench_run_fn a, bench_run_fn b,
		void *ctx)
{
	unsigned int i;
	double ra, rb;

	/* One untimed pair first: page cache, TLB and TCG's code cache. */
	if (a(ctx) < 0 || b(ctx) < 0)
		return -1;
	for (i = 0; i < f->pairs; i++) {
		if (i % 2 == 0) {
			ra = a(ctx);
			rb = ra < 0 ? -1 : b(ctx);
		} else {
			rb = b(ctx);
			ra = rb < 0 ? -1 : a(ctx);
		}
		if (ra < 0 || rb < 0)
			return -1;
		bench_record_pair(f, i, ra, rb);
	}
	return 0;
}

/* One pair of @s; the two sides' rates into *@ra and *@rb. */
static int steps_pair(const struct bench_steps *s, void *ctx, double *ra,
		      double *rb)
{
	unsigned long i, j, end;
	double t[2] = { 0, 0 }, t0;
	int ret, side, k;

	if (s->setup && s->setup(ctx))
		return -1;
	for (i = 0, k = 0; i < s->n; i += s->block, k++) {
		end = i + s->block < s->n ? i + s->block : s->n;
		for (side = 0; side < 2; side++) {
			/* Even blocks A then B, odd ones B then A. */
			bool a = (side == 0) == (k % 2 == 0);

			t0 = bench_now();
			for (j = i; j < end; j++) {
				ret = a ? s->a(ctx, j) : s->b(ctx, j);
				if (ret)
					return -1;
			}
			t[a ? 0 : 1] += bench_now() - t0;
		}
	}
	if (s->check && s->check(ctx))
		return -1;
	*ra = s->a_units / (t[0] > 0 ? t[0] : 1e-9);
	*rb = s->b_units / (t[1] > 0 ? t[1] : 1e-9);
	return 0;
}

int bench_pairs_steps(struct bench_fig *f, const struct bench_steps *s,
		      void *ctx)
{
	unsigned int i;
	double ra, rb;

	/* One untimed pair first: page cache, TLB and TCG's code cache. */
	if (steps_pair(s, ctx, &ra, &rb))
		return -1;
	for (i = 0; i < f->pairs; i++) {
		if (steps_pair(s, ctx, &ra, &rb))
			return -1;
		bench_record_pair(f, i, ra, rb);
	}
	return 0;
}

/* Target processes ----------------------------------------------------- */

static int read_full(int fd, void *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = read(fd, (char *)buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EPIPE;
		done += n;
	}
	return 0;
}

int bench_target_start(struct bench_target *t,
		       int (*setup)(void *arg, void *reply), void *arg,
		       void *reply, size_t reply_size)
{
	int sv[2], status, ret;
	char c;

	t->pid = -1;
	t->sock = -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return -errno;
	fflush(NULL);
	t->pid = fork();
	if (t->pid < 0) {
		ret = -errno;
		close(sv[0]);
		close(sv[1]);
		return ret;
	}
	if (!t->pid) {
		/*
		 * Keep only our end of the socket: the parent's other files
		 * (other targets' sockets, DRM and snoop files) must close
		 * when the parent closes them.
		 */
		if (dup2(sv[1], 3) != 3)
			_exit(1);
		syscall(SYS_close_range, 4, ~0u, 0);
		status = setup(arg, reply);
		if (write(3, &status, sizeof(status)) != sizeof(status) ||
		    write(3, reply, reply_size) != (ssize_t)reply_size)
			_exit(1);
		/* Hold everything until the parent is done with us. */
		while (read(3, &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(sv[1]);
	t->sock = sv[0];
	ret = read_full(t->sock, &status, sizeof(status));
	if (!ret)
		ret = read_full(t->sock, reply, reply_size);
	if (!ret)
		ret = status;
	if (ret)
		bench_target_stop(t);
	return ret;
}

void bench_target_stop(struct bench_target *t)
{
	if (t->sock >= 0)
		close(t->sock);
	if (t->pid > 0)
		waitpid(t->pid, NULL, 0);
	t->sock = -1;
	t->pid = -1;
}

int bench_snoop_attach_pid(pid_t pid, int fd, uint32_t flags)
{
	int copy, sfd, ret;

	copy = pidfd_get_fd(pid, fd);
	if (copy < 0)
		return copy;
	sfd = snoop_open_for(copy);
	if (sfd < 0) {
		close(copy);
		return sfd;
	}
	ret = snoop_attach(sfd, copy, flags, 0, NULL);
	close(copy);
	if (ret) {
		close(sfd);
		return ret;
	}
	return sfd;
}

int bench_wait_hooks_off(void)
{
	struct timespec ts = { 0, 100000000 };
	unsigned int tries;

	for (tries = 0; tries < 60; tries++) {
		if (snoop_hooks_enabled() <= 0) {
			/* The key reads off before the branches are patched. */
			ts.tv_nsec = 300000000;
			if (tries)
				nanosleep(&ts, NULL);
			return 0;
		}
		nanosleep(&ts, NULL);
	}
	return -EBUSY;
}

void bench_touch(void *p, size_t size, bool write)
{
	volatile char *c = p;
	size_t off;

	if (write) {
		for (off = 0; off < size; off += 4096)
			c[off] = 1;
	} else {
		for (off = 0; off < size; off += 4096)
			(void)c[off];
	}
}

void *bench_alloc(size_t size, bool nohuge)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (nohuge)
		madvise(p, size, MADV_NOHUGEPAGE);
	memset(p, 0x5a, size);
	return p;
}

/* Main ------------------------------------------------------------------ */

static const struct {
	const char *name;
	bench_figure_fn fn;
} groups[] = {
	{ "mem", bench_mem_figures },
	{ "vram", bench_vram_figures },
	{ "lookup", bench_lookup_figures },
	{ "maps", bench_maps_figures },
	/*
	 * Last: it reloads simgpu some forty times, which leaves the guest
	 * slower in ways the other figures should not see (every unload
	 * leaks the DRM and TTM devices, see README).
	 */
	{ "bind", bench_bind_figures },
};

#define MAX_FIGS	64

static void usage(FILE *o)
{
	fputs("Usage: cs-bench [options] [GROUP...]\n"
	      "\n"
	      "Measure cardsnoop's performance figures inside the test VM; print one\n"
	      "'bench:' line per figure.  GROUPs: mem vram lookup maps bind (default: all).\n"
	      "\n"
	      "Options:\n"
	      "  -o, --out FILE         write the figures as JSON to FILE\n"
	      "  -p, --pairs N          interleaved pairs per figure (default 7)\n"
	      "  -P, --overhead-pairs N pairs of the hook-cost figures (default 21)\n"
	      "  -q, --quick            shorter runs and 5 pairs everywhere (a smoke test)\n"
	      "      --nohooks-ko PATH  simgpu.ko built with SIMGPU_SNOOP=0\n"
	      "      --hooks-ko PATH    the normal simgpu.ko\n"
	      "  -v, --verbose          every sample on stderr\n"
	      "  -h, --help             this text\n", o);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "pairs", required_argument, NULL, 'p' },
		{ "overhead-pairs", required_argument, NULL, 'P' },
		{ "quick", no_argument, NULL, 'q' },
		{ "nohooks-ko", required_argument, NULL, 'N' },
		{ "hooks-ko", required_argument, NULL, 'H' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct bench_fig *figs[MAX_FIGS];
	const char *out = NULL;
	unsigned int n = 0, i, g, failed = 0;
	double start = bench_now();
	int c, ret;

	while ((c = getopt_long(argc, argv, "o:p:P:qvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'p':
			bench_opts.pairs = strtoul(optarg, NULL, 0);
			break;
		case 'P':
			bench_opts.overhead_pairs = strtoul(optarg, NULL, 0);
			break;
		case 'q':
			bench_opts.scale = 0.25;
			bench_opts.pairs = 5;
			bench_opts.overhead_pairs = 5;
			break;
		case 'N':
			bench_opts.nohooks_ko = optarg;
			break;
		case 'H':
			bench_opts.hooks_ko = optarg;
			break;
		case 'v':
			bench_opts.verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (bench_opts.pairs < 1 || bench_opts.overhead_pairs < 1) {
		fprintf(stderr, "cs-bench: need at least one pair\n");
		return 2;
	}
	for (i = optind; i < (unsigned int)argc; i++) {
		for (g = 0; g < sizeof(groups) / sizeof(groups[0]); g++)
			if (!strcmp(argv[i], groups[g].name))
				break;
		if (g == sizeof(groups) / sizeof(groups[0])) {
			fprintf(stderr, "cs-bench: no group %s\n", argv[i]);
			usage(stderr);
			return 2;
		}
	}
	/* A target that dies must not take us with it through SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);

	for (g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		bool want = optind == argc;

		for (i = optind; i < (unsigned int)argc; i++)
			if (!strcmp(argv[i], groups[g].name))
				want = true;
		if (!want)
			continue;
		bench_log("group %s", groups[g].name);
		n += groups[g].fn(figs + n, MAX_FIGS - n);
	}

	for (i = 0; i < n; i++)
		if (figs[i]->error[0])
			failed++;
	if (out) {
		ret = bench_report_json(out, figs, n, bench_now() - start);
		if (ret) {
			fprintf(stderr, "cs-bench: %s: %s\n", out, strerror(-ret));
			failed++;
		}
	}
	printf("cs-bench: %u figures in %.0f s, %u could not be measured\n", n,
	       bench_now() - start, failed);
	return failed ? 1 : 0;
}
