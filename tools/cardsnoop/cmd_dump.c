// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The cardsnoop authors
 *
 * cardsnoop dump: a process's GPU memory as an ELF core file (core.c), one
 * PT_LOAD per mapping, read through the attached snoop file.  A mapping
 * that straddles the middle of the VA space (where the canonical form jumps
 * from 0x00007fff... to 0xffff8000...) becomes two PT_LOADs, so that every
 * segment is contiguous in canonical addresses.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

struct cli_dump_ctx {
	struct cs_snoop *s;
	struct cs_error *err;
};

static ssize_t cli_dump_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	struct cli_dump_ctx *c = ctx;

	return cs_read(c->s, off, buf, len, c->err);
}

struct cli_segs {
	struct cli_core_seg *v;
	size_t n, cap;
};

static void cli_segs_add(struct cli_segs *segs, const struct cs_mapping *m,
			 uint64_t start, uint64_t end, unsigned int va_bits)
{
	struct cli_core_seg *g;

	if (segs->n == segs->cap) {
		segs->cap = segs->cap ? segs->cap * 2 : 64;
		segs->v = cli_realloc(segs->v, segs->cap, sizeof(*segs->v));
	}
	g = &segs->v[segs->n++];
	memset(g, 0, sizeof(*g));
	g->offset = start;
	g->size = end - start;
	g->va = cs_offset_to_va(va_bits, start);
	g->bo_id = m->bo_id;
	g->bo_offset = m->bo_offset + (start - m->offset);
	g->placement = m->placement;
	g->kind = m->kind;
	g->perms = m->perms;
	if (m->kind == CARDSNOOP_KIND_SPARSE)
		g->flags |= CLI_SEG_NODATA;
}

int cli_cmd_dump(struct cli_opts *o)
{
	struct cs_error *err = cs_error_new();
	const struct cs_snoop_info *in;
	struct cs_mapping_iter *it = NULL;
	const struct cs_mapping *m;
	struct cs_snoop *s = NULL;
	struct cli_segs segs = { 0 };
	struct cli_core_info ci;
	struct cli_dump_ctx ctx;
	struct cli_progress prog;
	uint64_t rstart = 0, rend = UINT64_MAX, half, start, end, total = 0;
	char why[256], who[96], sz[32];
	struct stat st;
	int ret, fd = -1, n;
	size_t i;

	ret = cli_attach(o, CS_ATTACH_READONLY, &s);
	if (ret)
		goto out;
	in = cs_snoop_get_info(s);
	ret = CLI_EXIT_FAILURE;
	if (o->has_range) {
		if (cs_va_to_offset(in->va_bits, o->range_va, &rstart) ||
		    (in->va_bits < 64 &&
		     o->range_size > (1ull << in->va_bits) - rstart)) {
			cli_err("range 0x%" PRIx64 ":0x%" PRIx64 " is not inside the %u-bit GPU VA space of %s",
				o->range_va, o->range_size, in->va_bits,
				cli_target_name(s, who, sizeof(who)));
			goto out;
		}
		rend = rstart + o->range_size;
	}
	half = in->va_bits && in->va_bits < 64 ? 1ull << (in->va_bits - 1) : 0;

	if (cs_mappings_open(s, o->has_range ? rstart : 0,
			     o->has_range ? o->range_size : 0, &it, err) < 0) {
		cli_err_cs(err);
		goto out;
	}
	while ((n = cs_mappings_next(it, &m, err)) > 0) {
		start = m->offset > rstart ? m->offset : rstart;
		end = m->offset + m->size < rend ? m->offset + m->size : rend;
		if (start >= end)
			continue;
		if (half && start < half && end > half) {
			cli_segs_add(&segs, m, start, half, in->va_bits);
			start = half;
		}
		cli_segs_add(&segs, m, start, end, in->va_bits);
	}
	if (n < 0) {
		cli_err_cs(err);
		goto out;
	}
	for (i = 0; i < segs.n; i++)
		if (!(segs.v[i].flags & CLI_SEG_NODATA))
			total += segs.v[i].size;

	fd = open(o->outfile, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0) {
		cli_err("cannot create %s: %s", o->outfile, strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		cli_err("%s is not a regular file: an ELF core file is written with seeks",
			o->outfile);
		goto out;
	}

	memset(&ci, 0, sizeof(ci));
	ci.pid = in->pid;
	ci.card = in->card_index;
	ci.va_bits = in->va_bits;
	ci.client_id = in->client_id;
	ci.vm_id = in->vm_id;
	ci.driver = in->driver;
	ci.comm = in->comm;
	ci.kernel = in->flags & CS_ATTACH_KERNEL;
	ctx.s = s;
	ctx.err = err;
	cli_progress_init(&prog, "dump", total, 0);
	if (cli_core_write(fd, &ci, segs.v, segs.n, cli_dump_read, &ctx,
			   &prog, why, sizeof(why))) {
		cli_err("%s: %s", o->outfile, why);
		goto out;
	}
	for (i = 0; i < segs.n; i++) {
		if (!segs.v[i].unreadable)
			continue;
		cli_warn("%s: %s of the mapping at 0x%016" PRIx64 " could not be read (zeros in the dump): %s",
			 o->outfile,
			 cli_size_human(segs.v[i].unreadable, sz, sizeof(sz)),
			 segs.v[i].va, cs_error_message(err));
	}
	if (!segs.n)
		cli_warn("%s has no GPU mapping%s: the dump holds notes only",
			 cli_target_name(s, who, sizeof(who)),
			 o->has_range ? " in that range" : "");
	ret = CLI_EXIT_OK;
out:
	if (fd >= 0 && close(fd) && !ret) {
		cli_err("writing %s: %s", o->outfile, strerror(errno));
		ret = CLI_EXIT_FAILURE;
	}
	cs_mappings_close(it);
	cs_snoop_close(s);
	cs_error_free(err);
	free(segs.v);
	return ret;
}
