// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The cardsnoop authors
 *
 * Small system helpers: the ioctl wrapper, whole-file reads that survive a
 * file vanishing under them, and the pidfd system calls (raw, so that the
 * library does not depend on a C library new enough to wrap them).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cs_private.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif
#ifndef SYS_kcmp
#define SYS_kcmp 312
#endif
#define CS_KCMP_FILE 0		/* <linux/kcmp.h> KCMP_FILE */

int cs_ioctl(int fd, unsigned long request, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, request, arg);
	} while (ret == -1 && (errno == EINTR || errno == EAGAIN));

	return ret == -1 ? -errno : ret;
}

ssize_t cs_read_file(int dirfd, const char *path, char **out)
{
	size_t len = 0, room = 4096;
	char *buf, *nbuf;
	ssize_t n;
	int fd, ret;

	*out = NULL;
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;

	buf = malloc(room);
	if (!buf) {
		ret = -ENOMEM;
		goto err_close;
	}
	for (;;) {
		if (room - len < 2) {
			nbuf = realloc(buf, room * 2);
			if (!nbuf) {
				ret = -ENOMEM;
				goto err_free;
			}
			buf = nbuf;
			room *= 2;
		}
		n = read(fd, buf + len, room - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			/* The process or fd went away after the open. */
			ret = -errno;
			goto err_free;
		}
		if (n == 0)
			break;
		len += n;
	}
	buf[len] = '\0';
	close(fd);
	*out = buf;
	return len;

err_free:
	free(buf);
err_close:
	close(fd);
	return ret;
}

int cs_read_line(const char *path, char *buf, size_t len)
{
	char *data;
	ssize_t n;

	n = cs_read_file(AT_FDCWD, path, &data);
	if (n < 0)
		return n;
	data[strcspn(data, "\n")] = '\0';
	snprintf(buf, len, "%s", data);
	free(data);
	return 0;
}

int cs_pidfd_open(pid_t pid)
{
	long ret = syscall(SYS_pidfd_open, pid, 0);

	return ret < 0 ? -errno : (int)ret;
}

int cs_pidfd_getfd(int pidfd, int fd)
{
	long ret = syscall(SYS_pidfd_getfd, pidfd, fd, 0);

	return ret < 0 ? -errno : (int)ret;
}

int cs_kcmp_file(pid_t pid, int fd1, int fd2)
{
	long ret = syscall(SYS_kcmp, pid, pid, CS_KCMP_FILE, fd1, fd2);

	return ret < 0 ? -errno : (int)ret;
}

char *cs_strdup_printf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int ret;

	va_start(ap, fmt);
	ret = vasprintf(&s, fmt, ap);
	va_end(ap);
	return ret < 0 ? NULL : s;
}

long cs_parse_index(const char *s)
{
	long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 100000000)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}
