// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The cardsnoop authors
 *
 * cardsnoop clients: the DRM clients (open DRM files) of one process, or
 * of every process the caller may look at, from /proc/PID/fdinfo through
 * cs_get_clients().
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum {
	COL_PID, COL_COMM, COL_FD, COL_CARD, COL_DRIVER, COL_CLIENT,
	COL_MEMORY, COL_NODE, COL_PDEV, COL_NAME, COL_TOTAL, COL_RESIDENT,
};

const struct cli_column cli_clients_columns[] = {
	[COL_PID] = { "PID", "pid", CLI_JSON_NUMBER,
		CLI_COL_RIGHT | CLI_COL_DEFAULT, "process id" },
	[COL_COMM] = { "COMM", "comm", CLI_JSON_STRING,
		CLI_COL_DEFAULT, "process name" },
	[COL_FD] = { "FD", "fd", CLI_JSON_NUMBER,
		CLI_COL_RIGHT | CLI_COL_DEFAULT, "file descriptor of the DRM file" },
	[COL_CARD] = { "CARD", "card", CLI_JSON_NUMBER,
		CLI_COL_RIGHT | CLI_COL_DEFAULT, "N of the GPU's /dev/dri/cardN" },
	[COL_DRIVER] = { "DRIVER", "driver", CLI_JSON_STRING,
		CLI_COL_DEFAULT, "DRM driver (drm-driver)" },
	[COL_CLIENT] = { "CLIENT", "client_id", CLI_JSON_NUMBER,
		CLI_COL_RIGHT | CLI_COL_DEFAULT, "drm-client-id: for --client" },
	[COL_MEMORY] = { "MEMORY", "memory", CLI_JSON_OBJECT,
		CLI_COL_DEFAULT,
		"memory per region (JSON: {region: {total, shared, resident, purgeable, active}} in bytes)" },
	[COL_NODE] = { "NODE", "node", CLI_JSON_STRING,
		0, "the DRM node the file was opened as" },
	[COL_PDEV] = { "PDEV", "pdev", CLI_JSON_STRING,
		0, "PCI address of the GPU (drm-pdev)" },
	[COL_NAME] = { "NAME", "client_name", CLI_JSON_STRING,
		0, "client name the process set (drm-client-name)" },
	[COL_TOTAL] = { "TOTAL", "total", CLI_JSON_NUMBER,
		CLI_COL_RIGHT, "total memory of all regions (JSON: bytes)" },
	[COL_RESIDENT] = { "RESIDENT", "resident", CLI_JSON_NUMBER,
		CLI_COL_RIGHT, "resident memory of all regions (JSON: bytes)" },
	{ NULL },
};

/* "system:64K vram:1M" (totals, else resident) and its JSON object. */
static void cli_client_memory(struct cli_table *t, size_t r,
			      const struct cs_client *c)
{
	static const struct { uint32_t bit; const char *key; size_t off; } kinds[] = {
		{ CS_MEM_TOTAL, "total", offsetof(struct cs_memory_region, total) },
		{ CS_MEM_SHARED, "shared", offsetof(struct cs_memory_region, shared) },
		{ CS_MEM_RESIDENT, "resident", offsetof(struct cs_memory_region, resident) },
		{ CS_MEM_PURGEABLE, "purgeable", offsetof(struct cs_memory_region, purgeable) },
		{ CS_MEM_ACTIVE, "active", offsetof(struct cs_memory_region, active) },
	};
	char *text = NULL, *json = NULL, sz[32];
	size_t tlen = 0, jlen = 0;
	FILE *tf = open_memstream(&text, &tlen);
	FILE *jf = open_memstream(&json, &jlen);
	uint64_t total = 0, resident = 0, v;
	bool any_total = false, any_res = false;
	unsigned int i, k, nk;

	if (!tf || !jf) {
		cli_err("out of memory");
		exit(CLI_EXIT_FAILURE);
	}
	fputc('{', jf);
	for (i = 0; i < c->n_memory; i++) {
		const struct cs_memory_region *m = &c->memory[i];

		v = m->present & CS_MEM_TOTAL ? m->total : m->resident;
		if (m->present & (CS_MEM_TOTAL | CS_MEM_RESIDENT))
			fprintf(tf, "%s%s:%s", i ? " " : "", m->name,
				cli_size_human(v, sz, sizeof(sz)));
		if (m->present & CS_MEM_TOTAL) {
			total += m->total;
			any_total = true;
		}
		if (m->present & CS_MEM_RESIDENT) {
			resident += m->resident;
			any_res = true;
		}
		fprintf(jf, "%s", i ? ", " : "");
		cli_json_write_string(jf, m->name ? m->name : "");
		fputs(": {", jf);
		for (k = 0, nk = 0; k < CLI_ARRAY_SIZE(kinds); k++) {
			if (!(m->present & kinds[k].bit))
				continue;
			memcpy(&v, (const char *)m + kinds[k].off, sizeof(v));
			fprintf(jf, "%s\"%s\": %" PRIu64, nk++ ? ", " : "",
				kinds[k].key, v);
		}
		fputc('}', jf);
	}
	fputc('}', jf);
	fclose(tf);
	fclose(jf);
	cli_table_set_both(t, r, COL_MEMORY, text[0] ? text : NULL, json);
	free(text);
	if (any_total)
		cli_table_set_size(t, r, COL_TOTAL, total);
	if (any_res)
		cli_table_set_size(t, r, COL_RESIDENT, resident);
}

int cli_cmd_clients(struct cli_opts *o)
{
	struct cs_error *err = cs_error_new();
	struct cs_client **cl = NULL;
	struct cli_table t;
	struct cli_json j;
	char why[128];
	int n, i, ret = CLI_EXIT_OK;
	size_t r;

	if (cli_table_init(&t, cli_clients_columns, o->columns, o->output_all,
			   o->mode, o->noheadings, o->bytes, why, sizeof(why))) {
		cli_err("%s", why);
		cs_error_free(err);
		return CLI_EXIT_USAGE;
	}
	n = cs_get_clients(o->pid, NULL, 0, err);
	if (n > 0) {
		cl = cli_calloc((size_t)n, sizeof(*cl));
		n = cs_get_clients(o->pid, cl, n, err);
	}
	if (n < 0) {
		cli_err_cs(err);
		ret = CLI_EXIT_FAILURE;
		goto out;
	}
	for (i = 0; i < n; i++) {
		const struct cs_client *c = cl[i];

		if (o->card >= 0 && c->card_index != o->card)
			continue;
		r = cli_table_new_row(&t);
		cli_table_set_i64(&t, r, COL_PID, c->pid);
		cli_table_set_str(&t, r, COL_COMM, c->comm);
		cli_table_set_i64(&t, r, COL_FD, c->fd);
		if (c->card_index >= 0)
			cli_table_set_i64(&t, r, COL_CARD, c->card_index);
		cli_table_set_str(&t, r, COL_DRIVER, c->driver);
		if (c->client_id)
			cli_table_set_u64(&t, r, COL_CLIENT, c->client_id);
		cli_table_set_str(&t, r, COL_NODE, c->path);
		cli_table_set_str(&t, r, COL_PDEV, c->pdev);
		cli_table_set_str(&t, r, COL_NAME, c->client_name);
		cli_client_memory(&t, r, c);
	}

	if (o->mode == CLI_OUT_JSON) {
		cli_json_init(&j, stdout);
		cli_json_begin_object(&j, NULL);
		cli_table_print_json(&t, &j, "clients");
		cli_json_end(&j);
	} else if (t.nrows) {
		cli_table_print(&t, stdout);
	}
	if (!t.nrows) {
		if (o->pid)
			cli_err("PID %d has no DRM client%s", (int)o->pid,
				o->card >= 0 ? " on that card" : " (no open DRM file)");
		else
			cli_err("no DRM client found%s (only processes you may debug are listed)",
				o->card >= 0 ? " on that card" : "");
		ret = CLI_EXIT_FAILURE;
	}
out:
	if (cl)
		cs_free_clients(cl, n > 0 ? n : 0);
	free(cl);
	cli_table_free(&t);
	cs_error_free(err);
	return ret;
}
