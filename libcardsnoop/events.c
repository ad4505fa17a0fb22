// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The cardsnoop authors
 *
 * Change events: a reader of CARDSNOOP_IOCTL_EVENTS that dequeues records
 * in batches and hands them out one by one, with canonical addresses.
 * Waiting is the kernel's (CARDSNOOP_EVENTS_WAIT) or the caller's poll(2)
 * on the snoop fd.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "cs_private.h"

#define CS_EVENTS_BATCH 64

/*
 * struct cs_event_iter - see cardsnoop.h
 * @n, @i: records in @buf and the next one to hand out.
 */
struct cs_event_iter {
	struct cs_snoop *snoop;
	unsigned int n;
	unsigned int i;
	struct cs_event cur;
	struct cardsnoop_event buf[CS_EVENTS_BATCH];
};

cs_public const char *cs_event_type_name(uint32_t type)
{
	static const char *const names[] = {
		[CARDSNOOP_EVENT_BIND] = "bind",
		[CARDSNOOP_EVENT_UNBIND] = "unbind",
		[CARDSNOOP_EVENT_MIGRATE] = "migrate",
		[CARDSNOOP_EVENT_EVICT] = "evict",
		[CARDSNOOP_EVENT_SUBMIT] = "submit",
		[CARDSNOOP_EVENT_FAULT] = "fault",
		[CARDSNOOP_EVENT_TARGET_EXIT] = "target-exit",
		[CARDSNOOP_EVENT_DEVICE_GONE] = "device-gone",
		[CARDSNOOP_EVENT_OVERFLOW] = "overflow",
	};

	if (type < CS_ARRAY_SIZE(names) && names[type])
		return names[type];
	return "unknown";
}

cs_public int cs_events_open(struct cs_snoop *snoop,
			     struct cs_event_iter **iter, struct cs_error *err)
{
	struct cs_event_iter *it;

	if (!snoop || !iter)
		return cs_fail(err, -EINVAL, "cs_events_open: NULL argument");
	*iter = NULL;
	if (snoop->info.api_version < 2)
		return cs_fail(err, -EOPNOTSUPP,
			       "%s has no change events (cardsnoop interface version %u; events need 2)",
			       snoop->info.snoop_node, snoop->info.api_version);
	it = calloc(1, sizeof(*it));
	if (!it)
		return cs_fail(err, -ENOMEM, "out of memory");
	it->snoop = snoop;
	*iter = it;
	return 0;
}

/* One EVENTS call; EINTR is returned when waiting, retried otherwise. */
static int cs_events_fetch(struct cs_event_iter *it, uint32_t flags,
			   struct cs_error *err)
{
	struct cardsnoop_events q;
	int ret;

	for (;;) {
		memset(&q, 0, sizeof(q));
		q.events_ptr = (uintptr_t)it->buf;
		q.count = CS_EVENTS_BATCH;
		q.stride = sizeof(it->buf[0]);
		q.flags = flags & CS_EVENTS_WAIT;
		ret = ioctl(it->snoop->fd, CARDSNOOP_IOCTL_EVENTS, &q);
		if (ret == 0)
			break;
		ret = -errno;
		if ((ret == -EINTR && !(flags & CS_EVENTS_WAIT)) ||
		    ret == -EAGAIN)
			continue;
		switch (ret) {
		case -EINTR:
			return cs_fail(err, ret,
				       "waiting for events of %s was interrupted",
				       it->snoop->info.snoop_node);
		case -ENOTTY:
			return cs_fail(err, -EOPNOTSUPP,
				       "%s has no change events",
				       it->snoop->info.snoop_node);
		case -EBADFD:
			return cs_fail(err, ret, "%s is not attached",
				       it->snoop->info.snoop_node);
		default:
			return cs_fail(err, ret, "cannot read the events of %s: %s",
				       it->snoop->info.snoop_node,
				       cs_errno_desc(-ret));
		}
	}
	it->n = CS_MIN(q.count, (unsigned int)CS_EVENTS_BATCH);
	it->i = 0;
	return 0;
}

cs_public int cs_events_next(struct cs_event_iter *iter, uint32_t flags,
			     const struct cs_event **event,
			     struct cs_error *err)
{
	const struct cardsnoop_event *e;
	int ret;

	if (!iter || !event)
		return cs_fail(err, -EINVAL, "cs_events_next: NULL argument");
	*event = NULL;
	if (flags & ~CS_EVENTS_WAIT)
		return cs_fail(err, -EINVAL, "cs_events_next: unknown flags 0x%x",
			       flags & ~CS_EVENTS_WAIT);
	if (iter->i >= iter->n) {
		ret = cs_events_fetch(iter, flags, err);
		if (ret < 0)
			return ret;
		if (!iter->n)
			return 0;
	}
	e = &iter->buf[iter->i++];
	memset(&iter->cur, 0, sizeof(iter->cur));
	iter->cur.struct_size = sizeof(iter->cur);
	iter->cur.type = e->type;
	iter->cur.seqno = e->seqno;
	iter->cur.timestamp_ns = e->timestamp_ns;
	iter->cur.flags = e->flags;
	iter->cur.arg = e->arg;
	iter->cur.va = cs_offset_to_va(iter->snoop->info.va_bits, e->va);
	iter->cur.size = e->size;
	iter->cur.bo_id = e->bo_id;
	iter->cur.data = e->data;
	iter->cur.placement = e->placement;
	iter->cur.kind = e->kind;
	*event = &iter->cur;
	return 1;
}

cs_public void cs_events_close(struct cs_event_iter *iter)
{
	free(iter);
}
