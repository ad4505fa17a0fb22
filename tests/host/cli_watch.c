// SPDX-License-Identifier: MIT
/*
 * cardsnoop CLI host tests: `cardsnoop watch` (issue 11), what needs no GPU.
 * The event lines are fed made-up records; the VM suite
 * (tests/vm/suites/watch.sh) watches a real target.
 *
 * text TCase (evfmt.c, one line per record):
 *   text_bind:          replayed and live binds, all fields; sparse: bo=-
 *   text_bytes:         -b prints sizes in bytes
 *   text_unbind:        va, size, bo of what was mapped
 *   text_migrate_evict: the new placement
 *   text_submit:        engine, submit_seqno; ib_file only with --dump-ib,
 *                       "-" when the IB could not be saved
 *   text_fault:         access names, submit_seqno "-" when unknown
 *   text_overflow:      dropped count and range, the advice naming the pid
 *   text_exit_gone:     target-exit names the pid (the DRM file's owner),
 *                       device-gone the card
 *   text_unknown:       a type from a newer kernel: every raw field
 *   text_time:          seconds since the start, microseconds, rounding
 * json TCase:
 *   json_bind, json_unbind, json_migrate_evict, json_fault, json_overflow,
 *   json_exit_gone, json_unknown:  the keys of cardsnoop(1) WATCH OUTPUT,
 *                       types as strings, null for "none"; valid JSON
 *   json_submit:        ib_file and ib_commands only with --dump-ib
 *   json_submit_decoded: a saved simgpu IB's commands, decoded inline
 *   json_one_line:      every object is one line
 *   flushed:            text and JSON lines reach the fd at once, even on a
 *                       fully buffered stream
 * words TCase:
 *   access_names:       read, write, both, none, unknown bits
 *   ib_file_name:       <dir>/ib-<seqno>-<va>.bin, VA canonical, one '/'
 *   seconds:            --timeout's seconds: decimals to the millisecond
 * args TCase (args.c):
 *   watch_args:         pid and every watch option
 *   watch_common:       -c/--drm-fd/--client/--vm, --kernel
 *   watch_bad_count:    0 and junk are usage errors
 *   watch_bad_timeout:  junk, four decimals, negative: usage errors
 *   watch_no_pid:       a pid (or --kernel) is needed
 *   watch_foreign_opt:  an option of another command is a usage error
 *   dump_ib_empty:      --dump-ib '' is a usage error
 * run TCase (build/tools/cardsnoop, no GPU here):
 *   run_no_process:     status 1, "no such process"
 *   run_dump_ib_file:   --dump-ib FILE: status 1, not a directory, said
 *                       before anything else
 *   run_dump_ib_parent: --dump-ib under a missing directory: status 1
 *   run_dump_ib_later:  the directory is not created when attaching fails
 *   run_usage:          bad --count: status 2, try line
 *   run_valgrind:       the same runs under valgrind: no error, no leak
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <sys/stat.h>

#include <drm/simgpu_drm.h>

#include "cstest.h"
#include "cli_test.h"

static struct cli_capture cap;

static void cap_teardown(void)
{
	cli_capture_free(&cap);
}

/* Valid JSON, as python3's json module sees it; one document per line. */
static void ck_valid_json_lines(const char *text)
{
	char path[] = "/tmp/cli-watch-json.XXXXXX";
	char cmd[256], *err = NULL;
	int fd = mkstemp(path), rc;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	snprintf(cmd, sizeof(cmd),
		 "python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' %s",
		 path);
	rc = cli_test_sh(cmd, NULL, &err);
	unlink(path);
	ck_assert_msg(rc == 0, "invalid JSON lines (%s):\n%s", err, text);
	free(err);
}

#define T0	1000000000000ull	/* the watch's start, ns */

static const struct cli_watch_fmt fmt = {
	.t0_ns = T0, .va_bits = 48, .pid = 4242, .card = 0,
};

static struct cs_event ev(uint32_t type, uint64_t seqno, uint64_t after_ns)
{
	struct cs_event e;

	memset(&e, 0, sizeof(e));
	e.struct_size = sizeof(e);
	e.type = type;
	e.seqno = seqno;
	e.timestamp_ns = T0 + after_ns;
	return e;
}

static struct cs_event bind_ev(void)
{
	struct cs_event e = ev(CARDSNOOP_EVENT_BIND, 1, 412000);

	e.flags = CARDSNOOP_EVENT_REPLAY;
	e.va = 0x100000000ull;
	e.size = 65536;
	e.bo_id = 3;
	e.data = 0x2000;
	e.placement = CARDSNOOP_PLACEMENT_VRAM;
	e.kind = CARDSNOOP_KIND_BUFFER;
	e.arg = CARDSNOOP_PERM_READ | CARDSNOOP_PERM_WRITE;
	return e;
}

static const char *text_of(const struct cli_watch_fmt *w,
			   const struct cs_event *e,
			   const struct cli_ib_saved *ib)
{
	cli_capture_free(&cap);
	cli_event_text(w, e, ib, cli_capture_open(&cap));
	return cli_capture_text(&cap);
}

/* Every line json_of() made in this test, checked once by json_done(). */
static char *jsonl;
static size_t jsonl_len;

static const char *json_of(const struct cli_watch_fmt *w,
			   const struct cs_event *e,
			   const struct cli_ib_saved *ib)
{
	size_t n;

	cli_capture_free(&cap);
	cli_event_json(w, e, ib, cli_capture_open(&cap));
	cli_capture_text(&cap);
	n = strlen(cap.buf);
	jsonl = realloc(jsonl, jsonl_len + n + 1);
	memcpy(jsonl + jsonl_len, cap.buf, n + 1);
	jsonl_len += n;
	return cap.buf;
}

/* All of them valid JSON (python3 starts once per test, not per line). */
static void json_done(void)
{
	ck_valid_json_lines(jsonl ? jsonl : "");
}

static void json_teardown(void)
{
	free(jsonl);
	jsonl = NULL;
	jsonl_len = 0;
	cli_capture_free(&cap);
}

/* ------------------------------------------------------------------- text */

START_TEST(text_bind)
{
	struct cs_event e = bind_ev();

	ck_assert_str_eq(text_of(&fmt, &e, NULL),
		"     1     0.000412 bind        va=0x0000000100000000 size=64K bo=3 offset=0x2000 placement=vram perms=rw- kind=buffer replay\n");
	/* live, canonical high VA, read-only */
	e.flags = 0;
	e.seqno = 17;
	e.timestamp_ns = T0 + 12345678901ull;
	e.va = 0xffff800000010000ull;
	e.size = 4096;
	e.arg = CARDSNOOP_PERM_READ | CARDSNOOP_PERM_EXEC;
	e.placement = CARDSNOOP_PLACEMENT_SYSTEM;
	ck_assert_str_eq(text_of(&fmt, &e, NULL),
		"    17    12.345679 bind        va=0xffff800000010000 size=4K bo=3 offset=0x2000 placement=system perms=r-x kind=buffer\n");
	/* sparse: no buffer */
	e.bo_id = 0;
	e.data = 0;
	e.kind = CARDSNOOP_KIND_SPARSE;
	e.placement = CARDSNOOP_PLACEMENT_NONE;
	ck_assert_has(text_of(&fmt, &e, NULL),
		      " bo=- offset=0x0 placement=none perms=r-x kind=sparse\n");
	/* userptr: the offset is a CPU address */
	e.bo_id = 9;
	e.data = 0x7f0000001000ull;
	e.kind = CARDSNOOP_KIND_USERPTR;
	ck_assert_has(text_of(&fmt, &e, NULL), " bo=9 offset=0x7f0000001000 ");
}
END_TEST

START_TEST(text_bytes)
{
	struct cli_watch_fmt w = fmt;
	struct cs_event e = bind_ev();

	w.bytes = true;
	ck_assert_has(text_of(&w, &e, NULL), " size=65536 bo=3 ");
	e.size = 1536;
	w.bytes = false;
	ck_assert_has(text_of(&w, &e, NULL), " size=1.5K bo=3 ");
}
END_TEST

START_TEST(text_unbind)
{
	struct cs_event e = ev(CARDSNOOP_EVENT_UNBIND, 5, 2000000);

	e.va = 0x300000000ull;
	e.size = 4096;
	e.bo_id = 4;
	ck_assert_str_eq(text_of(&fmt, &e, NULL),
		"     5     0.002000 unbind      va=0x0000000300000000 size=4K bo=4\n");
	e.bo_id = 0;
	ck_assert_has(text_of(&fmt, &e, NULL), " size=4K bo=-\n");
}
END_TEST

START_TEST(text_migrate_evict)
{
	struct cs_event e = ev(CARDSNOOP_EVENT_MIGRATE, 6, 3000000);

	e.va = 0x100000000ull;
	e.size = 2ull << 20;
	e.bo_id = 2;
	e.placement = CARDSNOOP_PLACEMENT_SYSTEM;
	ck_assert_str_eq(text_of(&fmt, &e, NULL),
		"     6     0.003000 migrate     va=0x0000000100000000 size=2M bo=2 placement=system\n");
	e.type = CARDSNOOP_EVENT_EVICT;
	e.placement = CARDSNOOP_PLACEMENT_GTT;
	ck_assert_str_eq(text_of(&fmt, &e, NULL),
		"     6     0.003000 evict       va=0x0000000100000000 size=2M bo=2 placement=gtt\n");
}
END_TEST

START_TEST(text_submit)
{
	struct cli_watch_fmt w = fmt;
	struct cs_event e = ev(CARDSNOOP_EVENT_SUBMIT, 7, 4000000);
	struct cli_ib_saved ib = { .file = "ibs/ib-7-0xffff800000010000.bin" };
	struct cli_ib_saved none = { 0 };

	e.va = 0xffff800000010000ull;
	e.size = 96;
	e.arg = 2;
	e.data = 11;
	ck_assert_str_eq(text_of(&w, &e, NULL),
		"     7     0.004000 submit      va=0xffff800000010000 size=96B engine=2 submit_seqno=11\n");
	w.dump_ib = true;
	ck_assert_str_eq(text_of(&w, &e, &ib),
		"     7     0.004000 submit      va=0xffff800000010000 size=96B engine=2 submit_seqno=11 ib_file=ibs/ib-7-0xffff800000010000.bin\n");
	ck_assert_has(text_of(&w, &e, &none), " submit_seqno=11 ib_file=-\n");
	e.data = 0;
	ck_assert_has(text_of(&w, &e, &none), " submit_seqno=- ib_file=-\n");
}
END_TEST

START_TEST(text_fault)
{
	struct cs_event e = ev(CARDSNOOP_EVENT_FAULT, 8, 5000000);

	e.va = 0x500000000ull;
	e.arg = CARDSNOOP_ACCESS_WRITE;
	e.data = 11;
	ck_assert_str_eq(text_of(&fmt, &e, NULL),
		"     8     0.005000 fault       va=0x0000000500000000 access=write submit_seqno=11\n");
	e.arg = CARDSNOOP_ACCESS_READ;
	e.data = 0;
	ck_assert_has(text_of(&fmt, &e, NULL), " access=read submit_seqno=-\n");
}
END_TEST

START_TEST(text_overflow)
{
	struct cli_watch_fmt w = fmt;
	struct cs_event e = ev(CARDSNOOP_EVENT_OVERFLOW, 1, 6000000);

	e.size = 84;
	e.data = 84;
	ck_assert_str_eq(text_of(&w, &e, NULL),
		"     1     0.006000 overflow    dropped=84 first_seqno=1 last_seqno=84 (events were lost: 'cardsnoop maps 4242' lists the mappings now)\n");
	w.pid = 0;	/* the kernel VM */
	ck_assert_has(text_of(&w, &e, NULL), "'cardsnoop maps --kernel'");
}
END_TEST

START_TEST(text_exit_gone)
{
	struct cli_watch_fmt w = fmt;
	struct cs_event e = ev(CARDSNOOP_EVENT_TARGET_EXIT, 9, 7000000);

	ck_assert_str_eq(text_of(&w, &e, NULL),
		"     9     0.007000 target-exit pid=4242\n");
	/* the process that owns the DRM file, when it is another one */
	w.owner = 4000;
	ck_assert_str_eq(text_of(&w, &e, NULL),
		"     9     0.007000 target-exit pid=4000\n");
	w.owner = 0;
	e.type = CARDSNOOP_EVENT_DEVICE_GONE;
	w.card = 3;
	ck_assert_str_eq(text_of(&w, &e, NULL),
		"     9     0.007000 device-gone card=3\n");
}
END_TEST

START_TEST(text_unknown)
{
	struct cs_event e = ev(77, 10, 8000000);

	e.flags = 0x4;
	e.va = 0x1000;
	e.size = 2;
	e.bo_id = 3;
	e.data = 4;
	e.arg = 5;
	e.placement = 6;
	e.kind = 7;
	ck_assert_str_eq(text_of(&fmt, &e, NULL),
		"    10     0.008000 unknown     type_id=77 flags=0x4 va=0x0000000000001000 size=2 bo=3 data=4 arg=5 placement=6 kind=7\n");
}
END_TEST

START_TEST(text_time)
{
	char buf[32];

	ck_assert_str_eq(cli_event_time(T0, T0, buf, sizeof(buf)), "0.000000");
	ck_assert_str_eq(cli_event_time(T0 + 1500000000ull, T0, buf, sizeof(buf)),
			 "1.500000");
	/* to the nearest microsecond */
	ck_assert_str_eq(cli_event_time(T0 + 499, T0, buf, sizeof(buf)), "0.000000");
	ck_assert_str_eq(cli_event_time(T0 + 500, T0, buf, sizeof(buf)), "0.000001");
	ck_assert_str_eq(cli_event_time(T0 + 999999999ull, T0, buf, sizeof(buf)),
			 "1.000000");
	/* before the start (a clock this program did not read): signed */
	ck_assert_str_eq(cli_event_time(T0 - 2000, T0, buf, sizeof(buf)), "-0.000002");
	ck_assert_str_eq(cli_event_time(T0 + 3600000000000ull, T0, buf, sizeof(buf)),
			 "3600.000000");
}
END_TEST

/* ------------------------------------------------------------------- JSON */

START_TEST(json_bind)
{
	struct cs_event e = bind_ev();

	ck_assert_str_eq(json_of(&fmt, &e, NULL),
		"{ \"seqno\": 1, \"time\": 0.000412, \"timestamp_ns\": 1000000412000, \"type\": \"bind\", "
		"\"va\": \"0x0000000100000000\", \"size\": 65536, \"bo\": 3, \"offset\": 8192, "
		"\"placement\": \"vram\", \"perms\": \"rw-\", \"kind\": \"buffer\", \"replay\": true }\n");
	e.flags = 0;
	e.bo_id = 0;
	e.kind = CARDSNOOP_KIND_SPARSE;
	e.va = 0xffff800000000000ull;
	ck_assert_has(json_of(&fmt, &e, NULL), "\"va\": \"0xffff800000000000\"");
	ck_assert_has(cap.buf, "\"bo\": null,");
	ck_assert_has(cap.buf, "\"kind\": \"sparse\", \"replay\": false }\n");
	json_done();
}
END_TEST

START_TEST(json_unbind)
{
	struct cs_event e = ev(CARDSNOOP_EVENT_UNBIND, 5, 2000000);

	e.va = 0x300000000ull;
	e.size = 4096;
	e.bo_id = 4;
	ck_assert_str_eq(json_of(&fmt, &e, NULL),
		"{ \"seqno\": 5, \"time\": 0.002000, \"timestamp_ns\": 1000002000000, \"type\": \"unbind\", "
		"\"va\": \"0x0000000300000000\", \"size\": 4096, \"bo\": 4 }\n");
	json_done();
}
END_TEST

START_TEST(json_migrate_evict)
{
	struct cs_event e = ev(CARDSNOOP_EVENT_EVICT, 6, 3000000);

	e.va = 0x100000000ull;
	e.size = 2ull << 20;
	e.bo_id = 2;
	e.placement = CARDSNOOP_PLACEMENT_SYSTEM;
	ck_assert_str_eq(json_of(&fmt, &e, NULL),
		"{ \"seqno\": 6, \"time\": 0.003000, \"timestamp_ns\": 1000003000000, \"type\": \"evict\", "
		"\"va\": \"0x0000000100000000\", \"size\": 2097152, \"bo\": 2, \"placement\": \"system\" }\n");
	e.type = CARDSNOOP_EVENT_MIGRATE;
	e.placement = CARDSNOOP_PLACEMENT_VRAM;
	ck_assert_has(json_of(&fmt, &e, NULL), "\"type\": \"migrate\"");
	ck_assert_has(cap.buf, "\"placement\": \"vram\" }\n");
	json_done();
}
END_TEST

START_TEST(json_submit)
{
	struct cli_watch_fmt w = fmt;
	struct cs_event e = ev(CARDSNOOP_EVENT_SUBMIT, 7, 4000000);
	struct cli_ib_saved none = { 0 };

	e.va = 0xffff800000010000ull;
	e.size = 96;
	e.data = 11;
	ck_assert_str_eq(json_of(&w, &e, NULL),
		"{ \"seqno\": 7, \"time\": 0.004000, \"timestamp_ns\": 1000004000000, \"type\": \"submit\", "
		"\"va\": \"0xffff800000010000\", \"size\": 96, \"engine\": 0, \"submit_seqno\": 11 }\n");
	/* --dump-ib: the keys are there even when the IB was not saved */
	w.dump_ib = true;
	ck_assert_has(json_of(&w, &e, &none),
		      "\"submit_seqno\": 11, \"ib_file\": null, \"ib_commands\": null }\n");
	/* saved, but not a simgpu IB: the file, no decoding */
	{
		struct cli_ib_saved ib = { .file = "d/ib-7-0xffff800000010000.bin" };

		ck_assert_has(json_of(&w, &e, &ib),
			      "\"ib_file\": \"d/ib-7-0xffff800000010000.bin\", \"ib_commands\": null }\n");
	}
	json_done();
}
END_TEST

static void put_cmd(uint8_t *p, uint32_t op, uint64_t a0, uint64_t a1,
		    uint64_t a2)
{
	struct drm_simgpu_cmd c = { .op = op, .arg0 = a0, .arg1 = a1, .arg2 = a2 };

	memcpy(p, &c, sizeof(c));
}

START_TEST(json_submit_decoded)
{
	struct cli_watch_fmt w = fmt;
	struct cs_event e = ev(CARDSNOOP_EVENT_SUBMIT, 7, 4000000);
	uint8_t bytes[64];
	struct cli_ib_saved ib = {
		.file = "d/ib-7-0xffff800000010000.bin", .bytes = bytes,
		.len = sizeof(bytes),
	};

	put_cmd(bytes, SIMGPU_CMD_FILL, 0x100000000ull, 4096, 0x11223344);
	put_cmd(bytes + 32, SIMGPU_CMD_WRITE32, 0x800000000040ull, 0x12345678, 0);
	e.va = 0xffff800000010000ull;
	e.size = sizeof(bytes);
	e.data = 11;
	w.dump_ib = true;
	w.simgpu = true;
	ck_assert_str_eq(json_of(&w, &e, &ib),
		"{ \"seqno\": 7, \"time\": 0.004000, \"timestamp_ns\": 1000004000000, \"type\": \"submit\", "
		"\"va\": \"0xffff800000010000\", \"size\": 64, \"engine\": 0, \"submit_seqno\": 11, "
		"\"ib_file\": \"d/ib-7-0xffff800000010000.bin\", \"ib_commands\": [ "
		"{ \"offset\": 0, \"op\": \"fill\", \"va\": \"0x0000000100000000\", \"size\": 4096, \"value\": 287454020, \"malformed\": null }, "
		"{ \"offset\": 32, \"op\": \"write32\", \"va\": \"0xffff800000000040\", \"value\": 305419896, \"malformed\": null } ] }\n");
	/* a length that is not whole commands is not decoded */
	ib.len = 40;
	ck_assert_has(json_of(&w, &e, &ib), "\"ib_commands\": null }\n");
	json_done();
}
END_TEST

START_TEST(json_fault)
{
	struct cs_event e = ev(CARDSNOOP_EVENT_FAULT, 8, 5000000);

	e.va = 0x500000000ull;
	e.arg = CARDSNOOP_ACCESS_READ;
	ck_assert_str_eq(json_of(&fmt, &e, NULL),
		"{ \"seqno\": 8, \"time\": 0.005000, \"timestamp_ns\": 1000005000000, \"type\": \"fault\", "
		"\"va\": \"0x0000000500000000\", \"access\": \"read\", \"submit_seqno\": null }\n");
	e.data = 3;
	e.arg = CARDSNOOP_ACCESS_WRITE;
	ck_assert_has(json_of(&fmt, &e, NULL), "\"access\": \"write\", \"submit_seqno\": 3 }\n");
	json_done();
}
END_TEST

START_TEST(json_overflow)
{
	struct cs_event e = ev(CARDSNOOP_EVENT_OVERFLOW, 1, 6000000);

	e.size = 84;
	e.data = 84;
	ck_assert_str_eq(json_of(&fmt, &e, NULL),
		"{ \"seqno\": 1, \"time\": 0.006000, \"timestamp_ns\": 1000006000000, \"type\": \"overflow\", "
		"\"dropped\": 84, \"first_seqno\": 1, \"last_seqno\": 84 }\n");
	json_done();
}
END_TEST

START_TEST(json_exit_gone)
{
	struct cli_watch_fmt w = fmt;
	struct cs_event e = ev(CARDSNOOP_EVENT_TARGET_EXIT, 9, 7000000);

	ck_assert_str_eq(json_of(&w, &e, NULL),
		"{ \"seqno\": 9, \"time\": 0.007000, \"timestamp_ns\": 1000007000000, \"type\": \"target-exit\", \"pid\": 4242 }\n");
	w.pid = 0;
	ck_assert_has(json_of(&w, &e, NULL), "\"pid\": null }\n");
	e.type = CARDSNOOP_EVENT_DEVICE_GONE;
	ck_assert_str_eq(json_of(&w, &e, NULL),
		"{ \"seqno\": 9, \"time\": 0.007000, \"timestamp_ns\": 1000007000000, \"type\": \"device-gone\", \"card\": 0 }\n");
	json_done();
}
END_TEST

START_TEST(json_unknown)
{
	struct cs_event e = ev(77, 10, 8000000);

	e.va = 0x1000;
	e.size = 2;
	ck_assert_str_eq(json_of(&fmt, &e, NULL),
		"{ \"seqno\": 10, \"time\": 0.008000, \"timestamp_ns\": 1000008000000, \"type\": \"unknown\", "
		"\"type_id\": 77, \"flags\": 0, \"va\": \"0x0000000000001000\", \"size\": 2, \"bo\": 0, "
		"\"data\": 0, \"arg\": 0, \"placement\": 0, \"kind\": 0 }\n");
	json_done();
}
END_TEST

START_TEST(json_one_line)
{
	static const uint32_t types[] = {
		CARDSNOOP_EVENT_BIND, CARDSNOOP_EVENT_UNBIND,
		CARDSNOOP_EVENT_MIGRATE, CARDSNOOP_EVENT_EVICT,
		CARDSNOOP_EVENT_SUBMIT, CARDSNOOP_EVENT_FAULT,
		CARDSNOOP_EVENT_TARGET_EXIT, CARDSNOOP_EVENT_DEVICE_GONE,
		CARDSNOOP_EVENT_OVERFLOW, 99,
	};
	struct cli_watch_fmt w = fmt;
	struct cli_ib_saved ib = { .file = "x" };
	struct cs_event e;
	const char *nl;
	size_t i;

	w.dump_ib = true;
	w.simgpu = true;
	for (i = 0; i < CLI_ARRAY_SIZE(types); i++) {
		e = bind_ev();
		e.type = types[i];
		json_of(&w, &e, &ib);
		nl = strchr(cap.buf, '\n');
		ck_assert_msg(nl && nl[1] == '\0', "not one line: %s", cap.buf);
		ck_assert_msg(cap.buf[0] == '{', "not an object: %s", cap.buf);
		text_of(&w, &e, &ib);
		nl = strchr(cap.buf, '\n');
		ck_assert_msg(nl && nl[1] == '\0', "not one line: %s", cap.buf);
	}
	json_done();
}
END_TEST

/* Each line reaches the file descriptor at once, whatever the buffering. */
START_TEST(flushed)
{
	static char big[1 << 16];
	struct cs_event e = bind_ev();
	char buf[512];
	int p[2];
	FILE *f;
	ssize_t n;

	ck_assert_int_eq(pipe2(p, O_NONBLOCK), 0);
	f = fdopen(p[1], "w");
	ck_assert_ptr_nonnull(f);
	setvbuf(f, big, _IOFBF, sizeof(big));
	cli_event_text(&fmt, &e, NULL, f);
	n = read(p[0], buf, sizeof(buf) - 1);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	ck_assert_has(buf, " bind ");
	ck_assert_msg(buf[n - 1] == '\n', "partial line: %s", buf);
	cli_event_json(&fmt, &e, NULL, f);
	n = read(p[0], buf, sizeof(buf) - 1);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	ck_assert_has(buf, "\"type\": \"bind\"");
	ck_assert_msg(buf[n - 1] == '\n', "partial line: %s", buf);
	fclose(f);
	close(p[0]);
}
END_TEST

/* ------------------------------------------------------------------ words */

START_TEST(access_names)
{
	char buf[32];

	ck_assert_str_eq(cli_access_str(CARDSNOOP_ACCESS_READ, buf, sizeof(buf)), "read");
	ck_assert_str_eq(cli_access_str(CARDSNOOP_ACCESS_WRITE, buf, sizeof(buf)), "write");
	ck_assert_str_eq(cli_access_str(CARDSNOOP_ACCESS_READ | CARDSNOOP_ACCESS_WRITE,
					buf, sizeof(buf)), "read,write");
	ck_assert_str_eq(cli_access_str(0, buf, sizeof(buf)), "none");
	ck_assert_str_eq(cli_access_str(CARDSNOOP_ACCESS_WRITE | 0x10, buf, sizeof(buf)),
			 "write,0x10");
	ck_assert_str_eq(cli_access_str(0x10, buf, sizeof(buf)), "0x10");
}
END_TEST

START_TEST(ib_file_name)
{
	struct cs_event e = ev(CARDSNOOP_EVENT_SUBMIT, 6, 0);
	char *s;

	e.va = 0xffff800000010000ull;
	s = cli_ib_file_name("ibs", &e);
	ck_assert_str_eq(s, "ibs/ib-6-0xffff800000010000.bin");
	free(s);
	e.va = 0x10000;
	e.seqno = 123456;
	s = cli_ib_file_name("/tmp/x//", &e);
	ck_assert_str_eq(s, "/tmp/x/ib-123456-0x0000000000010000.bin");
	free(s);
	s = cli_ib_file_name("/", &e);
	ck_assert_str_eq(s, "//ib-123456-0x0000000000010000.bin");
	free(s);
}
END_TEST

START_TEST(seconds)
{
	static const struct { const char *s; uint64_t ms; } ok[] = {
		{ "0", 0 }, { "30", 30000 }, { "0.5", 500 }, { "1.25", 1250 },
		{ "2.001", 2001 }, { "007", 7000 },
	};
	static const char *const bad[] = {
		"", "-1", "+1", ".5", "1.", "1.2345", "1s", " 1", "1e3", "0x10",
		"abc",
	};
	uint64_t ms;
	size_t i;

	for (i = 0; i < CLI_ARRAY_SIZE(ok); i++) {
		ck_assert_msg(!cli_parse_seconds(ok[i].s, &ms), "%s", ok[i].s);
		ck_assert_uint_eq(ms, ok[i].ms);
	}
	for (i = 0; i < CLI_ARRAY_SIZE(bad); i++)
		ck_assert_msg(cli_parse_seconds(bad[i], &ms) == -EINVAL,
			      "%s accepted", bad[i]);
	ck_assert_int_eq(cli_parse_seconds("99999999999", &ms), -ERANGE);
}
END_TEST

/* ------------------------------------------------------------------- args */

static struct cli_opts o;
static struct cli_argv av;
static struct cli_capture cout, cerr;

static void args_teardown(void)
{
	cli_argv_free(&av);
	cli_capture_free(&cout);
	cli_capture_free(&cerr);
}

static int parse(const char *line)
{
	int ret;

	args_teardown();
	cli_argv_split(&av, line);
	cli_capture_open(&cout);
	cli_capture_open(&cerr);
	ret = cli_parse(av.argc, av.argv, &o, cout.f, cerr.f);
	cli_capture_text(&cout);
	cli_capture_text(&cerr);
	return ret;
}

#define ERR (cerr.buf ? cerr.buf : "")

#define ck_usage(line, msg)						\
	do {								\
		ck_assert_int_eq(parse(line), CLI_PARSE_USAGE);		\
		ck_assert_has(ERR, msg);				\
		ck_assert_has(ERR, "Try 'cardsnoop watch --help'");	\
	} while (0)

START_TEST(watch_args)
{
	ck_assert_int_eq(parse("cardsnoop watch 42"), CLI_PARSE_RUN);
	ck_assert_str_eq(o.cmd->name, "watch");
	ck_assert_int_eq(o.pid, 42);
	ck_assert_int_eq(o.mode, CLI_OUT_TEXT);
	ck_assert_ptr_null(o.dump_ib);
	ck_assert_uint_eq(o.count, 0);
	ck_assert(!o.has_timeout);
	ck_assert_int_eq(parse("cardsnoop watch 42 --json --dump-ib ibs --count 3 --timeout 1.5 -b"),
			 CLI_PARSE_RUN);
	ck_assert_int_eq(o.mode, CLI_OUT_JSON);
	ck_assert_str_eq(o.dump_ib, "ibs");
	ck_assert_uint_eq(o.count, 3);
	ck_assert(o.has_timeout);
	ck_assert_uint_eq(o.timeout_ms, 1500);
	ck_assert(o.bytes);
	/* -J before the command, options before the pid */
	ck_assert_int_eq(parse("cardsnoop -J watch --count 1 42"), CLI_PARSE_RUN);
	ck_assert_int_eq(o.mode, CLI_OUT_JSON);
	ck_assert_int_eq(o.pid, 42);
	ck_assert_str_eq(ERR, "");
}
END_TEST

START_TEST(watch_common)
{
	ck_assert_int_eq(parse("cardsnoop watch -c 1 --drm-fd 5 --vm 2 42"), CLI_PARSE_RUN);
	ck_assert_int_eq(o.card, 1);
	ck_assert_int_eq(o.drm_fd, 5);
	ck_assert_uint_eq(o.vm_id, 2);
	ck_assert_int_eq(parse("cardsnoop watch --client 7 42"), CLI_PARSE_RUN);
	ck_assert_uint_eq(o.client_id, 7);
	ck_assert_int_eq(parse("cardsnoop watch --kernel"), CLI_PARSE_RUN);
	ck_assert(o.kernel);
	ck_assert_int_eq(o.pid, 0);
	ck_usage("cardsnoop watch --kernel 42", "unexpected argument: '42'");
}
END_TEST

START_TEST(watch_bad_count)
{
	ck_usage("cardsnoop watch 42 --count 0", "invalid event count: '0'");
	ck_usage("cardsnoop watch 42 --count x", "invalid event count: 'x'");
	ck_usage("cardsnoop watch 42 --count -1", "invalid event count: '-1'");
	ck_usage("cardsnoop watch 42 --count", "option '--count' requires an argument");
}
END_TEST

START_TEST(watch_bad_timeout)
{
	ck_usage("cardsnoop watch 42 --timeout x", "invalid timeout: 'x'");
	ck_usage("cardsnoop watch 42 --timeout 1.2345", "invalid timeout: '1.2345'");
	ck_usage("cardsnoop watch 42 --timeout -3", "invalid timeout: '-3'");
}
END_TEST

START_TEST(watch_no_pid)
{
	ck_usage("cardsnoop watch", "watch: no process given (a pid, or --kernel)");
	ck_usage("cardsnoop watch --json", "watch: no process given");
	ck_usage("cardsnoop watch 0", "invalid process id: '0'");
	ck_usage("cardsnoop watch 42 43", "unexpected argument: '43'");
}
END_TEST

START_TEST(watch_foreign_opt)
{
	ck_usage("cardsnoop watch 42 --last 3", "unrecognized option '--last'");
	ck_usage("cardsnoop watch 42 -o VA", "unrecognized option '-o'");
	ck_usage("cardsnoop watch 42 --raw", "unrecognized option '--raw'");
	/* and watch's own elsewhere */
	ck_assert_int_eq(parse("cardsnoop maps 42 --count 1"), CLI_PARSE_USAGE);
	ck_assert_has(ERR, "unrecognized option '--count'");
}
END_TEST

START_TEST(dump_ib_empty)
{
	ck_usage("cardsnoop watch 42 --dump-ib=", "invalid directory: ''");
}
END_TEST

/* -------------------------------------------------------------------- run */

static char bin[PATH_MAX];
static char *out, *err;
static char tmpdir[] = "/tmp/cli-watch.XXXXXX";

static void run_setup(void)
{
	snprintf(bin, sizeof(bin), "%s/build/tools/cardsnoop", cli_test_top());
	out = err = NULL;
	ck_assert_ptr_nonnull(mkdtemp(strcpy(tmpdir, "/tmp/cli-watch.XXXXXX")));
}

static void run_teardown(void)
{
	char cmd[PATH_MAX + 16];

	free(out);
	free(err);
	out = err = NULL;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	cli_test_sh(cmd, NULL, NULL);
}

static int cs(const char *fmt_, const char *a)
{
	char line[PATH_MAX * 2];
	struct cli_argv a_;
	char *argv[66];
	int i, rc;

	free(out);
	free(err);
	snprintf(line, sizeof(line), fmt_, a);
	cli_argv_split(&a_, line);
	argv[0] = bin;
	for (i = 0; i < a_.argc && i < 64; i++)
		argv[i + 1] = a_.argv[i];
	argv[i + 1] = NULL;
	rc = cli_test_run(argv, &out, &err);
	cli_argv_free(&a_);
	return rc;
}

START_TEST(run_no_process)
{
	ck_assert_int_eq(cs("watch 999999%s", ""), 1);
	ck_assert_has(err, "no such process");
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(run_dump_ib_file)
{
	char path[PATH_MAX + 8];
	int fd;

	snprintf(path, sizeof(path), "%s/f", tmpdir);
	fd = open(path, O_WRONLY | O_CREAT, 0644);
	ck_assert_int_ge(fd, 0);
	close(fd);
	/* said before the attach fails: the message is the directory's */
	ck_assert_int_eq(cs("watch 999999 --dump-ib %s", path), 1);
	ck_assert_has(err, "is not a directory");
	ck_assert_has(err, path);
	ck_assert_lacks(err, "no such process");
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(run_dump_ib_parent)
{
	char path[PATH_MAX + 16];

	snprintf(path, sizeof(path), "%s/missing/ibs", tmpdir);
	ck_assert_int_eq(cs("watch 999999 --dump-ib %s", path), 1);
	ck_assert_has(err, "cannot create");
	ck_assert_has(err, path);
	ck_assert_lacks(err, "no such process");
}
END_TEST

START_TEST(run_dump_ib_later)
{
	char path[PATH_MAX + 8];
	struct stat st;

	snprintf(path, sizeof(path), "%s/ibs", tmpdir);
	ck_assert_int_eq(cs("watch 999999 --dump-ib %s", path), 1);
	ck_assert_has(err, "no such process");
	ck_assert_int_eq(stat(path, &st), -1);
}
END_TEST

START_TEST(run_usage)
{
	ck_assert_int_eq(cs("watch 1 --count%s", ""), 2);
	ck_assert_has(err, "Try 'cardsnoop watch --help'");
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(cs("watch --help%s", ""), 0);
	ck_assert_has(out, "cardsnoop watch [options] <pid>|--kernel");
	ck_assert_has(out, "--dump-ib <dir>");
}
END_TEST

/* The runs above under valgrind: the same status, no error, no leak. */
START_TEST(run_valgrind)
{
	static const char *const lines[] = {
		"watch --help", "watch 999999", "watch 999999 --json --dump-ib %s/ibs",
		"watch 999999 --dump-ib %s/missing/ibs", "watch 1 --timeout x",
		"watch --kernel --count 1 --timeout 0.1",
	};
	char line[PATH_MAX * 2], cmd[PATH_MAX * 3 + 256];
	size_t i;
	int rc, plain;

	for (i = 0; i < CLI_ARRAY_SIZE(lines); i++) {
		plain = cs(lines[i], tmpdir);
		snprintf(line, sizeof(line), lines[i], tmpdir);
		snprintf(cmd, sizeof(cmd),
			 "valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect "
			 "--error-exitcode=99 '%s' %s", bin, line);
		free(out);
		free(err);
		rc = cli_test_sh(cmd, &out, &err);
		ck_assert_msg(rc == plain, "valgrind cardsnoop %s: status %d (%d without):\n%s",
			      line, rc, plain, err);
	}
}
END_TEST

static Suite *cli_watch_suite(void)
{
	Suite *s = suite_create("cli_watch");
	TCase *tc;

	tc = tcase_create("text");
	tcase_add_checked_fixture(tc, NULL, cap_teardown);
	tcase_add_test(tc, text_bind);
	tcase_add_test(tc, text_bytes);
	tcase_add_test(tc, text_unbind);
	tcase_add_test(tc, text_migrate_evict);
	tcase_add_test(tc, text_submit);
	tcase_add_test(tc, text_fault);
	tcase_add_test(tc, text_overflow);
	tcase_add_test(tc, text_exit_gone);
	tcase_add_test(tc, text_unknown);
	tcase_add_test(tc, text_time);
	suite_add_tcase(s, tc);

	tc = tcase_create("json");
	tcase_add_checked_fixture(tc, NULL, json_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, json_bind);
	tcase_add_test(tc, json_unbind);
	tcase_add_test(tc, json_migrate_evict);
	tcase_add_test(tc, json_submit);
	tcase_add_test(tc, json_submit_decoded);
	tcase_add_test(tc, json_fault);
	tcase_add_test(tc, json_overflow);
	tcase_add_test(tc, json_exit_gone);
	tcase_add_test(tc, json_unknown);
	tcase_add_test(tc, json_one_line);
	tcase_add_test(tc, flushed);
	suite_add_tcase(s, tc);

	tc = tcase_create("words");
	tcase_add_test(tc, access_names);
	tcase_add_test(tc, ib_file_name);
	tcase_add_test(tc, seconds);
	suite_add_tcase(s, tc);

	tc = tcase_create("args");
	tcase_add_checked_fixture(tc, NULL, args_teardown);
	tcase_add_test(tc, watch_args);
	tcase_add_test(tc, watch_common);
	tcase_add_test(tc, watch_bad_count);
	tcase_add_test(tc, watch_bad_timeout);
	tcase_add_test(tc, watch_no_pid);
	tcase_add_test(tc, watch_foreign_opt);
	tcase_add_test(tc, dump_ib_empty);
	suite_add_tcase(s, tc);

	tc = tcase_create("run");
	tcase_add_checked_fixture(tc, run_setup, run_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, run_no_process);
	tcase_add_test(tc, run_dump_ib_file);
	tcase_add_test(tc, run_dump_ib_parent);
	tcase_add_test(tc, run_dump_ib_later);
	tcase_add_test(tc, run_usage);
	tcase_add_test(tc, run_valgrind);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return cstest_run(cli_watch_suite());
}
