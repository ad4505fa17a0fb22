// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The cardsnoop authors
 *
 * Test-only module for the VM harness's self-test: writing to
 * /sys/kernel/debug/cstest_warn/warn raises a kernel WARNING, which
 * tests/vm/run must turn into a failed run even when the script succeeds.
 */

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/module.h>

static struct dentry *cstest_warn_dir;

static ssize_t cstest_warn_write(struct file *file, const char __user *buf,
				 size_t count, loff_t *ppos)
{
	WARN(1, "cstest_warn: warning requested by the harness self-test\n");
	return count;
}

static const struct file_operations cstest_warn_fops = {
	.owner = THIS_MODULE,
	.write = cstest_warn_write,
};

static int __init cstest_warn_init(void)
{
	cstest_warn_dir = debugfs_create_dir("cstest_warn", NULL);
	debugfs_create_file("warn", 0200, cstest_warn_dir, NULL,
			    &cstest_warn_fops);
	return 0;
}

static void __exit cstest_warn_exit(void)
{
	debugfs_remove_recursive(cstest_warn_dir);
}

module_init(cstest_warn_init);
module_exit(cstest_warn_exit);
MODULE_DESCRIPTION("cardsnoop harness self-test: raise a WARNING on demand");
MODULE_LICENSE("GPL");
