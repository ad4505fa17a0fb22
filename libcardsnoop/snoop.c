// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The cardsnoop authors
 *
 * Operations on an attached snoop file: read, write, map, sync, refresh,
 * resolve, seek, and the mapping walk over the batched MAPPINGS ioctl.
 * The file offset is the GPU VA without its sign extension; every entry
 * point converts the caller's (canonical) VA first and rejects addresses
 * outside the device's VA space.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cs_private.h"

/* Batch of the mapping walk: 256 records of 48 bytes, 12 KiB. */
#define CS_MAPPINGS_BATCH 256

/* "PID 123 (app) on card0", "the kernel VM of card0"... */
static const char *cs_snoop_who(const struct cs_snoop *s, char *buf,
				size_t len)
{
	const struct cs_snoop_info *i = &s->info;

	if (i->flags & CS_ATTACH_KERNEL)
		snprintf(buf, len, "the kernel VM of card%d", i->card_index);
	else if (i->pid && i->comm)
		snprintf(buf, len, "PID %d (%s) on card%d", (int)i->pid,
			 i->comm, i->card_index);
	else if (i->pid)
		snprintf(buf, len, "PID %d on card%d", (int)i->pid,
			 i->card_index);
	else if (i->owner_pid)
		snprintf(buf, len, "the DRM file of PID %d on card%d",
			 (int)i->owner_pid, i->card_index);
	else
		snprintf(buf, len, "DRM client %llu on card%d",
			 (unsigned long long)i->client_id, i->card_index);
	return buf;
}

static int cs_snoop_offset(const struct cs_snoop *s, uint64_t va,
			   uint64_t *off, struct cs_error *err)
{
	char who[96];

	if (!cs_va_to_offset(s->info.va_bits, va, off))
		return 0;
	return cs_fail(err, -EINVAL,
		       "0x%llx is not an address of the %u-bit GPU VA space of %s (neither canonical nor below 2^%u)",
		       (unsigned long long)va, s->info.va_bits,
		       cs_snoop_who(s, who, sizeof(who)), s->info.va_bits);
}

/* Explain failure @code of @op ("read", "write"...) at @va. */
static int cs_fail_op(const struct cs_snoop *s, struct cs_error *err,
		      int code, const char *op, uint64_t va, uint64_t size)
{
	char who[96], what[96];

	if (!err)
		return code;
	cs_snoop_who(s, who, sizeof(who));
	if (size)
		snprintf(what, sizeof(what), "%s %llu bytes at VA 0x%llx", op,
			 (unsigned long long)size, (unsigned long long)va);
	else
		snprintf(what, sizeof(what), "%s at VA 0x%llx", op,
			 (unsigned long long)va);

	switch (code) {
	case -EIO:
	case -ENOENT:
		return cs_fail(err, code,
			       "cannot %s of %s: nothing is mapped there", what,
			       who);
	case -EACCES:
		return cs_fail(err, code,
			       "cannot %s of %s: %s", what, who,
			       s->info.flags & CS_ATTACH_READONLY ?
			       "the snoop file is attached read-only" :
			       "the GPU maps it read-only");
	case -EPERM:
		return cs_fail(err, code,
			       "cannot %s of %s: the snoop file is attached read-only",
			       what, who);
	case -EBADFD:
		return cs_fail(err, code,
			       "cannot %s: the snoop file %s is not attached (a reopened /dev/fd/N is a new, unattached file)",
			       what, s->info.snoop_node);
	case -ENODEV:
		return cs_fail(err, code,
			       "cannot %s of %s: card%d is gone (the GPU was unplugged or its driver unbound)",
			       what, who, s->info.card_index);
	case -ENXIO:
		return cs_fail(err, code,
			       "nothing is mapped in %s at or after VA 0x%llx",
			       who, (unsigned long long)va);
	default:
		return cs_fail(err, code, "cannot %s of %s: %s", what, who,
			       cs_errno_desc(-code));
	}
}

#define CS_CHECK_SNOOP(s, err)						\
	do {								\
		if (!(s))						\
			return cs_fail(err, -EINVAL, "%s: snoop is NULL", \
				       __func__);			\
	} while (0)

cs_public ssize_t cs_read(struct cs_snoop *snoop, uint64_t va, void *buf,
			  size_t size, struct cs_error *err)
{
	uint64_t off;
	size_t done = 0;
	ssize_t n;
	int ret;

	CS_CHECK_SNOOP(snoop, err);
	ret = cs_snoop_offset(snoop, va, &off, err);
	if (ret < 0)
		return ret;
	if (size > SSIZE_MAX)
		size = SSIZE_MAX;
	while (done < size) {
		n = pread(snoop->fd, (char *)buf + done, size - done,
			  (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			/* A hole after a short read ends the read. */
			if (done)
				break;
			return cs_fail_op(snoop, err, -errno, "read", va, size);
		}
		if (n == 0)
			break;
		done += n;
	}
	return done;
}

cs_public ssize_t cs_write(struct cs_snoop *snoop, uint64_t va,
			   const void *buf, size_t size, struct cs_error *err)
{
	uint64_t off;
	size_t done = 0;
	ssize_t n;
	int ret;

	CS_CHECK_SNOOP(snoop, err);
	ret = cs_snoop_offset(snoop, va, &off, err);
	if (ret < 0)
		return ret;
	if (size > SSIZE_MAX)
		size = SSIZE_MAX;
	while (done < size) {
		n = pwrite(snoop->fd, (const char *)buf + done, size - done,
			   (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			if (done)
				break;
			/* A read-only attachment is an O_RDONLY file. */
			if (errno == EBADF &&
			    (snoop->info.flags & CS_ATTACH_READONLY))
				errno = EPERM;
			return cs_fail_op(snoop, err, -errno, "write", va, size);
		}
		if (n == 0)
			break;
		done += n;
	}
	return done;
}

cs_public int cs_map(struct cs_snoop *snoop, uint64_t va, size_t size,
		     int prot, void **ptr, struct cs_error *err)
{
	uint64_t off, delta;
	void *p;
	int ret;

	CS_CHECK_SNOOP(snoop, err);
	if (!ptr)
		return cs_fail(err, -EINVAL, "cs_map: ptr is NULL");
	*ptr = NULL;
	if (!size)
		return cs_fail(err, -EINVAL, "cs_map: size is 0");
	if (prot & ~(PROT_READ | PROT_WRITE))
		return cs_fail(err, -EINVAL,
			       "cs_map: prot may only hold PROT_READ and PROT_WRITE");
	ret = cs_snoop_offset(snoop, va, &off, err);
	if (ret < 0)
		return ret;
	delta = off & (snoop->page_size - 1);
	if (size > SIZE_MAX - delta)
		return cs_fail(err, -EINVAL, "cs_map: size too large");
	p = mmap(NULL, size + delta, prot, MAP_SHARED, snoop->fd,
		 (off_t)(off - delta));
	if (p == MAP_FAILED)
		return cs_fail_op(snoop, err, -errno, "map", va, size);
	*ptr = (char *)p + delta;
	return 0;
}

cs_public int cs_unmap(struct cs_snoop *snoop, void *ptr, size_t size,
		       struct cs_error *err)
{
	uintptr_t delta;

	CS_CHECK_SNOOP(snoop, err);
	if (!ptr || !size)
		return cs_fail(err, -EINVAL, "cs_unmap: NULL pointer or size 0");
	/* cs_map() kept the VA's offset in its page. */
	delta = (uintptr_t)ptr & (snoop->page_size - 1);
	if (munmap((char *)ptr - delta, size + delta) < 0)
		return cs_fail(err, -errno, "cs_unmap(%p, %zu): %s", ptr, size,
			       cs_errno_desc(errno));
	return 0;
}

cs_public int cs_sync(struct cs_snoop *snoop, struct cs_error *err)
{
	char who[96];
	int ret;

	CS_CHECK_SNOOP(snoop, err);
	do {
		ret = fsync(snoop->fd);
	} while (ret < 0 && errno == EINTR);
	if (ret < 0) {
		ret = -errno;
		if (ret == -ENODEV || ret == -EBADFD)
			return cs_fail_op(snoop, err, ret, "sync", 0, 0);
		return cs_fail(err, ret,
			       "cannot write the VRAM snapshots of %s back: %s",
			       cs_snoop_who(snoop, who, sizeof(who)),
			       cs_errno_desc(-ret));
	}
	return 0;
}

cs_public int cs_refresh(struct cs_snoop *snoop, uint64_t va, uint64_t size,
			 uint32_t flags, uint64_t *dropped,
			 struct cs_error *err)
{
	struct cardsnoop_refresh r;
	uint64_t off;
	int ret;

	CS_CHECK_SNOOP(snoop, err);
	if (flags & ~CS_REFRESH_DISCARD)
		return cs_fail(err, -EINVAL, "cs_refresh: unknown flags 0x%x",
			       flags & ~CS_REFRESH_DISCARD);
	ret = cs_snoop_offset(snoop, va, &off, err);
	if (ret < 0)
		return ret;
	memset(&r, 0, sizeof(r));
	r.va = off;
	r.size = size;
	r.flags = flags;
	ret = cs_ioctl(snoop->fd, CARDSNOOP_IOCTL_REFRESH, &r);
	if (ret < 0)
		return cs_fail_op(snoop, err, ret, "refresh", va, size);
	if (dropped)
		*dropped = r.dropped;
	return 0;
}

cs_public int cs_resolve(struct cs_snoop *snoop, uint64_t va,
			 struct cs_resolution *res, struct cs_error *err)
{
	struct cardsnoop_resolve r;
	struct cs_resolution out;
	unsigned int bits;
	uint32_t size;
	uint64_t off;
	int ret;

	CS_CHECK_SNOOP(snoop, err);
	if (!res || res->struct_size < sizeof(struct cs_resolution))
		return cs_fail(err, -EINVAL,
			       "cs_resolve: res is NULL or its struct_size is too small");
	ret = cs_snoop_offset(snoop, va, &off, err);
	if (ret < 0)
		return ret;
	memset(&r, 0, sizeof(r));
	r.va = off;
	ret = cs_ioctl(snoop->fd, CARDSNOOP_IOCTL_RESOLVE, &r);
	if (ret < 0)
		return cs_fail_op(snoop, err, ret, "resolve", va, 0);

	bits = snoop->info.va_bits;
	memset(&out, 0, sizeof(out));
	out.struct_size = res->struct_size;
	out.placement = r.mapping.placement;
	out.va = cs_offset_to_va(bits, off);
	out.map_va = cs_offset_to_va(bits, r.mapping.va);
	out.map_size = r.mapping.size;
	out.bo_id = r.mapping.bo_id;
	out.bo_offset = r.mapping.bo_offset + (off - r.mapping.va);
	out.kind = r.mapping.kind;
	out.perms = r.mapping.perms;
	out.extent_size = r.extent_size;
	out.page_size = r.page_size;
	out.vram_offset = r.vram_offset;
	out.phys_addr = r.phys_addr;
	out.dma_addr = r.dma_addr;
	out.snapshot = r.snapshot;
	out.snapshot_dirty = r.snapshot_dirty;

	/* A newer caller's larger struct: the fields we do not know are 0. */
	size = res->struct_size;
	memcpy(res, &out, sizeof(out));
	if (size > sizeof(out))
		memset((char *)res + sizeof(out), 0, size - sizeof(out));
	return 0;
}

static int cs_seek(struct cs_snoop *snoop, uint64_t va, int whence,
		   uint64_t *found, struct cs_error *err)
{
	uint64_t off;
	off_t pos;
	int ret;

	CS_CHECK_SNOOP(snoop, err);
	if (!found)
		return cs_fail(err, -EINVAL, "cs_seek: found is NULL");
	ret = cs_snoop_offset(snoop, va, &off, err);
	if (ret < 0)
		return ret;
	pos = lseek(snoop->fd, (off_t)off, whence);
	if (pos < 0)
		return cs_fail_op(snoop, err, -errno,
				  whence == SEEK_DATA ? "seek data" : "seek hole",
				  va, 0);
	*found = cs_offset_to_va(snoop->info.va_bits, (uint64_t)pos);
	return 0;
}

cs_public int cs_seek_data(struct cs_snoop *snoop, uint64_t va,
			   uint64_t *found, struct cs_error *err)
{
	return cs_seek(snoop, va, SEEK_DATA, found, err);
}

cs_public int cs_seek_hole(struct cs_snoop *snoop, uint64_t va,
			   uint64_t *found, struct cs_error *err)
{
	return cs_seek(snoop, va, SEEK_HOLE, found, err);
}

/*
 * struct cs_mapping_iter - a walk over MAPPINGS in batches
 * @next: file offset to ask the kernel from.
 * @end: exclusive end of the range, as a file offset.
 * @n, @i: records in @buf, and the next one to hand out.
 * @done: the kernel has no more.
 */
struct cs_mapping_iter {
	struct cs_snoop *snoop;
	uint64_t next;
	uint64_t end;
	unsigned int n;
	unsigned int i;
	bool done;
	struct cs_mapping cur;
	struct cardsnoop_mapping buf[CS_MAPPINGS_BATCH];
};

cs_public int cs_mappings_open(struct cs_snoop *snoop, uint64_t va,
			       uint64_t size, struct cs_mapping_iter **iter,
			       struct cs_error *err)
{
	struct cs_mapping_iter *it;
	uint64_t off;
	int ret;

	CS_CHECK_SNOOP(snoop, err);
	if (!iter)
		return cs_fail(err, -EINVAL, "cs_mappings_open: iter is NULL");
	*iter = NULL;
	ret = cs_snoop_offset(snoop, va, &off, err);
	if (ret < 0)
		return ret;
	it = calloc(1, sizeof(*it));
	if (!it)
		return cs_fail(err, -ENOMEM, "out of memory");
	it->snoop = snoop;
	it->next = off;
	it->end = size && off + size > off ? off + size : UINT64_MAX;
	*iter = it;
	return 0;
}

static int cs_mappings_fetch(struct cs_mapping_iter *it, struct cs_error *err)
{
	struct cardsnoop_mappings q;
	int ret;

	memset(&q, 0, sizeof(q));
	q.start = it->next;
	q.mappings_ptr = (uintptr_t)it->buf;
	q.count = CS_MAPPINGS_BATCH;
	q.stride = sizeof(it->buf[0]);
	ret = cs_ioctl(it->snoop->fd, CARDSNOOP_IOCTL_MAPPINGS, &q);
	if (ret < 0)
		return cs_fail_op(it->snoop, err, ret, "list the mappings",
				  cs_offset_to_va(it->snoop->info.va_bits,
						  it->next), 0);
	it->n = CS_MIN(q.count, (unsigned int)CS_MAPPINGS_BATCH);
	it->i = 0;
	/* No progress would loop forever: take this batch and stop. */
	if (!it->n || q.next <= it->next)
		it->done = true;
	it->next = q.next;
	return 0;
}

cs_public int cs_mappings_next(struct cs_mapping_iter *iter,
			       const struct cs_mapping **mapping,
			       struct cs_error *err)
{
	const struct cardsnoop_mapping *m;
	unsigned int bits;
	int ret;

	if (!iter || !mapping)
		return cs_fail(err, -EINVAL, "cs_mappings_next: NULL argument");
	*mapping = NULL;
	if (iter->i >= iter->n) {
		if (iter->done)
			return 0;
		ret = cs_mappings_fetch(iter, err);
		if (ret < 0)
			return ret;
		if (!iter->n)
			return 0;
	}
	m = &iter->buf[iter->i++];
	if (m->va >= iter->end) {
		iter->done = true;
		iter->n = 0;
		return 0;
	}
	bits = iter->snoop->info.va_bits;
	memset(&iter->cur, 0, sizeof(iter->cur));
	iter->cur.struct_size = sizeof(iter->cur);
	iter->cur.placement = m->placement;
	iter->cur.va = cs_offset_to_va(bits, m->va);
	iter->cur.size = m->size;
	iter->cur.offset = m->va;
	iter->cur.bo_id = m->bo_id;
	iter->cur.bo_offset = m->bo_offset;
	iter->cur.kind = m->kind;
	iter->cur.perms = m->perms;
	*mapping = &iter->cur;
	return 1;
}

cs_public void cs_mappings_close(struct cs_mapping_iter *iter)
{
	free(iter);
}

cs_public int cs_for_each_mapping(struct cs_snoop *snoop, uint64_t va,
				  uint64_t size, cs_mapping_fn fn, void *data,
				  struct cs_error *err)
{
	const struct cs_mapping *m;
	struct cs_mapping_iter *it;
	int ret;

	if (!fn)
		return cs_fail(err, -EINVAL, "cs_for_each_mapping: fn is NULL");
	ret = cs_mappings_open(snoop, va, size, &it, err);
	if (ret < 0)
		return ret;
	while ((ret = cs_mappings_next(it, &m, err)) > 0) {
		ret = fn(m, data);
		if (ret)
			break;
	}
	cs_mappings_close(it);
	return ret;
}

cs_public int cs_count_mappings(struct cs_snoop *snoop, uint64_t va,
				uint64_t *count, struct cs_error *err)
{
	struct cardsnoop_mappings q;
	uint64_t off;
	int ret;

	CS_CHECK_SNOOP(snoop, err);
	if (!count)
		return cs_fail(err, -EINVAL, "cs_count_mappings: count is NULL");
	ret = cs_snoop_offset(snoop, va, &off, err);
	if (ret < 0)
		return ret;
	memset(&q, 0, sizeof(q));
	q.start = off;
	q.stride = sizeof(struct cardsnoop_mapping);
	ret = cs_ioctl(snoop->fd, CARDSNOOP_IOCTL_MAPPINGS, &q);
	if (ret < 0)
		return cs_fail_op(snoop, err, ret, "count the mappings", va, 0);
	*count = q.count;
	return 0;
}
