// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The cardsnoop authors
 *
 * cardsnoop(1): a small streaming JSON writer.  Top-level documents are
 * indented two spaces per level; containers opened "inline" (table rows,
 * IB commands) print on one line, so that large outputs stay greppable.
 * A streaming command (a future `watch`) opens its top-level object inline:
 * one object per line, flushed by cli_json_end().
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void cli_json_init(struct cli_json *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
}

static bool cli_json_is_inline(const struct cli_json *j)
{
	return j->depth > 0 && j->inline_[j->depth - 1];
}

/* Separator, newline and indentation, then the key, before a value. */
static void cli_json_prefix(struct cli_json *j, const char *key)
{
	int i;

	if (j->depth > 0) {
		if (j->nonempty[j->depth - 1])
			fputc(',', j->f);
		j->nonempty[j->depth - 1] = true;
		if (cli_json_is_inline(j)) {
			fputc(' ', j->f);
		} else {
			fputc('\n', j->f);
			for (i = 0; i < j->depth; i++)
				fputs("  ", j->f);
		}
	}
	if (key) {
		cli_json_write_string(j->f, key);
		fputs(": ", j->f);
	}
}

static void cli_json_begin(struct cli_json *j, const char *key, char c,
			   bool inl)
{
	if (j->depth >= CLI_JSON_MAX_DEPTH)
		abort();	/* a bug: our documents are shallow */
	cli_json_prefix(j, key);
	fputc(c, j->f);
	j->nonempty[j->depth] = false;
	j->inline_[j->depth] = inl || cli_json_is_inline(j);
	j->closer[j->depth] = c == '{' ? '}' : ']';
	j->depth++;
}

void cli_json_begin_object(struct cli_json *j, const char *key)
{
	cli_json_begin(j, key, '{', false);
}

void cli_json_begin_object_inline(struct cli_json *j, const char *key)
{
	cli_json_begin(j, key, '{', true);
}

void cli_json_begin_array(struct cli_json *j, const char *key)
{
	cli_json_begin(j, key, '[', false);
}

void cli_json_begin_array_inline(struct cli_json *j, const char *key)
{
	cli_json_begin(j, key, '[', true);
}

void cli_json_end(struct cli_json *j)
{
	int d = j->depth - 1;
	bool inl = cli_json_is_inline(j);
	int i;

	if (d < 0)
		return;
	if (j->nonempty[d]) {
		if (inl) {
			fputc(' ', j->f);
		} else {
			fputc('\n', j->f);
			for (i = 0; i < d; i++)
				fputs("  ", j->f);
		}
	}
	fputc(j->closer[d], j->f);
	j->depth--;
	if (j->depth == 0) {
		fputc('\n', j->f);
		fflush(j->f);
	}
}

void cli_json_write_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int n, i;

	fputc('"', f);
	while (*p) {
		unsigned char c = *p;

		if (c == '"' || c == '\\') {
			fputc('\\', f);
			fputc(c, f);
			p++;
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			switch (c) {
			case '\n': fputs("\\n", f); break;
			case '\t': fputs("\\t", f); break;
			case '\r': fputs("\\r", f); break;
			default: fprintf(f, "\\u%04x", c); break;
			}
			p++;
			continue;
		}
		if (c < 0x80) {
			fputc(c, f);
			p++;
			continue;
		}
		/* UTF-8: pass valid sequences, escape stray bytes */
		if ((c & 0xe0) == 0xc0 && c >= 0xc2)
			n = 2;
		else if ((c & 0xf0) == 0xe0)
			n = 3;
		else if ((c & 0xf8) == 0xf0 && c <= 0xf4)
			n = 4;
		else
			n = 0;
		for (i = 1; i < n; i++)
			if ((p[i] & 0xc0) != 0x80)
				n = 0;
		if (!n) {
			fprintf(f, "\\u%04x", c);
			p++;
			continue;
		}
		fwrite(p, 1, (size_t)n, f);
		p += n;
	}
	fputc('"', f);
}

void cli_json_str(struct cli_json *j, const char *key, const char *s)
{
	cli_json_prefix(j, key);
	if (s)
		cli_json_write_string(j->f, s);
	else
		fputs("null", j->f);
}

void cli_json_u64(struct cli_json *j, const char *key, uint64_t v)
{
	cli_json_prefix(j, key);
	fprintf(j->f, "%" PRIu64, v);
}

void cli_json_i64(struct cli_json *j, const char *key, int64_t v)
{
	cli_json_prefix(j, key);
	fprintf(j->f, "%" PRId64, v);
}

void cli_json_bool(struct cli_json *j, const char *key, bool v)
{
	cli_json_prefix(j, key);
	fputs(v ? "true" : "false", j->f);
}

void cli_json_null(struct cli_json *j, const char *key)
{
	cli_json_prefix(j, key);
	fputs("null", j->f);
}

void cli_json_hex(struct cli_json *j, const char *key, uint64_t v, bool va)
{
	cli_json_prefix(j, key);
	if (va)
		fprintf(j->f, "\"0x%016" PRIx64 "\"", v);
	else
		fprintf(j->f, "\"0x%" PRIx64 "\"", v);
}

void cli_json_raw(struct cli_json *j, const char *key, const char *fragment)
{
	cli_json_prefix(j, key);
	fputs(fragment, j->f);
}
