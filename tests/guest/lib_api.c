// SPDX-License-Identifier: MIT
/*
 * libcardsnoop in the VM: every call against simgpu, through a target
 * process (a child of this test) that holds a simgpu DRM file with
 *
 *   VA_SYS  0x100000            64 KiB system buffer A, pattern 1
 *   VA_RO   0x300000            64 KiB of A again, GPU read-only
 *   VA_SPRS 0x400000            64 KiB sparse
 *   VA_HI   0xffff800000200000  64 KiB VRAM buffer B, pattern 2 (high half)
 *
 * and answers commands on a pipe (read/write its CPU view of A and B, open
 * a second DRM file, dup its fd, exit), so the tests can check that what the
 * library writes is what the target sees.
 *
 * devices:   devices_lists_simgpu, devices_snoop_only
 * clients:   clients_of_target, clients_all_has_target,
 *            clients_while_targets_exit
 * attach:    attach_only_client, attach_by_fd, attach_by_client_id,
 *            attach_dup_is_one_client, attach_ambiguous, attach_no_such_fd,
 *            attach_exited_target, attach_other_uid_refused,
 *            attach_other_uid_fd_refused, attach_fd_self, get_vms,
 *            attach_kernel, attach_kernel_unprivileged
 * io:        read_system, read_high_canonical_and_offset_form,
 *            read_short_at_hole, read_hole_eio, read_zero_holes,
 *            read_bad_va, write_target_sees, write_gpu_readonly,
 *            write_readonly_attach, map_system_coherent, map_unaligned,
 *            map_readonly_attach_writable, map_vram_sync, refresh,
 *            resolve_system, resolve_vram, resolve_readonly_perms,
 *            resolve_hole, mappings_callback, mappings_iterator,
 *            mappings_range, mappings_count, mappings_many_batches,
 *            seek_data_hole, seek_past_end, raw_fd
 * events:    events_replay, events_live_bind_unbind, events_wait_blocks,
 *            events_poll_and_target_exit, event_type_names
 * lifecycle: target_exits_mid_read
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cardsnoop.h>

#include "cs_guest.h"
#include "cstest.h"

#define VA_SYS	0x100000ull
#define VA_RO	0x300000ull
#define VA_SPRS	0x400000ull
#define VA_HI	0xffff800000200000ull
#define VA_HI_OFF 0x800000200000ull
#define VA_MANY	0x10000000ull
#define BO_SIZE	SZ_64K
#define N_MANY	600

enum { T_READ = 1, T_WRITE, T_OPEN2, T_DUP, T_EXIT, T_BIND, T_UNBIND };

struct tcmd {
	uint32_t op;
	uint32_t bo;		/* 0: A, 1: B */
	uint64_t off;
	uint64_t len;		/* T_READ: bytes (<= 4096) */
	uint32_t val;		/* T_WRITE: dword */
	uint32_t pad;
};

struct tready {
	int32_t status;		/* 0, or -errno of the setup step that failed */
	int32_t drm_fd;
	uint64_t bo_a_id;
	uint64_t bo_b_id;
};

struct target {
	pid_t pid;
	int cmd;		/* to the target */
	int rep;		/* from the target */
	struct tready ready;
};

static struct target tgt;
static struct cs_error *err;

/* ---- the target process --------------------------------------------- */

static int full_read(int fd, void *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = read(fd, (char *)buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += n;
	}
	return 0;
}

static int full_write(int fd, const void *buf, size_t len)
{
	return write(fd, buf, len) == (ssize_t)len ? 0 : -1;
}

#define TRY(step)						\
	do {							\
		int __r = (step);				\
		if (__r < 0) {					\
			r.status = __r;				\
			goto report;				\
		}						\
	} while (0)

static void target_main(int cmd, int rep, bool many)
{
	struct tready r = { 0 };
	uint32_t ha, hb;
	uint8_t *map[2] = { NULL, NULL }, buf[4096];
	struct tcmd c;
	int fd, i, other;

	fd = sg_open(0);
	TRY(fd);
	r.drm_fd = fd;
	TRY(sg_bo_create(fd, BO_SIZE, SIMGPU_PLACEMENT_SYSTEM, 0, &ha,
			 &r.bo_a_id));
	TRY(sg_bo_create(fd, BO_SIZE, SIMGPU_PLACEMENT_VRAM, SIMGPU_BO_PINNED,
			 &hb, &r.bo_b_id));
	map[0] = sg_bo_map(fd, ha, BO_SIZE);
	map[1] = sg_bo_map(fd, hb, BO_SIZE);
	if (!map[0] || !map[1]) {
		r.status = -ENOMEM;
		goto report;
	}
	fill_pattern(map[0], BO_SIZE, 1);
	fill_pattern(map[1], BO_SIZE, 2);
	TRY(sg_bind(fd, ha, VA_SYS, BO_SIZE, 0, 0));
	TRY(sg_bind(fd, ha, VA_RO, BO_SIZE, 0, SIMGPU_BIND_READONLY));
	TRY(sg_bind(fd, 0, VA_SPRS, BO_SIZE, 0, SIMGPU_BIND_SPARSE));
	TRY(sg_bind(fd, hb, VA_HI, BO_SIZE, 0, 0));
	for (i = 0; many && i < N_MANY; i++)
		TRY(sg_bind(fd, ha, VA_MANY + i * 2 * SZ_4K, SZ_4K,
			    (i % 16) * SZ_4K, 0));
report:
	if (full_write(rep, &r, sizeof(r)) || r.status)
		_exit(1);

	while (!full_read(cmd, &c, sizeof(c))) {
		switch (c.op) {
		case T_READ:
			if (c.len > sizeof(buf) || c.off + c.len > BO_SIZE)
				_exit(2);
			memcpy(buf, map[c.bo & 1] + c.off, c.len);
			full_write(rep, buf, c.len);
			break;
		case T_WRITE:
			*(volatile uint32_t *)(map[c.bo & 1] + c.off) = c.val;
			full_write(rep, &c.val, sizeof(c.val));
			break;
		case T_OPEN2:
			other = sg_open(0);
			full_write(rep, &other, sizeof(other));
			break;
		case T_DUP:
			other = dup(fd);
			full_write(rep, &other, sizeof(other));
			break;
		case T_BIND:		/* buffer A at VA off, len bytes */
			other = sg_bind(fd, ha, c.off, c.len, 0, 0);
			full_write(rep, &other, sizeof(other));
			break;
		case T_UNBIND:
			other = sg_unbind(fd, c.off, c.len);
			full_write(rep, &other, sizeof(other));
			break;
		case T_EXIT:
		default:
			_exit(0);
		}
	}
	_exit(0);
}

static void target_start(struct target *t, bool many)
{
	int cmd[2], rep[2];

	ck_assert_int_eq(pipe2(cmd, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(rep, O_CLOEXEC), 0);
	t->pid = fork();
	ck_assert_int_ge(t->pid, 0);
	if (!t->pid) {
		close(cmd[1]);
		close(rep[0]);
		target_main(cmd[0], rep[1], many);
	}
	close(cmd[0]);
	close(rep[1]);
	t->cmd = cmd[1];
	t->rep = rep[0];
	ck_assert_int_eq(full_read(t->rep, &t->ready, sizeof(t->ready)), 0);
	ck_assert_msg(t->ready.status == 0, "target setup failed: %d",
		      t->ready.status);
}

static void target_stop(struct target *t)
{
	if (t->pid <= 0)
		return;
	kill(t->pid, SIGKILL);
	waitpid(t->pid, NULL, 0);
	close(t->cmd);
	close(t->rep);
	t->pid = 0;
}

static void target_cmd(struct target *t, uint32_t op, uint32_t bo,
		       uint64_t off, uint64_t len, uint32_t val, void *reply,
		       size_t rlen)
{
	struct tcmd c = { .op = op, .bo = bo, .off = off, .len = len,
			  .val = val };

	ck_assert_int_eq(full_write(t->cmd, &c, sizeof(c)), 0);
	if (rlen)
		ck_assert_int_eq(full_read(t->rep, reply, rlen), 0);
}

static uint32_t target_read32(struct target *t, uint32_t bo, uint64_t off)
{
	uint32_t v;

	target_cmd(t, T_READ, bo, off, sizeof(v), 0, &v, sizeof(v));
	return v;
}

static int target_new_fd(struct target *t, uint32_t op)
{
	int fd;

	target_cmd(t, op, 0, 0, 0, 0, &fd, sizeof(fd));
	ck_assert_int_ge(fd, 0);
	return fd;
}

/* ---- fixtures ------------------------------------------------------- */

static void setup_err(void)
{
	err = cs_error_new();
	ck_assert_ptr_nonnull(err);
}

static void teardown_err(void)
{
	cs_error_free(err);
	err = NULL;
}

static void setup_target(void)
{
	setup_err();
	target_start(&tgt, false);
}

static void teardown_target(void)
{
	target_stop(&tgt);
	teardown_err();
}

#define ck_ok(expr)							\
	do {								\
		long __r = (long)(expr);				\
		ck_assert_msg(__r >= 0, "%s = %ld: %s", #expr, __r,	\
			      cs_error_message(err));			\
	} while (0)

#define ck_msg_has(needle)						\
	ck_assert_msg(strstr(cs_error_message(err), needle),		\
		      "message \"%s\" lacks \"%s\"",			\
		      cs_error_message(err), needle)

static struct cs_snoop *attach(uint32_t flags)
{
	struct cs_attach_opts o = CS_ATTACH_OPTS_INIT;
	struct cs_snoop *s = NULL;

	o.flags = flags;
	ck_ok(cs_attach_pid(tgt.pid, &o, &s, err));
	ck_assert_ptr_nonnull(s);
	return s;
}

static void pattern(void *buf, size_t size, uint32_t seed)
{
	fill_pattern(buf, size, seed);
}

/* ---- devices -------------------------------------------------------- */

/* simgpu is found, with its snoop node and INFO. */
START_TEST(devices_lists_simgpu)
{
	struct cs_device *d[16];
	int n, i, found = 0;

	n = cs_get_devices(0, d, 16, err);
	ck_ok(n);
	for (i = 0; i < n; i++) {
		if (!d[i]->driver || strcmp(d[i]->driver, "simgpu"))
			continue;
		found++;
		ck_assert_ptr_nonnull(d[i]->snoop_node);
		ck_assert_int_eq(d[i]->info_status, 0);
		ck_assert_uint_eq(d[i]->va_bits, 48);
		ck_assert_uint_gt(d[i]->vram_size, 0);
		ck_assert_uint_ge(d[i]->api_version, 1);
		ck_assert_ptr_nonnull(d[i]->render_node);
		ck_assert_str_eq(d[i]->bus, "pci");
		ck_assert_uint_eq(d[i]->vendor_id, 0x1af4);
		ck_assert_uint_eq(d[i]->device_id, 0x1110);
	}
	ck_assert_int_ge(found, 1);
	cs_free_devices(d, n);
}
END_TEST

/* CS_DEVICES_SNOOP_ONLY keeps the simgpu GPUs. */
START_TEST(devices_snoop_only)
{
	struct cs_device *d[16];
	int n, i;

	n = cs_get_devices(CS_DEVICES_SNOOP_ONLY, d, 16, err);
	ck_ok(n);
	ck_assert_int_ge(n, 1);
	for (i = 0; i < n; i++)
		ck_assert_ptr_nonnull(d[i]->snoop_node);
	cs_free_devices(d, n);
}
END_TEST

/* ---- clients -------------------------------------------------------- */

/* The target's one DRM file, as fdinfo shows it. */
START_TEST(clients_of_target)
{
	struct cs_client *c[8];
	int n;

	n = cs_get_clients(tgt.pid, c, 8, err);
	ck_ok(n);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(c[0]->fd, tgt.ready.drm_fd);
	ck_assert_str_eq(c[0]->driver, "simgpu");
	ck_assert_uint_gt(c[0]->client_id, 0);
	ck_assert_int_ge(c[0]->card_index, 0);
	ck_assert_int_eq(c[0]->node_type, CS_NODE_RENDER);
	ck_assert_ptr_nonnull(c[0]->comm);
	ck_assert_uint_ge(c[0]->n_memory, 1);
	cs_free_clients(c, n);
}
END_TEST

/* Scanning every process finds the target. */
START_TEST(clients_all_has_target)
{
	struct cs_client *c[256];
	int n, i, found = 0;

	n = cs_get_clients(0, c, 256, err);
	ck_ok(n);
	for (i = 0; i < n; i++)
		found += c[i]->pid == tgt.pid;
	ck_assert_int_eq(found, 1);
	cs_free_clients(c, n);
}
END_TEST

/* Targets that come and go while every process is scanned. */
START_TEST(clients_while_targets_exit)
{
	struct cs_client *c[256];
	struct target t[4];
	int i, j, n;

	for (i = 0; i < 20; i++) {
		for (j = 0; j < 4; j++)
			target_start(&t[j], false);
		for (j = 0; j < 4; j++)
			kill(t[j].pid, SIGKILL);
		n = cs_get_clients(0, c, 256, err);	/* races the exits */
		ck_ok(n);
		cs_free_clients(c, n);
		for (j = 0; j < 4; j++)
			target_stop(&t[j]);
	}
}
END_TEST

/* ---- attach --------------------------------------------------------- */

/* The only DRM client is chosen; the info describes it. */
START_TEST(attach_only_client)
{
	const struct cs_snoop_info *i;
	struct cs_client *c[2];
	struct cs_snoop *s = attach(0);

	ck_assert_int_eq(cs_get_clients(tgt.pid, c, 2, NULL), 1);
	i = cs_snoop_get_info(s);
	ck_assert_uint_eq(i->struct_size, sizeof(*i));
	ck_assert_int_eq(i->pid, tgt.pid);
	ck_assert_int_eq(i->owner_pid, tgt.pid);
	ck_assert_int_eq(i->drm_fd, tgt.ready.drm_fd);
	ck_assert_int_eq(i->card_index, c[0]->card_index);
	ck_assert_uint_eq(i->client_id, c[0]->client_id);
	ck_assert_uint_eq(i->va_bits, 48);
	ck_assert_str_eq(i->driver, "simgpu");
	ck_assert_ptr_nonnull(i->comm);
	ck_assert_uint_le(i->va_start, VA_SYS);
	cs_free_clients(c, 1);
	cs_snoop_close(s);
}
END_TEST

START_TEST(attach_by_fd)
{
	struct cs_attach_opts o = CS_ATTACH_OPTS_INIT;
	struct cs_snoop *s;

	o.drm_fd = tgt.ready.drm_fd;
	ck_ok(cs_attach_pid(tgt.pid, &o, &s, err));
	ck_assert_int_eq(cs_snoop_get_info(s)->drm_fd, tgt.ready.drm_fd);
	cs_snoop_close(s);
}
END_TEST

START_TEST(attach_by_client_id)
{
	struct cs_attach_opts o = CS_ATTACH_OPTS_INIT;
	struct cs_client *c[2];
	struct cs_snoop *s;

	ck_assert_int_eq(cs_get_clients(tgt.pid, c, 2, NULL), 1);
	o.client_id = c[0]->client_id;
	ck_ok(cs_attach_pid(tgt.pid, &o, &s, err));
	ck_assert_uint_eq(cs_snoop_get_info(s)->client_id, c[0]->client_id);
	cs_snoop_close(s);
	o.client_id = c[0]->client_id + 1000;
	ck_assert_int_eq(cs_attach_pid(tgt.pid, &o, &s, err), -ENOENT);
	ck_msg_has("has no DRM client with client id");
	cs_free_clients(c, 1);
}
END_TEST

/* A dup()ed fd is the same DRM file: still one client to choose. */
START_TEST(attach_dup_is_one_client)
{
	struct cs_snoop *s;

	target_new_fd(&tgt, T_DUP);
	ck_assert_int_eq(cs_get_clients(tgt.pid, NULL, 0, NULL), 2);
	ck_ok(cs_attach_pid(tgt.pid, NULL, &s, err));
	ck_assert_int_eq(cs_snoop_get_info(s)->drm_fd, tgt.ready.drm_fd);
	cs_snoop_close(s);
}
END_TEST

/* Two DRM files: -ENOTUNIQ, the candidates, then a choice that works. */
START_TEST(attach_ambiguous)
{
	struct cs_attach_opts o = CS_ATTACH_OPTS_INIT;
	const struct cs_client *cand[4];
	struct cs_snoop *s = (void *)1;
	char want[32];
	int fd2, n;

	fd2 = target_new_fd(&tgt, T_OPEN2);
	ck_assert_int_eq(cs_attach_pid(tgt.pid, NULL, &s, err), -ENOTUNIQ);
	ck_assert_ptr_null(s);
	ck_msg_has("has 2 DRM clients");
	snprintf(want, sizeof(want), "fd %d (", fd2);
	ck_msg_has(want);
	ck_assert_int_eq(cs_error_get_candidates(err, NULL, 0), 2);
	n = cs_error_get_candidates(err, cand, 4);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(cand[0]->fd, tgt.ready.drm_fd);
	ck_assert_int_eq(cand[1]->fd, fd2);
	ck_assert_uint_ne(cand[0]->client_id, cand[1]->client_id);

	o.client_id = cand[1]->client_id;
	ck_ok(cs_attach_pid(tgt.pid, &o, &s, err));
	ck_assert_int_eq(cs_snoop_get_info(s)->drm_fd, fd2);
	cs_snoop_close(s);
	/* The second file has nothing mapped. */
	o.client_id = 0;
	o.drm_fd = fd2;
	ck_ok(cs_attach_pid(tgt.pid, &o, &s, err));
	ck_assert_int_eq(cs_read(s, VA_SYS, want, 4, err), -EIO);
	cs_snoop_close(s);
}
END_TEST

START_TEST(attach_no_such_fd)
{
	struct cs_attach_opts o = CS_ATTACH_OPTS_INIT;
	struct cs_snoop *s;

	o.drm_fd = 999;
	ck_assert_int_eq(cs_attach_pid(tgt.pid, &o, &s, err), -ENOENT);
	ck_msg_has("fd 999 of PID");
}
END_TEST

START_TEST(attach_exited_target)
{
	struct cs_snoop *s;
	char want[64];
	pid_t pid = tgt.pid;

	target_stop(&tgt);
	ck_assert_int_eq(cs_attach_pid(pid, NULL, &s, err), -ESRCH);
	snprintf(want, sizeof(want), "no such process: PID %d", (int)pid);
	ck_assert_str_eq(cs_error_message(err), want);
}
END_TEST

struct other_uid_arg {
	pid_t pid;
	int drm_fd;
};

static int other_uid_attach(void *p)
{
	struct other_uid_arg *a = p;
	struct cs_attach_opts o = CS_ATTACH_OPTS_INIT;
	struct cs_error *e = cs_error_new();
	struct cs_snoop *s;
	char want[64];
	int ret;

	o.drm_fd = a->drm_fd;
	ret = cs_attach_pid(a->pid, &o, &s, e);
	snprintf(want, sizeof(want), "not allowed to debug PID %d", (int)a->pid);
	if (ret != -EPERM || !strstr(cs_error_message(e), want) ||
	    !strstr(cs_error_message(e), "uid 0 and you are uid 65534")) {
		fprintf(stderr, "# other uid: %d: %s\n", ret, cs_error_message(e));
		ret = 1;
	} else {
		ret = 0;
	}
	cs_error_free(e);
	return ret;
}

/* Another uid may not attach (fdinfo unreadable, then pidfd_getfd). */
START_TEST(attach_other_uid_refused)
{
	struct other_uid_arg a = { tgt.pid, -1 };
	int status = run_as(65534, other_uid_attach, &a);

	ck_assert_msg(WIFEXITED(status) && !WEXITSTATUS(status),
		      "status 0x%x", status);
}
END_TEST

START_TEST(attach_other_uid_fd_refused)
{
	struct other_uid_arg a = { tgt.pid, tgt.ready.drm_fd };
	int status = run_as(65534, other_uid_attach, &a);

	ck_assert_msg(WIFEXITED(status) && !WEXITSTATUS(status),
		      "status 0x%x", status);
}
END_TEST

/* A process attaches to its own DRM file. */
START_TEST(attach_fd_self)
{
	uint8_t *map, buf[64], want[64];
	struct cs_snoop *s;
	uint32_t h;
	uint64_t id;
	int fd;

	fd = sg_open(0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(sg_bo_create(fd, SZ_4K, SIMGPU_PLACEMENT_SYSTEM, 0,
				      &h, &id), 0);
	map = sg_bo_map(fd, h, SZ_4K);
	ck_assert_ptr_nonnull(map);
	pattern(map, SZ_4K, 7);
	ck_assert_int_eq(sg_bind(fd, h, VA_SYS, SZ_4K, 0, 0), 0);
	ck_ok(cs_attach_fd(fd, NULL, &s, err));
	ck_assert_int_eq(cs_snoop_get_info(s)->pid, 0);
	ck_assert_int_eq(cs_snoop_get_info(s)->owner_pid, getpid());
	ck_assert_int_eq(cs_read(s, VA_SYS, buf, sizeof(buf), err), sizeof(buf));
	pattern(want, sizeof(want), 7);
	ck_assert_mem_eq(buf, want, sizeof(buf));
	cs_snoop_close(s);
	munmap(map, SZ_4K);
	close(fd);
}
END_TEST

/* simgpu has one VM per file. */
START_TEST(get_vms)
{
	struct cs_vm *v[4];
	int n;

	ck_assert_int_eq(cs_get_vms(tgt.pid, NULL, NULL, 0, err), 1);
	n = cs_get_vms(tgt.pid, NULL, v, 4, err);
	ck_assert_int_eq(n, 1);
	ck_assert_uint_eq(v[0]->struct_size, sizeof(struct cs_vm));
	ck_assert_uint_le(v[0]->va_start, VA_SYS);
	ck_assert_uint_ge(v[0]->va_last, VA_HI);
	cs_free_vms(v, n);
}
END_TEST

/* The kernel VM: simgpu's ring at its canonical address. */
START_TEST(attach_kernel)
{
	struct drm_simgpu_ring_header h;
	struct cs_snoop *s;
	int ret;

	ret = cs_attach_kernel(NULL, &s, err);
	ck_ok(ret);
	ck_assert_uint_eq(cs_snoop_get_info(s)->client_id, 0);
	ck_assert_int_eq(cs_snoop_get_info(s)->drm_fd, -1);
	ck_assert_int_eq(cs_read(s, SIMGPU_KERNEL_RING_VA, &h, sizeof(h), err),
			 sizeof(h));
	ck_assert_uint_eq(h.magic, SIMGPU_RING_MAGIC);
	cs_snoop_close(s);
}
END_TEST

static int kernel_unprivileged(void *p)
{
	struct cs_error *e = cs_error_new();
	struct cs_snoop *s;
	int ret;

	ret = cs_attach_kernel(NULL, &s, e);
	ret = ret == -EPERM && strstr(cs_error_message(e), "CAP_SYS_ADMIN") ? 0 : 1;
	if (ret)
		fprintf(stderr, "# kernel VM: %s\n", cs_error_message(e));
	cs_error_free(e);
	return ret;
}

START_TEST(attach_kernel_unprivileged)
{
	int status = run_as(65534, kernel_unprivileged, NULL);

	ck_assert_msg(WIFEXITED(status) && !WEXITSTATUS(status),
		      "status 0x%x", status);
}
END_TEST

/* ---- io ------------------------------------------------------------- */

static struct cs_snoop *snoop;

static void setup_io(void)
{
	setup_target();
	snoop = attach(0);
}

static void teardown_io(void)
{
	cs_snoop_close(snoop);
	snoop = NULL;
	teardown_target();
}

START_TEST(read_system)
{
	static uint8_t buf[BO_SIZE], want[BO_SIZE];

	ck_assert_int_eq(cs_read(snoop, VA_SYS, buf, BO_SIZE, err), BO_SIZE);
	pattern(want, BO_SIZE, 1);
	ck_assert_mem_eq(buf, want, BO_SIZE);
}
END_TEST

/* VRAM in the high half, by canonical address and by file offset. */
START_TEST(read_high_canonical_and_offset_form)
{
	static uint8_t buf[BO_SIZE], want[BO_SIZE];

	pattern(want, BO_SIZE, 2);
	ck_assert_int_eq(cs_read(snoop, VA_HI, buf, BO_SIZE, err), BO_SIZE);
	ck_assert_mem_eq(buf, want, BO_SIZE);
	memset(buf, 0, BO_SIZE);
	ck_assert_int_eq(cs_read(snoop, VA_HI_OFF + 100, buf, 100, err), 100);
	ck_assert_mem_eq(buf, want + 100, 100);
}
END_TEST

/* A read that runs into a hole stops there. */
START_TEST(read_short_at_hole)
{
	uint8_t buf[200];

	ck_assert_int_eq(cs_read(snoop, VA_SYS + BO_SIZE - 100, buf, 200, err),
			 100);
}
END_TEST

START_TEST(read_hole_eio)
{
	uint8_t buf[16];

	ck_assert_int_eq(cs_read(snoop, 0x900000, buf, 16, err), -EIO);
	ck_msg_has("at VA 0x900000");
	ck_msg_has("nothing is mapped there");
}
END_TEST

START_TEST(read_zero_holes)
{
	struct cs_snoop *s = attach(CS_ATTACH_ZERO_HOLES);
	uint8_t buf[256], zero[256] = { 0 };

	memset(buf, 0xaa, sizeof(buf));
	ck_assert_int_eq(cs_read(s, 0x900000, buf, 256, err), 256);
	ck_assert_mem_eq(buf, zero, 256);
	cs_snoop_close(s);
}
END_TEST

START_TEST(read_bad_va)
{
	uint8_t buf[4];

	ck_assert_int_eq(cs_read(snoop, 0x0001000000000000ull, buf, 4, err),
			 -EINVAL);
	ck_msg_has("48-bit GPU VA space");
	ck_assert_int_eq(cs_read(snoop, 0xffff000000000000ull, buf, 4, err),
			 -EINVAL);
}
END_TEST

/* What the library writes, the target sees in its CPU mapping. */
START_TEST(write_target_sees)
{
	uint32_t v = 0xc0ffee11;

	ck_assert_int_eq(cs_write(snoop, VA_SYS + 64, &v, 4, err), 4);
	ck_assert_uint_eq(target_read32(&tgt, 0, 64), v);
	v = 0x5eed5eed;
	ck_assert_int_eq(cs_write(snoop, VA_HI + 128, &v, 4, err), 4);
	ck_assert_uint_eq(target_read32(&tgt, 1, 128), v);
}
END_TEST

START_TEST(write_gpu_readonly)
{
	uint32_t v = 1;

	ck_assert_int_eq(cs_write(snoop, VA_RO, &v, 4, err), -EACCES);
	ck_msg_has("the GPU maps it read-only");
}
END_TEST

START_TEST(write_readonly_attach)
{
	struct cs_snoop *s = attach(CS_ATTACH_READONLY);
	uint32_t v = 1;

	ck_assert_int_eq(cs_write(s, VA_SYS, &v, 4, err), -EPERM);
	ck_msg_has("attached read-only");
	cs_snoop_close(s);
}
END_TEST

/* System memory through cs_map() is live both ways. */
START_TEST(map_system_coherent)
{
	volatile uint32_t *p;
	uint32_t v;
	void *ptr;

	ck_ok(cs_map(snoop, VA_SYS, BO_SIZE, PROT_READ | PROT_WRITE, &ptr, err));
	p = ptr;
	p[10] = 0xabcd1234;
	ck_assert_uint_eq(target_read32(&tgt, 0, 40), 0xabcd1234);
	target_cmd(&tgt, T_WRITE, 0, 44, 0, 0x600df00d, &v, sizeof(v));
	ck_assert_uint_eq(p[11], 0x600df00d);
	ck_ok(cs_unmap(snoop, ptr, BO_SIZE, err));
}
END_TEST

START_TEST(map_unaligned)
{
	uint8_t want[BO_SIZE];
	void *ptr;

	pattern(want, BO_SIZE, 1);
	ck_ok(cs_map(snoop, VA_SYS + 0x123, 10, PROT_READ, &ptr, err));
	ck_assert_mem_eq(ptr, want + 0x123, 10);
	ck_ok(cs_unmap(snoop, ptr, 10, err));
}
END_TEST

START_TEST(map_readonly_attach_writable)
{
	struct cs_snoop *s = attach(CS_ATTACH_READONLY);
	void *ptr;

	ck_assert_int_eq(cs_map(s, VA_SYS, SZ_4K, PROT_READ | PROT_WRITE, &ptr,
				err), -EACCES);
	ck_ok(cs_map(s, VA_SYS, SZ_4K, PROT_READ, &ptr, err));
	ck_ok(cs_unmap(s, ptr, SZ_4K, err));
	cs_snoop_close(s);
}
END_TEST

/* VRAM through a snapshot: written back by cs_sync(). */
START_TEST(map_vram_sync)
{
	volatile uint32_t *p;
	void *ptr;

	ck_ok(cs_map(snoop, VA_HI, SZ_4K, PROT_READ | PROT_WRITE, &ptr, err));
	p = ptr;
	p[3] = 0x12345678;
	ck_ok(cs_sync(snoop, err));
	ck_assert_uint_eq(target_read32(&tgt, 1, 12), 0x12345678);
	ck_ok(cs_unmap(snoop, ptr, SZ_4K, err));
}
END_TEST

START_TEST(refresh)
{
	uint64_t dropped = 12345;
	volatile uint32_t *p;
	uint32_t v;
	void *ptr;

	ck_ok(cs_map(snoop, VA_HI, SZ_4K, PROT_READ, &ptr, err));
	p = ptr;
	(void)p[0];				/* take a snapshot */
	target_cmd(&tgt, T_WRITE, 1, 0, 0, 0xfeedface, &v, sizeof(v));
	ck_ok(cs_refresh(snoop, VA_HI, SZ_4K, 0, &dropped, err));
	ck_assert_uint_ne(dropped, 12345);
	ck_assert_uint_eq(p[0], 0xfeedface);	/* copied again */
	ck_ok(cs_refresh(snoop, VA_HI, 0, CS_REFRESH_DISCARD, NULL, err));
	ck_assert_int_eq(cs_refresh(snoop, VA_HI, 0, 0x80, NULL, err), -EINVAL);
	ck_ok(cs_unmap(snoop, ptr, SZ_4K, err));
}
END_TEST

START_TEST(resolve_system)
{
	struct cs_resolution r = { .struct_size = sizeof(r) };

	ck_ok(cs_resolve(snoop, VA_SYS + 0x1234, &r, err));
	ck_assert_uint_eq(r.va, VA_SYS + 0x1234);
	ck_assert_uint_eq(r.map_va, VA_SYS);
	ck_assert_uint_eq(r.map_size, BO_SIZE);
	ck_assert_uint_eq(r.bo_id, tgt.ready.bo_a_id);
	ck_assert_uint_eq(r.bo_offset, 0x1234);
	ck_assert_uint_eq(r.placement, CARDSNOOP_PLACEMENT_SYSTEM);
	ck_assert_uint_eq(r.kind, CARDSNOOP_KIND_BUFFER);
	ck_assert_uint_eq(r.perms & (CARDSNOOP_PERM_READ | CARDSNOOP_PERM_WRITE),
			  CARDSNOOP_PERM_READ | CARDSNOOP_PERM_WRITE);
	ck_assert_uint_gt(r.page_size, 0);
	ck_assert_uint_eq(r.struct_size, sizeof(r));
}
END_TEST

START_TEST(resolve_vram)
{
	struct cs_resolution r = { .struct_size = sizeof(r) };

	ck_ok(cs_resolve(snoop, VA_HI_OFF + 8, &r, err));
	ck_assert_uint_eq(r.va, VA_HI + 8);		/* canonical back */
	ck_assert_uint_eq(r.map_va, VA_HI);
	ck_assert_uint_eq(r.bo_id, tgt.ready.bo_b_id);
	ck_assert_uint_eq(r.placement, CARDSNOOP_PLACEMENT_VRAM);
}
END_TEST

START_TEST(resolve_readonly_perms)
{
	struct cs_resolution r = { .struct_size = sizeof(r) };

	ck_ok(cs_resolve(snoop, VA_RO, &r, err));
	ck_assert_uint_eq(r.perms & CARDSNOOP_PERM_WRITE, 0);
	ck_assert_uint_eq(r.bo_id, tgt.ready.bo_a_id);
}
END_TEST

START_TEST(resolve_hole)
{
	struct cs_resolution r = { .struct_size = sizeof(r) };

	ck_assert_int_eq(cs_resolve(snoop, 0x900000, &r, err), -ENOENT);
	ck_msg_has("nothing is mapped there");
	r.struct_size = 8;
	ck_assert_int_eq(cs_resolve(snoop, VA_SYS, &r, err), -EINVAL);
}
END_TEST

struct collect {
	struct cs_mapping m[N_MANY + 8];
	int n;
};

static int collect_fn(const struct cs_mapping *m, void *data)
{
	struct collect *c = data;

	if (c->n < (int)(sizeof(c->m) / sizeof(c->m[0])))
		c->m[c->n] = *m;
	c->n++;
	return 0;
}

static struct collect col;

/* Four mappings, low half first, the high one canonical. */
START_TEST(mappings_callback)
{
	memset(&col, 0, sizeof(col));
	ck_assert_int_eq(cs_for_each_mapping(snoop, 0, 0, collect_fn, &col, err), 0);
	ck_assert_int_eq(col.n, 4);
	ck_assert_uint_eq(col.m[0].va, VA_SYS);
	ck_assert_uint_eq(col.m[0].size, BO_SIZE);
	ck_assert_uint_eq(col.m[0].bo_id, tgt.ready.bo_a_id);
	ck_assert_uint_eq(col.m[0].kind, CARDSNOOP_KIND_BUFFER);
	ck_assert_uint_eq(col.m[1].va, VA_RO);
	ck_assert_uint_eq(col.m[1].perms & CARDSNOOP_PERM_WRITE, 0);
	ck_assert_uint_eq(col.m[2].va, VA_SPRS);
	ck_assert_uint_eq(col.m[2].kind, CARDSNOOP_KIND_SPARSE);
	ck_assert_uint_eq(col.m[3].va, VA_HI);
	ck_assert_uint_eq(col.m[3].offset, VA_HI_OFF);
	ck_assert_uint_eq(col.m[3].placement, CARDSNOOP_PLACEMENT_VRAM);
}
END_TEST

static int stop_at_two(const struct cs_mapping *m, void *data)
{
	return ++*(int *)data == 2 ? 42 : 0;
}

START_TEST(mappings_iterator)
{
	const struct cs_mapping *m;
	struct cs_mapping_iter *it;
	int n = 0, ret;

	ck_ok(cs_mappings_open(snoop, 0, 0, &it, err));
	while ((ret = cs_mappings_next(it, &m, err)) > 0) {
		ck_assert_uint_eq(m->struct_size, sizeof(*m));
		n++;
	}
	ck_assert_int_eq(ret, 0);
	ck_assert_int_eq(cs_mappings_next(it, &m, err), 0);	/* stays at end */
	cs_mappings_close(it);
	ck_assert_int_eq(n, 4);
	n = 0;
	ck_assert_int_eq(cs_for_each_mapping(snoop, 0, 0, stop_at_two, &n, err), 42);
	ck_assert_int_eq(n, 2);
}
END_TEST

/* A range selects the mappings that overlap it. */
START_TEST(mappings_range)
{
	memset(&col, 0, sizeof(col));
	ck_ok(cs_for_each_mapping(snoop, VA_RO + 0x100, 0x100, collect_fn, &col,
				  err));
	ck_assert_int_eq(col.n, 1);
	ck_assert_uint_eq(col.m[0].va, VA_RO);
	memset(&col, 0, sizeof(col));
	ck_ok(cs_for_each_mapping(snoop, VA_HI, 0, collect_fn, &col, err));
	ck_assert_int_eq(col.n, 1);
}
END_TEST

START_TEST(mappings_count)
{
	uint64_t n;

	ck_ok(cs_count_mappings(snoop, 0, &n, err));
	ck_assert_uint_eq(n, 4);
	ck_ok(cs_count_mappings(snoop, VA_HI, &n, err));
	ck_assert_uint_eq(n, 1);
}
END_TEST

/* More mappings than one MAPPINGS batch: all of them, in order. */
START_TEST(mappings_many_batches)
{
	struct target t;
	struct cs_snoop *s;
	int i;

	target_stop(&tgt);
	target_start(&t, true);
	tgt = t;
	s = attach(0);
	memset(&col, 0, sizeof(col));
	ck_ok(cs_for_each_mapping(s, 0, 0, collect_fn, &col, err));
	ck_assert_int_eq(col.n, 4 + N_MANY);
	for (i = 1; i < col.n; i++)
		ck_assert_uint_lt(col.m[i - 1].offset, col.m[i].offset);
	ck_assert_uint_eq(col.m[3].va, VA_MANY);
	ck_assert_uint_eq(col.m[3 + N_MANY - 1].va,
			  VA_MANY + (N_MANY - 1) * 2 * SZ_4K);
	cs_snoop_close(s);
}
END_TEST

START_TEST(seek_data_hole)
{
	uint64_t v;

	ck_ok(cs_seek_data(snoop, 0, &v, err));
	ck_assert_uint_eq(v, VA_SYS);
	ck_ok(cs_seek_hole(snoop, VA_SYS, &v, err));
	ck_assert_uint_eq(v, VA_SYS + BO_SIZE);
	ck_ok(cs_seek_data(snoop, VA_SPRS + BO_SIZE, &v, err));
	ck_assert_uint_eq(v, VA_HI);			/* canonical */
	ck_ok(cs_seek_hole(snoop, VA_HI, &v, err));
	ck_assert_uint_eq(v, VA_HI + BO_SIZE);
}
END_TEST

START_TEST(seek_past_end)
{
	uint64_t v;

	ck_assert_int_eq(cs_seek_data(snoop, VA_HI + BO_SIZE, &v, err), -ENXIO);
	ck_msg_has("nothing is mapped");
}
END_TEST

/* The raw fd: offsets are file offsets; close-on-exec is set. */
START_TEST(raw_fd)
{
	uint8_t buf[32], want[32];
	int fd = cs_snoop_get_fd(snoop);

	ck_assert_int_ge(fd, 0);
	ck_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	ck_assert_int_eq(pread(fd, buf, 32, VA_HI_OFF), 32);
	pattern(want, 32, 2);
	ck_assert_mem_eq(buf, want, 32);
}
END_TEST

/* ---- events --------------------------------------------------------- */

#define VA_NEW	0x500000ull

static void target_bind(struct target *t, uint32_t op, uint64_t va)
{
	int ret;

	target_cmd(t, op, 0, va, BO_SIZE, 0, &ret, sizeof(ret));
	ck_assert_int_eq(ret, 0);
}

/* Next event, which must be there without waiting. */
static const struct cs_event *next_now(struct cs_event_iter *it)
{
	const struct cs_event *e;

	ck_assert_int_eq(cs_events_next(it, 0, &e, err), 1);
	return e;
}

/* Drain the replay of @it; returns the last sequence number. */
static uint64_t drain(struct cs_event_iter *it)
{
	const struct cs_event *e;
	uint64_t seq = 0;

	while (cs_events_next(it, 0, &e, err) == 1)
		seq = e->seqno;
	return seq;
}

/* Right after ATTACH the existing mappings are replayed as BIND records. */
START_TEST(events_replay)
{
	static const uint64_t vas[] = { VA_SYS, VA_RO, VA_SPRS, VA_HI };
	const struct cs_event *e;
	struct cs_event_iter *it;
	unsigned int i, j, seen = 0;
	uint64_t seq = 0;

	ck_ok(cs_events_open(snoop, &it, err));
	for (i = 0; i < 4; i++) {
		e = next_now(it);
		ck_assert_uint_eq(e->struct_size, sizeof(*e));
		ck_assert_uint_eq(e->type, CARDSNOOP_EVENT_BIND);
		ck_assert(e->flags & CARDSNOOP_EVENT_REPLAY);
		ck_assert_uint_eq(e->seqno, seq + 1);
		seq = e->seqno;
		ck_assert_uint_eq(e->size, BO_SIZE);
		for (j = 0; j < 4; j++)
			if (e->va == vas[j])
				seen |= 1u << j;
	}
	ck_assert_uint_eq(seen, 0xf);		/* VA_HI came back canonical */
	ck_assert_int_eq(cs_events_next(it, 0, &e, err), 0);	/* drained */
	ck_assert_int_eq(cs_events_next(it, 0x100, &e, err), -EINVAL);
	cs_events_close(it);
}
END_TEST

/* After the replay, the target's binds and unbinds in order. */
START_TEST(events_live_bind_unbind)
{
	const struct cs_event *e;
	struct cs_event_iter *it;
	uint64_t seq;

	ck_ok(cs_events_open(snoop, &it, err));
	seq = drain(it);
	target_bind(&tgt, T_BIND, VA_NEW);
	e = next_now(it);
	ck_assert_uint_eq(e->type, CARDSNOOP_EVENT_BIND);
	ck_assert_uint_eq(e->flags & CARDSNOOP_EVENT_REPLAY, 0);
	ck_assert_uint_eq(e->va, VA_NEW);
	ck_assert_uint_eq(e->size, BO_SIZE);
	ck_assert_uint_eq(e->bo_id, tgt.ready.bo_a_id);
	ck_assert_uint_eq(e->seqno, seq + 1);
	target_bind(&tgt, T_UNBIND, VA_NEW);
	e = next_now(it);
	ck_assert_uint_eq(e->type, CARDSNOOP_EVENT_UNBIND);
	ck_assert_uint_eq(e->va, VA_NEW);
	ck_assert_uint_eq(e->seqno, seq + 2);
	cs_events_close(it);
}
END_TEST

static void *bind_later(void *p)
{
	usleep(200 * 1000);
	target_bind(p, T_BIND, VA_NEW);
	return NULL;
}

/* CS_EVENTS_WAIT blocks until the target changes something. */
START_TEST(events_wait_blocks)
{
	const struct cs_event *e;
	struct cs_event_iter *it;
	pthread_t th;

	ck_ok(cs_events_open(snoop, &it, err));
	drain(it);
	ck_assert_int_eq(pthread_create(&th, NULL, bind_later, &tgt), 0);
	ck_assert_int_eq(cs_events_next(it, CS_EVENTS_WAIT, &e, err), 1);
	ck_assert_uint_eq(e->type, CARDSNOOP_EVENT_BIND);
	ck_assert_uint_eq(e->va, VA_NEW);
	pthread_join(th, NULL);
	cs_events_close(it);
}
END_TEST

/* poll(2) on the snoop fd: POLLIN for events, POLLHUP once the target exits. */
START_TEST(events_poll_and_target_exit)
{
	struct pollfd p = { .fd = cs_snoop_get_fd(snoop), .events = POLLIN | POLLPRI };
	const struct cs_event *e;
	struct cs_event_iter *it;
	bool exit_seen = false;

	ck_ok(cs_events_open(snoop, &it, err));
	ck_assert_int_eq(poll(&p, 1, 0), 1);		/* the replay is queued */
	ck_assert(p.revents & POLLIN);
	while (cs_events_next(it, 0, &e, err) == 1)
		;
	ck_assert_int_eq(poll(&p, 1, 0), 0);
	target_stop(&tgt);
	ck_assert_int_eq(poll(&p, 1, 5000), 1);
	ck_assert(p.revents & POLLHUP);
	while (cs_events_next(it, 0, &e, err) == 1)
		exit_seen |= e->type == CARDSNOOP_EVENT_TARGET_EXIT;
	ck_assert(exit_seen);
	cs_events_close(it);
}
END_TEST

START_TEST(event_type_names)
{
	ck_assert_str_eq(cs_event_type_name(CARDSNOOP_EVENT_BIND), "bind");
	ck_assert_str_eq(cs_event_type_name(CARDSNOOP_EVENT_SUBMIT), "submit");
	ck_assert_str_eq(cs_event_type_name(CARDSNOOP_EVENT_OVERFLOW), "overflow");
	ck_assert_str_eq(cs_event_type_name(0), "unknown");
	ck_assert_str_eq(cs_event_type_name(1000), "unknown");
}
END_TEST

/* ---- lifecycle ------------------------------------------------------ */

struct reader {
	struct cs_snoop *s;
	volatile bool stop;
	int bad;
	int reads;
};

static void *reader_main(void *p)
{
	static uint8_t buf[BO_SIZE], want[BO_SIZE];
	struct reader *r = p;
	ssize_t n;

	pattern(want, BO_SIZE, 1);
	while (!r->stop) {
		n = cs_read(r->s, VA_SYS, buf, BO_SIZE, NULL);
		if (n != BO_SIZE || memcmp(buf, want, BO_SIZE))
			r->bad++;
		r->reads++;
	}
	return NULL;
}

/*
 * The target is killed while a thread reads: the attachment holds the DRM
 * file, so every read still returns the whole buffer (post-mortem), and the
 * process is gone from the client list.
 */
START_TEST(target_exits_mid_read)
{
	struct reader r = { 0 };
	pthread_t th;
	pid_t pid = tgt.pid;
	int before;

	r.s = attach(CS_ATTACH_READONLY);
	ck_assert_int_eq(pthread_create(&th, NULL, reader_main, &r), 0);
	while (r.reads < 5)
		usleep(1000);
	before = r.reads;
	target_stop(&tgt);
	while (r.reads < before + 20)
		usleep(1000);
	r.stop = true;
	pthread_join(th, NULL);
	ck_assert_int_eq(r.bad, 0);
	ck_assert_int_eq(cs_get_clients(pid, NULL, 0, err), -ESRCH);
	cs_snoop_close(r.s);
}
END_TEST

static Suite *lib_suite(void)
{
	Suite *s = suite_create("lib_api");
	TCase *tc;

	tc = tcase_create("devices");
	tcase_add_checked_fixture(tc, setup_err, teardown_err);
	tcase_add_test(tc, devices_lists_simgpu);
	tcase_add_test(tc, devices_snoop_only);
	suite_add_tcase(s, tc);

	tc = tcase_create("clients");
	tcase_add_checked_fixture(tc, setup_target, teardown_target);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, clients_of_target);
	tcase_add_test(tc, clients_all_has_target);
	tcase_add_test(tc, clients_while_targets_exit);
	suite_add_tcase(s, tc);

	tc = tcase_create("attach");
	tcase_add_checked_fixture(tc, setup_target, teardown_target);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, attach_only_client);
	tcase_add_test(tc, attach_by_fd);
	tcase_add_test(tc, attach_by_client_id);
	tcase_add_test(tc, attach_dup_is_one_client);
	tcase_add_test(tc, attach_ambiguous);
	tcase_add_test(tc, attach_no_such_fd);
	tcase_add_test(tc, attach_exited_target);
	tcase_add_test(tc, attach_other_uid_refused);
	tcase_add_test(tc, attach_other_uid_fd_refused);
	tcase_add_test(tc, attach_fd_self);
	tcase_add_test(tc, get_vms);
	tcase_add_test(tc, attach_kernel);
	tcase_add_test(tc, attach_kernel_unprivileged);
	suite_add_tcase(s, tc);

	tc = tcase_create("io");
	tcase_add_checked_fixture(tc, setup_io, teardown_io);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, read_system);
	tcase_add_test(tc, read_high_canonical_and_offset_form);
	tcase_add_test(tc, read_short_at_hole);
	tcase_add_test(tc, read_hole_eio);
	tcase_add_test(tc, read_zero_holes);
	tcase_add_test(tc, read_bad_va);
	tcase_add_test(tc, write_target_sees);
	tcase_add_test(tc, write_gpu_readonly);
	tcase_add_test(tc, write_readonly_attach);
	tcase_add_test(tc, map_system_coherent);
	tcase_add_test(tc, map_unaligned);
	tcase_add_test(tc, map_readonly_attach_writable);
	tcase_add_test(tc, map_vram_sync);
	tcase_add_test(tc, refresh);
	tcase_add_test(tc, resolve_system);
	tcase_add_test(tc, resolve_vram);
	tcase_add_test(tc, resolve_readonly_perms);
	tcase_add_test(tc, resolve_hole);
	tcase_add_test(tc, mappings_callback);
	tcase_add_test(tc, mappings_iterator);
	tcase_add_test(tc, mappings_range);
	tcase_add_test(tc, mappings_count);
	tcase_add_test(tc, mappings_many_batches);
	tcase_add_test(tc, seek_data_hole);
	tcase_add_test(tc, seek_past_end);
	tcase_add_test(tc, raw_fd);
	suite_add_tcase(s, tc);

	tc = tcase_create("events");
	tcase_add_checked_fixture(tc, setup_io, teardown_io);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, events_replay);
	tcase_add_test(tc, events_live_bind_unbind);
	tcase_add_test(tc, events_wait_blocks);
	tcase_add_test(tc, events_poll_and_target_exit);
	tcase_add_test(tc, event_type_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("lifecycle");
	tcase_add_checked_fixture(tc, setup_target, teardown_target);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, target_exits_mid_read);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return cstest_run(lib_suite());
}
