/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The cardsnoop authors
 *
 * Private declarations shared by the files of the cardsnoop core.
 */
#ifndef __CARDSNOOP_INTERNAL_H__
#define __CARDSNOOP_INTERNAL_H__

#include <linux/atomic.h>
#include <linux/kref.h>
#include <linux/miscdevice.h>
#include <linux/srcu.h>
#include <linux/xarray.h>

#include <drm/cardsnoop.h>

struct file;
struct pid;

/**
 * struct cardsnoop_device - one snoop node, for one DRM device
 */
struct cardsnoop_device {
	/** @ref: held by the driver until unregister and by every open file. */
	struct kref ref;

	/** @drm: the DRM device; only dereferenced before @unplugged. */
	struct drm_device *drm;

	/** @ops: the backend; only called inside cardsnoop_enter(). */
	const struct cardsnoop_backend_ops *ops;

	/** @priv: the driver's pointer, cardsnoop_device_priv(). */
	void *priv;

	/** @va_bits: width of the GPU VA space. */
	u32 va_bits;

	/** @card_index: N of cardN. */
	u32 card_index;

	/** @render_index: N of renderDN, or ~0. */
	u32 render_index;

	/** @vram_size: bytes of VRAM. */
	u64 vram_size;

	/** @driver: DRM driver name. */
	char driver[32];

	/** @name: "cardN-snoop"; @nodename: "dri/cardN-snoop". */
	char name[32];

	/** @nodename: see @name. */
	char nodename[40];

	/** @misc: the character device. */
	struct miscdevice misc;

	/**
	 * @srcu: read side held around every call into the backend, so that
	 * cardsnoop_unregister() can wait for them to finish.  SRCU rather
	 * than a rwsem: a reader may fault on user memory (mmap_lock) while
	 * inside, and a fault handler takes it under mmap_lock.
	 */
	struct srcu_struct srcu;

	/** @unplugged: set once by cardsnoop_unregister(). */
	bool unplugged;

	/**
	 * @files_lock: protects @files.  Taken outside &cardsnoop_file.lock
	 * and &cardsnoop_vm.lock; held by cardsnoop_unregister() while it
	 * detaches the files, so that a release waits for it.
	 */
	struct mutex files_lock;

	/** @files: attached files, for unregister to detach them. */
	struct list_head files;
};

/**
 * struct cardsnoop_counters - per-file statistics shown in fdinfo
 */
struct cardsnoop_counters {
	/** @read_bytes: bytes read. */
	atomic64_t read_bytes;
	/** @written_bytes: bytes written. */
	atomic64_t written_bytes;
	/** @faults: mmap faults handled. */
	atomic64_t faults;
	/** @retries: accesses that raced an invalidation and retried. */
	atomic64_t retries;
	/** @invalidations: invalidations that reached this file. */
	atomic64_t invalidations;
	/** @snapshot_faults: VRAM pages copied into snapshots. */
	atomic64_t snapshot_faults;
	/** @discarded_bytes: dirty snapshot bytes dropped by an invalidation. */
	atomic64_t discarded_bytes;
	/** @writeback_bytes: dirty snapshot bytes written back to VRAM. */
	atomic64_t writeback_bytes;
	/**
	 * @reclaimed_bytes: snapshot bytes dropped to stay under
	 * snapshot_limit_mb, dirty ones written back first.
	 */
	atomic64_t reclaimed_bytes;
	/**
	 * @reclaim_writeback_bytes: the part of @writeback_bytes that reclaim
	 * wrote back (at a fault, not at fsync or REFRESH).
	 */
	atomic64_t reclaim_writeback_bytes;
};

/**
 * struct cardsnoop_snapshot - system-memory copy of one VRAM page
 */
struct cardsnoop_snapshot {
	/** @page: the copy, mapped into snooper VMAs as a PFN. */
	struct page *page;
	/** @dirty: written through a mapping since the last writeback. */
	bool dirty;
	/** @lru: position in &cardsnoop_file.snap_lru. */
	struct list_head lru;
	/** @va: VA of the page. */
	u64 va;
	/**
	 * @from: where the copy came from (backing, VRAM offset or buffer and
	 * offset, size), for the writeback.  Valid as long as the snapshot
	 * exists: an invalidation of its page drops it first.
	 */
	struct cardsnoop_extent from;
};

/**
 * struct cardsnoop_file - an open snoop node
 *
 * Attached at most once; after that @vm, @drm_filp, @owner and @flags never
 * change until release (or cardsnoop_unregister(), which detaches).
 */
struct cardsnoop_file {
	/** @cdev: the device, referenced. */
	struct cardsnoop_device *cdev;

	/** @filp: the file. */
	struct file *filp;

	/**
	 * @lock: serialises ATTACH against itself and against detach at
	 * unregister/release.
	 */
	struct mutex lock;

	/** @attached: set (release) once @vm is valid; read with acquire. */
	bool attached;

	/** @detached: the device went away under the attachment. */
	bool detached;

	/** @vm: the VM, referenced through the backend. */
	struct cardsnoop_vm *vm;

	/** @drm_filp: the target's DRM file, referenced; NULL for kernel. */
	struct file *drm_filp;

	/** @owner: pid of the DRM file's owner at attach time. */
	struct pid *owner;

	/** @client_id: drm-client-id of the DRM file. */
	u64 client_id;

	/** @flags: %CARDSNOOP_ATTACH_* flags. */
	u32 flags;

	/** @inode: private inode: its mapping is what we zap. */
	struct inode *inode;

	/** @vm_link: in &cardsnoop_vm.attachments, under &cardsnoop_vm.lock. */
	struct list_head vm_link;

	/** @dev_link: in &cardsnoop_device.files, under its @files_lock. */
	struct list_head dev_link;

	/**
	 * @snapshots: VRAM snapshot pages by VA page number.  Entries are
	 * added and removed under &cardsnoop_vm.lock (the sequence lock) and
	 * @snap_lock; faults look them up under the sequence lock.
	 */
	struct xarray snapshots;

	/**
	 * @populated: the 64 KiB granules (VA >> %CARDSNOOP_POP_SHIFT) in
	 * which this file may have PTEs.  Marked under the sequence lock (read
	 * side) before a fault inserts PTEs; looked up and cleared under it
	 * (write side) by invalidations, which skip the zap when no granule
	 * of their range is marked (a bind or unbind where the snooper never
	 * looked costs no page-table walk and no TLB flush).
	 */
	struct xarray populated;

	/** @snap_lock: protects @snap_lru, @snap_bytes and snapshot flags. */
	spinlock_t snap_lock;

	/** @snap_lru: clean and dirty snapshots, least recently made first. */
	struct list_head snap_lru;

	/** @snap_bytes: bytes held by @snapshots. */
	u64 snap_bytes;

	/** @stats: counters for fdinfo. */
	struct cardsnoop_counters stats;

	/**
	 * @ev_lock: protects the event queue: @ev_ring, @ev_head, @ev_count,
	 * @ev_seqno, @ev_dropped*, @ev_exit_reported.  Innermost.
	 */
	spinlock_t ev_lock;

	/** @ev_ring: @ev_cap records, allocated at ATTACH. */
	struct cardsnoop_event *ev_ring;

	/** @ev_cap: room in @ev_ring. */
	u32 ev_cap;

	/** @ev_head: index of the oldest record. */
	u32 ev_head;

	/** @ev_count: records queued. */
	u32 ev_count;

	/** @ev_exit_reported: TARGET_EXIT was queued. */
	bool ev_exit_reported;

	/** @ev_seqno: sequence number of the last record queued. */
	u64 ev_seqno;

	/** @ev_dropped: records dropped since the last OVERFLOW record. */
	u64 ev_dropped;

	/** @ev_dropped_first: seqno of the first of them. */
	u64 ev_dropped_first;

	/** @ev_dropped_last: seqno of the last of them. */
	u64 ev_dropped_last;

	/** @ev_wq: poll(2) and %CARDSNOOP_EVENTS_WAIT sleep here. */
	wait_queue_head_t ev_wq;
};

extern const struct file_operations cardsnoop_fops;
extern unsigned int cardsnoop_snapshot_limit_mb;
extern unsigned int cardsnoop_fault_around_pages;

void cardsnoop_device_put(struct cardsnoop_device *cdev);
bool __cardsnoop_enter(struct cardsnoop_device *cdev, int *idx);
/* The shape of raw_spin_trylock(): @cdev is a plain pointer, used twice. */
#define cardsnoop_enter(cdev, idx) \
	__cond_lock(&(cdev)->srcu, __cardsnoop_enter(cdev, idx))
void cardsnoop_exit(struct cardsnoop_device *cdev, int idx)
	__releases(&cdev->srcu);

int cardsnoop_vm_read_begin(struct cardsnoop_vm *vm, unsigned long *seq);
bool cardsnoop_vm_read_retry(struct cardsnoop_vm *vm, unsigned long seq);
void cardsnoop_vm_add_file(struct cardsnoop_vm *vm, struct cardsnoop_file *cf);
void cardsnoop_vm_remove_file(struct cardsnoop_vm *vm,
			      struct cardsnoop_file *cf);

u64 cardsnoop_va_space(const struct cardsnoop_device *cdev);

/* cardsnoop_main.c */
struct cardsnoop_vm *cardsnoop_attached_vm(struct cardsnoop_file *cf);
void cardsnoop_file_detach(struct cardsnoop_file *cf, bool unplug);
void cardsnoop_debugfs_init(void);
void cardsnoop_debugfs_fini(void);

/* cardsnoop_events.c */
extern unsigned int cardsnoop_events_max;
int cardsnoop_events_init(struct cardsnoop_file *cf);
void cardsnoop_events_fini(struct cardsnoop_file *cf);
void cardsnoop_event_push(struct cardsnoop_file *cf,
			  const struct cardsnoop_event *ev);
void cardsnoop_events_replay_locked(struct cardsnoop_file *cf,
				    struct cardsnoop_vm *vm);
void cardsnoop_events_device_gone(struct cardsnoop_file *cf);
__poll_t cardsnoop_events_poll(struct cardsnoop_file *cf, struct file *filp,
			       struct poll_table_struct *wait);
int cardsnoop_ioctl_events(struct cardsnoop_file *cf, void *data);

/* cardsnoop_access.c */
ssize_t cardsnoop_rw(struct cardsnoop_file *cf, char __user *ubuf,
		     size_t count, loff_t *ppos, bool write);
loff_t cardsnoop_seek_data(struct cardsnoop_file *cf, loff_t pos, bool hole);
int cardsnoop_mmap(struct cardsnoop_file *cf, struct vm_area_struct *vma);
int cardsnoop_sync(struct cardsnoop_file *cf, u64 start, u64 end,
		   bool discard, u64 *dropped);
/* Granule of &cardsnoop_file.populated. */
#define CARDSNOOP_POP_SHIFT	16

int cardsnoop_populated_mark(struct cardsnoop_file *cf, u64 va, u64 len);
void cardsnoop_zap_populated_locked(struct cardsnoop_file *cf, u64 start,
				    u64 end);
void cardsnoop_snapshots_drop_locked(struct cardsnoop_file *cf, u64 start,
				     u64 end, bool count_discard);
void cardsnoop_snapshots_free(struct cardsnoop_file *cf);

#endif /* __CARDSNOOP_INTERNAL_H__ */
