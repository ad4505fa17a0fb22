// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The cardsnoop authors
 *
 * cardsnoop(1): simgpu's kernel ring and indirect buffers, decoded from
 * memory alone, as simgpu_drm.h documents them (DOC: Kernel ring, DOC:
 * Engine commands).  Everything is little endian in memory and is read
 * field by field, never by casting the buffer.  Nothing here trusts the
 * bytes: the ring header is checked before use, and a malformed command
 * is shown for what it is rather than skipped.
 */
#include <ctype.h>
#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <drm/simgpu_drm.h>

#include "cli.h"

static uint32_t cli_le32(const void *p, size_t off)
{
	uint32_t v;

	memcpy(&v, (const uint8_t *)p + off, sizeof(v));
	return le32toh(v);
}

static uint64_t cli_le64(const void *p, size_t off)
{
	uint64_t v;

	memcpy(&v, (const uint8_t *)p + off, sizeof(v));
	return le64toh(v);
}

#define CLI_RING_FIELD(f) offsetof(struct drm_simgpu_ring_header, f)
#define CLI_PACKET_FIELD(f) offsetof(struct drm_simgpu_ring_packet, f)

size_t cli_ring_header_bytes(void)
{
	return sizeof(struct drm_simgpu_ring_header);
}

int cli_ring_parse(const void *buf, size_t len, uint64_t va,
		   struct cli_ring *r, char *why, size_t whylen)
{
	uint32_t magic;

	memset(r, 0, sizeof(*r));
	if (len < sizeof(struct drm_simgpu_ring_header)) {
		snprintf(why, whylen, "ring header too short (%zu bytes)", len);
		return -EINVAL;
	}
	magic = cli_le32(buf, CLI_RING_FIELD(magic));
	r->va = va;
	r->version = cli_le32(buf, CLI_RING_FIELD(version));
	r->header_size = cli_le32(buf, CLI_RING_FIELD(header_size));
	r->packet_size = cli_le32(buf, CLI_RING_FIELD(packet_size));
	r->size = cli_le64(buf, CLI_RING_FIELD(size));
	r->wptr = cli_le64(buf, CLI_RING_FIELD(wptr));
	r->rptr = cli_le64(buf, CLI_RING_FIELD(rptr));
	r->last_seqno = cli_le64(buf, CLI_RING_FIELD(last_seqno));

	if (magic != SIMGPU_RING_MAGIC) {
		snprintf(why, whylen,
			 "no simgpu ring header (magic 0x%08x, expected 0x%08x \"SGRN\")",
			 magic, SIMGPU_RING_MAGIC);
		return -EINVAL;
	}
	if (r->version != 1) {
		snprintf(why, whylen,
			 "ring layout version %u; this cardsnoop knows version 1",
			 r->version);
		return -EINVAL;
	}
	if (r->packet_size < sizeof(struct drm_simgpu_ring_packet) ||
	    r->packet_size > 4096 ||
	    r->header_size < sizeof(struct drm_simgpu_ring_header) ||
	    r->header_size > (1u << 20) || !r->size ||
	    r->size % r->packet_size || r->size / r->packet_size > (1u << 20)) {
		snprintf(why, whylen,
			 "implausible ring header: header_size %u, packet_size %u, size %" PRIu64,
			 r->header_size, r->packet_size, r->size);
		return -EINVAL;
	}
	if (r->rptr > r->wptr) {
		snprintf(why, whylen,
			 "implausible ring header: rptr %" PRIu64 " after wptr %" PRIu64,
			 r->rptr, r->wptr);
		return -EINVAL;
	}
	r->slots = r->size / r->packet_size;
	return 0;
}

void cli_ring_window(const struct cli_ring *r, uint64_t *first, uint64_t *end)
{
	*end = r->wptr;
	*first = r->wptr > r->slots ? r->wptr - r->slots : 0;
}

uint64_t cli_ring_packet_va(const struct cli_ring *r, unsigned int va_bits,
			    uint64_t n)
{
	uint64_t off = 0;

	/* arithmetic on the linear offset, then back to canonical */
	cs_va_to_offset(va_bits, r->va, &off);
	off += r->header_size + (n % r->slots) * r->packet_size;
	return cs_offset_to_va(va_bits, off);
}

void cli_packet_decode(const void *buf, struct cli_packet *p)
{
	p->type = cli_le32(buf, CLI_PACKET_FIELD(type));
	p->status = cli_le32(buf, CLI_PACKET_FIELD(status));
	p->seqno = cli_le64(buf, CLI_PACKET_FIELD(seqno));
	p->client_id = cli_le64(buf, CLI_PACKET_FIELD(client_id));
	p->ib_va = cli_le64(buf, CLI_PACKET_FIELD(ib_va));
	p->ib_size = cli_le64(buf, CLI_PACKET_FIELD(ib_size));
}

const char *cli_packet_status_str(uint32_t status)
{
	switch (status) {
	case SIMGPU_PACKET_PENDING:
		return "pending";
	case SIMGPU_PACKET_DONE:
		return "done";
	case SIMGPU_PACKET_FAULT:
		return "fault";
	case SIMGPU_PACKET_ERROR:
		return "error";
	}
	return "unknown";
}

void cli_ib_cmd_decode(const void *buf, struct cli_ib_cmd *c)
{
	c->op = cli_le32(buf, offsetof(struct drm_simgpu_cmd, op));
	c->flags = cli_le32(buf, offsetof(struct drm_simgpu_cmd, flags));
	c->arg0 = cli_le64(buf, offsetof(struct drm_simgpu_cmd, arg0));
	c->arg1 = cli_le64(buf, offsetof(struct drm_simgpu_cmd, arg1));
	c->arg2 = cli_le64(buf, offsetof(struct drm_simgpu_cmd, arg2));
}

const char *cli_ib_op_name(uint32_t op)
{
	switch (op) {
	case SIMGPU_CMD_NOP:
		return "NOP";
	case SIMGPU_CMD_FILL:
		return "FILL";
	case SIMGPU_CMD_COPY:
		return "COPY";
	case SIMGPU_CMD_WRITE32:
		return "WRITE32";
	case SIMGPU_CMD_IB:
		return "IB";
	}
	return NULL;
}

/* VAs as the engine reads them: canonical or linear, shown canonical. */
#define cli_ib_va cli_canon_va

/* What DOC: Engine commands forbids, or NULL. */
static const char *cli_ib_cmd_problem(const struct cli_ib_cmd *c)
{
	if (c->flags)
		return "nonzero flags";
	switch (c->op) {
	case SIMGPU_CMD_NOP:
		if (c->arg0 || c->arg1 || c->arg2)
			return "nonzero unused argument";
		return NULL;
	case SIMGPU_CMD_FILL:
		if (c->arg2 >> 32)
			return "dword wider than 32 bits";
		if (c->arg0 % 4 || c->arg1 % 4)
			return "VA or size not a multiple of 4";
		return NULL;
	case SIMGPU_CMD_COPY:
		if (c->arg0 < c->arg1 + c->arg2 && c->arg1 < c->arg0 + c->arg2)
			return "overlapping ranges";
		return NULL;
	case SIMGPU_CMD_WRITE32:
		if (c->arg1 >> 32)
			return "value wider than 32 bits";
		if (c->arg2)
			return "nonzero unused argument";
		if (c->arg0 % 4)
			return "VA not a multiple of 4";
		return NULL;
	case SIMGPU_CMD_IB:
		return "IB inside an IB is not allowed";
	}
	return "unknown op";
}

char *cli_ib_cmd_text(const struct cli_ib_cmd *c, unsigned int va_bits,
		      char *buf, size_t len)
{
	const char *problem = cli_ib_cmd_problem(c);
	char a[32], b[32], sz[32];
	int n = 0;

	switch (c->op) {
	case SIMGPU_CMD_NOP:
		n = snprintf(buf, len, "NOP");
		break;
	case SIMGPU_CMD_FILL:
		n = snprintf(buf, len, "FILL     %s %s with 0x%08" PRIx64,
			     cli_va_str(cli_ib_va(va_bits, c->arg0), a, sizeof(a)),
			     cli_size_human(c->arg1, sz, sizeof(sz)), c->arg2);
		break;
	case SIMGPU_CMD_COPY:
		n = snprintf(buf, len, "COPY     %s -> %s, %s",
			     cli_va_str(cli_ib_va(va_bits, c->arg0), a, sizeof(a)),
			     cli_va_str(cli_ib_va(va_bits, c->arg1), b, sizeof(b)),
			     cli_size_human(c->arg2, sz, sizeof(sz)));
		break;
	case SIMGPU_CMD_WRITE32:
		n = snprintf(buf, len, "WRITE32  %s = 0x%08" PRIx64,
			     cli_va_str(cli_ib_va(va_bits, c->arg0), a, sizeof(a)),
			     c->arg1);
		break;
	case SIMGPU_CMD_IB:
		n = snprintf(buf, len, "IB       %s, %s",
			     cli_va_str(cli_ib_va(va_bits, c->arg0), a, sizeof(a)),
			     cli_size_human(c->arg1, sz, sizeof(sz)));
		break;
	default:
		n = snprintf(buf, len,
			     "op 0x%08x flags 0x%x args 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64,
			     c->op, c->flags, c->arg0, c->arg1, c->arg2);
		break;
	}
	if (problem && n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, "  (malformed: %s)", problem);
	return buf;
}

void cli_ib_cmd_json(const struct cli_ib_cmd *c, unsigned int va_bits,
		     struct cli_json *j)
{
	const char *name = cli_ib_op_name(c->op);
	const char *problem = cli_ib_cmd_problem(c);
	char lower[16];
	size_t i;

	if (name) {
		for (i = 0; name[i] && i + 1 < sizeof(lower); i++)
			lower[i] = (char)tolower((unsigned char)name[i]);
		lower[i] = '\0';
		cli_json_str(j, "op", lower);
	} else {
		cli_json_u64(j, "op", c->op);
	}
	switch (c->op) {
	case SIMGPU_CMD_FILL:
		cli_json_hex(j, "va", cli_ib_va(va_bits, c->arg0), true);
		cli_json_u64(j, "size", c->arg1);
		cli_json_u64(j, "value", c->arg2);
		break;
	case SIMGPU_CMD_COPY:
		cli_json_hex(j, "src", cli_ib_va(va_bits, c->arg0), true);
		cli_json_hex(j, "dst", cli_ib_va(va_bits, c->arg1), true);
		cli_json_u64(j, "size", c->arg2);
		break;
	case SIMGPU_CMD_WRITE32:
		cli_json_hex(j, "va", cli_ib_va(va_bits, c->arg0), true);
		cli_json_u64(j, "value", c->arg1);
		break;
	case SIMGPU_CMD_IB:
		cli_json_hex(j, "va", cli_ib_va(va_bits, c->arg0), true);
		cli_json_u64(j, "size", c->arg1);
		break;
	case SIMGPU_CMD_NOP:
		break;
	default:
		cli_json_u64(j, "flags", c->flags);
		cli_json_u64(j, "arg0", c->arg0);
		cli_json_u64(j, "arg1", c->arg1);
		cli_json_u64(j, "arg2", c->arg2);
		break;
	}
	if (problem)
		cli_json_str(j, "malformed", problem);
	else
		cli_json_null(j, "malformed");
}

bool cli_ib_cmd_target(const struct cli_ib_cmd *c, uint64_t *va,
		       uint64_t *len)
{
	switch (c->op) {
	case SIMGPU_CMD_FILL:
		*va = c->arg0;
		*len = c->arg1;
		return true;
	case SIMGPU_CMD_COPY:
		*va = c->arg1;
		*len = c->arg2;
		return true;
	case SIMGPU_CMD_WRITE32:
		*va = c->arg0;
		*len = 4;
		return true;
	}
	return false;
}
