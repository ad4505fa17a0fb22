// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The cardsnoop authors
 */

/**
 * DOC: debugfs
 *
 * Root-only raw access to VRAM, the way GPU tools without cardsnoop reach it
 * (AMD's umr), in the device's DRM debugfs directory
 * (``/sys/kernel/debug/dri/N/``).  They are the baselines of cardsnoop's
 * benchmarks; nothing else uses them.
 *
 * ``simgpu_vram``: like amdgpu's ``amdgpu_vram``: the file offset is the
 * VRAM offset; read(2) and write(2) copy through a kernel bounce buffer, a
 * page at a time, and stop at the end of VRAM.
 *
 * ``simgpu_mm_index`` and ``simgpu_mm_data``: an MM_INDEX/MM_DATA register
 * pair.  Write the VRAM byte offset (dword aligned) to ``simgpu_mm_index``
 * as a little-endian 4- or 8-byte value (reading it returns the 8-byte
 * index); then a 4-byte read or write of ``simgpu_mm_data`` at file offset 0
 * reads or writes the dword of VRAM at that index.  The index does not
 * advance, as on real hardware.
 */

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <drm/drm_debugfs.h>
#include <drm/drm_file.h>

#include "simgpu_drv.h"

static ssize_t simgpu_vram_rw(struct file *f, char __user *ubuf, size_t size,
			      loff_t *pos, bool write)
{
	struct simgpu_device *sdev = file_inode(f)->i_private;
	ssize_t done = 0;
	void *bounce;
	int ret = 0;

	if (*pos < 0)
		return -EINVAL;
	if (*pos >= sdev->vram.size || !size)
		return write && size ? -ENOSPC : 0;
	size = min_t(u64, size, sdev->vram.size - *pos);

	bounce = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!bounce)
		return -ENOMEM;

	while (done < size) {
		size_t n = min_t(size_t, size - done, PAGE_SIZE);

		if (write && copy_from_user(bounce, ubuf + done, n)) {
			ret = -EFAULT;
			break;
		}
		ret = simgpu_vram_access(sdev, *pos, bounce, n, write);
		if (ret)
			break;
		if (!write && copy_to_user(ubuf + done, bounce, n)) {
			ret = -EFAULT;
			break;
		}
		done += n;
		*pos += n;
		if (fatal_signal_pending(current))
			break;
		cond_resched();
	}
	kfree(bounce);
	return done ? done : ret;
}

static ssize_t simgpu_vram_read(struct file *f, char __user *buf, size_t size,
				loff_t *pos)
{
	return simgpu_vram_rw(f, buf, size, pos, false);
}

static ssize_t simgpu_vram_write(struct file *f, const char __user *buf,
				 size_t size, loff_t *pos)
{
	return simgpu_vram_rw(f, (char __user *)buf, size, pos, true);
}

static const struct file_operations simgpu_vram_fops = {
	.owner = THIS_MODULE,
	.read = simgpu_vram_read,
	.write = simgpu_vram_write,
	.llseek = default_llseek,
};

static ssize_t simgpu_mm_index_read(struct file *f, char __user *buf,
				    size_t size, loff_t *pos)
{
	struct simgpu_device *sdev = file_inode(f)->i_private;
	__le64 index;

	if (*pos || size < sizeof(index))
		return -EINVAL;
	mutex_lock(&sdev->mm_lock);
	index = cpu_to_le64(sdev->mm_index);
	mutex_unlock(&sdev->mm_lock);
	if (copy_to_user(buf, &index, sizeof(index)))
		return -EFAULT;
	return sizeof(index);
}

static ssize_t simgpu_mm_index_write(struct file *f, const char __user *buf,
				     size_t size, loff_t *pos)
{
	struct simgpu_device *sdev = file_inode(f)->i_private;
	__le64 index = 0;

	if (*pos || (size != 4 && size != 8))
		return -EINVAL;
	if (copy_from_user(&index, buf, size))
		return -EFAULT;
	if (le64_to_cpu(index) % 4 || le64_to_cpu(index) >= sdev->vram.size)
		return -EINVAL;
	mutex_lock(&sdev->mm_lock);
	sdev->mm_index = le64_to_cpu(index);
	mutex_unlock(&sdev->mm_lock);
	return size;
}

static ssize_t simgpu_mm_data_rw(struct file *f, char __user *buf, size_t size,
				 loff_t *pos, bool write)
{
	struct simgpu_device *sdev = file_inode(f)->i_private;
	__le32 data;
	int ret;

	if (*pos || size != sizeof(data))
		return -EINVAL;
	if (write && copy_from_user(&data, buf, sizeof(data)))
		return -EFAULT;

	mutex_lock(&sdev->mm_lock);
	ret = simgpu_vram_access(sdev, sdev->mm_index, &data, sizeof(data),
				 write);
	mutex_unlock(&sdev->mm_lock);
	if (ret)
		return ret;

	if (!write && copy_to_user(buf, &data, sizeof(data)))
		return -EFAULT;
	return sizeof(data);
}

static ssize_t simgpu_mm_data_read(struct file *f, char __user *buf,
				   size_t size, loff_t *pos)
{
	return simgpu_mm_data_rw(f, buf, size, pos, false);
}

static ssize_t simgpu_mm_data_write(struct file *f, const char __user *buf,
				    size_t size, loff_t *pos)
{
	return simgpu_mm_data_rw(f, (char __user *)buf, size, pos, true);
}

static const struct file_operations simgpu_mm_index_fops = {
	.owner = THIS_MODULE,
	.read = simgpu_mm_index_read,
	.write = simgpu_mm_index_write,
	.llseek = noop_llseek,
};

static const struct file_operations simgpu_mm_data_fops = {
	.owner = THIS_MODULE,
	.read = simgpu_mm_data_read,
	.write = simgpu_mm_data_write,
	.llseek = noop_llseek,
};

/**
 * simgpu_debugfs_init() - &drm_driver.debugfs_init
 * @minor: the primary minor
 */
void simgpu_debugfs_init(struct drm_minor *minor)
{
	struct simgpu_device *sdev = to_simgpu_device(minor->dev);
	struct dentry *root = minor->debugfs_root;

	debugfs_create_file_size("simgpu_vram", 0600, root, sdev,
				 &simgpu_vram_fops, sdev->vram.size);
	debugfs_create_file("simgpu_mm_index", 0600, root, sdev,
			    &simgpu_mm_index_fops);
	debugfs_create_file("simgpu_mm_data", 0600, root, sdev,
			    &simgpu_mm_data_fops);
}
