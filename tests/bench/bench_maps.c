// SPDX-License-Identifier: MIT
/*
 * Listing mappings: `cardsnoop maps PID` over a process with 60,000 GPU
 * mappings against reading /proc/PID/maps of a process with 60,000 CPU
 * mappings, both as commands (fork, exec, output through a pipe that this
 * process reads and counts), and the same in-process (the MAPPINGS ioctl
 * in the library's batches against read(2) of /proc/PID/maps).
 *
 * The GPU target binds one 4 KiB buffer 60,000 times, 8 KiB apart (one
 * VM_BIND each); the CPU target mmaps 60,000 separate anonymous 4 KiB
 * regions with alternating protections, so that none merge.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

#define MAPS_COUNT	60000
#define MAPS_VA		0x100000000ull
#define MAPS_BATCH	256	/* libcardsnoop's CS_MAPPINGS_BATCH */

struct gpu_reply {
	int drm_fd;
	double seconds;		/* to bind them all */
};

struct cpu_reply {
	double seconds;
};

struct maps_ctx {
	struct bench_fig *f;
	struct bench_target gpu;
	struct bench_target cpu;
	struct bench_target small;	/* a GPU target with one mapping */
	struct gpu_reply sr;
	struct gpu_reply gr;
	struct cpu_reply cr;
	int sfd;		/* attached to the GPU target */
	char procmaps[64];	/* /proc/PID/maps of the CPU target */
	long cpu_lines;		/* its lines, counted at setup */
	bool raw;		/* cardsnoop maps --raw --noheadings */
	struct cardsnoop_mapping *batch;
	char *readbuf;
};

static int gpu_target_setup(void *arg, void *reply)
{
	struct gpu_reply *r = reply;
	uint32_t handle;
	double t0 = bench_now();
	unsigned int i;
	int fd, ret;

	fd = sg_open(0);
	if (fd < 0)
		return fd;
	ret = sg_bo_create(fd, SZ_4K, SIMGPU_PLACEMENT_SYSTEM, 0, &handle,
			   NULL);
	for (i = 0; !ret && i < MAPS_COUNT; i++)
		ret = sg_bind(fd, handle, MAPS_VA + i * 2 * SZ_4K, SZ_4K, 0,
			      i % 2 ? SIMGPU_BIND_READONLY : 0);
	if (ret)
		return ret;
	r->drm_fd = fd;
	r->seconds = bench_now() - t0;
	return 0;
}

static int small_target_setup(void *arg, void *reply)
{
	struct gpu_reply *r = reply;
	uint32_t handle;
	int fd, ret;

	fd = sg_open(0);
	if (fd < 0)
		return fd;
	ret = sg_bo_create(fd, SZ_4K, SIMGPU_PLACEMENT_SYSTEM, 0, &handle,
			   NULL);
	if (!ret)
		ret = sg_bind(fd, handle, MAPS_VA, SZ_4K, 0, 0);
	r->drm_fd = fd;
	r->seconds = 0;
	return ret;
}

static int cpu_target_setup(void *arg, void *reply)
{
	struct cpu_reply *r = reply;
	double t0 = bench_now();
	unsigned int i;

	for (i = 0; i < MAPS_COUNT; i++) {
		int prot = i % 2 ? PROT_READ : PROT_READ | PROT_WRITE;

		if (mmap(NULL, SZ_4K, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1,
			 0) == MAP_FAILED)
			return -errno;
	}
	r->seconds = bench_now() - t0;
	return 0;
}

/* Run @argv with its output into a pipe; return the lines it printed. */
static long run_count_lines(struct maps_ctx *c, char *const argv[],
			    double *seconds)
{
	char buf[65536];
	long lines = 0;
	int p[2], status;
	double t0 = bench_now();
	pid_t pid;
	ssize_t n;

	if (pipe2(p, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		dup2(p[1], STDOUT_FILENO);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	while ((n = read(p[0], buf, sizeof(buf))) > 0) {
		char *s = buf;

		while ((s = memchr(s, '\n', buf + n - s))) {
			lines++;
			s++;
		}
	}
	close(p[0]);
	waitpid(pid, &status, 0);
	*seconds = bench_now() - t0;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		bench_fail(c->f, "%s %s exited with status 0x%x", argv[0],
			   argv[1], status);
		return -EIO;
	}
	return lines;
}

static double run_cardsnoop_maps(void *p)
{
	struct maps_ctx *c = p;
	char pid[16];
	char *argv[] = { "cardsnoop", "maps", pid, NULL };
	char *raw_argv[] = { "cardsnoop", "maps", "--raw", "--noheadings", pid,
			     NULL };
	double t;
	long lines;

	snprintf(pid, sizeof(pid), "%d", c->gpu.pid);
	lines = run_count_lines(c, c->raw ? raw_argv : argv, &t);
	if (lines < 0)
		return lines;
	/* A header line (unless --noheadings), then one per mapping. */
	if (!c->raw)
		lines--;
	if (lines != MAPS_COUNT) {
		bench_fail(c->f, "cardsnoop maps listed %ld mappings, not %u",
			   lines, MAPS_COUNT);
		return -EIO;
	}
	return lines / t;
}

static double run_cat_procmaps(void *p)
{
	struct maps_ctx *c = p;
	char *argv[] = { "cat", c->procmaps, NULL };
	double t;
	long lines;

	lines = run_count_lines(c, argv, &t);
	if (lines < 0)
		return lines;
	if (lines < MAPS_COUNT) {
		bench_fail(c->f, "%s has %ld lines", c->procmaps, lines);
		return -EIO;
	}
	return lines / t;
}

/*
 * What a command costs whatever it lists: the median of 5 runs of
 * `cardsnoop maps` of a process with one GPU mapping, and of `cat` of that
 * process's /proc/PID/maps (a dozen lines), in milliseconds.
 */
static void fixed_costs(struct maps_ctx *c, double *maps_ms, double *cat_ms)
{
	char pid[16], path[64];
	char *maps_argv[] = { "cardsnoop", "maps", pid, NULL };
	char *cat_argv[] = { "cat", path, NULL };
	double tm[5], tc[5];
	unsigned int i;

	snprintf(pid, sizeof(pid), "%d", c->small.pid);
	snprintf(path, sizeof(path), "/proc/%d/maps", c->small.pid);
	for (i = 0; i < 5; i++) {
		if (run_count_lines(c, maps_argv, &tm[i]) < 0 ||
		    run_count_lines(c, cat_argv, &tc[i]) < 0) {
			*maps_ms = *cat_ms = -1;
			return;
		}
	}
	*maps_ms = bench_median(tm, 5) * 1e3;
	*cat_ms = bench_median(tc, 5) * 1e3;
}

/* The MAPPINGS ioctl from the start of the VM, batch after batch. */
static double run_ioctl_maps(void *p)
{
	struct maps_ctx *c = p;
	struct cardsnoop_mappings q;
	uint64_t start = 0;
	long total = 0;
	double t0 = bench_now();

	for (;;) {
		memset(&q, 0, sizeof(q));
		q.start = start;
		q.mappings_ptr = (uintptr_t)c->batch;
		q.count = MAPS_BATCH;
		q.stride = sizeof(*c->batch);
		if (ioctl(c->sfd, CARDSNOOP_IOCTL_MAPPINGS, &q)) {
			bench_fail(c->f, "MAPPINGS: %s", strerror(errno));
			return -EIO;
		}
		if (!q.count)
			break;
		total += q.count;
		start = q.next;
	}
	if (total != MAPS_COUNT) {
		bench_fail(c->f, "MAPPINGS listed %ld mappings, not %u", total,
			   MAPS_COUNT);
		return -EIO;
	}
	return total / (bench_now() - t0);
}

static double run_read_procmaps(void *p)
{
	struct maps_ctx *c = p;
	double t0 = bench_now();
	long lines = 0;
	ssize_t n;
	int fd;

	fd = open(c->procmaps, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		bench_fail(c->f, "%s: %s", c->procmaps, strerror(errno));
		return -EIO;
	}
	while ((n = read(fd, c->readbuf, 65536)) > 0) {
		char *s = c->readbuf;

		while ((s = memchr(s, '\n', c->readbuf + n - s))) {
			lines++;
			s++;
		}
	}
	close(fd);
	if (lines < MAPS_COUNT) {
		bench_fail(c->f, "%s has %ld lines", c->procmaps, lines);
		return -EIO;
	}
	return lines / (bench_now() - t0);
}

static int maps_setup(struct maps_ctx *c, struct bench_fig *f)
{
	double t;
	char *argv[] = { "cat", c->procmaps, NULL };
	int ret;

	c->sfd = -1;
	c->f = f;
	c->gpu.pid = c->cpu.pid = c->small.pid = -1;
	c->gpu.sock = c->cpu.sock = c->small.sock = -1;
	ret = bench_target_start(&c->gpu, gpu_target_setup, NULL, &c->gr,
				 sizeof(c->gr));
	if (ret) {
		bench_fail(f, "target with %u GPU mappings: %s", MAPS_COUNT,
			   strerror(-ret));
		return ret;
	}
	ret = bench_target_start(&c->small, small_target_setup, NULL, &c->sr,
				 sizeof(c->sr));
	if (ret) {
		bench_fail(f, "target with one GPU mapping: %s", strerror(-ret));
		return ret;
	}
	ret = bench_target_start(&c->cpu, cpu_target_setup, NULL, &c->cr,
				 sizeof(c->cr));
	if (ret) {
		bench_fail(f, "target with %u CPU mappings: %s", MAPS_COUNT,
			   strerror(-ret));
		return ret;
	}
	snprintf(c->procmaps, sizeof(c->procmaps), "/proc/%d/maps", c->cpu.pid);
	c->cpu_lines = run_count_lines(c, argv, &t);
	if (c->cpu_lines < MAPS_COUNT) {
		bench_fail(f, "%s has %ld lines: the regions merged",
			   c->procmaps, c->cpu_lines);
		return -EIO;
	}
	c->sfd = bench_snoop_attach_pid(c->gpu.pid, c->gr.drm_fd,
					CARDSNOOP_ATTACH_READONLY);
	if (c->sfd < 0) {
		bench_fail(f, "attach to the target: %s", strerror(-c->sfd));
		return c->sfd;
	}
	c->batch = calloc(MAPS_BATCH, sizeof(*c->batch));
	c->readbuf = malloc(65536);
	if (!c->batch || !c->readbuf)
		return -ENOMEM;
	return 0;
}

static void maps_teardown(struct maps_ctx *c)
{
	free(c->batch);
	free(c->readbuf);
	if (c->sfd >= 0)
		close(c->sfd);
	bench_wait_hooks_off();	/* before the targets unbind */
	bench_target_stop(&c->gpu);
	bench_target_stop(&c->small);
	bench_target_stop(&c->cpu);
}

unsigned int bench_maps_figures(struct bench_fig **out, unsigned int room)
{
	struct maps_ctx c = { 0 };
	double maps_ms, cat_ms;
	struct bench_fig *f;
	unsigned int n = 0;

	if (room < 3)
		return 0;

	f = bench_fig_new("maps_vs_procmaps", 1.0, "mappings/s",
			  bench_opts.pairs, "cardsnoop maps",
			  "cat /proc/PID/maps");
	out[n++] = f;
	if (!maps_setup(&c, f)) {
		bench_fig_note(f, "`cardsnoop maps PID` of a process with %u GPU mappings (bound in %.1f s) against `cat /proc/PID/maps` of a process with %u anonymous mappings (%ld lines; mapped in %.1f s), each a fork+exec into a pipe read here",
			       MAPS_COUNT, c.gr.seconds, MAPS_COUNT,
			       c.cpu_lines, c.cr.seconds);
		if (!bench_pairs(f, run_cardsnoop_maps, run_cat_procmaps, &c)) {
			fixed_costs(&c, &maps_ms, &cat_ms);
			bench_fig_note(f, "what each command costs listing a process with one GPU mapping: cardsnoop maps %.1f ms, cat %.1f ms (medians of 5)",
				       maps_ms, cat_ms);
		}
	}
	bench_report_line(f);

	if (!f->error[0]) {
		f = bench_fig_new("maps_raw_vs_procmaps", 0, "mappings/s",
				  bench_opts.pairs, "cardsnoop maps -rn",
				  "cat /proc/PID/maps");
		bench_fig_note(f, "as maps_vs_procmaps with `cardsnoop maps --raw --noheadings`: fields separated by one space and not aligned, as /proc/PID/maps prints them");
		c.f = f;
		c.raw = true;
		bench_pairs(f, run_cardsnoop_maps, run_cat_procmaps, &c);
		bench_report_line(f);
		out[n++] = f;
	}

	if (!f->error[0]) {
		f = bench_fig_new("maps_ioctl_vs_procmaps_read", 0, "mappings/s",
				  bench_opts.pairs, "MAPPINGS ioctl",
				  "read /proc/PID/maps");
		bench_fig_note(f, "the same lists in this process: CARDSNOOP_IOCTL_MAPPINGS in batches of %u records against read(2) of /proc/PID/maps in 64 KiB",
			       MAPS_BATCH);
		c.f = f;
		bench_pairs(f, run_ioctl_maps, run_read_procmaps, &c);
		bench_report_line(f);
		out[n++] = f;
	}

	maps_teardown(&c);
	return n;
}
