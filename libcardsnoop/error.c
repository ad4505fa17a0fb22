// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The cardsnoop authors
 *
 * Error contexts.  Every call that can fail takes an optional struct
 * cs_error; the failure path formats a message there that names what the
 * call was working on (process, fd, card, address) and the likely cause.
 * Nothing is global: the message lives in the caller's cs_error.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs_private.h"

cs_public const char *cs_version(void)
{
	return CARDSNOOP_VERSION;
}

cs_public struct cs_error *cs_error_new(void)
{
	return calloc(1, sizeof(struct cs_error));
}

cs_public void cs_error_clear(struct cs_error *err)
{
	if (!err)
		return;
	cs_free_clients(err->cands, err->n_cands);
	free(err->cands);
	err->cands = NULL;
	err->n_cands = 0;
	err->code = 0;
	err->msg[0] = '\0';
}

cs_public void cs_error_free(struct cs_error *err)
{
	cs_error_clear(err);
	free(err);
}

cs_public int cs_error_code(const struct cs_error *err)
{
	return err ? err->code : 0;
}

cs_public const char *cs_error_message(const struct cs_error *err)
{
	return err ? err->msg : "";
}

cs_public int cs_error_get_candidates(const struct cs_error *err,
				      const struct cs_client *clients[],
				      int max)
{
	int i, n;

	if (!err)
		return 0;
	if (!clients)
		return err->n_cands;
	n = max < err->n_cands ? max : err->n_cands;
	for (i = 0; i < n; i++)
		clients[i] = err->cands[i];
	return n < 0 ? 0 : n;
}

const char *cs_errno_desc(int e)
{
	const char *s = strerrordesc_np(e);

	return s ? s : "Unknown error";
}

cs_public const char *cs_strerror(int code)
{
	switch (code) {
	case 0:
		return "Success";
	case -ESRCH:
		return "No such process";
	case -EPERM:
		return "Not allowed to debug that process (different user, Yama ptrace_scope, or a non-dumpable target)";
	case -ENOENT:
		return "No such DRM client, file descriptor or VM";
	case -ENOTUNIQ:
		return "The process has several DRM clients: choose one by fd or client id";
	case -EOPNOTSUPP:
		return "The GPU does not support cardsnoop (no snoop node, or no such feature)";
	case -EXDEV:
		return "The DRM file belongs to another GPU";
	case -EBUSY:
		return "The snoop file is already attached";
	case -EBADFD:
		return "The snoop file is not attached";
	case -ENODEV:
		return "The GPU is gone (unplugged, or its driver was unbound)";
	case -EIO:
		return "Nothing is mapped at that GPU address";
	case -EACCES:
		return "Permission denied";
	case -ENOSYS:
		return "The kernel lacks pidfd_open/pidfd_getfd (Linux 5.6 or later needed)";
	case -ENXIO:
		return "No more mapped memory after that address";
	default:
		return code < 0 ? cs_errno_desc(-code) : "Unknown error";
	}
}

int cs_fail(struct cs_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	cs_error_clear(err);
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

void cs_error_set_candidates(struct cs_error *err, struct cs_client **clients,
			     int n)
{
	if (!err) {
		cs_free_clients(clients, n);
		free(clients);
		return;
	}
	cs_free_clients(err->cands, err->n_cands);
	free(err->cands);
	err->cands = clients;
	err->n_cands = n;
}

int cs_ptrace_scope(const char *proc)
{
	char path[256], line[32];

	snprintf(path, sizeof(path), "%s/sys/kernel/yama/ptrace_scope",
		 proc ? proc : "/proc");
	if (cs_read_line(path, line, sizeof(line)) < 0)
		return -1;
	return (int)cs_parse_index(line);
}

const char *cs_card_name(int card, char *buf, size_t len)
{
	if (card >= 0)
		snprintf(buf, len, "card%d", card);
	else
		snprintf(buf, len, "the GPU");
	return buf;
}
