// SPDX-License-Identifier: MIT
/*
 * cli_json: check a JSON document and print values from it, for the cli
 * suite in the VM (tests/vm/suites/cli.sh), where python3 from the host
 * takes ten seconds to start.
 *
 *   cli_json [PATH...] < FILE
 *
 * Exits 1 with a message unless standard input is exactly one valid JSON
 * document (RFC 8259).  Then prints, one line each, the value at each PATH:
 * ".gpus[0].card" is member "gpus", element 0, member "card"; "." is the
 * whole document; a trailing "#" prints the number of elements or members
 * instead ("/.mappings#").  Strings print without quotes or escapes
 * (\uXXXX above 0x7f as '?'), numbers as written, null/true/false as such,
 * objects and arrays as "{...}" and "[...]".  A missing path prints
 * "missing" and makes the exit status 2.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *text;	/* the document */
static size_t pos, len;

static void die(const char *what)
{
	fprintf(stderr, "cli_json: invalid JSON at byte %zu: %s\n", pos, what);
	exit(1);
}

static void ws(void)
{
	while (pos < len && (text[pos] == ' ' || text[pos] == '\t' ||
			     text[pos] == '\n' || text[pos] == '\r'))
		pos++;
}

static void value(int depth);

static void string(void)
{
	if (text[pos] != '"')
		die("expected a string");
	pos++;
	while (pos < len && text[pos] != '"') {
		unsigned char c = (unsigned char)text[pos];

		if (c < 0x20)
			die("control character in a string");
		if (c == '\\') {
			pos++;
			if (pos >= len)
				die("unterminated escape");
			if (text[pos] == 'u') {
				int i;

				for (i = 1; i <= 4; i++)
					if (pos + i >= len || !isxdigit((unsigned char)text[pos + i]))
						die("bad \\u escape");
				pos += 4;
			} else if (!strchr("\"\\/bfnrt", text[pos])) {
				die("bad escape");
			}
		}
		pos++;
	}
	if (pos >= len)
		die("unterminated string");
	pos++;
}

static void number(void)
{
	size_t start = pos;

	if (text[pos] == '-')
		pos++;
	if (pos < len && text[pos] == '0')
		pos++;
	else if (pos < len && text[pos] >= '1' && text[pos] <= '9')
		while (pos < len && isdigit((unsigned char)text[pos]))
			pos++;
	else
		die("bad number");
	if (pos < len && text[pos] == '.') {
		pos++;
		if (pos >= len || !isdigit((unsigned char)text[pos]))
			die("bad fraction");
		while (pos < len && isdigit((unsigned char)text[pos]))
			pos++;
	}
	if (pos < len && (text[pos] == 'e' || text[pos] == 'E')) {
		pos++;
		if (pos < len && (text[pos] == '+' || text[pos] == '-'))
			pos++;
		if (pos >= len || !isdigit((unsigned char)text[pos]))
			die("bad exponent");
		while (pos < len && isdigit((unsigned char)text[pos]))
			pos++;
	}
	if (pos == start)
		die("bad number");
}

static void literal(const char *word)
{
	size_t n = strlen(word);

	if (len - pos < n || strncmp(text + pos, word, n))
		die("unknown literal");
	pos += n;
}

static void value(int depth)
{
	if (depth > 64)
		die("nested too deeply");
	ws();
	if (pos >= len)
		die("unexpected end");
	switch (text[pos]) {
	case '{':
		pos++;
		ws();
		if (text[pos] == '}') {
			pos++;
			return;
		}
		for (;;) {
			ws();
			string();
			ws();
			if (text[pos] != ':')
				die("expected ':'");
			pos++;
			value(depth + 1);
			ws();
			if (text[pos] == ',') {
				pos++;
				continue;
			}
			if (text[pos] != '}')
				die("expected ',' or '}'");
			pos++;
			return;
		}
	case '[':
		pos++;
		ws();
		if (text[pos] == ']') {
			pos++;
			return;
		}
		for (;;) {
			value(depth + 1);
			ws();
			if (text[pos] == ',') {
				pos++;
				continue;
			}
			if (text[pos] != ']')
				die("expected ',' or ']'");
			pos++;
			return;
		}
	case '"':
		string();
		return;
	case 't':
		literal("true");
		return;
	case 'f':
		literal("false");
		return;
	case 'n':
		literal("null");
		return;
	default:
		number();
	}
}

/* Skip the value at @p (already valid); returns the position after it. */
static size_t skip(size_t p)
{
	size_t save = pos;

	pos = p;
	value(0);
	p = pos;
	pos = save;
	return p;
}

static size_t skip_ws(size_t p)
{
	while (p < len && isspace((unsigned char)text[p]))
		p++;
	return p;
}

/* Position of member @key (length @klen) of the object at @p, or 0. */
static size_t member(size_t p, const char *key, size_t klen)
{
	if (text[p] != '{')
		return 0;
	p = skip_ws(p + 1);
	while (text[p] == '"') {
		size_t k = p + 1, v;

		p = skip(p);
		v = skip_ws(skip_ws(p) + 1);
		if (p - k - 1 == klen && !strncmp(text + k, key, klen))
			return v;
		p = skip_ws(skip(v));
		if (text[p] != ',')
			return 0;
		p = skip_ws(p + 1);
	}
	return 0;
}

/* Position of element @i of the array at @p, or 0. */
static size_t element(size_t p, long i)
{
	if (text[p] != '[')
		return 0;
	p = skip_ws(p + 1);
	if (text[p] == ']')
		return 0;
	for (; i > 0; i--) {
		p = skip_ws(skip(p));
		if (text[p] != ',')
			return 0;
		p = skip_ws(p + 1);
	}
	return p;
}

static long count(size_t p)
{
	long n = 0;
	char close = text[p] == '{' ? '}' : ']';

	p = skip_ws(p + 1);
	if (text[p] == close)
		return 0;
	for (;;) {
		n++;
		if (close == '}')
			p = skip_ws(skip_ws(skip(p)) + 1);	/* key, ':' */
		p = skip_ws(skip(p));
		if (text[p] != ',')
			return n;
		p = skip_ws(p + 1);
	}
}

static void print_value(size_t p)
{
	size_t end = skip(p), i;

	if (text[p] == '{') {
		puts("{...}");
	} else if (text[p] == '[') {
		puts("[...]");
	} else if (text[p] == '"') {
		for (i = p + 1; i + 1 < end; i++) {
			if (text[i] == '\\') {
				i++;
				switch (text[i]) {
				case 'n': putchar('\n'); break;
				case 't': putchar('\t'); break;
				case 'u': putchar('?'); i += 4; break;
				default: putchar(text[i]); break;
				}
				continue;
			}
			putchar(text[i]);
		}
		putchar('\n');
	} else {
		printf("%.*s\n", (int)(end - p), text + p);
	}
}

/* Walk @path from the document's root; 0 if missing. */
static int query(const char *path)
{
	size_t p = skip_ws(0), n;
	bool want_count = false;
	const char *q = path;
	char *endp;
	long i;

	n = strlen(q);
	if (n && q[n - 1] == '#') {
		want_count = true;
		n--;
	}
	while (q < path + n) {
		if (*q == '.') {
			q++;
			if (q >= path + n)
				break;	/* "." alone: the root */
			size_t k = strcspn(q, ".[#");

			p = member(p, q, k);
			q += k;
		} else if (*q == '[') {
			i = strtol(q + 1, &endp, 10);
			if (*endp != ']')
				return 0;
			p = element(p, i);
			q = endp + 1;
		} else {
			return 0;
		}
		if (!p)
			return 0;
	}
	if (want_count) {
		if (text[p] != '{' && text[p] != '[')
			return 0;
		printf("%ld\n", count(p));
	} else {
		print_value(p);
	}
	return 1;
}

int main(int argc, char **argv)
{
	size_t cap = 1 << 16, n;
	char *buf = malloc(cap);
	int i, ret = 0;

	len = 0;
	while ((n = fread(buf + len, 1, cap - len - 1, stdin)) > 0) {
		len += n;
		if (len + 1 >= cap)
			buf = realloc(buf, cap *= 2);
	}
	buf[len] = '\0';
	text = buf;
	if (strlen(buf) != len)
		die("NUL byte");
	pos = 0;
	value(0);
	ws();
	if (pos != len)
		die("more than one document");
	for (i = 1; i < argc; i++)
		if (!query(argv[i])) {
			puts("missing");
			ret = 2;
		}
	free(buf);
	return ret;
}
