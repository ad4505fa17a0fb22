// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The cardsnoop authors
 */

/**
 * DOC: Access
 *
 * read(2)/write(2) follow /proc/PID/mem: any size and alignment, chunked;
 * they stop at the first unmapped byte with a short count, and fail with
 * -EIO when the first byte is unmapped (unless %CARDSNOOP_ATTACH_ZERO_HOLES,
 * for reads).  Each step resolves one extent under the driver's VM lock and
 * then copies under the VM's sequence lock (read side), after checking that
 * no invalidation ran since the step began (see DOC: Overview):
 *
 * - system pages are copied straight to the reader with page faults
 *   disabled; if that faults, every lock is dropped, the user buffer is
 *   faulted in and the step retried;
 * - VRAM is copied into a kernel bounce buffer under the locks and to the
 *   reader after they are dropped, and only if the sequence count still
 *   matches (so a VRAM range freed and reused by another process is never
 *   shown);
 * - writes always copy the user's bytes into the bounce buffer first;
 * - sparse mappings read as zeros and drop writes;
 * - userptr mappings are read through the target's page tables, the way
 *   /proc/PID/mem does.
 *
 * mmap(2) maps system pages as PFNs (the real pages: live and coherent) and
 * VRAM pages as system-memory snapshots, copied on the first fault.  Writes
 * to a snapshot mark it dirty (through &vm_operations_struct.pfn_mkwrite);
 * fsync(2) and msync(MS_SYNC) write dirty snapshots back to VRAM.  An
 * invalidation zaps the snooper's PTEs and drops the snapshots of the range,
 * counting dirty bytes that never reached VRAM as discarded.
 */

#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <drm/drm_device.h>
#include <drm/drm_print.h>
#include <drm/ttm/ttm_bo.h>
#include <drm/ttm/ttm_device.h>

#include "cardsnoop_internal.h"

/* Largest step done under the locks: bounds how long a reader holds them. */
#define CARDSNOOP_CHUNK		SZ_2M

/* Kernel bounce buffer for VRAM and for writes. */
#define CARDSNOOP_BOUNCE_SIZE	SZ_64K

static void cardsnoop_zap(struct cardsnoop_file *cf, u64 start, u64 end)
{
	if (end <= start)
		return;
	if (end - start > (u64)LLONG_MAX)
		unmap_mapping_range(cf->inode->i_mapping, start, 0, 1);
	else
		unmap_mapping_range(cf->inode->i_mapping, start, end - start, 1);
}

/**
 * cardsnoop_populated_mark() - note that PTEs of [@va, @va + @len) may exist
 * @cf: the snoop file
 * @va: first VA (file offset)
 * @len: bytes, not 0
 *
 * Context: the VM's sequence lock held for read, before the PTEs are
 * inserted.  May allocate (GFP_KERNEL), as the snapshot xarray does.
 * Return: 0 or -ENOMEM.
 */
int cardsnoop_populated_mark(struct cardsnoop_file *cf, u64 va, u64 len)
{
	unsigned long idx = va >> CARDSNOOP_POP_SHIFT;
	unsigned long last = (va + len - 1) >> CARDSNOOP_POP_SHIFT;
	int err;

	for (; idx <= last; idx++) {
		if (xa_load(&cf->populated, idx))
			continue;
		err = xa_err(xa_store(&cf->populated, idx, xa_mk_value(0),
				      GFP_KERNEL));
		if (err)
			return err;
	}
	return 0;
}

/**
 * cardsnoop_zap_populated_locked() - zap [@start, @end) if @cf may map any of it
 * @cf: the snoop file
 * @start: first VA
 * @end: end VA (exclusive), U64_MAX for the rest of the VA space
 *
 * Granules wholly inside the range are forgotten once zapped; the others
 * stay marked (other pages of theirs may still be mapped).
 *
 * Context: the VM's sequence lock held for write, so that no fault inserts
 * PTEs between the lookup and the zap.
 */
void cardsnoop_zap_populated_locked(struct cardsnoop_file *cf, u64 start,
				    u64 end)
{
	unsigned long idx = start >> CARDSNOOP_POP_SHIFT;
	unsigned long first, last;
	void *entry;

	if (end <= start ||
	    !xa_find(&cf->populated, &idx,
		     (end - 1) >> CARDSNOOP_POP_SHIFT, XA_PRESENT))
		return;
	cardsnoop_zap(cf, start, end);

	first = DIV_ROUND_UP_ULL(start, 1ull << CARDSNOOP_POP_SHIFT);
	last = end >> CARDSNOOP_POP_SHIFT;	/* exclusive */
	if (end == U64_MAX)
		last = ULONG_MAX;
	if (first >= last)
		return;
	xa_for_each_range(&cf->populated, idx, entry, first, last - 1)
		xa_erase(&cf->populated, idx);
}

static int cardsnoop_next_fn(void *arg, const struct cardsnoop_mapping *m)
{
	u64 *next = arg;

	*next = m->va;
	return 1;
}

/* Start of the first mapping at or after @va, or the end of the VA space. */
static u64 cardsnoop_next_mapping_locked(struct cardsnoop_file *cf,
					 struct cardsnoop_vm *vm, u64 va)
{
	u64 next = cardsnoop_va_space(cf->cdev);

	cf->cdev->ops->iterate(vm, va, cardsnoop_next_fn, &next);
	return max(next, va);
}

/*
 * Copy between @ext's system pages and user memory with page faults
 * disabled.  Return: bytes copied; *@faulted when it stopped on a fault.
 */
static size_t cardsnoop_copy_pages_user(const struct cardsnoop_extent *ext,
					char __user *ubuf, size_t n,
					bool *faulted)
{
	unsigned int off = ext->page_offset;
	size_t done = 0;
	unsigned long i;

	pagefault_disable();
	for (i = 0; done < n; i++) {
		size_t chunk = min_t(size_t, n - done, PAGE_SIZE - off);
		void *kaddr = kmap_local_page(ext->pages[i]);
		unsigned long left;

		left = __copy_to_user_inatomic(ubuf + done, kaddr + off, chunk);
		kunmap_local(kaddr);
		done += chunk - left;
		if (left) {
			*faulted = true;
			break;
		}
		off = 0;
	}
	pagefault_enable();
	return done;
}

/* Copy between @ext's system pages and a kernel buffer. */
static void cardsnoop_copy_pages_kernel(const struct cardsnoop_extent *ext,
					void *buf, size_t n, bool write)
{
	unsigned int off = ext->page_offset;
	size_t done = 0;
	unsigned long i;

	for (i = 0; done < n; i++) {
		size_t chunk = min_t(size_t, n - done, PAGE_SIZE - off);
		void *kaddr = kmap_local_page(ext->pages[i]);

		if (write)
			memcpy(kaddr + off, buf + done, chunk);
		else
			memcpy(buf + done, kaddr + off, chunk);
		kunmap_local(kaddr);
		done += chunk;
		off = 0;
	}
}

/* Copy between VRAM (or a TTM buffer's memory) and a kernel buffer. */
static int cardsnoop_copy_vram(struct cardsnoop_device *cdev,
			       const struct cardsnoop_extent *ext, u64 skip,
			       void *buf, size_t n, bool write)
{
	struct ttm_buffer_object *bo = ext->bo;
	int ret;

	if (ext->backing == CARDSNOOP_BACKING_VRAM)
		return cdev->ops->vram_access(cdev, ext->vram_offset + skip, buf,
					      n, write);

	ret = bo->bdev->funcs->access_memory(bo, ext->bo_offset + skip, buf,
					     n, write);
	if (ret < 0)
		return ret;
	return ret == n ? 0 : -EIO;
}

/*
 * Overlay this file's dirty snapshot bytes of [@va, @va + @n) onto @buf, so
 * that a read sees what the snooper wrote through its own mapping but has
 * not synced yet; or, for a write, update the snapshots with @buf.
 * Called with the sequence lock held.
 */
static void cardsnoop_snapshots_rw_locked(struct cardsnoop_file *cf, u64 va,
					  void *buf, size_t n, bool write)
{
	struct cardsnoop_snapshot *snap;
	unsigned long idx;

	if (xa_empty(&cf->snapshots))
		return;

	xa_for_each_range(&cf->snapshots, idx, snap, va >> PAGE_SHIFT,
			  (va + n - 1) >> PAGE_SHIFT) {
		u64 pstart = max_t(u64, (u64)idx << PAGE_SHIFT, va);
		u64 pend = min_t(u64, ((u64)idx + 1) << PAGE_SHIFT, va + n);
		void *kaddr = page_address(snap->page) + (pstart & ~PAGE_MASK);

		if (write)
			memcpy(kaddr, buf + (pstart - va), pend - pstart);
		else if (READ_ONCE(snap->dirty))
			memcpy(buf + (pstart - va), kaddr, pend - pstart);
	}
}

/*
 * Copy a userptr range through the target's page tables, with no lock of
 * ours held (as access_remote_vm() does for /proc/PID/mem).
 */
static ssize_t cardsnoop_copy_user_mm(struct mm_struct *mm, unsigned long addr,
				      char __user *ubuf, void *bounce,
				      size_t n, bool write)
{
	size_t done = 0;

	while (done < n) {
		unsigned int off = (addr + done) & ~PAGE_MASK;
		size_t chunk = min_t(size_t, n - done, PAGE_SIZE - off);
		struct page *page;
		void *kaddr;
		long got;

		if (mmap_read_lock_killable(mm))
			break;
		got = get_user_pages_remote(mm, addr + done, 1,
					    write ? FOLL_WRITE : 0, &page,
					    NULL);
		mmap_read_unlock(mm);
		if (got <= 0)
			break;

		kaddr = kmap_local_page(page);
		if (write) {
			memcpy(kaddr + off, bounce + done, chunk);
			set_page_dirty_lock(page);
		} else if (copy_to_user(ubuf + done, kaddr + off, chunk)) {
			kunmap_local(kaddr);
			put_page(page);
			return done ? done : -EFAULT;
		}
		kunmap_local(kaddr);
		put_page(page);
		done += chunk;
	}
	return done ? done : -EIO;
}

/*
 * One step of read/write at @pos: resolve one extent and copy at most @len
 * bytes of it.  For writes the bytes are already in @bounce.
 *
 * Return: bytes done (> 0), -EAGAIN to retry the step (after an
 * invalidation raced it, or after faulting in the user buffer with every
 * lock dropped), -ENOBUFS when it needs a bounce buffer and @bounce is NULL
 * (the caller allocates one with no lock held and retries), or
 * -EFAULT/-EIO/... on error.
 */
static ssize_t cardsnoop_step(struct cardsnoop_file *cf,
			      struct cardsnoop_vm *vm, u64 pos,
			      char __user *ubuf, size_t len, void *bounce,
			      bool write)
{
	struct cardsnoop_device *cdev = cf->cdev;
	const struct cardsnoop_backend_ops *ops = cdev->ops;
	struct cardsnoop_extent ext;
	struct mm_struct *mm;
	unsigned long seq;
	bool faulted = false;
	ssize_t ret;
	size_t n;

	ret = cardsnoop_vm_read_begin(vm, &seq);
	if (ret)
		return ret;
	ret = ops->lock_vm(vm);
	if (ret)
		return ret;

	memset(&ext, 0, sizeof(ext));
	ext.va = pos;
	ret = ops->resolve(vm, pos, &ext);
	if (ret == -ENOENT) {
		u64 next = cardsnoop_next_mapping_locked(cf, vm, pos);

		ops->unlock_vm(vm);
		if (write || !(cf->flags & CARDSNOOP_ATTACH_ZERO_HOLES))
			return -EIO;
		n = min_t(u64, len, next - pos);
		return clear_user(ubuf, n) ? -EFAULT : n;
	}
	if (ret)
		goto out_unlock;

	if (write && !(ext.map.perms & CARDSNOOP_PERM_WRITE)) {
		ret = -EACCES;
		goto out_unlock;
	}

	n = min_t(u64, len, ext.size);
	if (drm_WARN_ON_ONCE(cdev->drm, !n)) {
		ret = -EIO;
		goto out_unlock;
	}

	/* Reads of VRAM and uncached pages need the bounce buffer: get one. */
	if (!bounce && (ext.backing == CARDSNOOP_BACKING_VRAM ||
			ext.backing == CARDSNOOP_BACKING_TTM_ACCESS ||
			(ext.backing == CARDSNOOP_BACKING_PAGES &&
			 (ext.write_combined || ext.uncached)))) {
		ret = -ENOBUFS;
		goto out_unlock;
	}

	switch (ext.backing) {
	case CARDSNOOP_BACKING_ZERO:
		ops->unlock_vm(vm);
		if (write)
			return n;	/* sparse: writes are dropped */
		return clear_user(ubuf, n) ? -EFAULT : n;

	case CARDSNOOP_BACKING_USER:
		mm = ext.mm;
		if (!mm || !mmget_not_zero(mm)) {
			ret = -EIO;
			goto out_unlock;
		}
		ops->unlock_vm(vm);
		n = min_t(size_t, n, CARDSNOOP_BOUNCE_SIZE);
		ret = cardsnoop_copy_user_mm(mm, ext.user_addr, ubuf, bounce,
					     n, write);
		mmput(mm);
		if (ret > 0 && !write && cardsnoop_vm_read_retry(vm, seq))
			return -EAGAIN;
		return ret;

	case CARDSNOOP_BACKING_PAGES:
		if (write || ext.write_combined || ext.uncached)
			n = min_t(size_t, n, CARDSNOOP_BOUNCE_SIZE);
		else
			n = min_t(size_t, n, CARDSNOOP_CHUNK);
		down_read(&vm->lock);
		if (cardsnoop_vm_read_retry(vm, seq)) {
			ret = -EAGAIN;
			goto out_up;
		}
		if (ops->flush && !write)
			ops->flush(vm, false);
		if (write) {
			cardsnoop_copy_pages_kernel(&ext, bounce, n, true);
			if (ops->flush)
				ops->flush(vm, true);
			ret = n;
		} else if (ext.write_combined || ext.uncached) {
			/* Read uncached memory once, into the bounce buffer. */
			cardsnoop_copy_pages_kernel(&ext, bounce, n, false);
			ret = n;
		} else {
			ret = cardsnoop_copy_pages_user(&ext, ubuf, n, &faulted);
		}
		up_read(&vm->lock);
		ops->unlock_vm(vm);
		if (!write && (ext.write_combined || ext.uncached))
			return copy_to_user(ubuf, bounce, n) ? -EFAULT : n;
		if (faulted && !ret) {
			/*
			 * No lock held: fault in the whole step's destination
			 * (not a page: each retry costs a resolve), retry.
			 */
			if (fault_in_writeable(ubuf, n) == n)
				return -EFAULT;
			return -EAGAIN;
		}
		return ret;

	case CARDSNOOP_BACKING_VRAM:
	case CARDSNOOP_BACKING_TTM_ACCESS:
		n = min_t(size_t, n, CARDSNOOP_BOUNCE_SIZE);
		down_read(&vm->lock);
		if (cardsnoop_vm_read_retry(vm, seq)) {
			ret = -EAGAIN;
			goto out_up;
		}
		if (ops->flush && !write)
			ops->flush(vm, false);
		ret = cardsnoop_copy_vram(cdev, &ext, 0, bounce, n, write);
		if (!ret) {
			cardsnoop_snapshots_rw_locked(cf, pos, bounce, n, write);
			if (ops->flush && write)
				ops->flush(vm, true);
		}
		up_read(&vm->lock);
		ops->unlock_vm(vm);
		if (ret)
			return ret;
		if (write)
			return n;
		if (copy_to_user(ubuf, bounce, n))
			return -EFAULT;
		/* Copied out after the locks: show it only if still current. */
		return cardsnoop_vm_read_retry(vm, seq) ? -EAGAIN : n;
	}

	ret = -EIO;
	goto out_unlock;

out_up:
	up_read(&vm->lock);
out_unlock:
	ops->unlock_vm(vm);
	return ret;
}

/**
 * cardsnoop_rw() - read(2) and write(2) of a snoop file
 * @cf: the file
 * @ubuf: user buffer
 * @count: bytes
 * @ppos: file position = VA
 * @write: direction
 *
 * Return: bytes done, or -EBADFD (not attached), -ENODEV (device gone),
 * -EPERM (write on a read-only attachment), -EIO (first byte unmapped),
 * -EACCES (write to a GPU read-only mapping), -EFAULT, -EINTR (a fatal
 * signal before anything was done).
 */
ssize_t cardsnoop_rw(struct cardsnoop_file *cf, char __user *ubuf,
		     size_t count, loff_t *ppos, bool write)
{
	struct cardsnoop_device *cdev = cf->cdev;
	u64 space = cardsnoop_va_space(cdev);
	struct cardsnoop_vm *vm;
	void *bounce = NULL;
	u64 pos = *ppos;
	ssize_t done = 0, ret = 0;
	unsigned int retries = 0;
	int idx;

	vm = cardsnoop_attached_vm(cf);
	if (!vm)
		return cf->detached ? -ENODEV : -EBADFD;
	if (write && (cf->flags & CARDSNOOP_ATTACH_READONLY))
		return -EPERM;
	if (pos >= space || !count)
		return write && count ? -EIO : 0;
	count = min_t(u64, count, space - pos);
	if (!access_ok(ubuf, count))
		return -EFAULT;

	/*
	 * Writes always go through the bounce buffer; reads only for memory
	 * that is not cached system pages, so it is allocated on first need.
	 */
	if (write) {
		bounce = kvmalloc(CARDSNOOP_BOUNCE_SIZE, GFP_KERNEL);
		if (!bounce)
			return -ENOMEM;
	}

	while (count) {
		size_t len = count;

		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		if (write) {
			len = min_t(size_t, len, CARDSNOOP_BOUNCE_SIZE);
			if (copy_from_user(bounce, ubuf, len)) {
				ret = -EFAULT;
				break;
			}
		}

		if (!cardsnoop_enter(cdev, &idx)) {
			ret = -ENODEV;
			break;
		}
		ret = cardsnoop_step(cf, vm, pos, ubuf, len, bounce, write);
		cardsnoop_exit(cdev, idx);

		if (ret == -ENOBUFS) {
			bounce = kvmalloc(CARDSNOOP_BOUNCE_SIZE, GFP_KERNEL);
			if (!bounce) {
				ret = -ENOMEM;
				break;
			}
			continue;
		}
		if (ret == -EAGAIN) {
			atomic64_inc(&cf->stats.retries);
			/*
			 * Each retry waited for an invalidation to end; a
			 * target that rebinds the range without pause could
			 * starve us: give up with -EBUSY after 1000.
			 */
			if (++retries > 1000) {
				ret = -EBUSY;
				break;
			}
			cond_resched();
			continue;
		}
		if (ret <= 0)
			break;

		retries = 0;
		pos += ret;
		ubuf += ret;
		count -= ret;
		done += ret;
		cond_resched();
	}
	kvfree(bounce);

	if (done) {
		atomic64_add(done, write ? &cf->stats.written_bytes :
					   &cf->stats.read_bytes);
		*ppos = pos;
		return done;
	}
	return ret;
}

struct cardsnoop_seek_ctx {
	u64 pos;
	bool hole;
	bool found;
};

static int cardsnoop_seek_fn(void *arg, const struct cardsnoop_mapping *m)
{
	struct cardsnoop_seek_ctx *ctx = arg;

	if (!ctx->hole) {
		ctx->pos = max(ctx->pos, m->va);
		ctx->found = true;
		return 1;
	}
	if (m->va > ctx->pos)
		return 1;
	ctx->pos = max(ctx->pos, m->va + m->size);
	return 0;
}

/**
 * cardsnoop_seek_data() - %SEEK_DATA and %SEEK_HOLE over the mappings
 * @cf: the file
 * @pos: where to start, inside the VA space
 * @hole: %SEEK_HOLE
 *
 * Return: the position, or -ENXIO when there is no data at or after @pos
 * (%SEEK_DATA), or -EBADFD/-ENODEV/-EINTR.  The end of the VA space is the
 * hole that ends every file.
 */
loff_t cardsnoop_seek_data(struct cardsnoop_file *cf, loff_t pos, bool hole)
{
	struct cardsnoop_device *cdev = cf->cdev;
	struct cardsnoop_seek_ctx ctx = { .pos = pos, .hole = hole };
	struct cardsnoop_vm *vm;
	int ret, idx;

	vm = cardsnoop_attached_vm(cf);
	if (!vm)
		return cf->detached ? -ENODEV : -EBADFD;
	if (!cardsnoop_enter(cdev, &idx))
		return -ENODEV;
	ret = cdev->ops->lock_vm(vm);
	if (!ret) {
		cdev->ops->iterate(vm, pos, cardsnoop_seek_fn, &ctx);
		cdev->ops->unlock_vm(vm);
	}
	cardsnoop_exit(cdev, idx);
	if (ret)
		return ret;
	if (!hole && !ctx.found)
		return -ENXIO;
	return min_t(u64, ctx.pos, cardsnoop_va_space(cdev));
}

/* Snapshots ------------------------------------------------------------ */

static void cardsnoop_snapshot_free(struct cardsnoop_file *cf,
				    struct cardsnoop_snapshot *snap)
{
	spin_lock(&cf->snap_lock);
	list_del(&snap->lru);
	cf->snap_bytes -= PAGE_SIZE;
	spin_unlock(&cf->snap_lock);
	__free_page(snap->page);
	kfree(snap);
}

/**
 * cardsnoop_snapshots_drop_locked() - forget the snapshots of a range
 * @cf: the file
 * @start: first VA
 * @end: end VA (exclusive)
 * @count_discard: count dirty pages as discarded writes
 *
 * The caller has zapped the range from @cf's mappings and holds the VM's
 * sequence lock for write (or @cf is being released).
 */
void cardsnoop_snapshots_drop_locked(struct cardsnoop_file *cf, u64 start,
				     u64 end, bool count_discard)
{
	struct cardsnoop_snapshot *snap;
	unsigned long idx, last;

	if (xa_empty(&cf->snapshots) || end <= start)
		return;

	last = (end - 1) >> PAGE_SHIFT;
	xa_for_each_range(&cf->snapshots, idx, snap, start >> PAGE_SHIFT,
			  last) {
		xa_erase(&cf->snapshots, idx);
		if (count_discard && snap->dirty)
			atomic64_add(PAGE_SIZE, &cf->stats.discarded_bytes);
		cardsnoop_snapshot_free(cf, snap);
	}
}

/* At release: no mapping of the file is left. */
void cardsnoop_snapshots_free(struct cardsnoop_file *cf)
{
	cardsnoop_snapshots_drop_locked(cf, 0, U64_MAX, false);
	xa_destroy(&cf->snapshots);
	xa_destroy(&cf->populated);
}

/*
 * Write one dirty snapshot back.  Clear the dirty bit first, then zap the
 * PTEs, then copy: a write through the mapping after the zap faults again
 * and re-dirties the page, so nothing is lost.  Called with the VM lock and
 * the sequence lock (read) held.
 */
static int cardsnoop_snapshot_writeback_locked(struct cardsnoop_file *cf,
					       struct cardsnoop_vm *vm,
					       struct cardsnoop_snapshot *snap)
{
	struct cardsnoop_device *cdev = cf->cdev;
	int ret;

	if (!xchg(&snap->dirty, false))
		return 0;
	cardsnoop_zap(cf, snap->va, snap->va + PAGE_SIZE);

	/*
	 * The snapshot exists, so no invalidation touched its page since it
	 * was made: what it was copied from is still what backs it.  (No
	 * resolve here: the backend must not be asked to lock anything under
	 * the sequence lock.)
	 */
	ret = cardsnoop_copy_vram(cdev, &snap->from, 0, page_address(snap->page),
				  snap->from.size, true);
	if (ret) {
		WRITE_ONCE(snap->dirty, true);
		return ret;
	}
	if (cdev->ops->flush)
		cdev->ops->flush(vm, true);
	atomic64_add(PAGE_SIZE, &cf->stats.writeback_bytes);
	return 0;
}

/**
 * cardsnoop_sync() - write back and/or drop snapshots of a range
 * @cf: the attached file
 * @start: first VA
 * @end: end VA (exclusive)
 * @discard: REFRESH with %CARDSNOOP_REFRESH_DISCARD: drop without writing
 * @dropped: if not NULL, REFRESH: drop the snapshots and return the bytes
 *	dropped here; if NULL, fsync: write back dirty ones and keep them
 *
 * Return: 0, -EIO if a writeback failed, -ENODEV, -EINTR.
 */
int cardsnoop_sync(struct cardsnoop_file *cf, u64 start, u64 end,
		   bool discard, u64 *dropped)
{
	struct cardsnoop_device *cdev = cf->cdev;
	const struct cardsnoop_backend_ops *ops = cdev->ops;
	struct cardsnoop_snapshot *snap;
	struct cardsnoop_vm *vm;
	unsigned long idx;
	int ret = 0, err, srcu;

	if (dropped)
		*dropped = 0;
	vm = cardsnoop_attached_vm(cf);
	if (!vm)
		return cf->detached ? -ENODEV : -EBADFD;
	if (end <= start || xa_empty(&cf->snapshots))
		return 0;
	if (!cardsnoop_enter(cdev, &srcu))
		return -ENODEV;
	err = ops->lock_vm(vm);
	if (err)
		goto out_exit;

	if (!discard) {
		down_read(&vm->lock);
		xa_for_each_range(&cf->snapshots, idx, snap,
				  start >> PAGE_SHIFT, (end - 1) >> PAGE_SHIFT) {
			err = cardsnoop_snapshot_writeback_locked(cf, vm, snap);
			if (err && !ret)
				ret = err;
		}
		up_read(&vm->lock);
	}

	if (dropped) {
		down_write(&vm->lock);
		cardsnoop_zap(cf, start, end);
		xa_for_each_range(&cf->snapshots, idx, snap,
				  start >> PAGE_SHIFT, (end - 1) >> PAGE_SHIFT) {
			if (snap->dirty && !discard)
				continue;	/* its writeback failed */
			xa_erase(&cf->snapshots, idx);
			if (snap->dirty)
				atomic64_add(PAGE_SIZE,
					     &cf->stats.discarded_bytes);
			*dropped += PAGE_SIZE;
			cardsnoop_snapshot_free(cf, snap);
		}
		up_write(&vm->lock);
	}
	ops->unlock_vm(vm);
	err = ret;
out_exit:
	cardsnoop_exit(cdev, srcu);
	return err;
}

/*
 * Keep the snapshots under the limit: drop the oldest clean ones, and when
 * only dirty ones are left, write the oldest back and drop it.  Called from
 * the fault path with no lock of ours held.
 */
static void cardsnoop_snapshots_reclaim(struct cardsnoop_file *cf,
					struct cardsnoop_vm *vm)
{
	const struct cardsnoop_backend_ops *ops = cf->cdev->ops;
	/*
	 * At least 1 MiB: below what one instruction touches (two pages),
	 * a fault would drop the snapshot it just made, or the one the same
	 * access needs, and the access would fault forever.
	 */
	u64 limit = (u64)max(READ_ONCE(cardsnoop_snapshot_limit_mb), 1u) << 20;
	struct cardsnoop_snapshot *snap, *tmp;
	LIST_HEAD(victims);

	if (READ_ONCE(cf->snap_bytes) <= limit)
		return;
	if (ops->lock_vm(vm))
		return;
	down_write(&vm->lock);
	list_for_each_entry_safe(snap, tmp, &cf->snap_lru, lru) {
		if (cf->snap_bytes <= limit)
			break;
		if (snap->dirty) {
			/* Write-locked: writeback needs only exclusion. */
			if (cardsnoop_snapshot_writeback_locked(cf, vm, snap))
				continue;
			atomic64_add(PAGE_SIZE,
				     &cf->stats.reclaim_writeback_bytes);
		}
		atomic64_add(PAGE_SIZE, &cf->stats.reclaimed_bytes);
		cardsnoop_zap(cf, snap->va, snap->va + PAGE_SIZE);
		xa_erase(&cf->snapshots, snap->va >> PAGE_SHIFT);
		cardsnoop_snapshot_free(cf, snap);
	}
	up_write(&vm->lock);
	ops->unlock_vm(vm);
}

/* mmap ----------------------------------------------------------------- */

/*
 * Protection of the PTEs of live system pages.  vm_page_prot of a shared
 * writable mapping is read-only (write-notify, for pfn_mkwrite), which VRAM
 * snapshots need to track dirty pages; live pages need no tracking, so
 * they are mapped writable at once when both the mapping and the GPU
 * mapping allow writes, sparing a fault per page on first write.
 */
static pgprot_t cardsnoop_prot(struct vm_area_struct *vma,
			       const struct cardsnoop_extent *ext)
{
	pgprot_t prot = vma->vm_page_prot;

	if ((vma->vm_flags & (VM_WRITE | VM_SHARED)) == (VM_WRITE | VM_SHARED) &&
	    (ext->map.perms & CARDSNOOP_PERM_WRITE))
		prot = vm_get_page_prot(vma->vm_flags);
	if (ext->write_combined)
		return pgprot_writecombine(prot);
	if (ext->uncached)
		return pgprot_noncached(prot);
	return prot;
}

/*
 * Insert the system pages of @ext from the fault address on, at most
 * cardsnoop_fault_around_pages of them, within the VMA.  The first insert's
 * result is the fault's.  Sequence lock held.
 */
static vm_fault_t cardsnoop_fault_pages_locked(struct vm_fault *vmf,
					       struct cardsnoop_file *cf, u64 va,
					       const struct cardsnoop_extent *ext)
{
	struct vm_area_struct *vma = vmf->vma;
	unsigned long addr = vmf->address & PAGE_MASK;
	unsigned long nr = max_t(u64, ext->size >> PAGE_SHIFT, 1);
	pgprot_t prot = cardsnoop_prot(vma, ext);
	vm_fault_t ret, first = 0;
	unsigned long i;

	nr = min_t(unsigned long, nr, max(cardsnoop_fault_around_pages, 1u));
	nr = min_t(unsigned long, nr, (vma->vm_end - addr) >> PAGE_SHIFT);
	if (cardsnoop_populated_mark(cf, va, (u64)nr << PAGE_SHIFT))
		return VM_FAULT_OOM;
	for (i = 0; i < nr; i++, addr += PAGE_SIZE) {
		ret = vmf_insert_pfn_prot(vma, addr,
					  page_to_pfn(ext->pages[i]), prot);
		if (!i)
			first = ret;
		if (ret & VM_FAULT_ERROR)
			break;
	}
	return first;
}

/*
 * Map the snapshot of the VRAM page at @va, making it from VRAM if there is
 * none.  @prealloc is a zeroed page the caller allocated with no lock held;
 * used up (set to NULL) when a snapshot is made.  Sequence lock held.
 */
static vm_fault_t cardsnoop_fault_vram_locked(struct vm_fault *vmf,
					      struct cardsnoop_file *cf,
					      const struct cardsnoop_extent *ext,
					      struct cardsnoop_snapshot **prealloc)
{
	struct cardsnoop_snapshot *snap, *old;
	unsigned long idx = ext->va >> PAGE_SHIFT;
	int ret;

	snap = xa_load(&cf->snapshots, idx);
	if (!snap) {
		snap = *prealloc;
		ret = cardsnoop_copy_vram(cf->cdev, ext, 0,
					  page_address(snap->page),
					  min_t(u64, PAGE_SIZE, ext->size),
					  false);
		if (ret)
			return VM_FAULT_SIGBUS;
		snap->va = ext->va;
		snap->dirty = false;
		snap->from = *ext;
		snap->from.size = min_t(u64, PAGE_SIZE, ext->size);
		old = xa_cmpxchg(&cf->snapshots, idx, NULL, snap, GFP_KERNEL);
		if (xa_is_err(old))
			return VM_FAULT_OOM;
		if (old) {
			snap = old;	/* another fault made it first */
		} else {
			*prealloc = NULL;
			spin_lock(&cf->snap_lock);
			list_add_tail(&snap->lru, &cf->snap_lru);
			cf->snap_bytes += PAGE_SIZE;
			spin_unlock(&cf->snap_lock);
			atomic64_inc(&cf->stats.snapshot_faults);
		}
	}
	/* The PTE goes at the faulting page, whatever the extent says. */
	if (cardsnoop_populated_mark(cf, (u64)vmf->pgoff << PAGE_SHIFT,
				     PAGE_SIZE))
		return VM_FAULT_OOM;
	return vmf_insert_pfn(vmf->vma, vmf->address & PAGE_MASK,
			      page_to_pfn(snap->page));
}

static struct cardsnoop_snapshot *cardsnoop_snapshot_alloc(void)
{
	struct cardsnoop_snapshot *snap;

	snap = kzalloc(sizeof(*snap), GFP_KERNEL);
	if (!snap)
		return NULL;
	snap->page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!snap->page) {
		kfree(snap);
		return NULL;
	}
	INIT_LIST_HEAD(&snap->lru);
	return snap;
}

static vm_fault_t cardsnoop_do_fault(struct vm_fault *vmf, bool mkwrite)
{
	struct vm_area_struct *vma = vmf->vma;
	struct cardsnoop_file *cf = vma->vm_private_data;
	struct cardsnoop_device *cdev = cf->cdev;
	const struct cardsnoop_backend_ops *ops = cdev->ops;
	bool write = mkwrite || (vmf->flags & FAULT_FLAG_WRITE);
	u64 va = (u64)vmf->pgoff << PAGE_SHIFT;
	struct cardsnoop_snapshot *prealloc = NULL, *snap;
	struct cardsnoop_extent ext;
	struct cardsnoop_vm *vm;
	unsigned long seq;
	unsigned int retries = 0;
	vm_fault_t ret;
	int idx, err;

	vm = cardsnoop_attached_vm(cf);
	if (!vm || !cardsnoop_enter(cdev, &idx))
		return VM_FAULT_SIGBUS;
	atomic64_inc(&cf->stats.faults);

retry:
	if (++retries > 1000) {
		ret = VM_FAULT_SIGBUS;
		goto out;
	}
	err = cardsnoop_vm_read_begin(vm, &seq);
	if (err) {
		/* Fatal signal: let the task die on the way out. */
		ret = err == -EINTR ? VM_FAULT_NOPAGE : VM_FAULT_SIGBUS;
		goto out;
	}
	if (ops->lock_vm(vm)) {
		ret = VM_FAULT_NOPAGE;
		goto out;
	}

	memset(&ext, 0, sizeof(ext));
	ext.va = va;
	err = ops->resolve(vm, va, &ext);
	if (err == -ENOENT && !write &&
	    (cf->flags & CARDSNOOP_ATTACH_ZERO_HOLES)) {
		ext.backing = CARDSNOOP_BACKING_ZERO;
		ext.map.perms = CARDSNOOP_PERM_READ;
		err = 0;
	}
	if (err) {
		ops->unlock_vm(vm);
		if (err == -EAGAIN)
			goto retry;
		ret = err == -ENOMEM ? VM_FAULT_OOM : VM_FAULT_SIGBUS;
		goto out;
	}
	if (write && !(ext.map.perms & CARDSNOOP_PERM_WRITE)) {
		ops->unlock_vm(vm);
		ret = VM_FAULT_SIGBUS;
		goto out;
	}

	if ((ext.backing == CARDSNOOP_BACKING_VRAM ||
	     ext.backing == CARDSNOOP_BACKING_TTM_ACCESS) && !prealloc &&
	    !xa_load(&cf->snapshots, va >> PAGE_SHIFT)) {
		/* Allocate with no lock held, then start over. */
		ops->unlock_vm(vm);
		prealloc = cardsnoop_snapshot_alloc();
		if (!prealloc) {
			ret = VM_FAULT_OOM;
			goto out;
		}
		goto retry;
	}

	down_read(&vm->lock);
	if (cardsnoop_vm_read_retry(vm, seq)) {
		up_read(&vm->lock);
		ops->unlock_vm(vm);
		atomic64_inc(&cf->stats.retries);
		goto retry;
	}

	switch (ext.backing) {
	case CARDSNOOP_BACKING_PAGES:
		/* Write to a present PTE: nothing to track for live pages. */
		ret = mkwrite ? 0 : cardsnoop_fault_pages_locked(vmf, cf, va,
								 &ext);
		break;
	case CARDSNOOP_BACKING_VRAM:
	case CARDSNOOP_BACKING_TTM_ACCESS:
		if (mkwrite) {
			snap = xa_load(&cf->snapshots, va >> PAGE_SHIFT);
			if (snap)
				WRITE_ONCE(snap->dirty, true);
			/* No snapshot: it was dropped and zapped; refault. */
			ret = snap ? 0 : VM_FAULT_NOPAGE;
		} else {
			ret = cardsnoop_fault_vram_locked(vmf, cf, &ext,
							  &prealloc);
		}
		break;
	case CARDSNOOP_BACKING_ZERO:
		if (write)
			ret = VM_FAULT_SIGBUS;
		else if (cardsnoop_populated_mark(cf, va, PAGE_SIZE))
			ret = VM_FAULT_OOM;
		else
			ret = vmf_insert_pfn(vma, vmf->address & PAGE_MASK,
					     my_zero_pfn(vmf->address));
		break;
	default:
		/*
		 * Userptr: faulting the target's address space from inside our
		 * own page fault would nest mmap_locks; read it with pread().
		 */
		ret = VM_FAULT_SIGBUS;
		break;
	}
	up_read(&vm->lock);
	ops->unlock_vm(vm);

	if (!prealloc && !mkwrite)
		cardsnoop_snapshots_reclaim(cf, vm);
out:
	if (prealloc) {
		__free_page(prealloc->page);
		kfree(prealloc);
	}
	cardsnoop_exit(cdev, idx);
	return ret;
}

static vm_fault_t cardsnoop_vm_fault(struct vm_fault *vmf)
{
	return cardsnoop_do_fault(vmf, false);
}

/* A write to a present, read-only PTE of a shared writable mapping. */
static vm_fault_t cardsnoop_vm_pfn_mkwrite(struct vm_fault *vmf)
{
	return cardsnoop_do_fault(vmf, true);
}

static const struct vm_operations_struct cardsnoop_vm_ops = {
	.fault = cardsnoop_vm_fault,
	.pfn_mkwrite = cardsnoop_vm_pfn_mkwrite,
};

/**
 * cardsnoop_mmap() - mmap(2) of a snoop file
 * @cf: the file
 * @vma: the new mapping; its offset is the VA
 *
 * Return: 0, -EBADFD (not attached), -ENODEV, -EINVAL (not %MAP_SHARED, or
 * past the VA space), -EACCES (writable mapping of a read-only attachment).
 */
int cardsnoop_mmap(struct cardsnoop_file *cf, struct vm_area_struct *vma)
{
	u64 space = cardsnoop_va_space(cf->cdev);
	u64 start = (u64)vma->vm_pgoff << PAGE_SHIFT;
	u64 size = vma->vm_end - vma->vm_start;

	if (!cardsnoop_attached_vm(cf))
		return cf->detached ? -ENODEV : -EBADFD;
	/* VM_MAYSHARE: a shared mapping of a file opened read-only has no VM_SHARED. */
	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	if (start >= space || size > space - start)
		return -EINVAL;
	if (cf->flags & CARDSNOOP_ATTACH_READONLY) {
		if (vma->vm_flags & VM_WRITE)
			return -EACCES;
		vm_flags_clear(vma, VM_MAYWRITE);
	}

	vm_flags_set(vma, VM_PFNMAP | VM_IO | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_ops = &cardsnoop_vm_ops;
	vma->vm_private_data = cf;
	return 0;
}
