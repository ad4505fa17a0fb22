// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The cardsnoop authors
 *
 * cardsnoop(1): attaching to what the command line names (a process's DRM
 * client, or a GPU's kernel VM), through libcardsnoop only.  The library's
 * messages already name the process, card and likely cause; this adds the
 * list of candidates when a process has several DRM clients, with the
 * options that pick one.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "cli.h"

void cli_err_cs(const struct cs_error *err)
{
	const char *msg = cs_error_message(err);

	if (msg && *msg)
		cli_err("%s", msg);
	else
		cli_err("%s", cs_strerror(cs_error_code(err)));
}

static void cli_print_candidates(const struct cs_error *err)
{
	const struct cs_client *c[64];
	int n, i;

	n = cs_error_get_candidates(err, c, (int)CLI_ARRAY_SIZE(c));
	if (n <= 0)
		return;
	fprintf(stderr, "%s: pick one with --drm-fd <fd>, --client <id> or -c <card>:\n",
		cli_progname);
	for (i = 0; i < n && i < (int)CLI_ARRAY_SIZE(c); i++)
		fprintf(stderr, "  --drm-fd %-4d --client %-6" PRIu64 " -c %-3d %s (%s)\n",
			c[i]->fd, c[i]->client_id, c[i]->card_index,
			c[i]->path ? c[i]->path : "?",
			c[i]->driver ? c[i]->driver : "?");
}

int cli_attach(const struct cli_opts *o, uint32_t flags,
	       struct cs_snoop **snoop)
{
	struct cs_attach_opts ao = CS_ATTACH_OPTS_INIT;
	struct cs_error *err = cs_error_new();
	int ret;

	if (!err) {
		cli_err("out of memory");
		return CLI_EXIT_FAILURE;
	}
	ao.flags = flags | (o->zero_holes ? CS_ATTACH_ZERO_HOLES : 0);
	ao.card = o->card;
	ao.drm_fd = o->drm_fd;
	ao.client_id = o->client_id;
	ao.vm_id = o->vm_id;
	if (o->kernel)
		ret = cs_attach_kernel(&ao, snoop, err);
	else
		ret = cs_attach_pid(o->pid, &ao, snoop, err);
	if (ret < 0) {
		cli_err_cs(err);
		if (ret == -ENOTUNIQ)
			cli_print_candidates(err);
	}
	cs_error_free(err);
	return ret < 0 ? CLI_EXIT_FAILURE : CLI_EXIT_OK;
}

const char *cli_target_name(const struct cs_snoop *s, char *buf, size_t len)
{
	const struct cs_snoop_info *in = cs_snoop_get_info(s);

	if (in->flags & CS_ATTACH_KERNEL)
		snprintf(buf, len, "the kernel VM of card%d", in->card_index);
	else if (in->comm)
		snprintf(buf, len, "PID %d (%s) card%d", (int)in->pid, in->comm,
			 in->card_index);
	else
		snprintf(buf, len, "PID %d card%d", (int)in->pid, in->card_index);
	return buf;
}
