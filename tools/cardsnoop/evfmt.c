// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The cardsnoop authors
 *
 * cardsnoop(1): change events as `watch` prints them, one line per record
 * (cardsnoop(1), OUTPUT of watch).
 *
 *   text  SEQNO TIME TYPE key=value ...
 *         "     7     0.104512 submit      va=0xffff800000010000 size=96B
 *          engine=0 submit_seqno=2"
 *   JSON  { "seqno": 7, "time": 0.104512, "timestamp_ns": ..., "type":
 *         "submit", "va": "0xffff800000010000", "size": 96, ... }
 *
 * The text keys are the JSON keys, so one table in the manual serves both.
 * What the record's fields mean depends on its type (enum
 * cardsnoop_event_type in <drm/cardsnoop_drm.h>): BIND keeps the buffer
 * offset in @data, SUBMIT the engine in @arg and its sequence number in
 * @data, FAULT the access in @arg, OVERFLOW the dropped count in @size and
 * the dropped sequence numbers in @seqno..@data; TARGET_EXIT is about the
 * process that owns the DRM file, normally the target itself (DRM hands a
 * file over to the last process that made a call on it).  A buffer id of 0
 * means no buffer (sparse mappings): "-" in text, null in JSON.  Types this
 * program does not know are printed with every raw field, so that nothing is
 * lost.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

char *cli_event_time(uint64_t ts_ns, uint64_t t0_ns, char *buf, size_t len)
{
	uint64_t d = ts_ns >= t0_ns ? ts_ns - t0_ns : t0_ns - ts_ns;

	/* microseconds: what a person reads; JSON has the nanoseconds too */
	d = (d + 500) / 1000;
	snprintf(buf, len, "%s%" PRIu64 ".%06" PRIu64,
		 ts_ns >= t0_ns ? "" : "-", d / 1000000, d % 1000000);
	return buf;
}

const char *cli_access_str(uint32_t access, char *buf, size_t len)
{
	uint32_t rest = access & ~(CARDSNOOP_ACCESS_READ | CARDSNOOP_ACCESS_WRITE);
	size_t n = 0;

	buf[0] = '\0';
	if (access & CARDSNOOP_ACCESS_READ)
		n += (size_t)snprintf(buf + n, len - n, "read");
	if ((access & CARDSNOOP_ACCESS_WRITE) && n < len)
		n += (size_t)snprintf(buf + n, len - n, "%swrite", n ? "," : "");
	if (rest && n < len)
		n += (size_t)snprintf(buf + n, len - n, "%s0x%x", n ? "," : "", rest);
	if (!access)
		snprintf(buf, len, "none");
	return buf;
}

char *cli_ib_file_name(const char *dir, const struct cs_event *ev)
{
	size_t n = strlen(dir);

	/* "dir/" and "dir" name the same directory: no "dir//ib-..." */
	while (n > 1 && dir[n - 1] == '/')
		n--;
	return cli_asprintf("%.*s/ib-%" PRIu64 "-0x%016" PRIx64 ".bin", (int)n,
			    dir, ev->seqno, ev->va);
}

/* ------------------------------------------------------------------ text */

static void cli_kv_va(FILE *f, const char *key, uint64_t va)
{
	fprintf(f, " %s=0x%016" PRIx64, key, va);
}

static void cli_kv_size(const struct cli_watch_fmt *w, FILE *f,
			const char *key, uint64_t v)
{
	char buf[32];

	if (w->bytes)
		fprintf(f, " %s=%" PRIu64, key, v);
	else
		fprintf(f, " %s=%s", key, cli_size_human(v, buf, sizeof(buf)));
}

static void cli_kv_u64(FILE *f, const char *key, uint64_t v)
{
	fprintf(f, " %s=%" PRIu64, key, v);
}

/* 0 is "none" for buffer ids and submission sequence numbers */
static void cli_kv_id(FILE *f, const char *key, uint64_t v)
{
	if (v)
		fprintf(f, " %s=%" PRIu64, key, v);
	else
		fprintf(f, " %s=-", key);
}

static void cli_kv_str(FILE *f, const char *key, const char *s)
{
	fprintf(f, " %s=%s", key, s);
}

void cli_event_text(const struct cli_watch_fmt *w, const struct cs_event *ev,
		    const struct cli_ib_saved *ib, FILE *f)
{
	char t[32], buf[32];

	fprintf(f, "%6" PRIu64 " %12s %-11s", ev->seqno,
		cli_event_time(ev->timestamp_ns, w->t0_ns, t, sizeof(t)),
		cs_event_type_name(ev->type));
	switch (ev->type) {
	case CARDSNOOP_EVENT_BIND:
		cli_kv_va(f, "va", ev->va);
		cli_kv_size(w, f, "size", ev->size);
		cli_kv_id(f, "bo", ev->bo_id);
		fprintf(f, " offset=0x%" PRIx64, ev->data);
		cli_kv_str(f, "placement", cli_placement_str(ev->placement));
		cli_kv_str(f, "perms", cli_perms_str(ev->arg, buf));
		cli_kv_str(f, "kind", cli_kind_str(ev->kind));
		if (ev->flags & CARDSNOOP_EVENT_REPLAY)
			fputs(" replay", f);
		break;
	case CARDSNOOP_EVENT_UNBIND:
		cli_kv_va(f, "va", ev->va);
		cli_kv_size(w, f, "size", ev->size);
		cli_kv_id(f, "bo", ev->bo_id);
		break;
	case CARDSNOOP_EVENT_MIGRATE:
	case CARDSNOOP_EVENT_EVICT:
		cli_kv_va(f, "va", ev->va);
		cli_kv_size(w, f, "size", ev->size);
		cli_kv_id(f, "bo", ev->bo_id);
		cli_kv_str(f, "placement", cli_placement_str(ev->placement));
		break;
	case CARDSNOOP_EVENT_SUBMIT:
		cli_kv_va(f, "va", ev->va);
		cli_kv_size(w, f, "size", ev->size);
		cli_kv_u64(f, "engine", ev->arg);
		cli_kv_id(f, "submit_seqno", ev->data);
		if (w->dump_ib)
			cli_kv_str(f, "ib_file", ib && ib->file ? ib->file : "-");
		break;
	case CARDSNOOP_EVENT_FAULT:
		cli_kv_va(f, "va", ev->va);
		cli_kv_str(f, "access", cli_access_str(ev->arg, buf, sizeof(buf)));
		cli_kv_id(f, "submit_seqno", ev->data);
		break;
	case CARDSNOOP_EVENT_OVERFLOW:
		cli_kv_u64(f, "dropped", ev->size);
		cli_kv_u64(f, "first_seqno", ev->seqno);
		cli_kv_u64(f, "last_seqno", ev->data);
		if (w->pid)
			fprintf(f, " (events were lost: 'cardsnoop maps %d' lists the mappings now)",
				(int)w->pid);
		else
			fputs(" (events were lost: 'cardsnoop maps --kernel' lists the mappings now)",
			      f);
		break;
	case CARDSNOOP_EVENT_TARGET_EXIT:
		if (w->owner || w->pid)
			fprintf(f, " pid=%d", (int)(w->owner ? w->owner : w->pid));
		else
			fputs(" pid=-", f);
		break;
	case CARDSNOOP_EVENT_DEVICE_GONE:
		fprintf(f, " card=%d", w->card);
		break;
	default:
		cli_kv_u64(f, "type_id", ev->type);
		fprintf(f, " flags=0x%x", ev->flags);
		cli_kv_va(f, "va", ev->va);
		cli_kv_u64(f, "size", ev->size);
		cli_kv_u64(f, "bo", ev->bo_id);
		cli_kv_u64(f, "data", ev->data);
		cli_kv_u64(f, "arg", ev->arg);
		cli_kv_u64(f, "placement", ev->placement);
		cli_kv_u64(f, "kind", ev->kind);
		break;
	}
	fputc('\n', f);
	fflush(f);
}

/* ------------------------------------------------------------------ JSON */

static void cli_json_id(struct cli_json *j, const char *key, uint64_t v)
{
	if (v)
		cli_json_u64(j, key, v);
	else
		cli_json_null(j, key);
}

/* The commands of a saved simgpu IB, as `ring --json` shows them. */
static void cli_event_json_ib(const struct cli_watch_fmt *w,
			      const struct cli_ib_saved *ib, struct cli_json *j)
{
	struct cli_ib_cmd c;
	size_t i;

	if (!w->simgpu || !ib || !ib->bytes || ib->len % CLI_IB_CMD_SIZE) {
		cli_json_null(j, "ib_commands");
		return;
	}
	cli_json_begin_array(j, "ib_commands");
	for (i = 0; i + CLI_IB_CMD_SIZE <= ib->len; i += CLI_IB_CMD_SIZE) {
		cli_ib_cmd_decode(ib->bytes + i, &c);
		cli_json_begin_object_inline(j, NULL);
		cli_json_u64(j, "offset", i);
		cli_ib_cmd_json(&c, w->va_bits, j);
		cli_json_end(j);
	}
	cli_json_end(j);
}

void cli_event_json(const struct cli_watch_fmt *w, const struct cs_event *ev,
		    const struct cli_ib_saved *ib, FILE *f)
{
	char t[32], buf[32];
	struct cli_json j;

	cli_json_init(&j, f);
	/* inline at the top: one object per line, flushed by the last end */
	cli_json_begin_object_inline(&j, NULL);
	cli_json_u64(&j, "seqno", ev->seqno);
	cli_json_raw(&j, "time", cli_event_time(ev->timestamp_ns, w->t0_ns, t,
						sizeof(t)));
	cli_json_u64(&j, "timestamp_ns", ev->timestamp_ns);
	cli_json_str(&j, "type", cs_event_type_name(ev->type));
	switch (ev->type) {
	case CARDSNOOP_EVENT_BIND:
		cli_json_hex(&j, "va", ev->va, true);
		cli_json_u64(&j, "size", ev->size);
		cli_json_id(&j, "bo", ev->bo_id);
		cli_json_u64(&j, "offset", ev->data);
		cli_json_str(&j, "placement", cli_placement_str(ev->placement));
		cli_json_str(&j, "perms", cli_perms_str(ev->arg, buf));
		cli_json_str(&j, "kind", cli_kind_str(ev->kind));
		cli_json_bool(&j, "replay", ev->flags & CARDSNOOP_EVENT_REPLAY);
		break;
	case CARDSNOOP_EVENT_UNBIND:
		cli_json_hex(&j, "va", ev->va, true);
		cli_json_u64(&j, "size", ev->size);
		cli_json_id(&j, "bo", ev->bo_id);
		break;
	case CARDSNOOP_EVENT_MIGRATE:
	case CARDSNOOP_EVENT_EVICT:
		cli_json_hex(&j, "va", ev->va, true);
		cli_json_u64(&j, "size", ev->size);
		cli_json_id(&j, "bo", ev->bo_id);
		cli_json_str(&j, "placement", cli_placement_str(ev->placement));
		break;
	case CARDSNOOP_EVENT_SUBMIT:
		cli_json_hex(&j, "va", ev->va, true);
		cli_json_u64(&j, "size", ev->size);
		cli_json_u64(&j, "engine", ev->arg);
		cli_json_id(&j, "submit_seqno", ev->data);
		if (w->dump_ib) {
			cli_json_str(&j, "ib_file", ib ? ib->file : NULL);
			cli_event_json_ib(w, ib, &j);
		}
		break;
	case CARDSNOOP_EVENT_FAULT:
		cli_json_hex(&j, "va", ev->va, true);
		cli_json_str(&j, "access", cli_access_str(ev->arg, buf, sizeof(buf)));
		cli_json_id(&j, "submit_seqno", ev->data);
		break;
	case CARDSNOOP_EVENT_OVERFLOW:
		cli_json_u64(&j, "dropped", ev->size);
		cli_json_u64(&j, "first_seqno", ev->seqno);
		cli_json_u64(&j, "last_seqno", ev->data);
		break;
	case CARDSNOOP_EVENT_TARGET_EXIT:
		if (w->owner || w->pid)
			cli_json_i64(&j, "pid", w->owner ? w->owner : w->pid);
		else
			cli_json_null(&j, "pid");
		break;
	case CARDSNOOP_EVENT_DEVICE_GONE:
		cli_json_i64(&j, "card", w->card);
		break;
	default:
		cli_json_u64(&j, "type_id", ev->type);
		cli_json_u64(&j, "flags", ev->flags);
		cli_json_hex(&j, "va", ev->va, true);
		cli_json_u64(&j, "size", ev->size);
		cli_json_u64(&j, "bo", ev->bo_id);
		cli_json_u64(&j, "data", ev->data);
		cli_json_u64(&j, "arg", ev->arg);
		cli_json_u64(&j, "placement", ev->placement);
		cli_json_u64(&j, "kind", ev->kind);
		break;
	}
	cli_json_end(&j);
}
