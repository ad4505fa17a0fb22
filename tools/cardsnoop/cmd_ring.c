// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The cardsnoop authors
 *
 * cardsnoop ring: the walk that motivated cardsnoop, ring -> IB -> data,
 * from memory alone.
 *
 * 1. Attach the GPU's kernel VM (root) and read simgpu's kernel ring at
 *    SIMGPU_KERNEL_RING_VA (simgpu_drm.h, DOC: Kernel ring): the header,
 *    then the packets still in the ring.
 * 2. Each packet names the submitting client by its drm-client-id.  The
 *    process that holds that DRM file is found in libcardsnoop's client
 *    listing (/proc/PID/fdinfo), and cardsnoop attaches to that client.
 * 3. The IB is read from the client's VM at the packet's VA and decoded
 *    (DOC: Engine commands); for each command that writes memory, the first
 *    bytes at its destination are shown.
 *
 * The IB and data are what the client's memory holds now, which for older
 * packets may have been rewritten since they ran.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <drm/simgpu_drm.h>

#include "cli.h"

/* Bytes of a command's destination shown next to it. */
#define CLI_RING_PEEK	16

/* A client of a ring packet, found and attached once. */
struct cli_ring_client {
	uint64_t client_id;
	const struct cs_client *client;	/* NULL: no process holds it */
	struct cs_snoop *snoop;		/* NULL: could not attach */
	char *error;			/* why not, for people */
};

struct cli_ring_state {
	struct cli_opts *o;
	const struct cs_snoop_info *kin;
	struct cs_client **clients;
	int nclients;
	struct cli_ring_client *rc;
	size_t nrc;
};

static struct cli_ring_client *cli_ring_client(struct cli_ring_state *st,
					       uint64_t client_id)
{
	struct cs_attach_opts ao = CS_ATTACH_OPTS_INIT;
	struct cli_ring_client *c;
	struct cs_error *err;
	size_t i;
	int k;

	for (i = 0; i < st->nrc; i++)
		if (st->rc[i].client_id == client_id)
			return &st->rc[i];
	st->rc = cli_realloc(st->rc, st->nrc + 1, sizeof(*st->rc));
	c = &st->rc[st->nrc++];
	memset(c, 0, sizeof(*c));
	c->client_id = client_id;

	for (k = 0; k < st->nclients && !c->client; k++)
		if (st->clients[k]->client_id == client_id &&
		    st->clients[k]->card_index == st->kin->card_index)
			c->client = st->clients[k];
	if (!c->client) {
		c->error = cli_asprintf("no process has DRM client %" PRIu64 " of card%d open (it exited, or it is not visible here)",
					client_id, st->kin->card_index);
		return c;
	}
	err = cs_error_new();
	ao.flags = CS_ATTACH_READONLY;
	ao.card = st->kin->card_index;
	ao.client_id = client_id;
	if (cs_attach_pid(c->client->pid, &ao, &c->snoop, err) < 0) {
		c->snoop = NULL;
		c->error = cli_strdup(cs_error_message(err));
	}
	cs_error_free(err);
	return c;
}

static void cli_ring_free(struct cli_ring_state *st)
{
	size_t i;

	for (i = 0; i < st->nrc; i++) {
		cs_snoop_close(st->rc[i].snoop);
		free(st->rc[i].error);
	}
	free(st->rc);
	if (st->clients)
		cs_free_clients(st->clients, st->nclients);
	free(st->clients);
}

/* Up to CLI_RING_PEEK bytes at the destination of @c, as hex; false if none. */
static bool cli_ring_peek(struct cs_snoop *s, const struct cli_ib_cmd *c,
			  char *hex, size_t hexlen, uint64_t *va)
{
	uint8_t data[CLI_RING_PEEK];
	uint64_t len;
	ssize_t n, i;
	size_t o = 0;

	if (!s || !cli_ib_cmd_target(c, va, &len) || !len)
		return false;
	if (len > sizeof(data))
		len = sizeof(data);
	n = cs_read(s, *va, data, (size_t)len, NULL);
	if (n <= 0)
		return false;
	for (i = 0; i < n && o + 2 < hexlen; i++)
		o += (size_t)snprintf(hex + o, hexlen - o, "%02x", data[i]);
	return true;
}

static void cli_ring_packet(struct cli_ring_state *st, struct cs_snoop *ks,
			    const struct cli_ring *ring, uint64_t num,
			    struct cli_json *j)
{
	unsigned int va_bits = st->kin->va_bits;
	bool json = st->o->mode == CLI_OUT_JSON;
	uint8_t slot[sizeof(struct drm_simgpu_ring_packet)];
	char text[256], hex[2 * CLI_RING_PEEK + 1], a[32], sz[32];
	struct cli_ring_client *rc = NULL;
	struct cs_error *err = cs_error_new();
	const char *problem = NULL;
	struct cli_packet p;
	struct cli_ib_cmd c;
	uint8_t *ib = NULL;
	uint64_t ncmd = 0, i, dva;
	ssize_t n;

	n = cs_read(ks, cli_ring_packet_va(ring, va_bits, num), slot,
		    sizeof(slot), err);
	if (n != (ssize_t)sizeof(slot)) {
		cli_err("ring packet %" PRIu64 ": %s", num, cs_error_message(err));
		cs_error_free(err);
		return;
	}
	cli_packet_decode(slot, &p);
	if (p.type != SIMGPU_PACKET_IB) {
		problem = "not an IB packet";
	} else if (p.ib_size > SIMGPU_IB_MAX_SIZE || p.ib_size % CLI_IB_CMD_SIZE) {
		problem = "implausible IB size";
	} else {
		rc = cli_ring_client(st, p.client_id);
		if (!rc->snoop) {
			problem = rc->error;
		} else if (p.ib_size) {
			ib = cli_malloc((size_t)p.ib_size);
			n = cs_read(rc->snoop, p.ib_va, ib, (size_t)p.ib_size, err);
			if (n != (ssize_t)p.ib_size)
				problem = n < 0 ? cs_error_message(err) :
					"the IB is only partly mapped";
			else
				ncmd = p.ib_size / CLI_IB_CMD_SIZE;
		}
	}

	if (json) {
		cli_json_begin_object(j, NULL);
		cli_json_u64(j, "number", num);
		cli_json_u64(j, "slot", num % ring->slots);
		cli_json_u64(j, "seqno", p.seqno);
		cli_json_str(j, "type", p.type == SIMGPU_PACKET_IB ? "ib" : "unknown");
		cli_json_str(j, "status", cli_packet_status_str(p.status));
		cli_json_u64(j, "client_id", p.client_id);
		if (rc && rc->client) {
			cli_json_i64(j, "pid", rc->client->pid);
			cli_json_str(j, "comm", rc->client->comm);
			cli_json_i64(j, "fd", rc->client->fd);
		} else {
			cli_json_null(j, "pid");
			cli_json_null(j, "comm");
			cli_json_null(j, "fd");
		}
		cli_json_hex(j, "ib_va", p.ib_va, true);
		cli_json_u64(j, "ib_size", p.ib_size);
		cli_json_str(j, "error", problem);
		cli_json_begin_array(j, "commands");
		for (i = 0; i < ncmd; i++) {
			cli_ib_cmd_decode(ib + i * CLI_IB_CMD_SIZE, &c);
			cli_json_begin_object_inline(j, NULL);
			cli_json_u64(j, "offset", i * CLI_IB_CMD_SIZE);
			cli_ib_cmd_json(&c, va_bits, j);
			if (cli_ring_peek(rc->snoop, &c, hex, sizeof(hex), &dva))
				cli_json_str(j, "data", hex);
			else
				cli_json_null(j, "data");
			cli_json_end(j);
		}
		cli_json_end(j);
		cli_json_end(j);
		goto out;
	}

	printf("\npacket %" PRIu64 " (seqno %" PRIu64 ", slot %" PRIu64 "): %s\n",
	       num, p.seqno, num % ring->slots, cli_packet_status_str(p.status));
	if (rc && rc->client)
		printf("  client %" PRIu64 ": PID %d (%s), fd %d\n", p.client_id,
		       (int)rc->client->pid, rc->client->comm ? rc->client->comm : "?",
		       rc->client->fd);
	else
		printf("  client %" PRIu64 "\n", p.client_id);
	printf("  IB at %s, %s, %" PRIu64 " command%s%s\n",
	       cli_va_str(p.ib_va, a, sizeof(a)),
	       cli_size_human(p.ib_size, sz, sizeof(sz)),
	       p.ib_size / CLI_IB_CMD_SIZE,
	       p.ib_size / CLI_IB_CMD_SIZE == 1 ? "" : "s",
	       ncmd ? ":" : "");
	if (problem)
		printf("  cannot decode the IB: %s\n", problem);
	for (i = 0; i < ncmd; i++) {
		cli_ib_cmd_decode(ib + i * CLI_IB_CMD_SIZE, &c);
		printf("    +0x%04" PRIx64 "  %s\n", i * CLI_IB_CMD_SIZE,
		       cli_ib_cmd_text(&c, va_bits, text, sizeof(text)));
		if (cli_ring_peek(rc->snoop, &c, hex, sizeof(hex), &dva))
			printf("             data at %s: %s\n",
			       cli_va_str(cli_canon_va(va_bits, dva), a, sizeof(a)),
			       hex);
	}
out:
	free(ib);
	cs_error_free(err);
}

int cli_cmd_ring(struct cli_opts *o)
{
	struct cli_ring_state st = { .o = o };
	struct cs_error *err = cs_error_new();
	uint8_t hdr[64];
	struct cli_opts ko = *o;
	struct cs_snoop *ks = NULL;
	struct cli_ring ring;
	struct cli_json j;
	uint64_t first, end, num;
	char why[200], a[32], sz[32];
	int ret, n;
	ssize_t r;

	ko.kernel = true;
	ret = cli_attach(&ko, CS_ATTACH_READONLY, &ks);
	if (ret)
		goto out;
	st.kin = cs_snoop_get_info(ks);
	ret = CLI_EXIT_FAILURE;
	if (!st.kin->driver || strcmp(st.kin->driver, "simgpu")) {
		cli_err("card%d's driver is %s: 'cardsnoop ring' decodes simgpu's kernel ring only",
			st.kin->card_index, st.kin->driver ? st.kin->driver : "unknown");
		goto out;
	}
	r = cs_read(ks, SIMGPU_KERNEL_RING_VA, hdr, cli_ring_header_bytes(), err);
	if (r < 0) {
		cli_err_cs(err);
		goto out;
	}
	if (cli_ring_parse(hdr, (size_t)r, SIMGPU_KERNEL_RING_VA, &ring, why,
			   sizeof(why))) {
		cli_err("card%d: kernel ring at 0x%016llx: %s", st.kin->card_index,
			(unsigned long long)SIMGPU_KERNEL_RING_VA, why);
		goto out;
	}
	cli_ring_window(&ring, &first, &end);
	if (o->last && end - first > o->last)
		first = end - o->last;

	/* every process's DRM clients, to find who submitted each IB */
	n = cs_get_clients(0, NULL, 0, err);
	if (n > 0) {
		st.clients = cli_calloc((size_t)n, sizeof(*st.clients));
		n = cs_get_clients(0, st.clients, n, err);
	}
	st.nclients = n > 0 ? n : 0;

	if (o->mode == CLI_OUT_JSON) {
		cli_json_init(&j, stdout);
		cli_json_begin_object(&j, NULL);
		cli_json_i64(&j, "card", st.kin->card_index);
		cli_json_str(&j, "driver", st.kin->driver);
		cli_json_begin_object_inline(&j, "ring");
		cli_json_hex(&j, "va", ring.va, true);
		cli_json_u64(&j, "version", ring.version);
		cli_json_u64(&j, "header_size", ring.header_size);
		cli_json_u64(&j, "packet_size", ring.packet_size);
		cli_json_u64(&j, "slots", ring.slots);
		cli_json_u64(&j, "wptr", ring.wptr);
		cli_json_u64(&j, "rptr", ring.rptr);
		cli_json_u64(&j, "last_seqno", ring.last_seqno);
		cli_json_end(&j);
		cli_json_begin_array(&j, "packets");
	} else {
		printf("card%d (%s) kernel ring at %s, %s: %" PRIu64 " slots of %u bytes; wptr %" PRIu64 ", rptr %" PRIu64 ", last seqno %" PRIu64 "\n",
		       st.kin->card_index, st.kin->driver,
		       cli_va_str(ring.va, a, sizeof(a)),
		       cli_size_human(ring.header_size + ring.size, sz, sizeof(sz)),
		       ring.slots, ring.packet_size, ring.wptr, ring.rptr,
		       ring.last_seqno);
		if (first == end)
			printf("no packet has been submitted yet\n");
	}
	for (num = first; num < end; num++)
		cli_ring_packet(&st, ks, &ring, num, &j);
	if (o->mode == CLI_OUT_JSON) {
		cli_json_end(&j);
		cli_json_end(&j);
	}
	ret = CLI_EXIT_OK;
out:
	cli_ring_free(&st);
	cs_snoop_close(ks);
	cs_error_free(err);
	return ret;
}
