// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The cardsnoop authors
 */

/**
 * DOC: Snoop file
 *
 * The character device ``/dev/dri/cardN-snoop``: open, ATTACH and the other
 * ioctls, fdinfo, and the wiring of read/write/lseek/mmap/fsync to
 * cardsnoop_access.c.  Each open file gets a private inode from a pseudo
 * filesystem, so that its mappings can be zapped without touching those of
 * other snoopers of the same device.
 */

#include <linux/capability.h>
#include <linux/debugfs.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/major.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/pid.h>
#include <linux/poll.h>
#include <linux/pseudo_fs.h>
#include <linux/security.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <drm/drm_device.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_print.h>

#include "cardsnoop_internal.h"

#define CARDSNOOP_FS_MAGIC	0x63736e70	/* "csnp" */

unsigned int cardsnoop_snapshot_limit_mb = 64;
module_param_named(snapshot_limit_mb, cardsnoop_snapshot_limit_mb, uint, 0644);
MODULE_PARM_DESC(snapshot_limit_mb,
		 "VRAM snapshot memory per attached file, in MiB (default 64, at least 1)");

unsigned int cardsnoop_fault_around_pages = 64;
module_param_named(fault_around_pages, cardsnoop_fault_around_pages, uint,
		   0644);
MODULE_PARM_DESC(fault_around_pages,
		 "System pages mapped ahead on an mmap fault (default 64)");

static struct vfsmount *cardsnoop_mnt;

static int cardsnoop_fs_init_fs_context(struct fs_context *fc)
{
	return init_pseudo(fc, CARDSNOOP_FS_MAGIC) ? 0 : -ENOMEM;
}

/*
 * No .owner: the only mount is our own kern_mount(), which would otherwise
 * pin this module forever; it is unmounted in module exit.
 */
static struct file_system_type cardsnoop_fs_type = {
	.name = "cardsnoop",
	.init_fs_context = cardsnoop_fs_init_fs_context,
	.kill_sb = kill_anon_super,
};

static struct cardsnoop_file *to_cardsnoop_file(struct file *filp)
{
	return filp->private_data;
}

static struct cardsnoop_device *cardsnoop_device_of(struct file *filp)
{
	struct miscdevice *misc = filp->private_data;

	return container_of(misc, struct cardsnoop_device, misc);
}

static int cardsnoop_open(struct inode *inode, struct file *filp)
{
	struct cardsnoop_device *cdev = cardsnoop_device_of(filp);
	struct cardsnoop_file *cf;
	int ret, idx;

	if (!cardsnoop_enter(cdev, &idx))
		return -ENODEV;

	cf = kzalloc(sizeof(*cf), GFP_KERNEL);
	if (!cf) {
		ret = -ENOMEM;
		goto err_exit;
	}

	cf->inode = alloc_anon_inode(cardsnoop_mnt->mnt_sb);
	if (IS_ERR(cf->inode)) {
		ret = PTR_ERR(cf->inode);
		goto err_free;
	}

	kref_get(&cdev->ref);
	cf->cdev = cdev;
	cf->filp = filp;
	mutex_init(&cf->lock);
	INIT_LIST_HEAD(&cf->vm_link);
	INIT_LIST_HEAD(&cf->dev_link);
	xa_init(&cf->snapshots);
	xa_init(&cf->populated);
	spin_lock_init(&cf->snap_lock);
	INIT_LIST_HEAD(&cf->snap_lru);
	spin_lock_init(&cf->ev_lock);
	init_waitqueue_head(&cf->ev_wq);

	filp->private_data = cf;
	filp->f_mapping = cf->inode->i_mapping;
	cardsnoop_exit(cdev, idx);
	return 0;

err_free:
	kfree(cf);
err_exit:
	cardsnoop_exit(cdev, idx);
	return ret;
}

/*
 * cardsnoop_file_detach() - undo ATTACH
 * @cf: the file
 * @unplug: the device is going away: later accesses answer -ENODEV
 *
 * Zaps the file's mappings, drops its snapshots and its references on the
 * VM and the DRM file.
 */
void cardsnoop_file_detach(struct cardsnoop_file *cf, bool unplug)
{
	const struct cardsnoop_backend_ops *ops = cf->cdev->ops;

	mutex_lock(&cf->lock);
	if (unplug)
		WRITE_ONCE(cf->detached, true);
	if (!cf->vm) {
		mutex_unlock(&cf->lock);
		return;
	}
	if (unplug)
		cardsnoop_events_device_gone(cf);

	cardsnoop_vm_remove_file(cf->vm, cf);
	if (ops->put_vm)
		ops->put_vm(cf->vm);
	cf->vm = NULL;
	if (cf->drm_filp)
		fput(cf->drm_filp);
	cf->drm_filp = NULL;
	static_branch_slow_dec_deferred(&cardsnoop_attached);
	mutex_unlock(&cf->lock);
}

static int cardsnoop_release(struct inode *inode, struct file *filp)
{
	struct cardsnoop_file *cf = to_cardsnoop_file(filp);
	struct cardsnoop_device *cdev = cf->cdev;

	mutex_lock(&cdev->files_lock);
	list_del_init(&cf->dev_link);
	mutex_unlock(&cdev->files_lock);

	cardsnoop_file_detach(cf, false);
	cardsnoop_snapshots_free(cf);
	cardsnoop_events_fini(cf);
	put_pid(cf->owner);
	iput(cf->inode);
	mutex_destroy(&cf->lock);
	kfree(cf);
	cardsnoop_device_put(cdev);
	return 0;
}

/*
 * cardsnoop_get_drm_file() - the DRM file of this device behind @fd
 *
 * Return: a referenced file and its &drm_file, or -EBADF (no such fd),
 * -EXDEV (a DRM file of another device), -EINVAL (not a DRM file).
 */
static struct file *cardsnoop_get_drm_file(struct cardsnoop_device *cdev,
					   s32 fd, struct drm_file **file_priv)
{
	struct file *filp;
	struct inode *inode;
	struct drm_file *priv;

	if (fd < 0)
		return ERR_PTR(-EBADF);
	filp = fget(fd);
	if (!filp)
		return ERR_PTR(-EBADF);

	inode = file_inode(filp);
	if (!S_ISCHR(inode->i_mode) || imajor(inode) != DRM_MAJOR) {
		fput(filp);
		return ERR_PTR(-EINVAL);
	}

	/*
	 * A DRM file's f_op is its driver's fops once drm_stub_open() ran;
	 * only then is private_data a &drm_file.
	 */
	priv = filp->private_data;
	if (filp->f_op != cdev->drm->driver->fops || !priv ||
	    !priv->minor || priv->minor->dev != cdev->drm) {
		fput(filp);
		return ERR_PTR(-EXDEV);
	}

	*file_priv = priv;
	return filp;
}

static int cardsnoop_ioctl_info(struct cardsnoop_file *cf, void *data)
{
	struct cardsnoop_device *cdev = cf->cdev;
	struct cardsnoop_info *args = data;

	memset(args, 0, sizeof(*args));
	args->api_version = CARDSNOOP_API_VERSION;
	args->va_bits = cdev->va_bits;
	args->vram_size = cdev->vram_size;
	args->caps = CARDSNOOP_CAP_EVENTS |
		     (cdev->vram_size ? CARDSNOOP_CAP_VRAM : 0) |
		     (cdev->ops->kernel_vm ? CARDSNOOP_CAP_KERNEL_VM : 0) |
		     (cdev->ops->file_vms ? CARDSNOOP_CAP_MULTI_VM : 0);
	args->card_index = cdev->card_index;
	args->render_index = cdev->render_index;
	strscpy(args->driver, cdev->driver, sizeof(args->driver));
	return 0;
}

static int cardsnoop_ioctl_attach(struct cardsnoop_file *cf, void *data)
{
	struct cardsnoop_device *cdev = cf->cdev;
	const struct cardsnoop_backend_ops *ops = cdev->ops;
	struct cardsnoop_attach *args = data;
	bool kernel = args->flags & CARDSNOOP_ATTACH_KERNEL;
	struct drm_file *file_priv = NULL;
	struct file *drm_filp = NULL;
	struct cardsnoop_vm *vm;
	struct task_struct *task;
	struct pid *owner = NULL;
	int ret, idx;

	if (args->flags & ~CARDSNOOP_ATTACH_FLAGS || args->pad)
		return -EINVAL;

	if (kernel) {
		if (args->drm_fd != -1 || args->vm_id)
			return -EINVAL;
		if (!capable(CAP_SYS_ADMIN))
			return -EPERM;
		if (!ops->kernel_vm)
			return -EOPNOTSUPP;
	} else {
		drm_filp = cardsnoop_get_drm_file(cdev, args->drm_fd,
						  &file_priv);
		if (IS_ERR(drm_filp))
			return PTR_ERR(drm_filp);
	}

	ret = mutex_lock_killable(&cf->lock);
	if (ret)
		goto err_fput;
	if (cf->vm || cf->detached) {
		ret = cf->detached ? -ENODEV : -EBUSY;
		goto err_unlock;
	}
	/*
	 * Inside the device's SRCU section until the file is on the device's
	 * list: cardsnoop_unregister() either waits for us and then detaches
	 * the file, or we see it unplugged and call nothing.
	 */
	if (!cardsnoop_enter(cdev, &idx)) {
		ret = -ENODEV;
		goto err_unlock;
	}

	ret = cardsnoop_events_init(cf);
	if (ret) {
		cardsnoop_exit(cdev, idx);
		goto err_unlock;
	}

	vm = kernel ? ops->kernel_vm(cdev) : ops->file_vm(file_priv,
							  args->vm_id);
	if (IS_ERR(vm)) {
		ret = PTR_ERR(vm);
		goto err_events;
	}
	if (drm_WARN_ON(cdev->drm, vm->cdev != cdev)) {
		ret = -EINVAL;
		goto err_put_vm;
	}

	/*
	 * Key first, then the VM lock: a change that began while the key was
	 * off holds the VM lock until it ends, so we wait it out here, and
	 * every later change sees the key and this file.  See DOC: Locking.
	 */
	static_branch_inc(&cardsnoop_attached.key);
	ret = ops->lock_vm(vm);
	if (ret)
		goto err_key;
	if (file_priv) {
		rcu_read_lock();
		owner = get_pid(rcu_dereference(file_priv->pid));
		rcu_read_unlock();
		cf->client_id = file_priv->client_id;
	}
	cf->owner = owner;
	cf->vm = vm;
	cardsnoop_vm_add_file(vm, cf);
	cardsnoop_events_replay_locked(cf, vm);
	ops->unlock_vm(vm);

	cf->drm_filp = drm_filp;
	cf->flags = args->flags;

	/* Pairs with smp_load_acquire() in cardsnoop_attached_vm(). */
	smp_store_release(&cf->attached, true);
	mutex_unlock(&cf->lock);

	/*
	 * Not under cf->lock: cardsnoop_unregister() takes files_lock, then
	 * each file's lock.  Still in the SRCU section, so it finds us here.
	 */
	mutex_lock(&cdev->files_lock);
	list_add_tail(&cf->dev_link, &cdev->files);
	mutex_unlock(&cdev->files_lock);
	cardsnoop_exit(cdev, idx);

	args->client_id = cf->client_id;
	args->owner_pid = 0;
	if (owner) {
		task = get_pid_task(owner, PIDTYPE_TGID);
		if (task) {
			args->owner_pid = pid_vnr(owner);
			put_task_struct(task);
		}
	}
	args->va_start = vm->va_start;
	args->va_end = vm->va_end;
	return 0;

err_key:
	static_branch_slow_dec_deferred(&cardsnoop_attached);
err_put_vm:
	if (ops->put_vm)
		ops->put_vm(vm);
err_events:
	cardsnoop_events_fini(cf);
	cardsnoop_exit(cdev, idx);
err_unlock:
	mutex_unlock(&cf->lock);
err_fput:
	if (drm_filp)
		fput(drm_filp);
	return ret;
}

/*
 * The VMs of @file_priv into @descs (room for @max); the number it has, or
 * a negative errno.  Calls the backend inside the device's SRCU section.
 */
static int cardsnoop_vms_gather(struct cardsnoop_device *cdev,
				struct drm_file *file_priv,
				struct cardsnoop_vm_desc *descs,
				unsigned int max)
{
	const struct cardsnoop_backend_ops *ops = cdev->ops;
	struct cardsnoop_vm *vm;
	int n, idx;

	if (!cardsnoop_enter(cdev, &idx))
		return -ENODEV;
	if (ops->file_vms) {
		n = ops->file_vms(file_priv, descs, max);
	} else {
		vm = ops->file_vm(file_priv, 0);
		if (IS_ERR(vm)) {
			n = PTR_ERR(vm) == -ENOENT ? 0 : PTR_ERR(vm);
		} else {
			descs[0].id = vm->id;
			descs[0].va_start = vm->va_start;
			descs[0].va_end = vm->va_end;
			descs[0].flags = CARDSNOOP_VM_DEFAULT;
			if (ops->put_vm)
				ops->put_vm(vm);
			n = 1;
		}
	}
	cardsnoop_exit(cdev, idx);
	return n;
}

#define CARDSNOOP_VMS_MAX	64

static int cardsnoop_ioctl_vms(struct cardsnoop_file *cf, void *data)
{
	struct cardsnoop_device *cdev = cf->cdev;
	struct cardsnoop_vms *args = data;
	struct cardsnoop_vm_desc *descs;
	struct drm_file *file_priv;
	struct file *drm_filp;
	unsigned int room, i;
	int n, ret = 0;

	if (args->pad)
		return -EINVAL;
	if (args->vms_ptr && args->stride < sizeof(struct cardsnoop_vm_desc))
		return -EINVAL;

	drm_filp = cardsnoop_get_drm_file(cdev, args->drm_fd, &file_priv);
	if (IS_ERR(drm_filp))
		return PTR_ERR(drm_filp);

	descs = kcalloc(CARDSNOOP_VMS_MAX, sizeof(*descs), GFP_KERNEL);
	if (!descs) {
		ret = -ENOMEM;
		goto out_fput;
	}
	n = cardsnoop_vms_gather(cdev, file_priv, descs, CARDSNOOP_VMS_MAX);
	if (n < 0) {
		ret = n;
		goto out_free;
	}

	room = args->vms_ptr ? min_t(u32, args->count, CARDSNOOP_VMS_MAX) : 0;
	for (i = 0; i < min_t(unsigned int, room, n); i++) {
		void __user *dst = u64_to_user_ptr(args->vms_ptr +
						   (u64)i * args->stride);

		if (copy_to_user(dst, &descs[i], sizeof(descs[i])) ||
		    clear_user(dst + sizeof(descs[i]),
			       args->stride - sizeof(descs[i]))) {
			ret = -EFAULT;
			goto out_free;
		}
	}
	args->count = n;

out_free:
	kfree(descs);
out_fput:
	fput(drm_filp);
	return ret;
}

/*
 * cardsnoop_attached_vm() - the VM of an attached file
 *
 * Return: the VM, or NULL if @cf was never attached (the caller answers
 * -EBADFD) or detached by an unplug (-ENODEV).
 */
struct cardsnoop_vm *cardsnoop_attached_vm(struct cardsnoop_file *cf)
{
	/* Pairs with smp_store_release() in cardsnoop_ioctl_attach(). */
	if (!smp_load_acquire(&cf->attached))
		return NULL;
	return READ_ONCE(cf->vm);
}

struct cardsnoop_mappings_ctx {
	struct cardsnoop_mapping *buf;
	unsigned int room;
	unsigned int count;
	u64 next;
	bool count_only;
};

static int cardsnoop_mappings_fn(void *arg, const struct cardsnoop_mapping *m)
{
	struct cardsnoop_mappings_ctx *ctx = arg;

	if (!ctx->count_only) {
		if (ctx->count == ctx->room)
			return 1;
		ctx->buf[ctx->count] = *m;
	}
	ctx->count++;
	ctx->next = m->va + m->size;
	return 0;
}

#define CARDSNOOP_MAPPINGS_BATCH	256

static int cardsnoop_ioctl_mappings(struct cardsnoop_file *cf, void *data)
{
	struct cardsnoop_device *cdev = cf->cdev;
	const struct cardsnoop_backend_ops *ops = cdev->ops;
	struct cardsnoop_mappings *args = data;
	struct cardsnoop_mappings_ctx ctx = { };
	u32 total = 0, want = args->count;
	u64 start = args->start;
	struct cardsnoop_vm *vm;
	int ret = 0, idx;

	if (args->flags || args->pad)
		return -EINVAL;
	if (args->mappings_ptr &&
	    args->stride < sizeof(struct cardsnoop_mapping))
		return -EINVAL;

	vm = cardsnoop_attached_vm(cf);
	if (!vm)
		return cf->detached ? -ENODEV : -EBADFD;

	ctx.count_only = !args->mappings_ptr;
	if (!ctx.count_only) {
		ctx.buf = kvmalloc_array(CARDSNOOP_MAPPINGS_BATCH,
					 sizeof(*ctx.buf), GFP_KERNEL);
		if (!ctx.buf)
			return -ENOMEM;
	}
	args->next = start;

	/*
	 * Batches of at most CARDSNOOP_MAPPINGS_BATCH under the VM lock, each
	 * copied out with every lock dropped.
	 */
	do {
		unsigned int i;

		ctx.room = min_t(u32, want - total, CARDSNOOP_MAPPINGS_BATCH);
		ctx.count = 0;
		ctx.next = start;
		if (!ctx.count_only && !ctx.room)
			break;

		if (!cardsnoop_enter(cdev, &idx)) {
			ret = -ENODEV;
			break;
		}
		ret = ops->lock_vm(vm);
		if (!ret) {
			ret = ops->iterate(vm, start, cardsnoop_mappings_fn,
					   &ctx);
			ops->unlock_vm(vm);
		}
		cardsnoop_exit(cdev, idx);
		if (ret < 0)
			break;
		ret = 0;

		for (i = 0; i < (ctx.count_only ? 0 : ctx.count); i++) {
			void __user *dst =
				u64_to_user_ptr(args->mappings_ptr +
						(u64)(total + i) * args->stride);

			if (copy_to_user(dst, &ctx.buf[i], sizeof(ctx.buf[i])) ||
			    clear_user(dst + sizeof(ctx.buf[i]),
				       args->stride - sizeof(ctx.buf[i]))) {
				ret = -EFAULT;
				break;
			}
		}
		if (ret)
			break;
		total += ctx.count;
		start = ctx.next;
		args->next = start;
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		cond_resched();
	} while (!ctx.count_only && ctx.count == ctx.room &&
		 ctx.room == CARDSNOOP_MAPPINGS_BATCH);

	kvfree(ctx.buf);
	if (ret)
		return ret;
	args->count = total;
	return 0;
}

static int cardsnoop_ioctl_resolve(struct cardsnoop_file *cf, void *data)
{
	struct cardsnoop_device *cdev = cf->cdev;
	const struct cardsnoop_backend_ops *ops = cdev->ops;
	struct cardsnoop_resolve *args = data;
	struct cardsnoop_extent ext = { };
	struct cardsnoop_snapshot *snap;
	struct cardsnoop_vm *vm;
	phys_addr_t phys = 0;
	bool privileged;
	int ret, idx;

	if (args->flags || args->pad)
		return -EINVAL;

	vm = cardsnoop_attached_vm(cf);
	if (!vm)
		return cf->detached ? -ENODEV : -EBADFD;
	if (args->va >= cardsnoop_va_space(cdev))
		return -ENOENT;

	if (!cardsnoop_enter(cdev, &idx))
		return -ENODEV;
	do {
		ret = ops->lock_vm(vm);
		if (ret)
			goto out_exit;
		memset(&ext, 0, sizeof(ext));
		ext.va = args->va;
		ret = ops->resolve(vm, args->va, &ext);
		/* @ext.pages is the backing's: it may be freed once we unlock. */
		if (!ret && ext.backing == CARDSNOOP_BACKING_PAGES)
			phys = page_to_phys(ext.pages[0]) + ext.page_offset;
		ops->unlock_vm(vm);
		/* -EAGAIN: the backend waited with nothing held; again. */
		if (ret == -EAGAIN) {
			if (fatal_signal_pending(current)) {
				ret = -EINTR;
				goto out_exit;
			}
			cond_resched();
		}
	} while (ret == -EAGAIN);
	if (ret)
		goto out_exit;

	privileged = capable(CAP_SYS_ADMIN) &&
		     !security_locked_down(LOCKDOWN_DEV_MEM);
	memset(args, 0, sizeof(*args));
	args->va = ext.va;
	args->mapping = ext.map;
	args->extent_size = ext.size;
	args->page_size = ext.page_size ? ext.page_size : PAGE_SIZE;
	if (privileged) {
		if (ext.backing == CARDSNOOP_BACKING_VRAM)
			args->vram_offset = ext.vram_offset;
		if (ext.backing == CARDSNOOP_BACKING_PAGES)
			args->phys_addr = phys;
		args->dma_addr = ext.dma_addr;
	}

	xa_lock(&cf->snapshots);
	snap = xa_load(&cf->snapshots, args->va >> PAGE_SHIFT);
	if (snap) {
		args->snapshot = 1;
		args->snapshot_dirty = READ_ONCE(snap->dirty);
	}
	xa_unlock(&cf->snapshots);

out_exit:
	cardsnoop_exit(cdev, idx);
	return ret;
}

static int cardsnoop_ioctl_refresh(struct cardsnoop_file *cf, void *data)
{
	struct cardsnoop_refresh *args = data;
	u64 space = cardsnoop_va_space(cf->cdev);
	u64 end;

	if (args->flags & ~CARDSNOOP_REFRESH_DISCARD || args->pad)
		return -EINVAL;
	if (args->va > space || args->size > space - args->va)
		return -EINVAL;
	if (!cardsnoop_attached_vm(cf))
		return cf->detached ? -ENODEV : -EBADFD;

	end = args->size ? args->va + args->size : space;
	return cardsnoop_sync(cf, args->va, end,
			      args->flags & CARDSNOOP_REFRESH_DISCARD,
			      &args->dropped);
}

/**
 * struct cardsnoop_ioctl_desc - one ioctl
 * @cmd: the command as the current UAPI header defines it
 * @min_size: size of the first version of its argument
 * @fn: the handler; gets a zero-extended kernel copy of the argument
 * @after_unplug: also called once the device is gone
 */
struct cardsnoop_ioctl_desc {
	unsigned int cmd;
	unsigned int min_size;
	int (*fn)(struct cardsnoop_file *cf, void *data);
	bool after_unplug;
};

/* _cmd is a constant: its reuse (checkpatch MACRO_ARG_REUSE) is harmless. */
#define CARDSNOOP_IOCTL_DEF(_cmd, _struct, _fn) \
	[_IOC_NR(_cmd)] = { .cmd = _cmd, .min_size = sizeof(_struct), .fn = _fn }

/* Also answers once the device is gone (to deliver DEVICE_GONE). */
#define CARDSNOOP_IOCTL_DEF_UNPLUGGED(_cmd, _struct, _fn) \
	[_IOC_NR(_cmd)] = { .cmd = _cmd, .min_size = sizeof(_struct), \
			    .fn = _fn, .after_unplug = true }

static const struct cardsnoop_ioctl_desc cardsnoop_ioctls[] = {
	CARDSNOOP_IOCTL_DEF(CARDSNOOP_IOCTL_INFO, struct cardsnoop_info,
			    cardsnoop_ioctl_info),
	CARDSNOOP_IOCTL_DEF(CARDSNOOP_IOCTL_ATTACH, struct cardsnoop_attach,
			    cardsnoop_ioctl_attach),
	CARDSNOOP_IOCTL_DEF(CARDSNOOP_IOCTL_VMS, struct cardsnoop_vms,
			    cardsnoop_ioctl_vms),
	CARDSNOOP_IOCTL_DEF(CARDSNOOP_IOCTL_MAPPINGS, struct cardsnoop_mappings,
			    cardsnoop_ioctl_mappings),
	CARDSNOOP_IOCTL_DEF(CARDSNOOP_IOCTL_RESOLVE, struct cardsnoop_resolve,
			    cardsnoop_ioctl_resolve),
	CARDSNOOP_IOCTL_DEF(CARDSNOOP_IOCTL_REFRESH, struct cardsnoop_refresh,
			    cardsnoop_ioctl_refresh),
	CARDSNOOP_IOCTL_DEF_UNPLUGGED(CARDSNOOP_IOCTL_EVENTS,
				      struct cardsnoop_events,
				      cardsnoop_ioctl_events),
};

union cardsnoop_ioctl_arg {
	struct cardsnoop_info info;
	struct cardsnoop_attach attach;
	struct cardsnoop_vms vms;
	struct cardsnoop_mappings mappings;
	struct cardsnoop_resolve resolve;
	struct cardsnoop_refresh refresh;
	struct cardsnoop_events events;
};

/*
 * Every argument is versioned by its size (_IOC_SIZE): a larger one than we
 * know must have zeros in what we do not know (-E2BIG), a smaller one is
 * zero-extended down to the first version's size; we copy back only what
 * the caller's size holds.
 */
static long cardsnoop_ioctl(struct file *filp, unsigned int cmd,
			    unsigned long arg)
{
	struct cardsnoop_file *cf = to_cardsnoop_file(filp);
	const struct cardsnoop_ioctl_desc *desc;
	void __user *uarg = (void __user *)arg;
	union cardsnoop_ioctl_arg karg;
	unsigned int nr = _IOC_NR(cmd), usize = _IOC_SIZE(cmd);
	unsigned int ksize;
	int ret;

	if (_IOC_TYPE(cmd) != CARDSNOOP_IOCTL_BASE ||
	    nr >= ARRAY_SIZE(cardsnoop_ioctls))
		return -ENOTTY;
	desc = &cardsnoop_ioctls[nr];
	if (!desc->fn || _IOC_DIR(cmd) != _IOC_DIR(desc->cmd))
		return -ENOTTY;
	if (usize < desc->min_size)
		return -EINVAL;
	ksize = _IOC_SIZE(desc->cmd);

	if (_IOC_DIR(cmd) & _IOC_WRITE) {
		ret = copy_struct_from_user(&karg, ksize, uarg, usize);
		if (ret)
			return ret;
	} else {
		memset(&karg, 0, ksize);
	}

	if (READ_ONCE(cf->cdev->unplugged) && !desc->after_unplug)
		return -ENODEV;
	ret = desc->fn(cf, &karg);
	if (ret)
		return ret;

	if ((_IOC_DIR(cmd) & _IOC_READ) &&
	    copy_to_user(uarg, &karg, min(usize, ksize)))
		return -EFAULT;
	return 0;
}

static ssize_t cardsnoop_read(struct file *filp, char __user *buf,
			      size_t count, loff_t *ppos)
{
	return cardsnoop_rw(to_cardsnoop_file(filp), buf, count, ppos, false);
}

static ssize_t cardsnoop_write(struct file *filp, const char __user *buf,
			       size_t count, loff_t *ppos)
{
	return cardsnoop_rw(to_cardsnoop_file(filp), (char __user *)buf, count,
			    ppos, true);
}

static loff_t cardsnoop_llseek(struct file *filp, loff_t offset, int whence)
{
	struct cardsnoop_file *cf = to_cardsnoop_file(filp);
	loff_t space = cardsnoop_va_space(cf->cdev);

	switch (whence) {
	case SEEK_SET:
	case SEEK_CUR:
	case SEEK_END:
		return fixed_size_llseek(filp, offset, whence, space);
	case SEEK_DATA:
	case SEEK_HOLE:
		if (offset < 0 || offset >= space)
			return -ENXIO;
		offset = cardsnoop_seek_data(cf, offset, whence == SEEK_HOLE);
		if (offset < 0)
			return offset;
		return vfs_setpos(filp, offset, space);
	default:
		return -EINVAL;
	}
}

static __poll_t cardsnoop_poll(struct file *filp, poll_table *wait)
{
	return cardsnoop_events_poll(to_cardsnoop_file(filp), filp, wait);
}

static int cardsnoop_file_mmap(struct file *filp, struct vm_area_struct *vma)
{
	return cardsnoop_mmap(to_cardsnoop_file(filp), vma);
}

static int cardsnoop_fsync(struct file *filp, loff_t start, loff_t end,
			   int datasync)
{
	struct cardsnoop_file *cf = to_cardsnoop_file(filp);
	u64 space = cardsnoop_va_space(cf->cdev);

	if (!cardsnoop_attached_vm(cf))
		return cf->detached ? -ENODEV : -EBADFD;
	if (start < 0 || start >= space)
		return 0;
	/* @end is inclusive (LLONG_MAX for the whole file). */
	return cardsnoop_sync(cf, start, min_t(u64, (u64)end + 1, space),
			      false, NULL);
}

static void cardsnoop_show_fdinfo(struct seq_file *m, struct file *filp)
{
	struct cardsnoop_file *cf = to_cardsnoop_file(filp);
	struct cardsnoop_device *cdev = cf->cdev;
	struct cardsnoop_counters *st = &cf->stats;
	struct cardsnoop_vm *vm;
	struct task_struct *task;
	pid_t pid = 0;
	bool alive = false;

	seq_printf(m, "cardsnoop-driver:\t%s\n", cdev->driver);
	seq_printf(m, "cardsnoop-card:\t%u\n", cdev->card_index);

	mutex_lock(&cf->lock);
	vm = cf->vm;
	if (!vm) {
		seq_printf(m, "cardsnoop-attached:\t%s\n",
			   cf->detached ? "gone" : "no");
		mutex_unlock(&cf->lock);
		return;
	}
	if (cf->owner) {
		task = get_pid_task(cf->owner, PIDTYPE_TGID);
		if (task) {
			alive = true;
			put_task_struct(task);
		}
		pid = pid_vnr(cf->owner);
	}
	seq_printf(m, "cardsnoop-attached:\t%s\n",
		   cf->flags & CARDSNOOP_ATTACH_KERNEL ? "kernel" : "client");
	seq_printf(m, "cardsnoop-vm:\t%llu\n", vm->id);
	seq_printf(m, "cardsnoop-client-id:\t%llu\n", cf->client_id);
	seq_printf(m, "cardsnoop-owner-pid:\t%d\n", pid);
	seq_printf(m, "cardsnoop-owner-alive:\t%s\n", alive ? "yes" : "no");
	seq_printf(m, "cardsnoop-flags:\t%s%s%s\n",
		   cf->flags & CARDSNOOP_ATTACH_READONLY ? "readonly " : "",
		   cf->flags & CARDSNOOP_ATTACH_ZERO_HOLES ? "zero-holes " : "",
		   cf->flags & CARDSNOOP_ATTACH_KERNEL ? "kernel" : "");
	mutex_unlock(&cf->lock);

	seq_printf(m, "cardsnoop-read-bytes:\t%lld\n",
		   atomic64_read(&st->read_bytes));
	seq_printf(m, "cardsnoop-written-bytes:\t%lld\n",
		   atomic64_read(&st->written_bytes));
	seq_printf(m, "cardsnoop-faults:\t%lld\n", atomic64_read(&st->faults));
	seq_printf(m, "cardsnoop-retries:\t%lld\n",
		   atomic64_read(&st->retries));
	seq_printf(m, "cardsnoop-invalidations:\t%lld\n",
		   atomic64_read(&st->invalidations));
	seq_printf(m, "cardsnoop-snapshot-faults:\t%lld\n",
		   atomic64_read(&st->snapshot_faults));
	spin_lock(&cf->snap_lock);
	seq_printf(m, "cardsnoop-snapshot-bytes:\t%llu\n", cf->snap_bytes);
	spin_unlock(&cf->snap_lock);
	seq_printf(m, "cardsnoop-writeback-bytes:\t%lld\n",
		   atomic64_read(&st->writeback_bytes));
	seq_printf(m, "cardsnoop-discarded-bytes:\t%lld\n",
		   atomic64_read(&st->discarded_bytes));
	seq_printf(m, "cardsnoop-reclaimed-bytes:\t%lld\n",
		   atomic64_read(&st->reclaimed_bytes));
	seq_printf(m, "cardsnoop-reclaim-writeback-bytes:\t%lld\n",
		   atomic64_read(&st->reclaim_writeback_bytes));
}

static struct dentry *cardsnoop_debugfs_root;

/*
 * /sys/kernel/debug/cardsnoop/hooks: whether the invalidation hooks in the
 * drivers are live (the static key), and how many files hold it.
 */
static int cardsnoop_hooks_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "%s\n", static_key_enabled(&cardsnoop_attached.key) ?
		   "enabled" : "disabled");
	seq_printf(m, "count: %d\n",
		   static_key_count(&cardsnoop_attached.key.key));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(cardsnoop_hooks);

void cardsnoop_debugfs_init(void)
{
	cardsnoop_debugfs_root = debugfs_create_dir("cardsnoop", NULL);
	debugfs_create_file("hooks", 0444, cardsnoop_debugfs_root, NULL,
			    &cardsnoop_hooks_fops);
}

void cardsnoop_debugfs_fini(void)
{
	debugfs_remove_recursive(cardsnoop_debugfs_root);
}

const struct file_operations cardsnoop_fops = {
	.owner = THIS_MODULE,
	.open = cardsnoop_open,
	.release = cardsnoop_release,
	.unlocked_ioctl = cardsnoop_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.read = cardsnoop_read,
	.write = cardsnoop_write,
	.llseek = cardsnoop_llseek,
	.mmap = cardsnoop_file_mmap,
	.fsync = cardsnoop_fsync,
	.poll = cardsnoop_poll,
	.show_fdinfo = cardsnoop_show_fdinfo,
};

static int __init cardsnoop_init(void)
{
	cardsnoop_mnt = kern_mount(&cardsnoop_fs_type);
	if (IS_ERR(cardsnoop_mnt))
		return PTR_ERR(cardsnoop_mnt);
	cardsnoop_debugfs_init();
	return 0;
}

static void __exit cardsnoop_exit_module(void)
{
	cardsnoop_debugfs_fini();
	/* The deferred decrement must not run once the module is gone. */
	static_key_deferred_flush(&cardsnoop_attached);
	kern_unmount(cardsnoop_mnt);
}

module_init(cardsnoop_init);
module_exit(cardsnoop_exit_module);

MODULE_DESCRIPTION("cardsnoop: a GPU virtual address space as a file");
MODULE_AUTHOR("The cardsnoop authors");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DRM_GPUVM);
