// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The cardsnoop authors
 *
 * cardsnoop(1): messages, allocation that cannot fail, and the check of
 * stdout at exit (util-linux's close_stdout: a full disk or a closed pipe
 * must not pass for success).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

const char *cli_progname = "cardsnoop";

static void cli_vmsg(const char *prefix, const char *fmt, va_list ap)
{
	fflush(stdout);
	fprintf(stderr, "%s: %s", cli_progname, prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void cli_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_vmsg("", fmt, ap);
	va_end(ap);
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_vmsg("warning: ", fmt, ap);
	va_end(ap);
}

static void *cli_oom(void *p)
{
	if (!p) {
		cli_err("out of memory");
		exit(CLI_EXIT_FAILURE);
	}
	return p;
}

void *cli_malloc(size_t size)
{
	return cli_oom(malloc(size ? size : 1));
}

void *cli_calloc(size_t n, size_t size)
{
	return cli_oom(calloc(n ? n : 1, size ? size : 1));
}

void *cli_realloc(void *p, size_t n, size_t size)
{
	size_t bytes;

	if (size && n > SIZE_MAX / size)
		return cli_oom(NULL);
	bytes = n * size;
	return cli_oom(realloc(p, bytes ? bytes : 1));
}

char *cli_strdup(const char *s)
{
	return cli_oom(strdup(s));
}

char *cli_asprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return cli_oom(n < 0 ? NULL : s);
}

int cli_close_stdout(int ret)
{
	bool failed = fflush(stdout) != 0 || ferror(stdout);
	int e = errno;

	if (failed && e != EPIPE) {
		cli_err("write error on standard output: %s",
			e ? strerror(e) : "unknown error");
		return CLI_EXIT_FAILURE;
	}
	return failed ? CLI_EXIT_FAILURE : ret;
}

int cli_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t w;

	while (len) {
		w = write(fd, p, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}
