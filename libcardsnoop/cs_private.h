/* SPDX-License-Identifier: MIT */
/*
 * Copyright (C) 2026 The cardsnoop authors
 *
 * libcardsnoop internals shared by its source files.  Nothing here is part
 * of the ABI: every symbol is hidden (-fvisibility=hidden); the exported ones
 * are marked cs_public at their definition and listed in libcardsnoop.sym
 * and libcardsnoop.map.
 */
#ifndef CS_PRIVATE_H
#define CS_PRIVATE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cardsnoop.h"

#define cs_public __attribute__((visibility("default")))
#define cs_private __attribute__((visibility("hidden")))
#define cs_printf(a, b) __attribute__((format(printf, a, b)))

#define CS_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define CS_MIN(a, b) ((a) < (b) ? (a) : (b))

/* Major number of DRM character devices (include/drm/drm.h: DRM_MAJOR). */
#define CS_DRM_MAJOR 226

/**
 * struct cs_error - see cardsnoop.h
 * @code: negative errno, 0 when nothing is recorded.
 * @msg: the message.
 * @cands: candidate clients after -ENOTUNIQ, owned.
 * @n_cands: entries in @cands.
 */
struct cs_error {
	int code;
	char msg[1024];
	struct cs_client **cands;
	int n_cands;
};

/**
 * struct cs_snoop - see cardsnoop.h
 * @fd: the snoop file.
 * @page_size: the CPU page size, for cs_map().
 * @info: what cs_snoop_get_info() returns; its strings point into
 *	@driver, @node and @comm.
 */
struct cs_snoop {
	int fd;
	size_t page_size;
	struct cs_snoop_info info;
	char driver[sizeof(((struct cardsnoop_info *)0)->driver)];
	char node[64];
	char comm[32];
};

/* error.c */

/*
 * Record @code and a message in @err (may be NULL) and return @code, so
 * that a failure path reads `return cs_fail(err, -EPERM, "...", ...)`.
 * Nothing is formatted when @err is NULL.
 */
cs_private int cs_fail(struct cs_error *err, int code, const char *fmt, ...)
	cs_printf(3, 4);
/* Move @n clients (taken over) into @err as the -ENOTUNIQ candidates. */
cs_private void cs_error_set_candidates(struct cs_error *err,
					struct cs_client **clients, int n);
/* kernel.yama.ptrace_scope under @proc, or -1 without Yama. */
cs_private int cs_ptrace_scope(const char *proc);
/* Description of errno @e (positive), thread-safe. */
cs_private const char *cs_errno_desc(int e);
/* "card0" or "the GPU" into @buf. */
cs_private const char *cs_card_name(int card, char *buf, size_t len);

/* util.c */

/* ioctl(2) retried on EINTR and EAGAIN, like drmIoctl(); -errno on failure. */
cs_private int cs_ioctl(int fd, unsigned long request, void *arg);
/*
 * Read all of @path (relative to @dirfd, or absolute) into a NUL-terminated
 * malloc'ed buffer.  Returns the length, or -errno.
 */
cs_private ssize_t cs_read_file(int dirfd, const char *path, char **out);
/* Read one line of a small file into @buf, newline removed; -errno. */
cs_private int cs_read_line(const char *path, char *buf, size_t len);
cs_private int cs_pidfd_open(pid_t pid);
cs_private int cs_pidfd_getfd(int pidfd, int fd);
/* kcmp(2) KCMP_FILE of two fds of @pid: 0 if they share one open file. */
cs_private int cs_kcmp_file(pid_t pid, int fd1, int fd2);
/* asprintf() that returns NULL on failure. */
cs_private char *cs_strdup_printf(const char *fmt, ...) cs_printf(1, 2);
/* Parse a non-negative decimal integer filling all of @s; -1 otherwise. */
cs_private long cs_parse_index(const char *s);

/* devices.c */

/*
 * Card index of the DRM character device @rdev, through
 * @sys/dev/char/MAJ:MIN/device/drm/cardN; -ENOENT/-ENODEV if none.
 */
cs_private int cs_card_of_rdev(const char *sys, dev_t rdev);
/* Path of the snoop node of card @card into @buf. */
cs_private void cs_snoop_node_path(int card, char *buf, size_t len);

/* clients.c */

/*
 * All DRM clients of @pid (0: every process), sorted by pid and fd, into a
 * malloc'ed array that the caller frees with cs_free_clients() + free().
 */
cs_private int cs_scan_clients(const struct cs_roots *roots, pid_t pid,
			       struct cs_client ***out, int *count,
			       struct cs_error *err);

/* va.c: nothing beyond the public functions. */

#endif /* CS_PRIVATE_H */
