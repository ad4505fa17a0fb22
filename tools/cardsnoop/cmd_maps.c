// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The cardsnoop authors
 *
 * cardsnoop maps and resolve: a process's GPU mappings, walked with the
 * library's mapping iterator, and what backs one VA (cs_resolve()).  Both
 * attach read-only.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

enum {
	COL_VA, COL_LAST, COL_SIZE, COL_BO, COL_OFFSET, COL_PLACEMENT,
	COL_KIND, COL_PERMS, COL_FILEOFF,
};

const struct cli_column cli_maps_columns[] = {
	[COL_VA] = { "VA", "va", CLI_JSON_STRING,
		CLI_COL_DEFAULT, "first GPU VA, canonical (JSON: \"0x...\" string)" },
	[COL_LAST] = { "LAST", "last", CLI_JSON_STRING,
		0, "last GPU VA of the mapping (inclusive), canonical" },
	[COL_SIZE] = { "SIZE", "size", CLI_JSON_NUMBER,
		CLI_COL_RIGHT | CLI_COL_DEFAULT, "size (JSON: bytes)" },
	[COL_BO] = { "BO", "bo", CLI_JSON_NUMBER,
		CLI_COL_RIGHT | CLI_COL_DEFAULT, "buffer id, device-wide (null: sparse)" },
	[COL_OFFSET] = { "OFFSET", "offset", CLI_JSON_NUMBER,
		CLI_COL_RIGHT | CLI_COL_DEFAULT, "offset in the buffer (JSON: bytes)" },
	[COL_PLACEMENT] = { "PLACEMENT", "placement", CLI_JSON_STRING,
		CLI_COL_DEFAULT, "where the memory is now: system, gtt, vram, none" },
	[COL_KIND] = { "KIND", "kind", CLI_JSON_STRING,
		0, "buffer, userptr, dma-buf, sparse, kernel" },
	[COL_PERMS] = { "PERMS", "perms", CLI_JSON_STRING,
		CLI_COL_DEFAULT, "GPU permissions, rwx" },
	[COL_FILEOFF] = { "FILE-OFFSET", "file_offset", CLI_JSON_NUMBER,
		CLI_COL_RIGHT, "snoop file offset of VA (for dd skip=, pread)" },
	{ NULL },
};

void cli_maps_row(struct cli_table *t, const struct cs_mapping *m,
		  unsigned int va_bits)
{
	size_t r = cli_table_new_row(t);
	char perms[4];

	cli_table_set_va(t, r, COL_VA, m->va);
	cli_table_set_va(t, r, COL_LAST,
			 cs_offset_to_va(va_bits, m->offset + m->size - 1));
	cli_table_set_size(t, r, COL_SIZE, m->size);
	if (m->kind != CARDSNOOP_KIND_SPARSE)
		cli_table_set_u64(t, r, COL_BO, m->bo_id);
	cli_table_set_hex(t, r, COL_OFFSET, m->bo_offset);
	cli_table_set_str(t, r, COL_PLACEMENT, cli_placement_str(m->placement));
	cli_table_set_str(t, r, COL_KIND, cli_kind_str(m->kind));
	cli_table_set_str(t, r, COL_PERMS, cli_perms_str(m->perms, perms));
	cli_table_set_hex(t, r, COL_FILEOFF, m->offset);
}

/*
 * Text and raw output of many mappings: the table's layout, but the rows
 * are the mappings as they came, and each cell is formatted when it is
 * printed (cli_table_print_rows()) rather than stored as text: 56 bytes a
 * mapping instead of about 200, and less work.  The cells are those
 * cli_maps_row() sets, formatted by the same functions;
 * tests/host/cli_format.c compares the two outputs.
 */
void cli_maps_add(struct cli_maps *ms, const struct cs_mapping *m)
{
	if (ms->n == ms->cap) {
		ms->cap = ms->cap ? 2 * ms->cap : 1024;
		ms->m = cli_realloc(ms->m, ms->cap, sizeof(*ms->m));
	}
	ms->m[ms->n++] = *m;
}

static const char *cli_maps_cell(void *ctx, size_t row, size_t col,
				 char *buf, size_t *len)
{
	const struct cli_maps *ms = ctx;
	const struct cs_mapping *m = &ms->m[row];
	const char *s;

	switch (col) {
	case COL_VA:
		*len = cli_cell_fmt_va(buf, m->va);
		return buf;
	case COL_LAST:
		*len = cli_cell_fmt_va(buf, cs_offset_to_va(ms->va_bits,
					m->offset + m->size - 1));
		return buf;
	case COL_SIZE:
		*len = cli_cell_fmt_size(ms->t, buf, m->size);
		return buf;
	case COL_BO:
		if (m->kind == CARDSNOOP_KIND_SPARSE)
			return NULL;
		*len = cli_fmt_u64(buf, m->bo_id);
		return buf;
	case COL_OFFSET:
		*len = cli_cell_fmt_hex(ms->t, buf, m->bo_offset);
		return buf;
	case COL_PLACEMENT:
		s = cli_placement_str(m->placement);
		break;
	case COL_KIND:
		s = cli_kind_str(m->kind);
		break;
	case COL_PERMS:
		s = cli_perms_str(m->perms, buf);
		break;
	case COL_FILEOFF:
		*len = cli_cell_fmt_hex(ms->t, buf, m->offset);
		return buf;
	default:
		return NULL;
	}
	*len = strlen(s);
	return s;
}

void cli_maps_print(struct cli_maps *ms, const struct cli_table *t, FILE *f)
{
	cli_table_print_rows(t, ms->n, cli_maps_cell, ms, f);
}

/* The "what is this" fields of single-target JSON documents. */
static void cli_json_target(struct cli_json *j, const struct cs_snoop_info *in)
{
	bool kernel = in->flags & CS_ATTACH_KERNEL;

	if (kernel)
		cli_json_null(j, "pid");
	else
		cli_json_i64(j, "pid", in->pid);
	cli_json_str(j, "comm", in->comm);
	cli_json_i64(j, "card", in->card_index);
	cli_json_str(j, "driver", in->driver);
	cli_json_bool(j, "kernel", kernel);
	if (kernel)
		cli_json_null(j, "client_id");
	else
		cli_json_u64(j, "client_id", in->client_id);
	cli_json_u64(j, "vm_id", in->vm_id);
	cli_json_u64(j, "va_bits", in->va_bits);
	cli_json_hex(j, "va_start", in->va_start, true);
	cli_json_hex(j, "va_last", in->va_last, true);
}

int cli_cmd_maps(struct cli_opts *o)
{
	struct cs_error *err = cs_error_new();
	const struct cs_snoop_info *in;
	struct cs_mapping_iter *it = NULL;
	const struct cs_mapping *m;
	struct cs_snoop *s = NULL;
	struct cli_maps ms = { 0 };
	struct cli_table t;
	struct cli_json j;
	char why[128], who[96];
	int ret, n;

	if (cli_table_init(&t, cli_maps_columns, o->columns, o->output_all,
			   o->mode, o->noheadings, o->bytes, why, sizeof(why))) {
		cli_err("%s", why);
		cs_error_free(err);
		return CLI_EXIT_USAGE;
	}
	ret = cli_attach(o, CS_ATTACH_READONLY, &s);
	if (ret)
		goto out;
	in = cs_snoop_get_info(s);
	ret = CLI_EXIT_FAILURE;
	if (cs_mappings_open(s, 0, 0, &it, err) < 0) {
		cli_err_cs(err);
		goto out;
	}
	ms.t = &t;
	ms.va_bits = in->va_bits;
	while ((n = cs_mappings_next(it, &m, err)) > 0) {
		if (o->mode == CLI_OUT_JSON)
			cli_maps_row(&t, m, in->va_bits);
		else
			cli_maps_add(&ms, m);
	}
	if (n < 0) {
		cli_err_cs(err);
		goto out;
	}
	ret = CLI_EXIT_OK;
	if (o->mode == CLI_OUT_JSON) {
		cli_json_init(&j, stdout);
		cli_json_begin_object(&j, NULL);
		cli_json_target(&j, in);
		cli_table_print_json(&t, &j, "mappings");
		cli_json_end(&j);
	} else if (ms.n) {
		cli_maps_print(&ms, &t, stdout);
	} else if (isatty(STDOUT_FILENO)) {
		/* an empty VM is an answer, not an error */
		fprintf(stderr, "%s: %s has no GPU mapping\n", cli_progname,
			cli_target_name(s, who, sizeof(who)));
	}
out:
	cs_mappings_close(it);
	cs_snoop_close(s);
	free(ms.m);
	cli_table_free(&t);
	cs_error_free(err);
	return ret;
}

enum {
	RCOL_VA, RCOL_MAP_VA, RCOL_MAP_SIZE, RCOL_BO, RCOL_OFFSET,
	RCOL_PLACEMENT, RCOL_KIND, RCOL_PERMS, RCOL_EXTENT, RCOL_PAGE,
	RCOL_FILEOFF, RCOL_VRAM, RCOL_PHYS, RCOL_DMA, RCOL_SNAPSHOT,
	RCOL_DIRTY,
};

const struct cli_column cli_resolve_columns[] = {
	[RCOL_VA] = { "VA", "va", CLI_JSON_STRING,
		CLI_COL_DEFAULT, "the VA, canonical" },
	[RCOL_MAP_VA] = { "MAPPING", "mapping_va", CLI_JSON_STRING,
		CLI_COL_DEFAULT, "first VA of the mapping that holds it" },
	[RCOL_MAP_SIZE] = { "MAPPING-SIZE", "mapping_size", CLI_JSON_NUMBER,
		CLI_COL_DEFAULT, "size of that mapping (JSON: bytes)" },
	[RCOL_BO] = { "BO", "bo", CLI_JSON_NUMBER,
		CLI_COL_DEFAULT, "buffer id (null: sparse)" },
	[RCOL_OFFSET] = { "OFFSET", "offset", CLI_JSON_NUMBER,
		CLI_COL_DEFAULT, "offset of the VA in the buffer (JSON: bytes)" },
	[RCOL_PLACEMENT] = { "PLACEMENT", "placement", CLI_JSON_STRING,
		CLI_COL_DEFAULT, "system, gtt, vram, none" },
	[RCOL_KIND] = { "KIND", "kind", CLI_JSON_STRING,
		CLI_COL_DEFAULT, "buffer, userptr, dma-buf, sparse, kernel" },
	[RCOL_PERMS] = { "PERMS", "perms", CLI_JSON_STRING,
		CLI_COL_DEFAULT, "GPU permissions, rwx" },
	[RCOL_EXTENT] = { "EXTENT", "extent", CLI_JSON_NUMBER,
		CLI_COL_DEFAULT, "bytes from the VA backed contiguously (JSON: bytes)" },
	[RCOL_PAGE] = { "PAGE-SIZE", "page_size", CLI_JSON_NUMBER,
		CLI_COL_DEFAULT, "GPU page size (JSON: bytes)" },
	[RCOL_FILEOFF] = { "FILE-OFFSET", "file_offset", CLI_JSON_NUMBER,
		CLI_COL_DEFAULT, "snoop file offset of the VA" },
	[RCOL_VRAM] = { "VRAM-OFFSET", "vram_offset", CLI_JSON_NUMBER,
		CLI_COL_DEFAULT, "VRAM offset (root only; null otherwise)" },
	[RCOL_PHYS] = { "PHYS-ADDR", "phys_addr", CLI_JSON_NUMBER,
		CLI_COL_DEFAULT, "CPU physical address (root only)" },
	[RCOL_DMA] = { "DMA-ADDR", "dma_addr", CLI_JSON_NUMBER,
		CLI_COL_DEFAULT, "device address (root only)" },
	[RCOL_SNAPSHOT] = { "SNAPSHOT", "snapshot", CLI_JSON_BOOLEAN,
		0, "this snoop file holds a VRAM snapshot of the page" },
	[RCOL_DIRTY] = { "DIRTY", "snapshot_dirty", CLI_JSON_BOOLEAN,
		0, "that snapshot has unsynced writes" },
	{ NULL },
};

int cli_cmd_resolve(struct cli_opts *o)
{
	struct cs_resolution res = { .struct_size = sizeof(res) };
	struct cs_error *err = cs_error_new();
	const struct cs_snoop_info *in;
	struct cs_snoop *s = NULL;
	struct cli_table t;
	struct cli_json j;
	char why[128], perms[4];
	bool priv = geteuid() == 0;
	uint64_t off;
	int ret;
	size_t r;

	/* JSON has every field, so that its keys are stable */
	cli_table_init(&t, cli_resolve_columns, NULL, o->mode == CLI_OUT_JSON,
		       o->mode, false, false, why, sizeof(why));
	ret = cli_attach(o, CS_ATTACH_READONLY, &s);
	if (ret)
		goto out;
	in = cs_snoop_get_info(s);
	if (cs_resolve(s, o->va, &res, err) < 0) {
		cli_err_cs(err);
		ret = CLI_EXIT_FAILURE;
		goto out;
	}
	r = cli_table_new_row(&t);
	cli_table_set_va(&t, r, RCOL_VA, res.va);
	cli_table_set_va(&t, r, RCOL_MAP_VA, res.map_va);
	cli_table_set_size(&t, r, RCOL_MAP_SIZE, res.map_size);
	if (res.kind != CARDSNOOP_KIND_SPARSE)
		cli_table_set_u64(&t, r, RCOL_BO, res.bo_id);
	cli_table_set_hex(&t, r, RCOL_OFFSET, res.bo_offset);
	cli_table_set_str(&t, r, RCOL_PLACEMENT, cli_placement_str(res.placement));
	cli_table_set_str(&t, r, RCOL_KIND, cli_kind_str(res.kind));
	cli_table_set_str(&t, r, RCOL_PERMS, cli_perms_str(res.perms, perms));
	cli_table_set_size(&t, r, RCOL_EXTENT, res.extent_size);
	cli_table_set_size(&t, r, RCOL_PAGE, res.page_size);
	if (!cs_va_to_offset(in->va_bits, res.va, &off))
		cli_table_set_hex(&t, r, RCOL_FILEOFF, off);
	/* zero unless privileged, like pagemap: say "unknown", not 0 */
	if (priv && res.placement == CARDSNOOP_PLACEMENT_VRAM)
		cli_table_set_hex(&t, r, RCOL_VRAM, res.vram_offset);
	if (priv && res.phys_addr)
		cli_table_set_hex(&t, r, RCOL_PHYS, res.phys_addr);
	if (priv && res.dma_addr)
		cli_table_set_hex(&t, r, RCOL_DMA, res.dma_addr);
	cli_table_set_bool(&t, r, RCOL_SNAPSHOT, res.snapshot);
	cli_table_set_bool(&t, r, RCOL_DIRTY, res.snapshot_dirty);

	ret = CLI_EXIT_OK;
	if (o->mode == CLI_OUT_JSON) {
		cli_json_init(&j, stdout);
		cli_json_begin_object(&j, NULL);
		cli_json_target(&j, in);
		cli_json_begin_object_inline(&j, "resolution");
		cli_table_print_json_fields(&t, &j, r);
		cli_json_end(&j);
		cli_json_end(&j);
	} else {
		cli_table_print_pairs(&t, stdout, r);
	}
out:
	cs_snoop_close(s);
	cli_table_free(&t);
	cs_error_free(err);
	return ret;
}
