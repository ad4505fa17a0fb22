// SPDX-License-Identifier: MIT
/*
 * Bad input (issue 8).
 *
 * Part 1, "rows": every ioctl of cardsnoop and simgpu with every field
 * wrong in turn, starting each time from an argument that succeeds (the
 * "valid" row of each ioctl proves it): bad padding, every undefined flag
 * bit, bad sizes and alignments, bad, kernel and read-only pointers, huge
 * counts and strides, overlapping and wrapping ranges, unknown handles and
 * fds of the wrong kind; the argument size rules (short, long with a zero
 * or nonzero tail, wrong direction, unknown numbers); lseek to every
 * boundary of the VA space and of a mapping; reads, writes and mmaps at
 * the end of the VA space.  Each row states the errno the UAPI headers
 * document for it.
 *
 * Part 2, "fuzz": several processes run a seeded random sequence of
 * ioctls, reads, writes, seeks, mmaps (with accesses), fsyncs, closes and
 * reopens on their own and each other's files, with plausible and
 * corrupted arguments, under a periodic SIGALRM (so that blocking calls are
 * interrupted).  Every result must be success or an errno that the docs
 * allow for that call (table below, from cardsnoop_drm.h, simgpu_drm.h,
 * DOC: Access and the DRM core), no call may hang (a watchdog in the
 * parent), and the kernel must not report anything (tests/vm/run).
 *
 * Usage: fuzz_ioctl [--seed N] [--scale N | CS_STRESS_SCALE=N] [rows|fuzz]
 *		[--ops N] [--procs N]
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <drm.h>

#include "cs_guest.h"
#include "cs_stress.h"

#define PAGE		4096ull
#define SPACE		(1ull << 48)
#define VA_A		0x100000000ull	/* buffers of the rows */
#define VA_LAST		(SPACE - PAGE)	/* the last page of the VA space */

static struct cs_args args;

/* ================================================================ rows */

struct env {
	int g;			/* simgpu render node ("the target": ourselves) */
	int s;			/* snoop file attached to @g */
	int su;			/* snoop file never attached */
	int vg;			/* vgem, or -1 */
	int g2;			/* a second simgpu device, or -1 */
	int card;		/* the primary node of our simgpu device */
	int vcard;		/* vgem's primary node (dumb buffers), or -1 */
	uint32_t h_sys;		/* 64 KiB system buffer, bound at VA_A */
	uint32_t h_vram;	/* 64 KiB VRAM buffer, bound at VA_A + 64K */
	uint32_t h_pin;		/* pinned VRAM buffer */
	uint32_t h_ro;		/* bound read-only at VA_A + 128K */
	uint64_t vram_size;
	uint8_t *guard;		/* a page followed by an unmapped page */
	uint8_t *ro;		/* a read-only page */
};

static struct env E;
static const char *cur;		/* the ioctl or call under test */
static int nrows, nfail, total_rows, total_fail;

static void row_result(const char *desc, int want, int got)
{
	nrows++;
	if (want == got)
		return;
	nfail++;
	cs_diag("%s: %s: got %s (%d), want %s (%d)", cur, desc,
		got ? strerror(got) : "success", got,
		want ? strerror(want) : "success", want);
}

static void begin(const char *name)
{
	cur = name;
	nrows = nfail = 0;
}

static void end(const char *what)
{
	cs_tap(!nfail, "badinput: %s: %d rows (%s), %d wrong", cur, nrows,
	       what, nfail);
	total_rows += nrows;
	total_fail += nfail;
}

/* ioctl -> 0 or errno (no retry on EINTR: the rows block on nothing). */
static int xio(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) ? errno : 0;
}

/* A row: start from @valid, apply @mut, call, expect @want. */
#define ROW(want, desc, valid, call, mut)				\
	do {								\
		valid;							\
		mut;							\
		row_result(desc, want, call);				\
	} while (0)

static char rowname[96];

static const char *fmt(const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vsnprintf(rowname, sizeof(rowname), f, ap);
	va_end(ap);
	return rowname;
}

static void env_setup(void)
{
	struct drm_simgpu_info info;
	uint8_t *p;

	E.g = sg_open(0);
	E.g2 = sg_open(1);
	E.vg = drm_open_driver("vgem");
	if (E.g < 0 || sg_info(E.g, &info)) {
		printf("Bail out! no simgpu device\n");
		exit(1);
	}
	E.vram_size = info.vram_size;
	E.s = snoop_open_for(E.g);
	E.su = snoop_open_for(E.g);
	if (E.s < 0 || E.su < 0 || snoop_attach(E.s, E.g, 0, 0, NULL)) {
		printf("Bail out! no snoop node\n");
		exit(1);
	}
	if (sg_bo_create(E.g, SZ_64K, SIMGPU_PLACEMENT_SYSTEM, 0, &E.h_sys, NULL) ||
	    sg_bo_create(E.g, SZ_64K, SIMGPU_PLACEMENT_VRAM, 0, &E.h_vram, NULL) ||
	    sg_bo_create(E.g, SZ_64K, SIMGPU_PLACEMENT_VRAM, SIMGPU_BO_PINNED,
			 &E.h_pin, NULL) ||
	    sg_bo_create(E.g, SZ_64K, SIMGPU_PLACEMENT_SYSTEM, 0, &E.h_ro, NULL) ||
	    sg_bind(E.g, E.h_sys, VA_A, SZ_64K, 0, 0) ||
	    sg_bind(E.g, E.h_vram, VA_A + SZ_64K, SZ_64K, 0, 0) ||
	    sg_bind(E.g, E.h_ro, VA_A + 2 * SZ_64K, SZ_64K, 0,
		    SIMGPU_BIND_READONLY) ||
	    sg_bind(E.g, E.h_vram, VA_LAST, PAGE, 0, 0)) {
		printf("Bail out! cannot set up buffers\n");
		exit(1);
	}
	p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(p + PAGE, PAGE);
	E.guard = p;
	/*
	 * The read-only page holds a valid BO_CREATE argument (which also
	 * passes for INFO's): the call works, only the copy back fails.
	 */
	{
		struct drm_simgpu_bo_create *c = (void *)(p + 2 * PAGE);

		c->size = PAGE;
		c->placement = SIMGPU_PLACEMENT_SYSTEM;
	}
	mprotect(p + 2 * PAGE, PAGE, PROT_READ);
	E.ro = p + 2 * PAGE;
	{
		struct cardsnoop_info ci;
		char path[32], name[32];
		int i;

		snoop_info(E.s, &ci);
		snprintf(path, sizeof(path), "/dev/dri/card%u", ci.card_index);
		E.card = open(path, O_RDWR | O_CLOEXEC);
		E.vcard = -1;
		for (i = 0; i < 16 && E.vcard < 0; i++) {
			snprintf(path, sizeof(path), "/dev/dri/card%d", i);
			E.vcard = open(path, O_RDWR | O_CLOEXEC);
			if (E.vcard >= 0 &&
			    (drm_driver_name(E.vcard, name, sizeof(name)) ||
			     strcmp(name, "vgem"))) {
				close(E.vcard);
				E.vcard = -1;
			}
		}
	}
}

/* Kernel addresses, a hole in user space, the zero page, too high. */
static const uint64_t bad_ptrs[] = {
	0, 8, 0xffff888000000000ull, 0xffffffff81000000ull,
	0x00007ffffffff000ull, 0x0000800000000000ull, ~0ull,
};
#define NBAD_PTRS (sizeof(bad_ptrs) / sizeof(bad_ptrs[0]))

/* ----------------------------------------------------- cardsnoop ioctls */

/* Argument size and number rules, shared by every cardsnoop ioctl. */
static void rows_cardsnoop_generic(void)
{
	struct { struct cardsnoop_resolve r; uint64_t tail[4]; } big;
	char buf[256];
	unsigned int i;

	begin("cardsnoop ioctl numbers and sizes");
	memset(buf, 0, sizeof(buf));
	for (i = 7; i < 64; i += 7)
		row_result(fmt("unknown nr %u", i), ENOTTY,
			   xio(E.s, _IOWR(CARDSNOOP_IOCTL_BASE, i, char[64]), buf));
	row_result("another type", ENOTTY,
		   xio(E.s, _IOWR('d', CARDSNOOP_INFO, struct cardsnoop_info), buf));
	row_result("DRM ioctl on the snoop node", ENOTTY,
		   xio(E.s, DRM_IOCTL_VERSION, buf));
	row_result("INFO as _IOW", ENOTTY,
		   xio(E.s, _IOW(CARDSNOOP_IOCTL_BASE, CARDSNOOP_INFO,
				 struct cardsnoop_info), buf));
	row_result("INFO as _IO", ENOTTY,
		   xio(E.s, _IO(CARDSNOOP_IOCTL_BASE, CARDSNOOP_INFO), buf));
	row_result("ATTACH as _IOR", ENOTTY,
		   xio(E.s, _IOR(CARDSNOOP_IOCTL_BASE, CARDSNOOP_ATTACH,
				 struct cardsnoop_attach), buf));
	for (i = 0; i < sizeof(struct cardsnoop_resolve); i += 8)
		row_result(fmt("RESOLVE of %u bytes", i), EINVAL,
			   xio(E.s, _IOC(_IOC_READ | _IOC_WRITE,
					 CARDSNOOP_IOCTL_BASE, CARDSNOOP_RESOLVE,
					 i), buf));
	/* Larger than the kernel knows: zeros accepted, anything else not. */
	memset(&big, 0, sizeof(big));
	big.r.va = VA_A;
	row_result("RESOLVE 32 bytes longer, zero tail", 0,
		   xio(E.s, _IOWR(CARDSNOOP_IOCTL_BASE, CARDSNOOP_RESOLVE,
				  typeof(big)), &big));
	for (i = 0; i < 4; i++) {
		memset(&big, 0, sizeof(big));
		big.r.va = VA_A;
		big.tail[i] = 1ull << (i * 13);
		row_result(fmt("RESOLVE longer, tail word %u nonzero", i), E2BIG,
			   xio(E.s, _IOWR(CARDSNOOP_IOCTL_BASE,
					  CARDSNOOP_RESOLVE, typeof(big)), &big));
	}
	{
		static uint64_t huge[_IOC_SIZEMASK / 8 + 1];
		unsigned long req = _IOC(_IOC_READ | _IOC_WRITE,
					 CARDSNOOP_IOCTL_BASE,
					 CARDSNOOP_RESOLVE, _IOC_SIZEMASK);

		huge[0] = VA_A;
		row_result("size at its maximum, zero tail", 0,
			   xio(E.s, req, huge));
		huge[_IOC_SIZEMASK / 8 - 1] = 1;
		row_result("size at its maximum, nonzero at the end", E2BIG,
			   xio(E.s, req, huge));
		row_result("size at its maximum, tail across a guard page",
			   EFAULT, xio(E.s, req, E.guard));
	}
	/* Bad argument pointers for every ioctl. */
	{
		static const unsigned long reqs[] = {
			CARDSNOOP_IOCTL_INFO, CARDSNOOP_IOCTL_ATTACH,
			CARDSNOOP_IOCTL_VMS, CARDSNOOP_IOCTL_MAPPINGS,
			CARDSNOOP_IOCTL_RESOLVE, CARDSNOOP_IOCTL_REFRESH,
			CARDSNOOP_IOCTL_EVENTS,
		};
		unsigned int r, p;

		for (r = 0; r < sizeof(reqs) / sizeof(reqs[0]); r++)
			for (p = 0; p < NBAD_PTRS; p++)
				row_result(fmt("nr %u, argument at %#llx",
					       _IOC_NR(reqs[r]),
					       (unsigned long long)bad_ptrs[p]),
					   EFAULT,
					   xio(E.s, reqs[r],
					       (void *)(uintptr_t)bad_ptrs[p]));
		/* Output into a read-only page. */
		row_result("INFO into read-only memory", EFAULT,
			   xio(E.s, CARDSNOOP_IOCTL_INFO, E.ro));
		/* Straddling the end of a mapping. */
		row_result("INFO across the end of a mapping", EFAULT,
			   xio(E.s, CARDSNOOP_IOCTL_INFO, E.guard + PAGE - 8));
	}
	end("numbers, directions, sizes, argument pointers");
}

static void rows_attach(void)
{
	struct cardsnoop_attach a;
	int fresh = -1, p[2], reg, null, i;

#define A_VALID do { memset(&a, 0, sizeof(a)); a.drm_fd = E.g; \
		     close(fresh); fresh = snoop_open_for(E.g); } while (0)
#define A_CALL xio(fresh, CARDSNOOP_IOCTL_ATTACH, &a)

	begin("CARDSNOOP_IOCTL_ATTACH");
	(void)!pipe(p);
	reg = open("/proc/self/status", O_RDONLY);
	null = open("/dev/null", O_RDWR);
	ROW(0, "valid", A_VALID, A_CALL, );
	ROW(0, "garbage in the output fields", A_VALID, A_CALL,
	    (a.client_id = ~0ull, a.owner_pid = -1, a.va_start = 1,
	     a.va_end = 2));
	ROW(0, "drm_fd of the primary node of the same GPU", A_VALID, A_CALL,
	    a.drm_fd = E.card);
	ROW(EBADF, "drm_fd -1", A_VALID, A_CALL, a.drm_fd = -1);
	ROW(EBADF, "drm_fd INT_MIN", A_VALID, A_CALL, a.drm_fd = INT_MIN);
	ROW(EBADF, "drm_fd not open", A_VALID, A_CALL, a.drm_fd = 999);
	ROW(EINVAL, "drm_fd a pipe", A_VALID, A_CALL, a.drm_fd = p[0]);
	ROW(EINVAL, "drm_fd a regular file", A_VALID, A_CALL, a.drm_fd = reg);
	ROW(EINVAL, "drm_fd /dev/null", A_VALID, A_CALL, a.drm_fd = null);
	ROW(EINVAL, "drm_fd a snoop file", A_VALID, A_CALL, a.drm_fd = E.su);
	if (E.vg >= 0)
		ROW(EXDEV, "drm_fd of vgem", A_VALID, A_CALL, a.drm_fd = E.vg);
	if (E.g2 >= 0)
		ROW(EXDEV, "drm_fd of another simgpu", A_VALID, A_CALL,
		    a.drm_fd = E.g2);
	for (i = 3; i < 32; i++)
		ROW(EINVAL, fmt("flag bit %d", i), A_VALID, A_CALL,
		    a.flags = 1u << i);
	ROW(EINVAL, "all flags", A_VALID, A_CALL, a.flags = ~0u);
	ROW(EINVAL, "KERNEL with a drm_fd", A_VALID, A_CALL,
	    a.flags = CARDSNOOP_ATTACH_KERNEL);
	ROW(EINVAL, "KERNEL with vm_id", A_VALID, A_CALL,
	    (a.flags = CARDSNOOP_ATTACH_KERNEL, a.drm_fd = -1, a.vm_id = 1));
	ROW(0, "KERNEL, drm_fd -1 (root)", A_VALID, A_CALL,
	    (a.flags = CARDSNOOP_ATTACH_KERNEL, a.drm_fd = -1));
	ROW(EBADF, "drm_fd -1 without KERNEL", A_VALID, A_CALL,
	    (a.flags = CARDSNOOP_ATTACH_READONLY, a.drm_fd = -1));
	for (i = 0; i < 32; i += 5)
		ROW(EINVAL, fmt("pad bit %d", i), A_VALID, A_CALL,
		    a.pad = 1u << i);
	ROW(ENOENT, "vm_id unknown", A_VALID, A_CALL, a.vm_id = 0xdead);
	ROW(ENOENT, "vm_id ~0", A_VALID, A_CALL, a.vm_id = ~0ull);
	ROW(EBUSY, "attached twice", A_VALID,
	    (xio(fresh, CARDSNOOP_IOCTL_ATTACH, &a), A_CALL), );
	close(fresh);
	close(p[0]);
	close(p[1]);
	close(reg);
	close(null);
	end("every field wrong in turn");
#undef A_VALID
#undef A_CALL
}

static void rows_vms(void)
{
	struct cardsnoop_vms v;
	struct cardsnoop_vm_desc d[2];
	unsigned int i;

#define V_VALID (memset(&v, 0, sizeof(v)), v.drm_fd = E.g, \
		 v.vms_ptr = (uintptr_t)d, v.count = 2, v.stride = sizeof(d[0]))
#define V_CALL xio(E.su, CARDSNOOP_IOCTL_VMS, &v)

	begin("CARDSNOOP_IOCTL_VMS");
	ROW(0, "valid", V_VALID, V_CALL, );
	ROW(0, "count only (no array)", V_VALID, V_CALL, v.vms_ptr = 0);
	ROW(0, "huge count, one VM", V_VALID, V_CALL, v.count = ~0u);
	ROW(0, "count 0", V_VALID, V_CALL, v.count = 0);
	ROW(EBADF, "drm_fd -1", V_VALID, V_CALL, v.drm_fd = -1);
	ROW(EINVAL, "drm_fd a snoop file", V_VALID, V_CALL, v.drm_fd = E.s);
	if (E.vg >= 0)
		ROW(EXDEV, "drm_fd of vgem", V_VALID, V_CALL, v.drm_fd = E.vg);
	for (i = 0; i < 32; i += 7)
		ROW(EINVAL, fmt("pad bit %u", i), V_VALID, V_CALL,
		    v.pad = 1u << i);
	ROW(EINVAL, "stride 0", V_VALID, V_CALL, v.stride = 0);
	ROW(EINVAL, "stride 31", V_VALID, V_CALL, v.stride = 31);
	ROW(EFAULT, "huge stride into the guard page", V_VALID, V_CALL,
	    (v.vms_ptr = (uintptr_t)E.guard, v.stride = 1u << 31));
	for (i = 0; i < NBAD_PTRS; i++)
		if (bad_ptrs[i])
			ROW(EFAULT, fmt("vms_ptr %#llx",
					(unsigned long long)bad_ptrs[i]),
			    V_VALID, V_CALL, v.vms_ptr = bad_ptrs[i]);
	ROW(EFAULT, "vms_ptr read-only", V_VALID, V_CALL,
	    v.vms_ptr = (uintptr_t)E.ro);
	ROW(EFAULT, "vms_ptr across the guard page", V_VALID, V_CALL,
	    v.vms_ptr = (uintptr_t)E.guard + PAGE - 8);
	end("every field wrong in turn");
#undef V_VALID
#undef V_CALL
}

static void rows_mappings(void)
{
	struct cardsnoop_mappings m;
	struct cardsnoop_mapping rec[8];
	unsigned int i;

#define M_VALID (memset(&m, 0, sizeof(m)), m.mappings_ptr = (uintptr_t)rec, \
		 m.count = 8, m.stride = sizeof(rec[0]))
#define M_CALL xio(E.s, CARDSNOOP_IOCTL_MAPPINGS, &m)

	begin("CARDSNOOP_IOCTL_MAPPINGS");
	ROW(0, "valid", M_VALID, M_CALL, );
	ROW(0, "count only", M_VALID, M_CALL, m.mappings_ptr = 0);
	ROW(0, "start at the end of the VA space", M_VALID, M_CALL,
	    m.start = SPACE);
	ROW(0, "start ~0", M_VALID, M_CALL, m.start = ~0ull);
	ROW(0, "count 0", M_VALID, M_CALL, m.count = 0);
	ROW(0, "garbage in next", M_VALID, M_CALL, m.next = ~0ull);
	ROW(EBADFD, "not attached", M_VALID,
	    xio(E.su, CARDSNOOP_IOCTL_MAPPINGS, &m), );
	for (i = 0; i < 32; i += 3)
		ROW(EINVAL, fmt("flag bit %u", i), M_VALID, M_CALL,
		    m.flags = 1u << i);
	for (i = 0; i < 32; i += 7)
		ROW(EINVAL, fmt("pad bit %u", i), M_VALID, M_CALL,
		    m.pad = 1u << i);
	ROW(EINVAL, "stride 0", M_VALID, M_CALL, m.stride = 0);
	ROW(EINVAL, "stride 47", M_VALID, M_CALL, m.stride = 47);
	ROW(EFAULT, "huge count into the guard page", M_VALID, M_CALL,
	    (m.mappings_ptr = (uintptr_t)E.guard + PAGE - 48,
	     m.count = ~0u));
	ROW(EFAULT, "huge stride", M_VALID, M_CALL,
	    (m.mappings_ptr = (uintptr_t)E.guard, m.stride = ~0u));
	for (i = 0; i < NBAD_PTRS; i++)
		if (bad_ptrs[i])
			ROW(EFAULT, fmt("mappings_ptr %#llx",
					(unsigned long long)bad_ptrs[i]),
			    M_VALID, M_CALL, m.mappings_ptr = bad_ptrs[i]);
	ROW(EFAULT, "mappings_ptr read-only", M_VALID, M_CALL,
	    m.mappings_ptr = (uintptr_t)E.ro);
	end("every field wrong in turn");
#undef M_VALID
#undef M_CALL
}

static void rows_resolve(void)
{
	struct cardsnoop_resolve r;
	unsigned int i;

#define R_VALID (memset(&r, 0, sizeof(r)), r.va = VA_A + 0x1234)
#define R_CALL xio(E.s, CARDSNOOP_IOCTL_RESOLVE, &r)

	begin("CARDSNOOP_IOCTL_RESOLVE");
	ROW(0, "valid", R_VALID, R_CALL, );
	ROW(0, "the last byte of the VA space", R_VALID, R_CALL,
	    r.va = SPACE - 1);
	ROW(0, "garbage in the output fields", R_VALID, R_CALL,
	    memset(&r.mapping, 0xff, sizeof(r) - 16));
	ROW(EBADFD, "not attached", R_VALID,
	    xio(E.su, CARDSNOOP_IOCTL_RESOLVE, &r), );
	for (i = 0; i < 32; i += 3)
		ROW(EINVAL, fmt("flag bit %u", i), R_VALID, R_CALL,
		    r.flags = 1u << i);
	for (i = 0; i < 32; i += 7)
		ROW(EINVAL, fmt("pad bit %u", i), R_VALID, R_CALL,
		    r.pad = 1u << i);
	ROW(ENOENT, "va 0", R_VALID, R_CALL, r.va = 0);
	ROW(ENOENT, "va in a hole", R_VALID, R_CALL, r.va = VA_A + SZ_1M);
	ROW(ENOENT, "va at the end of the VA space", R_VALID, R_CALL,
	    r.va = SPACE);
	ROW(ENOENT, "va canonical (not a file offset)", R_VALID, R_CALL,
	    r.va = 0xffff800000000000ull);
	ROW(ENOENT, "va ~0", R_VALID, R_CALL, r.va = ~0ull);
	end("every field wrong in turn");
#undef R_VALID
#undef R_CALL
}

static void rows_refresh(void)
{
	struct cardsnoop_refresh r;
	unsigned int i;

#define F_VALID (memset(&r, 0, sizeof(r)), r.va = VA_A, r.size = SZ_1M)
#define F_CALL xio(E.s, CARDSNOOP_IOCTL_REFRESH, &r)

	begin("CARDSNOOP_IOCTL_REFRESH");
	ROW(0, "valid", F_VALID, F_CALL, );
	ROW(0, "size 0: to the end", F_VALID, F_CALL, r.size = 0);
	ROW(0, "DISCARD", F_VALID, F_CALL, r.flags = CARDSNOOP_REFRESH_DISCARD);
	ROW(0, "va at the end, size 0", F_VALID, F_CALL,
	    (r.va = SPACE, r.size = 0));
	ROW(0, "the last page", F_VALID, F_CALL,
	    (r.va = VA_LAST, r.size = PAGE));
	ROW(0, "garbage in dropped", F_VALID, F_CALL, r.dropped = ~0ull);
	ROW(EBADFD, "not attached", F_VALID,
	    xio(E.su, CARDSNOOP_IOCTL_REFRESH, &r), );
	for (i = 1; i < 32; i += 3)
		ROW(EINVAL, fmt("flag bit %u", i), F_VALID, F_CALL,
		    r.flags = 1u << i);
	for (i = 0; i < 32; i += 7)
		ROW(EINVAL, fmt("pad bit %u", i), F_VALID, F_CALL,
		    r.pad = 1u << i);
	ROW(EINVAL, "va past the VA space", F_VALID, F_CALL,
	    (r.va = SPACE + PAGE, r.size = 0));
	ROW(EINVAL, "range past the VA space", F_VALID, F_CALL,
	    (r.va = VA_LAST, r.size = 2 * PAGE));
	ROW(EINVAL, "size wraps", F_VALID, F_CALL, r.size = ~0ull);
	ROW(EINVAL, "va ~0", F_VALID, F_CALL, r.va = ~0ull);
	end("every field wrong in turn");
#undef F_VALID
#undef F_CALL
}

static void rows_events(void)
{
	struct cardsnoop_events v;
	/* Room for every record queued: "huge count" takes all of them. */
	static struct cardsnoop_event ev[1024];
	unsigned int i;

	/* Each row gets a queued record: a bind and an unbind of a page. */
#define EV_VALID (sg_bind(E.g, E.h_sys, VA_A + 4 * SZ_1M, PAGE, 0, 0), \
		  sg_unbind(E.g, VA_A + 4 * SZ_1M, PAGE), \
		  memset(&v, 0, sizeof(v)), v.events_ptr = (uintptr_t)ev, \
		  v.count = 4, v.stride = sizeof(ev[0]))
#define EV_CALL xio(E.s, CARDSNOOP_IOCTL_EVENTS, &v)

	begin("CARDSNOOP_IOCTL_EVENTS");
	ROW(0, "valid", EV_VALID, EV_CALL, );
	ROW(0, "WAIT with records queued", EV_VALID, EV_CALL,
	    v.flags = CARDSNOOP_EVENTS_WAIT);
	ROW(0, "garbage in pending", EV_VALID, EV_CALL, v.pending = ~0ull);
	ROW(0, "huge count", EV_VALID, EV_CALL, v.count = ~0u);
	ROW(EBADFD, "not attached", EV_VALID,
	    xio(E.su, CARDSNOOP_IOCTL_EVENTS, &v), );
	for (i = 1; i < 32; i += 3)
		ROW(EINVAL, fmt("flag bit %u", i), EV_VALID, EV_CALL,
		    v.flags = 1u << i);
	for (i = 0; i < 32; i += 7)
		ROW(EINVAL, fmt("pad bit %u", i), EV_VALID, EV_CALL,
		    v.pad = 1u << i);
	ROW(EINVAL, "count 0", EV_VALID, EV_CALL, v.count = 0);
	ROW(EINVAL, "stride 0", EV_VALID, EV_CALL, v.stride = 0);
	ROW(EINVAL, "stride 63", EV_VALID, EV_CALL, v.stride = 63);
	for (i = 0; i < NBAD_PTRS; i++)
		ROW(EFAULT, fmt("events_ptr %#llx",
				(unsigned long long)bad_ptrs[i]),
		    EV_VALID, EV_CALL, v.events_ptr = bad_ptrs[i]);
	ROW(EFAULT, "events_ptr read-only", EV_VALID, EV_CALL,
	    v.events_ptr = (uintptr_t)E.ro);
	ROW(EFAULT, "huge stride past the guard page", EV_VALID, EV_CALL,
	    (v.events_ptr = (uintptr_t)E.guard, v.stride = ~0u, v.count = 1));
	/* Drain what is left. */
	v.count = 4;
	while (!xio(E.s, CARDSNOOP_IOCTL_EVENTS, &v) && v.count == 4)
		;
	end("every field wrong in turn");
#undef EV_VALID
#undef EV_CALL
}

/* ------------------------------------------------------ snoop file ops */

static int xlseek(int fd, off_t off, int whence, off_t *pos)
{
	off_t r = lseek(fd, off, whence);

	if (r < 0)
		return errno;
	*pos = r;
	return 0;
}

/* lseek lands where it should or fails as it should. */
static void seek_row(const char *desc, int fd, off_t from, off_t off,
		     int whence, int want_err, off_t want_pos)
{
	off_t pos = -1;
	int err;

	lseek(fd, from, SEEK_SET);
	err = xlseek(fd, off, whence, &pos);
	if (!err && !want_err && pos != want_pos) {
		nrows++;
		nfail++;
		cs_diag("%s: %s: at %#llx, want %#llx", cur, desc,
			(unsigned long long)pos, (unsigned long long)want_pos);
		return;
	}
	row_result(desc, want_err, err);
}

static void rows_lseek(void)
{
	const off_t S = SPACE, A = VA_A, AEND = VA_A + 3 * SZ_64K;

	begin("lseek");
	seek_row("SET 0", E.s, 0, 0, SEEK_SET, 0, 0);
	seek_row("SET 2^48-1", E.s, 0, S - 1, SEEK_SET, 0, S - 1);
	seek_row("SET 2^48 (end)", E.s, 0, S, SEEK_SET, 0, S);
	seek_row("SET 2^48+1", E.s, 0, S + 1, SEEK_SET, EINVAL, 0);
	seek_row("SET -1", E.s, 0, -1, SEEK_SET, EINVAL, 0);
	seek_row("SET LLONG_MIN", E.s, 0, LLONG_MIN, SEEK_SET, EINVAL, 0);
	seek_row("SET LLONG_MAX", E.s, 0, LLONG_MAX, SEEK_SET, EINVAL, 0);
	seek_row("SET canonical high VA", E.s, 0, (off_t)0xffff800000000000ull,
		 SEEK_SET, EINVAL, 0);
	seek_row("CUR +1 at the end", E.s, S, 1, SEEK_CUR, EINVAL, 0);
	seek_row("CUR -1 at 0", E.s, 0, -1, SEEK_CUR, EINVAL, 0);
	seek_row("CUR -2^48 at the end", E.s, S, -S, SEEK_CUR, 0, 0);
	seek_row("CUR LLONG_MAX at 1", E.s, 1, LLONG_MAX, SEEK_CUR, EINVAL, 0);
	seek_row("END 0", E.s, 0, 0, SEEK_END, 0, S);
	seek_row("END -1", E.s, 0, -1, SEEK_END, 0, S - 1);
	seek_row("END +1", E.s, 0, 1, SEEK_END, EINVAL, 0);
	seek_row("END -2^48", E.s, 0, -S, SEEK_END, 0, 0);
	seek_row("END -2^48-1", E.s, 0, -S - 1, SEEK_END, EINVAL, 0);
	seek_row("END LLONG_MIN", E.s, 0, LLONG_MIN, SEEK_END, EINVAL, 0);
	seek_row("DATA 0", E.s, 0, 0, SEEK_DATA, 0, A);
	seek_row("DATA at a mapping's first byte", E.s, 0, A, SEEK_DATA, 0, A);
	seek_row("DATA one before a mapping", E.s, 0, A - 1, SEEK_DATA, 0, A);
	seek_row("DATA at a mapping's last byte", E.s, 0, AEND - 1, SEEK_DATA, 0,
		 AEND - 1);
	seek_row("DATA after the mappings: the last page", E.s, 0, AEND,
		 SEEK_DATA, 0, (off_t)VA_LAST);
	seek_row("DATA at 2^48-1", E.s, 0, S - 1, SEEK_DATA, 0, S - 1);
	seek_row("DATA at 2^48", E.s, 0, S, SEEK_DATA, ENXIO, 0);
	seek_row("DATA at -1", E.s, 0, -1, SEEK_DATA, ENXIO, 0);
	seek_row("DATA at LLONG_MAX", E.s, 0, LLONG_MAX, SEEK_DATA, ENXIO, 0);
	seek_row("HOLE 0", E.s, 0, 0, SEEK_HOLE, 0, 0);
	seek_row("HOLE at a mapping's first byte", E.s, 0, A, SEEK_HOLE, 0, AEND);
	seek_row("HOLE at a mapping's last byte", E.s, 0, AEND - 1, SEEK_HOLE,
		 0, AEND);
	seek_row("HOLE at a mapping's end", E.s, 0, AEND, SEEK_HOLE, 0, AEND);
	seek_row("HOLE in the last page: the end", E.s, 0, S - 1, SEEK_HOLE, 0,
		 S);
	seek_row("HOLE at 2^48", E.s, 0, S, SEEK_HOLE, ENXIO, 0);
	seek_row("HOLE at -1", E.s, 0, -1, SEEK_HOLE, ENXIO, 0);
	seek_row("whence 5", E.s, 0, 0, 5, EINVAL, 0);
	seek_row("whence -1", E.s, 0, 0, -1, EINVAL, 0);
	seek_row("whence 1000", E.s, 0, 0, 1000, EINVAL, 0);
	seek_row("unattached: SET", E.su, 0, A, SEEK_SET, 0, A);
	seek_row("unattached: END", E.su, 0, 0, SEEK_END, 0, S);
	seek_row("unattached: DATA", E.su, 0, 0, SEEK_DATA, EBADFD, 0);
	seek_row("unattached: HOLE", E.su, 0, 0, SEEK_HOLE, EBADFD, 0);
	end("every boundary of the VA space and of a mapping");
}

static int xpread(int fd, void *buf, size_t len, off_t off, ssize_t *n)
{
	*n = pread(fd, buf, len, off);
	return *n < 0 ? errno : 0;
}

static void rw_row(const char *desc, int fd, bool wr, void *buf, size_t len,
		   off_t off, int want_err, ssize_t want_n)
{
	ssize_t n;
	int err;

	if (wr) {
		n = pwrite(fd, buf, len, off);
		err = n < 0 ? errno : 0;
	} else {
		err = xpread(fd, buf, len, off, &n);
	}
	if (!err && !want_err && n != want_n) {
		nrows++;
		nfail++;
		cs_diag("%s: %s: %zd bytes, want %zd", cur, desc, n, want_n);
		return;
	}
	row_result(desc, want_err, err);
}

static void rows_rw(void)
{
	static uint8_t buf[2 * SZ_64K];
	const off_t S = SPACE;
	off_t pos;

	begin("read/write");
	rw_row("read the last 8 bytes", E.s, false, buf, 8, S - 8, 0, 8);
	rw_row("read across the end", E.s, false, buf, 64, S - 8, 0, 8);
	rw_row("read 1 GiB at the last 8 bytes", E.s, false, buf, 1u << 30,
	       S - 8, 0, 8);
	rw_row("read SSIZE_MAX (no such buffer: VFS access_ok)", E.s, false,
	       buf, SSIZE_MAX, S - 8, EFAULT, 0);
	rw_row("read at the end: EOF", E.s, false, buf, 8, S, 0, 0);
	rw_row("read past the end: EOF", E.s, false, buf, 8, S + PAGE, 0, 0);
	rw_row("read at 2^62: EOF", E.s, false, buf, 8, 1ll << 62, 0, 0);
	rw_row("read at LLONG_MAX (offset + count overflows)", E.s, false,
	       buf, 8, LLONG_MAX, EINVAL, 0);
	rw_row("read at -1", E.s, false, buf, 8, -1, EINVAL, 0);
	rw_row("read canonical (negative offset)", E.s, false, buf, 8,
	       (off_t)0xffff800000010000ull, EINVAL, 0);
	rw_row("read 0 bytes in a hole", E.s, false, buf, 0, 0, 0, 0);
	rw_row("read a hole", E.s, false, buf, 8, 0, EIO, 0);
	rw_row("read up to a hole", E.s, false, buf, sizeof(buf),
	       VA_A + 3 * SZ_64K - 16, 0, 16);
	rw_row("read into NULL", E.s, false, NULL, 8, VA_A, EFAULT, 0);
	rw_row("read into a kernel address", E.s, false,
	       (void *)0xffff888000000000ull, 8, VA_A, EFAULT, 0);
	rw_row("read VRAM into a kernel address", E.s, false,
	       (void *)0xffff888000000000ull, 8, VA_A + SZ_64K, EFAULT, 0);
	rw_row("read into read-only memory", E.s, false, E.ro, 8, VA_A, EFAULT,
	       0);
	rw_row("read across the guard page: short", E.s, false,
	       E.guard + PAGE - 64, 4096, VA_A, 0, 64);
	rw_row("read VRAM across the guard page", E.s, false,
	       E.guard + PAGE - 64, 4096, VA_A + SZ_64K, EFAULT, 0);
	rw_row("read 1 GiB into a one-page buffer: short", E.s, false,
	       E.guard, 1u << 30, VA_A, 0, PAGE);
	rw_row("read, unattached", E.su, false, buf, 8, VA_A, EBADFD, 0);
	rw_row("write the last 8 bytes", E.s, true, buf, 8, S - 8, 0, 8);
	rw_row("write across the end", E.s, true, buf, 64, S - 8, 0, 8);
	rw_row("write at the end", E.s, true, buf, 8, S, EIO, 0);
	rw_row("write past the end", E.s, true, buf, 8, S + 1, EIO, 0);
	rw_row("write 0 bytes at the end", E.s, true, buf, 0, S, 0, 0);
	rw_row("write at -1", E.s, true, buf, 8, -1, EINVAL, 0);
	rw_row("write a hole", E.s, true, buf, 8, 0, EIO, 0);
	rw_row("write a GPU read-only mapping", E.s, true, buf, 8,
	       VA_A + 2 * SZ_64K, EACCES, 0);
	rw_row("write up to a read-only mapping", E.s, true, buf, 32,
	       VA_A + 2 * SZ_64K - 16, 0, 16);
	rw_row("write from NULL", E.s, true, NULL, 8, VA_A, EFAULT, 0);
	rw_row("write from a kernel address", E.s, true,
	       (void *)0xffffffff81000000ull, 8, VA_A, EFAULT, 0);
	rw_row("write from across the guard page", E.s, true,
	       E.guard + PAGE - 8, 64, VA_A + SZ_64K, EFAULT, 0);
	rw_row("write, unattached", E.su, true, buf, 8, VA_A, EBADFD, 0);
	/* read(2)/write(2) at the file position. */
	lseek(E.s, 0, SEEK_END);
	row_result("read(2) at the end", 0, read(E.s, buf, 8) == 0 ? 0 : errno);
	row_result("write(2) at the end", EIO,
		   write(E.s, buf, 8) < 0 ? errno : 0);
	lseek(E.s, SPACE - 4, SEEK_SET);
	row_result("read(2) of the last 4 bytes", 0,
		   read(E.s, buf, 8) == 4 ? 0 : errno);
	pos = lseek(E.s, 0, SEEK_CUR);
	row_result("position after it is the end", 0,
		   pos == (off_t)SPACE ? 0 : ERANGE);
	end("every boundary");
}

static void mmap_row(const char *desc, int fd, size_t len, int prot,
		     int flags, off_t off, int want)
{
	void *p = mmap(NULL, len, prot, flags, fd, off);

	row_result(desc, want, p == MAP_FAILED ? errno : 0);
	if (p != MAP_FAILED)
		munmap(p, len);
}

static void rows_mmap(void)
{
	const off_t S = SPACE;
	int ro = -1;

	begin("mmap");
	mmap_row("the last page", E.s, PAGE, PROT_READ, MAP_SHARED, S - PAGE, 0);
	mmap_row("across the end", E.s, 2 * PAGE, PROT_READ, MAP_SHARED,
		 S - PAGE, EINVAL);
	mmap_row("at the end", E.s, PAGE, PROT_READ, MAP_SHARED, S, EINVAL);
	mmap_row("far past the end", E.s, PAGE, PROT_READ, MAP_SHARED,
		 (off_t)1 << 60, EINVAL);
	mmap_row("negative offset (VFS: pages past the maximum)", E.s, PAGE,
		 PROT_READ, MAP_SHARED, -(off_t)PAGE, EOVERFLOW);
	mmap_row("unaligned offset", E.s, PAGE, PROT_READ, MAP_SHARED,
		 VA_A + 8, EINVAL);
	mmap_row("length 0", E.s, 0, PROT_READ, MAP_SHARED, VA_A, EINVAL);
	mmap_row("MAP_PRIVATE", E.s, PAGE, PROT_READ, MAP_PRIVATE, VA_A,
		 EINVAL);
	mmap_row("a hole (faults later)", E.s, PAGE, PROT_READ, MAP_SHARED, 0,
		 0);
	mmap_row("writable, read-only GPU mapping (faults later)", E.s, PAGE,
		 PROT_READ | PROT_WRITE, MAP_SHARED, VA_A + 2 * SZ_64K, 0);
	mmap_row("unattached", E.su, PAGE, PROT_READ, MAP_SHARED, VA_A,
		 EBADFD);
	ro = snoop_open_for(E.g);
	snoop_attach(ro, E.g, CARDSNOOP_ATTACH_READONLY, 0, NULL);
	mmap_row("writable, READONLY attachment", ro, PAGE,
		 PROT_READ | PROT_WRITE, MAP_SHARED, VA_A, EACCES);
	mmap_row("read-only, READONLY attachment", ro, PAGE, PROT_READ,
		 MAP_SHARED, VA_A, 0);
	{
		char c = 0;

		row_result("pwrite on a READONLY attachment", EPERM,
			   pwrite(ro, &c, 1, VA_A) < 0 ? errno : 0);
	}
	close(ro);
	{
		volatile uint8_t *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
					   MAP_SHARED, E.s, VA_A + 2 * SZ_64K);

		row_result("reading a GPU read-only mapping", 0,
			   access_faults(p, 0) ? EFAULT : 0);
		row_result("writing it: SIGBUS", EFAULT,
			   access_faults(p, 1) ? EFAULT : 0);
		munmap((void *)p, PAGE);
		p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, E.s, 0);
		row_result("reading a hole: SIGBUS", EFAULT,
			   access_faults(p, 0) ? EFAULT : 0);
		munmap((void *)p, PAGE);
		p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, E.s, S - PAGE);
		row_result("reading the last page", 0,
			   access_faults(p + PAGE - 1, 0) ? EFAULT : 0);
		munmap((void *)p, PAGE);
	}
	/* What mprotect, mremap and fork do to snoop mappings. */
	{
		const off_t v = VA_A + 4 * SZ_1M;
		volatile uint64_t *p;
		int ro2, st, pipefd[2], back[2];
		uint64_t x = 0;
		pid_t pid;

		ro2 = snoop_open_for(E.g);
		snoop_attach(ro2, E.g, CARDSNOOP_ATTACH_READONLY, 0, NULL);
		p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, ro2, VA_A);
		row_result("mprotect(PROT_WRITE), READONLY attachment", EACCES,
			   mprotect((void *)p, PAGE, PROT_READ | PROT_WRITE) ?
			   errno : 0);
		munmap((void *)p, PAGE);
		close(ro2);
		p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, E.s, VA_A);
		row_result("mprotect(PROT_WRITE), then a write", 0,
			   mprotect((void *)p, PAGE, PROT_READ | PROT_WRITE) ||
			   access_faults(p, 1) ? EIO : 0);
		row_result("mremap to grow (VM_DONTEXPAND)", EFAULT,
			   mremap((void *)p, PAGE, 2 * PAGE, MREMAP_MAYMOVE) ==
			   MAP_FAILED ? errno : 0);
		munmap((void *)p, PAGE);

		/* A child's copy of a mapping is zapped like ours. */
		sg_bind(E.g, E.h_sys, v, PAGE, 0, 0);
		p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, E.s, v);
		x = p[1];
		(void)!pipe(pipefd);
		(void)!pipe(back);
		pid = fork();
		if (!pid) {
			char c;

			/* Inherited page tables, then the unbind. */
			if (p[1] != x || write(back[1], "r", 1) != 1 ||
			    read(pipefd[0], &c, 1) != 1)
				_exit(2);
			_exit(access_faults(p, 0) ? 0 : 3);
		}
		{
			char c;

			(void)!read(back[0], &c, 1);
		}
		sg_unbind(E.g, v, PAGE);
		(void)!write(pipefd[1], "u", 1);
		waitpid(pid, &st, 0);
		close(back[0]);
		close(back[1]);
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			cs_diag("fork child: status %#x", st);
		row_result("a fork child's copy of a mapping, after an unbind: SIGBUS",
			   0, WIFEXITED(st) && !WEXITSTATUS(st) ? 0 : EIO);
		row_result("ours too", EFAULT, access_faults(p, 0) ? EFAULT : 0);
		munmap((void *)p, PAGE);
		close(pipefd[0]);
		close(pipefd[1]);
	}
	end("every boundary");
}

/* --------------------------------------------------------- simgpu ioctls */

static void rows_simgpu_generic(void)
{
	char buf[256];
	unsigned int i;

	begin("simgpu ioctl numbers and pointers");
	memset(buf, 0, sizeof(buf));
	for (i = DRM_SIMGPU_FAULTS + 1; i < 0x60; i += 5)
		row_result(fmt("unknown driver nr %u", i), EINVAL,
			   xio(E.g, DRM_IOWR(DRM_COMMAND_BASE + i, char[32]),
			       buf));
	{
		static const unsigned long reqs[] = {
			DRM_IOCTL_SIMGPU_INFO, DRM_IOCTL_SIMGPU_BO_CREATE,
			DRM_IOCTL_SIMGPU_BO_INFO, DRM_IOCTL_SIMGPU_VM_BIND,
			DRM_IOCTL_SIMGPU_VM_UNBIND, DRM_IOCTL_SIMGPU_BO_MIGRATE,
			DRM_IOCTL_SIMGPU_SUBMIT, DRM_IOCTL_SIMGPU_FAULTS,
		};
		unsigned int r, p;

		for (r = 0; r < sizeof(reqs) / sizeof(reqs[0]); r++)
			for (p = 0; p < NBAD_PTRS; p++)
				row_result(fmt("nr %u, argument at %#llx",
					       _IOC_NR(reqs[r]) - DRM_COMMAND_BASE,
					       (unsigned long long)bad_ptrs[p]),
					   EFAULT,
					   xio(E.g, reqs[r],
					       (void *)(uintptr_t)bad_ptrs[p]));
		row_result("INFO into read-only memory", EFAULT,
			   xio(E.g, DRM_IOCTL_SIMGPU_INFO, E.ro));
	}
	end("numbers, argument pointers");
}

static void rows_sg_info(void)
{
	struct drm_simgpu_info a;
	unsigned int i;

	begin("DRM_IOCTL_SIMGPU_INFO");
	ROW(0, "valid", memset(&a, 0, sizeof(a)),
	    xio(E.g, DRM_IOCTL_SIMGPU_INFO, &a), );
	ROW(0, "garbage in the outputs", memset(&a, 0xff, sizeof(a) - 4),
	    xio(E.g, DRM_IOCTL_SIMGPU_INFO, &a), a.pad = 0);
	for (i = 0; i < 32; i += 3)
		ROW(EINVAL, fmt("pad bit %u", i), memset(&a, 0, sizeof(a)),
		    xio(E.g, DRM_IOCTL_SIMGPU_INFO, &a), a.pad = 1u << i);
	end("every field wrong in turn");
}

static void rows_bo_create(void)
{
	struct drm_simgpu_bo_create a;
	unsigned int i;
	int ret;

#define B_VALID (memset(&a, 0, sizeof(a)), a.size = SZ_64K, \
		 a.placement = SIMGPU_PLACEMENT_SYSTEM)
#define B_CALL (ret = xio(E.g, DRM_IOCTL_SIMGPU_BO_CREATE, &a), \
		!ret ? sg_close_handle(E.g, a.handle) : 0, ret)

	begin("DRM_IOCTL_SIMGPU_BO_CREATE");
	ROW(0, "valid", B_VALID, B_CALL, );
	ROW(0, "VRAM", B_VALID, B_CALL, a.placement = SIMGPU_PLACEMENT_VRAM);
	ROW(0, "pinned", B_VALID, B_CALL, a.flags = SIMGPU_BO_PINNED);
	ROW(0, "garbage in the outputs", B_VALID, B_CALL,
	    (a.handle = ~0u, a.bo_id = ~0ull, a.mmap_offset = ~0ull));
	for (i = 0; i < 32; i += 3)
		ROW(EINVAL, fmt("pad bit %u", i), B_VALID, B_CALL,
		    a.pad = 1u << i);
	for (i = 1; i < 32; i++)
		ROW(EINVAL, fmt("flag bit %u", i), B_VALID, B_CALL,
		    a.flags = 1u << i);
	ROW(EINVAL, "IMPORTED flag", B_VALID, B_CALL,
	    a.flags = SIMGPU_BO_IMPORTED);
	ROW(EINVAL, "placement 0", B_VALID, B_CALL, a.placement = 0);
	ROW(EINVAL, "placement 3", B_VALID, B_CALL, a.placement = 3);
	ROW(EINVAL, "placement ~0", B_VALID, B_CALL, a.placement = ~0u);
	ROW(EINVAL, "size 0", B_VALID, B_CALL, a.size = 0);
	ROW(EINVAL, "size 1", B_VALID, B_CALL, a.size = 1);
	ROW(EINVAL, "size 4095", B_VALID, B_CALL, a.size = 4095);
	ROW(EINVAL, "size 4097", B_VALID, B_CALL, a.size = 4097);
	ROW(EINVAL, "size ~0", B_VALID, B_CALL, a.size = ~0ull);
	ROW(ENOSPC, "VRAM larger than VRAM", B_VALID, B_CALL,
	    (a.placement = SIMGPU_PLACEMENT_VRAM, a.size = E.vram_size + PAGE));
	ROW(ENOSPC, "VRAM of 2^63", B_VALID, B_CALL,
	    (a.placement = SIMGPU_PLACEMENT_VRAM, a.size = 1ull << 63));
	ROW(ENOMEM, "system of 1 TiB", B_VALID, B_CALL, a.size = 1ull << 40);
	ROW(ENOMEM, "system of 2^63", B_VALID, B_CALL, a.size = 1ull << 63);
	ROW(ENOMEM, "system of ~0 rounded down", B_VALID, B_CALL,
	    a.size = ~0ull & ~(PAGE - 1));
	ROW(EFAULT, "outputs into read-only memory (created, handle lost)",
	    B_VALID, xio(E.g, DRM_IOCTL_SIMGPU_BO_CREATE, E.ro), );
	ROW(EFAULT, "a short size: DRM zero-extends (size 0), then EFAULT",
	    B_VALID, xio(E.g, DRM_IOWR(DRM_COMMAND_BASE + DRM_SIMGPU_BO_CREATE,
				       char[4]), E.ro), );
	ROW(EINVAL, "a short size: DRM zero-extends (size 0)", B_VALID,
	    xio(E.g, DRM_IOWR(DRM_COMMAND_BASE + DRM_SIMGPU_BO_CREATE,
			      uint64_t), &a), );
	end("every field wrong in turn");
#undef B_VALID
#undef B_CALL
}

static void rows_bo_info(void)
{
	struct drm_simgpu_bo_info a;
	unsigned int i;

#define I_VALID (memset(&a, 0, sizeof(a)), a.handle = E.h_vram)
#define I_CALL xio(E.g, DRM_IOCTL_SIMGPU_BO_INFO, &a)

	begin("DRM_IOCTL_SIMGPU_BO_INFO");
	ROW(0, "valid", I_VALID, I_CALL, );
	ROW(0, "garbage in the outputs", I_VALID, I_CALL,
	    (a.size = ~0ull, a.placement = ~0u, a.flags = ~0u));
	for (i = 0; i < 32; i += 3)
		ROW(EINVAL, fmt("pad bit %u", i), I_VALID, I_CALL,
		    a.pad = 1u << i);
	ROW(ENOENT, "handle 0", I_VALID, I_CALL, a.handle = 0);
	ROW(ENOENT, "handle ~0", I_VALID, I_CALL, a.handle = ~0u);
	ROW(ENOENT, "handle 0xdead", I_VALID, I_CALL, a.handle = 0xdead);
	end("every field wrong in turn");
#undef I_VALID
#undef I_CALL
}

static void rows_vm_bind(void)
{
	static uint8_t upage[2 * PAGE] __attribute__((aligned(4096)));
	struct drm_simgpu_vm_bind a;
	const uint64_t V = VA_A + 8 * SZ_1M;
	unsigned int i;

#define VB_VALID (memset(&a, 0, sizeof(a)), a.handle = E.h_sys, a.va = V, \
		  a.size = SZ_64K)
#define VB_CALL xio(E.g, DRM_IOCTL_SIMGPU_VM_BIND, &a)
#define VB_SPARSE (VB_VALID, a.handle = 0, a.flags = SIMGPU_BIND_SPARSE)
#define VB_UPTR (VB_VALID, a.handle = 0, a.flags = SIMGPU_BIND_USERPTR, \
		 a.userptr = (uintptr_t)upage, a.size = PAGE)

	begin("DRM_IOCTL_SIMGPU_VM_BIND");
	ROW(0, "valid", VB_VALID, VB_CALL, );
	ROW(0, "read-only", VB_VALID, VB_CALL, a.flags = SIMGPU_BIND_READONLY);
	ROW(0, "canonical high VA", VB_VALID, VB_CALL,
	    a.va = 0xffff800000000000ull);
	ROW(0, "high VA without the sign extension", VB_VALID, VB_CALL,
	    a.va = 0x0000800000000000ull);
	ROW(0, "the last 64K of the VA space", VB_VALID, VB_CALL,
	    a.va = SPACE - SZ_64K);
	ROW(0, "the first VA a client may map", VB_VALID, VB_CALL,
	    a.va = SIMGPU_VA_START);
	ROW(0, "sparse", VB_SPARSE, VB_CALL, );
	ROW(0, "sparse, 128 TiB", VB_SPARSE, VB_CALL,
	    (a.va = SIMGPU_VA_START, a.size = SPACE - SIMGPU_VA_START));
	sg_unbind(E.g, SIMGPU_VA_START, SPACE - SIMGPU_VA_START);
	sg_bind(E.g, E.h_sys, VA_A, SZ_64K, 0, 0);
	sg_bind(E.g, E.h_vram, VA_A + SZ_64K, SZ_64K, 0, 0);
	sg_bind(E.g, E.h_ro, VA_A + 2 * SZ_64K, SZ_64K, 0, SIMGPU_BIND_READONLY);
	sg_bind(E.g, E.h_vram, VA_LAST, PAGE, 0, 0);
	ROW(0, "userptr", VB_UPTR, VB_CALL, );
	for (i = 3; i < 32; i++)
		ROW(EINVAL, fmt("flag bit %u", i), VB_VALID, VB_CALL,
		    a.flags = 1u << i);
	ROW(EINVAL, "SPARSE | USERPTR", VB_UPTR, VB_CALL,
	    a.flags |= SIMGPU_BIND_SPARSE);
	ROW(EINVAL, "sparse with a handle", VB_SPARSE, VB_CALL,
	    a.handle = E.h_sys);
	ROW(EINVAL, "sparse with an offset", VB_SPARSE, VB_CALL,
	    a.offset = PAGE);
	ROW(EINVAL, "sparse with a userptr", VB_SPARSE, VB_CALL,
	    a.userptr = (uintptr_t)upage);
	ROW(EINVAL, "userptr with a handle", VB_UPTR, VB_CALL,
	    a.handle = E.h_sys);
	ROW(EINVAL, "userptr with an offset", VB_UPTR, VB_CALL,
	    a.offset = PAGE);
	ROW(EINVAL, "a userptr without USERPTR", VB_VALID, VB_CALL,
	    a.userptr = (uintptr_t)upage);
	ROW(EINVAL, "userptr unaligned", VB_UPTR, VB_CALL,
	    a.userptr = (uintptr_t)upage + 8);
	ROW(EFAULT, "userptr 0", VB_UPTR, VB_CALL, a.userptr = 0);
	ROW(EFAULT, "userptr in the kernel", VB_UPTR, VB_CALL,
	    a.userptr = 0xffff888000000000ull);
	ROW(EFAULT, "userptr range past user space", VB_UPTR, VB_CALL,
	    (a.userptr = 0x00007ffffffff000ull, a.size = 2 * PAGE));
	ROW(EINVAL, "va unaligned", VB_VALID, VB_CALL, a.va = V + 8);
	ROW(EINVAL, "va 0", VB_VALID, VB_CALL, a.va = 0);
	ROW(EINVAL, "va below the first one", VB_VALID, VB_CALL,
	    a.va = SIMGPU_VA_START - PAGE);
	ROW(EINVAL, "va bad above bit 47", VB_VALID, VB_CALL,
	    a.va = 0x0001000000000000ull | V);
	ROW(EINVAL, "va half sign-extended", VB_VALID, VB_CALL,
	    a.va = 0xff00800000000000ull);
	ROW(EINVAL, "range past 2^48", VB_VALID, VB_CALL,
	    a.va = SPACE - PAGE);
	ROW(EINVAL, "size 0", VB_VALID, VB_CALL, a.size = 0);
	ROW(EINVAL, "size unaligned", VB_VALID, VB_CALL, a.size = PAGE + 1);
	ROW(EINVAL, "size wraps", VB_VALID, VB_CALL, a.size = ~0ull & ~(PAGE - 1));
	ROW(EINVAL, "offset unaligned", VB_VALID, VB_CALL, (a.offset = 8,
							     a.size = PAGE));
	ROW(EINVAL, "offset + size past the buffer", VB_VALID, VB_CALL,
	    a.offset = PAGE);
	ROW(EINVAL, "offset past the buffer", VB_VALID, VB_CALL,
	    (a.offset = SZ_1M, a.size = PAGE));
	ROW(EINVAL, "offset + size wraps", VB_VALID, VB_CALL,
	    (a.offset = ~0ull & ~(PAGE - 1), a.size = 2 * PAGE));
	ROW(EINVAL, "size larger than the buffer", VB_VALID, VB_CALL,
	    a.size = 2 * SZ_64K);
	ROW(ENOENT, "handle 0", VB_VALID, VB_CALL, a.handle = 0);
	ROW(ENOENT, "handle unknown", VB_VALID, VB_CALL, a.handle = 0xdead);
	sg_unbind(E.g, V, SZ_64K);
	end("every field wrong in turn");
#undef VB_VALID
#undef VB_CALL
#undef VB_SPARSE
#undef VB_UPTR
}

static void rows_vm_unbind(void)
{
	struct drm_simgpu_vm_unbind a;
	const uint64_t V = VA_A + 16 * SZ_1M;
	unsigned int i;

#define U_VALID (memset(&a, 0, sizeof(a)), a.va = V, a.size = SZ_64K)
#define U_CALL xio(E.g, DRM_IOCTL_SIMGPU_VM_UNBIND, &a)

	begin("DRM_IOCTL_SIMGPU_VM_UNBIND");
	ROW(0, "valid (nothing mapped)", U_VALID, U_CALL, );
	ROW(0, "canonical high VA", U_VALID, U_CALL,
	    a.va = 0xffff800000000000ull);
	ROW(0, "the last page", U_VALID, U_CALL, (a.va = VA_LAST, a.size = PAGE));
	sg_bind(E.g, E.h_vram, VA_LAST, PAGE, 0, 0);
	for (i = 0; i < 32; i += 3)
		ROW(EINVAL, fmt("flag bit %u", i), U_VALID, U_CALL,
		    a.flags = 1u << i);
	for (i = 0; i < 32; i += 3)
		ROW(EINVAL, fmt("pad bit %u", i), U_VALID, U_CALL,
		    a.pad = 1u << i);
	ROW(EINVAL, "va unaligned", U_VALID, U_CALL, a.va = V + 1);
	ROW(EINVAL, "size unaligned", U_VALID, U_CALL, a.size = 100);
	ROW(EINVAL, "size 0", U_VALID, U_CALL, a.size = 0);
	ROW(EINVAL, "va 0", U_VALID, U_CALL, a.va = 0);
	ROW(EINVAL, "range past 2^48", U_VALID, U_CALL, a.va = VA_LAST);
	ROW(EINVAL, "size wraps", U_VALID, U_CALL, a.size = ~0ull & ~(PAGE - 1));
	ROW(EINVAL, "va bad above bit 47", U_VALID, U_CALL,
	    a.va = 0x00ff000000000000ull);
	end("every field wrong in turn");
#undef U_VALID
#undef U_CALL
}

static void rows_migrate(void)
{
	struct drm_simgpu_bo_migrate a;

#define G_VALID (memset(&a, 0, sizeof(a)), a.handle = E.h_sys, \
		 a.placement = SIMGPU_PLACEMENT_SYSTEM)
#define G_CALL xio(E.g, DRM_IOCTL_SIMGPU_BO_MIGRATE, &a)

	begin("DRM_IOCTL_SIMGPU_BO_MIGRATE");
	ROW(0, "valid (already there)", G_VALID, G_CALL, );
	ROW(0, "to VRAM and back", G_VALID,
	    (xio(E.g, DRM_IOCTL_SIMGPU_BO_MIGRATE, &a), a.placement =
	     SIMGPU_PLACEMENT_SYSTEM, G_CALL),
	    a.placement = SIMGPU_PLACEMENT_VRAM);
	ROW(0, "pinned, to where it is", G_VALID, G_CALL,
	    (a.handle = E.h_pin, a.placement = SIMGPU_PLACEMENT_VRAM));
	ROW(EBUSY, "pinned, elsewhere", G_VALID, G_CALL, a.handle = E.h_pin);
	ROW(EINVAL, "placement 0", G_VALID, G_CALL, a.placement = 0);
	ROW(EINVAL, "placement 3", G_VALID, G_CALL, a.placement = 3);
	ROW(EINVAL, "placement ~0", G_VALID, G_CALL, a.placement = ~0u);
	ROW(ENOENT, "handle 0", G_VALID, G_CALL, a.handle = 0);
	ROW(ENOENT, "handle unknown", G_VALID, G_CALL, a.handle = 0xdead);
	if (E.vcard >= 0) {
		struct drm_mode_create_dumb d = { .width = 64, .height = 64,
						  .bpp = 32 };
		struct drm_prime_handle ph = { 0 };
		uint32_t h = 0;

		if (!xio(E.vcard, DRM_IOCTL_MODE_CREATE_DUMB, &d)) {
			ph.handle = d.handle;
			ph.flags = DRM_CLOEXEC;
			if (!xio(E.vcard, DRM_IOCTL_PRIME_HANDLE_TO_FD, &ph)) {
				struct drm_prime_handle in = { .fd = ph.fd };

				if (!xio(E.g, DRM_IOCTL_PRIME_FD_TO_HANDLE, &in))
					h = in.handle;
				close(ph.fd);
			}
		}
		if (h)
			ROW(EINVAL, "an imported buffer", G_VALID, G_CALL,
			    (a.handle = h, a.placement = SIMGPU_PLACEMENT_VRAM));
		else
			cs_diag("no vgem buffer to import: row skipped");
	}
	end("every field wrong in turn");
#undef G_VALID
#undef G_CALL
}

static int submit(struct drm_simgpu_submit *s)
{
	return xio(E.g, DRM_IOCTL_SIMGPU_SUBMIT, s);
}

static void rows_submit(void)
{
	struct drm_simgpu_cmd c[4];
	struct drm_simgpu_submit a;
	unsigned int i;

#define S_VALID (memset(&a, 0, sizeof(a)), memset(c, 0, sizeof(c)), \
		 a.cmds = (uintptr_t)c, a.count = 1, a.stride = sizeof(c[0]), \
		 c[0].op = SIMGPU_CMD_WRITE32, c[0].arg0 = VA_A, c[0].arg1 = 1)
#define S_CALL submit(&a)
#define CMD(o, x, y, z) (c[0] = (struct drm_simgpu_cmd){ .op = o, .arg0 = x, \
							  .arg1 = y, .arg2 = z })

	begin("DRM_IOCTL_SIMGPU_SUBMIT");
	ROW(0, "valid", S_VALID, S_CALL, );
	ROW(0, "FILL", S_VALID, S_CALL, CMD(SIMGPU_CMD_FILL, VA_A, 64, 7));
	ROW(0, "FILL of 0 bytes", S_VALID, S_CALL,
	    CMD(SIMGPU_CMD_FILL, VA_A, 0, 7));
	ROW(0, "COPY, adjacent ranges", S_VALID, S_CALL,
	    CMD(SIMGPU_CMD_COPY, VA_A, VA_A + 64, 64));
	ROW(0, "NOP", S_VALID, S_CALL, CMD(SIMGPU_CMD_NOP, 0, 0, 0));
	ROW(0, "garbage in done and seqno", S_VALID, S_CALL,
	    (a.done = ~0u, a.seqno = ~0ull));
	ROW(0, "stride 64", S_VALID, S_CALL, a.stride = 64);
	for (i = 0; i < 32; i += 3)
		ROW(EINVAL, fmt("flag bit %u", i), S_VALID, S_CALL,
		    a.flags = 1u << i);
	ROW(EINVAL, "count 0", S_VALID, S_CALL, a.count = 0);
	ROW(EINVAL, "count 4097", S_VALID, S_CALL,
	    a.count = SIMGPU_SUBMIT_MAX_CMDS + 1);
	ROW(EINVAL, "count ~0", S_VALID, S_CALL, a.count = ~0u);
	ROW(EINVAL, "stride 0", S_VALID, S_CALL, a.stride = 0);
	ROW(EINVAL, "stride 31", S_VALID, S_CALL, a.stride = 31);
	/* An element's bytes past the 32 known must be zero (versioning). */
	ROW(EINVAL, "stride 64, nonzero byte 40", S_VALID, S_CALL,
	    (a.stride = 64, ((uint8_t *)c)[40] = 1));
	/*
	 * A huge stride: the kernel checks that the element's tail is zero up
	 * to the first nonzero byte or the first unmapped one.  The element
	 * lies low in the address space, so that its 2 GiB tail fits below
	 * TASK_SIZE (on the stack it may not, by ASLR: then access_ok()
	 * fails, EFAULT, in about one run of eight).
	 */
	{
		uint8_t *low = mmap((void *)0x20000000ul, 3 * PAGE,
				    PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS |
				    MAP_FIXED_NOREPLACE, -1, 0);

		if (low == (void *)0x20000000ul) {
			munmap(low + 2 * PAGE, PAGE);
			ROW(EINVAL, "stride 2^31: a nonzero byte a page past the element",
			    S_VALID, S_CALL,
			    (memcpy(low, c, sizeof(c[0])), low[PAGE] = 1,
			     a.cmds = (uintptr_t)low, a.count = 2,
			     a.stride = 1u << 31));
			ROW(EFAULT, "stride 2^31: zeros past the element, then unmapped memory",
			    S_VALID, S_CALL,
			    (memcpy(low, c, sizeof(c[0])), low[PAGE] = 0,
			     a.cmds = (uintptr_t)low, a.count = 2,
			     a.stride = 1u << 31));
			munmap(low, 2 * PAGE);
		} else {
			cs_diag("no mapping at 0x20000000: stride 2^31 rows skipped");
		}
	}
	for (i = 0; i < NBAD_PTRS; i++)
		ROW(EFAULT, fmt("cmds at %#llx", (unsigned long long)bad_ptrs[i]),
		    S_VALID, S_CALL, a.cmds = bad_ptrs[i]);
	ROW(EFAULT, "cmds across the guard page", S_VALID, S_CALL,
	    a.cmds = (uintptr_t)E.guard + PAGE - 16);
	{
		struct drm_simgpu_cmd *nops = (void *)E.guard;

		for (i = 0; i < PAGE / sizeof(*nops); i++)
			nops[i] = (struct drm_simgpu_cmd){ .op = SIMGPU_CMD_NOP };
		ROW(0, "a page of NOPs", S_VALID, S_CALL,
		    (a.cmds = (uintptr_t)E.guard,
		     a.count = PAGE / sizeof(*nops)));
		ROW(EFAULT, "4096 commands: NOPs up to the guard page", S_VALID,
		    S_CALL, (a.cmds = (uintptr_t)E.guard,
			     a.count = SIMGPU_SUBMIT_MAX_CMDS));
	}
	/* Commands. */
	ROW(EINVAL, "op 0", S_VALID, S_CALL, c[0].op = 0);
	ROW(EINVAL, "op 6", S_VALID, S_CALL, c[0].op = 6);
	ROW(EINVAL, "op ~0", S_VALID, S_CALL, c[0].op = ~0u);
	for (i = 0; i < 32; i += 5)
		ROW(EINVAL, fmt("command flag bit %u", i), S_VALID, S_CALL,
		    c[0].flags = 1u << i);
	ROW(EINVAL, "NOP with an argument", S_VALID, S_CALL,
	    CMD(SIMGPU_CMD_NOP, 0, 0, 1));
	ROW(EINVAL, "FILL va unaligned", S_VALID, S_CALL,
	    CMD(SIMGPU_CMD_FILL, VA_A + 2, 64, 7));
	ROW(EINVAL, "FILL size unaligned", S_VALID, S_CALL,
	    CMD(SIMGPU_CMD_FILL, VA_A, 63, 7));
	ROW(EINVAL, "FILL dword > 32 bits", S_VALID, S_CALL,
	    CMD(SIMGPU_CMD_FILL, VA_A, 64, 1ull << 32));
	ROW(EINVAL, "FILL wraps the VA space", S_VALID, S_CALL,
	    CMD(SIMGPU_CMD_FILL, VA_LAST, 2 * PAGE, 7));
	ROW(EINVAL, "FILL size ~0", S_VALID, S_CALL,
	    CMD(SIMGPU_CMD_FILL, VA_A, ~0ull & ~3ull, 7));
	ROW(EINVAL, "FILL va bad above bit 47", S_VALID, S_CALL,
	    CMD(SIMGPU_CMD_FILL, 0x0001000000000000ull | VA_A, 64, 7));
	ROW(EINVAL, "COPY overlapping forward", S_VALID, S_CALL,
	    CMD(SIMGPU_CMD_COPY, VA_A, VA_A + 8, 64));
	ROW(EINVAL, "COPY overlapping backward", S_VALID, S_CALL,
	    CMD(SIMGPU_CMD_COPY, VA_A + 8, VA_A, 64));
	ROW(EINVAL, "COPY onto itself", S_VALID, S_CALL,
	    CMD(SIMGPU_CMD_COPY, VA_A, VA_A, 64));
	ROW(EINVAL, "COPY overlapping, canonical and linear forms", S_VALID,
	    S_CALL, CMD(SIMGPU_CMD_COPY, 0xffff800000000000ull,
			0x0000800000000008ull, 64));
	ROW(EINVAL, "COPY source wraps", S_VALID, S_CALL,
	    CMD(SIMGPU_CMD_COPY, VA_LAST, VA_A, 2 * PAGE));
	ROW(EINVAL, "COPY size ~0", S_VALID, S_CALL,
	    CMD(SIMGPU_CMD_COPY, VA_A, VA_A + SZ_1M, ~0ull));
	ROW(EINVAL, "WRITE32 unaligned", S_VALID, S_CALL,
	    CMD(SIMGPU_CMD_WRITE32, VA_A + 1, 1, 0));
	ROW(EINVAL, "WRITE32 value > 32 bits", S_VALID, S_CALL,
	    CMD(SIMGPU_CMD_WRITE32, VA_A, 1ull << 32, 0));
	ROW(EINVAL, "WRITE32 arg2", S_VALID, S_CALL,
	    CMD(SIMGPU_CMD_WRITE32, VA_A, 1, 1));
	ROW(EINVAL, "IB size 0", S_VALID, S_CALL, CMD(SIMGPU_CMD_IB, VA_A, 0, 0));
	ROW(EINVAL, "IB size not a multiple of 32", S_VALID, S_CALL,
	    CMD(SIMGPU_CMD_IB, VA_A, 48, 0));
	ROW(EINVAL, "IB larger than 1 MiB", S_VALID, S_CALL,
	    CMD(SIMGPU_CMD_IB, VA_A, SIMGPU_IB_MAX_SIZE + 32, 0));
	ROW(EINVAL, "IB unaligned", S_VALID, S_CALL,
	    CMD(SIMGPU_CMD_IB, VA_A + 4, 32, 0));
	ROW(EINVAL, "IB arg2", S_VALID, S_CALL, CMD(SIMGPU_CMD_IB, VA_A, 32, 1));
	ROW(EINVAL, "a bad command after a good one", S_VALID, S_CALL,
	    (a.count = 2, c[1].op = 99));
	/* GPU page faults. */
	ROW(EFAULT, "WRITE32 to a hole", S_VALID, S_CALL,
	    CMD(SIMGPU_CMD_WRITE32, VA_A + SZ_1M, 1, 0));
	ROW(EFAULT, "FILL into a read-only mapping", S_VALID, S_CALL,
	    CMD(SIMGPU_CMD_FILL, VA_A + 2 * SZ_64K, 64, 1));
	ROW(EFAULT, "COPY from a hole", S_VALID, S_CALL,
	    CMD(SIMGPU_CMD_COPY, 0x10000, VA_A, 64));
	ROW(EFAULT, "IB in a hole", S_VALID, S_CALL,
	    CMD(SIMGPU_CMD_IB, VA_A + SZ_1M, 32, 0));
	/* An IB: the chain checks its commands too. */
	{
		struct drm_simgpu_cmd ib[2] = {
			{ .op = SIMGPU_CMD_IB, .arg0 = VA_A, .arg1 = 32 },
			{ .op = SIMGPU_CMD_NOP },
		};

		pwrite(E.s, ib, sizeof(ib), VA_A + 4096);
		ROW(EINVAL, "IB containing an IB", S_VALID, S_CALL,
		    CMD(SIMGPU_CMD_IB, VA_A + 4096, 32, 0));
		ib[0] = (struct drm_simgpu_cmd){ .op = SIMGPU_CMD_FILL,
						 .arg0 = VA_A + 1, .arg1 = 4 };
		pwrite(E.s, ib, sizeof(ib), VA_A + 4096);
		ROW(EINVAL, "IB with a malformed command", S_VALID, S_CALL,
		    CMD(SIMGPU_CMD_IB, VA_A + 4096, 64, 0));
		ib[0] = (struct drm_simgpu_cmd){ .op = SIMGPU_CMD_NOP };
		pwrite(E.s, ib, sizeof(ib), VA_A + 4096);
		ROW(0, "IB of NOPs", S_VALID, S_CALL,
		    CMD(SIMGPU_CMD_IB, VA_A + 4096, 64, 0));
		{
			struct drm_simgpu_cmd *m = sg_bo_map(E.g, E.h_ro, SZ_64K);

			m[SZ_64K / 32 - 1] = (struct drm_simgpu_cmd){
				.op = SIMGPU_CMD_NOP };
			munmap(m, SZ_64K);
		}
		ROW(EFAULT, "IB running off its mapping", S_VALID, S_CALL,
		    CMD(SIMGPU_CMD_IB, VA_A + 3 * SZ_64K - 32, 64, 0));
	}
	end("every field and command wrong in turn");
#undef S_VALID
#undef S_CALL
#undef CMD
}

static void rows_faults(void)
{
	/* Room for every record kept: "huge count" asks for all of them. */
	struct drm_simgpu_fault f[SIMGPU_FAULTS_MAX];
	struct drm_simgpu_faults a;
	unsigned int i;

	/* Each row has a fault record to copy. */
#define FA_VALID (sg_gpu_write32(E.g, VA_A + SZ_1M, 1), memset(&a, 0, sizeof(a)), \
		  a.faults = (uintptr_t)f, a.count = 4, a.stride = sizeof(f[0]))
#define FA_CALL xio(E.g, DRM_IOCTL_SIMGPU_FAULTS, &a)

	begin("DRM_IOCTL_SIMGPU_FAULTS");
	ROW(0, "valid", FA_VALID, FA_CALL, );
	ROW(0, "CLEAR", FA_VALID, FA_CALL, a.flags = SIMGPU_FAULTS_CLEAR);
	ROW(0, "count only", FA_VALID, FA_CALL, a.faults = 0);
	ROW(0, "count only, stride 0", FA_VALID, FA_CALL,
	    (a.faults = 0, a.stride = 0));
	ROW(0, "huge count", FA_VALID, FA_CALL, a.count = ~0u);
	ROW(0, "garbage in total", FA_VALID, FA_CALL, a.total = ~0ull);
	for (i = 1; i < 32; i += 3)
		ROW(EINVAL, fmt("flag bit %u", i), FA_VALID, FA_CALL,
		    a.flags = 1u << i);
	for (i = 0; i < 32; i += 3)
		ROW(EINVAL, fmt("pad bit %u", i), FA_VALID, FA_CALL,
		    a.pad = 1u << i);
	ROW(EINVAL, "stride 31", FA_VALID, FA_CALL, a.stride = 31);
	ROW(EINVAL, "stride 0", FA_VALID, FA_CALL, a.stride = 0);
	for (i = 0; i < NBAD_PTRS; i++)
		if (bad_ptrs[i])
			ROW(EFAULT, fmt("faults at %#llx",
					(unsigned long long)bad_ptrs[i]),
			    FA_VALID, FA_CALL, a.faults = bad_ptrs[i]);
	ROW(EFAULT, "faults read-only", FA_VALID, FA_CALL,
	    a.faults = (uintptr_t)E.ro);
	ROW(EFAULT, "huge stride past the guard", FA_VALID, FA_CALL,
	    (a.faults = (uintptr_t)E.guard, a.stride = ~0u));
	end("every field wrong in turn");
#undef FA_VALID
#undef FA_CALL
}

/*
 * Long engine commands stay killable (and yield the CPU): a FILL over
 * 128 TiB of sparse memory, whose writes are dropped, runs for hours; its
 * process must die of SIGKILL at once.  In a child, so that the rows go on
 * either way.
 */
static void rows_engine_bounds(void)
{
	const uint64_t size = SPACE - SIMGPU_VA_START - 16 * SZ_1M;
	uint64_t t0, ms;
	int st = 0;
	pid_t pid;

	begin("engine bounds");
	pid = fork();
	if (!pid) {
		int g = sg_open(0);

		sg_bind(g, 0, SIMGPU_VA_START, size, 0, SIMGPU_BIND_SPARSE);
		_exit(sg_gpu_fill(g, SIMGPU_VA_START, size & ~3ull, 1) ? 1 : 0);
	}
	usleep(1000000);
	t0 = cs_now_ns();
	kill(pid, SIGKILL);
	while (waitpid(pid, &st, WNOHANG) == 0 &&
	       cs_now_ns() - t0 < 20000000000ull)
		usleep(10000);
	ms = (cs_now_ns() - t0) / 1000000;
	cs_diag("FILL of %llu GiB of sparse memory: %s %llu ms after SIGKILL",
		(unsigned long long)size >> 30,
		WIFSIGNALED(st) ? "died" : "still running",
		(unsigned long long)ms);
	row_result("a FILL of 128 TiB of sparse memory dies of SIGKILL within 2 s",
		   0, WIFSIGNALED(st) && ms < 2000 ? 0 : ETIMEDOUT);
	end("long commands");
}


/* In a child with a 10 s alarm: 0 if @va of a fresh mapping reads. */
static int read_mapped_in_child(off_t va, size_t off)
{
	int st;
	pid_t pid = fork();

	if (!pid) {
		uint8_t *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
				  MAP_SHARED, E.s, va);

		alarm(10);
		if (p == MAP_FAILED)
			_exit(2);
		/* A load across the two pages needs both mapped at once. */
		(void)*(volatile uint64_t *)(p + off);
		*(volatile uint64_t *)(p + off) = 0;
		_exit(0);
	}
	waitpid(pid, &st, 0);
	return WIFEXITED(st) && !WEXITSTATUS(st) ? 0 :
	       WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM ? ETIMEDOUT : EIO;
}

/*
 * cardsnoop's module parameters at their boundaries (root may write them
 * at any time): every value must leave a working file.
 */
static void rows_params(void)
{
	const off_t vram = VA_A + SZ_64K, sys = VA_A;
	struct cardsnoop_event ev[4];
	struct cardsnoop_events a = { .events_ptr = (uintptr_t)ev, .count = 4,
				      .stride = sizeof(ev[0]) };
	int s2;

	begin("module parameters");
	cardsnoop_param_set("snapshot_limit_mb", "0");
	row_result("snapshot_limit_mb 0: a VRAM page reads and writes", 0,
		   read_mapped_in_child(vram, 8));
	row_result("snapshot_limit_mb 0: a load across two VRAM pages", 0,
		   read_mapped_in_child(vram, PAGE - 4));
	cardsnoop_param_set("snapshot_limit_mb", "1");
	row_result("snapshot_limit_mb 1: a load across two VRAM pages", 0,
		   read_mapped_in_child(vram, PAGE - 4));
	cardsnoop_param_set("snapshot_limit_mb", "64");
	cardsnoop_param_set("fault_around_pages", "0");
	row_result("fault_around_pages 0: a load across two system pages", 0,
		   read_mapped_in_child(sys, PAGE - 4));
	cardsnoop_param_set("fault_around_pages", "4294967295");
	row_result("fault_around_pages ~0: a load across two system pages", 0,
		   read_mapped_in_child(sys, PAGE - 4));
	cardsnoop_param_set("fault_around_pages", "64");
	cardsnoop_param_set("events_max", "0");
	s2 = snoop_open_for(E.g);
	row_result("events_max 0: ATTACH", 0,
		   -snoop_attach(s2, E.g, 0, 0, NULL));
	row_result("events_max 0: EVENTS", 0,
		   xio(s2, CARDSNOOP_IOCTL_EVENTS, &a));
	close(s2);
	cardsnoop_param_set("events_max", "16384");
	end("boundaries of snapshot_limit_mb, fault_around_pages, events_max");
}

static int run_rows(void)
{
	env_setup();
	rows_cardsnoop_generic();
	rows_attach();
	rows_vms();
	rows_mappings();
	rows_resolve();
	rows_refresh();
	rows_events();
	rows_lseek();
	rows_rw();
	rows_mmap();
	rows_params();
	rows_simgpu_generic();
	rows_sg_info();
	rows_bo_create();
	rows_bo_info();
	rows_vm_bind();
	rows_vm_unbind();
	rows_migrate();
	rows_submit();
	rows_faults();
	rows_engine_bounds();
	cs_diag("rows: %d checked, %d wrong", total_rows, total_fail);
	return 0;
}

/* ================================================================ fuzz */

/*
 * Errnos each call may return, from the documentation: the "Errors:" of
 * each ioctl in cardsnoop_drm.h and simgpu_drm.h (with simgpu's "any ioctl
 * may fail with -ENODEV ... and with -EINTR", cardsnoop's "any call may
 * fail with -ENOMEM" and its size rules; E2BIG/ENOTTY cannot happen here:
 * the fuzzer uses the right numbers),
 * DOC: Access and the design's file operations table for read, write,
 * lseek, mmap and fsync, and the DRM core and VFS for what they check
 * before a driver is called (a bad argument pointer: EFAULT; an offset
 * that overflows: EINVAL; mmap(2)'s EOVERFLOW; msync(2)'s ENOMEM).
 */
enum fop {
	F_SG_INFO, F_SG_BO_CREATE, F_SG_BO_INFO, F_SG_VM_BIND, F_SG_VM_UNBIND,
	F_SG_MIGRATE, F_SG_SUBMIT, F_SG_FAULTS, F_GEM_CLOSE, F_BO_MMAP,
	F_PRIME_IMPORT, F_SG_REOPEN,
	F_CS_OPEN, F_CS_ATTACH, F_CS_INFO, F_CS_VMS, F_CS_MAPPINGS,
	F_CS_RESOLVE, F_CS_REFRESH, F_CS_EVENTS, F_CS_READ, F_CS_WRITE,
	F_CS_SEEK, F_CS_MMAP, F_CS_TOUCH, F_CS_FSYNC, F_CS_MSYNC, F_CS_POLL,
	F_CS_CLOSE, F_CS_DUP,
	NFOP
};

#define ERRS(...) (const int[]){ __VA_ARGS__, 0 }

static const struct fopdef {
	const char *name;
	unsigned int weight;
	const int *errs;
} fops[NFOP] = {
	[F_SG_INFO] = { "SIMGPU_INFO", 2, ERRS(EINVAL, EFAULT, ENODEV, EINTR) },
	[F_SG_BO_CREATE] = { "SIMGPU_BO_CREATE", 6,
			     ERRS(EINVAL, ENOSPC, ENOMEM, EFAULT, ENODEV, EINTR) },
	[F_SG_BO_INFO] = { "SIMGPU_BO_INFO", 3,
			   ERRS(EINVAL, ENOENT, EFAULT, ENODEV, EINTR) },
	[F_SG_VM_BIND] = { "SIMGPU_VM_BIND", 12,
			   ERRS(EINVAL, ENOENT, EFAULT, ENOMEM, ENODEV, EINTR) },
	[F_SG_VM_UNBIND] = { "SIMGPU_VM_UNBIND", 6,
			     ERRS(EINVAL, EFAULT, ENODEV, EINTR) },
	[F_SG_MIGRATE] = { "SIMGPU_BO_MIGRATE", 5,
			   ERRS(EINVAL, ENOENT, EBUSY, ENOSPC, ENOMEM, EFAULT,
				ENODEV, EINTR) },
	[F_SG_SUBMIT] = { "SIMGPU_SUBMIT", 8,
			  ERRS(EINVAL, EFAULT, ENOMEM, ENODEV, EINTR) },
	[F_SG_FAULTS] = { "SIMGPU_FAULTS", 2,
			  ERRS(EINVAL, EFAULT, ENODEV, EINTR) },
	[F_GEM_CLOSE] = { "GEM_CLOSE", 3, ERRS(EINVAL, ENODEV) },
	[F_BO_MMAP] = { "mmap of a buffer", 3, ERRS(EINVAL, EACCES, ENOMEM,
						    ENODEV) },
	[F_PRIME_IMPORT] = { "PRIME import from vgem", 1,
			     ERRS(EINVAL, EBADF, ENOMEM, ENODEV) },
	[F_SG_REOPEN] = { "reopen the render node", 1, ERRS(ENODEV) },
	[F_CS_OPEN] = { "open the snoop node", 2, ERRS(ENODEV, ENOMEM) },
	[F_CS_ATTACH] = { "CARDSNOOP_ATTACH", 4,
			  ERRS(EBADF, EINVAL, EXDEV, ENOENT, EBUSY, EPERM,
			       ENODEV, EINTR, EFAULT, ENOMEM) },
	[F_CS_INFO] = { "CARDSNOOP_INFO", 1, ERRS(EFAULT, ENODEV, ENOMEM) },
	[F_CS_VMS] = { "CARDSNOOP_VMS", 2,
		       ERRS(EBADF, EINVAL, EXDEV, EFAULT, ENODEV, ENOMEM) },
	[F_CS_MAPPINGS] = { "CARDSNOOP_MAPPINGS", 3,
			    ERRS(EBADFD, EINVAL, EFAULT, ENODEV, EINTR, ENOMEM) },
	[F_CS_RESOLVE] = { "CARDSNOOP_RESOLVE", 3,
			   ERRS(EBADFD, EINVAL, ENOENT, ENODEV, EINTR, EFAULT,
				ENOMEM) },
	[F_CS_REFRESH] = { "CARDSNOOP_REFRESH", 3,
			   ERRS(EBADFD, EINVAL, ENODEV, EINTR, EIO, EFAULT,
				ENOMEM) },
	[F_CS_EVENTS] = { "CARDSNOOP_EVENTS", 3,
			  ERRS(EBADFD, EINVAL, EFAULT, EINTR, ENOMEM) },
	[F_CS_READ] = { "read", 12,
			ERRS(EBADFD, ENODEV, EIO, EFAULT, EINTR, EINVAL,
			     ENOMEM) },
	[F_CS_WRITE] = { "write", 8,
			 ERRS(EBADFD, ENODEV, EPERM, EIO, EACCES, EFAULT, EINTR,
			      EINVAL, ENOMEM) },
	[F_CS_SEEK] = { "lseek", 4, ERRS(EINVAL, ENXIO, EBADFD, ENODEV, EINTR) },
	[F_CS_MMAP] = { "mmap of a snoop file", 4,
			ERRS(EBADFD, ENODEV, EINVAL, EACCES, ENOMEM, EOVERFLOW) },
	[F_CS_TOUCH] = { "access to a snoop mapping", 8, ERRS(0) },
	[F_CS_FSYNC] = { "fsync", 3, ERRS(EBADFD, ENODEV, EIO, EINTR, ENOMEM) },
	[F_CS_MSYNC] = { "msync", 2,
			 ERRS(EBADFD, ENODEV, EIO, EINTR, ENOMEM) },
	[F_CS_POLL] = { "poll", 1, ERRS(EINTR) },
	[F_CS_CLOSE] = { "close a snoop file", 2, ERRS(EINTR) },
	[F_CS_DUP] = { "dup a snoop file", 1, ERRS(EMFILE) },
};

#define FZ_PROCS_MAX	8
#define FZ_HANDLES	24
#define FZ_SNOOPS	4
#define FZ_MAPS		8
#define ARENA_SIZE	(8ull << 20)

struct fz_shared {
	_Atomic uint64_t progress[FZ_PROCS_MAX];
	pid_t pid[FZ_PROCS_MAX];
	_Atomic int drm_fd[FZ_PROCS_MAX];
	char op[FZ_PROCS_MAX][160];
	_Atomic uint64_t count[NFOP];
	_Atomic uint64_t failed[NFOP];
	_Atomic uint32_t errs[NFOP][134];
	_Atomic uint64_t signals;
	_Atomic uint64_t violations;
	_Atomic uint32_t reports;
};

static struct fz_shared *fsh;

struct fz_map {
	volatile uint64_t *p;
	size_t len;
	int prot;
	bool snoop;		/* else a buffer's CPU mapping */
};

struct fz {
	int idx, nprocs;
	struct cs_rng rng;
	int g, vcard, pipe_r, regular;
	uint32_t h[FZ_HANDLES];
	int nh;
	int sfd[FZ_SNOOPS];
	struct fz_map map[FZ_MAPS];
	uint8_t *uptr;		/* 1 MiB for userptr binds */
	uint8_t *buf;		/* 256 KiB scratch, then a guard page */
	uint8_t *out;		/* 64 KiB for ioctl output arrays (any stride) */
	char desc[160];
};

static void engine_setup(struct fz *f);

static uint64_t rnd(struct fz *f, uint64_t n)
{
	return cs_rng_below(&f->rng, n);
}

static bool pct(struct fz *f, unsigned int p)
{
	return cs_rng_pct(&f->rng, p);
}

/* A GPU VA: mostly page-aligned inside the arena, sometimes anything. */
static uint64_t r_va(struct fz *f)
{
	static const uint64_t edges[] = {
		0, SIMGPU_VA_START, SPACE - PAGE, SPACE, SPACE + PAGE,
		0xffff800000000000ull, 0x0000800000000000ull,
		0x0001000000000000ull, ~0ull & ~(PAGE - 1), ~0ull,
	};
	unsigned int r = rnd(f, 100);

	if (r < 40)
		return VA_A + rnd(f, SZ_1M / PAGE) * PAGE;
	if (r < 70)
		return VA_A + rnd(f, ARENA_SIZE / PAGE) * PAGE;
	if (r < 78)
		return VA_A + rnd(f, ARENA_SIZE);
	if (r < 90)
		return edges[rnd(f, sizeof(edges) / sizeof(edges[0]))];
	return cs_rng_next(&f->rng) & (pct(f, 50) ? SPACE - 1 : ~0ull);
}

/* A size: mostly a few pages, sometimes 0, unaligned or huge. */
static uint64_t r_size(struct fz *f)
{
	unsigned int r = rnd(f, 100);

	if (r < 75)
		return (1 + rnd(f, 16)) * PAGE;
	if (r < 80)
		return 0;
	if (r < 88)
		return 1 + rnd(f, 5 * PAGE);
	if (r < 95)
		return (1 + rnd(f, 256)) * PAGE;
	return cs_rng_next(&f->rng) >> rnd(f, 64);
}

static uint32_t r_handle(struct fz *f)
{
	if (f->nh && pct(f, 85))
		return f->h[rnd(f, f->nh)];
	return pct(f, 50) ? 0 : (uint32_t)cs_rng_next(&f->rng);
}

static uint32_t r_flags(struct fz *f, uint32_t valid)
{
	uint32_t x = cs_rng_next(&f->rng);

	return pct(f, 85) ? x & valid : x;
}

static uint32_t r_pad(struct fz *f)
{
	return pct(f, 95) ? 0 : 1u << rnd(f, 32);
}

/* A user pointer for @len bytes: mostly the scratch buffer. */
static uint64_t r_ptr(struct fz *f, size_t len)
{
	unsigned int r = rnd(f, 100);

	if (r < 88 || len > 256 * 1024)
		return (uintptr_t)f->buf + (len <= 256 * 1024 ?
					     rnd(f, 256 * 1024 - len + 1) & ~7ull : 0);
	if (r < 91)
		return 0;
	if (r < 94)
		return (uintptr_t)f->buf + 256 * 1024 - rnd(f, len + 1);
	if (r < 97)
		return 0xffff888000000000ull + rnd(f, 1 << 20);
	return bad_ptrs[rnd(f, NBAD_PTRS)];
}

static int r_sfd(struct fz *f)
{
	int i = rnd(f, FZ_SNOOPS);

	return f->sfd[i];
}

static int fio(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) ? errno : 0;
}

static void add_handle(struct fz *f, uint32_t h)
{
	if (f->nh == FZ_HANDLES) {
		int i = rnd(f, FZ_HANDLES);

		sg_close_handle(f->g, f->h[i]);
		f->h[i] = h;
		return;
	}
	f->h[f->nh++] = h;
}

static void add_map(struct fz *f, void *p, size_t len, int prot, bool snoop)
{
	int i = rnd(f, FZ_MAPS);

	if (f->map[i].p)
		munmap((void *)f->map[i].p, f->map[i].len);
	f->map[i] = (struct fz_map){ .p = p, .len = len, .prot = prot,
				     .snoop = snoop };
}

#define D(...) snprintf(f->desc, sizeof(f->desc), __VA_ARGS__)

/*
 * Submissions: most are well formed (with VAs mostly where the process
 * keeps buffers bound, so that the engine does work); the others have one
 * thing wrong.
 */
static int fz_submit(struct fz *f)
{
	static const uint32_t ops[] = {
		SIMGPU_CMD_NOP, SIMGPU_CMD_FILL, SIMGPU_CMD_COPY,
		SIMGPU_CMD_WRITE32, SIMGPU_CMD_IB,
	};
	struct drm_simgpu_cmd c[4];
	struct drm_simgpu_submit a = { 0 };
	uint32_t i, n = 1 + rnd(f, 4);

#define ENGINE_VA() (pct(f, 85) ? VA_A + rnd(f, SZ_1M) : r_va(f))
	memset(c, 0, sizeof(c));
	for (i = 0; i < n; i++) {
		c[i].op = ops[rnd(f, 5)];
		switch (c[i].op) {
		case SIMGPU_CMD_FILL:
			c[i].arg0 = ENGINE_VA() & ~3ull;
			c[i].arg1 = rnd(f, 64 * 1024) & ~3ull;
			c[i].arg2 = (uint32_t)cs_rng_next(&f->rng);
			break;
		case SIMGPU_CMD_COPY:
			c[i].arg0 = ENGINE_VA();
			c[i].arg2 = rnd(f, 16 * 1024);
			c[i].arg1 = c[i].arg0 + c[i].arg2 + rnd(f, 64 * 1024);
			if (pct(f, 50)) {	/* backwards */
				uint64_t t = c[i].arg0;

				c[i].arg0 = c[i].arg1;
				c[i].arg1 = t;
			}
			break;
		case SIMGPU_CMD_WRITE32:
			c[i].arg0 = ENGINE_VA() & ~3ull;
			c[i].arg1 = (uint32_t)cs_rng_next(&f->rng);
			break;
		case SIMGPU_CMD_IB:
			/* The process keeps an IB at VA_A (see fz_child()). */
			c[i].arg0 = pct(f, 70) ? VA_A : ENGINE_VA() & ~7ull;
			c[i].arg1 = 32 * (1 + rnd(f, 8));
			break;
		}
	}
	a.count = n;
	a.stride = sizeof(c[0]);
	a.cmds = (uintptr_t)c;
	if (pct(f, 30)) {
		struct drm_simgpu_cmd *x = &c[rnd(f, n)];

		switch (rnd(f, 12)) {
		case 0: a.count = (uint32_t)cs_rng_next(&f->rng) >> rnd(f, 32); break;
		case 1: a.stride = rnd(f, 80); break;
		case 2: a.cmds = r_ptr(f, sizeof(c)); break;
		case 3: a.flags = 1u << rnd(f, 32); break;
		case 4: x->op = rnd(f, 16); break;
		case 5: x->flags = 1u << rnd(f, 32); break;
		case 6: x->arg0 = r_va(f); break;
		case 7: x->arg1 = cs_rng_next(&f->rng) >> rnd(f, 64); break;
		case 8: x->arg2 = cs_rng_next(&f->rng) >> rnd(f, 64); break;
		case 9: x->arg0 |= 1 + rnd(f, 7); break;
		case 10: x->arg1 = x->arg0 + rnd(f, 64); break;
		default: x->arg1 = r_size(f); break;
		}
	}
#undef ENGINE_VA
	D("count %u stride %u op0 %u %#llx %#llx %#llx", a.count, a.stride,
	  c[0].op, (unsigned long long)c[0].arg0, (unsigned long long)c[0].arg1,
	  (unsigned long long)c[0].arg2);
	return fio(f->g, DRM_IOCTL_SIMGPU_SUBMIT, &a);
}

/* Touch a mapping: may raise SIGBUS (snoop holes, read-only, gone). */
static int fz_touch(struct fz *f)
{
	struct fz_map *m = &f->map[rnd(f, FZ_MAPS)];
	bool wr;
	uint64_t i;
	struct cs_guard g;

	if (!m->p)
		return 0;
	wr = (m->prot & PROT_WRITE) && pct(f, 40);
	i = rnd(f, m->len / 8);
	D("%s %s mapping %p+%#llx", wr ? "write" : "read",
	  m->snoop ? "snoop" : "buffer", (void *)m->p,
	  (unsigned long long)i * 8);
	CS_GUARD_BEGIN(g)
		if (wr)
			m->p[i] = m->p[i] + 1;
		else
			(void)m->p[i];
	CS_GUARD_END(g);
	if (!g.faulted)
		return 0;
	atomic_fetch_add(&fsh->signals, 1);
	/* SIGBUS: a snoop mapping of a hole, a read-only GPU mapping... */
	if (m->snoop && g.sig == SIGBUS)
		return 0;
	return g.sig == SIGBUS ? EFAULT : EPERM;
}

static int fz_op(struct fz *f, enum fop op)
{
	int sfd = r_sfd(f), ret;

	f->desc[0] = 0;
	switch (op) {
	case F_SG_INFO: {
		struct drm_simgpu_info a = { .pad = r_pad(f) };

		return fio(f->g, DRM_IOCTL_SIMGPU_INFO,
			   pct(f, 97) ? (void *)&a : (void *)(uintptr_t)r_ptr(f, 64));
	}
	case F_SG_BO_CREATE: {
		struct drm_simgpu_bo_create a = {
			.size = pct(f, 90) ? (1 + rnd(f, 64)) * PAGE : r_size(f),
			.placement = pct(f, 95) ? 1 + rnd(f, 2) : rnd(f, 8),
			.flags = r_flags(f, pct(f, 10) ? SIMGPU_BO_PINNED : 0),
			.pad = r_pad(f),
		};

		D("size %#llx placement %u flags %#x",
		  (unsigned long long)a.size, a.placement, a.flags);
		ret = fio(f->g, DRM_IOCTL_SIMGPU_BO_CREATE, &a);
		if (!ret)
			add_handle(f, a.handle);
		return ret;
	}
	case F_SG_BO_INFO: {
		struct drm_simgpu_bo_info a = { .handle = r_handle(f),
						.pad = r_pad(f) };

		return fio(f->g, DRM_IOCTL_SIMGPU_BO_INFO, &a);
	}
	case F_SG_VM_BIND: {
		struct drm_simgpu_vm_bind a = {
			.handle = r_handle(f), .va = r_va(f), .size = r_size(f),
			.offset = pct(f, 70) ? 0 : rnd(f, 64) * PAGE,
			.flags = (pct(f, 15) ? SIMGPU_BIND_READONLY : 0) |
				 (pct(f, 10) ? SIMGPU_BIND_SPARSE : 0) |
				 (pct(f, 10) ? SIMGPU_BIND_USERPTR : 0) |
				 (pct(f, 5) ? 1u << rnd(f, 32) : 0),
		};

		if (a.flags & (SIMGPU_BIND_SPARSE | SIMGPU_BIND_USERPTR) &&
		    pct(f, 80))
			a.handle = a.offset = 0;
		/*
		 * Userptr memory only inside f->uptr, or addresses where
		 * nothing is mapped: the GPU and snooper writes through a
		 * userptr mapping change the process's own memory, which must
		 * not be the fuzzer's bookkeeping.
		 */
		if (a.flags & SIMGPU_BIND_USERPTR) {
			uint64_t pg = rnd(f, 256);

			if (pct(f, 85)) {
				a.userptr = (uintptr_t)f->uptr + pg * PAGE;
				if (a.size > (256 - pg) * PAGE)
					a.size = (256 - pg) * PAGE;
			} else {
				a.userptr = pct(f, 50) ? bad_ptrs[rnd(f, NBAD_PTRS)] :
					    (uintptr_t)f->uptr + pg * PAGE + 8;
			}
		}
		D("handle %u va %#llx size %#llx offset %#llx flags %#x uptr %#llx",
		  a.handle, (unsigned long long)a.va,
		  (unsigned long long)a.size, (unsigned long long)a.offset,
		  a.flags, (unsigned long long)a.userptr);
		return fio(f->g, DRM_IOCTL_SIMGPU_VM_BIND, &a);
	}
	case F_SG_VM_UNBIND: {
		struct drm_simgpu_vm_unbind a = {
			.va = r_va(f), .size = r_size(f), .flags = r_pad(f),
			.pad = r_pad(f),
		};

		D("va %#llx size %#llx", (unsigned long long)a.va,
		  (unsigned long long)a.size);
		return fio(f->g, DRM_IOCTL_SIMGPU_VM_UNBIND, &a);
	}
	case F_SG_MIGRATE: {
		struct drm_simgpu_bo_migrate a = {
			.handle = r_handle(f),
			.placement = pct(f, 95) ? 1 + rnd(f, 2) : rnd(f, 8),
		};

		return fio(f->g, DRM_IOCTL_SIMGPU_BO_MIGRATE, &a);
	}
	case F_SG_SUBMIT:
		return fz_submit(f);
	case F_SG_FAULTS: {
		struct drm_simgpu_faults a = {
			.faults = pct(f, 80) ? (uintptr_t)f->out : r_ptr(f, 128),
			.count = rnd(f, 6), .stride = pct(f, 90) ? 32 : rnd(f, 64),
			.flags = r_flags(f, SIMGPU_FAULTS_CLEAR), .pad = r_pad(f),
		};

		return fio(f->g, DRM_IOCTL_SIMGPU_FAULTS, &a);
	}
	case F_GEM_CLOSE: {
		struct drm_gem_close a = { .handle = r_handle(f) };
		int i;

		ret = fio(f->g, DRM_IOCTL_GEM_CLOSE, &a);
		for (i = 0; !ret && i < f->nh; i++)
			if (f->h[i] == a.handle)
				f->h[i] = f->h[--f->nh];
		return ret;
	}
	case F_BO_MMAP: {
		struct drm_simgpu_bo_info a = { .handle = r_handle(f) };
		void *p;

		if (fio(f->g, DRM_IOCTL_SIMGPU_BO_INFO, &a))
			return 0;
		p = mmap(NULL, a.size, PROT_READ | PROT_WRITE, MAP_SHARED,
			 f->g, a.mmap_offset);
		if (p == MAP_FAILED)
			return errno;
		add_map(f, p, a.size, PROT_READ | PROT_WRITE, false);
		return 0;
	}
	case F_PRIME_IMPORT: {
		struct drm_mode_create_dumb d = { .width = 1024,
						  .height = 1 + rnd(f, 16),
						  .bpp = 32 };
		struct drm_prime_handle ph = { .flags = DRM_CLOEXEC };
		struct drm_prime_handle in = { 0 };

		if (f->vcard < 0 || fio(f->vcard, DRM_IOCTL_MODE_CREATE_DUMB, &d))
			return 0;
		ph.handle = d.handle;
		if (fio(f->vcard, DRM_IOCTL_PRIME_HANDLE_TO_FD, &ph))
			return 0;
		in.fd = ph.fd;
		ret = fio(f->g, DRM_IOCTL_PRIME_FD_TO_HANDLE, &in);
		close(ph.fd);
		if (!ret)
			add_handle(f, in.handle);
		return ret;
	}
	case F_SG_REOPEN: {
		int g = sg_open(0);

		if (g < 0)
			return -g;
		close(f->g);
		f->g = g;
		f->nh = 0;
		atomic_store(&fsh->drm_fd[f->idx], g);
		engine_setup(f);
		return 0;
	}
	case F_CS_OPEN: {
		int i = rnd(f, FZ_SNOOPS), fd = snoop_open_for(f->g);

		if (fd < 0)
			return -fd;
		if (f->sfd[i] >= 0)
			close(f->sfd[i]);
		f->sfd[i] = fd;
		return 0;
	}
	case F_CS_ATTACH: {
		struct cardsnoop_attach a = {
			.flags = r_flags(f, CARDSNOOP_ATTACH_READONLY |
					    CARDSNOOP_ATTACH_ZERO_HOLES |
					    (pct(f, 10) ? CARDSNOOP_ATTACH_KERNEL : 0)),
			.vm_id = pct(f, 95) ? 0 : cs_rng_next(&f->rng),
			.pad = r_pad(f),
		};
		unsigned int r = rnd(f, 100);
		int other = -1, sib = rnd(f, f->nprocs);

		if (r < 60) {
			a.drm_fd = f->g;
		} else if (r < 80 && sib != f->idx) {
			other = pidfd_get_fd(fsh->pid[sib],
					     atomic_load(&fsh->drm_fd[sib]));
			a.drm_fd = other >= 0 ? other : f->g;
		} else {
			static const int kinds[] = { -1, 999 };

			a.drm_fd = r < 88 ? f->pipe_r : r < 94 ? f->regular :
				   r < 97 ? f->vcard : kinds[r % 2];
		}
		if (a.flags & CARDSNOOP_ATTACH_KERNEL && pct(f, 70))
			a.drm_fd = -1;
		D("fd %d flags %#x vm %#llx pad %#x", a.drm_fd, a.flags,
		  (unsigned long long)a.vm_id, a.pad);
		ret = fio(sfd, CARDSNOOP_IOCTL_ATTACH, &a);
		if (other >= 0)
			close(other);
		return sfd < 0 ? 0 : ret;
	}
	case F_CS_INFO: {
		struct cardsnoop_info a;

		ret = fio(sfd, CARDSNOOP_IOCTL_INFO, &a);
		return sfd < 0 ? 0 : ret;
	}
	case F_CS_VMS: {
		struct cardsnoop_vms a = {
			.drm_fd = pct(f, 80) ? f->g : f->pipe_r,
			.count = rnd(f, 3),
			.vms_ptr = pct(f, 80) ? (uintptr_t)f->out : r_ptr(f, 64),
			.stride = pct(f, 90) ? 32 : rnd(f, 64), .pad = r_pad(f),
		};

		ret = fio(sfd, CARDSNOOP_IOCTL_VMS, &a);
		return sfd < 0 ? 0 : ret;
	}
	case F_CS_MAPPINGS: {
		struct cardsnoop_mappings a = {
			.start = r_va(f), .count = rnd(f, 9),
			.mappings_ptr = pct(f, 80) ? (uintptr_t)f->out :
						     r_ptr(f, 8 * 48),
			.stride = pct(f, 90) ? 48 : rnd(f, 64),
			.flags = r_pad(f), .pad = r_pad(f),
		};

		ret = fio(sfd, CARDSNOOP_IOCTL_MAPPINGS, &a);
		return sfd < 0 ? 0 : ret;
	}
	case F_CS_RESOLVE: {
		struct cardsnoop_resolve a = { .va = r_va(f),
					       .flags = r_pad(f),
					       .pad = r_pad(f) };

		ret = fio(sfd, CARDSNOOP_IOCTL_RESOLVE, &a);
		return sfd < 0 ? 0 : ret;
	}
	case F_CS_REFRESH: {
		struct cardsnoop_refresh a = {
			.va = r_va(f), .size = pct(f, 20) ? 0 : r_size(f),
			.flags = r_flags(f, CARDSNOOP_REFRESH_DISCARD),
			.pad = r_pad(f),
		};

		ret = fio(sfd, CARDSNOOP_IOCTL_REFRESH, &a);
		return sfd < 0 ? 0 : ret;
	}
	case F_CS_EVENTS: {
		struct cardsnoop_events a = {
			.events_ptr = pct(f, 85) ? (uintptr_t)f->out : r_ptr(f, 512),
			.count = rnd(f, 9), .stride = pct(f, 90) ? 64 : rnd(f, 128),
			.flags = r_flags(f, CARDSNOOP_EVENTS_WAIT),
			.pad = r_pad(f),
		};

		ret = fio(sfd, CARDSNOOP_IOCTL_EVENTS, &a);
		return sfd < 0 ? 0 : ret;
	}
	case F_CS_READ:
	case F_CS_WRITE: {
		bool wr = op == F_CS_WRITE;
		size_t len = pct(f, 90) ? rnd(f, 64 * 1024) : r_size(f);
		uint64_t ptr = r_ptr(f, len);
		off_t off = pct(f, 95) ? (off_t)(r_va(f) & (pct(f, 90) ?
						 SPACE - 1 : ~0ull)) :
			    (off_t)cs_rng_next(&f->rng);
		ssize_t n;

		if (sfd < 0)
			return 0;
		D("%s %#zx at %#llx from %#llx", wr ? "write" : "read", len,
		  (unsigned long long)off, (unsigned long long)ptr);
		if (pct(f, 80))
			n = wr ? pwrite(sfd, (void *)(uintptr_t)ptr, len, off) :
				 pread(sfd, (void *)(uintptr_t)ptr, len, off);
		else
			n = wr ? write(sfd, (void *)(uintptr_t)ptr, len) :
				 read(sfd, (void *)(uintptr_t)ptr, len);
		return n < 0 ? errno : 0;
	}
	case F_CS_SEEK: {
		static const int wh[] = { SEEK_SET, SEEK_CUR, SEEK_END,
					  SEEK_DATA, SEEK_HOLE, 5, -1 };
		int w = wh[pct(f, 95) ? rnd(f, 5) : 5 + rnd(f, 2)];
		off_t off = pct(f, 80) ? (off_t)r_va(f) :
			    -(off_t)rnd(f, 1ull << 50);

		if (sfd < 0)
			return 0;
		D("whence %d offset %#llx", w, (unsigned long long)off);
		return lseek(sfd, off, w) < 0 ? errno : 0;
	}
	case F_CS_MMAP: {
		size_t len = (1 + rnd(f, 16)) * PAGE;
		int prot = pct(f, 50) ? PROT_READ : PROT_READ | PROT_WRITE;
		int flags = pct(f, 95) ? MAP_SHARED : MAP_PRIVATE;
		off_t off = pct(f, 90) ? (off_t)(r_va(f) & (SPACE - 1) &
						 ~(PAGE - 1)) :
			    (off_t)r_va(f);
		void *p;

		if (sfd < 0)
			return 0;
		D("len %#zx prot %d flags %#x offset %#llx", len, prot, flags,
		  (unsigned long long)off);
		p = mmap(NULL, len, prot, flags, sfd, off);
		if (p == MAP_FAILED)
			return errno;
		add_map(f, p, len, prot, true);
		return 0;
	}
	case F_CS_TOUCH:
		return fz_touch(f);
	case F_CS_FSYNC:
		if (sfd < 0)
			return 0;
		return fsync(sfd) ? errno : 0;
	case F_CS_MSYNC: {
		struct fz_map *m = &f->map[rnd(f, FZ_MAPS)];

		if (!m->p || !m->snoop)
			return 0;
		return msync((void *)m->p, m->len, pct(f, 50) ? MS_SYNC :
							  MS_ASYNC) ? errno : 0;
	}
	case F_CS_POLL: {
		struct pollfd p = { .fd = sfd, .events = POLLIN | POLLPRI };

		if (sfd < 0)
			return 0;
		return poll(&p, 1, 0) < 0 ? errno : 0;
	}
	case F_CS_CLOSE: {
		int i = rnd(f, FZ_SNOOPS);

		if (f->sfd[i] >= 0)
			close(f->sfd[i]);
		f->sfd[i] = -1;
		return 0;
	}
	case F_CS_DUP: {
		int i = rnd(f, FZ_SNOOPS), fd;

		if (sfd < 0)
			return 0;
		fd = dup(sfd);
		if (fd < 0)
			return errno;
		if (f->sfd[i] >= 0)
			close(f->sfd[i]);
		f->sfd[i] = fd;
		return 0;
	}
	case NFOP:
		break;
	}
	return 0;
}

static bool allowed(enum fop op, int err)
{
	const int *e;

	if (!err)
		return true;
	for (e = fops[op].errs; *e; e++)
		if (*e == err)
			return true;
	return false;
}

static void noop_handler(int sig)
{
	(void)sig;
}

/*
 * Buffers bound over the first MiB of the arena, with an IB of WRITE32s
 * and NOPs at VA_A, for the engine to work on; done again every so often,
 * since the random binds and unbinds wear it away.
 */
static void engine_setup(struct fz *f)
{
	uint32_t i, first = 0;

	for (i = 0; i < 4; i++) {
		uint32_t h;

		if (!sg_bo_create(f->g, SZ_64K * 4, 1 + i % 2, 0, &h, NULL) &&
		    !sg_bind(f->g, h, VA_A + i * SZ_64K * 4, SZ_64K * 4, 0, 0)) {
			add_handle(f, h);
			if (!i)
				first = h;
		}
	}
	if (first) {
		struct drm_simgpu_cmd ib[8];
		void *m = sg_bo_map(f->g, first, SZ_64K * 4);

		for (i = 0; i < 8; i++)
			ib[i] = (struct drm_simgpu_cmd){
				.op = i % 2 ? SIMGPU_CMD_NOP : SIMGPU_CMD_WRITE32,
				.arg0 = i % 2 ? 0 : VA_A + 4096 + i * 4,
				.arg1 = i % 2 ? 0 : i };
		if (m) {
			memcpy(m, ib, sizeof(ib));
			munmap(m, SZ_64K * 4);
		}
	}
}

static int fz_child(int idx, int nprocs, uint64_t nops)
{
	struct sigaction sa = { .sa_handler = noop_handler };
	struct itimerval it = { .it_interval = { .tv_usec = 10000 },
				.it_value = { .tv_usec = 10000 } };
	unsigned int total_weight = 0, i;
	struct fz *f = calloc(1, sizeof(*f));
	int p[2];
	uint64_t n;

	f->idx = idx;
	f->nprocs = nprocs;
	cs_rng_seed(&f->rng, args.seed, 100 + idx);
	f->g = sg_open(0);
	if (f->g < 0)
		return 2;
	atomic_store(&fsh->drm_fd[idx], f->g);
	fsh->pid[idx] = getpid();
	f->vcard = E.vcard >= 0 ? dup(E.vcard) : -1;
	(void)!pipe(p);
	f->pipe_r = p[0];
	f->regular = open("/proc/self/status", O_RDONLY);
	for (i = 0; i < FZ_SNOOPS; i++)
		f->sfd[i] = -1;
	f->uptr = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	f->buf = mmap(NULL, 256 * 1024 + PAGE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(f->buf + 256 * 1024, PAGE);
	f->out = malloc(64 * 1024);
	engine_setup(f);

	cs_guard_install();
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);	/* no SA_RESTART: calls see EINTR */
	setitimer(ITIMER_REAL, &it, NULL);

	for (i = 0; i < NFOP; i++)
		total_weight += fops[i].weight;
	for (n = 0; n < nops; n++) {
		unsigned int w = rnd(f, total_weight);
		enum fop op = 0;
		int err;

		while (w >= fops[op].weight)
			w -= fops[op++].weight;
		if (n % 500 == 499)
			engine_setup(f);
		snprintf(fsh->op[idx], sizeof(fsh->op[idx]), "op %llu %s",
			 (unsigned long long)n, fops[op].name);
		err = fz_op(f, op);
		atomic_fetch_add(&fsh->count[op], 1);
		if (err) {
			atomic_fetch_add(&fsh->failed[op], 1);
			if (err > 0 && err < 134)
				atomic_fetch_add(&fsh->errs[op][err], 1);
		}
		if (!allowed(op, err)) {
			atomic_fetch_add(&fsh->violations, 1);
			if (atomic_fetch_add(&fsh->reports, 1) < 20)
				cs_diag("VIOLATION: process %d op %llu %s (%s): %s (%d) is not documented",
					idx, (unsigned long long)n,
					fops[op].name, f->desc, strerror(err),
					err);
		}
		atomic_fetch_add(&fsh->progress[idx], 1);
	}
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	return 0;
}

/*
 * @nprocs processes, @nops operations each; the parent watches progress:
 * a process that does not advance for 30 s is stuck in the kernel.
 */
static void run_fuzz(int nprocs, uint64_t nops)
{
	uint64_t last[FZ_PROCS_MAX] = { 0 }, since[FZ_PROCS_MAX] = { 0 };
	uint64_t t0 = cs_now_ns(), total = 0;
	pid_t pid[FZ_PROCS_MAX];
	int i, alive = nprocs, st, crashed = 0, hung = 0;
	unsigned int op;

	fsh = mmap(NULL, sizeof(*fsh), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (E.g < 0)
		env_setup();
	for (i = 0; i < nprocs; i++) {
		pid[i] = fork();
		if (!pid[i])
			_exit(fz_child(i, nprocs, nops));
		fsh->pid[i] = pid[i];
		since[i] = cs_now_ns();
	}
	while (alive) {
		usleep(200000);
		for (i = 0; i < nprocs; i++) {
			uint64_t p;

			if (!pid[i])
				continue;
			if (waitpid(pid[i], &st, WNOHANG) == pid[i]) {
				if (!WIFEXITED(st) || WEXITSTATUS(st)) {
					crashed++;
					cs_diag("fuzz process %d ended with status %#x in %s",
						i, st, fsh->op[i]);
				}
				pid[i] = 0;
				alive--;
				continue;
			}
			p = atomic_load(&fsh->progress[i]);
			if (p != last[i]) {
				last[i] = p;
				since[i] = cs_now_ns();
			} else if (cs_now_ns() - since[i] > 30000000000ull) {
				hung++;
				cs_diag("HANG: fuzz process %d made no progress for 30 s in %s",
					i, fsh->op[i]);
				kill(pid[i], SIGKILL);
				since[i] = cs_now_ns();
			}
		}
	}
	for (op = 0; op < NFOP; op++)
		total += fsh->count[op];
	cs_diag("fuzz: %d processes, %llu operations in %llu ms; %llu signals caught in mapping accesses",
		nprocs, (unsigned long long)total,
		(unsigned long long)(cs_now_ns() - t0) / 1000000,
		(unsigned long long)fsh->signals);
	for (op = 0; op < NFOP; op++) {
		char line[256];
		int len = 0, e;

		for (e = 1; e < 134 && len < 200; e++)
			if (fsh->errs[op][e])
				len += snprintf(line + len, sizeof(line) - len,
						" %s %u", strerrorname_np(e) ?: "?",
						fsh->errs[op][e]);
		line[len] = 0;
		cs_diag("  %-28s %7llu calls, %6llu failed:%s", fops[op].name,
			(unsigned long long)fsh->count[op],
			(unsigned long long)fsh->failed[op], line);
	}
	cs_tap(!crashed && !hung,
	       "badinput: fuzz: %d processes ran %llu random operations to the end (%d crashed, %d hung)",
	       nprocs, (unsigned long long)total, crashed, hung);
	cs_tap(!fsh->violations,
	       "badinput: fuzz: every error was one the docs allow for the call (%llu violations)",
	       (unsigned long long)fsh->violations);
	if (total < nops * nprocs)
		/* Which process fell short, by its own count and the total's. */
		for (i = 0; i < nprocs; i++)
			cs_diag("fuzz process %d: %llu of %llu operations, last: %s",
				i, (unsigned long long)atomic_load(&fsh->progress[i]),
				(unsigned long long)nops, fsh->op[i]);
	cs_tap(total >= nops * nprocs && total >= cs_scaled(&args, 50000, 5000),
	       "badinput: fuzz: all %llu operations counted, and at least %llu (%llu)",
	       (unsigned long long)(nops * nprocs),
	       (unsigned long long)cs_scaled(&args, 50000, 5000),
	       (unsigned long long)total);
}

int main(int argc, char **argv)
{
	bool rows = true, fuzz = true;
	uint64_t nops = 0;
	int i, nprocs = 4;

	cs_args_parse(&args, argc, argv);
	for (i = 0; i < args.nrest; i++) {
		if (!strcmp(args.rest[i], "rows"))
			fuzz = false;
		if (!strcmp(args.rest[i], "fuzz"))
			rows = false;
		if (!strcmp(args.rest[i], "--ops") && i + 1 < args.nrest)
			nops = strtoull(args.rest[++i], NULL, 0);
		if (!strcmp(args.rest[i], "--procs") && i + 1 < args.nrest)
			nprocs = atoi(args.rest[++i]);
	}
	if (nprocs < 1 || nprocs > FZ_PROCS_MAX)
		nprocs = 4;
	if (!nops)
		nops = cs_scaled(&args, 120000, 12000) / nprocs;
	E.g = -1;
	cs_guard_install();
	cs_diag("fuzz_ioctl: seed %#llx (rerun: fuzz_ioctl --seed %#llx --scale %u)",
		(unsigned long long)args.seed, (unsigned long long)args.seed,
		args.scale);
	if (rows)
		run_rows();
	if (fuzz)
		run_fuzz(nprocs, nops);
	return cs_tap_done();
}
