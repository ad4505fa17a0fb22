// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The cardsnoop authors
 *
 * Attaching a snoop file.  For a process: pick its DRM client, copy that
 * file descriptor with pidfd_getfd(2) (where the kernel applies its ptrace
 * rules: PTRACE_MODE_ATTACH_REALCREDS, Yama, LSMs), find the GPU the file
 * belongs to (fstat → /sys/dev/char/226:MINOR/device/drm/cardN), open
 * /dev/dri/cardN-snoop and ATTACH it to the copy.  The copy is closed
 * afterwards: the attachment holds its own reference on the DRM file.
 *
 * Each failure is explained with what the call was working on: the process,
 * its fd and client id, the card.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cs_private.h"

/*
 * struct cs_target - the DRM file chosen in a process
 * @pid: the process, 0 when the caller gave its own fd.
 * @target_fd: the fd number in that process.
 * @card: card index, -1 until known.
 * @client_id: drm-client-id, 0 if unknown.
 * @comm: process name, "" if unknown.
 * @who: "PID 123 (app)" or "fd 5", for messages.
 */
struct cs_target {
	pid_t pid;
	int target_fd;
	int card;
	uint64_t client_id;
	char comm[32];
	char who[96];
};

static void cs_target_set_comm(struct cs_target *t, const char *comm)
{
	if (!comm || !*comm || t->comm[0])
		return;
	snprintf(t->comm, sizeof(t->comm), "%s", comm);
	snprintf(t->who, sizeof(t->who), "PID %d (%s)", (int)t->pid, t->comm);
}

static void cs_target_init(struct cs_target *t, pid_t pid)
{
	char path[64], comm[32];

	memset(t, 0, sizeof(*t));
	t->pid = pid;
	t->target_fd = -1;
	t->card = -1;
	snprintf(t->who, sizeof(t->who), "PID %d", (int)pid);
	if (pid > 0) {
		snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
		if (!cs_read_line(path, comm, sizeof(comm)))
			cs_target_set_comm(t, comm);
	}
}

/* Real uid of @pid from /proc/PID/status, or -1. */
static long cs_pid_uid(pid_t pid)
{
	char path[64], *text, *line;
	long uid = -1;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (cs_read_file(AT_FDCWD, path, &text) < 0)
		return -1;
	line = strstr(text, "\nUid:");
	if (line)
		uid = strtol(line + 5, NULL, 10);
	free(text);
	return uid;
}

/*
 * -EPERM from pidfd_getfd(): say which of the kernel's rules most likely
 * refused, from what can be seen: the uids, Yama's ptrace_scope.
 */
static int cs_fail_ptrace(struct cs_error *err, int code,
			  const struct cs_target *t)
{
	long tuid = cs_pid_uid(t->pid);
	uid_t uid = getuid();
	int scope = cs_ptrace_scope(NULL);
	char why[400];

	if (!err)
		return code;
	if (scope == 3)
		snprintf(why, sizeof(why),
			 "kernel.yama.ptrace_scope is 3, which forbids attaching to any process until reboot");
	else if (scope == 2 && uid != 0)
		snprintf(why, sizeof(why),
			 "kernel.yama.ptrace_scope is 2: only root (CAP_SYS_PTRACE) may attach");
	else if (tuid >= 0 && (uid_t)tuid != uid && uid != 0)
		snprintf(why, sizeof(why),
			 "it runs as uid %ld and you are uid %u: run as that user or as root%s",
			 tuid, (unsigned int)uid,
			 scope == 1 ? " (kernel.yama.ptrace_scope is 1: also only from an ancestor process)" : "");
	else if (scope == 1)
		snprintf(why, sizeof(why),
			 "kernel.yama.ptrace_scope is 1: only an ancestor of the target (or a process it named with prctl(PR_SET_PTRACER)) may attach; start the target from the debugger, or run as root");
	else
		snprintf(why, sizeof(why),
			 "different user, or kernel.yama.ptrace_scope is %d; the target may also be non-dumpable (setuid, prctl(PR_SET_DUMPABLE, 0)) or a security module refused",
			 scope < 0 ? 0 : scope);
	return cs_fail(err, code, "not allowed to debug %s: %s", t->who, why);
}

static bool cs_card_has_snoop(int card)
{
	char path[64];
	struct stat st;

	cs_snoop_node_path(card, path, sizeof(path));
	return !stat(path, &st) && S_ISCHR(st.st_mode);
}

/*
 * Same DRM file: same GPU and client id; without client ids (a driver that
 * shows no DRM fdinfo), kcmp(2) says whether two fds of the process share
 * one open file.
 */
static bool cs_same_file(const struct cs_client *a, const struct cs_client *b)
{
	if (a->card_index != b->card_index)
		return false;
	if (a->client_id && b->client_id)
		return a->client_id == b->client_id;
	if (a->fd == b->fd && a->pid == b->pid)
		return true;
	return a->pid == b->pid && !cs_kcmp_file(a->pid, a->fd, b->fd);
}

/*
 * Choose the DRM client of @t->pid that @o describes.  Fills @t, or fails
 * with -ESRCH, -EPERM, -ENOENT, -ENOTUNIQ (candidates in @err),
 * -EOPNOTSUPP, -ENOMEM.
 */
static int cs_pick_client(const struct cs_attach_opts *o, struct cs_target *t,
			  struct cs_error *err)
{
	struct cs_client **all = NULL, **cand = NULL;
	int i, j, n = 0, nc = 0, no_snoop = 0, ret;
	struct cs_client *c;
	char card[16];
	bool dup;

	ret = cs_scan_clients(NULL, t->pid, &all, &n, err);
	if (ret == -EACCES || ret == -EPERM) {
		/*
		 * The fds of another user's process cannot be listed.  With
		 * an explicit fd, let the kernel's own check decide.
		 */
		if (o->drm_fd >= 0) {
			t->target_fd = o->drm_fd;
			t->card = o->card;
			t->client_id = o->client_id;
			return 0;
		}
		return cs_fail_ptrace(err, -EPERM, t);
	}
	if (ret < 0)
		return ret;

	cand = calloc(n ? n : 1, sizeof(*cand));
	if (!cand) {
		ret = cs_fail(err, -ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		c = all[i];
		cs_target_set_comm(t, c->comm);
		if (o->drm_fd >= 0 && c->fd != o->drm_fd)
			continue;
		if (o->client_id && c->client_id != o->client_id)
			continue;
		if (o->card >= 0 && c->card_index != o->card)
			continue;
		for (dup = false, j = 0; j < nc && !dup; j++)
			dup = cs_same_file(cand[j], c);
		if (dup)
			continue;	/* a dup()ed fd: keep the lowest */
		if (c->card_index >= 0 && !cs_card_has_snoop(c->card_index)) {
			no_snoop++;
			continue;
		}
		cand[nc++] = c;
		all[i] = NULL;		/* moved */
	}

	if (nc == 1) {
		t->target_fd = cand[0]->fd;
		t->card = cand[0]->card_index;
		t->client_id = cand[0]->client_id;
		ret = 0;
	} else if (nc > 1) {
		char list[600] = "";
		size_t len = 0;

		for (i = 0; i < nc && len < sizeof(list) - 1; i++)
			len += snprintf(list + len, sizeof(list) - len,
					cand[i]->client_id ?
					"%sfd %d (%s, %s, client %llu)" :
					"%sfd %d (%s, %s)",
					i ? ", " : "", cand[i]->fd,
					cs_card_name(cand[i]->card_index, card,
						     sizeof(card)),
					cand[i]->driver ? cand[i]->driver : "unknown driver",
					(unsigned long long)cand[i]->client_id);
		ret = cs_fail(err, -ENOTUNIQ,
			      "%s has %d DRM clients: %s; choose one by fd or client id",
			      t->who, nc, list);
		cs_error_set_candidates(err, cand, nc);
		cand = NULL;
		nc = 0;
	} else if (no_snoop) {
		ret = cs_fail(err, -EOPNOTSUPP,
			      "%s uses only GPUs without a snoop node (/dev/dri/cardN-snoop): is the cardsnoop module loaded, and does the GPU's driver support it?",
			      t->who);
	} else if (o->drm_fd >= 0) {
		ret = cs_fail(err, -ENOENT,
			      "fd %d of %s is not an open DRM file%s", o->drm_fd,
			      t->who,
			      o->card >= 0 || o->client_id ?
			      " of the card and client id asked for" : "");
	} else if (o->client_id || o->card >= 0) {
		char sel[64] = "";

		if (o->client_id)
			snprintf(sel, sizeof(sel), " with client id %llu",
				 (unsigned long long)o->client_id);
		if (o->card >= 0)
			snprintf(sel + strlen(sel), sizeof(sel) - strlen(sel),
				 " on card%d", o->card);
		ret = cs_fail(err, -ENOENT, "%s has no DRM client%s", t->who,
			      sel);
	} else {
		ret = cs_fail(err, -ENOENT,
			      "%s has no DRM client: it has not opened a GPU (/dev/dri/*)",
			      t->who);
	}

out:
	if (cand) {
		cs_free_clients(cand, nc);
		free(cand);
	}
	cs_free_clients(all, n);
	free(all);
	return ret;
}

/* Copy @t's DRM fd into this process.  Returns the new fd or -errno. */
static int cs_getfd(struct cs_target *t, struct cs_error *err)
{
	int pidfd, fd;

	pidfd = cs_pidfd_open(t->pid);
	if (pidfd == -ESRCH)
		return cs_fail(err, -ESRCH, "no such process: PID %d",
			       (int)t->pid);
	if (pidfd == -ENOSYS)
		return cs_fail(err, -ENOSYS,
			       "this kernel has no pidfd_open(2): Linux 5.6 or later is needed");
	if (pidfd < 0)
		return cs_fail(err, pidfd, "pidfd_open(%d): %s", (int)t->pid,
			       cs_errno_desc(-pidfd));

	fd = cs_pidfd_getfd(pidfd, t->target_fd);
	close(pidfd);
	switch (fd) {
	case -EPERM:
		return cs_fail_ptrace(err, -EPERM, t);
	case -ESRCH:
		return cs_fail(err, -ESRCH, "%s has exited", t->who);
	case -EBADF:
		return cs_fail(err, -ENOENT,
			       "%s has no open fd %d (closed meanwhile?)",
			       t->who, t->target_fd);
	case -ENOSYS:
		return cs_fail(err, -ENOSYS,
			       "this kernel has no pidfd_getfd(2): Linux 5.6 or later is needed");
	default:
		if (fd < 0)
			return cs_fail(err, fd, "pidfd_getfd(%s, fd %d): %s",
				       t->who, t->target_fd,
				       cs_errno_desc(-fd));
		return fd;
	}
}

/* The card of open DRM file @fd; -EINVAL if it is not a DRM device. */
static int cs_card_of_fd(int fd, const char *what, struct cs_error *err)
{
	struct stat st;
	int card;

	if (fstat(fd, &st) < 0)
		return cs_fail(err, -errno, "%s: %s", what,
			       cs_errno_desc(errno));
	if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != CS_DRM_MAJOR)
		return cs_fail(err, -EINVAL,
			       "%s is not a DRM device (not /dev/dri/card* or renderD*)",
			       what);
	card = cs_card_of_rdev(NULL, st.st_rdev);
	if (card < 0)
		return cs_fail(err, card,
			       "%s: cannot find its GPU in /sys/dev/char/%u:%u/device/drm: %s",
			       what, major(st.st_rdev), minor(st.st_rdev),
			       cs_errno_desc(-card));
	return card;
}

/* Open the snoop node of @card; explains failures. */
static int cs_open_snoop(int card, bool readonly, char *node, size_t len,
			 struct cs_error *err)
{
	int fd, e;

	cs_snoop_node_path(card, node, len);
	/*
	 * Read/write even for a read-only attachment, which the kernel
	 * enforces: mmap(2) of an O_RDONLY file loses VM_SHARED, and a
	 * shared mapping is all the snoop file maps.  O_RDONLY only if that
	 * is all the caller may open.
	 */
	fd = open(node, O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 && errno == EACCES && readonly)
		fd = open(node, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd >= 0)
		return fd;
	e = errno;
	switch (e) {
	case ENOENT:
		return cs_fail(err, -EOPNOTSUPP,
			       "card%d has no snoop node %s: is the cardsnoop module loaded, and does the GPU's driver support it?",
			       card, node);
	case EACCES:
	case EPERM:
		return cs_fail(err, -EACCES,
			       "cannot open %s: permission denied; it should have the owner, group and mode of card%d's render node (see the cardsnoop udev rule), and you need to be allowed to open that",
			       node, card);
	case ENODEV:
	case ENXIO:
		return cs_fail(err, -ENODEV,
			       "card%d is gone (%s): the GPU was unplugged or its driver unbound",
			       card, node);
	default:
		return cs_fail(err, -e, "cannot open %s: %s", node,
			       cs_errno_desc(e));
	}
}

/* The VM ids of the DRM file @drm_fd, for a message: "1, 2". */
static void cs_vm_list(int snoop_fd, int drm_fd, char *buf, size_t len)
{
	struct cardsnoop_vm_desc vms[8];
	struct cardsnoop_vms q;
	size_t off = 0;
	unsigned int i;

	buf[0] = '\0';
	memset(&q, 0, sizeof(q));
	q.drm_fd = drm_fd;
	q.count = CS_ARRAY_SIZE(vms);
	q.stride = sizeof(vms[0]);
	q.vms_ptr = (uintptr_t)vms;
	if (cs_ioctl(snoop_fd, CARDSNOOP_IOCTL_VMS, &q) < 0)
		return;
	for (i = 0; i < CS_MIN(q.count, CS_ARRAY_SIZE(vms)) && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%llu", i ? ", " : "",
				(unsigned long long)vms[i].id);
	if (q.count > CS_ARRAY_SIZE(vms) && off < len)
		snprintf(buf + off, len - off, ", ...");
}

static int cs_fail_attach(struct cs_error *err, int code, int snoop_fd,
			  const struct cardsnoop_attach *a,
			  const struct cs_target *t, const char *node)
{
	bool kernel = a->flags & CARDSNOOP_ATTACH_KERNEL;
	char vms[128];

	switch (code) {
	case -EPERM:
		if (kernel)
			return cs_fail(err, code,
				       "the kernel VM of card%d needs CAP_SYS_ADMIN: run as root",
				       t->card);
		return cs_fail_ptrace(err, code, t);
	case -EXDEV:
		return cs_fail(err, code,
			       "fd %d of %s is a DRM file of another GPU than %s",
			       t->target_fd, t->who, node);
	case -EBUSY:
		return cs_fail(err, code, "%s is already attached", node);
	case -ENOENT:
		return cs_fail(err, code,
			       "the DRM file (fd %d of %s) has no VM %llu",
			       t->target_fd, t->who,
			       (unsigned long long)a->vm_id);
	case -EINVAL:
		if (!kernel && !a->vm_id) {
			cs_vm_list(snoop_fd, a->drm_fd, vms, sizeof(vms));
			if (strchr(vms, ','))
				return cs_fail(err, code,
					       "the DRM file (fd %d of %s) has several VMs (%s): choose one by VM id",
					       t->target_fd, t->who, vms);
		}
		return cs_fail(err, code,
			       "%s refused to attach to %s: not a DRM file of this GPU, or unsupported options (flags 0x%x)",
			       node, kernel ? "the kernel VM" : t->who,
			       a->flags);
	case -ENODEV:
		return cs_fail(err, code,
			       "card%d is gone: the GPU was unplugged or its driver unbound",
			       t->card);
	case -EOPNOTSUPP:
		return cs_fail(err, code, "%s does not support %s", node,
			       kernel ? "the kernel VM" : "this attach");
	case -ENOTTY:
		return cs_fail(err, -EOPNOTSUPP,
			       "%s does not understand the cardsnoop ioctls (another driver, or a much older cardsnoop?)",
			       node);
	default:
		return cs_fail(err, code, "cannot attach %s to %s: %s", node,
			       kernel ? "the kernel VM" : t->who,
			       cs_errno_desc(-code));
	}
}

/*
 * Open card @t->card's snoop node and attach it to @drm_fd (-1 with
 * CARDSNOOP_ATTACH_KERNEL).  On success *@out is the new handle.
 */
static int cs_do_attach(const struct cs_target *t, int drm_fd, uint32_t flags,
			uint64_t vm_id, struct cs_snoop **out,
			struct cs_error *err)
{
	struct cardsnoop_attach a;
	struct cardsnoop_info info;
	struct cs_snoop *s;
	long page;
	int ret;

	s = calloc(1, sizeof(*s));
	if (!s)
		return cs_fail(err, -ENOMEM, "out of memory");
	s->fd = cs_open_snoop(t->card, flags & CS_ATTACH_READONLY, s->node,
			      sizeof(s->node), err);
	if (s->fd < 0) {
		ret = s->fd;
		goto err_free;
	}

	memset(&info, 0, sizeof(info));
	ret = cs_ioctl(s->fd, CARDSNOOP_IOCTL_INFO, &info);
	if (ret == -ENOTTY) {
		ret = cs_fail(err, -EOPNOTSUPP,
			      "%s does not understand the cardsnoop ioctls (another driver, or a much older cardsnoop?)",
			      s->node);
		goto err_close;
	}
	if (ret < 0) {
		ret = ret == -ENODEV ?
		      cs_fail(err, ret, "card%d is gone: the GPU was unplugged or its driver unbound", t->card) :
		      cs_fail(err, ret, "%s: INFO: %s", s->node, cs_errno_desc(-ret));
		goto err_close;
	}

	memset(&a, 0, sizeof(a));
	a.drm_fd = drm_fd;
	a.flags = flags;
	a.vm_id = vm_id;
	ret = cs_ioctl(s->fd, CARDSNOOP_IOCTL_ATTACH, &a);
	if (ret < 0) {
		ret = cs_fail_attach(err, ret, s->fd, &a, t, s->node);
		goto err_close;
	}

	page = sysconf(_SC_PAGESIZE);
	s->page_size = page > 0 ? (size_t)page : 4096;
	memcpy(s->driver, info.driver, sizeof(s->driver));
	s->driver[sizeof(s->driver) - 1] = '\0';
	snprintf(s->comm, sizeof(s->comm), "%s", t->comm);
	s->info.struct_size = sizeof(s->info);
	s->info.flags = flags;
	s->info.pid = t->pid;
	s->info.owner_pid = a.owner_pid;
	s->info.drm_fd = t->target_fd;
	s->info.card_index = t->card;
	s->info.client_id = a.client_id;
	s->info.vm_id = vm_id;
	s->info.api_version = info.api_version;
	s->info.va_bits = info.va_bits;
	s->info.va_start = cs_offset_to_va(info.va_bits, a.va_start);
	s->info.va_last = cs_offset_to_va(info.va_bits, a.va_end ? a.va_end - 1 : 0);
	s->info.vram_size = info.vram_size;
	s->info.caps = info.caps;
	s->info.driver = s->driver;
	s->info.snoop_node = s->node;
	s->info.comm = s->comm[0] ? s->comm : NULL;
	*out = s;
	return 0;

err_close:
	close(s->fd);
err_free:
	free(s);
	return ret;
}

static int cs_check_opts(const struct cs_attach_opts *o, struct cs_attach_opts *copy,
			 uint32_t allowed, struct cs_error *err)
{
	static const struct cs_attach_opts defaults = CS_ATTACH_OPTS_INIT;

	*copy = defaults;
	if (!o)
		return 0;
	if (o->struct_size < offsetof(struct cs_attach_opts, vm_id) + sizeof(o->vm_id))
		return cs_fail(err, -EINVAL,
			       "struct cs_attach_opts: struct_size %u is too small (start from CS_ATTACH_OPTS_INIT)",
			       o->struct_size);
	memcpy(copy, o, CS_MIN(o->struct_size, sizeof(*copy)));
	copy->struct_size = sizeof(*copy);
	if (copy->flags & ~allowed)
		return cs_fail(err, -EINVAL, "unknown attach flags 0x%x",
			       copy->flags & ~allowed);
	if (copy->drm_fd < -1 || copy->card < -1)
		return cs_fail(err, -EINVAL,
			       "struct cs_attach_opts: drm_fd and card must be -1 or an index");
	return 0;
}

cs_public int cs_attach_pid(pid_t pid, const struct cs_attach_opts *opts,
			    struct cs_snoop **snoop, struct cs_error *err)
{
	struct cs_attach_opts o;
	struct cs_target t;
	int fd, card, ret;
	char what[128];

	if (!snoop)
		return cs_fail(err, -EINVAL, "cs_attach_pid: snoop is NULL");
	*snoop = NULL;
	ret = cs_check_opts(opts, &o, CS_ATTACH_READONLY | CS_ATTACH_ZERO_HOLES,
			    err);
	if (ret < 0)
		return ret;
	if (pid <= 0)
		return cs_fail(err, -ESRCH, "no such process: PID %d", (int)pid);

	cs_target_init(&t, pid);
	ret = cs_pick_client(&o, &t, err);
	if (ret < 0)
		return ret;
	fd = cs_getfd(&t, err);
	if (fd < 0)
		return fd;

	/* The file the fd names now is what counts (it may have changed). */
	snprintf(what, sizeof(what), "fd %d of %s", t.target_fd, t.who);
	card = cs_card_of_fd(fd, what, err);
	if (card < 0) {
		close(fd);
		return card;
	}
	t.card = card;
	ret = cs_do_attach(&t, fd, o.flags, o.vm_id, snoop, err);
	close(fd);
	return ret;
}

cs_public int cs_attach_fd(int drm_fd, const struct cs_attach_opts *opts,
			   struct cs_snoop **snoop, struct cs_error *err)
{
	struct cs_attach_opts o;
	struct cs_target t;
	int card, ret;

	if (!snoop)
		return cs_fail(err, -EINVAL, "cs_attach_fd: snoop is NULL");
	*snoop = NULL;
	ret = cs_check_opts(opts, &o, CS_ATTACH_READONLY | CS_ATTACH_ZERO_HOLES,
			    err);
	if (ret < 0)
		return ret;
	cs_target_init(&t, 0);
	snprintf(t.who, sizeof(t.who), "this process");
	t.target_fd = drm_fd;
	if (drm_fd < 0 || fcntl(drm_fd, F_GETFD) < 0)
		return cs_fail(err, -EBADF, "fd %d is not open", drm_fd);
	{
		char what[32];

		snprintf(what, sizeof(what), "fd %d", drm_fd);
		card = cs_card_of_fd(drm_fd, what, err);
	}
	if (card < 0)
		return card;
	t.card = card;
	return cs_do_attach(&t, drm_fd, o.flags, o.vm_id, snoop, err);
}

/* The only card with a snoop node, or -ENOENT / -ENOTUNIQ. */
static int cs_only_snoop_card(struct cs_error *err)
{
	char list[256] = "";
	struct dirent *de;
	int card = -1, n = 0;
	size_t len = 0;
	DIR *dir;
	char *dash;
	long idx;

	dir = opendir("/dev/dri");
	if (dir) {
		while ((de = readdir(dir))) {
			dash = strstr(de->d_name, "-snoop");
			if (strncmp(de->d_name, "card", 4) || !dash ||
			    strcmp(dash, "-snoop"))
				continue;
			*dash = '\0';
			idx = cs_parse_index(de->d_name + 4);
			if (idx < 0)
				continue;
			if (len < sizeof(list))
				len += snprintf(list + len, sizeof(list) - len,
						"%scard%ld", n ? ", " : "", idx);
			card = (int)idx;
			n++;
		}
		closedir(dir);
	}
	if (n == 0)
		return cs_fail(err, -ENOENT,
			       "no GPU has a snoop node (/dev/dri/cardN-snoop): is the cardsnoop module loaded?");
	if (n > 1)
		return cs_fail(err, -ENOTUNIQ,
			       "several GPUs have a snoop node (%s): choose one by card index",
			       list);
	return card;
}

cs_public int cs_attach_kernel(const struct cs_attach_opts *opts,
			       struct cs_snoop **snoop, struct cs_error *err)
{
	struct cs_attach_opts o;
	struct cs_target t;
	int ret;

	if (!snoop)
		return cs_fail(err, -EINVAL, "cs_attach_kernel: snoop is NULL");
	*snoop = NULL;
	ret = cs_check_opts(opts, &o, CS_ATTACH_READONLY | CS_ATTACH_ZERO_HOLES |
				      CS_ATTACH_KERNEL, err);
	if (ret < 0)
		return ret;
	cs_target_init(&t, 0);
	t.card = o.card >= 0 ? o.card : cs_only_snoop_card(err);
	if (t.card < 0)
		return t.card;
	snprintf(t.who, sizeof(t.who), "the kernel VM of card%d", t.card);
	return cs_do_attach(&t, -1, o.flags | CS_ATTACH_KERNEL, 0, snoop, err);
}

cs_public void cs_snoop_close(struct cs_snoop *snoop)
{
	if (!snoop)
		return;
	close(snoop->fd);
	free(snoop);
}

cs_public const struct cs_snoop_info *cs_snoop_get_info(const struct cs_snoop *snoop)
{
	return snoop ? &snoop->info : NULL;
}

cs_public int cs_snoop_get_fd(const struct cs_snoop *snoop)
{
	return snoop ? snoop->fd : -EINVAL;
}

cs_public void cs_free_vms(struct cs_vm *vms[], int count)
{
	int i;

	if (!vms)
		return;
	for (i = 0; i < count; i++) {
		free(vms[i]);
		vms[i] = NULL;
	}
}

cs_public int cs_get_vms(pid_t pid, const struct cs_attach_opts *opts,
			 struct cs_vm *vms[], int max, struct cs_error *err)
{
	struct cardsnoop_vm_desc *desc = NULL, *nd;
	struct cs_attach_opts o;
	struct cardsnoop_info info;
	struct cardsnoop_vms q;
	struct cs_target t;
	int fd = -1, sfd = -1, card, ret, i, n;
	char node[64], what[128];
	unsigned int room = 0;

	ret = cs_check_opts(opts, &o, CS_ATTACH_READONLY | CS_ATTACH_ZERO_HOLES,
			    err);
	if (ret < 0)
		return ret;
	if (vms && max < 0)
		return cs_fail(err, -EINVAL, "cs_get_vms: negative max");
	if (pid <= 0)
		return cs_fail(err, -ESRCH, "no such process: PID %d", (int)pid);
	cs_target_init(&t, pid);
	ret = cs_pick_client(&o, &t, err);
	if (ret < 0)
		return ret;
	fd = cs_getfd(&t, err);
	if (fd < 0)
		return fd;
	snprintf(what, sizeof(what), "fd %d of %s", t.target_fd, t.who);
	card = cs_card_of_fd(fd, what, err);
	if (card < 0) {
		ret = card;
		goto out;
	}
	t.card = card;
	sfd = cs_open_snoop(card, true, node, sizeof(node), err);
	if (sfd < 0) {
		ret = sfd;
		goto out;
	}
	memset(&info, 0, sizeof(info));
	ret = cs_ioctl(sfd, CARDSNOOP_IOCTL_INFO, &info);
	if (ret < 0) {
		ret = cs_fail(err, ret, "%s: INFO: %s", node, cs_errno_desc(-ret));
		goto out;
	}

	/* Count, then fetch; again if VMs were created in between. */
	for (;;) {
		memset(&q, 0, sizeof(q));
		q.drm_fd = fd;
		q.count = room;
		q.stride = sizeof(*desc);
		q.vms_ptr = (uintptr_t)desc;
		ret = cs_ioctl(sfd, CARDSNOOP_IOCTL_VMS, &q);
		if (ret < 0) {
			ret = cs_fail(err, ret, "cannot list the VMs of %s: %s",
				      what, cs_errno_desc(-ret));
			goto out;
		}
		if (q.count <= room)
			break;
		room = q.count;
		nd = realloc(desc, room * sizeof(*nd));
		if (!nd) {
			ret = cs_fail(err, -ENOMEM, "out of memory");
			goto out;
		}
		desc = nd;
	}
	n = (int)q.count;
	if (!vms) {
		ret = n;
		goto out;
	}
	n = CS_MIN(n, max);
	for (i = 0; i < n; i++) {
		vms[i] = calloc(1, sizeof(**vms));
		if (!vms[i]) {
			cs_free_vms(vms, i);
			ret = cs_fail(err, -ENOMEM, "out of memory");
			goto out;
		}
		vms[i]->struct_size = sizeof(**vms);
		vms[i]->flags = desc[i].flags;
		vms[i]->id = desc[i].id;
		vms[i]->va_start = cs_offset_to_va(info.va_bits, desc[i].va_start);
		vms[i]->va_last = cs_offset_to_va(info.va_bits,
						  desc[i].va_end ? desc[i].va_end - 1 : 0);
	}
	ret = n;
out:
	free(desc);
	if (sfd >= 0)
		close(sfd);
	close(fd);
	return ret;
}
