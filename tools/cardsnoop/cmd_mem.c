// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The cardsnoop authors
 *
 * cardsnoop read, write and exec: bytes of a process's GPU memory, through
 * cs_read()/cs_write(), or the attached snoop file itself handed to another
 * program.  read and exec attach read-only unless told otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define CLI_CHUNK	(1u << 20)
/* read -o shows progress from this size on */
#define CLI_PROGRESS_MIN	(16ull << 20)

/* @o->va as a snoop file offset, or an error naming the VA space. */
static int cli_va_offset(const struct cs_snoop *s, uint64_t va, uint64_t *off)
{
	const struct cs_snoop_info *in = cs_snoop_get_info(s);
	char who[96];

	if (!cs_va_to_offset(in->va_bits, va, off))
		return 0;
	cli_err("0x%" PRIx64 " is not an address of the %u-bit GPU VA space of %s",
		va, in->va_bits, cli_target_name(s, who, sizeof(who)));
	return CLI_EXIT_FAILURE;
}

int cli_cmd_read(struct cli_opts *o)
{
	struct cs_error *err = cs_error_new();
	const struct cs_snoop_info *in;
	struct cs_snoop *s = NULL;
	struct cli_progress prog;
	struct cli_hexdump h;
	uint64_t off, pos = 0;
	bool raw = o->raw || o->outfile;
	uint8_t *buf = NULL;
	int ret, fd = STDOUT_FILENO, wr;
	size_t want;
	ssize_t n;

	ret = cli_attach(o, CS_ATTACH_READONLY, &s);
	if (ret)
		goto out;
	in = cs_snoop_get_info(s);
	ret = cli_va_offset(s, o->va, &off);
	if (ret)
		goto out;
	if (o->outfile && strcmp(o->outfile, "-")) {
		fd = open(o->outfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		if (fd < 0) {
			cli_err("cannot create %s: %s", o->outfile, strerror(errno));
			ret = CLI_EXIT_FAILURE;
			goto out;
		}
	}
	if (!raw)
		cli_hexdump_init(&h, stdout, in->va_bits, off, !o->no_squeeze);
	cli_progress_init(&prog, "read", o->size,
			  fd != STDOUT_FILENO ? CLI_PROGRESS_MIN : UINT64_MAX);
	buf = cli_malloc(CLI_CHUNK);
	while (pos < o->size) {
		want = o->size - pos > CLI_CHUNK ? CLI_CHUNK : (size_t)(o->size - pos);
		n = cs_read(s, off + pos, buf, want, err);
		if (n <= 0)
			break;
		if (raw) {
			fflush(stdout);
			wr = cli_write_all(fd, buf, (size_t)n);
			if (wr) {
				cli_progress_done(&prog);
				cli_err("writing %s: %s",
					fd == STDOUT_FILENO ? "standard output" : o->outfile,
					strerror(-wr));
				ret = CLI_EXIT_FAILURE;
				goto out;
			}
		} else {
			cli_hexdump_feed(&h, buf, (size_t)n);
		}
		pos += (uint64_t)n;
		cli_progress_add(&prog, (uint64_t)n);
	}
	cli_progress_done(&prog);
	if (!raw && pos)
		cli_hexdump_finish(&h);
	if (pos < o->size) {
		if (pos)
			cli_err("%s (read stopped after %" PRIu64 " of %" PRIu64 " bytes)",
				cs_error_message(err), pos, o->size);
		else
			cli_err_cs(err);
		ret = CLI_EXIT_FAILURE;
	}
out:
	if (fd != STDOUT_FILENO && fd >= 0 && close(fd) && !ret) {
		cli_err("writing %s: %s", o->outfile, strerror(errno));
		ret = CLI_EXIT_FAILURE;
	}
	free(buf);
	cs_snoop_close(s);
	cs_error_free(err);
	return ret;
}

/* Write @len bytes at offset @off; on failure print why and return 1. */
static int cli_write_at(struct cs_snoop *s, uint64_t off, const uint8_t *p,
			size_t len, uint64_t done_before, struct cs_error *err)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = cs_write(s, off + done, p + done, len - done, err);
		if (n <= 0) {
			if (done_before + done)
				cli_err("%s (wrote %" PRIu64 " bytes before that)",
					cs_error_message(err),
					(uint64_t)(done_before + done));
			else
				cli_err_cs(err);
			return CLI_EXIT_FAILURE;
		}
		done += (size_t)n;
	}
	return 0;
}

int cli_cmd_write(struct cli_opts *o)
{
	struct cs_error *err = cs_error_new();
	struct cs_snoop *s = NULL;
	uint8_t *bytes = NULL;
	uint64_t off, total = 0;
	int ret, fd = -1;
	size_t len;
	ssize_t n;

	if (o->hex && cli_parse_hexbytes(o->hex, &bytes, &len)) {
		cli_err("invalid hex bytes: '%s' (pairs of hex digits, e.g. \"deadbeef\" or \"de ad be ef\")",
			o->hex);
		cs_error_free(err);
		return CLI_EXIT_USAGE;
	}
	if (o->infile) {
		fd = strcmp(o->infile, "-") ?
			open(o->infile, O_RDONLY | O_CLOEXEC) : STDIN_FILENO;
		if (fd < 0) {
			cli_err("cannot open %s: %s", o->infile, strerror(errno));
			cs_error_free(err);
			return CLI_EXIT_FAILURE;
		}
	}
	ret = cli_attach(o, 0, &s);
	if (ret)
		goto out;
	ret = cli_va_offset(s, o->va, &off);
	if (ret)
		goto out;
	if (bytes) {
		ret = cli_write_at(s, off, bytes, len, 0, err);
		goto out;
	}
	bytes = cli_malloc(CLI_CHUNK);
	for (;;) {
		n = read(fd, bytes, CLI_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			cli_err("reading %s: %s",
				fd == STDIN_FILENO ? "standard input" : o->infile,
				strerror(errno));
			ret = CLI_EXIT_FAILURE;
			break;
		}
		if (!n)
			break;
		ret = cli_write_at(s, off + total, bytes, (size_t)n, total, err);
		if (ret)
			break;
		total += (uint64_t)n;
	}
out:
	if (fd > STDIN_FILENO)
		close(fd);
	free(bytes);
	cs_snoop_close(s);
	cs_error_free(err);
	return ret;
}

int cli_cmd_exec(struct cli_opts *o)
{
	const struct cs_snoop_info *in;
	struct cs_snoop *s = NULL;
	char num[32];
	uint64_t off;
	int ret, fd, flags, saved;

	ret = cli_attach(o, o->write ? 0 : CS_ATTACH_READONLY, &s);
	if (ret)
		return ret;
	in = cs_snoop_get_info(s);
	fd = cs_snoop_get_fd(s);
	if (o->has_seek) {
		ret = cli_va_offset(s, o->seek_va, &off);
		if (ret)
			goto fail;
		if (lseek(fd, (off_t)off, SEEK_SET) < 0) {
			cli_err("cannot seek the snoop file to 0x%" PRIx64 ": %s",
				o->seek_va, strerror(errno));
			goto fail;
		}
	}
	/* what <n> was, to put back if <cmd> cannot run (<n> may be stderr) */
	saved = fcntl(o->exec_fd, F_DUPFD_CLOEXEC, 3);
	if (fd == o->exec_fd) {
		/* already there: keep it across exec */
		flags = fcntl(fd, F_GETFD);
		if (flags < 0 || fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC) < 0) {
			cli_err("fcntl: %s", strerror(errno));
			goto fail;
		}
	} else if (dup2(fd, o->exec_fd) < 0) {
		cli_err("cannot give the snoop file descriptor number %d: %s",
			o->exec_fd, strerror(errno));
		goto fail;
	}
	/* for scripts: which descriptor, and what is behind it */
	snprintf(num, sizeof(num), "%d", o->exec_fd);
	setenv("CARDSNOOP_FD", num, 1);
	snprintf(num, sizeof(num), "%u", in->va_bits);
	setenv("CARDSNOOP_VA_BITS", num, 1);
	snprintf(num, sizeof(num), "%d", in->card_index);
	setenv("CARDSNOOP_CARD", num, 1);
	snprintf(num, sizeof(num), "%d", (int)in->pid);
	setenv("CARDSNOOP_PID", num, 1);
	fflush(NULL);
	execvp(o->exec_argv[0], o->exec_argv);
	ret = errno;
	if (saved >= 0)
		dup2(saved, o->exec_fd);
	else
		close(o->exec_fd);
	cli_err("cannot run %s: %s", o->exec_argv[0], strerror(ret));
	cs_snoop_close(s);
	/* like env(1): 127 if not found, 126 if found but not runnable */
	return ret == ENOENT ? 127 : 126;
fail:
	cs_snoop_close(s);
	return CLI_EXIT_FAILURE;
}
