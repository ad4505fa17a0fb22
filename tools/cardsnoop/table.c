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
static size_t cli_fmt_u64(char *buf, uint64_t v)
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

/* "0x" and the hex digits of @v, at least @width of them. */
static size_t cli_fmt_hex(char *buf, uint64_t v, unsigned int width)
{
	static const char digits[] = "0123456789abcdef";
	unsigned int n = v ? (67 - (unsigned int)__builtin_clzll(v)) / 4 : 1;
	char *p;

	if (n < width)
		n = width;
	buf[0] = '0';
	buf[1] = 'x';
	buf[2 + n] = '\0';
	for (p = buf + 2 + n; p > buf + 2; v >>= 4)
		*--p = digits[v & 15];
	return 2 + n;
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
	char buf[32];

	if (!c)
		return;
	if (CLI_JSON_MODE(t) || t->bytes) {
		cli_cell_put(t, c, buf, cli_fmt_u64(buf, v));
	} else {
		cli_size_human(v, buf, sizeof(buf));
		cli_cell_put(t, c, buf, strlen(buf));
	}
}

void cli_table_set_va(struct cli_table *t, size_t row, size_t col,
		      uint64_t va)
{
	struct cli_cell *c = cli_table_cell(t, row, col);
	char buf[24];

	if (c)
		cli_cell_put(t, c, buf, cli_fmt_hex(buf, va, 16));
}

void cli_table_set_hex(struct cli_table *t, size_t row, size_t col,
		       uint64_t v)
{
	struct cli_cell *c = cli_table_cell(t, row, col);
	char buf[24];

	if (!c)
		return;
	if (CLI_JSON_MODE(t))
		cli_cell_put(t, c, buf, cli_fmt_u64(buf, v));
	else
		cli_cell_put(t, c, buf, cli_fmt_hex(buf, v, 1));
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
static char *cli_raw_field(char *d, const char *s)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++) {
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
	char *buf = cli_malloc(4 * strlen(s) + 1);

	fwrite(buf, 1, (size_t)(cli_raw_field(buf, s) - buf), f);
	free(buf);
}

/*
 * Text and raw output.  Each line is formatted into one buffer and written
 * with one fwrite(): a table of 60,000 mappings otherwise spent most of
 * its time in stdio, a few calls per cell.
 */
void cli_table_print(const struct cli_table *t, FILE *f)
{
	size_t width[CLI_ARRAY_SIZE(t->shown)];
	bool right[CLI_ARRAY_SIZE(t->shown)];
	size_t i, r, len, line = 1, lead;
	bool raw = t->mode == CLI_OUT_RAW;
	const char *s;
	char *buf, *p;

	for (i = 0; i < t->nshown; i++) {
		right[i] = t->cols[t->shown[i]].flags & CLI_COL_RIGHT;
		width[i] = t->noheadings ? 0 : strlen(t->cols[t->shown[i]].name);
		for (r = 0; r < t->nrows; r++) {
			cli_cell_text_len(t, r, t->shown[i], &len);
			if (len > width[i])
				width[i] = len;
		}
		/* raw output may escape every byte as four */
		line += 2 + (raw ? 4 : 1) * width[i];
	}
	buf = cli_malloc(line);

	for (r = t->noheadings ? 1 : 0; r <= t->nrows; r++) {
		p = buf;
		lead = 0;
		for (i = 0; i < t->nshown; i++) {
			if (r == 0) {
				s = t->cols[t->shown[i]].name;
				len = strlen(s);
			} else {
				s = cli_cell_text_len(t, r - 1, t->shown[i],
						      &len);
			}
			if (raw) {
				if (i)
					*p++ = ' ';
				if (s)
					p = cli_raw_field(p, s);
				continue;
			}
			if (!s)
				s = "-";
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
		fwrite(buf, 1, (size_t)(p - buf), f);
	}
	free(buf);
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
