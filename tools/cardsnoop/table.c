// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The cardsnoop authors
 *
 * cardsnoop(1): output tables in the manner of util-linux (lsblk, lsclocks).
 * One column table per command carries each column's name, JSON key and
 * type, alignment and help; it drives the text, raw and JSON output, the
 * -o/--output column selection and the column list of --help.
 *
 * A cell holds what the table's mode shows: a size reads "64K" for people
 * and is a number of bytes in JSON, where the column's JSON type says how
 * the text is written (quoted for strings, as is for numbers and
 * booleans); @json, when set, is a ready JSON value (an object).  Only the
 * shown columns are formatted at all.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

static size_t cli_columns_count(const struct cli_column *cols)
{
	size_t n = 0;

	while (cols[n].name)
		n++;
	return n;
}

static int cli_column_lookup(const struct cli_column *cols, size_t ncols,
			     const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < ncols; i++)
		if (strlen(cols[i].name) == len &&
		    !strncasecmp(cols[i].name, name, len))
			return (int)i;
	return -1;
}

static int cli_table_add_shown(struct cli_table *t, size_t col)
{
	size_t i;

	for (i = 0; i < t->nshown; i++)
		if (t->shown[i] == col)
			return 0;	/* listed twice: once is enough */
	if (t->nshown >= CLI_ARRAY_SIZE(t->shown))
		return -E2BIG;
	t->shown[t->nshown++] = col;
	if (col < 64)
		t->shown_bits |= 1ull << col;
	return 0;
}

int cli_table_init(struct cli_table *t, const struct cli_column *cols,
		   const char *list, bool all, enum cli_out_mode mode,
		   bool noheadings, bool bytes, char *why, size_t whylen)
{
	const char *p, *end;
	size_t i;
	int c;

	memset(t, 0, sizeof(*t));
	t->cols = cols;
	t->ncols = cli_columns_count(cols);
	t->mode = mode;
	t->noheadings = noheadings;
	t->bytes = bytes;

	if (all) {
		for (i = 0; i < t->ncols; i++)
			cli_table_add_shown(t, i);
		return 0;
	}
	if (!list || *list == '+') {
		for (i = 0; i < t->ncols; i++)
			if (cols[i].flags & CLI_COL_DEFAULT)
				cli_table_add_shown(t, i);
		if (!list)
			return 0;
		list++;
	}
	for (p = list; *p; p = *end ? end + 1 : end) {
		end = strchrnul(p, ',');
		if (end == p)
			continue;
		c = cli_column_lookup(cols, t->ncols, p, (size_t)(end - p));
		if (c < 0) {
			snprintf(why, whylen, "unknown column: %.*s",
				 (int)(end - p), p);
			return -EINVAL;
		}
		cli_table_add_shown(t, (size_t)c);
	}
	if (!t->nshown) {
		snprintf(why, whylen, "no column to show in \"%s\"", list);
		return -EINVAL;
	}
	return 0;
}

void cli_table_free(struct cli_table *t)
{
	size_t i;

	for (i = 0; i < t->nrows * t->ncols; i++)
		if (t->cells[i].json)
			free(t->cells[i].json);
	free(t->cells);
	free(t->arena);
	t->cells = NULL;
	t->arena = NULL;
	t->nrows = t->cap = t->arena_len = t->arena_cap = 0;
}

size_t cli_table_new_row(struct cli_table *t)
{
	if (t->nrows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->cells = cli_realloc(t->cells, t->cap * t->ncols,
				       sizeof(*t->cells));
	}
	memset(&t->cells[t->nrows * t->ncols], 0,
	       t->ncols * sizeof(*t->cells));
	return t->nrows++;
}

/*
 * The cell to set, emptied; NULL if column @col is not shown, so that the
 * setters skip the formatting.  Cell text lives in one arena rather than in
 * an allocation per cell: maps of 60,000 mappings is 400,000 cells.
 */
static struct cli_cell *cli_table_cell(struct cli_table *t, size_t row,
				       size_t col)
{
	struct cli_cell *c = &t->cells[row * t->ncols + col];

	if (!cli_table_shown(t, col))
		return NULL;
	if (c->json) {
		free(c->json);
		c->json = NULL;
	}
	c->text = 0;
	return c;
}

static void cli_cell_put(struct cli_table *t, struct cli_cell *c,
			 const char *s, size_t n)
{
	if (t->arena_len + n + 1 > UINT32_MAX) {
		/* cells keep 32-bit offsets: 4 GiB of text is past any use */
		cli_err("out of memory: a table of more than 4 GiB");
		exit(CLI_EXIT_FAILURE);
	}
	if (t->arena_len + n + 1 > t->arena_cap) {
		t->arena_cap = (t->arena_len + n + 1) * 2;
		if (t->arena_cap < 4096)
			t->arena_cap = 4096;
		t->arena = cli_realloc(t->arena, t->arena_cap, 1);
	}
	memcpy(t->arena + t->arena_len, s, n);
	t->arena[t->arena_len + n] = '\0';
	c->text = (uint32_t)(t->arena_len + 1);
	c->len = (uint32_t)n;
	t->arena_len += n + 1;
}

static void cli_cell_printf(struct cli_table *t, struct cli_cell *c,
			    const char *fmt, ...) cli_printf(3, 4);

static void cli_cell_printf(struct cli_table *t, struct cli_cell *c,
			    const char *fmt, ...)
{
	char buf[64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	cli_cell_put(t, c, buf, n < 0 ? 0 : (size_t)n < sizeof(buf) ? (size_t)n :
		     sizeof(buf) - 1);
}

static const char *cli_cell_text(const struct cli_table *t, size_t row,
				 size_t col)
{
	const struct cli_cell *c = &t->cells[row * t->ncols + col];

	return c->text ? t->arena + c->text - 1 : NULL;
}

/* The same, and its length in *@len (1, of "-", if unknown). */
static const char *cli_cell_text_len(const struct cli_table *t, size_t row,
				     size_t col, size_t *len)
{
	const struct cli_cell *c = &t->cells[row * t->ncols + col];

	*len = c->text ? c->len : 1;
	return c->text ? t->arena + c->text - 1 : NULL;
}

#define CLI_JSON_MODE(t) ((t)->mode == CLI_OUT_JSON)

/*
 * Number formatting without printf: a table of 60,000 mappings formats
 * hundreds of thousands of numbers, and vsnprintf dominated `maps`.
 */
size_t cli_fmt_u64(char *buf, uint64_t v)
{
	char tmp[24];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = '\0';
	return n;
}

/*
 * The 16 hex digits of @v, most significant first, into @d: nibbles spread
 * into bytes and turned into digits eight at a time (no table lookups, no
 * loop per digit: maps formats two or three of these per mapping).
 */
static void cli_hex16(char *d, uint64_t v)
{
	uint64_t w[2];
	int i;

	for (i = 0; i < 2; i++) {
		uint64_t x = i ? (uint32_t)v : v >> 32, letters;

		x = (x | x << 16) & 0x0000ffff0000ffffull;
		x = (x | x << 8) & 0x00ff00ff00ff00ffull;
		x = (x | x << 4) & 0x0f0f0f0f0f0f0f0full;
		/* nibble k is in byte k: the most significant goes first */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		x = __builtin_bswap64(x);
#endif
		/* 1 in each byte above 9 */
		letters = ((x + 0x0606060606060606ull) >> 4) &
			  0x0101010101010101ull;
		w[i] = x + 0x3030303030303030ull + letters * ('a' - '0' - 10);
	}
	memcpy(d, w, 16);
}

/* "0x" and the hex digits of @v, at least @width of them. */
static size_t cli_fmt_hex(char *buf, uint64_t v, unsigned int width)
{
	unsigned int n = v ? (67 - (unsigned int)__builtin_clzll(v)) / 4 : 1;
	char digits[16];

	if (n < width)
		n = width;
	cli_hex16(digits, v);
	buf[0] = '0';
	buf[1] = 'x';
	memcpy(buf + 2, digits + 16 - n, n);
	buf[2 + n] = '\0';
	return 2 + n;
}

size_t cli_cell_fmt_size(const struct cli_table *t, char *buf, uint64_t v)
{
	if (CLI_JSON_MODE(t) || t->bytes)
		return cli_fmt_u64(buf, v);
	return strlen(cli_size_human(v, buf, CLI_CELL_BUF));
}

size_t cli_cell_fmt_va(char *buf, uint64_t va)
{
	return cli_fmt_hex(buf, va, 16);
}

size_t cli_cell_fmt_hex(const struct cli_table *t, char *buf, uint64_t v)
{
	return CLI_JSON_MODE(t) ? cli_fmt_u64(buf, v) : cli_fmt_hex(buf, v, 1);
}

void cli_table_set_str(struct cli_table *t, size_t row, size_t col,
		       const char *s)
{
	struct cli_cell *c = cli_table_cell(t, row, col);

	if (c && s)
		cli_cell_put(t, c, s, strlen(s));
}

void cli_table_set_u64(struct cli_table *t, size_t row, size_t col,
		       uint64_t v)
{
	struct cli_cell *c = cli_table_cell(t, row, col);
	char buf[24];

	if (!c)
		return;
	cli_cell_put(t, c, buf, cli_fmt_u64(buf, v));
}

void cli_table_set_i64(struct cli_table *t, size_t row, size_t col,
		       int64_t v)
{
	struct cli_cell *c = cli_table_cell(t, row, col);

	if (!c)
		return;
	cli_cell_printf(t, c, "%" PRId64, v);
}

void cli_table_set_size(struct cli_table *t, size_t row, size_t col,
			uint64_t v)
{
	struct cli_cell *c = cli_table_cell(t, row, col);
	char buf[CLI_CELL_BUF];

	if (c)
		cli_cell_put(t, c, buf, cli_cell_fmt_size(t, buf, v));
}

void cli_table_set_va(struct cli_table *t, size_t row, size_t col,
		      uint64_t va)
{
	struct cli_cell *c = cli_table_cell(t, row, col);
	char buf[CLI_CELL_BUF];

	if (c)
		cli_cell_put(t, c, buf, cli_cell_fmt_va(buf, va));
}

void cli_table_set_hex(struct cli_table *t, size_t row, size_t col,
		       uint64_t v)
{
	struct cli_cell *c = cli_table_cell(t, row, col);
	char buf[CLI_CELL_BUF];

	if (c)
		cli_cell_put(t, c, buf, cli_cell_fmt_hex(t, buf, v));
}

void cli_table_set_both(struct cli_table *t, size_t row, size_t col,
			const char *text, char *json)
{
	struct cli_cell *c = cli_table_cell(t, row, col);

	if (!c) {
		free(json);
		return;
	}
	if (text)
		cli_cell_put(t, c, text, strlen(text));
	c->json = json;
}

void cli_table_set_bool(struct cli_table *t, size_t row, size_t col, bool v)
{
	struct cli_cell *c = cli_table_cell(t, row, col);

	if (!c)
		return;
	if (CLI_JSON_MODE(t))
		cli_cell_printf(t, c, "%s", v ? "true" : "false");
	else
		cli_cell_printf(t, c, "%s", v ? "yes" : "no");
}

bool cli_table_shown(const struct cli_table *t, size_t col)
{
	size_t i;

	if (col < 64)
		return t->shown_bits >> col & 1;
	for (i = 0; i < t->nshown; i++)
		if (t->shown[i] == col)
			return true;
	return false;
}

/* Raw output: util-linux escapes what would split a field as \xHH. */
static char *cli_raw_field(char *d, const char *s, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *p, *end = (const unsigned char *)s + n;

	for (p = (const unsigned char *)s; p < end; p++) {
		if (*p <= ' ' || *p == '\\' || *p == 0x7f) {
			*d++ = '\\';
			*d++ = 'x';
			*d++ = digits[*p >> 4];
			*d++ = digits[*p & 15];
		} else {
			*d++ = (char)*p;
		}
	}
	return d;
}

static void cli_print_raw_field(FILE *f, const char *s)
{
	size_t n = strlen(s);
	char *buf = cli_malloc(4 * n + 1);

	fwrite(buf, 1, (size_t)(cli_raw_field(buf, s, n) - buf), f);
	free(buf);
}

/* The stored cells of a table, for cli_table_print_rows(). */
static const char *cli_table_stored_cell(void *ctx, size_t row, size_t col,
					 char *buf, size_t *len)
{
	return cli_cell_text_len(ctx, row, col, len);
}

void cli_table_print(const struct cli_table *t, FILE *f)
{
	cli_table_print_rows(t, t->nrows, cli_table_stored_cell, (void *)t, f);
}

/* Output formatted into a buffer and written in chunks this big. */
#define CLI_OUT_CHUNK		(64 * 1024)

/*
 * Text and raw output.  Two passes over the cells (the widths, then the
 * lines); each line is formatted into a buffer written in 64 KiB chunks: a
 * table of 60,000 mappings otherwise spent most of its time in stdio, a few
 * calls per cell.
 */
void cli_table_print_rows(const struct cli_table *t, size_t nrows,
			  cli_cell_fn cell, void *ctx, FILE *f)
{
	size_t width[CLI_ARRAY_SIZE(t->shown)];
	bool right[CLI_ARRAY_SIZE(t->shown)];
	size_t i, r, len, line = 1, lead, cap, used = 0;
	bool raw = t->mode == CLI_OUT_RAW;
	char cbuf[CLI_CELL_BUF];
	const char *s;
	char *out, *p;

	for (i = 0; i < t->nshown; i++) {
		right[i] = t->cols[t->shown[i]].flags & CLI_COL_RIGHT;
		width[i] = t->noheadings ? 0 : strlen(t->cols[t->shown[i]].name);
		for (r = 0; r < nrows; r++) {
			s = cell(ctx, r, t->shown[i], cbuf, &len);
			if (!s)
				len = 1;	/* "-" */
			if (len > width[i])
				width[i] = len;
		}
		/* raw output may escape every byte as four */
		line += 2 + (raw ? 4 : 1) * width[i];
	}
	cap = line > CLI_OUT_CHUNK ? line : CLI_OUT_CHUNK;
	out = cli_malloc(cap);

	for (r = t->noheadings ? 1 : 0; r <= nrows; r++) {
		if (used + line > cap) {
			fwrite(out, 1, used, f);
			used = 0;
		}
		p = out + used;
		lead = 0;
		for (i = 0; i < t->nshown; i++) {
			if (r == 0) {
				s = t->cols[t->shown[i]].name;
				len = strlen(s);
			} else {
				s = cell(ctx, r - 1, t->shown[i], cbuf, &len);
			}
			if (raw) {
				if (i)
					*p++ = ' ';
				if (s)
					p = cli_raw_field(p, s, len);
				continue;
			}
			if (!s) {
				s = "-";
				len = 1;
			}
			/* what the column before left, the gap, right alignment */
			lead += i ? 2 : 0;
			if (right[i])
				lead += width[i] - len;
			memset(p, ' ', lead);
			p += lead;
			memcpy(p, s, len);
			p += len;
			lead = right[i] ? 0 : width[i] - len;
		}
		*p++ = '\n';
		used = (size_t)(p - out);
	}
	fwrite(out, 1, used, f);
	free(out);
}

static void cli_table_json_field(const struct cli_table *t,
				 struct cli_json *j, size_t row, size_t col)
{
	const struct cli_cell *c = &t->cells[row * t->ncols + col];
	const char *text = cli_cell_text(t, row, col);

	if (c->json)
		cli_json_raw(j, t->cols[col].key, c->json);
	else if (!text)
		cli_json_null(j, t->cols[col].key);
	else if (t->cols[col].type == CLI_JSON_STRING)
		cli_json_str(j, t->cols[col].key, text);
	else
		cli_json_raw(j, t->cols[col].key, text);
}

void cli_table_print_json_fields(const struct cli_table *t,
				 struct cli_json *j, size_t row)
{
	size_t i;

	for (i = 0; i < t->nshown; i++)
		cli_table_json_field(t, j, row, t->shown[i]);
}

void cli_table_print_json(const struct cli_table *t, struct cli_json *j,
			  const char *key)
{
	size_t r;

	cli_json_begin_array(j, key);
	for (r = 0; r < t->nrows; r++) {
		cli_json_begin_object_inline(j, NULL);
		cli_table_print_json_fields(t, j, r);
		cli_json_end(j);
	}
	cli_json_end(j);
}

void cli_table_print_pairs(const struct cli_table *t, FILE *f, size_t row)
{
	size_t i, w = 0, len;
	const char *s;

	for (i = 0; i < t->nshown; i++) {
		len = strlen(t->cols[t->shown[i]].name);
		if (len > w)
			w = len;
	}
	for (i = 0; i < t->nshown; i++) {
		s = cli_cell_text(t, row, t->shown[i]);
		if (t->mode == CLI_OUT_RAW) {
			fprintf(f, "%s ", t->cols[t->shown[i]].name);
			cli_print_raw_field(f, s ? s : "");
			fputc('\n', f);
			continue;
		}
		fprintf(f, "%s:%*s %s\n", t->cols[t->shown[i]].name,
			(int)(w - strlen(t->cols[t->shown[i]].name)), "",
			s ? s : "-");
	}
}

void cli_table_usage(const struct cli_column *cols, FILE *f)
{
	static const char *const types[] = {
		[CLI_JSON_STRING] = "string",
		[CLI_JSON_NUMBER] = "number",
		[CLI_JSON_BOOLEAN] = "boolean",
		[CLI_JSON_OBJECT] = "object",
	};
	size_t i, n = cli_columns_count(cols), w = 0;

	for (i = 0; i < n; i++)
		if (strlen(cols[i].name) > w)
			w = strlen(cols[i].name);
	fputs("\nAvailable output columns (* = default):\n", f);
	for (i = 0; i < n; i++)
		fprintf(f, " %-*s %c %s <%s>\n", (int)w, cols[i].name,
			cols[i].flags & CLI_COL_DEFAULT ? '*' : ' ',
			cols[i].help, types[cols[i].type]);
}
