/* SPDX-License-Identifier: MIT */
/*
 * Helpers of the simgpu test programs (tests/guest/simgpu_*.c): thin
 * wrappers of the simgpu UAPI that return -errno, never exit.  Header-only
 * (static functions) so that nothing is linked into other guest programs.
 */
#ifndef SIMGPU_TEST_H
#define SIMGPU_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <drm.h>
#include <drm/simgpu_drm.h>

#define SGT_4K		0x1000ull
#define SGT_64K		0x10000ull
#define SGT_1M		0x100000ull
#define SGT_UPPER	0xffff800000000000ull

static inline int sgt_ioctl(int fd, unsigned long req, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, req, arg);
	} while (ret == -1 && (errno == EINTR || errno == EAGAIN));
	return ret == -1 ? -errno : 0;
}

static inline int sgt_driver_name(int fd, char *name, size_t len)
{
	struct drm_version v;

	memset(&v, 0, sizeof(v));
	memset(name, 0, len);
	v.name = name;
	v.name_len = len - 1;
	return sgt_ioctl(fd, DRM_IOCTL_VERSION, &v);
}

/* Open the @n-th simgpu render node (by minor); -ENODEV if there is none. */
static inline int sgt_open_nth(int n)
{
	char path[64], name[32];
	int minor, fd;

	for (minor = 128; minor < 192; minor++) {
		snprintf(path, sizeof(path), "/dev/dri/renderD%d", minor);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (!sgt_driver_name(fd, name, sizeof(name)) &&
		    !strcmp(name, "simgpu") && n-- == 0)
			return fd;
		close(fd);
	}
	return -ENODEV;
}

static inline int sgt_info(int fd, struct drm_simgpu_info *info)
{
	memset(info, 0, sizeof(*info));
	return sgt_ioctl(fd, DRM_IOCTL_SIMGPU_INFO, info);
}

/*
 * The device under test: $SIMGPU_RENDER if set, else the simgpu render
 * node with the least VRAM (the suite loads a small virtual device for the
 * eviction tests; it is also the cheapest to fill).
 */
static inline int sgt_open(void)
{
	const char *env = getenv("SIMGPU_RENDER");
	__u64 best_vram = ~0ull;
	int n, fd, best = -ENODEV;

	if (env && *env) {
		fd = open(env, O_RDWR | O_CLOEXEC);
		return fd < 0 ? -errno : fd;
	}
	for (n = 0; (fd = sgt_open_nth(n)) >= 0; n++) {
		struct drm_simgpu_info info;

		if (!sgt_info(fd, &info) && info.vram_size < best_vram) {
			if (best >= 0)
				close(best);
			best = fd;
			best_vram = info.vram_size;
		} else {
			close(fd);
		}
	}
	return best;
}

static inline int sgt_bo_create(int fd, __u64 size, __u32 placement,
				__u32 flags, __u32 *handle)
{
	struct drm_simgpu_bo_create c;
	int ret;

	memset(&c, 0, sizeof(c));
	c.size = size;
	c.placement = placement;
	c.flags = flags;
	ret = sgt_ioctl(fd, DRM_IOCTL_SIMGPU_BO_CREATE, &c);
	if (!ret && handle)
		*handle = c.handle;
	return ret;
}

static inline int sgt_bo_info(int fd, __u32 handle,
			      struct drm_simgpu_bo_info *info)
{
	memset(info, 0, sizeof(*info));
	info->handle = handle;
	return sgt_ioctl(fd, DRM_IOCTL_SIMGPU_BO_INFO, info);
}

/* Placement of @handle now, or -errno. */
static inline int sgt_placement(int fd, __u32 handle)
{
	struct drm_simgpu_bo_info info;
	int ret = sgt_bo_info(fd, handle, &info);

	return ret ? ret : (int)info.placement;
}

/* CPU mapping of a whole buffer, or NULL. */
static inline void *sgt_map(int fd, __u32 handle)
{
	struct drm_simgpu_bo_info info;
	void *p;

	if (sgt_bo_info(fd, handle, &info))
		return NULL;
	p = mmap(NULL, info.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 info.mmap_offset);
	return p == MAP_FAILED ? NULL : p;
}

static inline int sgt_bind(int fd, __u32 handle, __u64 va, __u64 size,
			   __u64 offset, __u32 flags)
{
	struct drm_simgpu_vm_bind b;

	memset(&b, 0, sizeof(b));
	b.handle = handle;
	b.flags = flags;
	b.va = va;
	b.size = size;
	b.offset = offset;
	return sgt_ioctl(fd, DRM_IOCTL_SIMGPU_VM_BIND, &b);
}

static inline int sgt_bind_userptr(int fd, void *ptr, __u64 va, __u64 size,
				   __u32 flags)
{
	struct drm_simgpu_vm_bind b;

	memset(&b, 0, sizeof(b));
	b.flags = flags | SIMGPU_BIND_USERPTR;
	b.va = va;
	b.size = size;
	b.userptr = (uintptr_t)ptr;
	return sgt_ioctl(fd, DRM_IOCTL_SIMGPU_VM_BIND, &b);
}

static inline int sgt_unbind(int fd, __u64 va, __u64 size)
{
	struct drm_simgpu_vm_unbind u;

	memset(&u, 0, sizeof(u));
	u.va = va;
	u.size = size;
	return sgt_ioctl(fd, DRM_IOCTL_SIMGPU_VM_UNBIND, &u);
}

static inline int sgt_migrate(int fd, __u32 handle, __u32 placement)
{
	struct drm_simgpu_bo_migrate m = { .handle = handle,
					   .placement = placement };

	return sgt_ioctl(fd, DRM_IOCTL_SIMGPU_BO_MIGRATE, &m);
}

/* Submit @n commands; *@done (may be NULL) gets drm_simgpu_submit.done. */
static inline int sgt_submit(int fd, const struct drm_simgpu_cmd *cmds,
			     __u32 n, __u32 *done)
{
	struct drm_simgpu_submit s;
	int ret;

	memset(&s, 0, sizeof(s));
	s.cmds = (uintptr_t)cmds;
	s.count = n;
	s.stride = sizeof(*cmds);
	ret = sgt_ioctl(fd, DRM_IOCTL_SIMGPU_SUBMIT, &s);
	if (done)
		*done = s.done;
	return ret;
}

static inline struct drm_simgpu_cmd sgt_cmd(__u32 op, __u64 a0, __u64 a1,
					    __u64 a2)
{
	struct drm_simgpu_cmd c;

	memset(&c, 0, sizeof(c));
	c.op = op;
	c.arg0 = a0;
	c.arg1 = a1;
	c.arg2 = a2;
	return c;
}

static inline int sgt_one(int fd, __u32 op, __u64 a0, __u64 a1, __u64 a2)
{
	struct drm_simgpu_cmd c = sgt_cmd(op, a0, a1, a2);

	return sgt_submit(fd, &c, 1, NULL);
}

static inline int sgt_fill(int fd, __u64 va, __u64 size, __u32 dword)
{
	return sgt_one(fd, SIMGPU_CMD_FILL, va, size, dword);
}

static inline int sgt_write32(int fd, __u64 va, __u32 value)
{
	return sgt_one(fd, SIMGPU_CMD_WRITE32, va, value, 0);
}

static inline int sgt_copy(int fd, __u64 src, __u64 dst, __u64 size)
{
	return sgt_one(fd, SIMGPU_CMD_COPY, src, dst, size);
}

/* Up to @n fault records into @f; returns the number or -errno. */
static inline int sgt_faults(int fd, struct drm_simgpu_fault *f, __u32 n,
			     __u32 flags, __u64 *total)
{
	struct drm_simgpu_faults q;
	int ret;

	memset(&q, 0, sizeof(q));
	q.faults = (uintptr_t)f;
	q.count = n;
	q.stride = sizeof(*f);
	q.flags = flags;
	ret = sgt_ioctl(fd, DRM_IOCTL_SIMGPU_FAULTS, &q);
	if (ret)
		return ret;
	if (total)
		*total = q.total;
	return (int)q.count;
}

/* Value of the "KEY:" line of /proc/self/fdinfo/@fd, or -1 (-2: absent). */
static inline long long sgt_fdinfo(int fd, const char *key)
{
	char path[64], line[256];
	size_t klen = strlen(key);
	long long v = -2;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			v = strtoll(line + klen + 1, NULL, 0);
			break;
		}
	}
	fclose(f);
	return v;
}

/* The string value of "KEY:" in /proc/self/fdinfo/@fd into @out. */
static inline int sgt_fdinfo_str(int fd, const char *key, char *out,
				 size_t len)
{
	char path[64], line[256];
	size_t klen = strlen(key);
	int ret = -ENOENT;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			char *v = line + klen + 1;

			v += strspn(v, " \t");
			v[strcspn(v, "\n")] = 0;
			snprintf(out, len, "%s", v);
			ret = 0;
			break;
		}
	}
	fclose(f);
	return ret;
}

/* Fill @p with dwords @seed + i. */
static inline void sgt_stamp(void *p, size_t size, __u32 seed)
{
	__u32 *d = p;
	size_t i;

	for (i = 0; i < size / 4; i++)
		d[i] = seed + (__u32)i;
}

/* Index of the first dword of @p that is not @seed + i, or -1. */
static inline long sgt_check_stamp(const void *p, size_t size, __u32 seed)
{
	const __u32 *d = p;
	size_t i;

	for (i = 0; i < size / 4; i++)
		if (d[i] != seed + (__u32)i)
			return (long)i;
	return -1;
}

/*
 * Does touching @p raise SIGBUS or SIGSEGV?  1 yes, 0 no (*@val gets the
 * dword read), -1 on error.  Runs the access in a child.
 */
static inline int sgt_touch_faults(volatile __u32 *p, int wr, __u32 *val)
{
	int pipefd[2], status;
	__u32 v = 0;
	pid_t pid;

	if (pipe(pipefd))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		close(pipefd[0]);
		if (wr)
			*p = 0x5a5a5a5a;
		v = *p;
		if (write(pipefd[1], &v, sizeof(v)) != sizeof(v))
			_exit(2);
		_exit(0);
	}
	close(pipefd[1]);
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	if (WIFSIGNALED(status))
		return WTERMSIG(status) == SIGBUS || WTERMSIG(status) == SIGSEGV;
	if (read(pipefd[0], &v, sizeof(v)) != sizeof(v))
		v = 0;
	close(pipefd[0]);
	if (val)
		*val = v;
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -1;
}

#endif /* SIMGPU_TEST_H */
