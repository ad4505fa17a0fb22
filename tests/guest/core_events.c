// SPDX-License-Identifier: MIT
/*
 * In-VM tests of cardsnoop's change events (issue 11), on simgpu: replay
 * at attach then live changes, ordering and completeness under concurrent
 * bind/unbind, the discovery race, overflow accounting, poll wakeups,
 * POLLHUP on target exit, 100,000 mappings, and the EVENTS ioctl's errors.
 *
 * "core_events unplug" runs the device-unplug case (it unbinds the PCI
 * device: last in its VM).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cs_guest.h"
#include "cstest.h"

#define VA_A		0x100000000ull
#define PAGE		SZ_4K

static int gfd = -1;
static int sfd = -1;

static void setup(void)
{
	gfd = sg_open(0);
	ck_assert_msg(gfd >= 0, "no simgpu render node: %s", strerror(-gfd));
	sfd = snoop_open_for(gfd);
	ck_assert_msg(sfd >= 0, "no snoop node: %s", strerror(-sfd));
}

static void teardown(void)
{
	close(sfd);
	close(gfd);
}

static void set_param(const char *name, unsigned long v)
{
	char val[32];

	snprintf(val, sizeof(val), "%lu\n", v);
	ck_assert_int_eq(cardsnoop_param_set(name, val), 0);
}

/* Read up to @max records without waiting; return how many. */
static int read_events(int fd, struct cardsnoop_event *ev, unsigned int max,
		       uint32_t flags)
{
	struct cardsnoop_events a = {
		.events_ptr = (uintptr_t)ev, .count = max,
		.stride = sizeof(*ev), .flags = flags,
	};

	if (ioctl(fd, CARDSNOOP_IOCTL_EVENTS, &a))
		return -errno;
	return a.count;
}

/* Drain everything queued into a growing array. */
struct evlog {
	struct cardsnoop_event *ev;
	size_t n, cap;
};

static void drain(int fd, struct evlog *log)
{
	int n;

	do {
		if (log->cap - log->n < 256) {
			log->cap = log->cap ? 2 * log->cap : 1024;
			log->ev = realloc(log->ev, log->cap * sizeof(*log->ev));
			ck_assert_ptr_nonnull(log->ev);
		}
		n = read_events(fd, log->ev + log->n, 256, 0);
		ck_assert_msg(n >= 0, "EVENTS: %s", strerror(-n));
		log->n += n;
	} while (n);
}

/* Sequence numbers from 1 without a gap, timestamps never going back. */
static void check_sequence(const struct evlog *log)
{
	size_t i;

	for (i = 0; i < log->n; i++) {
		ck_assert_uint_eq(log->ev[i].seqno, i + 1);
		if (i)
			ck_assert_uint_ge(log->ev[i].timestamp_ns,
					  log->ev[i - 1].timestamp_ns);
	}
}

/*
 * A page-granular model of a VA window: what BIND/UNBIND records say is
 * mapped.  A BIND over a mapped page or an UNBIND of an unmapped one means
 * a duplicate or a gap.
 */
struct shadow {
	uint64_t base;
	size_t pages;
	uint64_t *bo;	/* bo id + 1 per page, 0 = unmapped */
	int errors;
};

static void shadow_init(struct shadow *s, uint64_t base, size_t pages)
{
	s->base = base;
	s->pages = pages;
	s->bo = calloc(pages, sizeof(*s->bo));
	s->errors = 0;
	ck_assert_ptr_nonnull(s->bo);
}

static void shadow_apply(struct shadow *s, const struct cardsnoop_event *e)
{
	uint64_t p;

	if (e->type != CARDSNOOP_EVENT_BIND && e->type != CARDSNOOP_EVENT_UNBIND)
		return;
	if (e->va < s->base || e->va >= s->base + s->pages * PAGE)
		return;
	for (p = (e->va - s->base) / PAGE;
	     p < (e->va + e->size - s->base) / PAGE && p < s->pages; p++) {
		if (e->type == CARDSNOOP_EVENT_BIND) {
			if (s->bo[p])
				s->errors++;
			s->bo[p] = e->bo_id + 1;
		} else {
			if (!s->bo[p])
				s->errors++;
			s->bo[p] = 0;
		}
	}
}

/* The model must match what MAPPINGS lists now. */
static void shadow_check_mappings(struct shadow *s, int fd)
{
	struct cardsnoop_mapping m[64];
	struct cardsnoop_mappings a = { 0 };
	uint64_t *now = calloc(s->pages, sizeof(*now)), p;
	unsigned int i;

	ck_assert_ptr_nonnull(now);
	a.start = s->base;
	for (;;) {
		a.mappings_ptr = (uintptr_t)m;
		a.count = 64;
		a.stride = sizeof(m[0]);
		ck_assert_int_eq(ioctl(fd, CARDSNOOP_IOCTL_MAPPINGS, &a), 0);
		if (!a.count)
			break;
		for (i = 0; i < a.count; i++)
			for (p = m[i].va; p < m[i].va + m[i].size; p += PAGE)
				if (p >= s->base && p < s->base + s->pages * PAGE)
					now[(p - s->base) / PAGE] = m[i].bo_id + 1;
		a.start = a.next;
		if (a.start >= s->base + s->pages * PAGE)
			break;
	}
	for (p = 0; p < s->pages; p++)
		ck_assert_msg(now[p] == s->bo[p],
			      "page %#llx: mapped bo %llu, events say %llu",
			      (unsigned long long)(s->base + p * PAGE),
			      (unsigned long long)now[p],
			      (unsigned long long)s->bo[p]);
	free(now);
}

/* ------------------------------------------------------------------ */

START_TEST(replay_then_live)
{
	struct cardsnoop_event ev[64];
	uint32_t h, hv;
	uint64_t id, idv;
	int n, i;

	ck_assert_int_eq(sg_bo_create(gfd, 4 * PAGE, SIMGPU_PLACEMENT_SYSTEM, 0,
				      &h, &id), 0);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(sg_bind(gfd, h, VA_A + i * 2 * PAGE, PAGE,
					 i * PAGE, i == 1 ?
					 SIMGPU_BIND_READONLY : 0), 0);
	ck_assert_int_eq(snoop_attach(sfd, gfd, 0, 0, NULL), 0);

	/* The three mappings, replayed in VA order. */
	n = read_events(sfd, ev, 64, 0);
	ck_assert_int_eq(n, 3);
	for (i = 0; i < 3; i++) {
		ck_assert_uint_eq(ev[i].type, CARDSNOOP_EVENT_BIND);
		ck_assert_uint_eq(ev[i].flags, CARDSNOOP_EVENT_REPLAY);
		ck_assert_uint_eq(ev[i].seqno, i + 1);
		ck_assert_uint_eq(ev[i].va, VA_A + i * 2 * PAGE);
		ck_assert_uint_eq(ev[i].size, PAGE);
		ck_assert_uint_eq(ev[i].bo_id, id);
		ck_assert_uint_eq(ev[i].data, i * PAGE);
		ck_assert_uint_eq(ev[i].placement, CARDSNOOP_PLACEMENT_SYSTEM);
		ck_assert_uint_eq(ev[i].kind, CARDSNOOP_KIND_BUFFER);
		ck_assert_uint_eq(ev[i].arg & CARDSNOOP_PERM_WRITE,
				  i == 1 ? 0 : CARDSNOOP_PERM_WRITE);
	}
	ck_assert_int_eq(read_events(sfd, ev, 64, 0), 0);

	/* Live: bind, unbind, migrate, submit of an IB, a GPU fault. */
	ck_assert_int_eq(sg_bo_create(gfd, 2 * PAGE, SIMGPU_PLACEMENT_VRAM, 0,
				      &hv, &idv), 0);
	ck_assert_int_eq(sg_bind(gfd, hv, VA_A + 16 * PAGE, 2 * PAGE, 0, 0), 0);
	ck_assert_int_eq(sg_unbind(gfd, VA_A, PAGE), 0);
	ck_assert_int_eq(sg_migrate(gfd, hv, SIMGPU_PLACEMENT_SYSTEM), 0);
	{
		struct drm_simgpu_cmd ib[1] = { {
			.op = SIMGPU_CMD_WRITE32, .arg0 = VA_A + 17 * PAGE,
			.arg1 = 0x1234,
		} };
		struct drm_simgpu_cmd c = {
			.op = SIMGPU_CMD_IB, .arg0 = VA_A + 16 * PAGE,
			.arg1 = sizeof(ib),
		};

		ck_assert_int_eq(pwrite(sfd, ib, sizeof(ib), VA_A + 16 * PAGE),
				 sizeof(ib));
		ck_assert_int_eq(sg_submit(gfd, &c, 1), 0);
	}
	ck_assert_int_eq(sg_gpu_write32(gfd, VA_A + 64 * PAGE, 1), -EFAULT);

	n = read_events(sfd, ev, 64, 0);
	ck_assert_int_eq(n, 5);
	ck_assert_uint_eq(ev[0].type, CARDSNOOP_EVENT_BIND);
	ck_assert_uint_eq(ev[0].flags, 0);
	ck_assert_uint_eq(ev[0].seqno, 4);
	ck_assert_uint_eq(ev[0].va, VA_A + 16 * PAGE);
	ck_assert_uint_eq(ev[0].bo_id, idv);
	ck_assert_uint_eq(ev[0].placement, CARDSNOOP_PLACEMENT_VRAM);
	ck_assert_uint_eq(ev[1].type, CARDSNOOP_EVENT_UNBIND);
	ck_assert_uint_eq(ev[1].va, VA_A);
	ck_assert_uint_eq(ev[1].size, PAGE);
	ck_assert_uint_eq(ev[1].bo_id, id);
	ck_assert_uint_eq(ev[2].type, CARDSNOOP_EVENT_MIGRATE);
	ck_assert_uint_eq(ev[2].va, VA_A + 16 * PAGE);
	ck_assert_uint_eq(ev[2].size, 2 * PAGE);
	ck_assert_uint_eq(ev[2].placement, CARDSNOOP_PLACEMENT_SYSTEM);
	ck_assert_uint_eq(ev[3].type, CARDSNOOP_EVENT_SUBMIT);
	ck_assert_uint_eq(ev[3].va, VA_A + 16 * PAGE);
	ck_assert_uint_eq(ev[3].size, sizeof(struct drm_simgpu_cmd));
	ck_assert_uint_ne(ev[3].data, 0);
	ck_assert_uint_eq(ev[4].type, CARDSNOOP_EVENT_FAULT);
	ck_assert_uint_eq(ev[4].va, VA_A + 64 * PAGE);
	ck_assert_uint_eq(ev[4].arg, CARDSNOOP_ACCESS_WRITE);
	ck_assert_uint_eq(ev[4].seqno, 8);
}
END_TEST

START_TEST(evict_reported)
{
	struct evlog log = { 0 };
	struct drm_simgpu_info info;
	uint64_t chunk, ids[64];
	uint32_t h[64];
	unsigned int i, n = 0, evicts = 0;

	ck_assert_int_eq(sg_info(gfd, &info), 0);
	chunk = info.vram_size / 4;
	ck_assert_int_eq(snoop_attach(sfd, gfd, 0, 0, NULL), 0);
	/* Twice what VRAM holds: the early buffers get evicted. */
	for (i = 0; i < 8; i++) {
		ck_assert_int_eq(sg_bo_create(gfd, chunk, SIMGPU_PLACEMENT_VRAM,
					      0, &h[i], &ids[i]), 0);
		ck_assert_int_eq(sg_bind(gfd, h[i], VA_A + i * chunk, chunk, 0,
					 0), 0);
		n++;
	}
	drain(sfd, &log);
	check_sequence(&log);
	for (i = 0; i < log.n; i++)
		if (log.ev[i].type == CARDSNOOP_EVENT_EVICT) {
			ck_assert_uint_eq(log.ev[i].placement,
					  CARDSNOOP_PLACEMENT_SYSTEM);
			ck_assert_uint_eq(log.ev[i].size, chunk);
			evicts++;
		}
	ck_assert_uint_ge(evicts, 4);
	(void)n;
	free(log.ev);
}
END_TEST

/* ---------------------------------------------- concurrent completeness */

#define THREADS		4
#define WIN_PAGES	32
#define OPS		300

struct worker {
	int fd;
	uint32_t handle;
	uint64_t base;
	unsigned int seed;
	unsigned int binds, unbinds;
};

/*
 * Each thread owns a window of the VM and binds or unbinds single pages in
 * it: every operation changes exactly one page, so it must produce exactly
 * one BIND or UNBIND record.
 */
static void *worker_fn(void *p)
{
	struct worker *w = p;
	char mapped[WIN_PAGES] = { 0 };
	unsigned int i, pg;

	for (i = 0; i < OPS; i++) {
		pg = rand_r(&w->seed) % WIN_PAGES;
		if (mapped[pg]) {
			if (sg_unbind(w->fd, w->base + pg * PAGE, PAGE))
				return (void *)1;
			w->unbinds++;
		} else {
			if (sg_bind(w->fd, w->handle, w->base + pg * PAGE, PAGE,
				    (pg % 4) * PAGE, 0))
				return (void *)2;
			w->binds++;
		}
		mapped[pg] ^= 1;
	}
	return NULL;
}

START_TEST(concurrent_complete_in_order)
{
	struct worker w[THREADS];
	pthread_t t[THREADS];
	struct evlog log = { 0 };
	struct shadow s;
	unsigned int i, binds = 0, unbinds = 0;
	uint64_t id;
	uint32_t h;
	void *ret;

	ck_assert_int_eq(sg_bo_create(gfd, 4 * PAGE, SIMGPU_PLACEMENT_SYSTEM, 0,
				      &h, &id), 0);
	ck_assert_int_eq(snoop_attach(sfd, gfd, 0, 0, NULL), 0);
	for (i = 0; i < THREADS; i++) {
		w[i] = (struct worker){
			.fd = gfd, .handle = h, .seed = 1000 + i,
			.base = VA_A + (uint64_t)i * 2 * WIN_PAGES * PAGE,
		};
		ck_assert_int_eq(pthread_create(&t[i], NULL, worker_fn, &w[i]),
				 0);
	}
	/* Drain while they run. */
	for (i = 0; i < 50; i++) {
		drain(sfd, &log);
		usleep(2000);
	}
	for (i = 0; i < THREADS; i++) {
		ck_assert_int_eq(pthread_join(t[i], &ret), 0);
		ck_assert_ptr_null(ret);
		binds += w[i].binds;
		unbinds += w[i].unbinds;
	}
	drain(sfd, &log);
	check_sequence(&log);

	shadow_init(&s, VA_A, THREADS * 2 * WIN_PAGES);
	for (i = 0; i < log.n; i++) {
		if (log.ev[i].type == CARDSNOOP_EVENT_BIND) {
			ck_assert_uint_eq(log.ev[i].size, PAGE);
			ck_assert_uint_eq(log.ev[i].bo_id, id);
			binds--;
		} else if (log.ev[i].type == CARDSNOOP_EVENT_UNBIND) {
			ck_assert_uint_eq(log.ev[i].size, PAGE);
			unbinds--;
		}
		shadow_apply(&s, &log.ev[i]);
	}
	ck_assert_msg(!binds && !unbinds, "%u binds and %u unbinds unreported",
		      binds, unbinds);
	ck_assert_int_eq(s.errors, 0);
	shadow_check_mappings(&s, sfd);
	free(s.bo);
	free(log.ev);
}
END_TEST

/* -------------------------------------------------- discovery race */

struct churn {
	int fd;
	uint32_t handle;
	volatile int stop;
	unsigned int ops;
};

static void *churn_fn(void *p)
{
	struct churn *c = p;
	unsigned int seed = 77;

	while (!c->stop) {
		uint64_t pg = rand_r(&seed) % 64, n = 1 + rand_r(&seed) % 4;

		/* Binds over and unbinds across mappings: splits included. */
		if (rand_r(&seed) & 1)
			sg_bind(c->fd, c->handle, VA_A + pg * PAGE, n * PAGE, 0,
				0);
		else
			sg_unbind(c->fd, VA_A + pg * PAGE, n * PAGE);
		c->ops++;
	}
	return NULL;
}

START_TEST(discovery_race)
{
	struct churn c = { .fd = gfd };
	struct evlog log = { 0 };
	struct shadow s;
	pthread_t t;
	size_t i;

	ck_assert_int_eq(sg_bo_create(gfd, 4 * PAGE, SIMGPU_PLACEMENT_SYSTEM, 0,
				      &c.handle, NULL), 0);
	ck_assert_int_eq(pthread_create(&t, NULL, churn_fn, &c), 0);
	while (c.ops < 200)
		usleep(1000);
	/* Attach while the target binds and unbinds. */
	ck_assert_int_eq(snoop_attach(sfd, gfd, 0, 0, NULL), 0);
	while (c.ops < 1200) {
		drain(sfd, &log);
		usleep(1000);
	}
	c.stop = 1;
	pthread_join(t, NULL);
	drain(sfd, &log);
	check_sequence(&log);

	shadow_init(&s, VA_A, 80);
	for (i = 0; i < log.n; i++) {
		ck_assert_uint_ne(log.ev[i].type, CARDSNOOP_EVENT_OVERFLOW);
		shadow_apply(&s, &log.ev[i]);
	}
	ck_assert_msg(s.errors == 0, "%d duplicate or missing records",
		      s.errors);
	shadow_check_mappings(&s, sfd);
	free(s.bo);
	free(log.ev);
}
END_TEST

/* --------------------------------------------------------- overflow */

START_TEST(overflow_accounting)
{
	struct cardsnoop_event ev[64];
	uint32_t h;
	unsigned int i;
	int n;

	set_param("events_max", 16);
	ck_assert_int_eq(sg_bo_create(gfd, PAGE, SIMGPU_PLACEMENT_SYSTEM, 0,
				      &h, NULL), 0);
	ck_assert_int_eq(snoop_attach(sfd, gfd, 0, 0, NULL), 0);
	set_param("events_max", 16384);
	for (i = 0; i < 100; i++)
		ck_assert_int_eq(sg_bind(gfd, h, VA_A + i * 2 * PAGE, PAGE, 0,
					 0), 0);

	n = read_events(sfd, ev, 64, 0);
	ck_assert_int_eq(n, 17);
	ck_assert_uint_eq(ev[0].type, CARDSNOOP_EVENT_OVERFLOW);
	ck_assert_uint_eq(ev[0].size, 84);	/* 100 queued, 16 kept */
	ck_assert_uint_eq(ev[0].seqno, 1);
	ck_assert_uint_eq(ev[0].data, 84);
	for (i = 1; i < 17; i++) {
		ck_assert_uint_eq(ev[i].type, CARDSNOOP_EVENT_BIND);
		ck_assert_uint_eq(ev[i].seqno, 84 + i);
		ck_assert_uint_eq(ev[i].va, VA_A + (83 + i) * 2 * PAGE);
	}
	ck_assert_int_eq(read_events(sfd, ev, 64, 0), 0);

	/* Partial reads keep the order and the pending count. */
	for (i = 0; i < 5; i++)
		ck_assert_int_eq(sg_unbind(gfd, VA_A + i * 2 * PAGE, PAGE), 0);
	{
		struct cardsnoop_events a = {
			.events_ptr = (uintptr_t)ev, .count = 2,
			.stride = sizeof(ev[0]),
		};

		ck_assert_int_eq(ioctl(sfd, CARDSNOOP_IOCTL_EVENTS, &a), 0);
		ck_assert_uint_eq(a.count, 2);
		ck_assert_uint_eq(a.pending, 3);
		ck_assert_uint_eq(ev[0].seqno, 101);
		ck_assert_uint_eq(ev[1].seqno, 102);
	}
}
END_TEST

/* ------------------------------------------------------------- poll */

static void *bind_later(void *p)
{
	uint32_t *h = p;

	usleep(200000);
	sg_bind(gfd, *h, VA_A, PAGE, 0, 0);
	return NULL;
}

START_TEST(poll_wakeups)
{
	struct pollfd pfd = { .fd = sfd, .events = POLLIN | POLLPRI };
	struct cardsnoop_event ev[4];
	pthread_t t;
	uint32_t h;

	ck_assert_int_eq(poll(&pfd, 1, 0), 1);	/* not attached */
	ck_assert(pfd.revents & POLLERR);
	ck_assert_int_eq(sg_bo_create(gfd, PAGE, SIMGPU_PLACEMENT_SYSTEM, 0,
				      &h, NULL), 0);
	ck_assert_int_eq(snoop_attach(sfd, gfd, 0, 0, NULL), 0);
	ck_assert_int_eq(poll(&pfd, 1, 0), 0);	/* nothing queued */

	ck_assert_int_eq(pthread_create(&t, NULL, bind_later, &h), 0);
	ck_assert_int_eq(poll(&pfd, 1, 5000), 1);	/* woken by the bind */
	ck_assert_uint_eq(pfd.revents & (POLLIN | POLLPRI), POLLIN | POLLPRI);
	ck_assert_uint_eq(pfd.revents & POLLHUP, 0);
	pthread_join(t, NULL);
	ck_assert_int_eq(read_events(sfd, ev, 4, 0), 1);
	ck_assert_int_eq(poll(&pfd, 1, 0), 0);

	/* EVENTS_WAIT blocks until a record comes. */
	ck_assert_int_eq(pthread_create(&t, NULL, bind_later, &h), 0);
	ck_assert_int_eq(read_events(sfd, ev, 4, CARDSNOOP_EVENTS_WAIT), 2);
	pthread_join(t, NULL);
}
END_TEST

static void on_alarm(int sig)
{
	(void)sig;
}

START_TEST(wait_interrupted)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct cardsnoop_event ev[4];

	ck_assert_int_eq(snoop_attach(sfd, gfd, 0, 0, NULL), 0);
	sigaction(SIGALRM, &sa, NULL);
	alarm(1);
	ck_assert_int_eq(read_events(sfd, ev, 4, CARDSNOOP_EVENTS_WAIT), -EINTR);
}
END_TEST

/* A child that owns a simgpu file with one mapping, until told to exit. */
static pid_t start_target(int *drm_fd, int *go)
{
	int p[2], q[2];
	pid_t pid;

	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(pipe(q), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid) {
		uint32_t h;
		int fd = sg_open(0);
		char c;

		close(q[1]);
		close(p[0]);
		if (fd < 0 || sg_bo_create(fd, PAGE, SIMGPU_PLACEMENT_SYSTEM, 0,
					   &h, NULL) ||
		    sg_bind(fd, h, VA_A, PAGE, 0, 0))
			_exit(1);
		if (write(p[1], &fd, sizeof(fd)) != sizeof(fd))
			_exit(2);
		if (read(q[0], &c, 1) < 0)
			_exit(3);
		_exit(0);
	}
	close(q[0]);
	close(p[1]);
	ck_assert_int_eq(read(p[0], drm_fd, sizeof(*drm_fd)), sizeof(*drm_fd));
	close(p[0]);
	*go = q[1];
	return pid;
}

START_TEST(pollhup_on_target_exit)
{
	struct pollfd pfd = { .fd = sfd, .events = POLLIN | POLLPRI };
	struct cardsnoop_event ev[8];
	int drm_fd, go, fd, n, st;
	pid_t pid;

	pid = start_target(&drm_fd, &go);
	fd = pidfd_get_fd(pid, drm_fd);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(snoop_attach(sfd, fd, 0, 0, NULL), 0);
	close(fd);
	ck_assert_int_eq(read_events(sfd, ev, 8, 0), 1);	/* replay */
	ck_assert_int_eq(poll(&pfd, 1, 0), 0);

	close(go);	/* the target exits */
	ck_assert_int_eq(poll(&pfd, 1, 5000), 1);
	ck_assert(pfd.revents & POLLHUP);
	waitpid(pid, &st, 0);
	n = read_events(sfd, ev, 8, 0);
	ck_assert_int_eq(n, 1);
	ck_assert_uint_eq(ev[0].type, CARDSNOOP_EVENT_TARGET_EXIT);
	ck_assert_int_eq(read_events(sfd, ev, 8, 0), 0);	/* once only */
	/* Post-mortem: the VM is still there. */
	ck_assert_int_eq(pread(sfd, ev, 8, VA_A), 8);
}
END_TEST

START_TEST(wait_wakes_on_target_exit)
{
	struct cardsnoop_event ev[8];
	int drm_fd, go, fd, st;
	pid_t pid;

	pid = start_target(&drm_fd, &go);
	fd = pidfd_get_fd(pid, drm_fd);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(snoop_attach(sfd, fd, 0, 0, NULL), 0);
	close(fd);
	ck_assert_int_eq(read_events(sfd, ev, 8, 0), 1);
	if (!fork()) {
		usleep(200000);
		close(go);
		_exit(0);
	}
	close(go);
	ck_assert_int_eq(read_events(sfd, ev, 8, CARDSNOOP_EVENTS_WAIT), 1);
	ck_assert_uint_eq(ev[0].type, CARDSNOOP_EVENT_TARGET_EXIT);
	waitpid(pid, &st, 0);
}
END_TEST

/* ------------------------------------------------------ 100k mappings */

START_TEST(replay_100k_mappings)
{
	const unsigned int count = 100000;
	struct cardsnoop_event *ev;
	unsigned int i, got = 0;
	uint32_t h;
	int n, s2;

	ev = calloc(4096, sizeof(*ev));
	ck_assert_ptr_nonnull(ev);
	ck_assert_int_eq(sg_bo_create(gfd, PAGE, SIMGPU_PLACEMENT_SYSTEM, 0,
				      &h, NULL), 0);
	for (i = 0; i < count; i++)
		ck_assert_int_eq(sg_bind(gfd, h, VA_A + (uint64_t)i * 2 * PAGE,
					 PAGE, 0, 0), 0);

	/* A queue big enough: every mapping replayed, in order. */
	set_param("events_max", 131072);
	ck_assert_int_eq(snoop_attach(sfd, gfd, 0, 0, NULL), 0);
	set_param("events_max", 16384);
	while ((n = read_events(sfd, ev, 4096, 0)) > 0) {
		int j;

		for (j = 0; j < n; j++, got++) {
			ck_assert_uint_eq(ev[j].type, CARDSNOOP_EVENT_BIND);
			ck_assert_uint_eq(ev[j].flags, CARDSNOOP_EVENT_REPLAY);
			ck_assert_uint_eq(ev[j].va,
					  VA_A + (uint64_t)got * 2 * PAGE);
		}
	}
	ck_assert_int_eq(n, 0);
	ck_assert_uint_eq(got, count);

	/* The default queue: the oldest are dropped and accounted for. */
	s2 = snoop_open_for(gfd);
	ck_assert_int_ge(s2, 0);
	ck_assert_int_eq(snoop_attach(s2, gfd, 0, 0, NULL), 0);
	n = read_events(s2, ev, 4096, 0);
	ck_assert_int_gt(n, 0);
	ck_assert_uint_eq(ev[0].type, CARDSNOOP_EVENT_OVERFLOW);
	ck_assert_uint_eq(ev[0].size, count - 16384);
	ck_assert_uint_eq(ev[1].seqno, count - 16384 + 1);
	free(ev);
}
END_TEST

/* ----------------------------------------------------------- errors */

START_TEST(events_errors)
{
	struct cardsnoop_event ev[2];
	struct cardsnoop_events a = {
		.events_ptr = (uintptr_t)ev, .count = 2, .stride = sizeof(ev[0]),
	};

	ck_assert_int_eq(ioctl(sfd, CARDSNOOP_IOCTL_EVENTS, &a), -1);
	ck_assert_int_eq(errno, EBADFD);
	ck_assert_int_eq(snoop_attach(sfd, gfd, 0, 0, NULL), 0);
	ck_assert_int_eq(ioctl(sfd, CARDSNOOP_IOCTL_EVENTS, &a), 0);
	a.flags = 2;
	ck_assert_int_eq(ioctl(sfd, CARDSNOOP_IOCTL_EVENTS, &a), -1);
	ck_assert_int_eq(errno, EINVAL);
	a.flags = 0;
	a.pad = 1;
	ck_assert_int_eq(ioctl(sfd, CARDSNOOP_IOCTL_EVENTS, &a), -1);
	ck_assert_int_eq(errno, EINVAL);
	a.pad = 0;
	a.stride = 32;
	ck_assert_int_eq(ioctl(sfd, CARDSNOOP_IOCTL_EVENTS, &a), -1);
	ck_assert_int_eq(errno, EINVAL);
	a.stride = sizeof(ev[0]);
	a.count = 0;
	ck_assert_int_eq(ioctl(sfd, CARDSNOOP_IOCTL_EVENTS, &a), -1);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(events_stride_and_bad_pointer)
{
	struct { struct cardsnoop_event e; uint64_t more[2]; } big[2];
	struct cardsnoop_events a = { .count = 2, .stride = sizeof(big[0]) };
	uint32_t h;

	ck_assert_int_eq(sg_bo_create(gfd, PAGE, SIMGPU_PLACEMENT_SYSTEM, 0,
				      &h, NULL), 0);
	ck_assert_int_eq(sg_bind(gfd, h, VA_A, PAGE, 0, 0), 0);
	ck_assert_int_eq(snoop_attach(sfd, gfd, 0, 0, NULL), 0);
	a.events_ptr = 16;	/* unmapped */
	ck_assert_int_eq(ioctl(sfd, CARDSNOOP_IOCTL_EVENTS, &a), -1);
	ck_assert_int_eq(errno, EFAULT);
	ck_assert_int_eq(sg_bind(gfd, h, VA_A + 2 * PAGE, PAGE, 0, 0), 0);
	memset(big, 0xff, sizeof(big));
	a.events_ptr = (uintptr_t)big;
	ck_assert_int_eq(ioctl(sfd, CARDSNOOP_IOCTL_EVENTS, &a), 0);
	ck_assert_uint_eq(a.count, 1);
	ck_assert_uint_eq(big[0].e.va, VA_A + 2 * PAGE);
	ck_assert_uint_eq(big[0].more[0], 0);	/* stride zero-filled */
}
END_TEST

/* ----------------------------------------------------------- unplug */

START_TEST(pollhup_on_unplug)
{
	struct pollfd pfd = { .fd = sfd, .events = POLLIN | POLLPRI };
	struct cardsnoop_event ev[8];
	char dev[256], path[300];
	ssize_t len;
	FILE *f;
	int n, i;

	ck_assert_int_eq(snoop_attach(sfd, gfd, 0, 0, NULL), 0);
	ck_assert_int_eq(poll(&pfd, 1, 0), 0);

	/* The PCI device behind the render node: unbind it from simgpu. */
	{
		struct stat st;

		ck_assert_int_eq(fstat(gfd, &st), 0);
		snprintf(path, sizeof(path), "/sys/dev/char/%u:%u/device",
			 major(st.st_rdev), minor(st.st_rdev));
	}
	len = readlink(path, dev, sizeof(dev) - 1);
	ck_assert_int_gt(len, 0);
	dev[len] = 0;
	f = fopen("/sys/bus/pci/drivers/simgpu/unbind", "w");
	ck_assert_ptr_nonnull(f);
	fputs(strrchr(dev, '/') + 1, f);
	ck_assert_int_eq(fclose(f), 0);

	ck_assert_int_eq(poll(&pfd, 1, 5000), 1);
	ck_assert(pfd.revents & POLLHUP);
	n = read_events(sfd, ev, 8, 0);
	for (i = 0; i < n; i++)
		if (ev[i].type == CARDSNOOP_EVENT_DEVICE_GONE)
			break;
	ck_assert_msg(i < n, "no DEVICE_GONE record");
	ck_assert_int_eq(pread(sfd, ev, 8, VA_A), -1);
	ck_assert_int_eq(errno, ENODEV);
}
END_TEST

static Suite *events_suite(void)
{
	Suite *s = suite_create("events");
	TCase *tc;

#define TC(name, timeout) \
	tc = tcase_create(name); \
	tcase_add_checked_fixture(tc, setup, teardown); \
	tcase_set_timeout(tc, timeout); \
	suite_add_tcase(s, tc)

	TC("record", 60);
	tcase_add_test(tc, replay_then_live);
	tcase_add_test(tc, evict_reported);
	tcase_add_test(tc, events_errors);
	tcase_add_test(tc, events_stride_and_bad_pointer);

	TC("order", 120);
	tcase_add_test(tc, concurrent_complete_in_order);
	tcase_add_test(tc, discovery_race);
	tcase_add_test(tc, overflow_accounting);

	TC("poll", 60);
	tcase_add_test(tc, poll_wakeups);
	tcase_add_test(tc, wait_interrupted);
	tcase_add_test(tc, pollhup_on_target_exit);
	tcase_add_test(tc, wait_wakes_on_target_exit);

	TC("scale", 600);
	tcase_add_test(tc, replay_100k_mappings);
#undef TC
	return s;
}

static Suite *unplug_suite(void)
{
	Suite *s = suite_create("events-unplug");
	TCase *tc = tcase_create("unplug");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, pollhup_on_unplug);
	suite_add_tcase(s, tc);
	return s;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "unplug"))
		return cstest_run(unplug_suite());
	return cstest_run(events_suite());
}
