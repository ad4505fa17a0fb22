/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the in-VM test programs: simgpu buffers and VMs through
 * its UAPI, and raw access to the snoop node (the tests of the core use the
 * ioctls directly, not libcardsnoop).  Every function returns -errno on
 * failure and never exits.
 */
#ifndef CS_GUEST_H
#define CS_GUEST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <drm/cardsnoop_drm.h>
#include <drm/simgpu_drm.h>

#define SZ_4K	0x1000ull
#define SZ_64K	0x10000ull
#define SZ_1M	0x100000ull

/* The @n-th simgpu render node (0 = first), opened O_RDWR | O_CLOEXEC. */
int sg_open(int n);
/* The render node of the first DRM device whose driver is @name. */
int drm_open_driver(const char *name);
/* DRM driver name of @fd into @name. */
int drm_driver_name(int fd, char *name, size_t len);

int sg_info(int fd, struct drm_simgpu_info *info);
int sg_bo_create(int fd, uint64_t size, uint32_t placement, uint32_t flags,
		 uint32_t *handle, uint64_t *bo_id);
int sg_bo_info(int fd, uint32_t handle, struct drm_simgpu_bo_info *info);
/* CPU mapping of a whole buffer (MAP_SHARED, read/write). */
void *sg_bo_map(int fd, uint32_t handle, size_t size);
int sg_bind(int fd, uint32_t handle, uint64_t va, uint64_t size,
	    uint64_t offset, uint32_t flags);
int sg_bind_userptr(int fd, void *ptr, uint64_t va, uint64_t size,
		    uint32_t flags);
int sg_unbind(int fd, uint64_t va, uint64_t size);
int sg_migrate(int fd, uint32_t handle, uint32_t placement);
int sg_submit(int fd, const struct drm_simgpu_cmd *cmds, uint32_t count);
int sg_gpu_fill(int fd, uint64_t va, uint64_t size, uint32_t dword);
int sg_gpu_write32(int fd, uint64_t va, uint32_t value);
int sg_close_handle(int fd, uint32_t handle);

/* The snoop node of the DRM device behind @drm_fd (O_RDWR | O_CLOEXEC). */
int snoop_open_for(int drm_fd);
/* ATTACH; @out may be NULL. */
int snoop_attach(int sfd, int drm_fd, uint32_t flags, uint64_t vm_id,
		 struct cardsnoop_attach *out);
int snoop_info(int sfd, struct cardsnoop_info *info);
int snoop_resolve(int sfd, uint64_t va, struct cardsnoop_resolve *res);
int snoop_refresh(int sfd, uint64_t va, uint64_t size, uint32_t flags,
		  uint64_t *dropped);
/* Write @val to cardsnoop's module parameter @name: 0 or -errno. */
int cardsnoop_param_set(const char *name, const char *val);
/* Value of a "cardsnoop-KEY:" line of /proc/self/fdinfo/@fd, or -1. */
long long fdinfo_value(int fd, const char *key);
/* Contents of /sys/kernel/debug/cardsnoop/hooks' first line. */
int snoop_hooks_enabled(void);

/* pidfd_open + pidfd_getfd. */
int pidfd_get_fd(pid_t pid, int targetfd);

/* Fill @buf with a pattern derived from @seed. */
void fill_pattern(void *buf, size_t size, uint32_t seed);

/* Run @fn(@arg) in a child; return its wait status (or -errno). */
int run_child(int (*fn)(void *arg), void *arg);
/* Run @fn in a child with uid/gid @uid and no capabilities. */
int run_as(uid_t uid, int (*fn)(void *arg), void *arg);
/* Did a read of @p fault (SIGBUS/SIGSEGV)?  1 yes, 0 no. */
int access_faults(volatile const void *p, int write);

#endif
