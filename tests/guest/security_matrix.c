// SPDX-License-Identifier: MIT
/*
 * The security matrix (issue 8): who may attach a snoop file to whose GPU
 * memory, and what an attachment lets its holder do, as one table.
 *
 * Every row is one case.  It names the operation it tests, the errno that
 * operation must give (0: allowed) and what ptrace(2) must say about the
 * same snooper and target: PTRACE_ATTACH, process_vm_readv(2) and
 * /proc/PID/mem are probed with the snooper's credentials against the
 * target, and all three must agree with the row.  Rows without a target
 * (the kernel VM, physical addresses) are compared with the kernel's other
 * CAP_SYS_ADMIN gate on physical information, the PFNs of
 * /proc/self/pagemap.
 *
 * Rows refused for another reason than rights (the kind of fd, the mode of
 * the attachment) expect ptrace to allow: that shows the refusal is ATTACH's
 * or the attachment's own rule, not a missing right.
 *
 * The rule the table checks at the end: nothing succeeds that ptrace would
 * refuse.  Two kinds of row are exceptions, and are marked so:
 *
 *  - consent: the target handed its DRM file over itself (SCM_RIGHTS);
 *  - held: the snooper attached while ptrace allowed it, then the target
 *    exec()ed a setuid program.  The attachment belongs to the DRM file, as
 *    any open file does: it keeps reading that file's VM.  DRM files are
 *    opened close-on-exec, so the setuid program normally does not have it;
 *    if it inherits the file and uses it, the snooper sees what it does
 *    there, exactly as with any other inherited file.
 *
 * Usage: security_matrix [yama3] [CS_STRESS_SCALE=N].  "yama3" runs the
 * Yama ptrace_scope 3 rows only; scope 3 cannot be lowered again, so run it
 * last in a VM.  The stress scale (make check-debug) divides the rounds of
 * the exit races.
 * Run as root (it switches to alice 1000 and bob 1001), with two simgpu
 * GPUs and vgem, the nodes mode 0666 (tests/vm/suites/security.sh).
 * Prints TAP, the table, and its figures.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cs_guest.h"
#include "cs_stress.h"

#define VA_A		0x100000000ull	/* the target's patterned buffer */
#define VA_B		0x200000000ull	/* what a setuid program binds */
#define SEED_A		0x5ec0
#define SEED_B		0x5ec1
#define MARKER		0x6d61726b65724d21ull

#define ALICE		1000
#define BOB		1001
#define ROOT		0

#define SUID_HELPER	"/tmp/cs-security-suid"
#define RACE_ROUNDS	100	/* divided by the stress scale */

/* What the target's marker word holds, for process_vm_readv and /proc/PID/mem. */
static volatile uint64_t target_marker;

static char snoop_path[64];	/* snoop node of the first simgpu GPU */
static int race_rounds = RACE_ROUNDS;

/* ------------------------------------------------------------ table */

enum pt_rule {
	PT_NA,		/* no probe (no target) */
	PT_ALLOW,	/* ptrace, process_vm_readv, /proc/PID/mem all allowed */
	PT_REFUSE,	/* all three refused */
	CAP_SHOWN,	/* pagemap shows PFNs (CAP_SYS_ADMIN) */
	CAP_HIDDEN,	/* pagemap hides them */
};

enum exception {
	EXC_NONE,
	EXC_CONSENT,	/* the target gave its file away */
	EXC_HELD,	/* attached while allowed; the target exec()ed setuid later */
};

enum fdkind { FD_SIMGPU, FD_OTHER_GPU, FD_VGEM, FD_PIPE, FD_FILE, FD_SNOOP };
enum relation { REL_SIBLING, REL_CHILD };
enum transfer { XFER_GETFD, XFER_SCM, XFER_PROCFD };

/* readonly rows: which attempt */
enum rw_op { OP_WRITE, OP_MMAP_W, OP_MPROTECT_W, OP_REOPEN_W, OP_PROCMEM_W };

struct scenario {
	int yama;
	uid_t tuid;		/* target (REL_SIBLING) */
	gid_t tgid;
	bool tnodump;		/* the target is not dumpable */
	bool tuserns;		/* the target unshares a user namespace */
	bool tptracer;		/* PR_SET_PTRACER the snooper */
	enum fdkind fdkind;
	uid_t suid;		/* snooper */
	bool suserns;		/* the snooper unshares a user namespace */
	enum relation rel;
	enum transfer xfer;
	uint32_t flags;		/* ATTACH flags */
	bool rdonly;		/* the snoop node is opened O_RDONLY */
	enum rw_op op;
	bool inherit;		/* setuid rows: DRM fd not close-on-exec */
	bool after;		/* setuid rows: test a new pidfd_getfd */
};

struct result {
	char outcome[48];	/* "0", "EPERM", "shown", "0|ESRCH" ... */
	int probe[3];		/* ptrace, process_vm_readv, /proc/PID/mem: errno; -1 not run */
	int pagemap;		/* CAP rows: 1 shown, 0 hidden, -1 not run */
	char note[160];
	bool bad;		/* a side check failed (see note) */
	int ops;		/* operations done (figures) */
	int checks;		/* checks made */
};

struct row {
	const char *name;
	const char *op;		/* the operation whose errno the row states */
	const char *expect;	/* errno name(s), "0", "shown"/"hidden" */
	enum pt_rule pt;
	enum exception exc;
	void (*run)(const struct row *r, struct result *res);
	struct scenario sc;
};

/* ---------------------------------------------------------- helpers */

static const char *errname(int e)
{
	const char *n;

	if (!e)
		return "0";
	n = strerrorname_np(e);
	return n ? n : "E?";
}

static void note(struct result *res, bool bad, const char *fmt, ...)
{
	size_t len = strlen(res->note);
	va_list ap;

	if (len && len < sizeof(res->note) - 2) {
		strcpy(res->note + len, "; ");
		len += 2;
	}
	va_start(ap, fmt);
	vsnprintf(res->note + len, sizeof(res->note) - len, fmt, ap);
	va_end(ap);
	if (bad)
		res->bad = true;
}

static void set_yama(int scope)
{
	FILE *f = fopen("/proc/sys/kernel/yama/ptrace_scope", "w");

	if (!f || fprintf(f, "%d\n", scope) < 0 || fclose(f)) {
		printf("Bail out! cannot set kernel.yama.ptrace_scope to %d\n",
		       scope);
		exit(1);
	}
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		ret = -errno;
	close(fd);
	return ret;
}

/* Drop to @uid/@gid (from root) and stay dumpable, as a login would. */
static int become(uid_t uid, gid_t gid)
{
	if (getuid() == uid && getgid() == gid)
		return 0;
	if (setgroups(0, NULL) || setgid(gid) || setuid(uid))
		return -errno;
	prctl(PR_SET_DUMPABLE, 1);
	return 0;
}

/* A user namespace in which the caller is root (uid 0 = its own uid). */
static int enter_userns(void)
{
	char map[64];
	uid_t uid = getuid();
	gid_t gid = getgid();
	int ret;

	if (unshare(CLONE_NEWUSER))
		return -errno;
	snprintf(map, sizeof(map), "0 %u 1\n", uid);
	ret = write_file("/proc/self/uid_map", map);
	if (!ret)
		ret = write_file("/proc/self/setgroups", "deny\n");
	snprintf(map, sizeof(map), "0 %u 1\n", gid);
	if (!ret)
		ret = write_file("/proc/self/gid_map", map);
	if (!ret && getuid() != 0)
		ret = -EPERM;
	return ret;
}

static int send_fd(int sock, int fd)
{
	char c = 'F';
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u = { 0 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *c0 = CMSG_FIRSTHDR(&msg);

	c0->cmsg_level = SOL_SOCKET;
	c0->cmsg_type = SCM_RIGHTS;
	c0->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c0), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -errno;
}

static int recv_fd(int sock)
{
	char c;
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *c0;
	int fd;

	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1)
		return -errno;
	c0 = CMSG_FIRSTHDR(&msg);
	if (!c0 || c0->cmsg_type != SCM_RIGHTS)
		return -EBADMSG;
	memcpy(&fd, CMSG_DATA(c0), sizeof(int));
	return fd;
}

/* Does the 4K at VA_A (or @va) of the attached @sfd hold pattern @seed? */
static bool snoop_sees(int sfd, uint64_t va, uint32_t seed)
{
	static uint8_t buf[SZ_4K], want[SZ_4K];

	fill_pattern(want, sizeof(want), seed);
	return pread(sfd, buf, sizeof(buf), va) == (ssize_t)sizeof(buf) &&
	       !memcmp(buf, want, sizeof(buf));
}

/* ----------------------------------------------------------- probes */

/* PTRACE_ATTACH + wait + PTRACE_DETACH: 0 or the errno. */
static int probe_ptrace(pid_t pid)
{
	int st;

	if (ptrace(PTRACE_ATTACH, pid, NULL, NULL) < 0)
		return errno;
	if (waitpid(pid, &st, __WALL) < 0)
		return errno;
	ptrace(PTRACE_DETACH, pid, NULL, NULL);
	return 0;
}

/* Read the target's marker word with process_vm_readv. */
static int probe_readv(pid_t pid, uint64_t addr)
{
	uint64_t v = 0;
	struct iovec l = { .iov_base = &v, .iov_len = sizeof(v) };
	struct iovec r = { .iov_base = (void *)(uintptr_t)addr,
			   .iov_len = sizeof(v) };

	errno = 0;
	if (process_vm_readv(pid, &l, 1, &r, 1, 0) != (ssize_t)sizeof(v))
		return errno ? errno : EIO;
	return v == MARKER ? 0 : EBADMSG;
}

/* The same through /proc/PID/mem. */
static int probe_mem(pid_t pid, uint64_t addr)
{
	char path[64];
	uint64_t v = 0;
	int fd, ret = 0;

	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	errno = 0;
	if (pread(fd, &v, sizeof(v), (off_t)addr) != (ssize_t)sizeof(v))
		ret = errno ? errno : EIO;	/* 0 bytes: the process has no memory */
	else if (v != MARKER)
		ret = EBADMSG;
	close(fd);
	return ret;
}

static void probe_all(pid_t pid, uint64_t marker, struct result *res)
{
	res->probe[0] = probe_ptrace(pid);
	res->probe[1] = probe_readv(pid, marker);
	res->probe[2] = probe_mem(pid, marker);
	res->ops += 3;
}

/* Does /proc/self/pagemap show this process a PFN?  1 yes, 0 no, -errno. */
static int probe_pagemap(void)
{
	static volatile char page[8192] __attribute__((aligned(4096)));
	uint64_t ent = 0;
	int fd, ret;

	page[0] = 1;
	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = pread(fd, &ent, sizeof(ent),
		    (off_t)((uintptr_t)page / 4096 * sizeof(ent)));
	close(fd);
	if (ret != (int)sizeof(ent))
		return -EIO;
	return (ent & ((1ull << 55) - 1)) != 0;
}

/* ----------------------------------------------------------- target */

struct tinfo {
	pid_t pid;
	int fd;			/* the file under test, in the target */
	uint64_t marker;	/* address of target_marker */
	int err;		/* setup failed: -errno */
};

/*
 * A simgpu client with a 64K system buffer filled with pattern SEED_A at
 * VA_A; returns its fd (close-on-exec, as libdrm opens it).
 */
static int open_simgpu_client(int n, uint64_t va, uint32_t seed)
{
	uint32_t h;
	void *map;
	int fd, ret;

	fd = sg_open(n);
	if (fd < 0)
		return fd;
	ret = sg_bo_create(fd, SZ_64K, SIMGPU_PLACEMENT_SYSTEM, 0, &h, NULL);
	if (ret)
		goto err;
	map = sg_bo_map(fd, h, SZ_64K);
	if (!map) {
		ret = -ENOMEM;
		goto err;
	}
	fill_pattern(map, SZ_64K, seed);
	munmap(map, SZ_64K);
	ret = sg_bind(fd, h, va, SZ_64K, 0, 0);
	if (ret)
		goto err;
	return fd;
err:
	close(fd);
	return ret;
}

static int open_kind(enum fdkind kind)
{
	int p[2], fd;

	switch (kind) {
	case FD_SIMGPU:
		return open_simgpu_client(0, VA_A, SEED_A);
	case FD_OTHER_GPU:
		return open_simgpu_client(1, VA_A, SEED_A);
	case FD_VGEM:
		return drm_open_driver("vgem");
	case FD_PIPE:
		if (pipe2(p, O_CLOEXEC))
			return -errno;
		return p[0];
	case FD_FILE:
		fd = open("/tmp/cs-security-file", O_RDWR | O_CREAT | O_CLOEXEC,
			  0600);
		return fd < 0 ? -errno : fd;
	case FD_SNOOP:
		fd = open(snoop_path, O_RDWR | O_CLOEXEC);
		return fd < 0 ? -errno : fd;
	}
	return -EINVAL;
}

/*
 * The target's side: become what the scenario says, open the file under
 * test, report it on @info_w (and hand it over on @sock for XFER_SCM), then
 * wait to be killed, or for a command on @cmd_r.
 */
static void target_main(const struct scenario *sc, int info_w, int sock,
			pid_t ptracer, bool setcreds)
{
	struct tinfo ti = { .pid = getpid() };
	int ret = 0;

	alarm(120);
	target_marker = MARKER;
	ti.marker = (uintptr_t)&target_marker;
	if (setcreds)
		ret = become(sc->tuid, sc->tgid);
	if (!ret && sc->tuserns)
		ret = enter_userns();
	if (!ret && prctl(PR_SET_DUMPABLE, !sc->tnodump))
		ret = -errno;
	if (!ret && sc->tptracer && prctl(PR_SET_PTRACER, ptracer))
		ret = -errno;
	if (!ret) {
		ti.fd = open_kind(sc->fdkind);
		if (ti.fd < 0)
			ret = ti.fd;
	}
	if (!ret && sc->xfer == XFER_SCM)
		ret = send_fd(sock, ti.fd);
	ti.err = ret;
	if (write(info_w, &ti, sizeof(ti)) != sizeof(ti))
		_exit(1);
	for (;;)
		pause();
}

static int read_tinfo(int fd, struct tinfo *ti)
{
	if (read(fd, ti, sizeof(*ti)) != (ssize_t)sizeof(*ti))
		return -EPIPE;
	return ti->err;
}

static void reap(pid_t pid)
{
	int st;

	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
}

/* Shared between the forked snooper and the table. */
static struct result *shared_result(void)
{
	void *p = mmap(NULL, sizeof(struct result), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		printf("Bail out! mmap: %s\n", strerror(errno));
		exit(1);
	}
	memset(p, 0, sizeof(struct result));
	return p;
}

/* Fork @fn(@row, @res) with a result page the parent reads back. */
static void in_child(const struct row *r, struct result *res,
		     void (*fn)(const struct row *r, struct result *res))
{
	struct result *sh = shared_result();
	pid_t pid;
	int st;

	sh->probe[0] = sh->probe[1] = sh->probe[2] = -1;
	sh->pagemap = -1;
	strcpy(sh->outcome, "(none)");
	pid = fork();
	if (pid < 0) {
		note(res, true, "fork: %s", strerror(errno));
		return;
	}
	if (!pid) {
		alarm(120);
		fn(r, sh);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	*res = *sh;
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		note(res, true, "snooper died (status %#x)", st);
	munmap(sh, sizeof(*sh));
}

/* ---------------------------------------------- access (who may snoop) */

/*
 * The target's DRM fd opened again through /proc/PID/fd/N: that opens the
 * render node anew, a new DRM client of the snooper's own, so an ATTACH
 * works and shows nothing of the target's.  The outcome is the pread of
 * the target's VA (or the errno of the open).
 */
static void snoop_procfd(const struct tinfo *ti, struct result *res)
{
	char path[64], buf[64];
	int fd, sfd, ret;

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", ti->pid, ti->fd);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(res->outcome, sizeof(res->outcome), "%s", errname(errno));
	} else {
		sfd = open(snoop_path, O_RDWR | O_CLOEXEC);
		ret = sfd < 0 ? -errno : snoop_attach(sfd, fd, 0, 0, NULL);
		res->ops += 3;
		res->checks++;
		if (ret) {
			note(res, true, "ATTACH of the reopened node: %s", strerror(-ret));
		} else if (pread(sfd, buf, sizeof(buf), VA_A) < 0) {
			snprintf(res->outcome, sizeof(res->outcome), "%s", errname(errno));
			note(res, false, "attached to a new, empty client");
		} else {
			strcpy(res->outcome, "0");
			if (snoop_sees(sfd, VA_A, SEED_A))
				note(res, true, "the reopened node shows the target's bytes");
		}
		if (sfd >= 0)
			close(sfd);
		close(fd);
	}
	probe_all(ti->pid, ti->marker, res);
}

/*
 * The snooper's side of an access row: get the target's file (pidfd_getfd
 * or SCM_RIGHTS), attach, read, then probe ptrace.  Runs with the
 * snooper's credentials, in a child.
 */
static void snoop_target(const struct scenario *sc, const struct tinfo *ti,
			 int sock, struct result *res)
{
	int fd, sfd, ret;

	res->ops++;
	if (sc->xfer == XFER_PROCFD) {
		snoop_procfd(ti, res);
		return;
	}
	fd = sc->xfer == XFER_SCM ? recv_fd(sock) : pidfd_get_fd(ti->pid, ti->fd);
	if (fd < 0) {
		snprintf(res->outcome, sizeof(res->outcome), "%s", errname(-fd));
	} else {
		sfd = open(snoop_path, O_RDWR | O_CLOEXEC);
		if (sfd < 0) {
			note(res, true, "open %s: %s", snoop_path, strerror(errno));
			return;
		}
		res->ops++;
		ret = snoop_attach(sfd, fd, sc->flags, 0, NULL);
		snprintf(res->outcome, sizeof(res->outcome), "%s", errname(-ret));
		if (!ret) {
			res->ops++;
			res->checks++;
			if (!snoop_sees(sfd, VA_A, SEED_A))
				note(res, true, "attached, but the target's bytes do not read back");
			else
				note(res, false, "reads the target's bytes");
		}
		close(sfd);
		close(fd);
	}
	probe_all(ti->pid, ti->marker, res);
}

static void run_access_child(const struct row *r, struct result *res)
{
	const struct scenario *sc = &r->sc;
	int info[2], ret;
	struct tinfo ti;
	pid_t tpid;

	/* REL_CHILD: the snooper becomes itself, then forks its target. */
	if (pipe(info)) {
		note(res, true, "pipe: %s", strerror(errno));
		return;
	}
	ret = become(sc->suid, sc->suid);
	if (!ret && sc->suserns)
		ret = enter_userns();
	if (ret) {
		note(res, true, "snooper setup: %s", strerror(-ret));
		return;
	}
	tpid = fork();
	if (!tpid)
		target_main(sc, info[1], -1, 0, false);
	ret = read_tinfo(info[0], &ti);
	if (ret)
		note(res, true, "target setup: %s", strerror(-ret));
	else
		snoop_target(sc, &ti, -1, res);
	reap(tpid);
}

static void run_access(const struct row *r, struct result *res)
{
	const struct scenario *sc = &r->sc;
	struct result *sh;
	int info[2], sock[2], go[2], ret, st;
	pid_t spid, tpid;
	struct tinfo ti;
	char c;

	set_yama(sc->yama);
	if (sc->rel == REL_CHILD) {
		in_child(r, res, run_access_child);
		goto out;
	}

	/* REL_SIBLING: both children of this (root) process. */
	sh = shared_result();
	sh->probe[0] = sh->probe[1] = sh->probe[2] = -1;
	if (pipe(info) || pipe(go) ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sock)) {
		note(res, true, "pipe: %s", strerror(errno));
		goto out;
	}
	spid = fork();
	if (!spid) {
		alarm(120);
		ret = become(sc->suid, sc->suid);
		if (!ret && sc->suserns)
			ret = enter_userns();
		if (ret) {
			note(sh, true, "snooper setup: %s", strerror(-ret));
			_exit(0);
		}
		if (read(go[0], &c, 1) != 1)	/* the target is ready */
			_exit(1);
		if (read_tinfo(info[0], &ti))
			_exit(1);
		snoop_target(sc, &ti, sock[1], sh);
		_exit(0);
	}
	tpid = fork();
	if (!tpid)
		target_main(sc, info[1], sock[0], spid, true);
	/* Let the snooper go once the target has reported (or failed). */
	ret = read_tinfo(info[0], &ti);
	if (ret) {
		note(res, true, "target setup: %s", strerror(-ret));
		kill(spid, SIGKILL);
	} else if (write(info[1], &ti, sizeof(ti)) != sizeof(ti) ||
		   write(go[1], "g", 1) != 1) {
		note(res, true, "pipe: %s", strerror(errno));
	}
	waitpid(spid, &st, 0);
	reap(tpid);
	if (!ret) {
		*res = *sh;
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			note(res, true, "snooper died (status %#x)", st);
	}
	munmap(sh, sizeof(*sh));
	close(info[0]);
	close(info[1]);
	close(go[0]);
	close(go[1]);
	close(sock[0]);
	close(sock[1]);
out:
	if (sc->yama != 3)	/* scope 3 cannot be lowered */
		set_yama(0);
}

/* ---------------------------------------- kernel VM, physical addresses */

static void run_kernel_child(const struct row *r, struct result *res)
{
	int sfd, ret, pm;
	off_t data;

	ret = become(r->sc.suid, r->sc.suid);
	if (!ret && r->sc.suserns)
		ret = enter_userns();
	if (ret) {
		note(res, true, "setup: %s", strerror(-ret));
		return;
	}
	sfd = open(snoop_path, O_RDWR | O_CLOEXEC);
	if (sfd < 0) {
		note(res, true, "open: %s", strerror(errno));
		return;
	}
	res->ops++;
	ret = snoop_attach(sfd, -1, CARDSNOOP_ATTACH_KERNEL, 0, NULL);
	snprintf(res->outcome, sizeof(res->outcome), "%s", errname(-ret));
	if (!ret) {
		char buf[64];

		res->ops++;
		res->checks++;
		data = lseek(sfd, 0, SEEK_DATA);
		if (data < 0 || pread(sfd, buf, sizeof(buf), data) != sizeof(buf))
			note(res, true, "kernel VM attached but unreadable");
		else
			note(res, false, "reads the kernel VM at %#llx",
			     (unsigned long long)data);
	}
	close(sfd);
	pm = probe_pagemap();
	res->pagemap = pm < 0 ? -1 : pm;
	res->ops++;
}

/* Two VRAM buffers, the second (not at VRAM offset 0) bound at VA_B. */
static int bind_vram_second(int gfd)
{
	uint32_t h;
	int ret;

	ret = sg_bo_create(gfd, SZ_64K, SIMGPU_PLACEMENT_VRAM, 0, NULL, NULL);
	if (!ret)
		ret = sg_bo_create(gfd, SZ_64K, SIMGPU_PLACEMENT_VRAM, 0, &h, NULL);
	if (!ret)
		ret = sg_bind(gfd, h, VA_B, SZ_64K, 0, 0);
	return ret;
}

/*
 * RESOLVE of a system page (phys_addr) and of a VRAM page (vram_offset):
 * "shown" if both are there, "hidden" if both are zero (dma_addr too).
 */
static void run_resolve_child(const struct row *r, struct result *res)
{
	struct cardsnoop_resolve rs, rv;
	int gfd, sfd, ret, pm;

	ret = become(r->sc.suid, r->sc.suid);
	if (!ret && r->sc.suserns)
		ret = enter_userns();
	if (ret) {
		note(res, true, "setup: %s", strerror(-ret));
		return;
	}
	/* Its own client: attaching to itself is always allowed. */
	gfd = open_simgpu_client(0, VA_A, SEED_A);
	sfd = gfd < 0 ? gfd : snoop_open_for(gfd);
	ret = sfd < 0 ? sfd : bind_vram_second(gfd);
	if (ret) {
		note(res, true, "setup: %s", strerror(-ret));
		return;
	}
	ret = snoop_attach(sfd, gfd, 0, 0, NULL);
	if (!ret)
		ret = snoop_resolve(sfd, VA_A, &rs);
	if (!ret)
		ret = snoop_resolve(sfd, VA_B, &rv);
	res->ops += 3;
	if (ret) {
		snprintf(res->outcome, sizeof(res->outcome), "%s", errname(-ret));
	} else {
		res->checks += 2;
		if (rs.phys_addr && rv.vram_offset)
			strcpy(res->outcome, "shown");
		else if (!rs.phys_addr && !rs.dma_addr && !rv.vram_offset && !rv.dma_addr)
			strcpy(res->outcome, "hidden");
		else
			snprintf(res->outcome, sizeof(res->outcome), "mixed");
		note(res, false, "phys %s, vram offset %s", rs.phys_addr ? "shown" : "0",
		     rv.vram_offset ? "shown" : "0");
		if (rs.mapping.va != VA_A ||
		    rs.mapping.placement != CARDSNOOP_PLACEMENT_SYSTEM ||
		    rv.mapping.va != VA_B ||
		    rv.mapping.placement != CARDSNOOP_PLACEMENT_VRAM)
			note(res, true, "resolve decoded the wrong mapping");
	}
	close(sfd);
	close(gfd);
	pm = probe_pagemap();
	res->pagemap = pm < 0 ? -1 : pm;
	res->ops++;
}

static void run_kernel(const struct row *r, struct result *res)
{
	in_child(r, res, run_kernel_child);
}

static void run_resolve(const struct row *r, struct result *res)
{
	in_child(r, res, run_resolve_child);
}

/* ------------------------------------- what a read-only attachment may do */

/*
 * As alice, snoop a child of hers through a snoop file opened O_RDONLY
 * (@sc->rdonly) or O_RDWR and attached with @sc->flags, and try to change the
 * target's memory one way.  Whatever is refused, the target's bytes must
 * be untouched afterwards.
 */
static void run_readonly_child(const struct row *r, struct result *res)
{
	const struct scenario *sc = &r->sc;
	int info[2], fd, sfd, wfd, ret, err = 0;
	char path[64], junk[16];
	struct tinfo ti;
	void *p;
	pid_t tpid;

	memset(junk, 0xee, sizeof(junk));
	if (pipe(info) || become(ALICE, ALICE)) {
		note(res, true, "setup: %s", strerror(errno));
		return;
	}
	tpid = fork();
	if (!tpid)
		target_main(sc, info[1], -1, 0, false);
	ret = read_tinfo(info[0], &ti);
	fd = ret ? ret : pidfd_get_fd(ti.pid, ti.fd);
	sfd = open(snoop_path, (sc->rdonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (fd < 0 || sfd < 0 || (ret = snoop_attach(sfd, fd, sc->flags, 0, NULL))) {
		note(res, true, "attach: %s", strerror(fd < 0 ? -fd : sfd < 0 ? errno : -ret));
		reap(tpid);
		return;
	}
	res->ops += 2;
	switch (sc->op) {
	case OP_WRITE:
		if (pwrite(sfd, junk, sizeof(junk), VA_A) < 0)
			err = errno;
		break;
	case OP_MMAP_W:
		p = mmap(NULL, SZ_4K, PROT_READ | PROT_WRITE, MAP_SHARED, sfd, VA_A);
		if (p == MAP_FAILED)
			err = errno;
		else
			memcpy(p, junk, sizeof(junk));
		break;
	case OP_MPROTECT_W:
		p = mmap(NULL, SZ_4K, PROT_READ, MAP_SHARED, sfd, VA_A);
		if (p == MAP_FAILED) {
			note(res, true, "read-only mmap refused: %s", strerror(errno));
			break;
		}
		if (mprotect(p, SZ_4K, PROT_READ | PROT_WRITE))
			err = errno;
		else
			memcpy(p, junk, sizeof(junk));
		break;
	case OP_PROCMEM_W:
		/* ptrace's way: FOLL_FORCE writes through /proc/self/mem */
		p = mmap(NULL, SZ_4K, PROT_READ, MAP_SHARED, sfd, VA_A);
		wfd = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
		if (p == MAP_FAILED || wfd < 0) {
			note(res, true, "mmap or /proc/self/mem: %s", strerror(errno));
			break;
		}
		if (pwrite(wfd, junk, sizeof(junk), (off_t)(uintptr_t)p) < 0)
			err = errno;
		close(wfd);
		break;
	case OP_REOPEN_W:
		/* What a program given the fd could try: open it again, read-write. */
		snprintf(path, sizeof(path), "/proc/self/fd/%d", sfd);
		wfd = open(path, O_RDWR | O_CLOEXEC);
		if (wfd < 0) {
			err = errno;
			break;
		}
		if (pwrite(wfd, junk, sizeof(junk), VA_A) < 0)
			err = errno;
		close(wfd);
		break;
	}
	res->ops++;
	snprintf(res->outcome, sizeof(res->outcome), "%s", errname(err));
	/* The target's memory, read through a fresh attachment. */
	close(sfd);
	sfd = open(snoop_path, O_RDWR | O_CLOEXEC);
	res->checks++;
	if (sfd < 0 || snoop_attach(sfd, fd, CARDSNOOP_ATTACH_READONLY, 0, NULL) ||
	    !snoop_sees(sfd, VA_A, SEED_A))
		note(res, true, "the target's bytes changed");
	else
		note(res, false, "target's bytes untouched");
	close(sfd);
	close(fd);
	probe_all(ti.pid, ti.marker, res);
	reap(tpid);
}

static void run_readonly(const struct row *r, struct result *res)
{
	in_child(r, res, run_readonly_child);
}

/* ------------------------------------ rights that change after the attach */

/*
 * The target makes itself non-dumpable after alice attached: her
 * attachment keeps reading, exactly as her /proc/PID/mem file opened
 * before does (both checked ptrace at open/attach); new attempts fail.
 */
static void run_nodump_later_child(const struct row *r, struct result *res)
{
	int info[2], cmd[2], ack[2], fd, sfd, mem, ret;
	char path[64], c;
	struct tinfo ti;
	uint64_t v = 0;
	pid_t tpid;

	if (pipe(info) || pipe(cmd) || pipe(ack) || become(ALICE, ALICE)) {
		note(res, true, "setup: %s", strerror(errno));
		return;
	}
	tpid = fork();
	if (!tpid) {
		alarm(120);
		target_marker = MARKER;
		ti.pid = getpid();
		ti.marker = (uintptr_t)&target_marker;
		ti.fd = open_simgpu_client(0, VA_A, SEED_A);
		ti.err = ti.fd < 0 ? ti.fd : 0;
		if (write(info[1], &ti, sizeof(ti)) != sizeof(ti) ||
		    read(cmd[0], &c, 1) != 1)
			_exit(1);
		prctl(PR_SET_DUMPABLE, 0);
		if (write(ack[1], "d", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	ret = read_tinfo(info[0], &ti);
	fd = ret ? ret : pidfd_get_fd(ti.pid, ti.fd);
	sfd = open(snoop_path, O_RDWR | O_CLOEXEC);
	if (fd < 0 || sfd < 0 || (ret = snoop_attach(sfd, fd, 0, 0, NULL))) {
		note(res, true, "attach: %s", strerror(fd < 0 ? -fd : sfd < 0 ? errno : -ret));
		reap(tpid);
		return;
	}
	close(fd);
	snprintf(path, sizeof(path), "/proc/%d/mem", ti.pid);
	mem = open(path, O_RDONLY | O_CLOEXEC);
	res->ops += 3;
	if (write(cmd[1], "n", 1) != 1 || read(ack[0], &c, 1) != 1) {
		note(res, true, "the target did not turn non-dumpable");
		reap(tpid);
		return;
	}
	res->ops += 2;
	res->checks += 2;
	if (snoop_sees(sfd, VA_A, SEED_A)) {
		strcpy(res->outcome, "0");
		note(res, false, "the attachment reads on");
	} else {
		snprintf(res->outcome, sizeof(res->outcome), "%s", errname(errno));
	}
	if (mem >= 0 && pread(mem, &v, sizeof(v), (off_t)ti.marker) == sizeof(v) &&
	    v == MARKER)
		note(res, false, "so does /proc/PID/mem opened before");
	else
		note(res, true, "/proc/PID/mem opened before does not read on");
	close(mem);
	close(sfd);
	probe_all(ti.pid, ti.marker, res);
	reap(tpid);
}

static void run_nodump_later(const struct row *r, struct result *res)
{
	in_child(r, res, run_nodump_later_child);
}

/*
 * Root attaches (its own client, or the kernel VM), then becomes alice,
 * keeping the file: the fd is the capability, as any open file is.  What
 * RESOLVE shows is decided by the caller's CAP_SYS_ADMIN at each call
 * (pagemap decides by its opener's: noted).
 */
static void run_handover_child(const struct row *r, struct result *res)
{
	struct cardsnoop_resolve rs;
	bool kernel = r->sc.flags & CARDSNOOP_ATTACH_KERNEL;
	int gfd = -1, sfd, pm_root, ret, pm;
	uint64_t ent = 0;
	char buf[64];
	off_t data;

	static volatile char page[4096] __attribute__((aligned(4096)));

	page[0] = 1;
	pm_root = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	sfd = open(snoop_path, O_RDWR | O_CLOEXEC);
	if (!kernel)
		gfd = open_simgpu_client(0, VA_A, SEED_A);
	ret = sfd < 0 ? -errno : kernel ? snoop_attach(sfd, -1, CARDSNOOP_ATTACH_KERNEL, 0, NULL) :
		gfd < 0 ? gfd : snoop_attach(sfd, gfd, 0, 0, NULL);
	if (ret || become(ALICE, ALICE)) {
		note(res, true, "setup: %s", strerror(ret ? -ret : errno));
		return;
	}
	res->ops += 2;
	res->checks++;
	if (kernel) {
		data = lseek(sfd, 0, SEEK_DATA);
		if (data >= 0 && pread(sfd, buf, sizeof(buf), data) == sizeof(buf))
			strcpy(res->outcome, "0");
		else
			snprintf(res->outcome, sizeof(res->outcome), "%s", errname(errno));
	} else {
		ret = snoop_resolve(sfd, VA_A, &rs);
		snprintf(res->outcome, sizeof(res->outcome), "%s", ret ? errname(-ret) :
			 rs.phys_addr ? "shown" : "hidden");
	}
	if (pm_root >= 0 && pread(pm_root, &ent, sizeof(ent),
				  (off_t)((uintptr_t)page / 4096 * sizeof(ent))) == sizeof(ent))
		note(res, false, "pagemap opened as root %s PFNs",
		     ent & ((1ull << 55) - 1) ? "still shows" : "hides");
	pm = probe_pagemap();
	res->pagemap = pm < 0 ? -1 : pm;
	close(pm_root);
	close(sfd);
	if (gfd >= 0)
		close(gfd);
}

static void run_handover(const struct row *r, struct result *res)
{
	in_child(r, res, run_handover_child);
}

/* --------------------------------------------- the target execs setuid */

/*
 * SUID_HELPER setuid DRMFD INFOFD: what the setuid-root program does in
 * the setuid rows.  If it inherited DRMFD, it maps a buffer of its own
 * (pattern SEED_B) at VA_B through it.  Reports 1 (had the fd) or 0 on
 * INFOFD, then waits for its stdin to close.
 */
static int setuid_helper(int argc, char **argv)
{
	int fd = atoi(argv[2]), info = atoi(argv[3]);
	char name[32], c;
	int had = 0;

	if (argc != 4)
		return 2;
	alarm(120);
	if (fcntl(fd, F_GETFD) >= 0 && !drm_driver_name(fd, name, sizeof(name)) &&
	    !strcmp(name, "simgpu")) {
		uint32_t h;
		void *map;

		had = 1;
		if (sg_bo_create(fd, SZ_64K, SIMGPU_PLACEMENT_SYSTEM, 0, &h, NULL) ||
		    !(map = sg_bo_map(fd, h, SZ_64K)))
			return 3;
		fill_pattern(map, SZ_64K, SEED_B);
		if (sg_bind(fd, h, VA_B, SZ_64K, 0, 0))
			return 4;
	}
	if (geteuid() != 0)
		had = 2;	/* not setuid after all: the row reports it */
	if (write(info, &had, sizeof(had)) != sizeof(had))
		return 5;
	while (read(0, &c, 1) > 0)
		;
	return 0;
}

static void run_setuid_child(const struct row *r, struct result *res)
{
	const struct scenario *sc = &r->sc;
	int info[2], cmd[2], fd, sfd = -1, ret, had = -1, st;
	char a1[16], a2[16];
	struct tinfo ti;
	pid_t tpid;

	if (pipe(info) || pipe(cmd) || become(ALICE, ALICE)) {
		note(res, true, "setup: %s", strerror(errno));
		return;
	}
	tpid = fork();
	if (!tpid) {
		/* The target: a simgpu client that later runs a setuid program. */
		char c;

		close(cmd[1]);
		ti.pid = getpid();
		ti.marker = (uintptr_t)&target_marker;
		target_marker = MARKER;
		ti.fd = open_simgpu_client(0, VA_A, SEED_A);
		ti.err = ti.fd < 0 ? ti.fd : 0;
		if (ti.fd >= 0 && sc->inherit)
			fcntl(ti.fd, F_SETFD, 0);
		if (write(info[1], &ti, sizeof(ti)) != sizeof(ti) ||
		    read(cmd[0], &c, 1) != 1)
			_exit(1);
		snprintf(a1, sizeof(a1), "%d", ti.fd);
		snprintf(a2, sizeof(a2), "%d", info[1]);
		dup2(cmd[0], 0);
		execl(SUID_HELPER, SUID_HELPER, "setuid", a1, a2, (char *)NULL);
		_exit(127);
	}
	close(cmd[0]);
	ret = read_tinfo(info[0], &ti);
	fd = ret ? ret : pidfd_get_fd(ti.pid, ti.fd);
	if (fd >= 0) {
		sfd = open(snoop_path, O_RDWR | O_CLOEXEC);
		ret = sfd < 0 ? -errno : snoop_attach(sfd, fd, 0, 0, NULL);
		close(fd);
	}
	if (fd < 0 || ret) {
		note(res, true, "attach before exec: %s", strerror(fd < 0 ? -fd : -ret));
		kill(tpid, SIGKILL);
		waitpid(tpid, &st, 0);
		return;
	}
	res->ops += 2;
	/* Now the target runs the setuid program. */
	if (write(cmd[1], "e", 1) != 1 ||
	    read(info[0], &had, sizeof(had)) != sizeof(had)) {
		note(res, true, "the setuid program did not report");
		close(cmd[1]);
		waitpid(tpid, &st, 0);
		return;
	}
	res->checks++;
	if (had == 2)
		note(res, true, "the helper did not run setuid");
	else if (had != sc->inherit)
		note(res, true, "setuid program %s the DRM fd", had ? "got" : "did not get");
	else
		note(res, false, "setuid program %s", had ? "inherited the DRM fd" : "has no DRM fd");

	if (sc->after) {
		/* A new attempt, now that the target is setuid. */
		fd = pidfd_get_fd(ti.pid, ti.fd);
		res->ops++;
		snprintf(res->outcome, sizeof(res->outcome), "%s",
			 errname(fd < 0 ? -fd : 0));
		if (fd >= 0)
			close(fd);
	} else {
		/* The attachment made before the exec. */
		res->ops++;
		res->checks++;
		if (!snoop_sees(sfd, VA_A, SEED_A)) {
			snprintf(res->outcome, sizeof(res->outcome), "%s", errname(errno));
			note(res, true, "pre-exec bytes unreadable");
		} else if (sc->inherit) {
			res->ops++;
			res->checks++;
			strcpy(res->outcome, "0");
			if (snoop_sees(sfd, VA_B, SEED_B))
				note(res, false, "sees what the setuid program mapped");
			else
				note(res, true, "does not see what the setuid program mapped");
		} else {
			strcpy(res->outcome, "0");
			note(res, false, "reads the pre-exec bytes");
		}
	}
	close(sfd);
	/* ptrace's view of the setuid process (its marker is elsewhere: any answer but 0) */
	probe_all(ti.pid, ti.marker, res);
	close(cmd[1]);
	waitpid(tpid, &st, 0);
}

static void run_setuid(const struct row *r, struct result *res)
{
	in_child(r, res, run_setuid_child);
}

/* --------------------------------------------- targets that are exiting */

/* A child of ours (same uid) that sets up, reports, and exits on 'x'. */
static pid_t exiting_target(int dumpable, struct tinfo *ti, int *cmd_w)
{
	int info[2], cmd[2];
	pid_t pid;
	char c;

	if (pipe(info) || pipe(cmd))
		return -errno;
	pid = fork();
	if (!pid) {
		close(cmd[1]);
		prctl(PR_SET_DUMPABLE, dumpable);
		target_marker = MARKER;
		ti->pid = getpid();
		ti->marker = (uintptr_t)&target_marker;
		ti->fd = open_simgpu_client(0, VA_A, SEED_A);
		ti->err = ti->fd < 0 ? ti->fd : 0;
		if (write(info[1], ti, sizeof(*ti)) != sizeof(*ti))
			_exit(1);
		if (read(cmd[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(info[1]);
	close(cmd[0]);
	if (read_tinfo(info[0], ti)) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		pid = -EIO;
	}
	close(info[0]);
	*cmd_w = cmd[1];
	return pid;
}

/* Until @pid is a zombie (not reaped). */
static void wait_zombie(pid_t pid)
{
	siginfo_t si;

	waitid(P_PID, pid, &si, WEXITED | WNOWAIT);
}

/* Zombie or reaped target: pidfd_getfd of it. */
static void run_zombie_child(const struct row *r, struct result *res)
{
	struct tinfo ti;
	int cmd, pidfd, fd, st;
	pid_t pid;

	if (become(ALICE, ALICE)) {
		note(res, true, "setup: %s", strerror(errno));
		return;
	}
	pid = exiting_target(!r->sc.tnodump, &ti, &cmd);
	if (pid < 0) {
		note(res, true, "target: %s", strerror((int)-pid));
		return;
	}
	pidfd = syscall(SYS_pidfd_open, pid, 0);
	close(cmd);		/* the target exits */
	wait_zombie(pid);
	if (r->sc.after) {	/* reaped */
		waitpid(pid, &st, 0);
		note(res, false, "through a pidfd opened before");
	}
	fd = syscall(SYS_pidfd_getfd, pidfd, ti.fd, 0);
	res->ops++;
	snprintf(res->outcome, sizeof(res->outcome), "%s", errname(fd < 0 ? errno : 0));
	if (fd >= 0)
		close(fd);
	if (!r->sc.after) {
		/* ptrace of a zombie; a readv of it, and its mem file */
		probe_all(pid, ti.marker, res);
		waitpid(pid, &st, 0);
	} else {
		res->probe[0] = ptrace(PTRACE_ATTACH, pid, NULL, NULL) ? errno : 0;
		res->probe[1] = probe_readv(pid, ti.marker);
		res->probe[2] = probe_mem(pid, ti.marker);
	}
	close(pidfd);
}

static void run_zombie(const struct row *r, struct result *res)
{
	in_child(r, res, run_zombie_child);
}

/* Has @pid exited (a zombie now, not reaped)? */
static bool exited(pid_t pid)
{
	siginfo_t si = { 0 };

	return !waitid(P_PID, pid, &si, WEXITED | WNOHANG | WNOWAIT) &&
	       si.si_pid == pid;
}

/*
 * pidfd_getfd racing the target's exit, RACE_ROUNDS times: the snooper
 * takes the file once before the exit, then tells the target to exit and
 * takes it again and again until the target is a zombie.  A dumpable
 * target gives the file, then ESRCH, never the other way round; a
 * non-dumpable one gives EPERM throughout.  Every file it gives attaches
 * and reads the target's bytes, even once the target is gone.
 */
static void run_race_child(const struct row *r, struct result *res)
{
	bool seen[256] = { false };
	int round, cmd, pidfd, fd, sfd, e, st, ok_after = 0, tries = 0;
	struct tinfo ti;
	bool failed, dead;
	pid_t pid;
	size_t len;

	if (become(ALICE, ALICE)) {
		note(res, true, "setup: %s", strerror(errno));
		return;
	}
	for (round = 0; round < race_rounds; round++) {
		pid = exiting_target(!r->sc.tnodump, &ti, &cmd);
		if (pid < 0) {
			note(res, true, "target: %s", strerror((int)-pid));
			return;
		}
		pidfd = syscall(SYS_pidfd_open, pid, 0);
		if (round == 0)
			probe_all(pid, ti.marker, res);
		failed = false;
		for (int i = 0; i < 100000; i++) {
			if (i == 1)
				close(cmd);	/* go: the target exits */
			dead = exited(pid);
			fd = syscall(SYS_pidfd_getfd, pidfd, ti.fd, 0);
			e = fd < 0 ? errno : 0;
			res->ops++;
			tries++;
			seen[e < 256 ? e : 255] = true;
			if (fd >= 0) {
				if (i > 0)
					ok_after++;
				if (failed && !res->bad)
					note(res, true, "round %d: pidfd_getfd gave the file after it had failed",
					     round);
				/* A file we got attaches and reads the target's bytes. */
				sfd = open(snoop_path, O_RDWR | O_CLOEXEC);
				res->ops += 2;
				res->checks++;
				if ((sfd < 0 || snoop_attach(sfd, fd, 0, 0, NULL) ||
				     !snoop_sees(sfd, VA_A, SEED_A)) && !res->bad)
					note(res, true, "round %d: a file from pidfd_getfd does not read back",
					     round);
				close(sfd);
				close(fd);
			} else if (i > 0) {
				failed = true;
			}
			if (dead)
				break;
		}
		waitpid(pid, &st, 0);
		close(pidfd);
	}
	res->outcome[0] = 0;
	for (e = 0; e < 256; e++) {
		if (!seen[e])
			continue;
		len = strlen(res->outcome);
		snprintf(res->outcome + len, sizeof(res->outcome) - len, "%s%s",
			 len ? "|" : "", e == 255 ? "E?" : errname(e));
	}
	note(res, false, "%d rounds, %d tries, %d files taken during the exit",
	     race_rounds, tries, ok_after);
}

static void run_race(const struct row *r, struct result *res)
{
	in_child(r, res, run_race_child);
}

/* ------------------------------------------------------------- rows */

#define ACCESS(...)	.run = run_access, .sc = { __VA_ARGS__ }
#define OTHER(fn, ...)	.run = fn, .sc = { __VA_ARGS__ }

static const struct row rows[] = {
	/* --- who may attach: pidfd_getfd's ptrace check decides */
	{ "same uid", "getfd+ATTACH", "0", PT_ALLOW, EXC_NONE,
	  ACCESS(.tuid = ALICE, .tgid = ALICE, .suid = ALICE) },
	{ "other uid", "getfd+ATTACH", "EPERM", PT_REFUSE, EXC_NONE,
	  ACCESS(.tuid = BOB, .tgid = BOB, .suid = ALICE) },
	{ "same uid, other gid", "getfd+ATTACH", "EPERM", PT_REFUSE, EXC_NONE,
	  ACCESS(.tuid = ALICE, .tgid = BOB, .suid = ALICE) },
	{ "root snoops a user", "getfd+ATTACH", "0", PT_ALLOW, EXC_NONE,
	  ACCESS(.tuid = ALICE, .tgid = ALICE, .suid = ROOT) },
	{ "non-dumpable target", "getfd+ATTACH", "EPERM", PT_REFUSE, EXC_NONE,
	  ACCESS(.tuid = ALICE, .tgid = ALICE, .tnodump = true, .suid = ALICE) },
	{ "root snoops a non-dumpable target", "getfd+ATTACH", "0", PT_ALLOW, EXC_NONE,
	  ACCESS(.tuid = ALICE, .tgid = ALICE, .tnodump = true, .suid = ROOT) },
	{ "Yama 0: sibling", "getfd+ATTACH", "0", PT_ALLOW, EXC_NONE,
	  ACCESS(.tuid = ALICE, .tgid = ALICE, .suid = ALICE, .yama = 0) },
	{ "Yama 1: parent snoops child", "getfd+ATTACH", "0", PT_ALLOW, EXC_NONE,
	  ACCESS(.suid = ALICE, .yama = 1, .rel = REL_CHILD) },
	{ "Yama 1: sibling", "getfd+ATTACH", "EPERM", PT_REFUSE, EXC_NONE,
	  ACCESS(.tuid = ALICE, .tgid = ALICE, .suid = ALICE, .yama = 1) },
	{ "Yama 1: sibling named by PR_SET_PTRACER", "getfd+ATTACH", "0", PT_ALLOW, EXC_NONE,
	  ACCESS(.tuid = ALICE, .tgid = ALICE, .tptracer = true, .suid = ALICE, .yama = 1) },
	{ "Yama 1: root, sibling", "getfd+ATTACH", "0", PT_ALLOW, EXC_NONE,
	  ACCESS(.tuid = ALICE, .tgid = ALICE, .suid = ROOT, .yama = 1) },
	{ "Yama 2: parent snoops child", "getfd+ATTACH", "EPERM", PT_REFUSE, EXC_NONE,
	  ACCESS(.suid = ALICE, .yama = 2, .rel = REL_CHILD) },
	{ "Yama 2: root", "getfd+ATTACH", "0", PT_ALLOW, EXC_NONE,
	  ACCESS(.tuid = ALICE, .tgid = ALICE, .suid = ROOT, .yama = 2) },
	{ "Yama 3: root", "getfd+ATTACH", "EPERM", PT_REFUSE, EXC_NONE,
	  ACCESS(.tuid = ALICE, .tgid = ALICE, .suid = ROOT, .yama = 3) },
	{ "Yama 3: parent snoops child", "getfd+ATTACH", "EPERM", PT_REFUSE, EXC_NONE,
	  ACCESS(.suid = ALICE, .yama = 3, .rel = REL_CHILD) },
	{ "snooper root in its own user namespace", "getfd+ATTACH", "EPERM", PT_REFUSE, EXC_NONE,
	  ACCESS(.tuid = ALICE, .tgid = ALICE, .suid = ALICE, .suserns = true) },
	{ "real root in a new user namespace", "getfd+ATTACH", "EPERM", PT_REFUSE, EXC_NONE,
	  ACCESS(.tuid = ALICE, .tgid = ALICE, .suid = ROOT, .suserns = true) },
	{ "target in a user namespace of the snooper's", "getfd+ATTACH", "0", PT_ALLOW, EXC_NONE,
	  ACCESS(.tuid = ALICE, .tgid = ALICE, .tuserns = true, .suid = ALICE) },
	{ "both in one user namespace, parent snoops child", "getfd+ATTACH", "0", PT_ALLOW, EXC_NONE,
	  ACCESS(.suid = ALICE, .suserns = true, .rel = REL_CHILD) },
	{ "DRM fd received by SCM_RIGHTS from another uid", "ATTACH", "0", PT_REFUSE, EXC_CONSENT,
	  ACCESS(.tuid = BOB, .tgid = BOB, .suid = ALICE, .xfer = XFER_SCM) },
	{ "DRM node reopened via /proc/PID/fd: a new client", "open+ATTACH+pread", "EIO",
	  PT_ALLOW, EXC_NONE,
	  ACCESS(.tuid = ALICE, .tgid = ALICE, .suid = ALICE, .xfer = XFER_PROCFD) },
	{ "DRM node reopened via /proc/PID/fd, other uid", "open", "EACCES", PT_REFUSE, EXC_NONE,
	  ACCESS(.tuid = BOB, .tgid = BOB, .suid = ALICE, .xfer = XFER_PROCFD) },
	{ "target turns non-dumpable after the attach", "pread", "0", PT_REFUSE, EXC_HELD,
	  OTHER(run_nodump_later) },

	/* --- what may be attached: the fd's kind */
	{ "a pipe", "getfd+ATTACH", "EINVAL", PT_ALLOW, EXC_NONE,
	  ACCESS(.tuid = ALICE, .tgid = ALICE, .suid = ALICE, .fdkind = FD_PIPE) },
	{ "a regular file", "getfd+ATTACH", "EINVAL", PT_ALLOW, EXC_NONE,
	  ACCESS(.tuid = ALICE, .tgid = ALICE, .suid = ALICE, .fdkind = FD_FILE) },
	{ "a snoop file", "getfd+ATTACH", "EINVAL", PT_ALLOW, EXC_NONE,
	  ACCESS(.tuid = ALICE, .tgid = ALICE, .suid = ALICE, .fdkind = FD_SNOOP) },
	{ "a vgem DRM fd", "getfd+ATTACH", "EXDEV", PT_ALLOW, EXC_NONE,
	  ACCESS(.tuid = ALICE, .tgid = ALICE, .suid = ALICE, .fdkind = FD_VGEM) },
	{ "a DRM fd of the other simgpu GPU", "getfd+ATTACH", "EXDEV", PT_ALLOW, EXC_NONE,
	  ACCESS(.tuid = ALICE, .tgid = ALICE, .suid = ALICE, .fdkind = FD_OTHER_GPU) },

	/* --- privileged information: CAP_SYS_ADMIN, like pagemap's PFNs */
	{ "KERNEL attach, user", "ATTACH(KERNEL)", "EPERM", CAP_HIDDEN, EXC_NONE,
	  OTHER(run_kernel, .suid = ALICE) },
	{ "KERNEL attach, root in a user namespace", "ATTACH(KERNEL)", "EPERM", CAP_HIDDEN, EXC_NONE,
	  OTHER(run_kernel, .suid = ALICE, .suserns = true) },
	{ "KERNEL attach, root", "ATTACH(KERNEL)", "0", CAP_SHOWN, EXC_NONE,
	  OTHER(run_kernel, .suid = ROOT) },
	{ "RESOLVE physical address, user", "RESOLVE phys+vram", "hidden", CAP_HIDDEN, EXC_NONE,
	  OTHER(run_resolve, .suid = ALICE) },
	{ "RESOLVE physical address, root in a user namespace", "RESOLVE phys+vram", "hidden",
	  CAP_HIDDEN, EXC_NONE, OTHER(run_resolve, .suid = ALICE, .suserns = true) },
	{ "RESOLVE physical address, root", "RESOLVE phys+vram", "shown", CAP_SHOWN, EXC_NONE,
	  OTHER(run_resolve, .suid = ROOT) },
	{ "RESOLVE by a user through root's attachment", "RESOLVE phys", "hidden", CAP_HIDDEN,
	  EXC_NONE, OTHER(run_handover) },
	{ "KERNEL attachment of root, used by a user", "pread", "0", CAP_HIDDEN, EXC_CONSENT,
	  OTHER(run_handover, .flags = CARDSNOOP_ATTACH_KERNEL) },

	/* --- what an attachment lets its holder do */
	{ "READONLY attachment: write(2)", "pwrite", "EPERM", PT_ALLOW, EXC_NONE,
	  OTHER(run_readonly, .flags = CARDSNOOP_ATTACH_READONLY, .op = OP_WRITE) },
	{ "READONLY attachment: writable mmap", "mmap(RW,SHARED)", "EACCES", PT_ALLOW, EXC_NONE,
	  OTHER(run_readonly, .flags = CARDSNOOP_ATTACH_READONLY, .op = OP_MMAP_W) },
	{ "READONLY attachment: mprotect to writable", "mprotect(RW)", "EACCES", PT_ALLOW, EXC_NONE,
	  OTHER(run_readonly, .flags = CARDSNOOP_ATTACH_READONLY, .op = OP_MPROTECT_W) },
	{ "READONLY attachment reopened read-write", "open+pwrite", "EBADFD", PT_ALLOW, EXC_NONE,
	  OTHER(run_readonly, .flags = CARDSNOOP_ATTACH_READONLY, .op = OP_REOPEN_W) },
	{ "snoop node opened O_RDONLY: write(2)", "pwrite", "EBADF", PT_ALLOW, EXC_NONE,
	  OTHER(run_readonly, .rdonly = true, .op = OP_WRITE) },
	{ "snoop node opened O_RDONLY: writable mmap", "mmap(RW,SHARED)", "EACCES", PT_ALLOW, EXC_NONE,
	  OTHER(run_readonly, .rdonly = true, .op = OP_MMAP_W) },
	{ "snoop node opened O_RDONLY: mprotect to writable", "mprotect(RW)", "EACCES", PT_ALLOW,
	  EXC_NONE, OTHER(run_readonly, .rdonly = true, .op = OP_MPROTECT_W) },
	{ "READONLY mapping written through /proc/self/mem", "pwrite(mem)", "EIO", PT_ALLOW,
	  EXC_NONE, OTHER(run_readonly, .flags = CARDSNOOP_ATTACH_READONLY, .op = OP_PROCMEM_W) },

	/* --- the target execs a setuid program after the attach */
	{ "setuid exec: the attachment (DRM fd close-on-exec)", "pread", "0", PT_REFUSE, EXC_HELD,
	  OTHER(run_setuid) },
	{ "setuid exec: the attachment (DRM fd inherited)", "pread", "0", PT_REFUSE, EXC_HELD,
	  OTHER(run_setuid, .inherit = true) },
	{ "setuid exec: a new pidfd_getfd", "getfd", "EPERM", PT_REFUSE, EXC_NONE,
	  OTHER(run_setuid, .after = true) },

	/* --- the target is exiting */
	{ "zombie target", "getfd", "ESRCH", PT_REFUSE, EXC_NONE,
	  OTHER(run_zombie) },
	{ "zombie target, non-dumpable", "getfd", "EPERM", PT_REFUSE, EXC_NONE,
	  OTHER(run_zombie, .tnodump = true) },
	{ "reaped target, pidfd opened before", "getfd", "ESRCH", PT_REFUSE, EXC_NONE,
	  OTHER(run_zombie, .after = true) },
	{ "pidfd_getfd races the target's exit", "getfd+ATTACH", "0|ESRCH", PT_ALLOW, EXC_NONE,
	  OTHER(run_race) },
	{ "pidfd_getfd races a non-dumpable target's exit", "getfd", "EPERM", PT_REFUSE, EXC_NONE,
	  OTHER(run_race, .tnodump = true) },
};

#define NROWS	(sizeof(rows) / sizeof(rows[0]))

/* ----------------------------------------------------------- verdict */

static const char *pt_name(enum pt_rule pt)
{
	static const char *const n[] = {
		[PT_NA] = "-", [PT_ALLOW] = "allow", [PT_REFUSE] = "refuse",
		[CAP_SHOWN] = "pfn shown", [CAP_HIDDEN] = "pfn hidden",
	};
	return n[pt];
}

static const char *exc_name(enum exception e)
{
	return e == EXC_CONSENT ? "consent" : e == EXC_HELD ? "held" : "";
}

static bool outcome_allowed(const char *o)
{
	const char *p;

	/* "0", "shown", or a set that has 0 in it */
	if (!strcmp(o, "shown"))
		return true;
	for (p = o; *p; p = strchr(p, '|') ? strchr(p, '|') + 1 : p + strlen(p))
		if (p[0] == '0' && (p[1] == 0 || p[1] == '|'))
			return true;
	return false;
}

/* The probes as seen: "allow", "refuse", or "mixed: ..." */
static void pt_seen(const struct row *r, const struct result *res, char *buf,
		    size_t len, bool *agree, bool *permits)
{
	int i, allowed = 0, run = 0;

	*agree = true;
	if (r->pt == CAP_SHOWN || r->pt == CAP_HIDDEN) {
		snprintf(buf, len, "%s", res->pagemap < 0 ? "?" :
			 res->pagemap ? "pfn shown" : "pfn hidden");
		*agree = res->pagemap == (r->pt == CAP_SHOWN);
		*permits = res->pagemap == 1;
		return;
	}
	for (i = 0; i < 3; i++) {
		if (res->probe[i] < 0)
			continue;
		run++;
		allowed += !res->probe[i];
	}
	*permits = run == 3 && allowed == 3;
	if (r->pt == PT_NA) {
		snprintf(buf, len, "-");
		return;
	}
	if (run == 3 && allowed == 3)
		snprintf(buf, len, "allow");
	else if (run == 3 && allowed == 0)
		snprintf(buf, len, "refuse(%s,%s,%s)", errname(res->probe[0]),
			 errname(res->probe[1]), errname(res->probe[2]));
	else
		snprintf(buf, len, "mixed(%s,%s,%s)",
			 res->probe[0] < 0 ? "-" : errname(res->probe[0]),
			 res->probe[1] < 0 ? "-" : errname(res->probe[1]),
			 res->probe[2] < 0 ? "-" : errname(res->probe[2]));
	*agree = run == 3 && allowed == (r->pt == PT_ALLOW ? 3 : 0);
}

int main(int argc, char **argv)
{
	static struct result res[NROWS];
	struct cs_args args;
	bool only_yama3;
	int n = 0, failed = 0, violations = 0, ops = 0, checks = 0, gfd;
	char pt[64];
	size_t i;

	if (argc == 4 && !strcmp(argv[1], "setuid"))
		return setuid_helper(argc, argv);
	cs_args_parse(&args, argc, argv);
	only_yama3 = args.nrest > 0 && !strcmp(args.rest[0], "yama3");
	race_rounds = (int)cs_scaled(&args, RACE_ROUNDS, 10);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (getuid() != 0) {
		printf("Bail out! security_matrix runs as root\n");
		return 1;
	}
	gfd = sg_open(0);
	if (gfd < 0 || snoop_open_for(gfd) < 0) {
		printf("Bail out! no simgpu GPU with a snoop node\n");
		return 1;
	}
	{
		struct cardsnoop_info info;
		int s = snoop_open_for(gfd);

		snoop_info(s, &info);
		snprintf(snoop_path, sizeof(snoop_path), "/dev/dri/card%u-snoop",
			 info.card_index);
		close(s);
	}
	close(gfd);
	/* The setuid program of the setuid rows: this very binary, setuid root. */
	if (!only_yama3) {
		char self[256];
		ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
		int in, out;
		char buf[65536];
		ssize_t got;

		if (len < 0) {
			printf("Bail out! readlink /proc/self/exe\n");
			return 1;
		}
		self[len] = 0;
		in = open(self, O_RDONLY | O_CLOEXEC);
		unlink(SUID_HELPER);
		out = open(SUID_HELPER, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0700);
		while (in >= 0 && out >= 0 && (got = read(in, buf, sizeof(buf))) > 0)
			if (write(out, buf, got) != got)
				got = -1;
		if (in < 0 || out < 0 || close(out) || fchmodat(AT_FDCWD, SUID_HELPER, 04755, 0)) {
			printf("Bail out! cannot make %s setuid\n", SUID_HELPER);
			return 1;
		}
		close(in);
	}

	for (i = 0; i < NROWS; i++) {
		const struct row *r = &rows[i];
		bool agree, permits, pass;

		if ((r->run == run_access && r->sc.yama == 3) != only_yama3)
			continue;
		memset(&res[i], 0, sizeof(res[i]));
		res[i].probe[0] = res[i].probe[1] = res[i].probe[2] = -1;
		res[i].pagemap = -1;
		strcpy(res[i].outcome, "(none)");
		r->run(r, &res[i]);
		pt_seen(r, &res[i], pt, sizeof(pt), &agree, &permits);
		pass = !strcmp(res[i].outcome, r->expect) && agree && !res[i].bad;
		n++;
		ops += res[i].ops;
		checks += res[i].checks + 2;
		printf("%sok %d - security: %s: %s -> %s (expected %s); ptrace %s (expected %s)%s%s%s\n",
		       pass ? "" : "not ", n, r->name, r->op, res[i].outcome,
		       r->expect, pt, pt_name(r->pt),
		       res[i].note[0] ? "; " : "", res[i].note,
		       r->exc ? (r->exc == EXC_CONSENT ? " [consent]" : " [held]") : "");
		if (!pass)
			failed++;
	}

	/*
	 * Nothing succeeds that ptrace would refuse: every allowed row has
	 * ptrace (or CAP_SYS_ADMIN) on its side, but for the two marked
	 * exceptions.
	 */
	printf("#\n# %-52s %-18s %-9s %-9s %-26s %-7s %s\n", "case", "operation",
	       "expected", "observed", "ptrace", "excep", "verdict");
	for (i = 0; i < NROWS; i++) {
		const struct row *r = &rows[i];
		bool agree, permits, ok;

		if ((r->run == run_access && r->sc.yama == 3) != only_yama3)
			continue;
		pt_seen(r, &res[i], pt, sizeof(pt), &agree, &permits);
		ok = !strcmp(res[i].outcome, r->expect) && agree && !res[i].bad;
		/* What succeeded, ptrace (as probed) must permit. */
		if (outcome_allowed(res[i].outcome) && !r->exc && !permits) {
			violations++;
			ok = false;
		}
		printf("# %-52s %-18s %-9s %-9s %-26s %-7s %s\n", r->name, r->op,
		       r->expect, res[i].outcome, pt, exc_name(r->exc),
		       ok ? "ok" : "FAIL");
	}
	printf("#\n");
	n++;
	printf("%sok %d - security: nothing succeeds that ptrace refuses (%d violations)\n",
	       violations ? "not " : "", n, violations);
	printf("# security_matrix%s: %zu rows run, %d operations, %d checks, %d failed, %d violations\n",
	       only_yama3 ? " yama3" : "", (size_t)(n - 1), ops, checks, failed,
	       violations);
	printf("1..%d\n", n);
	if (!only_yama3)
		unlink(SUID_HELPER);
	return failed || violations ? 1 : 0;
}
