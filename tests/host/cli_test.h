/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the cardsnoop CLI's host tests (tests/host/cli_*.c):
 * capturing what a function prints, splitting a command line, and running
 * a program with its output captured.  CS_TOP is the repository's top
 * directory (set by tests/Makefile; the environment's CS_TOP overrides).
 */
#ifndef CLI_TEST_H
#define CLI_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

#ifndef CS_TOP
#define CS_TOP "."
#endif

static inline const char *cli_test_top(void)
{
	const char *e = getenv("CS_TOP");

	return e && *e ? e : CS_TOP;
}

/* A FILE that collects what is written into a string. */
struct cli_capture {
	char *buf;
	size_t len;
	FILE *f;
};

static inline FILE *cli_capture_open(struct cli_capture *c)
{
	memset(c, 0, sizeof(*c));
	c->f = open_memstream(&c->buf, &c->len);
	return c->f;
}

/* Close the stream; the text stays in c->buf until cli_capture_free(). */
static inline const char *cli_capture_text(struct cli_capture *c)
{
	if (c->f) {
		fclose(c->f);
		c->f = NULL;
	}
	return c->buf ? c->buf : "";
}

static inline void cli_capture_free(struct cli_capture *c)
{
	if (c->f)
		fclose(c->f);
	free(c->buf);
	memset(c, 0, sizeof(*c));
}

/*
 * struct cli_argv - a command line split at spaces (no quoting), for
 * cli_parse(); the strings live as long as the struct.
 */
struct cli_argv {
	char *copy;
	char *argv[64];
	int argc;
};

static inline void cli_argv_split(struct cli_argv *a, const char *line)
{
	char *p, *save = NULL;

	memset(a, 0, sizeof(*a));
	a->copy = strdup(line);
	for (p = strtok_r(a->copy, " ", &save); p && a->argc < 63;
	     p = strtok_r(NULL, " ", &save))
		a->argv[a->argc++] = p;
	a->argv[a->argc] = NULL;
}

static inline void cli_argv_free(struct cli_argv *a)
{
	free(a->copy);
	a->copy = NULL;
}

/* Read all of @fd into a malloc'ed string. */
static inline char *cli_test_slurp_fd(int fd)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	ssize_t n;

	for (;;) {
		if (len + 1 >= cap)
			buf = realloc(buf, cap *= 2);
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	return buf;
}

/*
 * Run @argv (execvp) with stdin from /dev/null, stdout and stderr captured
 * into *@out and *@err (malloc'ed; either may be NULL to discard).  Returns
 * the exit status, 128 + signal if killed, -1 if it could not start.
 */
static inline int cli_test_run(char *const argv[], char **out, char **err)
{
	char tmpl_o[] = "/tmp/cli-test-out.XXXXXX";
	char tmpl_e[] = "/tmp/cli-test-err.XXXXXX";
	int fo = mkstemp(tmpl_o), fe = mkstemp(tmpl_e), st, nul;
	pid_t pid;

	if (fo < 0 || fe < 0)
		return -1;
	unlink(tmpl_o);
	unlink(tmpl_e);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		nul = open("/dev/null", O_RDONLY);
		dup2(nul, 0);
		dup2(fo, 1);
		dup2(fe, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	waitpid(pid, &st, 0);
	lseek(fo, 0, SEEK_SET);
	lseek(fe, 0, SEEK_SET);
	if (out)
		*out = cli_test_slurp_fd(fo);
	if (err)
		*err = cli_test_slurp_fd(fe);
	close(fo);
	close(fe);
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : -1;
}

/* Like cli_test_run() through "sh -c @cmd". */
static inline int cli_test_sh(const char *cmd, char **out, char **err)
{
	char *argv[] = { "sh", "-c", (char *)cmd, NULL };

	return cli_test_run(argv, out, err);
}

#define ck_assert_has(hay, needle)					\
	ck_assert_msg(strstr((hay), (needle)),				\
		      "\"%s\" lacks \"%s\"", (hay), (needle))
#define ck_assert_lacks(hay, needle)					\
	ck_assert_msg(!strstr((hay), (needle)),				\
		      "\"%s\" has \"%s\"", (hay), (needle))

#endif
