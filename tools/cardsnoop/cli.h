/* SPDX-License-Identifier: MIT */
/*
 * Copyright (C) 2026 The cardsnoop authors
 *
 * cardsnoop(1), the command-line tool: declarations shared by its source
 * files.  The parts that need no GPU (argument parsing, number and VA
 * parsing, tables and JSON, hexdumps, the simgpu ring and IB decoder, the
 * ELF core writer, progress lines) are in their own files and are compiled
 * into the host tests as well (tests/host/cli_*.c); the cmd_*.c files run the
 * subcommands against libcardsnoop.
 */
#ifndef CARDSNOOP_CLI_H
#define CARDSNOOP_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include <cardsnoop.h>

#define CLI_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define cli_printf(a, b) __attribute__((format(printf, a, b)))

/* Exit codes (cardsnoop(1) EXIT STATUS). */
#define CLI_EXIT_OK		0
#define CLI_EXIT_FAILURE	1
#define CLI_EXIT_USAGE		2

/* ------------------------------------------------------------------------
 * util.c: messages and allocation
 */

/* The name messages start with: "cardsnoop". */
extern const char *cli_progname;

/* "cardsnoop: MESSAGE\n" on stderr. */
void cli_err(const char *fmt, ...) cli_printf(1, 2);
/* "cardsnoop: warning: MESSAGE\n" on stderr. */
void cli_warn(const char *fmt, ...) cli_printf(1, 2);
/* Allocation that cannot fail: prints "out of memory" and exits 1. */
void *cli_malloc(size_t size);
void *cli_calloc(size_t n, size_t size);
void *cli_realloc(void *p, size_t n, size_t size);
char *cli_strdup(const char *s);
/* write(2) all of @buf, again after EINTR and short writes; -errno */
int cli_write_all(int fd, const void *buf, size_t len);
char *cli_asprintf(const char *fmt, ...) cli_printf(1, 2);
/*
 * Flush and check stdout at the end of a command (util-linux close_stdout):
 * returns @ret, or CLI_EXIT_FAILURE after a write error, reported.
 */
int cli_close_stdout(int ret);

/* ------------------------------------------------------------------------
 * num.c: numbers, VAs, sizes, byte strings
 */

/* cli_parse_u64() flags */
#define CLI_NUM_SUFFIX		(1u << 0)	/* K, M, G, T (binary; KiB... too) */

/*
 * Parse all of @s as an unsigned 64-bit number: decimal or 0x-hex, '_'
 * allowed between digits (0xffff8000_00000000), with CLI_NUM_SUFFIX a
 * K/M/G/T multiplier.  Returns 0, -EINVAL (not a number) or -ERANGE.
 */
int cli_parse_u64(const char *s, unsigned int flags, uint64_t *out);
/* "VA:SIZE" (both as cli_parse_u64() with suffixes); SIZE must not be 0. */
int cli_parse_range(const char *s, uint64_t *va, uint64_t *size);
/*
 * Hex byte string ("deadbeef", "de ad be ef", "de:ad:be:ef", optional
 * leading 0x) into a malloc'ed buffer.  -EINVAL for an odd number of digits,
 * a non-hex character or no byte at all.
 */
int cli_parse_hexbytes(const char *s, uint8_t **out, size_t *len);
/* A pid: decimal, > 0, fits pid_t. */
int cli_parse_pid(const char *s, pid_t *pid);
/*
 * Seconds, decimal with up to three decimals ("30", "0.5", "1.25"), into
 * milliseconds; -EINVAL for anything else, -ERANGE above a year.
 */
int cli_parse_seconds(const char *s, uint64_t *ms);

/*
 * Size for people, as lsblk shows it: "512B", "64K", "1.5M", "4G"
 * (powers of 1024).  Returns @buf.
 */
char *cli_size_human(uint64_t bytes, char *buf, size_t len);
/* Canonical VA as 16 hex digits with 0x ("0xffff800000000000"). */
char *cli_va_str(uint64_t va, char *buf, size_t len);
/* @va (canonical or linear form) in canonical form; invalid ones as is. */
uint64_t cli_canon_va(unsigned int va_bits, uint64_t va);
/* "rwx" letters of CARDSNOOP_PERM_* bits ("rw-"). */
const char *cli_perms_str(uint32_t perms, char buf[4]);
const char *cli_placement_str(uint32_t placement);
const char *cli_kind_str(uint32_t kind);

/* ------------------------------------------------------------------------
 * json.c: a small JSON writer
 *
 * Containers nest; a container opened "inline" prints on one line (rows of
 * a table), the others are indented by two spaces per level.  Keys are
 * given inside objects and NULL inside arrays.  Strings are escaped; bytes
 * that are not valid UTF-8 come out as \u00XX.
 */

#define CLI_JSON_MAX_DEPTH	16

struct cli_json {
	FILE *f;
	int depth;
	/* per level: something was printed in it already */
	bool nonempty[CLI_JSON_MAX_DEPTH];
	/* per level: printed on one line */
	bool inline_[CLI_JSON_MAX_DEPTH];
	/* per level: '}' or ']' */
	char closer[CLI_JSON_MAX_DEPTH];
};

void cli_json_init(struct cli_json *j, FILE *f);
void cli_json_begin_object(struct cli_json *j, const char *key);
void cli_json_begin_object_inline(struct cli_json *j, const char *key);
void cli_json_begin_array(struct cli_json *j, const char *key);
void cli_json_begin_array_inline(struct cli_json *j, const char *key);
/* Close the innermost container; after the outermost, print a newline. */
void cli_json_end(struct cli_json *j);
void cli_json_str(struct cli_json *j, const char *key, const char *s);
void cli_json_u64(struct cli_json *j, const char *key, uint64_t v);
void cli_json_i64(struct cli_json *j, const char *key, int64_t v);
void cli_json_bool(struct cli_json *j, const char *key, bool v);
void cli_json_null(struct cli_json *j, const char *key);
/* A hex string "0x..." of @v, 16 digits for VAs (@va), else minimal. */
void cli_json_hex(struct cli_json *j, const char *key, uint64_t v, bool va);
/* @fragment is valid JSON already. */
void cli_json_raw(struct cli_json *j, const char *key, const char *fragment);
/* Write @s as a quoted, escaped JSON string. */
void cli_json_write_string(FILE *f, const char *s);

/* ------------------------------------------------------------------------
 * table.c: output columns, the util-linux way
 *
 * A command describes its columns once (struct cli_column: name, JSON key
 * and type, alignment, whether shown by default, help text); the same table
 * drives -o/--output, --output-all, -J/--json, -r/--raw, -n/--noheadings
 * and the column list of --help.  Column arrays end with a NULL @name.
 */

enum cli_json_type {
	CLI_JSON_STRING,
	CLI_JSON_NUMBER,
	CLI_JSON_BOOLEAN,
	CLI_JSON_OBJECT,		/* the cell's @json is an object */
};

#define CLI_COL_RIGHT		(1u << 0)	/* right-aligned text */
#define CLI_COL_DEFAULT		(1u << 1)	/* shown without -o */

struct cli_column {
	const char *name;		/* header and -o name */
	const char *key;		/* JSON key */
	enum cli_json_type type;
	unsigned int flags;
	const char *help;
};

enum cli_out_mode {
	CLI_OUT_TEXT,
	CLI_OUT_RAW,
	CLI_OUT_JSON,
};

/*
 * struct cli_cell - @text: where the cell's text is in the table's arena,
 * plus one (0: unknown), as the table's mode shows it (for JSON, the
 * value's text, written according to the column's type), @len its length;
 * @json: a ready JSON value that takes precedence (objects), malloc'ed, or
 * NULL
 */
struct cli_cell {
	uint32_t text;
	uint32_t len;			/* of the text */
	char *json;
};

struct cli_table {
	const struct cli_column *cols;
	size_t ncols;
	size_t shown[64];
	size_t nshown;
	uint64_t shown_bits;		/* bit per shown column below 64 */
	struct cli_cell *cells;		/* nrows * ncols */
	size_t nrows, cap;
	char *arena;			/* the cells' text, NUL-terminated */
	size_t arena_len, arena_cap;
	enum cli_out_mode mode;
	bool noheadings;
	bool bytes;			/* sizes in bytes in text output too */
};

/*
 * Set up @t for @cols.  @list is the -o argument (NULL: the default
 * columns; "+LIST": the defaults and LIST), @all --output-all.  On an
 * unknown column name returns -EINVAL with a message in @why.
 */
int cli_table_init(struct cli_table *t, const struct cli_column *cols,
		   const char *list, bool all,
		   enum cli_out_mode mode, bool noheadings, bool bytes,
		   char *why, size_t whylen);
void cli_table_free(struct cli_table *t);
/* Append an empty row; returns its index. */
size_t cli_table_new_row(struct cli_table *t);
void cli_table_set_str(struct cli_table *t, size_t row, size_t col,
		       const char *s);
void cli_table_set_u64(struct cli_table *t, size_t row, size_t col,
		       uint64_t v);
void cli_table_set_i64(struct cli_table *t, size_t row, size_t col,
		       int64_t v);
/* Bytes: "64K" in text (exact bytes with --bytes), a number in JSON. */
void cli_table_set_size(struct cli_table *t, size_t row, size_t col,
			uint64_t v);
/* Canonical VA: 0x + 16 digits, a string in JSON too. */
void cli_table_set_va(struct cli_table *t, size_t row, size_t col,
		      uint64_t va);
/* 0x-hex in text, a number in JSON. */
void cli_table_set_hex(struct cli_table *t, size_t row, size_t col,
		       uint64_t v);
void cli_table_set_bool(struct cli_table *t, size_t row, size_t col, bool v);
/* @text (copied) for text output and @json (taken over, malloc'ed). */
void cli_table_set_both(struct cli_table *t, size_t row, size_t col,
			const char *text, char *json);
/* Whether column @col is shown (a command may skip work otherwise). */
bool cli_table_shown(const struct cli_table *t, size_t col);
/* Text or raw output: header line (unless -n), then the rows. */
void cli_table_print(const struct cli_table *t, FILE *f);
/*
 * Text or raw output of @nrows rows that are not stored in @t (which has no
 * rows: its columns, mode and options only): @cell gives the text of a cell
 * of a shown column, NULL if unknown, and its length in *@len; it may
 * format into @buf (CLI_CELL_BUF bytes) and is called twice per cell (the
 * widths, then the lines).  The output is what cli_table_print() would
 * print had the same texts been set.  For long listings (maps).
 */
#define CLI_CELL_BUF		32
typedef const char *(*cli_cell_fn)(void *ctx, size_t row, size_t col,
				   char *buf, size_t *len);
void cli_table_print_rows(const struct cli_table *t, size_t nrows,
			  cli_cell_fn cell, void *ctx, FILE *f);
/*
 * Cell texts as cli_table_set_size(), cli_table_set_va(),
 * cli_table_set_hex() and cli_table_set_u64() set them, into @buf
 * (CLI_CELL_BUF bytes); the length.
 */
size_t cli_cell_fmt_size(const struct cli_table *t, char *buf, uint64_t v);
size_t cli_cell_fmt_va(char *buf, uint64_t va);
size_t cli_cell_fmt_hex(const struct cli_table *t, char *buf, uint64_t v);
size_t cli_fmt_u64(char *buf, uint64_t v);
/* JSON: the rows as an array @key of one-line objects, into @j. */
void cli_table_print_json(const struct cli_table *t, struct cli_json *j,
			  const char *key);
/* JSON: the fields of row @row into the current object of @j. */
void cli_table_print_json_fields(const struct cli_table *t,
				 struct cli_json *j, size_t row);
/* Text: one row as "NAME:  value" lines (for single-object output). */
void cli_table_print_pairs(const struct cli_table *t, FILE *f, size_t row);
/* The "Available output columns:" block of --help. */
void cli_table_usage(const struct cli_column *cols, FILE *f);

/* ------------------------------------------------------------------------
 * hexdump.c: hexdump -C style, lines at 16-byte VA boundaries
 */

struct cli_hexdump {
	FILE *f;
	unsigned int va_bits;		/* for canonical addresses */
	bool squeeze;			/* "*" for repeated lines */
	uint64_t line_off;		/* file offset of the current line */
	uint8_t line[16];
	unsigned int fill;		/* bytes in @line, from its start */
	unsigned int skip;		/* leading bytes of @line not dumped */
	uint8_t prev[16];
	bool have_prev;
	bool squeezing;
	uint64_t end_off;		/* offset after the last byte fed */
	bool started;
};

/* @off: the snoop file offset (non-canonical form) of the first byte. */
void cli_hexdump_init(struct cli_hexdump *h, FILE *f, unsigned int va_bits,
		      uint64_t off, bool squeeze);
void cli_hexdump_feed(struct cli_hexdump *h, const void *buf, size_t len);
void cli_hexdump_finish(struct cli_hexdump *h);

/* ------------------------------------------------------------------------
 * ibdec.c: simgpu's kernel ring and IBs (simgpu_drm.h, DOC: Kernel ring and
 * DOC: Engine commands), decoded from memory alone.  Shared by `ring` and
 * `watch --dump-ib --json`.
 */

struct cli_ring {
	uint64_t va;			/* canonical VA of the ring */
	uint32_t version;
	uint32_t header_size;
	uint32_t packet_size;
	uint64_t size;			/* bytes of the packet area */
	uint64_t slots;
	uint64_t wptr, rptr, last_seqno;
};

/* Bytes of the ring header to read before cli_ring_parse(). */
size_t cli_ring_header_bytes(void);
/*
 * Check and decode the header at @buf; -EINVAL with the reason in @why for
 * anything that is not a version-1 simgpu ring with sane sizes.
 */
int cli_ring_parse(const void *buf, size_t len, uint64_t va,
		   struct cli_ring *r, char *why, size_t whylen);
/* Packets present: numbers [*first, *end) (the last @slots written). */
void cli_ring_window(const struct cli_ring *r, uint64_t *first, uint64_t *end);
/* VA of the slot holding packet number @n. */
uint64_t cli_ring_packet_va(const struct cli_ring *r, unsigned int va_bits,
			    uint64_t n);

struct cli_packet {
	uint32_t type, status;
	uint64_t seqno, client_id, ib_va, ib_size;
};

/* Decode a packet slot (at least 64 bytes, little endian). */
void cli_packet_decode(const void *buf, struct cli_packet *p);
const char *cli_packet_status_str(uint32_t status);

struct cli_ib_cmd {
	uint32_t op, flags;
	uint64_t arg0, arg1, arg2;
};

#define CLI_IB_CMD_SIZE 32

void cli_ib_cmd_decode(const void *buf, struct cli_ib_cmd *c);
/* "FILL", "COPY", ... or NULL for an unknown op. */
const char *cli_ib_op_name(uint32_t op);
/*
 * One line describing @c ("FILL 0x0000000100000000 64K with 0xcafef00d"),
 * VAs canonical for @va_bits.  Says what is malformed about it, if anything.
 */
char *cli_ib_cmd_text(const struct cli_ib_cmd *c, unsigned int va_bits,
		      char *buf, size_t len);
/* The fields of @c into the current (inline) object of @j. */
void cli_ib_cmd_json(const struct cli_ib_cmd *c, unsigned int va_bits,
		     struct cli_json *j);
/*
 * The VA and length of the data a command writes (FILL, COPY destination,
 * WRITE32); false for commands that write nothing.
 */
bool cli_ib_cmd_target(const struct cli_ib_cmd *c, uint64_t *va,
		       uint64_t *len);

/* ------------------------------------------------------------------------
 * evfmt.c: change events as `watch` prints them, one line each
 *
 * Text: "SEQNO TIME TYPE key=value...", the keys those of the JSON object
 * (cardsnoop(1) OUTPUT of watch); JSON: one object on one line, flushed.
 * Both need no GPU: the host tests feed them made-up records.
 */

/* struct cli_watch_fmt - what the event lines need besides the record */
struct cli_watch_fmt {
	uint64_t t0_ns;			/* CLOCK_MONOTONIC origin of the time */
	bool bytes;			/* text: sizes in bytes, not "64K" */
	bool dump_ib;			/* --dump-ib: SUBMIT has ib_file */
	bool simgpu;			/* JSON: decode saved IBs (ibdec.c) */
	unsigned int va_bits;
	pid_t pid;			/* the target; 0: the kernel VM */
	pid_t owner;			/* the DRM file's owner, 0: @pid */
	int card;
};

/*
 * struct cli_ib_saved - what --dump-ib saved of a SUBMIT record's IB
 * @file: the file, NULL if the IB could not be saved
 * @bytes, @len: the IB's bytes (for the JSON decoding), NULL if none
 */
struct cli_ib_saved {
	const char *file;
	const uint8_t *bytes;
	size_t len;
};

/* The line of @ev on @f, text or JSON; @ib: NULL unless a saved SUBMIT. */
void cli_event_text(const struct cli_watch_fmt *w, const struct cs_event *ev,
		    const struct cli_ib_saved *ib, FILE *f);
void cli_event_json(const struct cli_watch_fmt *w, const struct cs_event *ev,
		    const struct cli_ib_saved *ib, FILE *f);
/* "read", "write", "read,write", "none" (+ unknown bits in hex). */
const char *cli_access_str(uint32_t access, char *buf, size_t len);
/* "@dir/ib-<seqno>-<va>.bin" (VA canonical, 0x + 16 digits), malloc'ed. */
char *cli_ib_file_name(const char *dir, const struct cs_event *ev);
/* Seconds since @t0_ns, microseconds: "12.000345", "-0.000001". */
char *cli_event_time(uint64_t ts_ns, uint64_t t0_ns, char *buf, size_t len);

/* ------------------------------------------------------------------------
 * progress.c: "dump: 12M of 64M (18%)" on a terminal, nothing otherwise
 */

struct cli_progress {
	bool enabled;
	const char *what;
	uint64_t total, done;
	uint64_t last_ms;
	size_t last_len;
};

/* Enabled when stderr is a terminal and @total is at least @min. */
void cli_progress_init(struct cli_progress *p, const char *what,
		       uint64_t total, uint64_t min);
void cli_progress_add(struct cli_progress *p, uint64_t bytes);
/* Erase the progress line. */
void cli_progress_done(struct cli_progress *p);
char *cli_progress_format(const char *what, uint64_t done, uint64_t total,
			  char *buf, size_t len);

/* ------------------------------------------------------------------------
 * core.c: the ELF core file of `dump`, written with libelf
 */

/*
 * Note name and types of cardsnoop's own notes (cardsnoop(1) DUMP FILE
 * FORMAT).  Not 1, 2...: readelf and BFD read the notes of a core file by
 * type whatever their owner, and would take type 1 for NT_PRSTATUS.
 */
#define CLI_NOTE_NAME		"CARDSNOOP"
#define CLI_NT_INFO		0x43530001u	/* "CS" 1 */
#define CLI_NT_MAPPINGS		0x43530002u	/* "CS" 2 */

/* struct cli_core_seg flags, also in the mappings note */
#define CLI_SEG_UNREADABLE	(1u << 0)	/* some bytes could not be read */
#define CLI_SEG_NODATA		(1u << 1)	/* no file data (sparse mapping) */

/* struct cli_core_seg - one mapping to dump (one PT_LOAD) */
struct cli_core_seg {
	uint64_t va;			/* canonical */
	uint64_t offset;		/* snoop file offset of @va */
	uint64_t size;
	uint64_t bo_id, bo_offset;
	uint32_t placement, kind, perms, flags;
	uint64_t unreadable;		/* out: bytes that could not be read */
};

/* struct cli_core_info - what the dump is of (the info note) */
struct cli_core_info {
	pid_t pid;
	int card;
	unsigned int va_bits;
	uint64_t client_id, vm_id;
	const char *driver;
	const char *comm;
	bool kernel;
};

/*
 * Read @len bytes at snoop file offset @off: the count read (short: the
 * rest is unreadable), or a negative errno (nothing readable at @off).
 */
typedef ssize_t (*cli_core_read_fn)(void *ctx, uint64_t off, void *buf,
				    size_t len);

/*
 * Write the core file to @fd (a regular file, truncated first): ELF64
 * little endian, ET_CORE, e_machine EM_X86_64 (so that stock gdb accepts
 * it with 64-bit addresses), a PT_NOTE with the CORE prpsinfo and the
 * CARDSNOOP info and mappings notes, then one PT_LOAD per segment at
 * p_vaddr = its VA (PN_XNUM above 65534 program headers).  All-zero pages
 * and unreadable ranges are left as holes.  Returns 0 or a negative errno
 * with a message in @why.
 */
int cli_core_write(int fd, const struct cli_core_info *info,
		   struct cli_core_seg *segs, size_t nsegs,
		   cli_core_read_fn read_fn, void *ctx,
		   struct cli_progress *progress, char *why, size_t whylen);

/* ------------------------------------------------------------------------
 * args.c: the command line
 */

struct cli_opts;

struct cli_command {
	const char *name;
	int (*run)(struct cli_opts *o);
	/* positional arguments: "p" pid, "P" optional pid, "v" VA, "s" size,
	 * "c" -- CMD [ARGS...] */
	const char *args;
	const char *synopsis;		/* after "cardsnoop " */
	const char *brief;		/* for the command list of --help */
	const char *summary;
	uint64_t options;		/* CLI_OPT_* the command accepts */
	const struct cli_column *cols;	/* output columns, for --help */
};

/* struct cli_opts - the parsed command line */
struct cli_opts {
	const struct cli_command *cmd;
	uint64_t given;			/* CLI_OPT_* bits seen */

	/* target selection (common options) */
	int card;			/* -1: any */
	int drm_fd;			/* -1: any */
	uint64_t client_id;		/* 0: any */
	uint64_t vm_id;
	bool kernel;

	/* table output */
	enum cli_out_mode mode;
	const char *columns;
	bool output_all, noheadings, bytes, json;

	/* list */
	bool all;

	/* read, write, dump, exec */
	bool raw;			/* read: raw bytes */
	bool no_squeeze;
	bool zero_holes;
	const char *outfile;
	const char *infile;
	const char *hex;
	bool has_range;
	uint64_t range_va, range_size;
	bool write;
	int exec_fd;
	bool has_seek;
	uint64_t seek_va;
	uint64_t last;			/* ring --last */
	const char *dump_ib;		/* watch --dump-ib <dir> */
	uint64_t count;			/* watch --count, 0: none */
	uint64_t timeout_ms;		/* watch --timeout */
	bool has_timeout;

	/* positional */
	pid_t pid;			/* 0: none */
	uint64_t va, size;
	char **exec_argv;		/* NULL-terminated, points into argv */
};

/* option bits */
#define CLI_OPT_CARD		(1ull << 0)
#define CLI_OPT_DRM_FD		(1ull << 1)
#define CLI_OPT_CLIENT		(1ull << 2)
#define CLI_OPT_VM		(1ull << 3)
#define CLI_OPT_KERNEL		(1ull << 4)
#define CLI_OPT_JSON		(1ull << 5)
#define CLI_OPT_COLUMNS		(1ull << 6)
#define CLI_OPT_OUTPUT_ALL	(1ull << 7)
#define CLI_OPT_NOHEADINGS	(1ull << 8)
#define CLI_OPT_RAWTABLE	(1ull << 9)
#define CLI_OPT_BYTES		(1ull << 10)
#define CLI_OPT_ALL		(1ull << 11)
#define CLI_OPT_RAWBYTES	(1ull << 12)
#define CLI_OPT_OUTFILE		(1ull << 13)
#define CLI_OPT_NO_SQUEEZE	(1ull << 14)
#define CLI_OPT_ZERO_HOLES	(1ull << 15)
#define CLI_OPT_HEX		(1ull << 16)
#define CLI_OPT_INFILE		(1ull << 17)
#define CLI_OPT_RANGE		(1ull << 18)
#define CLI_OPT_WRITE		(1ull << 19)
#define CLI_OPT_FD		(1ull << 20)
#define CLI_OPT_SEEK		(1ull << 21)
#define CLI_OPT_LAST		(1ull << 22)
#define CLI_OPT_DUMP_IB		(1ull << 23)
#define CLI_OPT_COUNT		(1ull << 24)
#define CLI_OPT_TIMEOUT		(1ull << 25)
#define CLI_OPT_HELP		(1ull << 62)
#define CLI_OPT_VERSION		(1ull << 63)

#define CLI_OPTS_ATTACH (CLI_OPT_CARD | CLI_OPT_DRM_FD | CLI_OPT_CLIENT | \
			 CLI_OPT_VM | CLI_OPT_KERNEL)
#define CLI_OPTS_TABLE (CLI_OPT_JSON | CLI_OPT_COLUMNS | CLI_OPT_OUTPUT_ALL | \
			CLI_OPT_NOHEADINGS | CLI_OPT_RAWTABLE | CLI_OPT_BYTES)

/* cli_parse() results */
#define CLI_PARSE_RUN		0	/* run o->cmd */
#define CLI_PARSE_EXIT		1	/* help or version printed: exit 0 */
#define CLI_PARSE_USAGE		2	/* usage error printed: exit 2 */

/*
 * Parse @argv into @o.  --help and --version print to @out; usage errors
 * print the problem and the errtryhelp line to @errf.  @argv may be
 * permuted (getopt_long).
 */
int cli_parse(int argc, char **argv, struct cli_opts *o, FILE *out,
	      FILE *errf);
/* The commands, NULL-name terminated. */
extern const struct cli_command cli_commands[];
const struct cli_command *cli_find_command(const char *name);
/* Usage of the whole program (@cmd NULL) or of one command. */
void cli_usage(const struct cli_command *cmd, FILE *f);

/* ------------------------------------------------------------------------
 * target.c: attaching as the options say, with errors a person can act on
 */

/*
 * Attach to @o->pid (or the kernel VM with --kernel) with the options'
 * card, fd, client and VM, plus @flags (CS_ATTACH_READONLY...).  On failure
 * prints the library's message (and the candidates after -ENOTUNIQ) and
 * returns CLI_EXIT_FAILURE.
 */
int cli_attach(const struct cli_opts *o, uint32_t flags,
	       struct cs_snoop **snoop);
/* Print @err's message ("cardsnoop: ..."). */
void cli_err_cs(const struct cs_error *err);
/* "PID 42 (app) card0" / "the kernel VM of card0", for messages. */
const char *cli_target_name(const struct cs_snoop *s, char *buf, size_t len);

/* ------------------------------------------------------------------------
 * The commands (cmd_*.c), and their column tables for --help
 */

int cli_cmd_list(struct cli_opts *o);
int cli_cmd_clients(struct cli_opts *o);
int cli_cmd_maps(struct cli_opts *o);
int cli_cmd_read(struct cli_opts *o);
int cli_cmd_write(struct cli_opts *o);
int cli_cmd_dump(struct cli_opts *o);
int cli_cmd_resolve(struct cli_opts *o);
int cli_cmd_exec(struct cli_opts *o);
int cli_cmd_ring(struct cli_opts *o);
int cli_cmd_watch(struct cli_opts *o);

/*
 * cmd_maps.c: a mapping as a row of a table of cli_maps_columns; and, for
 * text and raw output of many, the mappings kept as they came
 * (cli_maps_add()) and printed as that table would print them.
 */
void cli_maps_row(struct cli_table *t, const struct cs_mapping *m,
		  unsigned int va_bits);
struct cli_maps {
	const struct cli_table *t;	/* columns, mode, options */
	unsigned int va_bits;
	struct cs_mapping *m;		/* malloc'ed */
	size_t n, cap;
};
void cli_maps_add(struct cli_maps *ms, const struct cs_mapping *m);
void cli_maps_print(struct cli_maps *ms, const struct cli_table *t, FILE *f);

extern const struct cli_column cli_list_columns[];
extern const struct cli_column cli_clients_columns[];
extern const struct cli_column cli_maps_columns[];
extern const struct cli_column cli_resolve_columns[];

#endif /* CARDSNOOP_CLI_H */
