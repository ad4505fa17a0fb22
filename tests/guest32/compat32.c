// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The cardsnoop authors
 *
 * compat32 RENDER SNOOP: cardsnoop from a 32-bit (i386) debugger, through
 * the kernel's compat_ioctl path.  Built -m32 -static; prints TAP.
 *
 * The program is its own target (a process may always snoop its own DRM
 * files): it creates a system and a VRAM buffer on simgpu, binds them above
 * 4 GiB, fills them through their CPU mappings, then uses every cardsnoop
 * ioctl and the file operations on them.  Every UAPI struct must have the
 * same size and layout for i386 as for x86-64 (u64 fields are only 4-byte
 * aligned there), or the ioctl numbers and offsets differ and this fails.
 * File offsets are GPU VAs above 4 GiB: _FILE_OFFSET_BITS=64 (O_LARGEFILE,
 * pread64, mmap2) is what a 32-bit debugger must use.
 */
#define _GNU_SOURCE
#define _FILE_OFFSET_BITS 64

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <drm/cardsnoop_drm.h>
#include <drm/simgpu_drm.h>

#define BO_SIZE		(64u * 1024)
#define VA_SYS		0x100000000ull
#define VA_VRAM		(VA_SYS + BO_SIZE)

static int n, failed;

static void tap(int ok, const char *what, const char *why)
{
	n++;
	if (ok) {
		printf("ok %d - compat32: %s\n", n, what);
	} else {
		printf("not ok %d - compat32: %s%s%s\n", n, what,
		       why ? ": " : "", why ? why : "");
		failed = 1;
	}
}

static int xioctl(int fd, unsigned long req, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, req, arg);
	} while (ret < 0 && (errno == EINTR || errno == EAGAIN));
	return ret < 0 ? -errno : 0;
}

/* A buffer in @placement, bound at @va, filled with @seed + word index. */
static int make_bo(int drm, uint32_t placement, uint64_t va, uint32_t seed,
		   uint64_t *bo_id)
{
	struct drm_simgpu_bo_create c = {
		.size = BO_SIZE, .placement = placement,
	};
	struct drm_simgpu_vm_bind b = { 0 };
	uint32_t *p;
	unsigned int i;
	int ret;

	ret = xioctl(drm, DRM_IOCTL_SIMGPU_BO_CREATE, &c);
	if (ret)
		return ret;
	p = mmap(NULL, BO_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, drm,
		 (off_t)c.mmap_offset);
	if (p == MAP_FAILED)
		return -errno;
	for (i = 0; i < BO_SIZE / 4; i++)
		p[i] = seed + i;
	munmap(p, BO_SIZE);
	b.handle = c.handle;
	b.va = va;
	b.size = BO_SIZE;
	*bo_id = c.bo_id;
	return xioctl(drm, DRM_IOCTL_SIMGPU_VM_BIND, &b);
}

static int check_words(const uint32_t *p, size_t words, uint32_t seed)
{
	size_t i;

	for (i = 0; i < words; i++)
		if (p[i] != seed + i)
			return 0;
	return 1;
}

int main(int argc, char **argv)
{
	static uint32_t buf[BO_SIZE / 4];
	struct cardsnoop_mapping maps[4];
	struct cardsnoop_mappings mq = { 0 };
	struct cardsnoop_resolve rq = { 0 };
	struct cardsnoop_refresh fq = { 0 };
	struct cardsnoop_event ev[8];
	struct cardsnoop_events eq = { 0 };
	struct cardsnoop_vm_desc vm[2];
	struct cardsnoop_vms vq = { 0 };
	struct cardsnoop_attach aq = { 0 };
	struct cardsnoop_info info = { 0 };
	uint64_t sys_id = 0, vram_id = 0;
	char why[160];
	uint32_t v, *m;
	int drm, snoop, ret;
	off_t off;

	if (argc != 3) {
		fprintf(stderr, "usage: compat32 RENDER_NODE SNOOP_NODE\n");
		return 2;
	}
	tap(sizeof(long) == 4, "built for a 32-bit ABI", NULL);

	drm = open(argv[1], O_RDWR | O_CLOEXEC);
	snoop = open(argv[2], O_RDWR | O_CLOEXEC);
	if (drm < 0 || snoop < 0) {
		printf("not ok 2 - compat32: open %s and %s: %s\n", argv[1],
		       argv[2], strerror(errno));
		return 1;
	}
	ret = make_bo(drm, SIMGPU_PLACEMENT_SYSTEM, VA_SYS, 0x1000, &sys_id);
	if (!ret)
		ret = make_bo(drm, SIMGPU_PLACEMENT_VRAM, VA_VRAM, 0x50000,
			      &vram_id);
	snprintf(why, sizeof(why), "%s", strerror(-ret));
	tap(!ret, "simgpu BO_CREATE, mmap and VM_BIND above 4 GiB", why);

	ret = xioctl(snoop, CARDSNOOP_IOCTL_INFO, &info);
	snprintf(why, sizeof(why), "ret %d, api %u, va_bits %u, driver '%.32s'",
		 ret, info.api_version, info.va_bits, info.driver);
	tap(!ret && info.api_version == CARDSNOOP_API_VERSION &&
	    info.va_bits == 48 && !strcmp(info.driver, "simgpu"), "INFO", why);

	vq.drm_fd = drm;
	vq.count = 2;
	vq.vms_ptr = (uintptr_t)vm;
	vq.stride = sizeof(vm[0]);
	ret = xioctl(snoop, CARDSNOOP_IOCTL_VMS, &vq);
	snprintf(why, sizeof(why), "ret %d, count %u", ret, vq.count);
	tap(!ret && vq.count == 1, "VMS: the file's one VM", why);

	aq.drm_fd = drm;
	ret = xioctl(snoop, CARDSNOOP_IOCTL_ATTACH, &aq);
	snprintf(why, sizeof(why), "ret %d, owner_pid %d", ret, aq.owner_pid);
	tap(!ret && aq.owner_pid == getpid() && aq.va_end > VA_VRAM,
	    "ATTACH to its own DRM file", why);

	mq.start = 0;
	mq.mappings_ptr = (uintptr_t)maps;
	mq.count = 4;
	mq.stride = sizeof(maps[0]);
	ret = xioctl(snoop, CARDSNOOP_IOCTL_MAPPINGS, &mq);
	snprintf(why, sizeof(why), "ret %d, count %u", ret, mq.count);
	tap(!ret && mq.count == 2 && maps[0].va == VA_SYS &&
	    maps[0].bo_id == sys_id && maps[1].va == VA_VRAM &&
	    maps[1].placement == CARDSNOOP_PLACEMENT_VRAM,
	    "MAPPINGS: both buffers, in order, with their ids", why);

	rq.va = VA_VRAM + 8;
	ret = xioctl(snoop, CARDSNOOP_IOCTL_RESOLVE, &rq);
	snprintf(why, sizeof(why), "ret %d, va 0x%llx, bo %llu", ret,
		 (unsigned long long)rq.mapping.va,
		 (unsigned long long)rq.mapping.bo_id);
	tap(!ret && rq.mapping.va == VA_VRAM && rq.mapping.bo_id == vram_id &&
	    rq.mapping.bo_offset == 0, "RESOLVE", why);

	memset(buf, 0, sizeof(buf));
	tap(pread(snoop, buf, BO_SIZE, (off_t)VA_SYS) == BO_SIZE &&
	    check_words(buf, BO_SIZE / 4, 0x1000),
	    "pread of system memory at a VA above 4 GiB", NULL);
	memset(buf, 0, sizeof(buf));
	tap(pread(snoop, buf, BO_SIZE, (off_t)VA_VRAM) == BO_SIZE &&
	    check_words(buf, BO_SIZE / 4, 0x50000), "pread of VRAM", NULL);

	v = 0xc0ffee32;
	tap(pwrite(snoop, &v, 4, (off_t)(VA_VRAM + 64)) == 4 &&
	    pread(snoop, buf, 4, (off_t)(VA_VRAM + 64)) == 4 && buf[0] == v,
	    "pwrite of VRAM, read back", NULL);

	off = lseek(snoop, 0, SEEK_DATA);
	tap(off == (off_t)VA_SYS, "lseek SEEK_DATA finds the first mapping",
	    NULL);
	off = lseek(snoop, (off_t)VA_SYS, SEEK_HOLE);
	tap(off == (off_t)(VA_VRAM + BO_SIZE),
	    "lseek SEEK_HOLE after the two mappings", NULL);

	m = mmap(NULL, BO_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, snoop,
		 (off_t)VA_SYS);
	tap(m != MAP_FAILED && check_words(m, BO_SIZE / 4, 0x1000),
	    "mmap at a VA above 4 GiB (mmap2), live system pages", NULL);
	if (m != MAP_FAILED)
		munmap(m, BO_SIZE);

	fq.va = VA_VRAM;
	fq.size = BO_SIZE;
	ret = xioctl(snoop, CARDSNOOP_IOCTL_REFRESH, &fq);
	snprintf(why, sizeof(why), "ret %d", ret);
	tap(!ret, "REFRESH", why);

	eq.events_ptr = (uintptr_t)ev;
	eq.count = 8;
	eq.stride = sizeof(ev[0]);
	ret = xioctl(snoop, CARDSNOOP_IOCTL_EVENTS, &eq);
	snprintf(why, sizeof(why), "ret %d, count %u, type %u", ret, eq.count,
		 eq.count ? ev[0].type : 0);
	tap(!ret && eq.count == 2 && ev[0].type == CARDSNOOP_EVENT_BIND &&
	    (ev[0].flags & CARDSNOOP_EVENT_REPLAY) && ev[0].va == VA_SYS &&
	    ev[1].va == VA_VRAM && ev[1].seqno == ev[0].seqno + 1,
	    "EVENTS: the two mappings replayed as BIND records", why);

	close(snoop);
	close(drm);
	printf("1..%d\n", n);
	return failed;
}
