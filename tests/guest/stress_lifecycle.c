// SPDX-License-Identifier: MIT
/*
 * Lifecycle and faults (issue 8): targets that exit or close their DRM fd
 * in the middle of a long read, of mmap faults and with dirty snapshots;
 * snoopers SIGKILLed mid-read and mid-fault; the device unbound through
 * sysfs and the modules unloaded while snoopers are attached and mapped;
 * 10,000 attach/detach and 10,000 map/unmap cycles with kernel memory back
 * where it started; and, on kernels with fault injection (the debug
 * kernel), allocation failures injected into the attach, read, fault and
 * snapshot paths.
 *
 * Each test runs in its own process (a crash or a stray signal fails that
 * test only), with a time limit.  Targets are child processes whose GPU
 * memory holds a pattern that depends only on the VA and the run's seed,
 * so every byte a snooper reads can be checked.
 *
 * Usage: stress_lifecycle [--seed N] [--scale N | CS_STRESS_SCALE=N]
 *		[TEST...]     (default: all but "unload"; "all": every test)
 * The module unload test reloads cardsnoop and simgpu: run it last.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cs_guest.h"
#include "cs_stress.h"

#define PAGE		4096ull
#define VA_S		0x100000000ull		/* system buffer */
#define S_SIZE		(16ull << 20)
#define VA_V		(VA_S + S_SIZE)		/* VRAM buffer, right after */
#define V_SIZE		(4ull << 20)
#define VA_U		0x200000000ull		/* userptr */
#define U_SIZE		(1ull << 20)
#define TOTAL		(S_SIZE + V_SIZE)

static struct cs_args args;
static uint64_t salt;

static uint64_t pat(uint64_t va)
{
	uint64_t x = (va ^ salt) * 0x9e3779b97f4a7c15ull;

	return x ^ (x >> 29) ^ ((uint64_t)cs_mix32(va >> 3) << 32);
}

static void fill_pat(uint64_t *p, uint64_t va, uint64_t size)
{
	uint64_t i;

	for (i = 0; i < size / 8; i++)
		p[i] = pat(va + i * 8);
}

/* Index of the first word of @p (at @va) that is not the pattern, or -1. */
static long long check_pat(const uint64_t *p, uint64_t va, uint64_t size)
{
	uint64_t i;

	for (i = 0; i < size / 8; i++)
		if (p[i] != pat(va + i * 8))
			return i;
	return -1;
}

#define FAIL(...)						\
	do {							\
		cs_diag(__VA_ARGS__);				\
		return 1;					\
	} while (0)

#define CHECK(cond, ...)					\
	do {							\
		if (!(cond)) {					\
			cs_diag("%s:%d: %s", __func__, __LINE__, #cond); \
			FAIL(__VA_ARGS__);			\
		}						\
	} while (0)

/* ------------------------------------------------------------ target */

/*
 * A target process: system, VRAM and userptr memory with the pattern,
 * bound at VA_S, VA_V and VA_U.  Commands on a pipe: 'c' closes its DRM
 * fd, 'q' exits; each is acknowledged.  'b' makes it busy until the device
 * goes away (see target_churn()); its acknowledgement comes then.
 */
struct target {
	pid_t pid;
	int cmd, ack;
	int fd;			/* the DRM fd's number in the target */
};

/*
 * Busy until the device goes: bind the buffers over themselves, migrate
 * the VRAM one back and forth, have the engine rewrite words with what
 * they hold, so that what every VA shows never changes.  Return 'k' when
 * an ioctl fails with -ENODEV and every earlier one worked, 'x' otherwise.
 */
static char target_churn(int fd, uint32_t hs, uint32_t hv)
{
	uint64_t n;
	int ret = 0;

	for (n = 0; !ret; n++) {
		uint64_t off = (n * 4104) % V_SIZE & ~7ull;

		switch (n % 4) {
		case 0:
			ret = sg_bind(fd, hv, VA_V, V_SIZE, 0, 0);
			break;
		case 1:
			ret = sg_migrate(fd, hv, n % 8 == 1 ?
					 SIMGPU_PLACEMENT_SYSTEM :
					 SIMGPU_PLACEMENT_VRAM);
			break;
		case 2:
			ret = sg_gpu_write32(fd, VA_V + off,
					     (uint32_t)pat(VA_V + off));
			break;
		default:
			ret = sg_bind(fd, hs, VA_S + SZ_1M, SZ_1M, SZ_1M, 0);
			break;
		}
	}
	return ret == -ENODEV ? 'k' : 'x';
}

static int target_body(int cmd, int ack, const char *render)
{
	uint32_t hs, hv;
	uint64_t *p, *u;
	int fd;
	char c;

	fd = render ? open(render, O_RDWR | O_CLOEXEC) : sg_open(0);
	if (fd < 0)
		return 2;
	if (sg_bo_create(fd, S_SIZE, SIMGPU_PLACEMENT_SYSTEM, 0, &hs, NULL) ||
	    sg_bo_create(fd, V_SIZE, SIMGPU_PLACEMENT_VRAM, 0, &hv, NULL))
		return 3;
	p = sg_bo_map(fd, hs, S_SIZE);
	if (!p)
		return 4;
	fill_pat(p, VA_S, S_SIZE);
	munmap(p, S_SIZE);
	p = sg_bo_map(fd, hv, V_SIZE);
	if (!p)
		return 4;
	fill_pat(p, VA_V, V_SIZE);
	__builtin_ia32_sfence();
	munmap(p, V_SIZE);
	u = mmap(NULL, U_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (u == MAP_FAILED)
		return 5;
	fill_pat(u, VA_U, U_SIZE);
	if (sg_bind(fd, hs, VA_S, S_SIZE, 0, 0) ||
	    sg_bind(fd, hv, VA_V, V_SIZE, 0, 0) ||
	    sg_bind_userptr(fd, u, VA_U, U_SIZE, 0))
		return 6;
	if (write(ack, &fd, sizeof(fd)) != sizeof(fd))
		return 7;
	while (read(cmd, &c, 1) == 1) {
		if (c == 'c')
			close(fd);
		if (c == 'b')
			c = target_churn(fd, hs, hv);
		if (write(ack, &c, 1) != 1 || c == 'q')
			break;
	}
	return 0;
}

static int target_start(struct target *t, const char *render)
{
	int cmd[2], ack[2];

	if (pipe(cmd) || pipe(ack))
		return -errno;
	t->pid = fork();
	if (t->pid < 0)
		return -errno;
	if (!t->pid) {
		close(cmd[1]);
		close(ack[0]);
		_exit(target_body(cmd[0], ack[1], render));
	}
	close(cmd[0]);
	close(ack[1]);
	t->cmd = cmd[1];
	t->ack = ack[0];
	if (read(t->ack, &t->fd, sizeof(t->fd)) != sizeof(t->fd)) {
		int st;

		waitpid(t->pid, &st, 0);
		cs_diag("target failed to start: status %#x", st);
		return -EIO;
	}
	return 0;
}

/* Send a command; wait for its acknowledgement (or the target's end). */
static void target_cmd(struct target *t, char c)
{
	if (write(t->cmd, &c, 1) == 1)
		(void)!read(t->ack, &c, 1);
}

static void target_kill(struct target *t)
{
	int st;

	if (t->pid > 0) {
		kill(t->pid, SIGKILL);
		waitpid(t->pid, &st, 0);
		close(t->cmd);
		close(t->ack);
		t->pid = 0;
	}
}

/* Attach a new snoop file to the target's DRM file; -errno on failure. */
static int attach_to(struct target *t, uint32_t flags)
{
	int fd, sfd, ret;

	fd = pidfd_get_fd(t->pid, t->fd);
	if (fd < 0)
		return fd;
	sfd = snoop_open_for(fd);
	if (sfd < 0) {
		close(fd);
		return sfd;
	}
	ret = snoop_attach(sfd, fd, flags, 0, NULL);
	close(fd);
	if (ret) {
		close(sfd);
		return ret;
	}
	return sfd;
}

static int owner_alive(int sfd)
{
	char path[64], line[256];
	int alive = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", sfd);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f)) {
		if (!strcmp(line, "cardsnoop-owner-alive:\tyes\n"))
			alive = 1;
		if (!strcmp(line, "cardsnoop-owner-alive:\tno\n"))
			alive = 0;
	}
	if (f)
		fclose(f);
	return alive;
}

static int wait_hooks_off(void)
{
	int i;

	for (i = 0; i < 100; i++) {
		if (snoop_hooks_enabled() == 0)
			return 1;
		usleep(100000);
	}
	return 0;
}

/* ------------------------------------------------- target goes away */

struct reader {
	int sfd;
	uint64_t *buf;
	ssize_t n;
	int err;
	uint64_t ns;
	pthread_t th;
};

static void *long_read(void *arg)
{
	struct reader *r = arg;
	uint64_t t0 = cs_now_ns();

	r->n = pread(r->sfd, r->buf, TOTAL, VA_S);
	r->err = errno;
	r->ns = cs_now_ns() - t0;
	return NULL;
}

enum gone_how { GONE_KILL, GONE_CLOSE_FD, GONE_EXIT };
static const char *const gone_name[] = { "SIGKILLed", "closed its DRM fd",
					 "exited" };

static void target_go(struct target *t, enum gone_how how)
{
	int st;

	switch (how) {
	case GONE_KILL:
		kill(t->pid, SIGKILL);
		waitpid(t->pid, &st, 0);
		t->pid = 0;
		break;
	case GONE_CLOSE_FD:
		target_cmd(t, 'c');
		break;
	case GONE_EXIT:
		target_cmd(t, 'q');
		waitpid(t->pid, &st, 0);
		t->pid = 0;
		break;
	}
}

/*
 * The target goes away while a 20 MiB read (system pages, then VRAM
 * through the bounce buffer) is in flight: the read completes with every
 * byte right, the VM stays readable, fdinfo tells the owner is gone.
 */
static int t_gone_during_read(void *arg)
{
	struct cs_rng rng;
	uint64_t *buf = malloc(TOTAL), d;
	int round;

	cs_rng_seed(&rng, args.seed, 1);
	for (round = 0; round < 6; round++) {
		enum gone_how how = round % 3;
		struct reader r = { .buf = buf };
		struct target t;
		long long bad;
		uint64_t x;

		CHECK(!target_start(&t, NULL), "no target");
		r.sfd = attach_to(&t, 0);
		CHECK(r.sfd >= 0, "attach: %s", strerror(-r.sfd));
		/* How long a whole read takes, to land inside the next. */
		long_read(&r);
		CHECK(r.n == (ssize_t)TOTAL, "first read: %zd", r.n);
		d = r.ns / 1000;
		memset(buf, 0, TOTAL);
		pthread_create(&r.th, NULL, long_read, &r);
		usleep(cs_rng_below(&rng, d * 3 / 4 + 1));
		target_go(&t, how);
		pthread_join(r.th, NULL);
		CHECK(r.n == (ssize_t)TOTAL, "target %s during a read: read %zd (%s)",
		      gone_name[how], r.n, strerror(r.err));
		bad = check_pat(buf, VA_S, TOTAL);
		CHECK(bad < 0, "target %s during a read: wrong word at %#llx",
		      gone_name[how], (unsigned long long)(VA_S + bad * 8));
		/* Post-mortem: still readable, and fdinfo says the owner left. */
		CHECK(pread(r.sfd, &x, 8, VA_V + 8) == 8 && x == pat(VA_V + 8),
		      "post-mortem read");
		if (how != GONE_CLOSE_FD)
			CHECK(owner_alive(r.sfd) == 0, "fdinfo still shows the owner alive");
		else
			CHECK(owner_alive(r.sfd) == 1, "fdinfo: owner alive after it only closed its fd");
		/*
		 * Userptr memory belongs to the target's address space: once
		 * it is gone, -EIO; before, the data.
		 */
		{
			ssize_t n = pread(r.sfd, &x, 8, VA_U);

			if (how == GONE_CLOSE_FD)
				CHECK(n == 8 && x == pat(VA_U), "userptr read: %zd", n);
			else
				CHECK(n == -1 && errno == EIO,
				      "userptr of an exited target: %zd (%s)", n,
				      strerror(errno));
		}
		close(r.sfd);
		target_kill(&t);
	}
	free(buf);
	return 0;
}

struct toucher {
	volatile uint64_t *map;
	uint64_t size;
	atomic_int stop;
	uint64_t touches;
	long long bad;
	int sig;
	pthread_t th;
};

/* Touch one word of every page, over and over, and check it. */
static void *touch_loop(void *arg)
{
	struct toucher *t = arg;
	struct cs_guard g;

	t->bad = -1;
	CS_GUARD_BEGIN(g)
		do {
			uint64_t off;

			for (off = 0; off < t->size; off += PAGE) {
				uint64_t i = (off + (off >> 9) % PAGE) / 8;

				if (t->map[i] != pat(VA_S + i * 8)) {
					t->bad = i;
					break;
				}
				t->touches++;
			}
		} while (t->bad < 0 && !atomic_load(&t->stop));
	CS_GUARD_END(g);
	t->sig = g.faulted ? g.sig : 0;
	return NULL;
}

/*
 * The target goes away while a snooper thread faults through a mapping
 * of its system and VRAM memory: every fault keeps succeeding.
 */
static int t_gone_during_faults(void *arg)
{
	struct cs_rng rng;
	int round;

	cs_rng_seed(&rng, args.seed, 2);
	for (round = 0; round < 6; round++) {
		enum gone_how how = round % 3;
		struct toucher tc = { .size = TOTAL };
		struct target t;
		int sfd;

		CHECK(!target_start(&t, NULL), "no target");
		sfd = attach_to(&t, 0);
		CHECK(sfd >= 0, "attach: %s", strerror(-sfd));
		tc.map = mmap(NULL, TOTAL, PROT_READ, MAP_SHARED, sfd, VA_S);
		CHECK(tc.map != MAP_FAILED, "mmap: %s", strerror(errno));
		pthread_create(&tc.th, NULL, touch_loop, &tc);
		usleep(20000 + cs_rng_below(&rng, 100000));
		target_go(&t, how);
		/* Fresh faults after the target is gone. */
		snoop_refresh(sfd, VA_V, V_SIZE, 0, NULL);
		usleep(50000);
		atomic_store(&tc.stop, 1);
		pthread_join(tc.th, NULL);
		CHECK(!tc.sig && tc.bad < 0,
		      "target %s during faults: signal %d, bad word %lld after %llu touches",
		      gone_name[how], tc.sig, tc.bad,
		      (unsigned long long)tc.touches);
		CHECK(fdinfo_value(sfd, "cardsnoop-snapshot-faults") > 0,
		      "no snapshot fault");
		munmap((void *)tc.map, TOTAL);
		close(sfd);
		target_kill(&t);
	}
	return 0;
}

/*
 * The target goes away while the snooper has dirty VRAM snapshots: fsync
 * still writes them back into the (orphaned, still referenced) buffer;
 * or the snooper closes without syncing, and they are dropped.
 */
static int t_gone_with_dirty_snapshots(void *arg)
{
	int round;

	for (round = 0; round < 6; round++) {
		enum gone_how how = round % 3;
		bool sync = round < 3;
		volatile uint64_t *m;
		struct target t;
		uint64_t i, x, pages = 64;
		int sfd;

		CHECK(!target_start(&t, NULL), "no target");
		sfd = attach_to(&t, 0);
		CHECK(sfd >= 0, "attach: %s", strerror(-sfd));
		m = mmap(NULL, V_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, sfd,
			 VA_V);
		CHECK(m != MAP_FAILED, "mmap: %s", strerror(errno));
		for (i = 0; i < pages; i++)
			m[i * PAGE / 8 + 1] = ~pat(VA_V + i * PAGE + 8);
		target_go(&t, how);
		if (!sync) {
			munmap((void *)m, V_SIZE);
			close(sfd);
			target_kill(&t);
			continue;
		}
		CHECK(fsync(sfd) == 0, "fsync: %s", strerror(errno));
		CHECK(fdinfo_value(sfd, "cardsnoop-writeback-bytes") ==
		      (long long)(pages * PAGE), "writeback bytes %lld",
		      fdinfo_value(sfd, "cardsnoop-writeback-bytes"));
		CHECK(snoop_refresh(sfd, VA_V, V_SIZE, 0, NULL) == 0, "refresh");
		for (i = 0; i < pages; i++) {
			CHECK(pread(sfd, &x, 8, VA_V + i * PAGE + 8) == 8,
			      "pread: %s", strerror(errno));
			CHECK(x == ~pat(VA_V + i * PAGE + 8),
			      "target %s: the synced write did not reach VRAM",
			      gone_name[how]);
			CHECK(m[i * PAGE / 8] == pat(VA_V + i * PAGE),
			      "refaulted snapshot wrong");
		}
		munmap((void *)m, V_SIZE);
		close(sfd);
		target_kill(&t);
	}
	return 0;
}

/* ------------------------------------------------------ snooper dies */

/* A snooper child: long reads, or faults through a (dirtied) mapping. */
static int snooper_child(struct target *t, int mode)
{
	uint64_t *buf = malloc(TOTAL);
	volatile uint64_t *m;
	int sfd = attach_to(t, 0);
	uint64_t i;

	if (sfd < 0)
		return 10;
	if (mode == 0) {
		for (;;)
			if (pread(sfd, buf, TOTAL, VA_S) != (ssize_t)TOTAL)
				return 11;
	}
	m = mmap(NULL, TOTAL, PROT_READ | PROT_WRITE, MAP_SHARED, sfd, VA_S);
	if (m == MAP_FAILED)
		return 12;
	for (;;) {
		for (i = 0; i < TOTAL / 8; i += PAGE / 8) {
			if (m[i] != pat(VA_S + i * 8))
				return 13;
			if (mode == 2 && i >= S_SIZE / 8)
				m[i] = m[i];	/* dirty a VRAM snapshot */
		}
		if (mode == 2)
			fsync(sfd);
		snoop_refresh(sfd, VA_V, V_SIZE, CARDSNOOP_REFRESH_DISCARD,
			      NULL);
	}
}

/*
 * Snoopers SIGKILLed at random points of long reads, of faults, and of
 * dirtying + fsync: each dies at once (no unkillable wait), the target is
 * untouched, and every attachment is released (the hooks turn off).
 */
static int t_snooper_killed(void *arg)
{
	struct cs_rng rng;
	struct target t;
	uint64_t *buf = malloc(TOTAL), worst = 0;
	int i, n = cs_scaled(&args, 36, 9), sfd;

	cs_rng_seed(&rng, args.seed, 3);
	CHECK(!target_start(&t, NULL), "no target");
	for (i = 0; i < n; i++) {
		int mode = i % 3, st;
		uint64_t t0;
		pid_t pid = fork();

		if (!pid)
			_exit(snooper_child(&t, mode));
		usleep(5000 + cs_rng_below(&rng, 150000));
		t0 = cs_now_ns();
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		t0 = cs_now_ns() - t0;
		if (t0 > worst)
			worst = t0;
		CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
		      "snooper (mode %d) ended with status %#x before the kill",
		      mode, st);
	}
	cs_diag("%d snoopers killed mid-read, mid-fault and mid-sync; longest death %llu ms",
		n, (unsigned long long)worst / 1000000);
	CHECK(worst < 5000000000ull, "a killed snooper took %llu ms to die",
	      (unsigned long long)worst / 1000000);
	/* The target's memory is as it was. */
	sfd = attach_to(&t, 0);
	CHECK(sfd >= 0, "attach: %s", strerror(-sfd));
	CHECK(pread(sfd, buf, TOTAL, VA_S) == (ssize_t)TOTAL, "read");
	CHECK(check_pat(buf, VA_S, TOTAL) < 0, "target memory changed");
	close(sfd);
	target_kill(&t);
	CHECK(wait_hooks_off(), "hooks still enabled: an attachment leaked");
	free(buf);
	return 0;
}

/* ---------------------------------------------------- device unbind */

static char dev_name[64], drv_path[PATH_MAX];

static int find_device(void)
{
	char path[128], real[PATH_MAX];
	struct stat st;
	int fd = sg_open(0);

	if (fd < 0)
		return fd;
	fstat(fd, &st);
	close(fd);
	snprintf(path, sizeof(path), "/sys/dev/char/%u:%u/device",
		 major(st.st_rdev), minor(st.st_rdev));
	if (!realpath(path, real))
		return -errno;
	snprintf(dev_name, sizeof(dev_name), "%s", strrchr(real, '/') + 1);
	snprintf(path, sizeof(path), "/sys/dev/char/%u:%u/device/driver",
		 major(st.st_rdev), minor(st.st_rdev));
	if (!realpath(path, drv_path))
		return -errno;
	return 0;
}

static int sysfs_write(const char *file, const char *val)
{
	char path[PATH_MAX + 16];
	int fd, ret = 0;

	snprintf(path, sizeof(path), "%s/%s", drv_path, file);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) != (ssize_t)strlen(val))
		ret = -errno;
	close(fd);
	return ret;
}

static int wait_device(void)
{
	int i, fd;

	for (i = 0; i < 100; i++) {
		fd = sg_open(0);
		if (fd >= 0)
			return fd;
		usleep(50000);
	}
	return -ENODEV;
}

struct unbind_reader {
	int sfd;
	atomic_int stop;
	uint64_t reads, enodev, other;
	int last_err;
	long long bad;
	pthread_t th;
};

/* Reads until -ENODEV: before it, always the whole range, right. */
static void *unbind_read_loop(void *arg)
{
	struct unbind_reader *r = arg;
	uint64_t *buf = malloc(TOTAL);

	r->bad = -1;
	while (!atomic_load(&r->stop)) {
		ssize_t n = pread(r->sfd, buf, TOTAL, VA_S);

		if (n == (ssize_t)TOTAL) {
			r->bad = check_pat(buf, VA_S, TOTAL);
			if (r->bad >= 0)
				break;
			r->reads++;
			continue;
		}
		/* A read cut by the unplug: short, and right up to there. */
		if (n > 0 && check_pat(buf, VA_S, n) >= 0) {
			r->bad = check_pat(buf, VA_S, n);
			break;
		}
		if (n < 0 && errno == ENODEV) {
			r->enodev++;
			break;
		}
		if (n < 0) {
			r->other++;
			r->last_err = errno;
			break;
		}
	}
	free(buf);
	return NULL;
}

/*
 * Unbind the device (sysfs) under an attached snooper that reads in a loop
 * and faults through a mapping with dirty VRAM snapshots: the reads end
 * with -ENODEV, the mapping with SIGBUS, everything answers -ENODEV,
 * DEVICE_GONE is queued and poll() says POLLHUP; closing is clean and the
 * device binds again and works.
 */
static int t_unbind_attached(void *arg)
{
	struct cs_rng rng;
	int round;

	cs_rng_seed(&rng, args.seed, 4);
	CHECK(!find_device(), "no simgpu device");
	for (round = 0; round < 3; round++) {
		bool churn = round > 0;
		struct unbind_reader r = { 0 };
		struct toucher tc = { .size = TOTAL };
		struct cardsnoop_event ev[64];
		struct cardsnoop_events ea = {
			.events_ptr = (uintptr_t)ev, .count = 64,
			.stride = sizeof(ev[0]),
		};
		struct cardsnoop_mappings ma = { 0 };
		struct pollfd pfd;
		volatile uint64_t *m;
		struct target t;
		bool gone = false;
		uint32_t i;
		int fd;

		CHECK(!target_start(&t, NULL), "no target");
		r.sfd = attach_to(&t, 0);
		CHECK(r.sfd >= 0, "attach: %s", strerror(-r.sfd));
		m = mmap(NULL, TOTAL, PROT_READ | PROT_WRITE, MAP_SHARED, r.sfd,
			 VA_S);
		CHECK(m != MAP_FAILED, "mmap: %s", strerror(errno));
		for (i = 0; i < 16; i++)	/* dirty VRAM snapshots */
			m[(S_SIZE + i * PAGE) / 8] = pat(VA_V + i * PAGE);
		tc.map = m;
		pthread_create(&r.th, NULL, unbind_read_loop, &r);
		pthread_create(&tc.th, NULL, touch_loop, &tc);
		if (churn) {
			char c = 'b';

			CHECK(write(t.cmd, &c, 1) == 1, "churn");
		}
		usleep(20000 + cs_rng_below(&rng, 200000));

		CHECK(!sysfs_write("unbind", dev_name), "unbind: %s",
		      strerror(errno));
		if (churn) {
			struct pollfd pa = { .fd = t.ack, .events = POLLIN };
			char c = 0;

			CHECK(poll(&pa, 1, 10000) == 1 && read(t.ack, &c, 1) == 1,
			      "the busy target did not stop at the unbind");
			CHECK(c == 'k', "the busy target's ioctls failed with something else than -ENODEV");
		}
		pthread_join(r.th, NULL);
		pthread_join(tc.th, NULL);
		CHECK(r.bad < 0, "wrong data read before the unbind (word %lld)",
		      r.bad);
		CHECK(r.enodev == 1 && !r.other,
		      "the read loop did not end with -ENODEV (%s)",
		      strerror(r.last_err));
		CHECK(tc.sig == SIGBUS && tc.bad < 0,
		      "faults: signal %d, bad word %lld", tc.sig, tc.bad);
		cs_diag("unbind %d (%s target): %llu whole reads and %llu page touches before it",
			round, churn ? "busy" : "idle", (unsigned long long)r.reads,
			(unsigned long long)tc.touches);

		CHECK(pread(r.sfd, &i, 4, VA_S) == -1 && errno == ENODEV,
		      "pread after unbind");
		CHECK(pwrite(r.sfd, &i, 4, VA_S) == -1 && errno == ENODEV,
		      "pwrite after unbind");
		CHECK(ioctl(r.sfd, CARDSNOOP_IOCTL_MAPPINGS, &ma) == -1 &&
		      errno == ENODEV, "MAPPINGS after unbind");
		CHECK(fsync(r.sfd) == -1 && errno == ENODEV,
		      "fsync after unbind: %s", strerror(errno));
		CHECK(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, r.sfd, VA_S) ==
		      MAP_FAILED && errno == ENODEV, "mmap after unbind");
		CHECK(lseek(r.sfd, 0, SEEK_DATA) == -1 && errno == ENODEV,
		      "SEEK_DATA after unbind");
		CHECK(access_faults(m, 0) && access_faults(m + S_SIZE / 8, 0),
		      "the mapping still reads");
		pfd = (struct pollfd){ .fd = r.sfd, .events = POLLIN };
		CHECK(poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLHUP),
		      "poll: %#x", pfd.revents);
		while (!ioctl(r.sfd, CARDSNOOP_IOCTL_EVENTS, &ea) && ea.count) {
			for (i = 0; i < ea.count; i++)
				gone |= ev[i].type == CARDSNOOP_EVENT_DEVICE_GONE;
			ea.count = 64;
		}
		CHECK(gone, "no DEVICE_GONE event");
		munmap((void *)m, TOTAL);
		close(r.sfd);
		target_kill(&t);

		CHECK(!sysfs_write("bind", dev_name), "bind: %s", strerror(errno));
		fd = wait_device();
		CHECK(fd >= 0, "the device did not come back");
		close(fd);
		CHECK(!target_start(&t, NULL), "no target after the bind");
		fd = attach_to(&t, 0);
		CHECK(fd >= 0, "attach after the bind: %s", strerror(-fd));
		CHECK(pread(fd, &i, 4, VA_V) == 4, "read after the bind");
		close(fd);
		target_kill(&t);
	}
	CHECK(wait_hooks_off(), "hooks still enabled after every file closed");
	return 0;
}

struct closer {
	int *sfd;
	void **map;
	int n;
	uint64_t delay_us;
	atomic_int go;
	pthread_t th;
};

static void *close_all(void *arg)
{
	struct closer *c = arg;
	int i;

	while (!atomic_load(&c->go))
		;
	usleep(c->delay_us);
	for (i = c->n - 1; i >= 0; i--) {
		munmap(c->map[i], PAGE);
		close(c->sfd[i]);
	}
	return NULL;
}

/*
 * Snoopers close their files while the device is being unbound: the
 * unbind detaches every attached file while they are released.  Many
 * attached, mapped files, closed from another thread at a range of delays
 * after the unbind starts.
 */
static int t_unbind_close_race(void *arg)
{
	const int n = 96;
	int sfd[96], round, rounds = cs_scaled(&args, 12, 4);
	void *map[96];
	struct cs_rng rng;
	char old_max[32] = "16384";
	FILE *f;

	cs_rng_seed(&rng, args.seed, 6);
	CHECK(!find_device(), "no simgpu device");
	/* Small event rings: 96 attachments need not cost 96 MiB. */
	f = fopen("/sys/module/cardsnoop/parameters/events_max", "r+");
	if (f) {
		if (!fgets(old_max, sizeof(old_max), f))
			strcpy(old_max, "16384");
		rewind(f);
		fputs("16", f);
		fclose(f);
	}
	for (round = 0; round < rounds; round++) {
		struct closer c = { .sfd = sfd, .map = map, .n = n };
		struct target t;
		int i, gfd;

		CHECK(!target_start(&t, NULL), "no target");
		gfd = pidfd_get_fd(t.pid, t.fd);
		CHECK(gfd >= 0, "pidfd_getfd");
		for (i = 0; i < n; i++) {
			sfd[i] = snoop_open_for(gfd);
			CHECK(sfd[i] >= 0 && !snoop_attach(sfd[i], gfd, 0, 0, NULL),
			      "attach %d", i);
			map[i] = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, sfd[i],
				      VA_V + i * PAGE);
			CHECK(map[i] != MAP_FAILED && !access_faults(map[i], 0),
			      "map %d", i);
		}
		close(gfd);
		c.delay_us = round % 4 == 0 ? 0 : cs_rng_below(&rng, 20000);
		pthread_create(&c.th, NULL, close_all, &c);
		atomic_store(&c.go, 1);
		CHECK(!sysfs_write("unbind", dev_name), "unbind: %s",
		      strerror(errno));
		pthread_join(c.th, NULL);
		target_kill(&t);
		CHECK(!sysfs_write("bind", dev_name), "bind: %s", strerror(errno));
		i = wait_device();
		CHECK(i >= 0, "the device did not come back");
		close(i);
	}
	cardsnoop_param_set("events_max", old_max);
	cs_diag("%d unbinds racing the close of %d attached, mapped files", rounds,
		n);
	CHECK(wait_hooks_off(), "hooks still enabled after every file closed");
	return 0;
}

/* ------------------------------------------- buffers freed under RESOLVE */

struct resolver {
	int sfd;
	atomic_int *stop;
	uint64_t ok, bad;
	pthread_t th;
};

static void *resolve_loop(void *arg)
{
	struct resolver *r = arg;
	uint64_t i;

	for (i = 0; !atomic_load(r->stop); i++) {
		struct cardsnoop_resolve res;

		if (snoop_resolve(r->sfd, VA_S + (i % 16) * PAGE, &res))
			continue;
		r->ok++;
		/* Root sees the page's physical address: a real one. */
		if (res.mapping.placement == CARDSNOOP_PLACEMENT_SYSTEM &&
		    (!res.phys_addr || res.phys_addr >= 1ull << 40 ||
		     res.phys_addr & (PAGE - 1)) && !r->bad++)
			cs_diag("RESOLVE gave physical address %#llx",
				(unsigned long long)res.phys_addr);
	}
	return NULL;
}

/*
 * RESOLVE (root, physical addresses) while the buffer it resolves is
 * unbound and freed, over and over: what it reports comes from the
 * buffer's pages while they are still its own (KASAN under make
 * check-debug; an absurd address from freed, poisoned memory otherwise).
 */
static int t_resolve_free(void *arg)
{
	uint64_t cycles = cs_scaled(&args, 4000, 500), n, t0 = cs_now_ns();
	struct resolver r[2];
	atomic_int stop = 0;
	int g, sfd, i;

	g = sg_open(0);
	CHECK(g >= 0, "no simgpu");
	sfd = snoop_open_for(g);
	CHECK(sfd >= 0 && !snoop_attach(sfd, g, 0, 0, NULL), "attach");
	for (i = 0; i < 2; i++) {
		r[i] = (struct resolver){ .sfd = sfd, .stop = &stop };
		pthread_create(&r[i].th, NULL, resolve_loop, &r[i]);
	}
	for (n = 0; n < cycles && cs_now_ns() - t0 < 60000000000ull; n++) {
		uint32_t h;
		char x;

		CHECK(!sg_bo_create(g, 16 * PAGE, SIMGPU_PLACEMENT_SYSTEM, 0, &h,
				    NULL), "bo_create");
		CHECK(!sg_bind(g, h, VA_S, 16 * PAGE, 0, 0), "bind");
		CHECK(pread(sfd, &x, 1, VA_S) == 1, "populate");
		CHECK(!sg_unbind(g, VA_S, 16 * PAGE), "unbind");
		CHECK(!sg_close_handle(g, h), "close");
	}
	atomic_store(&stop, 1);
	for (i = 0; i < 2; i++)
		pthread_join(r[i].th, NULL);
	cs_diag("%llu buffers freed under %llu RESOLVEs, %llu absurd answers",
		(unsigned long long)n, (unsigned long long)(r[0].ok + r[1].ok),
		(unsigned long long)(r[0].bad + r[1].bad));
	CHECK(!r[0].bad && !r[1].bad, "RESOLVE read a freed buffer's pages");
	close(sfd);
	close(g);
	return 0;
}

/* ---------------------------------------------------- module unload */

static int unload(const char *mod)
{
	return syscall(__NR_delete_module, mod, O_NONBLOCK) ? -errno : 0;
}

static bool loaded(const char *mod)
{
	char path[64];

	snprintf(path, sizeof(path), "/sys/module/%s", mod);
	return !access(path, F_OK);
}

static int reload(void)
{
	if (system("modprobe cardsnoop && modprobe simgpu"))
		return -1;
	return 0;
}

/*
 * Unloading is refused while snoopers hold an attachment, a mapping (after
 * closing every fd), or an unattached snoop file; it works once they are
 * gone, and the modules load again and work.
 */
static int t_module_unload(void *arg)
{
	volatile uint64_t *m;
	struct target t;
	uint64_t x;
	int sfd, ret;

	CHECK(!target_start(&t, NULL), "no target");
	sfd = attach_to(&t, 0);
	CHECK(sfd >= 0, "attach: %s", strerror(-sfd));
	m = mmap(NULL, TOTAL, PROT_READ | PROT_WRITE, MAP_SHARED, sfd, VA_S);
	CHECK(m != MAP_FAILED, "mmap");
	m[S_SIZE / 8] = pat(VA_V);	/* a dirty snapshot too */
	target_kill(&t);

	ret = unload("simgpu");
	CHECK(ret == -EWOULDBLOCK, "rmmod simgpu while attached: %s",
	      strerror(-ret));
	ret = unload("cardsnoop");
	CHECK(ret == -EWOULDBLOCK, "rmmod cardsnoop while attached: %s",
	      strerror(-ret));

	/* Only the mapping holds the attachment now. */
	close(sfd);
	ret = unload("simgpu");
	CHECK(ret == -EWOULDBLOCK, "rmmod simgpu with a mapping: %s",
	      strerror(-ret));
	CHECK(m[1] == pat(VA_S + 8) && m[S_SIZE / 8] == pat(VA_V),
	      "the mapping lost its view");
	munmap((void *)m, TOTAL);

	/* An unattached snoop file pins cardsnoop, not simgpu. */
	{
		int g = sg_open(0);

		sfd = g >= 0 ? snoop_open_for(g) : -1;
		close(g);
		CHECK(sfd >= 0, "snoop node");
	}
	ret = unload("simgpu");
	CHECK(ret == 0, "rmmod simgpu after the last attachment: %s",
	      strerror(-ret));
	ret = unload("cardsnoop");
	CHECK(ret == -EWOULDBLOCK, "rmmod cardsnoop with an open snoop file: %s",
	      strerror(-ret));
	CHECK(pread(sfd, &x, 8, VA_S) == -1 &&
	      (errno == ENODEV || errno == EBADFD),
	      "read of an unattached file after the device went: %s",
	      strerror(errno));
	CHECK(snoop_attach(sfd, -1, CARDSNOOP_ATTACH_KERNEL, 0, NULL) == -ENODEV,
	      "attach after the device went");
	close(sfd);
	ret = unload("cardsnoop");
	CHECK(ret == 0, "rmmod cardsnoop once closed: %s", strerror(-ret));
	CHECK(!loaded("cardsnoop") && !loaded("simgpu"), "modules still there");

	CHECK(!reload(), "modprobe");
	{
		int fd = wait_device();

		CHECK(fd >= 0, "no device after the reload");
		close(fd);
	}
	CHECK(!target_start(&t, NULL), "no target after the reload");
	sfd = attach_to(&t, 0);
	CHECK(sfd >= 0, "attach after the reload");
	CHECK(pread(sfd, &x, 8, VA_V) == 8 && x == pat(VA_V), "read");
	close(sfd);
	target_kill(&t);
	return 0;
}

/* ------------------------------------------------- memory round trip */

static void put(const char *path, const char *val);

struct memsnap {
	long long unrecl, slab, avail;
};

static void settle(struct memsnap *s)
{
	int fd;

	/* The deferred static-key decrement, RCU frees, page caches. */
	sleep(2);
	fd = open("/proc/sys/vm/drop_caches", O_WRONLY);
	if (fd >= 0) {
		(void)!write(fd, "3", 1);
		close(fd);
	}
	usleep(200000);
	s->unrecl = cs_meminfo_kb("SUnreclaim");
	s->slab = cs_meminfo_kb("Slab");
	s->avail = cs_meminfo_kb("MemAvailable");
}

/*
 * KASAN keeps freed objects in a quarantine of up to 1/32 of RAM, which
 * swamps the meminfo figures; kmemleak, which the debug kernel runs, finds
 * leaks exactly instead.
 */
static bool kasan_kernel(void)
{
	char line[256];
	bool found = false;
	FILE *f = fopen("/proc/kallsyms", "r");

	while (f && !found && fgets(line, sizeof(line), f))
		found = strstr(line, " kasan_quarantine_put") != NULL;
	if (f)
		fclose(f);
	return found;
}

#define KMEMLEAK "/sys/kernel/debug/kmemleak"

static bool have_kmemleak(void)
{
	char buf[64];
	int fd = open(KMEMLEAK, O_RDWR), ok;

	if (fd < 0)
		return false;
	/* Present but off (no kmemleak=on): reads fail with EBUSY. */
	ok = read(fd, buf, sizeof(buf)) >= 0;
	close(fd);
	return ok;
}

/* Objects kmemleak suspects now (after scans), ignoring earlier reports. */
static int kmemleak_new(bool clear_only)
{
	char buf[4096];
	ssize_t n;
	int fd, count = 0;

	if (clear_only) {
		put(KMEMLEAK, "clear");
		return 0;
	}
	/* Objects must be 5 s old and unreferenced in two scans. */
	sleep(6);
	put(KMEMLEAK, "scan");
	put(KMEMLEAK, "scan");
	fd = open(KMEMLEAK, O_RDONLY);
	if (fd < 0)
		return -1;
	while ((n = read(fd, buf, sizeof(buf) - 1)) > 0) {
		char *p = buf;

		buf[n] = 0;
		while ((p = strstr(p, "unreferenced object"))) {
			count++;
			p++;
		}
		if (count == 1)
			cs_diag("kmemleak: %.300s", buf);
	}
	close(fd);
	return count;
}

/* Tolerances of the memory round trip, in KiB. */
#define TOL_UNRECL	256
#define TOL_AVAIL	4096

static int cycles_attach(int gfd, uint64_t n)
{
	uint64_t i, x;

	for (i = 0; i < n; i++) {
		int sfd = snoop_open_for(gfd);

		if (sfd < 0 || snoop_attach(sfd, gfd, 0, 0, NULL) ||
		    pread(sfd, &x, 8, VA_V) != 8 || x != pat(VA_V))
			return -1;
		close(sfd);
	}
	return 0;
}

static int cycles_map(int sfd, uint64_t n)
{
	uint64_t i, j;

	for (i = 0; i < n; i++) {
		volatile uint64_t *m = mmap(NULL, 16 * PAGE, PROT_READ,
					    MAP_SHARED, sfd, VA_V - 8 * PAGE);

		if (m == MAP_FAILED)
			return -1;
		for (j = 0; j < 16; j++)
			if (m[j * PAGE / 8] != pat(VA_V - 8 * PAGE + j * PAGE))
				return -2;
		munmap((void *)m, 16 * PAGE);
		/* Drop the snapshots, so that each cycle makes them anew. */
		if (snoop_refresh(sfd, VA_V, 8 * PAGE, 0, NULL))
			return -3;
	}
	return 0;
}

/*
 * 10,000 attach/detach cycles and 10,000 map/unmap cycles (each with 8
 * system pages and 8 new VRAM snapshots): after them, unreclaimable slab
 * is back within 256 KiB and MemAvailable within 4 MiB of where it was after
 * a warm-up.  Where kmemleak runs (make check-debug), it must suspect no
 * new object; on KASAN kernels it replaces the meminfo comparison.
 */
static int t_memory_cycles(void *arg)
{
	uint64_t n = cs_scaled(&args, 10000, 500);
	struct memsnap a, b, c;
	struct target t;
	int gfd, sfd;

	bool kasan = kasan_kernel(), kmemleak = have_kmemleak();

	CHECK(!target_start(&t, NULL), "no target");
	gfd = pidfd_get_fd(t.pid, t.fd);
	CHECK(gfd >= 0, "pidfd_getfd");
	if (kmemleak)
		kmemleak_new(true);
	CHECK(!cycles_attach(gfd, 200), "warm-up attach cycles");
	sfd = snoop_open_for(gfd);
	CHECK(sfd >= 0 && !snoop_attach(sfd, gfd, 0, 0, NULL), "attach");
	CHECK(!cycles_map(sfd, 200), "warm-up map cycles");
	close(sfd);
	settle(&a);

	{
		uint64_t t0 = cs_now_ns();

		CHECK(!cycles_attach(gfd, n), "attach cycles");
		cs_diag("%llu attach/detach cycles in %llu ms",
			(unsigned long long)n,
			(unsigned long long)(cs_now_ns() - t0) / 1000000);
	}
	settle(&b);
	{
		uint64_t t0 = cs_now_ns();
		int ret;

		sfd = snoop_open_for(gfd);
		CHECK(sfd >= 0 && !snoop_attach(sfd, gfd, 0, 0, NULL), "attach");
		ret = cycles_map(sfd, n);
		CHECK(!ret, "map cycles: %d", ret);
		cs_diag("%llu map/unmap cycles in %llu ms; %lld snapshot faults",
			(unsigned long long)n,
			(unsigned long long)(cs_now_ns() - t0) / 1000000,
			fdinfo_value(sfd, "cardsnoop-snapshot-faults"));
		close(sfd);
	}
	close(gfd);
	settle(&c);
	target_kill(&t);

	cs_diag("KiB        SUnreclaim     Slab  MemAvailable");
	cs_diag("start      %10lld %8lld %13lld", a.unrecl, a.slab, a.avail);
	cs_diag("attach     %10lld %8lld %13lld", b.unrecl, b.slab, b.avail);
	cs_diag("map        %10lld %8lld %13lld", c.unrecl, c.slab, c.avail);
	if (kmemleak) {
		int leaks = kmemleak_new(false);

		CHECK(leaks == 0, "kmemleak suspects %d objects", leaks);
		cs_diag("kmemleak: no new unreferenced object");
	}
	if (kasan) {
		/* Reported above, not compared: see kasan_kernel(). */
		cs_diag("KASAN kernel: meminfo not compared (quarantine); kmemleak %s",
			kmemleak ? "checked" : "is off");
		CHECK(kmemleak, "KASAN without kmemleak: nothing checks for leaks");
		return 0;
	}
	CHECK(b.unrecl - a.unrecl <= TOL_UNRECL && c.unrecl - a.unrecl <= TOL_UNRECL,
	      "unreclaimable slab grew by %lld / %lld KiB (tolerance %d)",
	      b.unrecl - a.unrecl, c.unrecl - a.unrecl, TOL_UNRECL);
	CHECK(a.avail - b.avail <= TOL_AVAIL && a.avail - c.avail <= TOL_AVAIL,
	      "MemAvailable fell by %lld / %lld KiB (tolerance %d)",
	      a.avail - b.avail, a.avail - c.avail, TOL_AVAIL);
	return 0;
}

/* ------------------------------------------------- fault injection */

#define FI "/sys/kernel/debug/"

static bool have_fault_injection(void)
{
	return !access(FI "failslab/probability", W_OK) &&
	       !access(FI "fail_page_alloc/probability", W_OK) &&
	       !access("/proc/thread-self/make-it-fail", W_OK);
}

static void put(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);

	if (fd >= 0) {
		(void)!write(fd, val, strlen(val));
		close(fd);
	}
}

static void fi_setup(const char *prob, const char *times)
{
	static const char *const attrs[] = { "failslab", "fail_page_alloc" };
	char path[128];
	int i;

	for (i = 0; i < 2; i++) {
#define SET(f, v) do { snprintf(path, sizeof(path), FI "%s/" f, attrs[i]); put(path, v); } while (0)
		SET("task-filter", "Y");
		SET("verbose", "0");
		SET("interval", "1");
		SET("space", "0");
		SET("ignore-gfp-wait", "N");
		SET("probability", prob);
		SET("times", times);
#undef SET
	}
	put(FI "fail_page_alloc/ignore-gfp-highmem", "N");
	put(FI "fail_page_alloc/min-order", "0");
}

static void fi_off(void)
{
	put(FI "failslab/probability", "0");
	put(FI "fail_page_alloc/probability", "0");
}

static int fail_fd = -1;

/* Make this thread's allocations fail (as configured) until fi_end(). */
static void fi_begin(void)
{
	if (fail_fd < 0)
		fail_fd = open("/proc/thread-self/make-it-fail", O_WRONLY);
	(void)!pwrite(fail_fd, "1", 1, 0);
}

static void fi_end(void)
{
	(void)!pwrite(fail_fd, "0", 1, 0);
}

struct fi_counts {
	uint64_t calls, ok, enomem, fallback, other;
	int other_err;
	const char *other_op;
};

static struct fi_counts fic;

/*
 * Run @op (returning 0 or -errno) with allocation failures injected, up to
 * 8 times until it succeeds; every failure must be -ENOMEM.  If injection
 * never let it through, run it once more without.  Return its result.
 */
#define FI_TRY(name, op)						\
	({								\
		int __ret = -ENOMEM, __i;				\
									\
		for (__i = 0; __i < 8 && __ret; __i++) {		\
			fi_begin();					\
			__ret = (op);					\
			fi_end();					\
			fic.calls++;					\
			if (!__ret)					\
				fic.ok++;				\
			else if (__ret == -ENOMEM)			\
				fic.enomem++;				\
			else if (!fic.other++) {			\
				fic.other_err = -__ret;			\
				fic.other_op = name;			\
			}						\
		}							\
		if (__ret) {						\
			fic.fallback++;					\
			__ret = (op);					\
		}							\
		__ret;							\
	})

static int fi_open(int gfd, int *sfd)
{
	*sfd = snoop_open_for(gfd);
	return *sfd < 0 ? *sfd : 0;
}

static int fi_pread(int sfd, uint64_t *buf, uint64_t len, uint64_t va)
{
	ssize_t n = pread(sfd, buf, len, va);

	if (n < 0)
		return -errno;
	return check_pat(buf, va, n) < 0 ? 0 : -EILSEQ;
}

static int fi_ioctl(int sfd, unsigned long req, void *arg)
{
	return ioctl(sfd, req, arg) ? -errno : 0;
}

static int fi_mmap(int sfd, volatile uint64_t **m, uint64_t va, uint64_t size)
{
	*m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, sfd, va);
	return *m == MAP_FAILED ? -errno : 0;
}

/* Faults: VM_FAULT_OOM makes the kernel retry them until they work. */
static int fi_touch(volatile uint64_t *m, uint64_t va, uint64_t pages)
{
	uint64_t j, x;

	for (j = 0; j < pages; j++) {
		x = m[j * PAGE / 8 + 3];
		if (x != pat(va + j * PAGE + 24))
			return -EILSEQ;
		m[j * PAGE / 8 + 3] = x;	/* dirties VRAM snapshots */
	}
	return 0;
}

/*
 * Allocation failures (slab and page allocator, this thread only) in
 * open, ATTACH, pread and pwrite (bounce buffer), MAPPINGS, VMS and
 * EVENTS, mmap, faults of system pages and of new VRAM snapshots, fsync
 * and REFRESH: each call succeeds or fails with -ENOMEM (which
 * cardsnoop_drm.h allows for every call) and is retried (a fault retries
 * by itself), the data stays right, and kmemleak (on under make
 * check-debug) finds nothing.  Rounds alternate "the first
 * allocation fails" with 10, 30 and 60 percent of them failing.
 */
static int t_fault_injection(void *arg)
{
	static const char *const prob[] = { "100", "10", "30", "60" };
	struct target t;
	uint64_t *buf = malloc(1 << 20), x;
	int gfd, round, rounds = cs_scaled(&args, 160, 40);
	struct cs_rng rng;

	cs_rng_seed(&rng, args.seed, 5);
	CHECK(!target_start(&t, NULL), "no target");
	gfd = pidfd_get_fd(t.pid, t.fd);
	CHECK(gfd >= 0, "pidfd_getfd");

	for (round = 0; round < rounds; round++) {
		struct cardsnoop_mapping mp[4];
		struct cardsnoop_mappings ma = {
			.mappings_ptr = (uintptr_t)mp, .count = 4,
			.stride = sizeof(mp[0]),
		};
		struct cardsnoop_vm_desc vd[2];
		struct cardsnoop_vms va = {
			.drm_fd = gfd, .vms_ptr = (uintptr_t)vd, .count = 2,
			.stride = sizeof(vd[0]),
		};
		struct cardsnoop_event ev[8];
		struct cardsnoop_events ea = {
			.events_ptr = (uintptr_t)ev, .count = 8,
			.stride = sizeof(ev[0]),
		};
		uint64_t off, len, mva = VA_V - 16 * PAGE;
		volatile uint64_t *m;
		int sfd, ret;

		fi_setup(prob[round % 4], round % 4 ? "-1" : "1");
		ret = FI_TRY("open", fi_open(gfd, &sfd));
		CHECK(!ret, "open: %s", strerror(-ret));
		ret = FI_TRY("ATTACH", snoop_attach(sfd, gfd, 0, 0, NULL));
		CHECK(!ret, "attach: %s", strerror(-ret));

		off = cs_rng_below(&rng, TOTAL - (1 << 20)) & ~7ull;
		len = 8 + (cs_rng_below(&rng, (1 << 20) - 8) & ~7ull);
		ret = FI_TRY("pread", fi_pread(sfd, buf, len, VA_S + off));
		CHECK(!ret, "pread: %s", strerror(-ret));
		x = pat(VA_V + 64);
		ret = FI_TRY("pwrite", pwrite(sfd, &x, 8, VA_V + 64) == 8 ? 0 :
				       -errno);
		CHECK(!ret, "pwrite: %s", strerror(-ret));
		ret = FI_TRY("MAPPINGS", fi_ioctl(sfd, CARDSNOOP_IOCTL_MAPPINGS,
						  &ma));
		CHECK(!ret, "MAPPINGS: %s", strerror(-ret));
		ret = FI_TRY("VMS", fi_ioctl(sfd, CARDSNOOP_IOCTL_VMS, &va));
		CHECK(!ret, "VMS: %s", strerror(-ret));
		ret = FI_TRY("EVENTS", fi_ioctl(sfd, CARDSNOOP_IOCTL_EVENTS, &ea));
		CHECK(!ret, "EVENTS: %s", strerror(-ret));

		ret = FI_TRY("mmap", fi_mmap(sfd, &m, mva, 32 * PAGE));
		CHECK(!ret, "mmap: %s", strerror(-ret));
		ret = FI_TRY("fault", fi_touch(m, mva, 32));
		CHECK(!ret, "mapped data wrong: %s", strerror(-ret));
		ret = FI_TRY("fsync", fsync(sfd) ? -errno : 0);
		CHECK(!ret, "fsync: %s", strerror(-ret));
		ret = FI_TRY("REFRESH", snoop_refresh(sfd, mva, 32 * PAGE, 0,
						      NULL));
		CHECK(!ret, "REFRESH: %s", strerror(-ret));
		/* Snapshots made again, then dropped with the file. */
		ret = FI_TRY("fault", fi_touch(m, mva, 32));
		CHECK(!ret, "mapped data wrong: %s", strerror(-ret));
		munmap((void *)m, 32 * PAGE);
		close(sfd);
	}
	fi_off();
	cs_diag("fault injection: %d rounds, %llu calls under injection: %llu succeeded, %llu -ENOMEM, %llu other; %llu needed a retry without injection",
		rounds, (unsigned long long)fic.calls,
		(unsigned long long)fic.ok, (unsigned long long)fic.enomem,
		(unsigned long long)fic.other,
		(unsigned long long)fic.fallback);
	CHECK(!fic.other, "%s failed with %s, not -ENOMEM", fic.other_op,
	      strerror(fic.other_err));
	CHECK(fic.enomem > 0, "no injected failure reached a caller");

	/* Nothing injected: VRAM is as it was. */
	{
		int sfd = snoop_open_for(gfd);

		CHECK(sfd >= 0 && !snoop_attach(sfd, gfd, 0, 0, NULL), "attach");
		CHECK(pread(sfd, buf, 1 << 20, VA_V) == 1 << 20 &&
		      check_pat(buf, VA_V, 1 << 20) < 0, "VRAM changed");
		close(sfd);
	}
	close(gfd);
	target_kill(&t);
	free(buf);
	return 0;
}

/* ------------------------------------------------------------ runner */

struct test {
	const char *name;
	const char *desc;
	int (*fn)(void *arg);
	int timeout;
	bool needs_fi;
	bool explicit_only;
};

#define TEST(n, d, f, tmo, ...) \
	{ .name = n, .desc = d, .fn = f, .timeout = tmo, __VA_ARGS__ }

static const struct test tests[] = {
	TEST("gone_read", "target exits / closes its DRM fd during a long read",
	     t_gone_during_read, 120),
	TEST("gone_fault", "target exits / closes its DRM fd during mmap faults",
	     t_gone_during_faults, 120),
	TEST("gone_dirty", "target exits / closes its DRM fd with dirty snapshots",
	     t_gone_with_dirty_snapshots, 120),
	TEST("snooper_killed", "snooper SIGKILLed mid-read, mid-fault, mid-sync",
	     t_snooper_killed, 180),
	TEST("unbind", "device unbound (sysfs) under an attached, mapped, busy snooper",
	     t_unbind_attached, 120),
	TEST("resolve_free", "buffers unbound and freed under RESOLVE",
	     t_resolve_free, 120),
	TEST("unbind_close", "device unbound while snoopers close their files",
	     t_unbind_close_race, 180),
	TEST("memory", "10,000 attach/detach and 10,000 map/unmap cycles: memory back",
	     t_memory_cycles, 300),
	TEST("fault_injection", "allocation failures in attach, read, fault and snapshot paths",
	     t_fault_injection, 300, .needs_fi = true),
	TEST("unload", "module unload refused while attached or mapped, clean after",
	     t_module_unload, 120, .explicit_only = true),
};

static void run_test(const struct test *t)
{
	uint64_t t0 = cs_now_ns();
	pid_t pid;
	int st;

	if (t->needs_fi && !have_fault_injection()) {
		cs_tap_skip("no fault injection in this kernel (make check-debug runs it)",
			    "lifecycle: %s", t->desc);
		return;
	}
	fflush(stdout);
	pid = fork();
	if (!pid) {
		cs_guard_install();
		alarm(t->timeout);
		_exit(t->fn(NULL));
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	cs_tap(WIFEXITED(st) && !WEXITSTATUS(st), "lifecycle: %s (%llu ms)%s",
	       t->desc, (unsigned long long)(cs_now_ns() - t0) / 1000000,
	       WIFSIGNALED(st) ? (WTERMSIG(st) == SIGALRM ? " TIMED OUT" :
				  " KILLED BY A SIGNAL") : "");
}

int main(int argc, char **argv)
{
	bool all = false;
	size_t i;
	int j;

	cs_args_parse(&args, argc, argv);
	salt = args.seed * 0x2545f4914f6cdd1dull;
	cs_diag("stress_lifecycle: seed %#llx (rerun: stress_lifecycle --seed %#llx --scale %u), scale %u",
		(unsigned long long)args.seed, (unsigned long long)args.seed,
		args.scale, args.scale);
	for (j = 0; j < args.nrest; j++)
		all |= !strcmp(args.rest[j], "all");
	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		bool want = args.nrest == 0 ? !tests[i].explicit_only : all;

		for (j = 0; j < args.nrest; j++)
			want |= !strcmp(args.rest[j], tests[i].name);
		if (want)
			run_test(&tests[i]);
	}
	return cs_tap_done();
}
