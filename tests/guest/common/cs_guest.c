// SPDX-License-Identifier: MIT
/*
 * Helpers shared by the in-VM test programs; see cs_guest.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <drm.h>

#include "cs_guest.h"

static int xioctl(int fd, unsigned long req, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, req, arg);
	} while (ret == -1 && (errno == EINTR || errno == EAGAIN));
	return ret == -1 ? -errno : 0;
}

int drm_driver_name(int fd, char *name, size_t len)
{
	struct drm_version v = { 0 };

	v.name = name;
	v.name_len = len - 1;
	memset(name, 0, len);
	return xioctl(fd, DRM_IOCTL_VERSION, &v);
}

static int open_nth_driver(const char *driver, int n)
{
	char path[64], name[64];
	int minor, fd, seen = 0;

	for (minor = 128; minor < 192; minor++) {
		snprintf(path, sizeof(path), "/dev/dri/renderD%d", minor);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (!drm_driver_name(fd, name, sizeof(name)) &&
		    !strcmp(name, driver) && seen++ == n)
			return fd;
		close(fd);
	}
	return -ENODEV;
}

int sg_open(int n)
{
	return open_nth_driver("simgpu", n);
}

int drm_open_driver(const char *name)
{
	return open_nth_driver(name, 0);
}

int sg_info(int fd, struct drm_simgpu_info *info)
{
	memset(info, 0, sizeof(*info));
	return xioctl(fd, DRM_IOCTL_SIMGPU_INFO, info);
}

int sg_bo_create(int fd, uint64_t size, uint32_t placement, uint32_t flags,
		 uint32_t *handle, uint64_t *bo_id)
{
	struct drm_simgpu_bo_create a = {
		.size = size, .placement = placement, .flags = flags,
	};
	int ret = xioctl(fd, DRM_IOCTL_SIMGPU_BO_CREATE, &a);

	if (ret)
		return ret;
	if (handle)
		*handle = a.handle;
	if (bo_id)
		*bo_id = a.bo_id;
	return 0;
}

int sg_bo_info(int fd, uint32_t handle, struct drm_simgpu_bo_info *info)
{
	memset(info, 0, sizeof(*info));
	info->handle = handle;
	return xioctl(fd, DRM_IOCTL_SIMGPU_BO_INFO, info);
}

void *sg_bo_map(int fd, uint32_t handle, size_t size)
{
	struct drm_simgpu_bo_info info;
	void *p;

	if (sg_bo_info(fd, handle, &info))
		return NULL;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 info.mmap_offset);
	return p == MAP_FAILED ? NULL : p;
}

int sg_bind(int fd, uint32_t handle, uint64_t va, uint64_t size,
	    uint64_t offset, uint32_t flags)
{
	struct drm_simgpu_vm_bind a = {
		.handle = handle, .flags = flags, .va = va, .size = size,
		.offset = offset,
	};

	return xioctl(fd, DRM_IOCTL_SIMGPU_VM_BIND, &a);
}

int sg_bind_userptr(int fd, void *ptr, uint64_t va, uint64_t size,
		    uint32_t flags)
{
	struct drm_simgpu_vm_bind a = {
		.flags = flags | SIMGPU_BIND_USERPTR, .va = va, .size = size,
		.userptr = (uintptr_t)ptr,
	};

	return xioctl(fd, DRM_IOCTL_SIMGPU_VM_BIND, &a);
}

int sg_unbind(int fd, uint64_t va, uint64_t size)
{
	struct drm_simgpu_vm_unbind a = { .va = va, .size = size };

	return xioctl(fd, DRM_IOCTL_SIMGPU_VM_UNBIND, &a);
}

int sg_migrate(int fd, uint32_t handle, uint32_t placement)
{
	struct drm_simgpu_bo_migrate a = {
		.handle = handle, .placement = placement,
	};

	return xioctl(fd, DRM_IOCTL_SIMGPU_BO_MIGRATE, &a);
}

int sg_submit(int fd, const struct drm_simgpu_cmd *cmds, uint32_t count)
{
	struct drm_simgpu_submit a = {
		.cmds = (uintptr_t)cmds, .count = count,
		.stride = sizeof(*cmds),
	};

	return xioctl(fd, DRM_IOCTL_SIMGPU_SUBMIT, &a);
}

int sg_gpu_fill(int fd, uint64_t va, uint64_t size, uint32_t dword)
{
	struct drm_simgpu_cmd c = {
		.op = SIMGPU_CMD_FILL, .arg0 = va, .arg1 = size, .arg2 = dword,
	};

	return sg_submit(fd, &c, 1);
}

int sg_gpu_write32(int fd, uint64_t va, uint32_t value)
{
	struct drm_simgpu_cmd c = {
		.op = SIMGPU_CMD_WRITE32, .arg0 = va, .arg1 = value,
	};

	return sg_submit(fd, &c, 1);
}

int sg_close_handle(int fd, uint32_t handle)
{
	struct drm_gem_close a = { .handle = handle };

	return xioctl(fd, DRM_IOCTL_GEM_CLOSE, &a);
}

int snoop_open_for(int drm_fd)
{
	char path[128], link[256];
	struct stat st;
	DIR *dir;
	struct dirent *de;
	int card = -1, fd;

	if (fstat(drm_fd, &st))
		return -errno;
	snprintf(path, sizeof(path), "/sys/dev/char/%u:%u/device/drm",
		 major(st.st_rdev), minor(st.st_rdev));
	dir = opendir(path);
	if (!dir)
		return -errno;
	while ((de = readdir(dir)))
		if (sscanf(de->d_name, "card%d", &card) == 1)
			break;
	closedir(dir);
	if (card < 0)
		return -ENODEV;
	snprintf(link, sizeof(link), "/dev/dri/card%d-snoop", card);
	fd = open(link, O_RDWR | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int snoop_attach(int sfd, int drm_fd, uint32_t flags, uint64_t vm_id,
		 struct cardsnoop_attach *out)
{
	struct cardsnoop_attach a = {
		.drm_fd = drm_fd, .flags = flags, .vm_id = vm_id,
	};
	int ret = xioctl(sfd, CARDSNOOP_IOCTL_ATTACH, &a);

	if (!ret && out)
		*out = a;
	return ret;
}

int snoop_info(int sfd, struct cardsnoop_info *info)
{
	memset(info, 0, sizeof(*info));
	return xioctl(sfd, CARDSNOOP_IOCTL_INFO, info);
}

int snoop_resolve(int sfd, uint64_t va, struct cardsnoop_resolve *res)
{
	memset(res, 0, sizeof(*res));
	res->va = va;
	return xioctl(sfd, CARDSNOOP_IOCTL_RESOLVE, res);
}

int snoop_refresh(int sfd, uint64_t va, uint64_t size, uint32_t flags,
		  uint64_t *dropped)
{
	struct cardsnoop_refresh a = { .va = va, .size = size, .flags = flags };
	int ret = xioctl(sfd, CARDSNOOP_IOCTL_REFRESH, &a);

	if (!ret && dropped)
		*dropped = a.dropped;
	return ret;
}

long long fdinfo_value(int fd, const char *key)
{
	char path[64], line[256], want[128];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	snprintf(want, sizeof(want), "%s:", key);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, want, strlen(want))) {
			v = strtoll(line + strlen(want), NULL, 0);
			break;
		}
	fclose(f);
	return v;
}

int cardsnoop_param_set(const char *name, const char *val)
{
	char path[128];
	FILE *f;
	int ret = 0;

	snprintf(path, sizeof(path), "/sys/module/cardsnoop/parameters/%s",
		 name);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	/* sysfs checks the value when the stream is flushed. */
	if (fputs(val, f) < 0)
		ret = -errno;
	if (fclose(f) && !ret)
		ret = -errno;
	return ret;
}

int snoop_hooks_enabled(void)
{
	char buf[32] = "";
	FILE *f = fopen("/sys/kernel/debug/cardsnoop/hooks", "r");

	if (!f)
		return -errno;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	return !strncmp(buf, "enabled", 7);
}

int pidfd_get_fd(pid_t pid, int targetfd)
{
	int pidfd, fd;

	pidfd = syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		return -errno;
	fd = syscall(SYS_pidfd_getfd, pidfd, targetfd, 0);
	if (fd < 0)
		fd = -errno;
	close(pidfd);
	return fd;
}

void fill_pattern(void *buf, size_t size, uint32_t seed)
{
	uint32_t *p = buf, x = seed * 2654435761u + 1;
	size_t i;

	for (i = 0; i < size / 4; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = x;
	}
}

int run_child(int (*fn)(void *arg), void *arg)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (!pid)
		_exit(fn(arg));
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	return status;
}

struct run_as_ctx {
	uid_t uid;
	int (*fn)(void *arg);
	void *arg;
};

static int run_as_child(void *p)
{
	struct run_as_ctx *ctx = p;

	if (setgroups(0, NULL) || setgid(ctx->uid) || setuid(ctx->uid))
		return 125;
	prctl(PR_SET_DUMPABLE, 1);
	return ctx->fn(ctx->arg);
}

int run_as(uid_t uid, int (*fn)(void *arg), void *arg)
{
	struct run_as_ctx ctx = { .uid = uid, .fn = fn, .arg = arg };

	return run_child(run_as_child, &ctx);
}

static sigjmp_buf fault_jmp;

static void fault_handler(int sig)
{
	siglongjmp(fault_jmp, sig);
}

int access_faults(volatile const void *p, int write)
{
	struct sigaction sa = { .sa_handler = fault_handler }, obus, osegv;
	volatile int faulted = 0;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &obus);
	sigaction(SIGSEGV, &sa, &osegv);
	if (sigsetjmp(fault_jmp, 1) == 0) {
		if (write)
			*(volatile uint8_t *)p = *(volatile const uint8_t *)p;
		else
			(void)*(volatile const uint8_t *)p;
	} else {
		faulted = 1;
	}
	sigaction(SIGBUS, &obus, NULL);
	sigaction(SIGSEGV, &osegv, NULL);
	return faulted;
}
