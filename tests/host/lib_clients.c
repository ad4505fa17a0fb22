// SPDX-License-Identifier: MIT
/*
 * libcardsnoop host tests: DRM clients from /proc/PID/fdinfo
 * (cs_get_clients(), cs_get_clients_from(), cs_client_get_key()), read
 * from the fixture tree tests/host/fixtures/proc-clients (see its README),
 * from a tree that changes while it is read, and from the real /proc.
 *
 * fixture TCase:
 *   one_process_drm_fds_only: pid 100 lists fds 5, 6, 7, 9 and nothing else
 *   simgpu_memory_keys:       every drm-<kind>-<region> key, KiB/MiB units
 *   render_node_card:         renderD128 → card0 through sysfs, node type
 *   dup_same_client:          fd 6 (a dup of fd 5) has the same client id
 *   i915_primary_and_engines: primary node, client name, raw engine keys
 *   amdgpu_deprecated_memory: drm-memory- counts as resident, drm-resident-
 *                             wins, driver-private keys kept but not parsed
 *   malformed_lines:          bad lines skipped, good ones kept
 *   empty_driver_not_client:  a drm-driver with no value is no DRM client
 *   vanished_fds:             unreadable fdinfo entries and lost fd links
 *   no_fdinfo_keys:           a DRM node without DRM fdinfo keys is a
 *                             client; a snoop node is not
 *   exited_process:           /proc/PID without fdinfo is -ESRCH
 *   missing_process:          no /proc/PID is -ESRCH with a message
 *   all_processes:            pid 0 scans every numeric entry, sorted
 *   count_then_fill:          NULL array → count; max caps; max 0
 *   bad_max:                  negative max is -EINVAL
 *   get_key_null_safe:        NULL client / key / unknown key
 *   free_null_safe:           cs_free_clients(NULL, n)
 * race TCase:
 *   vanish_while_reading:     processes and fds vanish and reappear during
 *                             the scan: no crash, no leak, only whole records
 * proc TCase (the real /proc):
 *   self_has_no_clients:      this process has no DRM file
 *   dead_child_is_esrch:      a reaped child is -ESRCH
 *   all_real_processes:       scanning every process works
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cstest.h"
#include "lib_test.h"

static char proc_root[PATH_MAX], sys_root[PATH_MAX];
static struct cs_roots roots;

static void fixture_setup(void)
{
	lib_test_path(proc_root, sizeof(proc_root),
		      "tests/host/fixtures/proc-clients/proc");
	lib_test_path(sys_root, sizeof(sys_root),
		      "tests/host/fixtures/proc-clients/sys");
	roots.struct_size = sizeof(roots);
	roots.proc = proc_root;
	roots.sys = sys_root;
	ck_assert_msg(access(proc_root, R_OK) == 0, "fixture %s missing",
		      proc_root);
}

#define MAXC 64

struct result {
	struct cs_client *c[MAXC];
	int n;
};

static void get(struct result *r, pid_t pid)
{
	struct cs_error *err = cs_error_new();

	r->n = cs_get_clients_from(&roots, pid, r->c, MAXC, err);
	ck_assert_msg(r->n >= 0, "pid %d: %d %s", (int)pid, r->n,
		      cs_error_message(err));
	cs_error_free(err);
}

static void put(struct result *r)
{
	cs_free_clients(r->c, r->n);
}

static const struct cs_memory_region *region(const struct cs_client *c,
					     const char *name)
{
	unsigned int i;

	for (i = 0; i < c->n_memory; i++)
		if (!strcmp(c->memory[i].name, name))
			return &c->memory[i];
	return NULL;
}

/* pid 100 lists its DRM fds 5, 6, 7, 9 and nothing else. */
START_TEST(one_process_drm_fds_only)
{
	struct result r;
	int i;

	get(&r, 100);
	ck_assert_int_eq(r.n, 4);
	ck_assert_int_eq(r.c[0]->fd, 5);
	ck_assert_int_eq(r.c[1]->fd, 6);
	ck_assert_int_eq(r.c[2]->fd, 7);
	ck_assert_int_eq(r.c[3]->fd, 9);
	for (i = 0; i < r.n; i++) {
		ck_assert_uint_eq(r.c[i]->struct_size, sizeof(struct cs_client));
		ck_assert_int_eq(r.c[i]->pid, 100);
		ck_assert_str_eq(r.c[i]->comm, "glxgears");
	}
	put(&r);
}
END_TEST

/* Every drm-<kind>-<region> key of simgpu, with units applied. */
START_TEST(simgpu_memory_keys)
{
	const struct cs_memory_region *sys, *vram;
	struct result r;
	struct cs_client *c;

	get(&r, 100);
	c = r.c[0];
	ck_assert_str_eq(c->driver, "simgpu");
	ck_assert_uint_eq(c->client_id, 3);
	ck_assert_str_eq(c->pdev, "0000:00:04.0");
	ck_assert_ptr_null(c->client_name);
	ck_assert_uint_eq(c->n_memory, 2);
	sys = region(c, "system");
	vram = region(c, "vram");
	ck_assert_ptr_nonnull(sys);
	ck_assert_ptr_nonnull(vram);
	ck_assert_ptr_eq(sys, &c->memory[0]);	/* fdinfo order */
	ck_assert_uint_eq(sys->present, CS_MEM_TOTAL | CS_MEM_SHARED |
			  CS_MEM_RESIDENT | CS_MEM_PURGEABLE | CS_MEM_ACTIVE);
	ck_assert_uint_eq(sys->total, 8192);
	ck_assert_uint_eq(sys->resident, 8192);
	ck_assert_uint_eq(sys->shared, 0);
	ck_assert_uint_eq(vram->total, 2 << 20);
	ck_assert_uint_eq(vram->resident, 1 << 20);
	ck_assert_uint_eq(c->n_keys, 17);
	ck_assert_str_eq(c->keys[0].key, "pos");
	ck_assert_str_eq(c->keys[0].value, "0");
	ck_assert_str_eq(cs_client_get_key(c, "drm-total-vram"), "2 MiB");
	put(&r);
}
END_TEST

/* renderD128 is card0's render node (through sysfs). */
START_TEST(render_node_card)
{
	struct result r;

	get(&r, 100);
	ck_assert_int_eq(r.c[0]->card_index, 0);
	ck_assert_int_eq(r.c[0]->node_type, CS_NODE_RENDER);
	ck_assert_str_eq(r.c[0]->path, "/dev/dri/renderD128");
	ck_assert_int_eq(r.c[3]->card_index, 1);
	ck_assert_int_eq(r.c[3]->node_type, CS_NODE_RENDER);
	put(&r);
}
END_TEST

/* A dup()ed fd shows the same DRM file. */
START_TEST(dup_same_client)
{
	struct result r;

	get(&r, 100);
	ck_assert_uint_eq(r.c[0]->client_id, r.c[1]->client_id);
	ck_assert_int_eq(r.c[0]->card_index, r.c[1]->card_index);
	put(&r);
}
END_TEST

/* i915 on a primary node: client name, engine keys kept raw. */
START_TEST(i915_primary_and_engines)
{
	const struct cs_memory_region *m;
	struct result r;
	struct cs_client *c;

	get(&r, 100);
	c = r.c[2];
	ck_assert_str_eq(c->driver, "i915");
	ck_assert_uint_eq(c->client_id, 7);
	ck_assert_int_eq(c->card_index, 1);
	ck_assert_int_eq(c->node_type, CS_NODE_PRIMARY);
	ck_assert_str_eq(c->client_name, "glxgears-main");
	ck_assert_str_eq(cs_client_get_key(c, "drm-engine-render"),
			 "123456789 ns");
	ck_assert_str_eq(cs_client_get_key(c, "drm-engine-capacity-video"), "2");
	m = region(c, "system");
	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(m->present, CS_MEM_RESIDENT);
	ck_assert_uint_eq(m->resident, 3 << 20);
	m = region(c, "local0");
	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(m->total, 1ull << 30);
	ck_assert_ptr_null(region(c, "render"));
	put(&r);
}
END_TEST

/* drm-memory- is resident; a later drm-resident- wins; private keys kept. */
START_TEST(amdgpu_deprecated_memory)
{
	const struct cs_memory_region *m;
	struct result r;
	struct cs_client *c;

	get(&r, 100);
	c = r.c[3];
	ck_assert_str_eq(c->driver, "amdgpu");
	m = region(c, "vram");
	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(m->present, CS_MEM_RESIDENT);
	ck_assert_uint_eq(m->resident, 2048 << 10);
	m = region(c, "gtt");
	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(m->resident, 512 << 10);
	ck_assert_uint_eq(c->n_memory, 2);
	ck_assert_str_eq(cs_client_get_key(c, "amd-memory-visible-vram"), "0 KiB");
	put(&r);
}
END_TEST

/* Malformed lines are skipped, the good ones kept. */
START_TEST(malformed_lines)
{
	const struct cs_memory_region *m;
	struct result r;
	struct cs_client *c;

	get(&r, 200);
	ck_assert_int_eq(r.n, 1);
	c = r.c[0];
	ck_assert_int_eq(c->fd, 3);
	ck_assert_ptr_null(c->comm);
	ck_assert_str_eq(c->driver, "simgpu");
	ck_assert_uint_eq(c->client_id, 0);		/* "notanumber" */
	ck_assert_uint_eq(c->n_keys, 9);
	ck_assert_uint_eq(strlen(cs_client_get_key(c, "x-long")), 10000);
	ck_assert_ptr_null(cs_client_get_key(c, "key with space"));
	ck_assert_uint_eq(c->n_memory, 1);		/* vram overflowed */
	m = region(c, "system");
	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(m->present, CS_MEM_RESIDENT | CS_MEM_PURGEABLE);
	ck_assert_uint_eq(m->resident, 4 << 20);
	ck_assert_uint_eq(m->purgeable, 7);
	put(&r);
}
END_TEST

/* drm-driver without a value is no DRM client. */
START_TEST(empty_driver_not_client)
{
	struct result r;
	int i;

	get(&r, 200);
	for (i = 0; i < r.n; i++)
		ck_assert_int_ne(r.c[i]->fd, 4);
	put(&r);
}
END_TEST

/* An fdinfo entry that cannot be opened, and a DRM fd whose link is gone. */
START_TEST(vanished_fds)
{
	struct result r;

	get(&r, 300);
	ck_assert_int_eq(r.n, 1);
	ck_assert_int_eq(r.c[0]->fd, 5);
	ck_assert_uint_eq(r.c[0]->client_id, 21);
	ck_assert_ptr_null(r.c[0]->path);
	ck_assert_int_eq(r.c[0]->card_index, -1);
	ck_assert_int_eq(r.c[0]->node_type, CS_NODE_UNKNOWN);
	ck_assert_str_eq(r.c[0]->comm, "kworker-ish");
	put(&r);
}
END_TEST

/* A DRM node whose driver shows no fdinfo keys (vgem); not a snoop node. */
START_TEST(no_fdinfo_keys)
{
	struct result r;

	get(&r, 500);
	ck_assert_int_eq(r.n, 1);
	ck_assert_int_eq(r.c[0]->fd, 3);
	ck_assert_ptr_null(r.c[0]->driver);
	ck_assert_uint_eq(r.c[0]->client_id, 0);
	ck_assert_int_eq(r.c[0]->card_index, 0);
	ck_assert_int_eq(r.c[0]->node_type, CS_NODE_RENDER);
	ck_assert_uint_eq(r.c[0]->n_memory, 0);
	put(&r);
}
END_TEST

/* /proc/PID without fdinfo: the process has exited. */
START_TEST(exited_process)
{
	struct cs_client *c[4];
	struct cs_error *err = cs_error_new();

	ck_assert_int_eq(cs_get_clients_from(&roots, 400, c, 4, err), -ESRCH);
	ck_assert_int_eq(cs_error_code(err), -ESRCH);
	cs_error_free(err);
}
END_TEST

/* No /proc/PID at all: -ESRCH, and the message names the pid. */
START_TEST(missing_process)
{
	struct cs_error *err = cs_error_new();

	ck_assert_int_eq(cs_get_clients_from(&roots, 999, NULL, 0, err), -ESRCH);
	ck_assert_str_eq(cs_error_message(err), "no such process: PID 999");
	ck_assert_int_eq(cs_get_clients_from(&roots, -5, NULL, 0, err), -EINVAL);
	cs_error_free(err);
}
END_TEST

/* pid 0: every numeric entry, sorted by pid then fd. */
START_TEST(all_processes)
{
	static const struct { int pid, fd; } want[] = {
		{ 100, 5 }, { 100, 6 }, { 100, 7 }, { 100, 9 },
		{ 200, 3 }, { 300, 5 }, { 500, 3 },
	};
	struct result r;
	int i;

	get(&r, 0);
	ck_assert_int_eq(r.n, (int)ARRAY_SIZE(want));
	for (i = 0; i < r.n; i++) {
		ck_assert_int_eq(r.c[i]->pid, want[i].pid);
		ck_assert_int_eq(r.c[i]->fd, want[i].fd);
	}
	put(&r);
}
END_TEST

/* drmGetDevices2's contract: NULL → count; max caps; max 0 stores none. */
START_TEST(count_then_fill)
{
	struct cs_client *c[2] = { NULL, NULL };

	ck_assert_int_eq(cs_get_clients_from(&roots, 0, NULL, 0, NULL), 7);
	ck_assert_int_eq(cs_get_clients_from(&roots, 100, NULL, 0, NULL), 4);
	ck_assert_int_eq(cs_get_clients_from(&roots, 0, c, 2, NULL), 2);
	ck_assert_int_eq(c[0]->pid, 100);
	ck_assert_int_eq(c[1]->fd, 6);
	cs_free_clients(c, 2);
	ck_assert_ptr_null(c[0]);
	ck_assert_int_eq(cs_get_clients_from(&roots, 0, c, 0, NULL), 0);
}
END_TEST

/* A negative max with an array is -EINVAL. */
START_TEST(bad_max)
{
	struct cs_client *c[1];

	ck_assert_int_eq(cs_get_clients_from(&roots, 0, c, -1, NULL), -EINVAL);
}
END_TEST

START_TEST(get_key_null_safe)
{
	struct result r;

	ck_assert_ptr_null(cs_client_get_key(NULL, "drm-driver"));
	get(&r, 100);
	ck_assert_ptr_null(cs_client_get_key(r.c[0], NULL));
	ck_assert_ptr_null(cs_client_get_key(r.c[0], "no-such-key"));
	ck_assert_str_eq(cs_client_get_key(r.c[0], "drm-driver"), "simgpu");
	put(&r);
}
END_TEST

START_TEST(free_null_safe)
{
	cs_free_clients(NULL, 12);
	cs_free_clients(NULL, 0);
}
END_TEST

/*
 * A /proc-like tree that a thread keeps changing: fdinfo files vanish and
 * come back (each written whole, then renamed into place, as the kernel's
 * files appear whole), whole process directories go away and return.
 */
#define RACE_PIDS 12
#define RACE_FDS 6

struct race {
	char root[PATH_MAX];
	volatile bool stop;
	unsigned int seed;
};

static void race_write_fd(const char *root, int pid, int fd)
{
	char path[PATH_MAX + 64], tmp[PATH_MAX + 64], text[256];
	int f, len;

	snprintf(path, sizeof(path), "%s/%d/fdinfo/%d", root, pid, fd);
	snprintf(tmp, sizeof(tmp), "%s/tmp-%d-%d", root, pid, fd);
	len = snprintf(text, sizeof(text),
		       "pos:\t0\nflags:\t02\ndrm-driver:\tsimgpu\ndrm-client-id:\t%d\ndrm-total-system:\t%d KiB\n",
		       pid * 100 + fd, fd);
	f = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (f < 0)
		return;
	if (write(f, text, len) != len)
		len = -1;
	close(f);
	if (len < 0 || rename(tmp, path) < 0)
		unlink(tmp);
}

static void race_make_pid(const char *root, int pid)
{
	char path[PATH_MAX + 64];
	int fd;

	snprintf(path, sizeof(path), "%s/%d", root, pid);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%d/fdinfo", root, pid);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%d/comm", root, pid);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0) {
		if (write(fd, "racer\n", 6) != 6)
			fd = fd;
		close(fd);
	}
	for (fd = 3; fd < 3 + RACE_FDS; fd++)
		race_write_fd(root, pid, fd);
}

static void *race_mutator(void *arg)
{
	struct race *r = arg;
	char path[PATH_MAX + 64], gone[PATH_MAX + 64];
	int pid, fd;

	while (!r->stop) {
		pid = 1000 + rand_r(&r->seed) % RACE_PIDS;
		fd = 3 + rand_r(&r->seed) % RACE_FDS;
		snprintf(path, sizeof(path), "%s/%d/fdinfo/%d", r->root, pid, fd);
		unlink(path);
		race_write_fd(r->root, pid, fd);
		if (rand_r(&r->seed) % 8 == 0) {
			/* The process exits, and a new one reuses the pid. */
			snprintf(path, sizeof(path), "%s/%d", r->root, pid);
			snprintf(gone, sizeof(gone), "%s/gone-%d", r->root, pid);
			if (!rename(path, gone))
				rename(gone, path);
		}
	}
	return NULL;
}

START_TEST(vanish_while_reading)
{
	struct cs_client *c[RACE_PIDS * RACE_FDS + 1];
	struct cs_roots rr = { .struct_size = sizeof(rr) };
	struct race r = { .seed = 42 };
	pthread_t thread;
	int i, j, n, pid;
	char cmd[PATH_MAX + 16];

	snprintf(r.root, sizeof(r.root), "/tmp/lib_clients.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(r.root));
	for (pid = 1000; pid < 1000 + RACE_PIDS; pid++)
		race_make_pid(r.root, pid);
	rr.proc = r.root;
	rr.sys = r.root;

	ck_assert_int_eq(pthread_create(&thread, NULL, race_mutator, &r), 0);
	for (i = 0; i < 150; i++) {
		pid = i % 3 ? 0 : 1000 + i % RACE_PIDS;
		n = cs_get_clients_from(&rr, pid, c, ARRAY_SIZE(c), NULL);
		ck_assert_msg(n >= 0 || (pid && n == -ESRCH), "n = %d", n);
		for (j = 0; j < n; j++) {
			/* Only whole records: every key of the file. */
			ck_assert_str_eq(c[j]->driver, "simgpu");
			ck_assert_uint_eq(c[j]->client_id,
					  c[j]->pid * 100 + c[j]->fd);
			ck_assert_uint_eq(c[j]->n_memory, 1);
			ck_assert_uint_eq(c[j]->memory[0].total,
					  (uint64_t)c[j]->fd << 10);
			if (j)
				ck_assert(c[j - 1]->pid < c[j]->pid ||
					  (c[j - 1]->pid == c[j]->pid &&
					   c[j - 1]->fd < c[j]->fd));
		}
		cs_free_clients(c, n > 0 ? n : 0);
	}
	r.stop = true;
	pthread_join(thread, NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", r.root);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* This test program has no DRM file open. */
START_TEST(self_has_no_clients)
{
	ck_assert_int_eq(cs_get_clients(getpid(), NULL, 0, NULL), 0);
}
END_TEST

/* A child that exited and was reaped is -ESRCH. */
START_TEST(dead_child_is_esrch)
{
	struct cs_error *err;
	char want[64];
	pid_t pid;

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid)
		_exit(0);
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
	err = cs_error_new();
	ck_assert_int_eq(cs_get_clients(pid, NULL, 0, err), -ESRCH);
	snprintf(want, sizeof(want), "no such process: PID %d", (int)pid);
	ck_assert_str_eq(cs_error_message(err), want);
	cs_error_free(err);
}
END_TEST

/* Every process of this machine can be scanned (none has a GPU here). */
START_TEST(all_real_processes)
{
	struct cs_client *c[64];
	int n;

	n = cs_get_clients(0, c, ARRAY_SIZE(c), NULL);
	ck_assert_int_ge(n, 0);
	cs_free_clients(c, n);
}
END_TEST

static Suite *clients_suite(void)
{
	Suite *s = suite_create("lib_clients");
	TCase *tc;

	tc = tcase_create("fixture");
	tcase_add_checked_fixture(tc, fixture_setup, NULL);
	tcase_add_test(tc, one_process_drm_fds_only);
	tcase_add_test(tc, simgpu_memory_keys);
	tcase_add_test(tc, render_node_card);
	tcase_add_test(tc, dup_same_client);
	tcase_add_test(tc, i915_primary_and_engines);
	tcase_add_test(tc, amdgpu_deprecated_memory);
	tcase_add_test(tc, malformed_lines);
	tcase_add_test(tc, empty_driver_not_client);
	tcase_add_test(tc, vanished_fds);
	tcase_add_test(tc, no_fdinfo_keys);
	tcase_add_test(tc, exited_process);
	tcase_add_test(tc, missing_process);
	tcase_add_test(tc, all_processes);
	tcase_add_test(tc, count_then_fill);
	tcase_add_test(tc, bad_max);
	tcase_add_test(tc, get_key_null_safe);
	tcase_add_test(tc, free_null_safe);
	suite_add_tcase(s, tc);

	tc = tcase_create("race");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, vanish_while_reading);
	suite_add_tcase(s, tc);

	tc = tcase_create("proc");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, self_has_no_clients);
	tcase_add_test(tc, dead_child_is_esrch);
	tcase_add_test(tc, all_real_processes);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return cstest_run(clients_suite());
}
