// SPDX-License-Identifier: MIT
/*
 * cardsnoop CLI host tests: the program as a whole, where no GPU is needed
 * (the build machine has no snoop node; everything with a GPU is in the VM
 * suite tests/vm/suites/cli.sh), and its manual page against its code.
 *
 * run TCase (build/tools/cardsnoop):
 *   run_help:            --help on stdout, status 0, nothing on stderr
 *   run_version:         -V names the program and library versions
 *   run_usage_status:    usage errors: status 2, message + try line on
 *                        stderr, nothing on stdout
 *   run_no_gpu:          list without snoop nodes: status 1, says what to load
 *   run_no_process:      maps of a pid that does not exist: status 1
 *   run_no_client:       clients/read of a process without DRM files:
 *                        status 1, names the process
 *   run_bad_hex:         write --hex with bad digits: status 2
 *   run_stdout_full:     a write error on stdout is status 1, not success
 *   run_valgrind:        the same runs under valgrind: no error, no leak
 * progress TCase:
 *   progress_tty:        on a terminal: a progress line, erased at the end
 *   progress_pipe:       not a terminal: nothing
 * man TCase (tools/cardsnoop/cardsnoop.1):
 *   man_commands:        every command is described
 *   man_options:         every option of every command's --help is there
 *   man_columns:         every output column is there with its JSON type
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <sys/stat.h>

#include "cstest.h"
#include "cli_test.h"

static char bin[PATH_MAX];
static char *out, *err;

static void run_setup(void)
{
	snprintf(bin, sizeof(bin), "%s/build/tools/cardsnoop", cli_test_top());
	out = err = NULL;
}

static void run_teardown(void)
{
	free(out);
	free(err);
	out = err = NULL;
}

/* Run cardsnoop with the arguments in @line (split at spaces). */
static int cs(const char *line)
{
	struct cli_argv a;
	char *argv[66];
	int i, rc;

	free(out);
	free(err);
	cli_argv_split(&a, line);
	argv[0] = bin;
	for (i = 0; i < a.argc; i++)
		argv[i + 1] = a.argv[i];
	argv[a.argc + 1] = NULL;
	rc = cli_test_run(argv, &out, &err);
	cli_argv_free(&a);
	return rc;
}

START_TEST(run_help)
{
	ck_assert_int_eq(cs("--help"), 0);
	ck_assert_has(out, "Usage:");
	ck_assert_str_eq(err, "");
	ck_assert_int_eq(cs("dump --help"), 0);
	ck_assert_has(out, "cardsnoop dump [options]");
	ck_assert_int_eq(cs("help ring"), 0);
	ck_assert_has(out, "cardsnoop ring [options]");
}
END_TEST

START_TEST(run_version)
{
	ck_assert_int_eq(cs("-V"), 0);
	ck_assert_str_eq(out, "cardsnoop " CARDSNOOP_VERSION " (libcardsnoop "
			 CARDSNOOP_VERSION ")\n");
}
END_TEST

START_TEST(run_usage_status)
{
	static const char *const lines[] = {
		"", "frob", "maps", "maps x", "read 1 0x1000", "read 1 0x1000 0",
		"write 1 0x1000", "dump 1", "exec 1", "maps 1 --frob",
		"--drm-fd 3 list", "maps --kernel 1", "list -o NOPE",
	};
	size_t i;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		ck_assert_msg(cs(lines[i]) == 2, "'%s': status not 2", lines[i]);
		ck_assert_msg(strstr(err, "cardsnoop: "), "'%s': %s", lines[i], err);
		ck_assert_str_eq(out, "");
	}
	/* the try line names the command */
	cs("maps 1 --frob");
	ck_assert_has(err, "Try 'cardsnoop maps --help' for more information.");
}
END_TEST

START_TEST(run_no_gpu)
{
	ck_assert_int_eq(cs("list"), 1);
	ck_assert_has(err, "no GPU with a snoop node");
	ck_assert_has(err, "modprobe simgpu");
	ck_assert_int_eq(cs("list --json"), 1);
	ck_assert_str_eq(out, "{\n  \"gpus\": []\n}\n");
}
END_TEST

START_TEST(run_no_process)
{
	ck_assert_int_eq(cs("maps 2147483646"), 1);
	ck_assert_has(err, "no such process");
	ck_assert_has(err, "2147483646");
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(run_no_client)
{
	char line[64];

	snprintf(line, sizeof(line), "clients %d", (int)getpid());
	ck_assert_int_eq(cs(line), 1);
	ck_assert_has(err, "has no DRM client");
	snprintf(line, sizeof(line), "read %d 0x1000 16", (int)getpid());
	ck_assert_int_eq(cs(line), 1);
	snprintf(line, sizeof(line), "PID %d", (int)getpid());
	ck_assert_has(err, line);
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(run_bad_hex)
{
	ck_assert_int_eq(cs("write 1 0x1000 --hex 0xzz"), 2);
	ck_assert_has(err, "invalid hex bytes: '0xzz'");
}
END_TEST

START_TEST(run_stdout_full)
{
	char cmd[PATH_MAX + 64];

	snprintf(cmd, sizeof(cmd), "'%s' --help > /dev/full", bin);
	ck_assert_int_eq(cli_test_sh(cmd, &out, &err), 1);
	ck_assert_has(err, "write error on standard output");
}
END_TEST

START_TEST(run_valgrind)
{
	static const char *const lines[] = {
		"--help", "maps --help", "frob", "read 1 0x1000", "list",
		"list --json -o card,driver", "clients", "maps 2147483646",
		"write 1 0x1000 --hex zz",
	};
	char cmd[PATH_MAX + 256];
	size_t i;
	int rc, plain;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		plain = cs(lines[i]);
		snprintf(cmd, sizeof(cmd),
			 "valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect "
			 "--error-exitcode=99 '%s' %s", bin, lines[i]);
		free(out);
		free(err);
		rc = cli_test_sh(cmd, &out, &err);
		ck_assert_msg(rc == plain, "valgrind cardsnoop %s: status %d (%d without):\n%s",
			      lines[i], rc, plain, err);
	}
}
END_TEST

/* ---------------------------------------------------------------- progress */

START_TEST(progress_tty)
{
	struct cli_progress p;
	int master, slave, saved;
	char name[64], buf[512];
	ssize_t n;

	master = posix_openpt(O_RDWR | O_NOCTTY);
	ck_assert_int_ge(master, 0);
	ck_assert_int_eq(grantpt(master), 0);
	ck_assert_int_eq(unlockpt(master), 0);
	ck_assert_int_eq(ptsname_r(master, name, sizeof(name)), 0);
	slave = open(name, O_RDWR | O_NOCTTY);
	ck_assert_int_ge(slave, 0);
	saved = dup(2);
	dup2(slave, 2);

	cli_progress_init(&p, "dump", 64ull << 20, 0);
	ck_assert(p.enabled);
	cli_progress_add(&p, 12ull << 20);
	cli_progress_add(&p, 52ull << 20);	/* the end is always drawn */
	cli_progress_done(&p);

	dup2(saved, 2);
	close(saved);
	close(slave);
	/* A pty read returns what has arrived so far: read until it ends. */
	n = 0;
	for (;;) {
		struct pollfd pfd = { .fd = master, .events = POLLIN };
		ssize_t r;

		if (poll(&pfd, 1, 1000) <= 0 || n == (ssize_t)sizeof(buf) - 1)
			break;
		r = read(master, buf + n, sizeof(buf) - 1 - n);
		if (r <= 0)
			break;
		n += r;
	}
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	ck_assert_has(buf, "\rdump: 12M of 64M (18%)");
	ck_assert_has(buf, "dump: 64M of 64M (100%)");
	/* erased: spaces over the line, then back to its start */
	ck_assert_msg(buf[n - 1] == '\r', "not erased: \"%s\"", buf);
	close(master);

	/* below the threshold: nothing, even on a terminal */
	cli_progress_init(&p, "read", 4096, 1ull << 20);
	ck_assert(!p.enabled);
}
END_TEST

START_TEST(progress_pipe)
{
	struct cli_progress p;
	int fds[2], saved;
	char buf[64];

	ck_assert_int_eq(pipe(fds), 0);
	saved = dup(2);
	dup2(fds[1], 2);
	cli_progress_init(&p, "dump", 64ull << 20, 0);
	cli_progress_add(&p, 64ull << 20);
	cli_progress_done(&p);
	dup2(saved, 2);
	close(saved);
	close(fds[1]);
	ck_assert(!p.enabled);
	ck_assert_int_eq(read(fds[0], buf, sizeof(buf)), 0);
	close(fds[0]);
}
END_TEST

/* --------------------------------------------------------------------- man */

static char *man;

static void man_setup(void)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/tools/cardsnoop/cardsnoop.1", cli_test_top());
	fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	man = cli_test_slurp_fd(fd);
	close(fd);
}

static void man_teardown(void)
{
	free(man);
	man = NULL;
}

/* @s as roff writes it: '-' as "\-". */
static void roff(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	for (; *s && o + 3 < len; s++) {
		if (*s == '-')
			buf[o++] = '\\';
		buf[o++] = *s;
	}
	buf[o] = '\0';
}

START_TEST(man_commands)
{
	const struct cli_command *c;
	char want[64];

	char want2[64], want3[64];

	for (c = cli_commands; c->name; c++) {
		snprintf(want, sizeof(want), "\n.B %s\n", c->name);
		snprintf(want2, sizeof(want2), "\n.BI %s \"", c->name);
		snprintf(want3, sizeof(want3), "\n.BR %s \"", c->name);
		ck_assert_msg(strstr(man, want) || strstr(man, want2) || strstr(man, want3),
			      "cardsnoop.1 lacks the command %s", c->name);
	}
	ck_assert_has(man, "\n.SH NAME\n");
	ck_assert_has(man, "\n.SH SYNOPSIS\n");
	ck_assert_has(man, "\n.SH DESCRIPTION\n");
	ck_assert_has(man, "\n.SH OPTIONS\n");
	ck_assert_has(man, "\n.SH OUTPUT COLUMNS\n");
	ck_assert_has(man, "\n.SH EXIT STATUS\n");
	ck_assert_has(man, "\n.SH SEE ALSO\n");
	ck_assert_has(man, "EBADFD");	/* exec: /dev/fd/N is a new file */
}
END_TEST

START_TEST(man_options)
{
	const struct cli_command *c;
	struct cli_capture cap;
	char opt[64], want[80];
	const char *p, *text;
	size_t n;

	for (c = cli_commands; c->name; c++) {
		cli_usage(c, cli_capture_open(&cap));
		text = cli_capture_text(&cap);
		for (p = strstr(text, " --"); p; p = strstr(p + 1, " --")) {
			n = strspn(p + 3, "abcdefghijklmnopqrstuvwxyz-");
			snprintf(opt, sizeof(opt), "--%.*s", (int)n, p + 3);
			roff(opt, want, sizeof(want));
			ck_assert_msg(strstr(man, want), "cardsnoop.1 lacks %s (of %s)",
				      opt, c->name);
		}
		cli_capture_free(&cap);
	}
}
END_TEST

START_TEST(man_columns)
{
	static const char *const types[] = { "<string>", "<number>", "<boolean>",
					     "<object>" };
	const struct cli_command *c;
	const struct cli_column *col;
	char name[64], want[128];

	for (c = cli_commands; c->name; c++) {
		if (!c->cols)
			continue;
		for (col = c->cols; col->name; col++) {
			roff(col->name, name, sizeof(name));
			snprintf(want, sizeof(want), ".BR %s \" %s", name, types[col->type]);
			ck_assert_msg(strstr(man, want) ||
				      /* several columns in one .TP line */
				      (strstr(man, name) && strstr(man, types[col->type])),
				      "cardsnoop.1 lacks column %s <%s> of %s",
				      col->name, types[col->type], c->name);
			ck_assert_msg(strstr(man, col->key),
				      "cardsnoop.1 lacks the JSON key %s", col->key);
		}
	}
}
END_TEST

static Suite *cli_run_suite(void)
{
	Suite *s = suite_create("cli_run");
	TCase *tc;

	tc = tcase_create("run");
	tcase_add_checked_fixture(tc, run_setup, run_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, run_help);
	tcase_add_test(tc, run_version);
	tcase_add_test(tc, run_usage_status);
	tcase_add_test(tc, run_no_gpu);
	tcase_add_test(tc, run_no_process);
	tcase_add_test(tc, run_no_client);
	tcase_add_test(tc, run_bad_hex);
	tcase_add_test(tc, run_stdout_full);
	tcase_add_test(tc, run_valgrind);
	suite_add_tcase(s, tc);

	tc = tcase_create("progress");
	tcase_add_test(tc, progress_tty);
	tcase_add_test(tc, progress_pipe);
	suite_add_tcase(s, tc);

	tc = tcase_create("man");
	tcase_add_checked_fixture(tc, man_setup, man_teardown);
	tcase_add_test(tc, man_commands);
	tcase_add_test(tc, man_options);
	tcase_add_test(tc, man_columns);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return cstest_run(cli_run_suite());
}
