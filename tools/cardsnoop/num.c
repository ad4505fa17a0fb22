// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The cardsnoop authors
 *
 * cardsnoop(1): the numbers people type (VAs and sizes in hex or decimal,
 * with K/M/G suffixes and '_' separators, canonical VAs), the byte strings of
 * `write --hex`, and the way sizes, VAs and mapping attributes are shown.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int cli_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* K/M/G/T, optionally followed by "iB" (KiB): the shift, or -1. */
static int cli_suffix_shift(const char *s)
{
	static const char units[] = "KMGTPE";
	const char *u;

	if (!*s)
		return 0;
	u = strchr(units, *s >= 'a' ? *s - 'a' + 'A' : *s);
	if (!u || !*u)
		return -1;
	s++;
	if (*s && strcmp(s, "iB") && strcmp(s, "ib"))
		return -1;
	return 10 * (int)(u - units + 1);
}

int cli_parse_u64(const char *s, unsigned int flags, uint64_t *out)
{
	unsigned int base = 10;
	uint64_t v = 0;
	bool digit = false, last_sep = false;
	int shift, d;

	if (!s || !*s)
		return -EINVAL;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (; *s; s++) {
		if (*s == '_') {
			/* only between digits */
			if (!digit || last_sep)
				return -EINVAL;
			last_sep = true;
			continue;
		}
		d = cli_hexval((unsigned char)*s);
		if (d < 0 || (unsigned int)d >= base)
			break;
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			return -ERANGE;
		v = v * base + (uint64_t)d;
		digit = true;
		last_sep = false;
	}
	if (!digit || last_sep)
		return -EINVAL;
	if (*s) {
		if (!(flags & CLI_NUM_SUFFIX))
			return -EINVAL;
		shift = cli_suffix_shift(s);
		if (shift <= 0)
			return -EINVAL;
		if (v > (UINT64_MAX >> shift))
			return -ERANGE;
		v <<= shift;
	}
	*out = v;
	return 0;
}

int cli_parse_range(const char *s, uint64_t *va, uint64_t *size)
{
	const char *colon = strchr(s, ':');
	char buf[128];
	size_t n;
	int ret;

	if (!colon || strchr(colon + 1, ':'))
		return -EINVAL;
	n = (size_t)(colon - s);
	if (n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	ret = cli_parse_u64(buf, CLI_NUM_SUFFIX, va);
	if (!ret)
		ret = cli_parse_u64(colon + 1, CLI_NUM_SUFFIX, size);
	if (!ret && !*size)
		ret = -EINVAL;
	return ret;
}

int cli_parse_hexbytes(const char *s, uint8_t **out, size_t *len)
{
	size_t n = 0, cap = strlen(s) / 2 + 1;
	uint8_t *buf;
	int hi = -1, d;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	buf = cli_malloc(cap);
	for (; *s; s++) {
		if (*s == ' ' || *s == ':' || *s == '_' || *s == '\t' ||
		    *s == '\n') {
			if (hi >= 0)
				goto bad;	/* a lone digit */
			continue;
		}
		d = cli_hexval((unsigned char)*s);
		if (d < 0)
			goto bad;
		if (hi < 0) {
			hi = d;
		} else {
			buf[n++] = (uint8_t)(hi << 4 | d);
			hi = -1;
		}
	}
	if (hi >= 0 || !n)
		goto bad;
	*out = buf;
	*len = n;
	return 0;
bad:
	free(buf);
	return -EINVAL;
}

int cli_parse_pid(const char *s, pid_t *pid)
{
	char *end;
	long v;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end || errno || v <= 0 || v > INT_MAX)
		return -EINVAL;
	*pid = (pid_t)v;
	return 0;
}

int cli_parse_seconds(const char *s, uint64_t *ms)
{
	uint64_t whole = 0, frac = 0;
	unsigned int decimals = 0;
	const char *p = s;

	if (!s || *p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		whole = whole * 10 + (uint64_t)(*p - '0');
		if (whole > 366ull * 24 * 3600)
			return -ERANGE;
	}
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -EINVAL;
		for (; *p >= '0' && *p <= '9'; p++) {
			if (++decimals > 3)
				return -EINVAL;
			frac = frac * 10 + (uint64_t)(*p - '0');
		}
		for (; decimals < 3; decimals++)
			frac *= 10;
	}
	if (*p)
		return -EINVAL;
	*ms = whole * 1000 + frac;
	return 0;
}

char *cli_size_human(uint64_t bytes, char *buf, size_t len)
{
	static const char units[] = "BKMGTPE";
	unsigned int u = 0;
	uint64_t unit = 1, whole, tenths;

	while (u + 1 < sizeof(units) - 1 && bytes >= (unit << 10)) {
		unit <<= 10;
		u++;
		if (unit == (1ull << 60))
			break;
	}
	whole = bytes / unit;
	if ((u == 0 || bytes % unit == 0) && whole < 10000 && len >= 6) {
		/* the common case, without printf (maps of many mappings) */
		char tmp[5];
		size_t n = 0, i;

		do {
			tmp[n++] = (char)('0' + whole % 10);
			whole /= 10;
		} while (whole);
		for (i = 0; i < n; i++)
			buf[i] = tmp[n - 1 - i];
		buf[n] = units[u];
		buf[n + 1] = '\0';
		return buf;
	}
	if (u == 0 || bytes % unit == 0) {
		snprintf(buf, len, "%llu%c", (unsigned long long)whole,
			 units[u]);
		return buf;
	}
	tenths = ((bytes % unit) * 10 + unit / 2) / unit;
	if (tenths == 10) {
		whole++;
		tenths = 0;
	}
	snprintf(buf, len, "%llu.%llu%c", (unsigned long long)whole,
		 (unsigned long long)tenths, units[u]);
	return buf;
}

char *cli_va_str(uint64_t va, char *buf, size_t len)
{
	snprintf(buf, len, "0x%016llx", (unsigned long long)va);
	return buf;
}

uint64_t cli_canon_va(unsigned int va_bits, uint64_t va)
{
	uint64_t off;

	if (cs_va_to_offset(va_bits, va, &off))
		return va;	/* not a VA of this GPU: shown as it is */
	return cs_offset_to_va(va_bits, off);
}

const char *cli_perms_str(uint32_t perms, char buf[4])
{
	buf[0] = perms & CARDSNOOP_PERM_READ ? 'r' : '-';
	buf[1] = perms & CARDSNOOP_PERM_WRITE ? 'w' : '-';
	buf[2] = perms & CARDSNOOP_PERM_EXEC ? 'x' : '-';
	buf[3] = '\0';
	return buf;
}

const char *cli_placement_str(uint32_t placement)
{
	switch (placement) {
	case CARDSNOOP_PLACEMENT_NONE:
		return "none";
	case CARDSNOOP_PLACEMENT_SYSTEM:
		return "system";
	case CARDSNOOP_PLACEMENT_GTT:
		return "gtt";
	case CARDSNOOP_PLACEMENT_VRAM:
		return "vram";
	}
	return "unknown";
}

const char *cli_kind_str(uint32_t kind)
{
	switch (kind) {
	case CARDSNOOP_KIND_BUFFER:
		return "buffer";
	case CARDSNOOP_KIND_USERPTR:
		return "userptr";
	case CARDSNOOP_KIND_DMABUF:
		return "dma-buf";
	case CARDSNOOP_KIND_SPARSE:
		return "sparse";
	case CARDSNOOP_KIND_KERNEL:
		return "kernel";
	}
	return "unknown";
}
