// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The cardsnoop authors
 *
 * cardsnoop(1): the hexdump of `read`, in the layout of hexdump -C with the
 * canonical GPU VA as the address.  Lines start at 16-byte VA boundaries (a
 * read from an unaligned VA leaves the first line's head blank), runs of
 * identical lines are squeezed to one "*" line unless -v is given, and the
 * bytes arrive in chunks of any size.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

void cli_hexdump_init(struct cli_hexdump *h, FILE *f, unsigned int va_bits,
		      uint64_t off, bool squeeze)
{
	memset(h, 0, sizeof(*h));
	h->f = f;
	h->va_bits = va_bits;
	h->squeeze = squeeze;
	h->line_off = off & ~15ull;
	h->skip = (unsigned int)(off & 15);
	h->fill = h->skip;
	h->end_off = off;
}

static void cli_hexdump_addr(struct cli_hexdump *h, uint64_t off)
{
	fprintf(h->f, "%016" PRIx64, cs_offset_to_va(h->va_bits, off));
}

static void cli_hexdump_line(struct cli_hexdump *h)
{
	bool full = h->fill == 16 && h->skip == 0;
	unsigned int i;
	uint8_t c;

	if (h->squeeze && full && h->have_prev &&
	    !memcmp(h->line, h->prev, 16)) {
		if (!h->squeezing)
			fputs("*\n", h->f);
		h->squeezing = true;
		return;
	}
	h->squeezing = false;
	cli_hexdump_addr(h, h->line_off);
	fputc(' ', h->f);
	for (i = 0; i < 16; i++) {
		if (i == 8)
			fputc(' ', h->f);
		if (i < h->skip || i >= h->fill)
			fputs("   ", h->f);
		else
			fprintf(h->f, " %02x", h->line[i]);
	}
	fputs("  |", h->f);
	for (i = 0; i < h->fill; i++) {
		c = h->line[i];
		if (i < h->skip)
			fputc(' ', h->f);
		else
			fputc(c >= 0x20 && c < 0x7f ? c : '.', h->f);
	}
	fputs("|\n", h->f);
	if (full) {
		memcpy(h->prev, h->line, 16);
		h->have_prev = true;
	} else {
		h->have_prev = false;
	}
}

void cli_hexdump_feed(struct cli_hexdump *h, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	size_t n;

	h->started = true;
	while (len) {
		n = 16 - h->fill;
		if (n > len)
			n = len;
		memcpy(h->line + h->fill, p, n);
		h->fill += (unsigned int)n;
		h->end_off += n;
		p += n;
		len -= n;
		if (h->fill == 16) {
			cli_hexdump_line(h);
			h->line_off += 16;
			h->fill = 0;
			h->skip = 0;
		}
	}
}

void cli_hexdump_finish(struct cli_hexdump *h)
{
	if (h->fill > h->skip) {
		cli_hexdump_line(h);
	} else if (h->squeezing) {
		/* the squeezed run went to the end: say where that is */
		cli_hexdump_addr(h, h->end_off);
		fputc('\n', h->f);
	}
	h->fill = h->skip = 0;
	h->squeezing = false;
}
