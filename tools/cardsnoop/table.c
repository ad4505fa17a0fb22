// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The cardsnoop authors
 *
 * cardsnoop(1): output tables in the manner of util-linux (lsblk, lsclocks).
 * One column table per command carries each column's name, JSON key and
 * type, alignment and help; it drives the text, raw and JSON output, the
 * -o/--output column selection and the column list of --help.
 *
 * Each cell keeps two renderings: @text for text and raw output and @json
 * for JSON, so that a size can read "64K" for people and be a number of
 * bytes for programs, and a VA can be the same 0x-hex string in both.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
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

	for (i = 0; i < t->nrows * t->ncols; i++) {
		free(t->cells[i].text);
		free(t->cells[i].json);
	}
	free(t->cells);
	t->cells = NULL;
	t->nrows = t->cap = 0;
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

static struct cli_cell *cli_table_cell(struct cli_table *t, size_t row,
				       size_t col)
{
	struct cli_cell *c = &t->cells[row * t->ncols + col];

	free(c->text);
	free(c->json);
	c->text = c->json = NULL;
	return c;
}

void cli_table_set_str(struct cli_table *t, size_t row, size_t col,
		       const char *s)
{
	struct cli_cell *c = cli_table_cell(t, row, col);

	if (s)
		c->text = cli_strdup(s);
}

void cli_table_set_u64(struct cli_table *t, size_t row, size_t col,
		       uint64_t v)
{
	struct cli_cell *c = cli_table_cell(t, row, col);

	c->text = cli_asprintf("%" PRIu64, v);
	c->json = cli_strdup(c->text);
}

void cli_table_set_i64(struct cli_table *t, size_t row, size_t col,
		       int64_t v)
{
	struct cli_cell *c = cli_table_cell(t, row, col);

	c->text = cli_asprintf("%" PRId64, v);
	c->json = cli_strdup(c->text);
}

void cli_table_set_size(struct cli_table *t, size_t row, size_t col,
			uint64_t v)
{
	struct cli_cell *c = cli_table_cell(t, row, col);
	char buf[32];

	c->json = cli_asprintf("%" PRIu64, v);
	c->text = t->bytes ? cli_strdup(c->json) :
		cli_strdup(cli_size_human(v, buf, sizeof(buf)));
}

void cli_table_set_va(struct cli_table *t, size_t row, size_t col,
		      uint64_t va)
{
	struct cli_cell *c = cli_table_cell(t, row, col);

	c->text = cli_asprintf("0x%016" PRIx64, va);
	c->json = cli_asprintf("\"%s\"", c->text);
}

void cli_table_set_hex(struct cli_table *t, size_t row, size_t col,
		       uint64_t v)
{
	struct cli_cell *c = cli_table_cell(t, row, col);

	c->text = cli_asprintf("0x%" PRIx64, v);
	c->json = cli_asprintf("%" PRIu64, v);
}

void cli_table_set_both(struct cli_table *t, size_t row, size_t col,
			const char *text, char *json)
{
	struct cli_cell *c = cli_table_cell(t, row, col);

	if (text)
		c->text = cli_strdup(text);
	c->json = json;
}

void cli_table_set_bool(struct cli_table *t, size_t row, size_t col, bool v)
{
	struct cli_cell *c = cli_table_cell(t, row, col);

	c->text = cli_strdup(v ? "yes" : "no");
	c->json = cli_strdup(v ? "true" : "false");
}

bool cli_table_shown(const struct cli_table *t, size_t col)
{
	size_t i;

	for (i = 0; i < t->nshown; i++)
		if (t->shown[i] == col)
			return true;
	return false;
}

/* Raw output: util-linux escapes what would split a field as \xHH. */
static void cli_print_raw_field(FILE *f, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++) {
		if (*p <= ' ' || *p == '\\' || *p == 0x7f)
			fprintf(f, "\\x%02x", *p);
		else
			fputc(*p, f);
	}
}

void cli_table_print(const struct cli_table *t, FILE *f)
{
	size_t width[CLI_ARRAY_SIZE(t->shown)];
	const struct cli_column *col;
	const char *s;
	size_t i, r, len;
	bool last;

	for (i = 0; i < t->nshown; i++) {
		width[i] = t->noheadings ? 0 : strlen(t->cols[t->shown[i]].name);
		for (r = 0; r < t->nrows; r++) {
			s = t->cells[r * t->ncols + t->shown[i]].text;
			len = s ? strlen(s) : 1;
			if (len > width[i])
				width[i] = len;
		}
	}

	for (r = t->noheadings ? 1 : 0; r <= t->nrows; r++) {
		for (i = 0; i < t->nshown; i++) {
			col = &t->cols[t->shown[i]];
			last = i + 1 == t->nshown;
			if (r == 0)
				s = col->name;
			else
				s = t->cells[(r - 1) * t->ncols + t->shown[i]].text;
			if (t->mode == CLI_OUT_RAW) {
				if (i)
					fputc(' ', f);
				cli_print_raw_field(f, s ? s : "");
				continue;
			}
			if (!s)
				s = "-";
			if (i)
				fputs("  ", f);
			if (col->flags & CLI_COL_RIGHT)
				fprintf(f, "%*s", (int)width[i], s);
			else if (last)
				fputs(s, f);
			else
				fprintf(f, "%-*s", (int)width[i], s);
		}
		fputc('\n', f);
	}
}

static void cli_table_json_field(const struct cli_table *t,
				 struct cli_json *j, size_t row, size_t col)
{
	const struct cli_cell *c = &t->cells[row * t->ncols + col];

	if (c->json)
		cli_json_raw(j, t->cols[col].key, c->json);
	else if (!c->text)
		cli_json_null(j, t->cols[col].key);
	else if (t->cols[col].type == CLI_JSON_STRING)
		cli_json_str(j, t->cols[col].key, c->text);
	else
		cli_json_raw(j, t->cols[col].key, c->text);
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
		s = t->cells[row * t->ncols + t->shown[i]].text;
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
