// SPDX-License-Identifier: MIT
/*
 * cardsnoop CLI host tests: what it prints.
 *
 * words TCase (num.c):
 *   size_human:         lsblk-style sizes, exact and rounded
 *   names:              perms, placement, kind, canonical VA strings
 * table TCase (table.c, json.c):
 *   table_text:         header, alignment (right for numbers), "-" for unknown
 *   table_noheadings:   -n drops the header only
 *   table_raw:          single spaces, blanks escaped as \x20, unknown empty
 *   table_json:         types from the column table: numbers, strings,
 *                       null, VA strings, sizes in bytes; valid JSON
 *   table_json_escape:  quotes, control characters, invalid UTF-8
 *   table_columns:      -o list (any case), +list, --output-all, unknown
 *   table_bytes:        --bytes prints sizes in bytes
 *   table_pairs:        single-object "NAME: value" output
 *   table_usage:        --help's column list carries the JSON types
 *   json_nesting:       objects in arrays in objects; inline containers
 * hexdump TCase (hexdump.c):
 *   hexdump_lines:      hexdump -C layout with canonical VAs
 *   hexdump_unaligned:  a start inside a line leaves its head blank
 *   hexdump_squeeze:    "*" for repeats, end address after a final run
 *   hexdump_no_squeeze: -v prints every line
 *   hexdump_chunks:     byte-by-byte feeding prints the same
 *   hexdump_canonical:  the high half prints as 0xffff8...
 * simgpu TCase (ibdec.c, progress.c):
 *   ring_header:        a valid header decodes; the packet window
 *   ring_window_wrap:   after more packets than slots, the last slots
 *   ring_bad:           bad magic, version, sizes, rptr > wptr
 *   packet:             fields and status names
 *   ib_text:            one line per command; malformed ones say why
 *   ib_json:            the command's JSON fields
 *   ib_target:          which commands write where
 *   progress_line:      "dump: 12M of 64M (18%)"
 */
#include <errno.h>
#include <stdint.h>

#include <drm/simgpu_drm.h>

#include "cstest.h"
#include "cli_test.h"

static struct cli_capture cap;

static void cap_teardown(void)
{
	cli_capture_free(&cap);
}

/* Valid JSON, as python3's json module sees it. */
static void ck_valid_json(const char *text)
{
	char path[] = "/tmp/cli-json.XXXXXX";
	char cmd[128], *err = NULL;
	int fd = mkstemp(path), rc;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	snprintf(cmd, sizeof(cmd),
		 "python3 -c 'import json,sys; json.load(open(sys.argv[1]))' %s", path);
	rc = cli_test_sh(cmd, NULL, &err);
	unlink(path);
	ck_assert_msg(rc == 0, "invalid JSON (%s):\n%s", err, text);
	free(err);
}

/* ------------------------------------------------------------------ words */

START_TEST(size_human)
{
	static const struct { uint64_t v; const char *s; } t[] = {
		{ 0, "0B" }, { 512, "512B" }, { 1023, "1023B" }, { 1024, "1K" },
		{ 1536, "1.5K" }, { 65536, "64K" }, { 65472, "63.9K" },
		{ (1 << 20) + 4096, "1.0M" }, { 256ull << 20, "256M" },
		{ 1ull << 30, "1G" }, { 3ull << 40, "3T" },
		{ UINT64_MAX, "16.0E" },
	};
	char buf[32];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ck_assert_str_eq(cli_size_human(t[i].v, buf, sizeof(buf)), t[i].s);
}
END_TEST

START_TEST(names)
{
	char p[4], b[32];

	ck_assert_str_eq(cli_perms_str(CARDSNOOP_PERM_READ, p), "r--");
	ck_assert_str_eq(cli_perms_str(CARDSNOOP_PERM_READ | CARDSNOOP_PERM_WRITE, p), "rw-");
	ck_assert_str_eq(cli_perms_str(7, p), "rwx");
	ck_assert_str_eq(cli_perms_str(0, p), "---");
	ck_assert_str_eq(cli_placement_str(CARDSNOOP_PLACEMENT_VRAM), "vram");
	ck_assert_str_eq(cli_placement_str(CARDSNOOP_PLACEMENT_SYSTEM), "system");
	ck_assert_str_eq(cli_placement_str(CARDSNOOP_PLACEMENT_GTT), "gtt");
	ck_assert_str_eq(cli_placement_str(CARDSNOOP_PLACEMENT_NONE), "none");
	ck_assert_str_eq(cli_placement_str(99), "unknown");
	ck_assert_str_eq(cli_kind_str(CARDSNOOP_KIND_SPARSE), "sparse");
	ck_assert_str_eq(cli_kind_str(CARDSNOOP_KIND_DMABUF), "dma-buf");
	ck_assert_str_eq(cli_kind_str(CARDSNOOP_KIND_USERPTR), "userptr");
	ck_assert_str_eq(cli_kind_str(CARDSNOOP_KIND_KERNEL), "kernel");
	ck_assert_str_eq(cli_va_str(0x100000000ull, b, sizeof(b)), "0x0000000100000000");
	ck_assert_uint_eq(cli_canon_va(48, 0x800000000000ull), 0xffff800000000000ull);
	ck_assert_uint_eq(cli_canon_va(48, 0xffff800000000000ull), 0xffff800000000000ull);
	ck_assert_uint_eq(cli_canon_va(48, 0x1000), 0x1000);
	/* not a VA of a 48-bit GPU: shown as it is */
	ck_assert_uint_eq(cli_canon_va(48, 0x0001000000000000ull), 0x0001000000000000ull);
}
END_TEST

/* ------------------------------------------------------------------ table */

enum { T_NAME, T_ID, T_SIZE, T_VA, T_FLAG, T_NOTE };

static const struct cli_column tcols[] = {
	[T_NAME] = { "NAME", "name", CLI_JSON_STRING, CLI_COL_DEFAULT, "a name" },
	[T_ID] = { "ID", "id", CLI_JSON_NUMBER, CLI_COL_RIGHT | CLI_COL_DEFAULT, "an id" },
	[T_SIZE] = { "SIZE", "size", CLI_JSON_NUMBER, CLI_COL_RIGHT | CLI_COL_DEFAULT, "bytes" },
	[T_VA] = { "VA", "va", CLI_JSON_STRING, CLI_COL_DEFAULT, "an address" },
	[T_FLAG] = { "FLAG", "flag", CLI_JSON_BOOLEAN, 0, "yes or no" },
	[T_NOTE] = { "NOTE", "note", CLI_JSON_STRING, 0, "free text" },
	{ NULL },
};

static void fill(struct cli_table *t)
{
	size_t r;

	r = cli_table_new_row(t);
	cli_table_set_str(t, r, T_NAME, "first");
	cli_table_set_u64(t, r, T_ID, 7);
	cli_table_set_size(t, r, T_SIZE, 65536);
	cli_table_set_va(t, r, T_VA, 0x100000000ull);
	cli_table_set_bool(t, r, T_FLAG, true);
	cli_table_set_str(t, r, T_NOTE, "a b");
	r = cli_table_new_row(t);
	cli_table_set_str(t, r, T_NAME, "second-row");
	cli_table_set_i64(t, r, T_ID, -12);
	cli_table_set_size(t, r, T_SIZE, 1536);
	cli_table_set_va(t, r, T_VA, 0xffff800000000000ull);
	/* FLAG and NOTE unknown */
}

static void init(struct cli_table *t, const char *list, bool all,
		 enum cli_out_mode mode, bool noheadings, bool bytes)
{
	char why[128];

	ck_assert_int_eq(cli_table_init(t, tcols, list, all, mode, noheadings,
					bytes, why, sizeof(why)), 0);
	fill(t);
}

START_TEST(table_text)
{
	struct cli_table t;

	init(&t, NULL, false, CLI_OUT_TEXT, false, false);
	cli_table_print(&t, cli_capture_open(&cap));
	ck_assert_str_eq(cli_capture_text(&cap),
		"NAME         ID  SIZE  VA\n"
		"first         7   64K  0x0000000100000000\n"
		"second-row  -12  1.5K  0xffff800000000000\n");
	cli_table_free(&t);
}
END_TEST

START_TEST(table_noheadings)
{
	struct cli_table t;

	init(&t, "NAME,FLAG", false, CLI_OUT_TEXT, true, false);
	cli_table_print(&t, cli_capture_open(&cap));
	ck_assert_str_eq(cli_capture_text(&cap),
		"first       yes\n"
		"second-row  -\n");
	cli_table_free(&t);
}
END_TEST

START_TEST(table_raw)
{
	struct cli_table t;

	init(&t, "NAME,NOTE,ID", false, CLI_OUT_RAW, false, false);
	cli_table_print(&t, cli_capture_open(&cap));
	ck_assert_str_eq(cli_capture_text(&cap),
		"NAME NOTE ID\n"
		"first a\\x20b 7\n"
		"second-row  -12\n");
	cli_table_free(&t);
}
END_TEST

START_TEST(table_json)
{
	struct cli_table t;
	struct cli_json j;
	const char *text;

	init(&t, NULL, true, CLI_OUT_JSON, false, false);
	cli_json_init(&j, cli_capture_open(&cap));
	cli_json_begin_object(&j, NULL);
	cli_json_u64(&j, "pid", 42);
	cli_table_print_json(&t, &j, "rows");
	cli_json_end(&j);
	text = cli_capture_text(&cap);
	ck_assert_str_eq(text,
		"{\n"
		"  \"pid\": 42,\n"
		"  \"rows\": [\n"
		"    { \"name\": \"first\", \"id\": 7, \"size\": 65536, \"va\": \"0x0000000100000000\", \"flag\": true, \"note\": \"a b\" },\n"
		"    { \"name\": \"second-row\", \"id\": -12, \"size\": 1536, \"va\": \"0xffff800000000000\", \"flag\": null, \"note\": null }\n"
		"  ]\n"
		"}\n");
	ck_valid_json(text);
	cli_table_free(&t);
}
END_TEST

START_TEST(table_json_escape)
{
	struct cli_json j;
	const char *text;

	cli_json_init(&j, cli_capture_open(&cap));
	cli_json_begin_object_inline(&j, NULL);
	cli_json_str(&j, "q", "say \"hi\"\\");
	cli_json_str(&j, "ctl", "a\nb\tc\x01");
	cli_json_str(&j, "utf8", "caf\xc3\xa9");
	cli_json_str(&j, "bad", "x\xff\xc3y");
	cli_json_hex(&j, "off", 0x40, false);
	cli_json_end(&j);
	text = cli_capture_text(&cap);
	ck_assert_str_eq(text,
		"{ \"q\": \"say \\\"hi\\\"\\\\\", \"ctl\": \"a\\nb\\tc\\u0001\", "
		"\"utf8\": \"caf\xc3\xa9\", \"bad\": \"x\\u00ff\\u00c3y\", \"off\": \"0x40\" }\n");
	ck_valid_json(text);
}
END_TEST

START_TEST(table_columns)
{
	struct cli_table t;
	char why[128];

	ck_assert_int_eq(cli_table_init(&t, tcols, "va,Name", false, CLI_OUT_TEXT,
					false, false, why, sizeof(why)), 0);
	ck_assert_uint_eq(t.nshown, 2);
	ck_assert_uint_eq(t.shown[0], T_VA);
	ck_assert_uint_eq(t.shown[1], T_NAME);
	cli_table_free(&t);

	ck_assert_int_eq(cli_table_init(&t, tcols, "+NOTE", false, CLI_OUT_TEXT,
					false, false, why, sizeof(why)), 0);
	ck_assert_uint_eq(t.nshown, 5);
	ck_assert_uint_eq(t.shown[4], T_NOTE);
	ck_assert(cli_table_shown(&t, T_NOTE));
	ck_assert(!cli_table_shown(&t, T_FLAG));
	cli_table_free(&t);

	ck_assert_int_eq(cli_table_init(&t, tcols, NULL, true, CLI_OUT_TEXT,
					false, false, why, sizeof(why)), 0);
	ck_assert_uint_eq(t.nshown, 6);
	cli_table_free(&t);

	ck_assert_int_eq(cli_table_init(&t, tcols, "NAME,BOGUS", false, CLI_OUT_TEXT,
					false, false, why, sizeof(why)), -EINVAL);
	ck_assert_str_eq(why, "unknown column: BOGUS");
	cli_table_free(&t);
	ck_assert_int_eq(cli_table_init(&t, tcols, ",", false, CLI_OUT_TEXT,
					false, false, why, sizeof(why)), -EINVAL);
	cli_table_free(&t);
}
END_TEST

START_TEST(table_bytes)
{
	struct cli_table t;

	init(&t, "SIZE", false, CLI_OUT_TEXT, false, true);
	cli_table_print(&t, cli_capture_open(&cap));
	ck_assert_str_eq(cli_capture_text(&cap), " SIZE\n65536\n 1536\n");
	cli_table_free(&t);
}
END_TEST

START_TEST(table_pairs)
{
	struct cli_table t;

	init(&t, "NAME,SIZE,FLAG", false, CLI_OUT_TEXT, false, false);
	cli_table_print_pairs(&t, cli_capture_open(&cap), 1);
	ck_assert_str_eq(cli_capture_text(&cap),
		"NAME: second-row\n"
		"SIZE: 1.5K\n"
		"FLAG: -\n");
	cli_table_free(&t);
}
END_TEST

START_TEST(table_usage)
{
	const char *text;

	cli_table_usage(tcols, cli_capture_open(&cap));
	text = cli_capture_text(&cap);
	ck_assert_has(text, "Available output columns");
	ck_assert_has(text, " NAME * a name <string>\n");
	ck_assert_has(text, " FLAG   yes or no <boolean>\n");
	ck_assert_has(text, " ID   * an id <number>\n");
}
END_TEST

START_TEST(json_nesting)
{
	struct cli_json j;
	const char *text;

	cli_json_init(&j, cli_capture_open(&cap));
	cli_json_begin_object(&j, NULL);
	cli_json_bool(&j, "ok", false);
	cli_json_begin_array(&j, "list");
	cli_json_begin_object(&j, NULL);
	cli_json_i64(&j, "n", -1);
	cli_json_begin_array(&j, "inner");
	cli_json_begin_object_inline(&j, NULL);
	cli_json_null(&j, "x");
	cli_json_end(&j);
	cli_json_end(&j);
	cli_json_end(&j);
	cli_json_end(&j);
	cli_json_begin_array_inline(&j, "empty");
	cli_json_end(&j);
	cli_json_end(&j);
	text = cli_capture_text(&cap);
	ck_assert_str_eq(text,
		"{\n"
		"  \"ok\": false,\n"
		"  \"list\": [\n"
		"    {\n"
		"      \"n\": -1,\n"
		"      \"inner\": [\n"
		"        { \"x\": null }\n"
		"      ]\n"
		"    }\n"
		"  ],\n"
		"  \"empty\": []\n"
		"}\n");
	ck_valid_json(text);
}
END_TEST

/* ---------------------------------------------------------------- hexdump */

static const char *hexdump(uint64_t off, const void *buf, size_t len,
			   bool squeeze, size_t chunk)
{
	struct cli_hexdump h;
	size_t pos, n;

	cli_capture_free(&cap);
	cli_hexdump_init(&h, cli_capture_open(&cap), 48, off, squeeze);
	for (pos = 0; pos < len; pos += n) {
		n = len - pos < chunk ? len - pos : chunk;
		cli_hexdump_feed(&h, (const uint8_t *)buf + pos, n);
	}
	cli_hexdump_finish(&h);
	return cli_capture_text(&cap);
}

START_TEST(hexdump_lines)
{
	static const char data[] = "GPU memory at a VA, 20 bytes...";	/* 32 with NUL */

	ck_assert_str_eq(hexdump(0x100000000ull, data, 20, true, 4096),
		"0000000100000000  47 50 55 20 6d 65 6d 6f  72 79 20 61 74 20 61 20  |GPU memory at a |\n"
		"0000000100000010  56 41 2c 20                                       |VA, |\n");
}
END_TEST

START_TEST(hexdump_unaligned)
{
	static const uint8_t data[] = { 1, 2, 3, 0x41 };

	ck_assert_str_eq(hexdump(0x100000004ull, data, 4, true, 4096),
		"0000000100000000              01 02 03 41                           |    ...A|\n");
}
END_TEST

START_TEST(hexdump_squeeze)
{
	uint8_t data[80];

	memset(data, 0xab, sizeof(data));
	ck_assert_str_eq(hexdump(0x2000, data, 64, true, 4096),
		"0000000000002000  ab ab ab ab ab ab ab ab  ab ab ab ab ab ab ab ab  |................|\n"
		"*\n"
		"0000000000002040\n");
	data[70] = 0;
	ck_assert_str_eq(hexdump(0x2000, data, 80, true, 4096),
		"0000000000002000  ab ab ab ab ab ab ab ab  ab ab ab ab ab ab ab ab  |................|\n"
		"*\n"
		"0000000000002040  ab ab ab ab ab ab 00 ab  ab ab ab ab ab ab ab ab  |................|\n");
}
END_TEST

START_TEST(hexdump_no_squeeze)
{
	uint8_t data[48];
	const char *text;

	memset(data, 0, sizeof(data));
	text = hexdump(0, data, sizeof(data), false, 4096);
	ck_assert_lacks(text, "*");
	ck_assert_has(text, "0000000000000020  00");
}
END_TEST

START_TEST(hexdump_chunks)
{
	uint8_t data[200];
	char *whole;
	size_t i;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i < 100 ? 0 : i);
	whole = strdup(hexdump(0x1003, data, sizeof(data), true, 4096));
	ck_assert_str_eq(hexdump(0x1003, data, sizeof(data), true, 1), whole);
	ck_assert_str_eq(hexdump(0x1003, data, sizeof(data), true, 7), whole);
	free(whole);
}
END_TEST

START_TEST(hexdump_canonical)
{
	static const uint8_t data[] = { 0xca, 0xfe };

	/* the file offset 2^47 is the canonical VA 0xffff8000_00000000 */
	ck_assert_str_eq(hexdump(0x800000000000ull, data, 2, true, 4096),
		"ffff800000000000  ca fe                                             |..|\n");
}
END_TEST

/* ----------------------------------------------------------------- simgpu */

static void put32(uint8_t *p, size_t off, uint32_t v)
{
	v = htole32(v);
	memcpy(p + off, &v, 4);
}

static void put64(uint8_t *p, size_t off, uint64_t v)
{
	v = htole64(v);
	memcpy(p + off, &v, 8);
}

static void mk_header(uint8_t *h, uint32_t magic, uint32_t version,
			uint64_t size, uint64_t wptr, uint64_t rptr)
{
	memset(h, 0, 64);
	put32(h, 0, magic);
	put32(h, 4, version);
	put32(h, 8, 4096);	/* header_size */
	put32(h, 12, 64);	/* packet_size */
	put64(h, 16, size);
	put64(h, 24, wptr);
	put64(h, 32, rptr);
	put64(h, 40, wptr);	/* last_seqno */
}

START_TEST(ring_header)
{
	struct cli_ring r;
	uint8_t h[64];
	uint64_t first, end;
	char why[160];

	ck_assert_uint_ge(sizeof(h), cli_ring_header_bytes());
	mk_header(h, SIMGPU_RING_MAGIC, 1, 16384, 3, 3);
	ck_assert_int_eq(cli_ring_parse(h, sizeof(h), SIMGPU_KERNEL_RING_VA, &r,
					why, sizeof(why)), 0);
	ck_assert_uint_eq(r.slots, 256);
	ck_assert_uint_eq(r.wptr, 3);
	ck_assert_uint_eq(r.last_seqno, 3);
	cli_ring_window(&r, &first, &end);
	ck_assert_uint_eq(first, 0);
	ck_assert_uint_eq(end, 3);
	ck_assert_uint_eq(cli_ring_packet_va(&r, 48, 2),
			  SIMGPU_KERNEL_RING_VA + 4096 + 2 * 64);
	/* slot n % slots */
	ck_assert_uint_eq(cli_ring_packet_va(&r, 48, 258),
			  SIMGPU_KERNEL_RING_VA + 4096 + 2 * 64);
}
END_TEST

START_TEST(ring_window_wrap)
{
	struct cli_ring r;
	uint8_t h[64];
	uint64_t first, end;
	char why[160];

	mk_header(h, SIMGPU_RING_MAGIC, 1, 16384, 300, 300);
	ck_assert_int_eq(cli_ring_parse(h, sizeof(h), SIMGPU_KERNEL_RING_VA, &r,
					why, sizeof(why)), 0);
	cli_ring_window(&r, &first, &end);
	ck_assert_uint_eq(first, 44);
	ck_assert_uint_eq(end, 300);
}
END_TEST

START_TEST(ring_bad)
{
	struct cli_ring r;
	uint8_t h[64];
	char why[160];

	mk_header(h, 0x12345678, 1, 16384, 1, 1);
	ck_assert_int_eq(cli_ring_parse(h, sizeof(h), 0, &r, why, sizeof(why)), -EINVAL);
	ck_assert_has(why, "no simgpu ring header");
	mk_header(h, SIMGPU_RING_MAGIC, 2, 16384, 1, 1);
	ck_assert_int_eq(cli_ring_parse(h, sizeof(h), 0, &r, why, sizeof(why)), -EINVAL);
	ck_assert_has(why, "version 2");
	mk_header(h, SIMGPU_RING_MAGIC, 1, 100, 1, 1);	/* not a multiple */
	ck_assert_int_eq(cli_ring_parse(h, sizeof(h), 0, &r, why, sizeof(why)), -EINVAL);
	ck_assert_has(why, "implausible");
	mk_header(h, SIMGPU_RING_MAGIC, 1, 0, 1, 1);
	ck_assert_int_eq(cli_ring_parse(h, sizeof(h), 0, &r, why, sizeof(why)), -EINVAL);
	mk_header(h, SIMGPU_RING_MAGIC, 1, 16384, 1, 2);
	ck_assert_int_eq(cli_ring_parse(h, sizeof(h), 0, &r, why, sizeof(why)), -EINVAL);
	ck_assert_has(why, "rptr 2 after wptr 1");
	ck_assert_int_eq(cli_ring_parse(h, 8, 0, &r, why, sizeof(why)), -EINVAL);
	ck_assert_has(why, "too short");
}
END_TEST

START_TEST(packet)
{
	uint8_t p[64] = { 0 };
	struct cli_packet pk;

	put32(p, 0, SIMGPU_PACKET_IB);
	put32(p, 4, SIMGPU_PACKET_DONE);
	put64(p, 8, 17);
	put64(p, 16, 3);
	put64(p, 24, 0xffff800000010000ull);
	put64(p, 32, 96);
	cli_packet_decode(p, &pk);
	ck_assert_uint_eq(pk.type, SIMGPU_PACKET_IB);
	ck_assert_uint_eq(pk.seqno, 17);
	ck_assert_uint_eq(pk.client_id, 3);
	ck_assert_uint_eq(pk.ib_va, 0xffff800000010000ull);
	ck_assert_uint_eq(pk.ib_size, 96);
	ck_assert_str_eq(cli_packet_status_str(pk.status), "done");
	ck_assert_str_eq(cli_packet_status_str(SIMGPU_PACKET_PENDING), "pending");
	ck_assert_str_eq(cli_packet_status_str(SIMGPU_PACKET_FAULT), "fault");
	ck_assert_str_eq(cli_packet_status_str(SIMGPU_PACKET_ERROR), "error");
	ck_assert_str_eq(cli_packet_status_str(77), "unknown");
}
END_TEST

static void cmd(struct cli_ib_cmd *c, uint32_t op, uint32_t flags, uint64_t a0,
		uint64_t a1, uint64_t a2)
{
	uint8_t raw[32];

	put32(raw, 0, op);
	put32(raw, 4, flags);
	put64(raw, 8, a0);
	put64(raw, 16, a1);
	put64(raw, 24, a2);
	cli_ib_cmd_decode(raw, c);
}

START_TEST(ib_text)
{
	struct cli_ib_cmd c;
	char buf[200];

	cmd(&c, SIMGPU_CMD_FILL, 0, 0x100000000ull, 65536, 0xcafef00d);
	ck_assert_str_eq(cli_ib_cmd_text(&c, 48, buf, sizeof(buf)),
			 "FILL     0x0000000100000000 64K with 0xcafef00d");
	cmd(&c, SIMGPU_CMD_COPY, 0, 0x800000000000ull, 0x200000000ull, 64);
	ck_assert_str_eq(cli_ib_cmd_text(&c, 48, buf, sizeof(buf)),
			 "COPY     0xffff800000000000 -> 0x0000000200000000, 64B");
	cmd(&c, SIMGPU_CMD_WRITE32, 0, 0x100000040ull, 0x12345678, 0);
	ck_assert_str_eq(cli_ib_cmd_text(&c, 48, buf, sizeof(buf)),
			 "WRITE32  0x0000000100000040 = 0x12345678");
	cmd(&c, SIMGPU_CMD_NOP, 0, 0, 0, 0);
	ck_assert_str_eq(cli_ib_cmd_text(&c, 48, buf, sizeof(buf)), "NOP");
	cmd(&c, SIMGPU_CMD_IB, 0, 0x1000, 32, 0);
	ck_assert_has(cli_ib_cmd_text(&c, 48, buf, sizeof(buf)),
		      "(malformed: IB inside an IB is not allowed)");
	cmd(&c, SIMGPU_CMD_WRITE32, 1, 0x1000, 1, 0);
	ck_assert_has(cli_ib_cmd_text(&c, 48, buf, sizeof(buf)), "(malformed: nonzero flags)");
	cmd(&c, SIMGPU_CMD_WRITE32, 0, 0x1002, 1, 0);
	ck_assert_has(cli_ib_cmd_text(&c, 48, buf, sizeof(buf)), "not a multiple of 4");
	cmd(&c, SIMGPU_CMD_FILL, 0, 0x1000, 16, 0x100000000ull);
	ck_assert_has(cli_ib_cmd_text(&c, 48, buf, sizeof(buf)), "wider than 32 bits");
	cmd(&c, SIMGPU_CMD_COPY, 0, 0x1000, 0x1008, 16);
	ck_assert_has(cli_ib_cmd_text(&c, 48, buf, sizeof(buf)), "overlapping");
	cmd(&c, 0x99, 0, 1, 2, 3);
	ck_assert_str_eq(cli_ib_cmd_text(&c, 48, buf, sizeof(buf)),
			 "op 0x00000099 flags 0x0 args 0x1 0x2 0x3  (malformed: unknown op)");
}
END_TEST

START_TEST(ib_json)
{
	struct cli_ib_cmd c;
	struct cli_json j;

	cli_json_init(&j, cli_capture_open(&cap));
	cli_json_begin_array(&j, NULL);
	cmd(&c, SIMGPU_CMD_WRITE32, 0, 0x100000040ull, 0x12345678, 0);
	cli_json_begin_object_inline(&j, NULL);
	cli_ib_cmd_json(&c, 48, &j);
	cli_json_end(&j);
	cmd(&c, SIMGPU_CMD_COPY, 0, 0x1000, 0x2000, 8);
	cli_json_begin_object_inline(&j, NULL);
	cli_ib_cmd_json(&c, 48, &j);
	cli_json_end(&j);
	cmd(&c, 0x99, 0, 1, 2, 3);
	cli_json_begin_object_inline(&j, NULL);
	cli_ib_cmd_json(&c, 48, &j);
	cli_json_end(&j);
	cli_json_end(&j);
	ck_assert_str_eq(cli_capture_text(&cap),
		"[\n"
		"  { \"op\": \"write32\", \"va\": \"0x0000000100000040\", \"value\": 305419896, \"malformed\": null },\n"
		"  { \"op\": \"copy\", \"src\": \"0x0000000000001000\", \"dst\": \"0x0000000000002000\", \"size\": 8, \"malformed\": null },\n"
		"  { \"op\": 153, \"flags\": 0, \"arg0\": 1, \"arg1\": 2, \"arg2\": 3, \"malformed\": \"unknown op\" }\n"
		"]\n");
	ck_valid_json(cap.buf);
}
END_TEST

START_TEST(ib_target)
{
	struct cli_ib_cmd c;
	uint64_t va, len;

	cmd(&c, SIMGPU_CMD_FILL, 0, 0x1000, 64, 1);
	ck_assert(cli_ib_cmd_target(&c, &va, &len));
	ck_assert_uint_eq(va, 0x1000);
	ck_assert_uint_eq(len, 64);
	cmd(&c, SIMGPU_CMD_COPY, 0, 0x1000, 0x2000, 8);
	ck_assert(cli_ib_cmd_target(&c, &va, &len));
	ck_assert_uint_eq(va, 0x2000);
	ck_assert_uint_eq(len, 8);
	cmd(&c, SIMGPU_CMD_WRITE32, 0, 0x3000, 5, 0);
	ck_assert(cli_ib_cmd_target(&c, &va, &len));
	ck_assert_uint_eq(len, 4);
	cmd(&c, SIMGPU_CMD_NOP, 0, 0, 0, 0);
	ck_assert(!cli_ib_cmd_target(&c, &va, &len));
}
END_TEST

START_TEST(progress_line)
{
	char buf[128];

	ck_assert_str_eq(cli_progress_format("dump", 12ull << 20, 64ull << 20, buf, sizeof(buf)),
			 "dump: 12M of 64M (18%)");
	ck_assert_str_eq(cli_progress_format("read", 0, 0, buf, sizeof(buf)),
			 "read: 0B of 0B (100%)");
}
END_TEST

/*
 * maps prints text and raw output from the mappings as they came
 * (cli_maps_print()), not from a table of stored cells (cli_maps_row()):
 * the two must be the same byte for byte, in every mode, with every set of
 * columns, for every kind of mapping.
 */
START_TEST(maps_rows_as_table)
{
	static const char *const lists[] = {
		NULL, "VA,LAST,SIZE,BO,OFFSET,PLACEMENT,KIND,PERMS,FILE-OFFSET",
		"KIND,BO,LAST", "PERMS",
	};
	static const uint64_t sizes[] = {
		4096, 1536, 65536, 1ull << 20, 3ull << 30, 12345678, 1ull << 47,
	};
	struct cli_capture cap2 = { 0 };
	unsigned int mode, list, flags, i, seed = 1;
	struct cs_mapping m;
	struct cli_table a, b;
	char why[128];

	for (mode = 0; mode < 2; mode++)
	for (list = 0; list < 5; list++)
	for (flags = 0; flags < 4; flags++) {
		struct cli_maps ms = { .t = &b, .va_bits = 48 };
		enum cli_out_mode om = mode ? CLI_OUT_RAW : CLI_OUT_TEXT;
		const char *cols = list < 4 ? lists[list] : NULL;

		ck_assert_int_eq(cli_table_init(&a, cli_maps_columns, cols,
						list == 4, om, flags & 1,
						flags & 2, why, sizeof(why)), 0);
		ck_assert_int_eq(cli_table_init(&b, cli_maps_columns, cols,
						list == 4, om, flags & 1,
						flags & 2, why, sizeof(why)), 0);
		for (i = 0; i < 300; i++) {
			seed = seed * 1103515245 + 12345;
			memset(&m, 0, sizeof(m));
			m.struct_size = sizeof(m);
			m.size = sizes[seed % 7];
			m.offset = (0x100000000ull * (1 + seed % 5)) +
				   i * (1ull << 32);
			if (seed % 11 == 0)
				m.offset |= 1ull << 47;	/* high half */
			m.va = cs_offset_to_va(48, m.offset);
			m.bo_id = seed % 3 ? seed % 100000 : 7;
			m.bo_offset = (uint64_t)(seed >> 8) << 12;
			m.placement = seed % 13 == 0 ? 99 : 1 + seed % 3;
			m.kind = seed % 9 == 0 ? CARDSNOOP_KIND_SPARSE :
				 seed % 17 == 0 ? 77 : seed % 4;
			m.perms = seed % 8;
			cli_maps_row(&a, &m, 48);
			cli_maps_add(&ms, &m);
		}
		cli_table_print(&a, cli_capture_open(&cap));
		cli_maps_print(&ms, &b, cli_capture_open(&cap2));
		{
			const char *x = cli_capture_text(&cap2);
			const char *y = cli_capture_text(&cap);
			size_t k = 0;

			while (x[k] && x[k] == y[k])
				k++;
			ck_assert_msg(x[k] == y[k],
				      "mode %u, columns %u, flags %u: at byte %zu, '%.40s' instead of '%.40s'",
				      mode, list, flags, k, x + k, y + k);
		}
		cli_capture_free(&cap);
		cli_capture_free(&cap2);
		cli_table_free(&a);
		cli_table_free(&b);
		free(ms.m);
	}
}
END_TEST

static Suite *cli_format_suite(void)
{
	Suite *s = suite_create("cli_format");
	TCase *tc;

	tc = tcase_create("words");
	tcase_add_test(tc, size_human);
	tcase_add_test(tc, names);
	suite_add_tcase(s, tc);

	tc = tcase_create("table");
	tcase_add_checked_fixture(tc, NULL, cap_teardown);
	tcase_add_test(tc, table_text);
	tcase_add_test(tc, table_noheadings);
	tcase_add_test(tc, table_raw);
	tcase_add_test(tc, table_json);
	tcase_add_test(tc, table_json_escape);
	tcase_add_test(tc, table_columns);
	tcase_add_test(tc, table_bytes);
	tcase_add_test(tc, table_pairs);
	tcase_add_test(tc, table_usage);
	tcase_add_test(tc, json_nesting);
	tcase_add_test(tc, maps_rows_as_table);
	suite_add_tcase(s, tc);

	tc = tcase_create("hexdump");
	tcase_add_checked_fixture(tc, NULL, cap_teardown);
	tcase_add_test(tc, hexdump_lines);
	tcase_add_test(tc, hexdump_unaligned);
	tcase_add_test(tc, hexdump_squeeze);
	tcase_add_test(tc, hexdump_no_squeeze);
	tcase_add_test(tc, hexdump_chunks);
	tcase_add_test(tc, hexdump_canonical);
	suite_add_tcase(s, tc);

	tc = tcase_create("simgpu");
	tcase_add_checked_fixture(tc, NULL, cap_teardown);
	tcase_add_test(tc, ring_header);
	tcase_add_test(tc, ring_window_wrap);
	tcase_add_test(tc, ring_bad);
	tcase_add_test(tc, packet);
	tcase_add_test(tc, ib_text);
	tcase_add_test(tc, ib_json);
	tcase_add_test(tc, ib_target);
	tcase_add_test(tc, progress_line);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return cstest_run(cli_format_suite());
}
