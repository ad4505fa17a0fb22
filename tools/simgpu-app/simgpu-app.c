// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The cardsnoop authors
 *
 * simgpu-app: a scripted GPU workload on simgpu, for the demo, the tests and
 * by hand.  One command a line; see simgpu-app(1) or --help.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

#include <drm/simgpu_drm.h>

#define PAGE		4096ull
#define VA_BITS		SIMGPU_VA_BITS
#define VA_END		(1ull << VA_BITS)
#define MAX_ARGS	16

enum obj_kind { OBJ_BO, OBJ_USERPTR, OBJ_IMPORT };

/* A named buffer: a simgpu buffer, user memory, or an imported vgem one. */
struct obj {
	char *name;
	enum obj_kind kind;
	uint32_t handle;
	__u64 size;
	__u64 bo_id;
	uint8_t *map;
	struct obj *next;
};

/* What the app bound where: the CPU view of a VA (linear form). */
struct binding {
	__u64 va, size, offset;
	struct obj *obj;	/* NULL: sparse */
	bool ro;
	struct binding *next;
};

static struct {
	int fd;
	int vgem_fd;
	const char *node;
	unsigned long line;
	const char *cmd;
	struct obj *objs;
	struct binding *binds;
	/* expect-fail: report errors silently, remember the errno */
	bool quiet;
	int last_errno;
} app = { .fd = -1, .vgem_fd = -1 };

static const char *prog = "simgpu-app";

static void usage(FILE *f)
{
	fprintf(f,
"Usage:\n"
" %s [options] [SCRIPT|-]\n"
"\n"
"Run a scripted GPU workload on a simgpu device: one command a line from\n"
"SCRIPT (or standard input), '#' starts a comment, numbers are decimal or\n"
"0x-hex, sizes take K/M/G, VAs may be canonical (0xffff8000_00000000 and up).\n"
"\n"
"Options:\n"
" -d, --device NODE   the render node to use (default: the first simgpu one)\n"
" -h, --help          display this help\n"
" -V, --version       display the version\n"
"\n"
"Commands:\n"
" bo NAME SIZE [system|vram] [pinned]  create a buffer\n"
" userptr NAME SIZE                    allocate CPU memory to bind as userptr\n"
" import-vgem NAME SIZE                create a vgem buffer and import it\n"
" bind NAME VA [OFFSET [SIZE]] [ro]    map (part of) NAME at VA\n"
" sparse VA SIZE [ro]                  map a sparse (zero) range at VA\n"
" unbind VA SIZE                       unmap a VA range\n"
" close NAME                           unmap NAME from the CPU, close its handle\n"
" fill NAME OFFSET SIZE BYTE           CPU fill through NAME's mapping\n"
" poke VA HEX                          CPU write of bytes at VA\n"
" expect VA HEX                        fail unless the bytes at VA are HEX\n"
" stamp NAME SEED                      CPU: dword i of NAME = SEED + i\n"
" check-stamp NAME SEED                fail unless NAME holds that stamp\n"
" gpu-fill VA SIZE DWORD               engine FILL\n"
" gpu-copy SRC_VA DST_VA SIZE          engine COPY\n"
" gpu-write32 VA VALUE                 engine WRITE32\n"
" emit NAME OFFSET nop|fill|copy|write32 ARGS...\n"
"                                      write an IB command into NAME\n"
" ib VA SIZE                           submit the IB at VA (kernel ring)\n"
" migrate NAME system|vram             move NAME\n"
" info NAME                            print NAME's id, size and placement\n"
" faults                               print the GPU page fault records\n"
" expect-fail ERRNO COMMAND...         fail unless COMMAND fails with ERRNO\n"
" print TEXT...                        print TEXT\n"
" sleep MS                             sleep\n"
" pause                                wait for SIGUSR1\n"
" hold                                 wait for SIGTERM or SIGINT, exit 0\n"
"\n"
"A failing command prints \"%s: line N: COMMAND: ERROR\" and exits 1.\n"
"\n"
"For more details see simgpu-app(1).\n", prog, prog);
}

/* A failed command: message, then exit 1 (or, under expect-fail, return). */
static int fail(int err, const char *fmt, ...)
{
	va_list ap;

	app.last_errno = err;
	if (app.quiet)
		return -1;
	fprintf(stderr, "%s: line %lu: %s: ", prog, app.line, app.cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static int fail_errno(int err)
{
	return fail(err, "%s", strerror(err));
}

/*
 * Parsing
 */

/* Decimal or 0x-hex, '_' allowed between digits; @size: a K/M/G suffix. */
static int parse_u64(const char *s, __u64 *out, bool size)
{
	char buf[64], *end;
	unsigned long long v;
	size_t i, n = 0;
	int shift = 0;

	if (!s || !*s || *s == '-' || *s == '_')
		return fail(EINVAL, "bad number '%s'", s ? s : "");
	for (i = 0; s[i] && n < sizeof(buf) - 1; i++)
		if (s[i] != '_')
			buf[n++] = s[i];
	buf[n] = 0;
	if (s[i])
		return fail(EINVAL, "bad number '%s'", s);
	errno = 0;
	v = strtoull(buf, &end, 0);
	if (errno || end == buf)
		return fail(EINVAL, "bad number '%s'", s);
	if (size && *end) {
		switch (toupper((unsigned char)*end)) {
		case 'K': shift = 10; break;
		case 'M': shift = 20; break;
		case 'G': shift = 30; break;
		default: shift = -1; break;
		}
		if (shift > 0)
			end++;
	}
	if (*end || shift < 0 || (shift && v > (~0ull >> shift)))
		return fail(EINVAL, "bad %s '%s'", size ? "size" : "number", s);
	*out = v << shift;
	return 0;
}

/* A VA, canonical or linear, to the linear form. */
static int parse_va(const char *s, __u64 *out)
{
	__u64 v;

	if (parse_u64(s, &v, false))
		return -1;
	if (v >> VA_BITS) {
		if ((v >> (VA_BITS - 1)) != (~0ull >> (VA_BITS - 1)))
			return fail(EINVAL, "bad VA '%s'", s);
		v &= VA_END - 1;
	}
	*out = v;
	return 0;
}

static __u64 canonical(__u64 va)
{
	return va & (1ull << (VA_BITS - 1)) ? va | ~(VA_END - 1) : va;
}

static int parse_hex(const char *s, uint8_t **out, size_t *len)
{
	size_t n = 0, i;
	uint8_t *buf;
	char *clean;

	if (!s)
		return fail(EINVAL, "missing hex bytes");
	if (!strncmp(s, "0x", 2) || !strncmp(s, "0X", 2))
		s += 2;
	clean = malloc(strlen(s) + 1);
	if (!clean)
		return fail_errno(ENOMEM);
	for (i = 0; s[i]; i++) {
		if (s[i] == '_' || s[i] == ':')
			continue;
		if (!isxdigit((unsigned char)s[i])) {
			free(clean);
			return fail(EINVAL, "bad hex '%s'", s);
		}
		clean[n++] = s[i];
	}
	if (!n || n % 2) {
		free(clean);
		return fail(EINVAL, "bad hex '%s' (odd or no digits)", s);
	}
	buf = malloc(n / 2);
	if (!buf) {
		free(clean);
		return fail_errno(ENOMEM);
	}
	for (i = 0; i < n / 2; i++) {
		char b[3] = { clean[2 * i], clean[2 * i + 1], 0 };

		buf[i] = (uint8_t)strtoul(b, NULL, 16);
	}
	free(clean);
	*out = buf;
	*len = n / 2;
	return 0;
}

static int parse_placement(const char *s, uint32_t *out)
{
	if (s && !strcmp(s, "system"))
		*out = SIMGPU_PLACEMENT_SYSTEM;
	else if (s && !strcmp(s, "vram"))
		*out = SIMGPU_PLACEMENT_VRAM;
	else
		return fail(EINVAL, "placement must be system or vram, not '%s'",
			    s ? s : "");
	return 0;
}

static const char *placement_name(uint32_t p)
{
	return p == SIMGPU_PLACEMENT_VRAM ? "vram" :
	       p == SIMGPU_PLACEMENT_SYSTEM ? "system" : "?";
}

/*
 * Device
 */

static int ioctl_ret(int fd, unsigned long req, void *arg)
{
	return drmIoctl(fd, req, arg) ? errno : 0;
}

static int open_simgpu(const char *node)
{
	drmDevicePtr devs[64];
	int n, i, fd = -1, best = -1;

	if (node) {
		fd = open(node, O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, "%s: cannot open %s: %s\n", prog, node,
				strerror(errno));
			exit(2);
		}
		app.node = node;
		return fd;
	}

	n = drmGetDevices2(0, devs, 64);
	for (i = 0; i < n; i++) {
		drmVersionPtr v;
		int f;

		if (!(devs[i]->available_nodes & (1 << DRM_NODE_RENDER)))
			continue;
		f = open(devs[i]->nodes[DRM_NODE_RENDER], O_RDWR | O_CLOEXEC);
		if (f < 0)
			continue;
		v = drmGetVersion(f);
		if (v && !strcmp(v->name, "simgpu") &&
		    (best < 0 || strcmp(devs[i]->nodes[DRM_NODE_RENDER],
					devs[best]->nodes[DRM_NODE_RENDER]) < 0)) {
			if (fd >= 0)
				close(fd);
			fd = f;
			best = i;
		} else {
			close(f);
		}
		drmFreeVersion(v);
	}
	if (fd < 0) {
		fprintf(stderr, "%s: no simgpu render node found\n", prog);
		exit(2);
	}
	app.node = strdup(devs[best]->nodes[DRM_NODE_RENDER]);
	drmFreeDevices(devs, n);
	return fd;
}

static int open_vgem(void)
{
	char path[64];
	int i;

	if (app.vgem_fd >= 0)
		return app.vgem_fd;
	for (i = 0; i < 64; i++) {
		drmVersionPtr v;
		int f;

		snprintf(path, sizeof(path), "/dev/dri/card%d", i);
		f = open(path, O_RDWR | O_CLOEXEC);
		if (f < 0)
			continue;
		v = drmGetVersion(f);
		if (v && !strcmp(v->name, "vgem")) {
			drmFreeVersion(v);
			app.vgem_fd = f;
			return f;
		}
		drmFreeVersion(v);
		close(f);
	}
	return -1;
}

/*
 * Objects and the CPU view of VAs
 */

static struct obj *find_obj(const char *name)
{
	struct obj *o;

	for (o = app.objs; o; o = o->next)
		if (!strcmp(o->name, name))
			return o;
	return NULL;
}

static struct obj *need_obj(const char *name)
{
	struct obj *o = name ? find_obj(name) : NULL;

	if (!o)
		fail(ENOENT, "no buffer named '%s'", name ? name : "");
	return o;
}

static struct obj *new_obj(const char *name, enum obj_kind kind)
{
	struct obj *o;

	if (!name || !*name) {
		fail(EINVAL, "missing name");
		return NULL;
	}
	if (find_obj(name)) {
		fail(EEXIST, "a buffer named '%s' exists", name);
		return NULL;
	}
	o = calloc(1, sizeof(*o));
	if (!o || !(o->name = strdup(name))) {
		free(o);
		fail_errno(ENOMEM);
		return NULL;
	}
	o->kind = kind;
	return o;
}

static void add_obj(struct obj *o)
{
	o->next = app.objs;
	app.objs = o;
}

/* Drop [va, va + size) from the CPU view, splitting as the kernel does. */
static void view_remove(__u64 va, __u64 size)
{
	struct binding **pp = &app.binds, *b;
	__u64 end = va + size;

	while ((b = *pp)) {
		__u64 bend = b->va + b->size;

		if (bend <= va || b->va >= end) {
			pp = &b->next;
			continue;
		}
		if (b->va < va && bend > end) {
			struct binding *n = malloc(sizeof(*n));

			if (n) {
				*n = *b;
				n->offset += end - b->va;
				n->va = end;
				n->size = bend - end;
				b->next = n;
			}
			b->size = va - b->va;
			pp = &b->next;
			continue;
		}
		if (b->va < va) {
			b->size = va - b->va;
			pp = &b->next;
			continue;
		}
		if (bend > end) {
			b->offset += end - b->va;
			b->size = bend - end;
			b->va = end;
			pp = &b->next;
			continue;
		}
		*pp = b->next;
		free(b);
	}
}

static int view_add(__u64 va, __u64 size, struct obj *o,
		    __u64 offset, bool ro)
{
	struct binding *b = calloc(1, sizeof(*b));

	if (!b)
		return fail_errno(ENOMEM);
	view_remove(va, size);
	b->va = va;
	b->size = size;
	b->obj = o;
	b->offset = offset;
	b->ro = ro;
	b->next = app.binds;
	app.binds = b;
	return 0;
}

/* The CPU bytes behind [va, va + len): NULL (after fail()) if not all mapped. */
static uint8_t *cpu_at(__u64 va, size_t len, size_t *avail)
{
	struct binding *b;

	for (b = app.binds; b; b = b->next) {
		if (va < b->va || va >= b->va + b->size)
			continue;
		if (!b->obj) {
			fail(EFAULT, "VA 0x%llx" " is sparse: no CPU view",
			     canonical(va));
			return NULL;
		}
		if (!b->obj->map) {
			fail(EFAULT, "buffer '%s' has no CPU mapping", b->obj->name);
			return NULL;
		}
		*avail = b->va + b->size - va;
		if (*avail > len)
			*avail = len;
		return b->obj->map + b->offset + (va - b->va);
	}
	fail(EFAULT, "nothing bound at VA 0x%llx", canonical(va));
	return NULL;
}

/*
 * Commands
 */

static int cmd_bo(char **av, int ac)
{
	struct drm_simgpu_bo_create c = { .placement = SIMGPU_PLACEMENT_SYSTEM };
	struct obj *o;
	int i, err;

	if (ac < 3)
		return fail(EINVAL, "usage: bo NAME SIZE [system|vram] [pinned]");
	if (parse_u64(av[2], &c.size, true))
		return -1;
	for (i = 3; i < ac; i++) {
		if (!strcmp(av[i], "pinned"))
			c.flags |= SIMGPU_BO_PINNED;
		else if (parse_placement(av[i], &c.placement))
			return -1;
	}
	o = new_obj(av[1], OBJ_BO);
	if (!o)
		return -1;
	err = ioctl_ret(app.fd, DRM_IOCTL_SIMGPU_BO_CREATE, &c);
	if (err) {
		free(o->name);
		free(o);
		return fail_errno(err);
	}
	o->handle = c.handle;
	o->size = c.size;
	o->bo_id = c.bo_id;
	o->map = mmap(NULL, c.size, PROT_READ | PROT_WRITE, MAP_SHARED, app.fd,
		      c.mmap_offset);
	if (o->map == MAP_FAILED) {
		o->map = NULL;
		add_obj(o);
		return fail_errno(errno);
	}
	add_obj(o);
	return 0;
}

static int cmd_userptr(char **av, int ac)
{
	struct obj *o;
	__u64 size;

	if (ac != 3)
		return fail(EINVAL, "usage: userptr NAME SIZE");
	if (parse_u64(av[2], &size, true))
		return -1;
	if (!size || size % PAGE)
		return fail(EINVAL, "size must be a nonzero multiple of 4K");
	o = new_obj(av[1], OBJ_USERPTR);
	if (!o)
		return -1;
	o->map = mmap(NULL, size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (o->map == MAP_FAILED) {
		free(o->name);
		free(o);
		return fail_errno(errno);
	}
	o->size = size;
	add_obj(o);
	return 0;
}

static int cmd_import_vgem(char **av, int ac)
{
	struct drm_mode_create_dumb dumb = { .height = 1, .bpp = 8 };
	struct drm_mode_map_dumb map = { 0 };
	struct drm_simgpu_bo_info info = { 0 };
	int vfd, prime, err;
	__u64 size;
	struct obj *o;

	if (ac != 3)
		return fail(EINVAL, "usage: import-vgem NAME SIZE");
	if (parse_u64(av[2], &size, true))
		return -1;
	if (!size || size % PAGE || size > UINT32_MAX)
		return fail(EINVAL, "size must be a nonzero multiple of 4K");
	vfd = open_vgem();
	if (vfd < 0)
		return fail(ENODEV, "no vgem device (modprobe vgem)");
	o = new_obj(av[1], OBJ_IMPORT);
	if (!o)
		return -1;
	dumb.width = (uint32_t)size;
	err = ioctl_ret(vfd, DRM_IOCTL_MODE_CREATE_DUMB, &dumb);
	if (err)
		goto err_free;
	map.handle = dumb.handle;
	err = ioctl_ret(vfd, DRM_IOCTL_MODE_MAP_DUMB, &map);
	if (err)
		goto err_free;
	o->map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vfd,
		      map.offset);
	if (o->map == MAP_FAILED) {
		err = errno;
		o->map = NULL;
		goto err_free;
	}
	if (drmPrimeHandleToFD(vfd, dumb.handle, DRM_CLOEXEC | DRM_RDWR, &prime)) {
		err = errno;
		goto err_free;
	}
	err = drmPrimeFDToHandle(app.fd, prime, &o->handle) ? errno : 0;
	close(prime);
	if (err)
		goto err_free;
	info.handle = o->handle;
	err = ioctl_ret(app.fd, DRM_IOCTL_SIMGPU_BO_INFO, &info);
	if (err)
		goto err_free;
	o->size = info.size;
	o->bo_id = info.bo_id;
	add_obj(o);
	return 0;

err_free:
	if (o->map)
		munmap(o->map, size);
	free(o->name);
	free(o);
	return fail_errno(err);
}

static int cmd_bind(char **av, int ac)
{
	struct drm_simgpu_vm_bind b = { 0 };
	bool ro = false;
	struct obj *o;
	int n = ac, err;

	if (ac > 2 && !strcmp(av[ac - 1], "ro")) {
		ro = true;
		n--;
	}
	if (n < 3 || n > 5)
		return fail(EINVAL, "usage: bind NAME VA [OFFSET [SIZE]] [ro]");
	o = need_obj(av[1]);
	if (!o || parse_va(av[2], &b.va))
		return -1;
	if (n > 3 && parse_u64(av[3], &b.offset, true))
		return -1;
	if (n > 4) {
		if (parse_u64(av[4], &b.size, true))
			return -1;
	} else {
		b.size = b.offset < o->size ? o->size - b.offset : 0;
	}
	if (ro)
		b.flags |= SIMGPU_BIND_READONLY;
	if (o->kind == OBJ_USERPTR) {
		b.flags |= SIMGPU_BIND_USERPTR;
		if (b.offset > o->size)
			return fail(EINVAL, "offset past the end of '%s'", o->name);
		b.userptr = (uintptr_t)o->map + b.offset;
		b.offset = 0;
	} else {
		b.handle = o->handle;
	}
	err = ioctl_ret(app.fd, DRM_IOCTL_SIMGPU_VM_BIND, &b);
	if (err)
		return fail_errno(err);
	return view_add(b.va, b.size, o, o->kind == OBJ_USERPTR ?
			b.userptr - (uintptr_t)o->map : b.offset, ro);
}

static int cmd_sparse(char **av, int ac)
{
	struct drm_simgpu_vm_bind b = { .flags = SIMGPU_BIND_SPARSE };
	int err;

	if (ac == 4 && !strcmp(av[3], "ro"))
		b.flags |= SIMGPU_BIND_READONLY;
	else if (ac != 3)
		return fail(EINVAL, "usage: sparse VA SIZE [ro]");
	if (parse_va(av[1], &b.va) || parse_u64(av[2], &b.size, true))
		return -1;
	err = ioctl_ret(app.fd, DRM_IOCTL_SIMGPU_VM_BIND, &b);
	if (err)
		return fail_errno(err);
	return view_add(b.va, b.size, NULL, 0, b.flags & SIMGPU_BIND_READONLY);
}

static int cmd_unbind(char **av, int ac)
{
	struct drm_simgpu_vm_unbind u = { 0 };
	int err;

	if (ac != 3)
		return fail(EINVAL, "usage: unbind VA SIZE");
	if (parse_va(av[1], &u.va) || parse_u64(av[2], &u.size, true))
		return -1;
	err = ioctl_ret(app.fd, DRM_IOCTL_SIMGPU_VM_UNBIND, &u);
	if (err)
		return fail_errno(err);
	view_remove(u.va, u.size);
	return 0;
}

static int cmd_close(char **av, int ac)
{
	struct obj **pp, *o;
	struct drm_gem_close c = { 0 };

	if (ac != 2)
		return fail(EINVAL, "usage: close NAME");
	for (pp = &app.objs; (o = *pp); pp = &o->next)
		if (!strcmp(o->name, av[1]))
			break;
	if (!o)
		return fail(ENOENT, "no buffer named '%s'", av[1]);
	/* The kernel's mappings stay; the app's CPU view of them goes. */
	for (struct binding *b = app.binds; b; b = b->next)
		if (b->obj == o)
			b->obj = NULL;
	if (o->map)
		munmap(o->map, o->size);
	if (o->kind != OBJ_USERPTR) {
		c.handle = o->handle;
		if (drmIoctl(app.fd, DRM_IOCTL_GEM_CLOSE, &c))
			return fail_errno(errno);
	}
	*pp = o->next;
	free(o->name);
	free(o);
	return 0;
}

static int cmd_fill(char **av, int ac)
{
	__u64 off, size, byte;
	struct obj *o;

	if (ac != 5)
		return fail(EINVAL, "usage: fill NAME OFFSET SIZE BYTE");
	o = need_obj(av[1]);
	if (!o || parse_u64(av[2], &off, true) ||
	    parse_u64(av[3], &size, true) || parse_u64(av[4], &byte, false))
		return -1;
	if (byte > 0xff)
		return fail(EINVAL, "BYTE must be 0..0xff");
	if (off > o->size || size > o->size - off)
		return fail(EINVAL, "range past the end of '%s'", o->name);
	if (!o->map)
		return fail(EFAULT, "'%s' has no CPU mapping", o->name);
	memset(o->map + off, (int)byte, size);
	return 0;
}

static int cmd_poke_expect(char **av, int ac, bool expect)
{
	__u64 va;
	uint8_t *bytes = NULL;
	size_t len = 0, done = 0;
	int ret = 0;

	if (ac != 3)
		return fail(EINVAL, "usage: %s VA HEX", av[0]);
	if (parse_va(av[1], &va) || parse_hex(av[2], &bytes, &len))
		return -1;
	while (done < len) {
		size_t n;
		uint8_t *p = cpu_at(va + done, len - done, &n);

		if (!p) {
			ret = -1;
			break;
		}
		if (!expect) {
			memcpy(p, bytes + done, n);
		} else if (memcmp(p, bytes + done, n)) {
			size_t i;

			for (i = 0; p[i] == bytes[done + i]; i++)
				;
			ret = fail(EIO,
				   "at 0x%llx" ": got %02x, expected %02x",
				   canonical(va + done + i), p[i],
				   bytes[done + i]);
			break;
		}
		done += n;
	}
	free(bytes);
	return ret;
}

static int cmd_stamp(char **av, int ac, bool check)
{
	__u64 seed, i;
	struct obj *o;
	uint32_t *d;

	if (ac != 3)
		return fail(EINVAL, "usage: %s NAME SEED", av[0]);
	o = need_obj(av[1]);
	if (!o || parse_u64(av[2], &seed, false))
		return -1;
	if (!o->map)
		return fail(EFAULT, "'%s' has no CPU mapping", o->name);
	d = (uint32_t *)o->map;
	for (i = 0; i < o->size / 4; i++) {
		uint32_t want = (uint32_t)(seed + i);

		if (!check)
			d[i] = want;
		else if (d[i] != want)
			return fail(EIO,
				    "'%s' at offset 0x%llx"
				    ": got 0x%08x, expected 0x%08x",
				    o->name, i * 4, d[i], want);
	}
	return 0;
}

static int submit(struct drm_simgpu_cmd *cmds, uint32_t count)
{
	struct drm_simgpu_submit s = {
		.cmds = (uintptr_t)cmds,
		.count = count,
		.stride = sizeof(*cmds),
	};
	int err = ioctl_ret(app.fd, DRM_IOCTL_SIMGPU_SUBMIT, &s);

	return err ? fail_errno(err) : 0;
}

static int cmd_gpu(char **av, int ac)
{
	struct drm_simgpu_cmd c = { 0 };
	const char *n = av[0];

	if (!strcmp(n, "gpu-fill")) {
		c.op = SIMGPU_CMD_FILL;
		if (ac != 4)
			return fail(EINVAL, "usage: gpu-fill VA SIZE DWORD");
		if (parse_u64(av[1], &c.arg0, false) ||
		    parse_u64(av[2], &c.arg1, true) ||
		    parse_u64(av[3], &c.arg2, false))
			return -1;
	} else if (!strcmp(n, "gpu-copy")) {
		c.op = SIMGPU_CMD_COPY;
		if (ac != 4)
			return fail(EINVAL, "usage: gpu-copy SRC_VA DST_VA SIZE");
		if (parse_u64(av[1], &c.arg0, false) ||
		    parse_u64(av[2], &c.arg1, false) ||
		    parse_u64(av[3], &c.arg2, true))
			return -1;
	} else if (!strcmp(n, "gpu-write32")) {
		c.op = SIMGPU_CMD_WRITE32;
		if (ac != 3)
			return fail(EINVAL, "usage: gpu-write32 VA VALUE");
		if (parse_u64(av[1], &c.arg0, false) ||
		    parse_u64(av[2], &c.arg1, false))
			return -1;
	} else {
		c.op = SIMGPU_CMD_IB;
		if (ac != 3)
			return fail(EINVAL, "usage: ib VA SIZE");
		if (parse_u64(av[1], &c.arg0, false) ||
		    parse_u64(av[2], &c.arg1, true))
			return -1;
	}
	return submit(&c, 1);
}

static int cmd_emit(char **av, int ac)
{
	struct drm_simgpu_cmd c = { 0 };
	__u64 off;
	struct obj *o;
	int want, i;

	if (ac < 4)
		return fail(EINVAL, "usage: emit NAME OFFSET nop|fill|copy|write32 ARGS...");
	o = need_obj(av[1]);
	if (!o || parse_u64(av[2], &off, true))
		return -1;
	if (!strcmp(av[3], "nop")) {
		c.op = SIMGPU_CMD_NOP;
		want = 0;
	} else if (!strcmp(av[3], "fill")) {
		c.op = SIMGPU_CMD_FILL;
		want = 3;
	} else if (!strcmp(av[3], "copy")) {
		c.op = SIMGPU_CMD_COPY;
		want = 3;
	} else if (!strcmp(av[3], "write32")) {
		c.op = SIMGPU_CMD_WRITE32;
		want = 2;
	} else if (!strcmp(av[3], "raw")) {
		/* raw OP ARG0 ARG1 ARG2: any command, for error tests */
		__u64 op;

		if (ac != 8 || parse_u64(av[4], &op, false))
			return fail(EINVAL, "usage: emit NAME OFFSET raw OP A0 A1 A2");
		c.op = (uint32_t)op;
		av++;
		ac--;
		want = 3;
	} else {
		return fail(EINVAL, "unknown engine command '%s'", av[3]);
	}
	if (ac != 4 + want)
		return fail(EINVAL, "%s takes %d arguments", av[3], want);
	for (i = 0; i < want; i++) {
		__u64 *arg = i == 0 ? &c.arg0 : i == 1 ? &c.arg1 : &c.arg2;

		if (parse_u64(av[4 + i], arg, c.op != SIMGPU_CMD_WRITE32 && i > 0))
			return -1;
	}
	if (!o->map)
		return fail(EFAULT, "'%s' has no CPU mapping", o->name);
	if (off > o->size || sizeof(c) > o->size - off)
		return fail(EINVAL, "offset past the end of '%s'", o->name);
	memcpy(o->map + off, &c, sizeof(c));
	return 0;
}

static int cmd_migrate(char **av, int ac)
{
	struct drm_simgpu_bo_migrate m = { 0 };
	struct obj *o;
	int err;

	if (ac != 3)
		return fail(EINVAL, "usage: migrate NAME system|vram");
	o = need_obj(av[1]);
	if (!o || parse_placement(av[2], &m.placement))
		return -1;
	m.handle = o->handle;
	err = ioctl_ret(app.fd, DRM_IOCTL_SIMGPU_BO_MIGRATE, &m);
	return err ? fail_errno(err) : 0;
}

static int cmd_info(char **av, int ac)
{
	struct drm_simgpu_bo_info i = { 0 };
	struct obj *o;
	int err;

	if (ac != 2)
		return fail(EINVAL, "usage: info NAME");
	o = need_obj(av[1]);
	if (!o)
		return -1;
	if (o->kind == OBJ_USERPTR) {
		printf("%s: userptr cpu=%p size=%llu" "\n", o->name,
		       (void *)o->map, o->size);
	} else {
		i.handle = o->handle;
		err = ioctl_ret(app.fd, DRM_IOCTL_SIMGPU_BO_INFO, &i);
		if (err)
			return fail_errno(err);
		printf("%s: id=%llu" " handle=%u size=%llu"
		       " placement=%s%s%s\n", o->name, (__u64)i.bo_id,
		       o->handle, (__u64)i.size, placement_name(i.placement),
		       i.flags & SIMGPU_BO_PINNED ? " pinned" : "",
		       i.flags & SIMGPU_BO_IMPORTED ? " imported" : "");
	}
	fflush(stdout);
	return 0;
}

static int cmd_faults(char **av, int ac)
{
	struct drm_simgpu_fault f[SIMGPU_FAULTS_MAX];
	struct drm_simgpu_faults q = {
		.faults = (uintptr_t)f,
		.count = SIMGPU_FAULTS_MAX,
		.stride = sizeof(f[0]),
	};
	uint32_t i;
	int err;

	if (ac != 1)
		return fail(EINVAL, "usage: faults");
	err = ioctl_ret(app.fd, DRM_IOCTL_SIMGPU_FAULTS, &q);
	if (err)
		return fail_errno(err);
	printf("faults: %llu" " total, %u kept\n", (__u64)q.total,
	       q.count);
	for (i = 0; i < q.count; i++)
		printf("fault: va=0x%llx" " %s reason=%u op=%u seqno=%llu"
		       "\n", (__u64)f[i].va,
		       f[i].access == SIMGPU_ACCESS_WRITE ? "write" : "read",
		       f[i].reason, f[i].op, (__u64)f[i].seqno);
	fflush(stdout);
	return 0;
}

static int cmd_sleep(char **av, int ac)
{
	struct timespec ts;
	__u64 ms;

	if (ac != 2 || parse_u64(av[1], &ms, false))
		return fail(EINVAL, "usage: sleep MS");
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000;
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
	return 0;
}

static int wait_signal(const sigset_t *set)
{
	siginfo_t si;
	int sig;

	do {
		sig = sigwaitinfo(set, &si);
	} while (sig < 0 && errno == EINTR);
	return sig;
}

static int cmd_pause(char **av, int ac)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	/* SIGUSR1 is blocked since start-up: one sent early is pending. */
	return wait_signal(&set) < 0 ? fail_errno(errno) : 0;
}

static int cmd_hold(char **av, int ac)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (wait_signal(&set) < 0)
		return fail_errno(errno);
	exit(0);
}

static int run_command(char **av, int ac);

static const struct {
	const char *name;
	int errnum;
} errnames[] = {
	{ "EPERM", EPERM }, { "ENOENT", ENOENT }, { "EIO", EIO },
	{ "E2BIG", E2BIG }, { "EBADF", EBADF }, { "EAGAIN", EAGAIN },
	{ "ENOMEM", ENOMEM }, { "EACCES", EACCES }, { "EFAULT", EFAULT },
	{ "EBUSY", EBUSY }, { "EEXIST", EEXIST }, { "ENODEV", ENODEV },
	{ "EINVAL", EINVAL }, { "ENOSPC", ENOSPC }, { "ENOTTY", ENOTTY },
	{ "EOPNOTSUPP", EOPNOTSUPP },
};

static int cmd_expect_fail(char **av, int ac)
{
	const char *cmd = app.cmd;
	int want = -1, ret;
	size_t i;

	if (ac < 3)
		return fail(EINVAL, "usage: expect-fail ERRNO COMMAND...");
	for (i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (!strcmp(av[1], errnames[i].name))
			want = errnames[i].errnum;
	if (want < 0)
		return fail(EINVAL, "unknown errno name '%s'", av[1]);

	app.quiet = true;
	app.last_errno = 0;
	app.cmd = av[2];
	ret = run_command(av + 2, ac - 2);
	app.quiet = false;
	app.cmd = cmd;
	if (!ret)
		return fail(EIO, "%s succeeded, expected %s", av[2], av[1]);
	if (app.last_errno != want)
		return fail(EIO, "%s failed with %s, expected %s", av[2],
			    strerror(app.last_errno), av[1]);
	return 0;
}

static int run_command(char **av, int ac)
{
	const char *c = av[0];

	if (!strcmp(c, "bo"))
		return cmd_bo(av, ac);
	if (!strcmp(c, "userptr"))
		return cmd_userptr(av, ac);
	if (!strcmp(c, "import-vgem"))
		return cmd_import_vgem(av, ac);
	if (!strcmp(c, "bind"))
		return cmd_bind(av, ac);
	if (!strcmp(c, "sparse"))
		return cmd_sparse(av, ac);
	if (!strcmp(c, "unbind"))
		return cmd_unbind(av, ac);
	if (!strcmp(c, "close"))
		return cmd_close(av, ac);
	if (!strcmp(c, "fill"))
		return cmd_fill(av, ac);
	if (!strcmp(c, "poke"))
		return cmd_poke_expect(av, ac, false);
	if (!strcmp(c, "expect"))
		return cmd_poke_expect(av, ac, true);
	if (!strcmp(c, "stamp"))
		return cmd_stamp(av, ac, false);
	if (!strcmp(c, "check-stamp"))
		return cmd_stamp(av, ac, true);
	if (!strcmp(c, "gpu-fill") || !strcmp(c, "gpu-copy") ||
	    !strcmp(c, "gpu-write32") || !strcmp(c, "ib"))
		return cmd_gpu(av, ac);
	if (!strcmp(c, "emit"))
		return cmd_emit(av, ac);
	if (!strcmp(c, "migrate"))
		return cmd_migrate(av, ac);
	if (!strcmp(c, "info"))
		return cmd_info(av, ac);
	if (!strcmp(c, "faults"))
		return cmd_faults(av, ac);
	if (!strcmp(c, "expect-fail"))
		return cmd_expect_fail(av, ac);
	if (!strcmp(c, "sleep"))
		return cmd_sleep(av, ac);
	if (!strcmp(c, "pause"))
		return ac == 1 ? cmd_pause(av, ac) : fail(EINVAL, "usage: pause");
	if (!strcmp(c, "hold"))
		return ac == 1 ? cmd_hold(av, ac) : fail(EINVAL, "usage: hold");
	return fail(EINVAL, "unknown command");
}

/* One line: strip the comment, split on blanks, run. */
static void run_line(char *line)
{
	char *av[MAX_ARGS + 1], *p, *hash;
	int ac = 0;

	hash = strchr(line, '#');
	if (hash)
		*hash = 0;
	p = line + strspn(line, " \t\r\n");
	if (!*p)
		return;

	/* print keeps the rest of the line as it is. */
	if (!strncmp(p, "print", 5) && (!p[5] || isspace((unsigned char)p[5]))) {
		char *text = p + 5 + strspn(p + 5, " \t");

		text[strcspn(text, "\r\n")] = 0;
		printf("%s\n", text);
		fflush(stdout);
		return;
	}

	while (*p && ac <= MAX_ARGS) {
		av[ac++] = p;
		p += strcspn(p, " \t\r\n");
		if (*p)
			*p++ = 0;
		p += strspn(p, " \t\r\n");
	}
	app.cmd = av[0];
	if (ac > MAX_ARGS)
		fail(E2BIG, "too many arguments");
	av[ac] = NULL;
	run_command(av, ac);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *node = NULL;
	sigset_t set;
	char *line = NULL;
	size_t cap = 0;
	FILE *in = stdin;
	int c;

	/* Blocked from the start, so a SIGUSR1 sent before "pause" waits. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);

	while ((c = getopt_long(argc, argv, "d:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			node = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("%s %s\n", prog, CARDSNOOP_VERSION);
			return 0;
		default:
			fprintf(stderr, "Try '%s --help' for more information.\n",
				prog);
			return 2;
		}
	}
	if (argc - optind > 1) {
		fprintf(stderr, "%s: too many arguments\n", prog);
		fprintf(stderr, "Try '%s --help' for more information.\n", prog);
		return 2;
	}
	if (optind < argc && strcmp(argv[optind], "-")) {
		in = fopen(argv[optind], "r");
		if (!in) {
			fprintf(stderr, "%s: cannot open %s: %s\n", prog,
				argv[optind], strerror(errno));
			return 2;
		}
	}

	app.fd = open_simgpu(node);

	while (getline(&line, &cap, in) >= 0) {
		app.line++;
		run_line(line);
	}
	free(line);
	if (in != stdin)
		fclose(in);
	return 0;
}
