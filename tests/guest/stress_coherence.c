// SPDX-License-Identifier: MIT
/*
 * Coherence under churn: design invariants 1-3 (no stale view, no
 * cross-tenant leak, no use-after-free), tested from userspace.
 *
 * Read phase.  Two target processes (two DRM files, two VMs of one GPU)
 * each run threads that bind, bind over, unbind (whole and split), migrate,
 * restamp, free and recreate buffers, bind sparse memory (reads as zeros),
 * replace the CPU memory behind a userptr mapping (mremap) or make it
 * inaccessible, and put VRAM under pressure so that TTM evicts; the two
 * clients' VRAM is freed and reused by each other.
 * Every 8-byte word of a buffer holds a stamp that encodes (client, buffer,
 * generation, word index) and a hash of them, so a word of another client,
 * of a freed or restamped buffer, of the wrong offset, a torn mix of two
 * stamps or zeros never passes for a valid one.  A buffer's words change
 * (a new generation) only while it is mapped nowhere.
 *
 * Each target records, per VA page and before it asks for a change, the
 * history of what backs the page: (buffer, generation, buffer page) with
 * the interval of a global clock (an atomic counter in shared memory)
 * during which it may have been visible: from just before the bind ioctl
 * to just after the ioctl that ended it returned.  Snooper processes,
 * attached through pidfd_getfd(), read random ranges with pread(2), through
 * a long-lived mmap(2) of the whole arena and through fresh small mmaps,
 * taking the clock before and after; every word read must be the stamp of
 * an epoch of its page that overlaps the read's interval, and a short read,
 * -EIO or SIGBUS may happen only at a page that may have been a hole at
 * some moment of it (a bind over a mapping never shows a hole).  One
 * snooper thread also walks the mappings and resolves VRAM offsets (root),
 * to witness VRAM pages passing from one client to the other.
 *
 * Write phase.  One target binds, unbinds and migrates VRAM and system
 * buffers (some mappings GPU read-only) while snooper threads write marked
 * words through pwrite(2) and through a writable mmap (VRAM snapshots,
 * written back by a thread that calls fsync(2)).  At the end every word of
 * every buffer is its stamp or a mark whose write could land there: the
 * buffer was mapped, writable, at that VA and offset during the write
 * (pwrite, live system pages), or from the store until a writeback began
 * (VRAM snapshot pages: an invalidation in between discards the write).
 * Snapshot writes that were certainly discarded must show in fdinfo's
 * cardsnoop-discarded-bytes.  The write phase runs again over 2 MiB
 * with a 1 MiB snapshot cache, so that faults also write dirty snapshots
 * back (reclaim); there a snapshot write may land at any later fault, and
 * only "the buffer was mapped there when it was stored" is checked.
 *
 * Usage: stress_coherence [--seed N] [--scale N | CS_STRESS_SCALE=N]
 *		[--reads N] [--time S] [--phase read|write|all]
 * Prints TAP and its figures; reproducible (the operation sequence of each
 * thread) from the printed seed.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cs_guest.h"
#include "cs_stress.h"

#define PAGE		4096ull
#define NCLIENT		2
#define NSLOT		32
#define SLOT_PAGES	16
#define NPAGES		(NSLOT * SLOT_PAGES)
#define HIST		512
#define ARENA		0x100000000ull
#define ARENA_SIZE	(NPAGES * PAGE)
#define INF		UINT64_MAX
#define NBUF		6
#define VRAM_PAGES_MAX	(1u << 16)
#define WMAX		(1u << 16)
#define SMAX		(1u << 16)
/* Slots of the write phase: 8 (512 KiB), or all 32 with reclaim (2 MiB). */
static int wslots = 8;
/* The write phase's snapshot cache is smaller than the arena. */
static bool wreclaim;
#define MAX_REPORTS	12

/* Epoch flags. */
#define EP_VOID		(1u << 0)	/* the ioctl failed: never visible */
#define EP_RO		(1u << 1)	/* GPU read-only mapping */
#define EP_VRAM		(1u << 2)	/* buffer in VRAM (as the target knows) */
#define EP_ZERO		(1u << 3)	/* sparse: reads as zeros */

/* What a target thread's page shows now (tthread.cur_buf), besides buffers. */
#define CUR_NONE	-1		/* unmapped */
#define CUR_SPARSE	-2		/* a sparse mapping */
#define CUR_UPTR	-3		/* userptr memory, present */

/*
 * What backed a VA page for a while.  The clock times bound it: it may
 * have been visible from @b0 (before the bind ioctl) until @e1 (after the
 * ioctl that ended it returned), and the page was certainly mapped (by it,
 * or by what replaced it without a gap) from @b1 (after the bind returned)
 * until @u0 (before the unbind ioctl began).  INF: not yet.
 */
struct epoch {
	uint32_t buf;
	uint32_t gen;
	uint32_t bo_page;
	uint32_t flags;
	uint64_t b0, b1, u0, e1;
};

/* One VA page's history; one writer (the target thread owning the page). */
struct page_hist {
	_Atomic uint32_t seq;
	uint32_t n;
	struct epoch e[HIST];
};

struct client_sh {
	_Atomic int ready;
	_Atomic int attached;
	_Atomic uint32_t next_buf;
	pid_t pid;
	int drm_fd;
	struct page_hist pages[NPAGES];
};

enum stat {
	ST_TGT_OPS, ST_BIND, ST_BIND_RO, ST_BIND_SPARSE, ST_UREMAP, ST_UPROT,
	ST_UPTR_SIGBUS, ST_UPTR_WORDS, ST_ZERO_WORDS, ST_UNBIND, ST_SPLIT, ST_MIGRATE,
	ST_MIGRATE_NOSPC, ST_RESTAMP, ST_RECREATE, ST_PRESSURE,
	ST_PRESSURE_NOSPC, ST_TGT_ERR,
	ST_R_PREAD, ST_R_MMAP, ST_R_FRESH, ST_R_CHECKED, ST_WORDS,
	ST_HOLE_OK, ST_INCONCL, ST_VIOL, ST_VIOL_HOLE, ST_RD_ERR, ST_FOREIGN,
	ST_RESOLVES, ST_REUSE,
	ST_INVAL, ST_RETRIES, ST_FAULTS, ST_SNAPFAULTS,
	ST_W_PWRITE, ST_W_MMAP, ST_W_SYNC, ST_W_ERR, ST_W_LANDED,
	ST_W_CONTENT, ST_W_VIOL, ST_W_DEFINITE, ST_W_DISCARDED,
	ST_W_WRITEBACK, ST_W_RECLAIMED, ST_W_RECLAIM_WB,
	NSTAT
};

enum wkind { WK_PWRITE = 1, WK_MMAP = 2 };

struct wrec {
	uint64_t va;
	uint64_t t0, t1;
	uint32_t words;		/* asked */
	uint32_t done;		/* bytes written / words stored */
	uint32_t kind;
	int32_t err;
};

struct srec {
	uint64_t ts0, ts1;
};

struct shared {
	_Atomic uint64_t clock;
	_Atomic int stop;
	_Atomic int verify;
	_Atomic uint64_t stat[NSTAT];
	_Atomic uint32_t reports;
	uint32_t salt;
	uint64_t vram_size;
	struct client_sh c[NCLIENT];
	_Atomic uint32_t vram_owner[VRAM_PAGES_MAX];
	_Atomic uint32_t nw;
	struct wrec w[WMAX];
	_Atomic uint32_t ns;
	struct srec s[SMAX];
};

static struct shared *sh;
static struct cs_args args;

static uint64_t tick(void)
{
	return atomic_fetch_add(&sh->clock, 1) + 1;
}

static void stat_add(enum stat s, uint64_t v)
{
	atomic_fetch_add_explicit(&sh->stat[s], v, memory_order_relaxed);
}

static uint64_t stat_get(enum stat s)
{
	return atomic_load(&sh->stat[s]);
}

/* Rate-limited reports on stderr (into the TAP log as comments). */
static bool report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static bool report(const char *fmt, ...)
{
	va_list ap;
	char line[1024];

	if (atomic_fetch_add(&sh->reports, 1) >= MAX_REPORTS)
		return false;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	printf("# VIOLATION: %s\n", line);
	fflush(stdout);
	return true;
}

/* ------------------------------------------------------------ stamps */

static uint32_t stamp_tag(int client, uint32_t buf, uint32_t gen)
{
	return (uint32_t)client << 28 | (buf & 0xfffff) << 8 | (gen & 0xff);
}

static uint64_t stamp(int client, uint32_t buf, uint32_t gen, uint64_t idx)
{
	uint32_t tag = stamp_tag(client, buf, gen);

	return (uint64_t)tag << 32 |
	       cs_mix32(tag * 0x9e3779b1u ^ sh->salt ^ cs_mix32((uint32_t)idx));
}

/* A snooper's write: 0xF in the top nibble, the record id, the word. */
static uint64_t wstamp(uint32_t id, uint32_t k)
{
	return (uint64_t)(0xf0000000u | (id & 0xffffff)) << 32 |
	       (k & 0xff) << 24 |
	       (cs_mix32(id ^ sh->salt ^ (k * 0x01000193u)) & 0xffffff);
}

static bool wstamp_decode(uint64_t v, uint32_t *id, uint32_t *k)
{
	uint32_t hi = v >> 32;

	if ((hi & 0xf0000000u) != 0xf0000000u)
		return false;
	*id = hi & 0xffffff;
	*k = (v >> 24) & 0xff;
	return wstamp(*id, *k) == v;
}

/* ----------------------------------------------------------- history */

static uint32_t hist_append(struct page_hist *ph, const struct epoch *e)
{
	uint32_t s = atomic_load_explicit(&ph->seq, memory_order_relaxed);
	uint32_t idx = ph->n;

	atomic_store_explicit(&ph->seq, s + 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
	ph->e[idx % HIST] = *e;
	ph->n = idx + 1;
	atomic_store_explicit(&ph->seq, s + 2, memory_order_release);
	return idx;
}

/* Set the times (those not INF... see below) and flags of epoch @idx. */
static void hist_set(struct page_hist *ph, uint32_t idx, uint64_t b1,
		     uint64_t u0, uint64_t e1, uint32_t flags)
{
	uint32_t s = atomic_load_explicit(&ph->seq, memory_order_relaxed);
	struct epoch *e = &ph->e[idx % HIST];

	if (idx + HIST < ph->n)
		return;
	atomic_store_explicit(&ph->seq, s + 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
	if (b1)
		e->b1 = b1;
	if (u0)
		e->u0 = u0;
	if (e1)
		e->e1 = e1;
	e->flags |= flags;
	atomic_store_explicit(&ph->seq, s + 2, memory_order_release);
}

/* The bind of epoch @idx returned at @t: certainly mapped from then. */
static void hist_bound(struct page_hist *ph, uint32_t idx, uint64_t t)
{
	hist_set(ph, idx, t, 0, 0, 0);
}

/* Epoch @idx ended by @t (replaced without a gap, or unbound). */
static void hist_end(struct page_hist *ph, uint32_t idx, uint64_t t,
		     uint32_t flags)
{
	hist_set(ph, idx, 0, t, t, flags);
}

/* A consistent copy: epochs in append order (increasing b0). */
struct hist_snap {
	uint32_t n;		/* epochs copied */
	bool lost;		/* some that may matter were overwritten */
	struct epoch e[HIST];
};

/*
 * Copy the epochs of @ph that may matter to a read that began at @r0: the
 * newest ones, back to the first that ended before @r0 (0: all of them).
 * Successful epochs of a page end in the order they began (each ends
 * before, or as, the next successful one is made), so nothing older can
 * matter.
 */
static void hist_read(struct page_hist *ph, struct hist_snap *out, uint64_t r0)
{
	uint32_t s1, s2, n, first, i, k;
	bool done;

	for (;;) {
		s1 = atomic_load_explicit(&ph->seq, memory_order_acquire);
		if (s1 & 1) {
			sched_yield();
			continue;
		}
		n = ph->n;
		first = n > HIST ? n - HIST : 0;
		done = false;
		k = 0;
		for (i = n; i > first && !done; i--) {
			const struct epoch *e = &ph->e[(i - 1) % HIST];

			out->e[HIST - 1 - k++] = *e;
			done = r0 && !(e->flags & EP_VOID) && e->e1 < r0;
		}
		atomic_thread_fence(memory_order_acquire);
		s2 = atomic_load_explicit(&ph->seq, memory_order_relaxed);
		if (s1 == s2)
			break;
	}
	memmove(out->e, out->e + HIST - k, k * sizeof(out->e[0]));
	out->n = k;
	out->lost = !done && first > 0;
}

static bool overlaps(const struct epoch *e, uint64_t r0, uint64_t r1)
{
	return !(e->flags & EP_VOID) && e->b0 <= r1 && e->e1 >= r0;
}

/*
 * May the page have been unmapped at some moment of [r0, r1]?  Yes unless
 * epochs cover the whole interval without a gap.  With lost history we
 * cannot tell: yes.
 */
static bool hole_possible(const struct hist_snap *h, uint64_t r0, uint64_t r1)
{
	uint64_t cur = r0;
	uint32_t i;

	if (h->lost)
		return true;
	for (i = 0; i < h->n; i++) {
		const struct epoch *e = &h->e[i];

		/* Only the interval where it was certainly mapped counts. */
		if ((e->flags & EP_VOID) || e->b1 == INF || e->u0 < cur)
			continue;
		if (e->b1 > cur)
			return true;
		if (e->u0 >= r1)
			return false;
		cur = e->u0;
	}
	return cur < r1;
}

static uint64_t page_of(uint64_t va)
{
	return (va - ARENA) / PAGE;
}

static long long t_or_inf(uint64_t t)
{
	return t == INF ? -1ll : (long long)t;
}

/*
 * The epochs of @h around [r0, r1], for a report: buffer, generation,
 * buffer page, and b0/b1/u0/e1 (-1: not yet; see struct epoch).
 */
static void epochs_near(const struct hist_snap *h, uint64_t r0, uint64_t r1,
			char *out, size_t size)
{
	size_t len = 0;
	uint32_t j;

	out[0] = 0;
	for (j = 0; j < h->n && len < size - 80; j++) {
		const struct epoch *e = &h->e[j];

		if (!overlaps(e, r0 > 64 ? r0 - 64 : 0, r1 + 64))
			continue;
		len += snprintf(out + len, size - len,
				" (buf %u gen %u pg %u%s b0 %lld b1 %lld u0 %lld e1 %lld)",
				e->buf, e->gen, e->bo_page,
				e->flags & EP_ZERO ? " sparse" : "",
				t_or_inf(e->b0), t_or_inf(e->b1),
				t_or_inf(e->u0), t_or_inf(e->e1));
	}
	if (h->lost && len < size - 16)
		snprintf(out + len, size - len, " (older lost)");
}

/* Read phase: each target thread's last slot is its userptr area. */
static bool is_uptr_page(uint64_t pg)
{
	return (pg / SLOT_PAGES) % (NSLOT / 2) == NSLOT / 2 - 1;
}

/*
 * Check @nw words read at @va during [r0, r1] against the history of
 * @client.  Return the number of violations; counts words, inconclusive.
 */
static int check_words(int client, const char *how, uint64_t va,
		       const uint64_t *w, size_t nw, uint64_t r0, uint64_t r1)
{
	struct client_sh *cs = &sh->c[client];
	struct hist_snap *h = NULL;
	uint64_t cur_page = UINT64_MAX, uptr = 0, zero = 0;
	int viol = 0;
	size_t i;

	h = malloc(sizeof(*h));
	for (i = 0; i < nw; i++) {
		uint64_t a = va + i * 8, pg = page_of(a), q = a & (PAGE - 1);
		bool ok = false;
		uint32_t j;

		if (pg != cur_page) {
			hist_read(&cs->pages[pg], h, r0);
			cur_page = pg;
		}
		for (j = 0; j < h->n && !ok; j++) {
			const struct epoch *e = &h->e[j];

			if (overlaps(e, r0, r1) &&
			    w[i] == (e->flags & EP_ZERO ? 0 :
				     stamp(client, e->buf, e->gen,
					   (e->bo_page * PAGE + q) / 8)))
				ok = true;
		}
		if (ok) {
			if (!w[i])
				zero++;
			else if (is_uptr_page(pg))
				uptr++;
			continue;
		}
		if (h->lost) {
			stat_add(ST_INCONCL, 1);
			continue;
		}
		viol++;
		if ((w[i] >> 60) != (uint64_t)client && (w[i] >> 60) < NCLIENT)
			stat_add(ST_FOREIGN, 1);
		{
			uint32_t tag = w[i] >> 32;
			char cands[512];

			epochs_near(h, r0, r1, cands, sizeof(cands));
			report("client %d %s va %#llx word %#018llx (client %u buf %u gen %u) read %llu..%llu; epochs:%s",
			       client, how, (unsigned long long)a,
			       (unsigned long long)w[i], tag >> 28,
			       (tag >> 8) & 0xfffff, tag & 0xff,
			       (unsigned long long)r0, (unsigned long long)r1,
			       cands);
		}
	}
	stat_add(ST_WORDS, nw);
	stat_add(ST_UPTR_WORDS, uptr);
	stat_add(ST_ZERO_WORDS, zero);
	if (viol)
		stat_add(ST_VIOL, viol);
	free(h);
	return viol;
}

/* A read stopped at @va (short count, -EIO, SIGBUS): was there a hole? */
static void check_stop(int client, const char *how, uint64_t va, uint64_t r0,
		       uint64_t r1)
{
	struct hist_snap *h = malloc(sizeof(*h));

	hist_read(&sh->c[client].pages[page_of(va)], h, r0);
	if (hole_possible(h, r0, r1)) {
		stat_add(ST_HOLE_OK, 1);
	} else {
		char cands[512];

		epochs_near(h, r0, r1, cands, sizeof(cands));
		stat_add(ST_VIOL_HOLE, 1);
		report("client %d %s stopped at va %#llx during %llu..%llu, where no hole was possible; epochs:%s",
		       client, how, (unsigned long long)va,
		       (unsigned long long)r0, (unsigned long long)r1, cands);
	}
	free(h);
}

/* ------------------------------------------------------------ target */

struct tbuf {
	uint32_t handle;
	uint32_t pages;
	uint32_t id;
	uint32_t gen;
	uint32_t placement;
	int mapped;		/* VA pages that map it now */
	uint64_t *cpu;
};

struct tthread {
	int client, idx, fd;
	bool wphase;
	int slot0, nslots;
	struct tbuf b[NBUF];
	int nbuf;
	int cur_buf[NPAGES];		/* a buffer index, or CUR_* */
	uint32_t cur_idx[NPAGES];
	int uslot;			/* slot of the userptr area, or -1 */
	uint8_t *uarea;			/* its CPU address */
	struct cs_rng rng;
	pthread_t th;
	int failed;
};

static struct client_sh *tcs(struct tthread *t)
{
	return &sh->c[t->client];
}

static void buf_stamp(struct tthread *t, struct tbuf *b)
{
	uint64_t i, n = b->pages * PAGE / 8;

	for (i = 0; i < n; i++)
		b->cpu[i] = stamp(t->client, b->id, b->gen, i);
	__builtin_ia32_sfence();
}

static int buf_new(struct tthread *t, struct tbuf *b, uint32_t pages,
		   uint32_t placement)
{
	int ret;

	memset(b, 0, sizeof(*b));
	b->pages = pages;
	ret = sg_bo_create(t->fd, pages * PAGE, placement, 0, &b->handle, NULL);
	if (ret == -ENOSPC && placement == SIMGPU_PLACEMENT_VRAM) {
		placement = SIMGPU_PLACEMENT_SYSTEM;
		ret = sg_bo_create(t->fd, pages * PAGE, placement, 0,
				   &b->handle, NULL);
	}
	if (ret)
		return ret;
	b->placement = placement;
	b->cpu = sg_bo_map(t->fd, b->handle, pages * PAGE);
	if (!b->cpu)
		return -ENOMEM;
	b->id = atomic_fetch_add(&tcs(t)->next_buf, 1) + 1;
	b->gen = 1;
	buf_stamp(t, b);
	return 0;
}

static void buf_free(struct tthread *t, struct tbuf *b)
{
	munmap(b->cpu, b->pages * PAGE);
	sg_close_handle(t->fd, b->handle);
	b->cpu = NULL;
}

static uint64_t page_va(int pg)
{
	return ARENA + pg * PAGE;
}

static void tgt_err(struct tthread *t, const char *what, int ret)
{
	stat_add(ST_TGT_ERR, 1);
	report("target %d.%d: %s: %s", t->client, t->idx, what, strerror(-ret));
	t->failed = 1;
}

/* Bind buffer @bi (or, with @bi < 0, sparse memory) at @np pages. */
static int op_bind(struct tthread *t, int pg0, int np, int bi, uint32_t bo_pg,
		   bool ro)
{
	struct tbuf *b = bi >= 0 ? &t->b[bi] : NULL;
	uint32_t newidx[SLOT_PAGES];
	struct epoch e = {
		.buf = b ? b->id : 0, .gen = b ? b->gen : 0,
		.flags = (ro ? EP_RO : 0) | (b ? 0 : EP_ZERO) |
			 (b && b->placement == SIMGPU_PLACEMENT_VRAM ?
			  EP_VRAM : 0),
		.b1 = INF, .u0 = INF, .e1 = INF,
	};
	uint64_t t1;
	int i, ret;

	e.b0 = tick();
	for (i = 0; i < np; i++) {
		e.bo_page = b ? bo_pg + i : 0;
		newidx[i] = hist_append(&tcs(t)->pages[pg0 + i], &e);
	}
	if (b)
		ret = sg_bind(t->fd, b->handle, page_va(pg0), np * PAGE,
			      bo_pg * PAGE, ro ? SIMGPU_BIND_READONLY : 0);
	else
		ret = sg_bind(t->fd, 0, page_va(pg0), np * PAGE, 0,
			      SIMGPU_BIND_SPARSE |
			      (ro ? SIMGPU_BIND_READONLY : 0));
	t1 = tick();
	for (i = 0; i < np; i++) {
		int pg = pg0 + i;

		if (ret) {
			hist_end(&tcs(t)->pages[pg], newidx[i], t1, EP_VOID);
			continue;
		}
		/* Bound over: the old one is replaced without a hole. */
		hist_bound(&tcs(t)->pages[pg], newidx[i], t1);
		if (t->cur_buf[pg] != CUR_NONE)
			hist_end(&tcs(t)->pages[pg], t->cur_idx[pg], t1, 0);
		if (t->cur_buf[pg] >= 0)
			t->b[t->cur_buf[pg]].mapped--;
		t->cur_buf[pg] = b ? bi : CUR_SPARSE;
		t->cur_idx[pg] = newidx[i];
		if (b)
			b->mapped++;
	}
	if (ret)
		tgt_err(t, "bind", ret);
	else
		stat_add(!b ? ST_BIND_SPARSE : ro ? ST_BIND_RO : ST_BIND, 1);
	return ret;
}

static void op_unbind(struct tthread *t, int pg0, int np)
{
	bool split = (pg0 > 0 && t->cur_buf[pg0 - 1] != CUR_NONE) ||
		     (pg0 + np < NPAGES && t->cur_buf[pg0 + np] != CUR_NONE);
	uint64_t t0, t1;
	int i, ret;

	/* From now on the pages may be holes. */
	t0 = tick();
	for (i = 0; i < np; i++)
		if (t->cur_buf[pg0 + i] != CUR_NONE)
			hist_set(&tcs(t)->pages[pg0 + i], t->cur_idx[pg0 + i],
				 0, t0, 0, 0);
	ret = sg_unbind(t->fd, page_va(pg0), np * PAGE);
	t1 = tick();
	if (ret) {
		tgt_err(t, "unbind", ret);
		return;
	}
	for (i = 0; i < np; i++) {
		int pg = pg0 + i;

		if (t->cur_buf[pg] == CUR_NONE)
			continue;
		hist_set(&tcs(t)->pages[pg], t->cur_idx[pg], 0, 0, t1, 0);
		if (t->cur_buf[pg] >= 0)
			t->b[t->cur_buf[pg]].mapped--;
		t->cur_buf[pg] = CUR_NONE;
	}
	stat_add(split ? ST_SPLIT : ST_UNBIND, 1);
}

/*
 * Migration keeps what every VA shows; the history still starts a new
 * epoch for each page of the buffer, for the write phase's placement.
 */
static void op_migrate(struct tthread *t, int bi)
{
	struct tbuf *b = &t->b[bi];
	uint32_t to = b->placement == SIMGPU_PLACEMENT_VRAM ?
		      SIMGPU_PLACEMENT_SYSTEM : SIMGPU_PLACEMENT_VRAM;
	uint32_t newidx[NPAGES];
	int pg, ret;
	uint64_t t0, t1;
	struct epoch e;

	t0 = tick();
	for (pg = t->slot0 * SLOT_PAGES;
	     pg < (t->slot0 + t->nslots) * SLOT_PAGES; pg++) {
		struct page_hist *ph = &tcs(t)->pages[pg];

		if (t->cur_buf[pg] != bi)
			continue;
		e = ph->e[t->cur_idx[pg] % HIST];
		e.flags = (e.flags & EP_RO) |
			  (to == SIMGPU_PLACEMENT_VRAM ? EP_VRAM : 0);
		/* Same bytes at the same VA: certainly mapped throughout. */
		e.b0 = e.b1 = t0;
		e.u0 = e.e1 = INF;
		newidx[pg] = hist_append(ph, &e);
	}
	ret = sg_migrate(t->fd, b->handle, to);
	t1 = tick();
	for (pg = t->slot0 * SLOT_PAGES;
	     pg < (t->slot0 + t->nslots) * SLOT_PAGES; pg++) {
		struct page_hist *ph = &tcs(t)->pages[pg];

		if (t->cur_buf[pg] != bi)
			continue;
		if (ret) {
			hist_end(ph, newidx[pg], t1, EP_VOID);
		} else {
			hist_end(ph, t->cur_idx[pg], t1, 0);
			t->cur_idx[pg] = newidx[pg];
		}
	}
	if (!ret) {
		b->placement = to;
		stat_add(ST_MIGRATE, 1);
	} else if (ret == -ENOSPC) {
		stat_add(ST_MIGRATE_NOSPC, 1);
	} else {
		tgt_err(t, "migrate", ret);
	}
}

/*
 * Userptr: the thread's userptr area (its last slot) shows the CPU memory
 * at t->uarea.  A new generation of it is made elsewhere and moved there
 * with mremap(MREMAP_FIXED), which replaces the old pages atomically (for
 * anyone who goes through the page tables under mmap_lock, as cardsnoop
 * does); or the area becomes PROT_NONE, which reads fail on (-EIO), while
 * its address stays reserved (so that nothing else is mapped there).
 */
static void op_uremap(struct tthread *t)
{
	int pg0 = t->uslot * SLOT_PAGES, i;
	uint32_t newidx[SLOT_PAGES], id;
	struct epoch e = { .gen = 1, .b1 = INF, .u0 = INF, .e1 = INF };
	uint64_t *p, t1;

	id = atomic_fetch_add(&tcs(t)->next_buf, 1) + 1;
	p = mmap(NULL, SLOT_PAGES * PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		tgt_err(t, "mmap", -errno);
		return;
	}
	for (i = 0; i < (int)(SLOT_PAGES * PAGE / 8); i++)
		p[i] = stamp(t->client, id, 1, i);
	e.buf = id;
	e.b0 = tick();
	for (i = 0; i < SLOT_PAGES; i++) {
		e.bo_page = i;
		newidx[i] = hist_append(&tcs(t)->pages[pg0 + i], &e);
	}
	if (mremap(p, SLOT_PAGES * PAGE, SLOT_PAGES * PAGE,
		   MREMAP_MAYMOVE | MREMAP_FIXED, t->uarea) == MAP_FAILED) {
		tgt_err(t, "mremap", -errno);
		return;
	}
	t1 = tick();
	for (i = 0; i < SLOT_PAGES; i++) {
		struct page_hist *ph = &tcs(t)->pages[pg0 + i];

		hist_bound(ph, newidx[i], t1);
		if (t->cur_buf[pg0 + i] != CUR_NONE)
			hist_end(ph, t->cur_idx[pg0 + i], t1, 0);
		t->cur_buf[pg0 + i] = CUR_UPTR;
		t->cur_idx[pg0 + i] = newidx[i];
	}
	stat_add(ST_UREMAP, 1);
}

static void op_uprot(struct tthread *t)
{
	int pg0 = t->uslot * SLOT_PAGES, i;
	uint64_t t0, t1;

	if (t->cur_buf[pg0] == CUR_NONE)
		return;
	t0 = tick();
	for (i = 0; i < SLOT_PAGES; i++)
		hist_set(&tcs(t)->pages[pg0 + i], t->cur_idx[pg0 + i], 0, t0,
			 0, 0);
	if (mmap(t->uarea, SLOT_PAGES * PAGE, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED) {
		tgt_err(t, "mmap PROT_NONE", -errno);
		return;
	}
	t1 = tick();
	for (i = 0; i < SLOT_PAGES; i++) {
		hist_set(&tcs(t)->pages[pg0 + i], t->cur_idx[pg0 + i], 0, 0,
			 t1, 0);
		t->cur_buf[pg0 + i] = CUR_NONE;
	}
	stat_add(ST_UPROT, 1);
}

static int unmapped_buf(struct tthread *t)
{
	int i, bi = cs_rng_below(&t->rng, t->nbuf);

	for (i = 0; i < t->nbuf; i++, bi = (bi + 1) % t->nbuf)
		if (!t->b[bi].mapped)
			return bi;
	return -1;
}

static uint32_t rand_pages(struct tthread *t)
{
	static const uint32_t sizes[] = { 4, 8, 16, 16, 32 };

	return sizes[cs_rng_below(&t->rng, 5)];
}

static uint32_t rand_placement(struct tthread *t)
{
	return cs_rng_pct(&t->rng, 60) ? SIMGPU_PLACEMENT_VRAM :
					 SIMGPU_PLACEMENT_SYSTEM;
}

static void target_step(struct tthread *t)
{
	unsigned int r = cs_rng_below(&t->rng, 100);
	/*
	 * With reclaim, only the first 8 slots change and nothing migrates:
	 * the other slots keep their snapshots, and the cache fills up.
	 */
	int slot = t->slot0 + cs_rng_below(&t->rng, t->wphase && wreclaim ? 8 :
					    t->nslots - (t->uslot >= 0));
	int p0, np, bi;

	/* Userptr changes: 5 in 100 operations. */
	if (t->uslot >= 0 && cs_rng_pct(&t->rng, 5)) {
		if (cs_rng_pct(&t->rng, 75))
			op_uremap(t);
		else
			op_uprot(t);
		stat_add(ST_TGT_OPS, 1);
		return;
	}

	if (t->wphase) {
		/* bind 40, unbind 30, migrate 30; with reclaim, no migrate */
		r = r < 40 ? 0 : r < 70 || wreclaim ? 45 : 65;
	}
	p0 = cs_rng_pct(&t->rng, 40) ? 0 : cs_rng_below(&t->rng, SLOT_PAGES);
	np = p0 == 0 && cs_rng_pct(&t->rng, 50) ? SLOT_PAGES :
	     1 + cs_rng_below(&t->rng, SLOT_PAGES - p0);

	if (r < 40) {
		uint32_t bo_pg;

		bi = cs_rng_below(&t->rng, t->nbuf);
		if ((uint32_t)np > t->b[bi].pages)
			np = t->b[bi].pages;
		bo_pg = cs_rng_below(&t->rng, t->b[bi].pages - np + 1);
		if (!t->wphase && cs_rng_pct(&t->rng, 10))
			bi = -1;	/* sparse */
		op_bind(t, slot * SLOT_PAGES + p0, np, bi, bo_pg,
			cs_rng_pct(&t->rng, t->wphase ? 20 : 10));
	} else if (r < 62) {
		op_unbind(t, slot * SLOT_PAGES + p0, np);
	} else if (r < 80) {
		op_migrate(t, cs_rng_below(&t->rng, t->nbuf));
	} else if (r < 86) {
		bi = unmapped_buf(t);
		if (bi >= 0) {
			t->b[bi].gen++;
			buf_stamp(t, &t->b[bi]);
			stat_add(ST_RESTAMP, 1);
		}
	} else if (r < 97) {
		int ret;

		bi = unmapped_buf(t);
		if (bi >= 0) {
			buf_free(t, &t->b[bi]);
			ret = buf_new(t, &t->b[bi], rand_pages(t),
				      rand_placement(t));
			if (ret) {
				tgt_err(t, "recreate", ret);
				return;
			}
			stat_add(ST_RECREATE, 1);
		}
	} else {
		/* VRAM pressure: TTM evicts least recently used buffers. */
		uint64_t size = sh->vram_size / 2 & ~(PAGE - 1);
		uint32_t h;
		int ret;

		ret = sg_bo_create(t->fd, size, SIMGPU_PLACEMENT_VRAM, 0, &h,
				   NULL);
		if (!ret) {
			sg_close_handle(t->fd, h);
			stat_add(ST_PRESSURE, 1);
		} else if (ret == -ENOSPC) {
			stat_add(ST_PRESSURE_NOSPC, 1);
		} else {
			tgt_err(t, "pressure", ret);
		}
	}
	stat_add(ST_TGT_OPS, 1);
}

static void *target_thread(void *arg)
{
	struct tthread *t = arg;

	/*
	 * Leave the snoopers most of the two CPUs: a change every few hundred
	 * microseconds still races every kind of read many times over.
	 */
	while (!atomic_load(&sh->stop) && !t->failed) {
		target_step(t);
		usleep(cs_rng_below(&t->rng, t->wphase ? 200 : 600));
	}
	return NULL;
}

/* Buffers of each thread, and every slot bound once to begin with. */
static int target_setup(struct tthread *t)
{
	int i, s, ret;

	for (i = 0; i < NPAGES; i++)
		t->cur_buf[i] = CUR_NONE;
	t->uslot = -1;
	t->nbuf = t->wphase ? 4 : NBUF;
	for (i = 0; i < t->nbuf; i++) {
		ret = buf_new(t, &t->b[i], t->wphase ? 16 : rand_pages(t),
			      t->wphase || i % 2 ? SIMGPU_PLACEMENT_VRAM :
						   SIMGPU_PLACEMENT_SYSTEM);
		if (ret)
			return ret;
	}
	if (!t->wphase) {
		/* The last slot is the userptr area. */
		t->uslot = t->slot0 + t->nslots - 1;
		t->uarea = mmap(NULL, SLOT_PAGES * PAGE, PROT_NONE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (t->uarea == MAP_FAILED)
			return -errno;
		op_uremap(t);
		ret = sg_bind_userptr(t->fd, t->uarea, page_va(t->uslot *
							       SLOT_PAGES),
				      SLOT_PAGES * PAGE, 0);
		if (ret)
			return ret;
	}
	for (s = t->slot0; s < t->slot0 + t->nslots - (t->uslot >= 0); s++) {
		int bi = s % t->nbuf;
		int np = t->b[bi].pages < SLOT_PAGES ? t->b[bi].pages :
						       SLOT_PAGES;

		ret = op_bind(t, s * SLOT_PAGES, np, bi, 0, false);
		if (ret)
			return ret;
	}
	return 0;
}

/* Content check of the write phase; see the top of the file. */
static uint64_t first_sync_ts0(uint64_t t0)
{
	uint32_t lo = 0, hi = atomic_load(&sh->ns);

	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;

		if (sh->s[mid].ts1 >= t0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo < atomic_load(&sh->ns) ? sh->s[lo].ts0 : INF;
}

static bool write_may_land(const struct hist_snap *h, const struct wrec *w,
			   uint32_t buf, uint32_t gen, uint64_t off,
			   uint64_t q)
{
	uint64_t fmin = w->kind == WK_MMAP ? first_sync_ts0(w->t0) : 0;
	uint32_t j;

	for (j = 0; j < h->n; j++) {
		const struct epoch *e = &h->e[j];

		if ((e->flags & (EP_VOID | EP_RO)) || e->buf != buf ||
		    e->gen != gen || e->bo_page * PAGE + q != off)
			continue;
		if (w->kind == WK_MMAP && (e->flags & EP_VRAM) && !wreclaim) {
			/* From the store to a writeback, no invalidation. */
			if (e->b0 <= w->t1 && e->e1 >= fmin)
				return true;
		} else if (e->b0 <= w->t1 && e->e1 >= w->t0) {
			return true;
		}
	}
	return false;
}

static void target_verify(struct tthread *t)
{
	struct hist_snap *h = malloc(sizeof(*h));
	int bi;

	for (bi = 0; bi < t->nbuf; bi++) {
		struct tbuf *b = &t->b[bi];
		uint64_t i, n = b->pages * PAGE / 8;

		for (i = 0; i < n; i++) {
			uint64_t v = b->cpu[i], x, pg;
			uint32_t id, k;
			struct wrec *w;

			stat_add(ST_W_CONTENT, 1);
			if (v == stamp(t->client, b->id, b->gen, i))
				continue;
			if (!wstamp_decode(v, &id, &k) ||
			    id >= atomic_load(&sh->nw) ||
			    k >= sh->w[id].words) {
				stat_add(ST_W_VIOL, 1);
				report("buffer %u offset %#llx holds %#018llx: neither its stamp nor a snooper's write",
				       b->id, (unsigned long long)i * 8,
				       (unsigned long long)v);
				continue;
			}
			w = &sh->w[id];
			x = w->va + k * 8;
			pg = page_of(x);
			hist_read(&tcs(t)->pages[pg], h, w->t0);
			if (write_may_land(h, w, b->id, b->gen, i * 8,
					   x & (PAGE - 1))) {
				stat_add(ST_W_LANDED, 1);
				continue;
			}
			if (h->lost) {
				stat_add(ST_INCONCL, 1);
				continue;
			}
			stat_add(ST_W_VIOL, 1);
			report("buffer %u offset %#llx holds %s write %u (va %#llx, %llu..%llu, sync from %llu) that could not land there",
			       b->id, (unsigned long long)i * 8,
			       w->kind == WK_MMAP ? "mmap" : "pwrite", id,
			       (unsigned long long)x,
			       (unsigned long long)w->t0,
			       (unsigned long long)w->t1,
			       (unsigned long long)first_sync_ts0(w->t0));
		}
	}
	free(h);
}

static int target_main(int client, bool wphase)
{
	struct client_sh *cs = &sh->c[client];
	int nthreads = wphase ? 1 : 2, i, fd, failed = 0;
	struct tthread *t = calloc(nthreads, sizeof(*t));

	fd = sg_open(0);
	if (fd < 0) {
		report("target %d: no simgpu: %s", client, strerror(-fd));
		return 1;
	}
	for (i = 0; i < nthreads; i++) {
		t[i].client = client;
		t[i].idx = i;
		t[i].fd = fd;
		t[i].wphase = wphase;
		t[i].nslots = wphase ? wslots : NSLOT / nthreads;
		t[i].slot0 = i * t[i].nslots;
		cs_rng_seed(&t[i].rng, args.seed,
			    (wphase ? 100 : 0) + client * 10 + i);
		if (target_setup(&t[i])) {
			report("target %d: setup failed", client);
			return 1;
		}
	}
	cs->pid = getpid();
	cs->drm_fd = fd;
	atomic_store(&cs->ready, 1);
	while (!atomic_load(&cs->attached) && !atomic_load(&sh->stop))
		usleep(1000);

	for (i = 0; i < nthreads; i++)
		pthread_create(&t[i].th, NULL, target_thread, &t[i]);
	for (i = 0; i < nthreads; i++) {
		pthread_join(t[i].th, NULL);
		failed |= t[i].failed;
	}
	if (wphase) {
		while (!atomic_load(&sh->verify))
			usleep(1000);
		target_verify(&t[0]);
	}
	return failed;
}

/* ----------------------------------------------------------- snooper */

struct sthread {
	int client, idx, sfd;
	uint64_t *map;		/* the whole arena, long-lived */
	struct cs_rng rng;
	pthread_t th;
};

static void rand_range(struct cs_rng *r, uint64_t maxlen, uint64_t *va,
		       uint64_t *len)
{
	uint64_t off = cs_rng_below(r, ARENA_SIZE / 8) * 8;
	uint64_t l = 8 * (1 + cs_rng_below(r, maxlen / 8));

	if (off + l > ARENA_SIZE)
		l = ARENA_SIZE - off;
	*va = ARENA + off;
	*len = l;
}

static void read_pread(struct sthread *s, uint64_t *buf)
{
	uint64_t va, len, r0, r1;
	ssize_t n;
	int err;

	rand_range(&s->rng, cs_rng_pct(&s->rng, 10) ? 64 * 1024 : 4096, &va,
		   &len);
	r0 = tick();
	n = pread(s->sfd, buf, len, va);
	err = errno;
	r1 = tick();
	stat_add(ST_R_PREAD, 1);
	if (n < 0) {
		if (err == EIO) {
			check_stop(s->client, "pread -EIO", va, r0, r1);
		} else {
			stat_add(ST_RD_ERR, 1);
			report("client %d pread va %#llx len %llu: %s",
			       s->client, (unsigned long long)va,
			       (unsigned long long)len, strerror(err));
		}
		return;
	}
	if (n % 8) {
		stat_add(ST_VIOL, 1);
		report("client %d pread va %#llx returned %zd, not a multiple of 8",
		       s->client, (unsigned long long)va, n);
		return;
	}
	if (n) {
		check_words(s->client, "pread", va, buf, n / 8, r0, r1);
		stat_add(ST_R_CHECKED, 1);
	}
	if ((uint64_t)n < len)
		check_stop(s->client, "pread short", va + n, r0, r1);
}

/* Copy words out of a snoop mapping at @p (VA @va), catching SIGBUS. */
static void read_mapped(struct sthread *s, const char *how,
			volatile uint64_t *p, uint64_t va, uint64_t nw,
			uint64_t *buf)
{
	struct cs_guard g;
	volatile uint64_t done = 0;
	uint64_t r0, r1;

	r0 = tick();
	CS_GUARD_BEGIN(g)
		for (; done < nw; done++)
			buf[done] = p[done];
	CS_GUARD_END(g);
	r1 = tick();
	if (done) {
		check_words(s->client, how, va, buf, done, r0, r1);
		stat_add(ST_R_CHECKED, 1);
	}
	if (g.faulted) {
		uint64_t fva = va + ((uintptr_t)g.addr - (uintptr_t)p);

		if (g.sig != SIGBUS || fva < va || fva >= va + nw * 8) {
			stat_add(ST_RD_ERR, 1);
			report("client %d %s: signal %d at %p", s->client, how,
			       g.sig, g.addr);
			return;
		}
		/* Userptr memory cannot be mapped (DOC: Access): SIGBUS. */
		if (is_uptr_page(page_of(fva))) {
			stat_add(ST_UPTR_SIGBUS, 1);
			return;
		}
		check_stop(s->client, how, fva, r0, r1);
	}
}

static void read_mmap(struct sthread *s, uint64_t *buf)
{
	uint64_t va, len;

	rand_range(&s->rng, 4096, &va, &len);
	stat_add(ST_R_MMAP, 1);
	read_mapped(s, "mmap", s->map + (va - ARENA) / 8, va, len / 8, buf);
}

static void read_fresh(struct sthread *s, uint64_t *buf)
{
	uint64_t pg = cs_rng_below(&s->rng, NPAGES);
	uint64_t np = 1 + cs_rng_below(&s->rng, 4);
	uint64_t *p;

	if (pg + np > NPAGES)
		np = NPAGES - pg;
	p = mmap(NULL, np * PAGE, PROT_READ, MAP_SHARED, s->sfd,
		 page_va(pg));
	if (p == MAP_FAILED) {
		stat_add(ST_RD_ERR, 1);
		report("client %d mmap of va %#llx: %s", s->client,
		       (unsigned long long)page_va(pg), strerror(errno));
		return;
	}
	stat_add(ST_R_FRESH, 1);
	read_mapped(s, "fresh mmap", p, page_va(pg), np * PAGE / 8, buf);
	munmap(p, np * PAGE);
}

/* Witness VRAM pages passing between the clients (root: VRAM offsets). */
static void resolve_walk(struct sthread *s)
{
	struct cardsnoop_mapping m[64];
	struct cardsnoop_mappings a = {
		.start = ARENA, .mappings_ptr = (uintptr_t)m, .count = 64,
		.stride = sizeof(m[0]),
	};
	uint32_t i, me = s->client + 1;

	if (ioctl(s->sfd, CARDSNOOP_IOCTL_MAPPINGS, &a))
		return;
	for (i = 0; i < a.count; i++) {
		struct cardsnoop_resolve r;
		uint64_t p, end;

		if (m[i].placement != CARDSNOOP_PLACEMENT_VRAM ||
		    snoop_resolve(s->sfd, m[i].va, &r) ||
		    r.mapping.placement != CARDSNOOP_PLACEMENT_VRAM)
			continue;
		stat_add(ST_RESOLVES, 1);
		end = (r.vram_offset + r.extent_size) / PAGE;
		for (p = r.vram_offset / PAGE; p < end && p < VRAM_PAGES_MAX;
		     p++) {
			uint32_t prev = atomic_exchange(&sh->vram_owner[p], me);

			if (prev && prev != me)
				stat_add(ST_REUSE, 1);
		}
	}
}

static void *snoop_thread(void *arg)
{
	struct sthread *s = arg;
	uint64_t *buf = malloc(64 * 1024);
	uint64_t n = 0;

	while (!atomic_load(&sh->stop)) {
		switch (s->idx) {
		case 0:
			read_pread(s, buf);
			break;
		case 1:
			if (cs_rng_pct(&s->rng, 70))
				read_pread(s, buf);
			else
				read_fresh(s, buf);
			break;
		default:
			read_mmap(s, buf);
			if (++n % 32 == 0)
				resolve_walk(s);
			break;
		}
	}
	free(buf);
	return NULL;
}

static int snoop_attach_client(int client)
{
	struct client_sh *cs = &sh->c[client];
	int fd, sfd, ret;

	while (!atomic_load(&cs->ready)) {
		if (atomic_load(&sh->stop))
			return -EINTR;
		usleep(1000);
	}
	fd = pidfd_get_fd(cs->pid, cs->drm_fd);
	if (fd < 0) {
		report("client %d: pidfd_getfd: %s", client, strerror(-fd));
		return fd;
	}
	sfd = snoop_open_for(fd);
	if (sfd < 0) {
		report("client %d: snoop node: %s", client, strerror(-sfd));
		close(fd);
		return sfd;
	}
	ret = snoop_attach(sfd, fd, 0, 0, NULL);
	close(fd);
	if (ret) {
		report("client %d: attach: %s", client, strerror(-ret));
		close(sfd);
		return ret;
	}
	return sfd;
}

static void snoop_counters(int sfd)
{
	stat_add(ST_INVAL, fdinfo_value(sfd, "cardsnoop-invalidations"));
	stat_add(ST_RETRIES, fdinfo_value(sfd, "cardsnoop-retries"));
	stat_add(ST_FAULTS, fdinfo_value(sfd, "cardsnoop-faults"));
	stat_add(ST_SNAPFAULTS, fdinfo_value(sfd, "cardsnoop-snapshot-faults"));
}

static int snooper_main(int client)
{
	struct sthread t[3];
	uint64_t *map;
	int sfd, i;

	cs_guard_install();
	sfd = snoop_attach_client(client);
	if (sfd < 0)
		return 1;
	map = mmap(NULL, ARENA_SIZE, PROT_READ, MAP_SHARED, sfd, ARENA);
	if (map == MAP_FAILED) {
		report("client %d: mmap: %s", client, strerror(errno));
		return 1;
	}
	atomic_store(&sh->c[client].attached, 1);
	for (i = 0; i < 3; i++) {
		t[i] = (struct sthread){ .client = client, .idx = i,
					 .sfd = sfd, .map = map };
		cs_rng_seed(&t[i].rng, args.seed, 1000 + client * 10 + i);
		pthread_create(&t[i].th, NULL, snoop_thread, &t[i]);
	}
	for (i = 0; i < 3; i++)
		pthread_join(t[i].th, NULL);
	snoop_counters(sfd);
	munmap(map, ARENA_SIZE);
	close(sfd);
	return 0;
}

/* ------------------------------------------------- write phase snooper */

struct wthread {
	int sfd, idx;
	uint64_t *map;		/* writable mapping of the write arena */
	struct cs_rng rng;
	pthread_t th;
};

static struct wrec *wrec_new(void)
{
	uint32_t id = atomic_fetch_add(&sh->nw, 1);

	if (id >= WMAX) {
		atomic_store(&sh->nw, WMAX);
		return NULL;
	}
	return &sh->w[id];
}

static void write_pwrite(struct wthread *s, uint64_t *buf)
{
	uint64_t span = wslots * SLOT_PAGES * PAGE;
	uint64_t off = cs_rng_below(&s->rng, span / 8) * 8;
	uint32_t words = 1 + cs_rng_below(&s->rng, 64), k, id;
	struct wrec *w = wrec_new();
	ssize_t n;

	if (!w)
		return;
	id = w - sh->w;
	if (off + words * 8 > span)
		words = (span - off) / 8;
	for (k = 0; k < words; k++)
		buf[k] = wstamp(id, k);
	w->va = ARENA + off;
	w->words = words;
	w->kind = WK_PWRITE;
	w->t0 = tick();
	n = pwrite(s->sfd, buf, words * 8, w->va);
	w->err = n < 0 ? errno : 0;
	w->t1 = tick();
	w->done = n < 0 ? 0 : n;
	stat_add(ST_W_PWRITE, 1);
	if (n < 0 && errno != EIO && errno != EACCES) {
		stat_add(ST_W_ERR, 1);
		report("pwrite va %#llx: %s", (unsigned long long)w->va,
		       strerror(w->err));
	}
}

static void write_mmap(struct wthread *s)
{
	uint64_t pg = cs_rng_below(&s->rng, wslots * SLOT_PAGES);
	uint32_t q = cs_rng_below(&s->rng, PAGE / 8);
	uint32_t words = 1 + cs_rng_below(&s->rng, 64), id;
	volatile uint64_t *p;
	struct wrec *w = wrec_new();
	volatile uint32_t k = 0;
	struct cs_guard g;

	if (!w)
		return;
	id = w - sh->w;
	if (q + words > PAGE / 8)
		words = PAGE / 8 - q;
	w->va = page_va(pg) + q * 8;
	w->words = words;
	w->kind = WK_MMAP;
	p = s->map + pg * PAGE / 8 + q;
	w->t0 = tick();
	CS_GUARD_BEGIN(g)
		for (; k < words; k++)
			p[k] = wstamp(id, k);
	CS_GUARD_END(g);
	w->t1 = tick();
	w->done = k;
	stat_add(ST_W_MMAP, 1);
	if (g.faulted && g.sig != SIGBUS) {
		stat_add(ST_W_ERR, 1);
		report("mmap write va %#llx: signal %d", (unsigned long long)w->va,
		       g.sig);
	}
}

static void write_sync(int sfd)
{
	uint32_t i = atomic_load(&sh->ns);
	uint64_t ts0, ts1;
	int ret;

	if (i >= SMAX)
		return;
	ts0 = tick();
	ret = fsync(sfd);
	ts1 = tick();
	if (ret) {
		stat_add(ST_W_ERR, 1);
		report("fsync: %s", strerror(errno));
	}
	sh->s[i].ts0 = ts0;
	sh->s[i].ts1 = ts1;
	atomic_store(&sh->ns, i + 1);
	stat_add(ST_W_SYNC, 1);
}

/* Up to @max_us microseconds of yielding: usleep() is coarse under TCG. */
static void pause_us(struct cs_rng *r, uint64_t max_us)
{
	uint64_t until = cs_now_ns() + cs_rng_below(r, max_us) * 1000;

	while (cs_now_ns() < until)
		sched_yield();
}

static void *wsnoop_thread(void *arg)
{
	struct wthread *s = arg;
	uint64_t *buf = malloc(256 * 8);

	while (!atomic_load(&sh->stop)) {
		switch (s->idx) {
		case 0:
			write_pwrite(s, buf);
			pause_us(&s->rng, 400);
			break;
		case 1:
			/*
			 * Few dirty pages per writeback keep fsync short, so
			 * that many stores fall between two writebacks.
			 */
			write_mmap(s);
			pause_us(&s->rng, 400);
			break;
		default:
			/*
			 * Writebacks every 1 to 60 target operations: some
			 * snapshot writes meet an invalidation before the
			 * next one (discarded), the others are written back.
			 */
			write_sync(s->sfd);
			{
				uint64_t until = stat_get(ST_TGT_OPS) + 1 +
						 cs_rng_below(&s->rng, 60);

				while (stat_get(ST_TGT_OPS) < until &&
				       !atomic_load(&sh->stop))
					usleep(1000);
			}
			break;
		}
	}
	free(buf);
	return NULL;
}

static int wsnooper_main(void)
{
	struct wthread t[3];
	uint64_t *map, span = wslots * SLOT_PAGES * PAGE;
	int sfd, i;

	cs_guard_install();
	sfd = snoop_attach_client(0);
	if (sfd < 0)
		return 1;
	map = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_SHARED, sfd, ARENA);
	if (map == MAP_FAILED) {
		report("write phase: mmap: %s", strerror(errno));
		return 1;
	}
	atomic_store(&sh->c[0].attached, 1);
	for (i = 0; i < 3; i++) {
		t[i] = (struct wthread){ .sfd = sfd, .idx = i, .map = map };
		cs_rng_seed(&t[i].rng, args.seed, 2000 + i);
		pthread_create(&t[i].th, NULL, wsnoop_thread, &t[i]);
	}
	for (i = 0; i < 3; i++)
		pthread_join(t[i].th, NULL);
	/* The last writeback; what is still dirty after it is discarded. */
	write_sync(sfd);
	snoop_counters(sfd);
	stat_add(ST_W_DISCARDED, fdinfo_value(sfd, "cardsnoop-discarded-bytes"));
	stat_add(ST_W_WRITEBACK, fdinfo_value(sfd, "cardsnoop-writeback-bytes"));
	stat_add(ST_W_RECLAIMED, fdinfo_value(sfd, "cardsnoop-reclaimed-bytes"));
	stat_add(ST_W_RECLAIM_WB,
		 fdinfo_value(sfd, "cardsnoop-reclaim-writeback-bytes"));
	munmap(map, span);
	close(sfd);
	return 0;
}

/* Snapshot writes that an invalidation certainly discarded. */
static uint64_t definite_discards(void)
{
	struct hist_snap *h = malloc(sizeof(*h));
	uint32_t i, j, nw = atomic_load(&sh->nw);
	uint64_t count = 0;

	for (i = 0; i < nw; i++) {
		struct wrec *w = &sh->w[i];
		uint64_t fmin;
		bool all = true, any = false;

		if (w->kind != WK_MMAP || w->done != w->words)
			continue;
		fmin = first_sync_ts0(w->t0);
		hist_read(&sh->c[0].pages[page_of(w->va)], h, w->t0);
		if (h->lost)
			continue;
		for (j = 0; j < h->n; j++) {
			const struct epoch *e = &h->e[j];

			if (!overlaps(e, w->t0, w->t1))
				continue;
			any = true;
			if (!(e->flags & EP_VRAM) || (e->flags & EP_RO) ||
			    e->e1 >= fmin)
				all = false;
		}
		if (any && all)
			count++;
	}
	free(h);
	return count;
}

/* ------------------------------------------------------------- main */

struct child {
	pid_t pid;
	const char *what;
};

static pid_t spawn(int (*fn)(int), int arg)
{
	pid_t pid = fork();

	if (pid == 0) {
		fflush(stdout);
		_exit(fn(arg));
	}
	return pid;
}

static int wsnooper_main_arg(int unused)
{
	(void)unused;
	return wsnooper_main();
}

static int target_read(int client)
{
	return target_main(client, false);
}

static int target_write(int client)
{
	return target_main(client, true);
}

static bool wait_children(struct child *c, int n)
{
	bool ok = true;
	int i, st;

	for (i = 0; i < n; i++) {
		if (waitpid(c[i].pid, &st, 0) < 0 || !WIFEXITED(st) ||
		    WEXITSTATUS(st)) {
			cs_diag("%s (pid %d) ended with status %#x", c[i].what,
				c[i].pid, st);
			ok = false;
		}
	}
	return ok;
}

static void print_stats_read(uint64_t ms)
{
	cs_diag("read phase: %llu ms; target ops %llu: bind %llu (read-only %llu, sparse %llu), userptr remap %llu and PROT_NONE %llu, unbind %llu, split %llu, migrate %llu (no room %llu), restamp %llu, recreate %llu, VRAM pressure %llu (no room %llu)",
		(unsigned long long)ms,
		(unsigned long long)stat_get(ST_TGT_OPS),
		(unsigned long long)stat_get(ST_BIND),
		(unsigned long long)stat_get(ST_BIND_RO),
		(unsigned long long)stat_get(ST_BIND_SPARSE),
		(unsigned long long)stat_get(ST_UREMAP),
		(unsigned long long)stat_get(ST_UPROT),
		(unsigned long long)stat_get(ST_UNBIND),
		(unsigned long long)stat_get(ST_SPLIT),
		(unsigned long long)stat_get(ST_MIGRATE),
		(unsigned long long)stat_get(ST_MIGRATE_NOSPC),
		(unsigned long long)stat_get(ST_RESTAMP),
		(unsigned long long)stat_get(ST_RECREATE),
		(unsigned long long)stat_get(ST_PRESSURE),
		(unsigned long long)stat_get(ST_PRESSURE_NOSPC));
	cs_diag("reads: pread %llu, mmap %llu, fresh mmap %llu; checked reads %llu, words %llu (userptr %llu, sparse zeros %llu); stops at a possible hole %llu, SIGBUS on userptr %llu; inconclusive words %llu",
		(unsigned long long)stat_get(ST_R_PREAD),
		(unsigned long long)stat_get(ST_R_MMAP),
		(unsigned long long)stat_get(ST_R_FRESH),
		(unsigned long long)stat_get(ST_R_CHECKED),
		(unsigned long long)stat_get(ST_WORDS),
		(unsigned long long)stat_get(ST_UPTR_WORDS),
		(unsigned long long)stat_get(ST_ZERO_WORDS),
		(unsigned long long)stat_get(ST_HOLE_OK),
		(unsigned long long)stat_get(ST_UPTR_SIGBUS),
		(unsigned long long)stat_get(ST_INCONCL));
	cs_diag("kernel: invalidations %llu, retries %llu, faults %llu, snapshot faults %llu; VRAM resolves %llu, VRAM pages seen passing between clients %llu",
		(unsigned long long)stat_get(ST_INVAL),
		(unsigned long long)stat_get(ST_RETRIES),
		(unsigned long long)stat_get(ST_FAULTS),
		(unsigned long long)stat_get(ST_SNAPFAULTS),
		(unsigned long long)stat_get(ST_RESOLVES),
		(unsigned long long)stat_get(ST_REUSE));
	cs_diag("violations: words %llu, stops without a hole %llu, read errors %llu, target errors %llu",
		(unsigned long long)stat_get(ST_VIOL),
		(unsigned long long)stat_get(ST_VIOL_HOLE),
		(unsigned long long)stat_get(ST_RD_ERR),
		(unsigned long long)stat_get(ST_TGT_ERR));
}

static void phase_read(uint64_t want_reads, uint64_t want_ops,
		       uint64_t limit_s)
{
	struct child c[2 * NCLIENT];
	uint64_t start = cs_now_ns(), ms;
	bool ok, timed_out = false;
	int i, n = 0;

	for (i = 0; i < NCLIENT; i++) {
		c[n++] = (struct child){ spawn(target_read, i), "target" };
		c[n++] = (struct child){ spawn(snooper_main, i), "snooper" };
	}
	while (stat_get(ST_R_CHECKED) < want_reads ||
	       stat_get(ST_TGT_OPS) < want_ops) {
		if (cs_now_ns() - start > limit_s * 1000000000ull) {
			timed_out = true;
			break;
		}
		if (stat_get(ST_TGT_ERR) || stat_get(ST_RD_ERR) > 100)
			break;
		usleep(50000);
	}
	atomic_store(&sh->stop, 1);
	ok = wait_children(c, n);
	ms = (cs_now_ns() - start) / 1000000;
	print_stats_read(ms);

	cs_tap(ok && !stat_get(ST_TGT_ERR),
	       "coherence: 2 targets and 2 snoopers ran (%llu target operations)",
	       (unsigned long long)stat_get(ST_TGT_OPS));
	cs_tap(!stat_get(ST_VIOL),
	       "coherence: every word read (pread, mmap, fresh mmap) was a stamp mapped at its VA during the read: %llu words, %llu violations",
	       (unsigned long long)stat_get(ST_WORDS),
	       (unsigned long long)stat_get(ST_VIOL));
	cs_tap(!stat_get(ST_VIOL_HOLE) && !stat_get(ST_RD_ERR),
	       "coherence: short reads, -EIO and SIGBUS only where a hole was possible: %llu stops, %llu violations, %llu other errors",
	       (unsigned long long)stat_get(ST_HOLE_OK),
	       (unsigned long long)stat_get(ST_VIOL_HOLE),
	       (unsigned long long)stat_get(ST_RD_ERR));
	cs_tap(stat_get(ST_REUSE) > 0 && !stat_get(ST_FOREIGN),
	       "coherence: VRAM pages passed between the two clients (%llu seen) and neither snooper saw the other's data (%llu words)",
	       (unsigned long long)stat_get(ST_REUSE),
	       (unsigned long long)stat_get(ST_FOREIGN));
	cs_tap(!timed_out && stat_get(ST_R_CHECKED) >= want_reads,
	       "coherence: at least %llu checked reads (%llu)%s",
	       (unsigned long long)want_reads,
	       (unsigned long long)stat_get(ST_R_CHECKED),
	       timed_out ? ", time limit reached" : "");
}

/*
 * The write phase; with @reclaim, over a 2 MiB arena with a 1 MiB
 * snapshot cache, so that faults also write dirty snapshots back
 * (reclaim): a snapshot write may then land at any fault after it, and
 * only "the buffer was mapped there when it was stored" is checked.
 * The target changes only the first 8 slots then; the 24 others (1.5 MiB)
 * keep their snapshots, and the phase lasts until the snooper has stored
 * into four times as many pages as they have, at random: about 95% of
 * them get a snapshot, well over the cache's 256 pages, whatever the pace
 * of the threads.  (Over 1.5 MiB and with a fixed total of writes, the
 * stable part was exactly the cache's size, and a run whose threads
 * happened to favour pwrite did not always fill it.)
 */
static void phase_write(uint64_t want_writes, uint64_t limit_s, bool reclaim)
{
	const char *name = reclaim ? "writes with reclaim" : "writes";
	struct child c[2];
	uint64_t start, definite, min_stores;
	bool ok;

	memset(sh->stat, 0, sizeof(sh->stat));
	atomic_store(&sh->nw, 0);
	atomic_store(&sh->ns, 0);
	atomic_store(&sh->verify, 0);
	wreclaim = reclaim;
	wslots = reclaim ? NSLOT : 8;
	min_stores = reclaim ? 4 * (NSLOT - 8) * SLOT_PAGES : 0;
	cardsnoop_param_set("snapshot_limit_mb", reclaim ? "1" : "64");
	start = cs_now_ns();

	atomic_store(&sh->stop, 0);
	atomic_store(&sh->c[0].ready, 0);
	atomic_store(&sh->c[0].attached, 0);
	memset(sh->c[0].pages, 0, sizeof(sh->c[0].pages));
	c[0] = (struct child){ spawn(target_write, 0), "write target" };
	c[1] = (struct child){ spawn(wsnooper_main_arg, 0), "write snooper" };
	/*
	 * Enough target operations too: some snapshot writes must meet an
	 * invalidation before their writeback (about one in forty does).
	 */
	while ((stat_get(ST_W_PWRITE) + stat_get(ST_W_MMAP) < want_writes ||
		stat_get(ST_W_MMAP) < min_stores ||
		stat_get(ST_TGT_OPS) < 600) &&
	       cs_now_ns() - start < limit_s * 1000000000ull &&
	       !stat_get(ST_TGT_ERR))
		usleep(50000);
	atomic_store(&sh->stop, 1);
	ok = wait_children(&c[1], 1);
	atomic_store(&sh->verify, 1);
	ok &= wait_children(&c[0], 1);
	definite = definite_discards();
	stat_add(ST_W_DEFINITE, definite);

	cardsnoop_param_set("snapshot_limit_mb", "64");
	cs_diag("%s: %llu ms; target ops %llu; pwrite %llu, mmap stores %llu, fsync %llu; words checked %llu, snooper words found %llu",
		name, (unsigned long long)(cs_now_ns() - start) / 1000000,
		(unsigned long long)stat_get(ST_TGT_OPS),
		(unsigned long long)stat_get(ST_W_PWRITE),
		(unsigned long long)stat_get(ST_W_MMAP),
		(unsigned long long)stat_get(ST_W_SYNC),
		(unsigned long long)stat_get(ST_W_CONTENT),
		(unsigned long long)stat_get(ST_W_LANDED));
	cs_diag("%s: fdinfo writeback %llu bytes, discarded %llu bytes; snapshot writes certainly discarded %llu; violations %llu, errors %llu",
		name, (unsigned long long)stat_get(ST_W_WRITEBACK),
		(unsigned long long)stat_get(ST_W_DISCARDED),
		(unsigned long long)definite,
		(unsigned long long)stat_get(ST_W_VIOL),
		(unsigned long long)stat_get(ST_W_ERR));
	cs_tap(ok && !stat_get(ST_W_ERR),
	       "%s: snooper writes racing unbind/migrate ran (%llu writes)", name,
	       (unsigned long long)(stat_get(ST_W_PWRITE) + stat_get(ST_W_MMAP)));
	cs_tap(!stat_get(ST_W_VIOL),
	       "%s: every word of every buffer is its stamp or a write that could land there (%llu words, %llu landed writes, %llu violations)",
	       name, (unsigned long long)stat_get(ST_W_CONTENT),
	       (unsigned long long)stat_get(ST_W_LANDED),
	       (unsigned long long)stat_get(ST_W_VIOL));
	if (reclaim) {
		/*
		 * Reclaim may write back before an invalidation: no "certain".
		 * What must show is that the 1 MiB cache overflowed and that
		 * faults wrote dirty snapshots back to make room (the fdinfo
		 * counters of the kernel, not a sample of the cache's size).
		 */
		cs_tap(stat_get(ST_W_RECLAIMED) > 0 &&
		       stat_get(ST_W_RECLAIM_WB) > 0,
		       "%s: the cache overflowed and faults wrote dirty snapshots back (reclaimed %llu bytes, %llu of them written back; writeback %llu bytes in all, fsync %llu times)",
		       name, (unsigned long long)stat_get(ST_W_RECLAIMED),
		       (unsigned long long)stat_get(ST_W_RECLAIM_WB),
		       (unsigned long long)stat_get(ST_W_WRITEBACK),
		       (unsigned long long)stat_get(ST_W_SYNC));
		return;
	}
	cs_tap(definite > 0 && stat_get(ST_W_DISCARDED) > 0,
	       "%s: snapshot writes discarded by an invalidation are counted (%llu certain, fdinfo %llu bytes)",
	       name, (unsigned long long)definite,
	       (unsigned long long)stat_get(ST_W_DISCARDED));
}

int main(int argc, char **argv)
{
	uint64_t want_reads, want_ops, want_writes, limit = 0;
	const char *phase = "all";
	struct drm_simgpu_info info;
	int i, fd;

	cs_args_parse(&args, argc, argv);
	want_reads = cs_scaled(&args, 110000, 1000);
	for (i = 0; i < args.nrest; i++) {
		if (!strcmp(args.rest[i], "--reads") && i + 1 < args.nrest)
			want_reads = strtoull(args.rest[++i], NULL, 0);
		else if (!strcmp(args.rest[i], "--time") && i + 1 < args.nrest)
			limit = strtoull(args.rest[++i], NULL, 0);
		else if (!strcmp(args.rest[i], "--phase") && i + 1 < args.nrest)
			phase = args.rest[++i];
	}
	want_ops = cs_scaled(&args, 4000, 200);
	want_writes = cs_scaled(&args, 8000, 2000);
	if (!limit)
		limit = 150;

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		printf("Bail out! shared memory: %s\n", strerror(errno));
		return 1;
	}
	sh->salt = cs_mix32(args.seed) ^ (uint32_t)(args.seed >> 32);
	fd = sg_open(0);
	if (fd < 0 || sg_info(fd, &info)) {
		printf("Bail out! no simgpu device\n");
		return 1;
	}
	close(fd);
	sh->vram_size = info.vram_size;
	cs_diag("stress_coherence: seed %#llx (rerun: stress_coherence --seed %#llx --scale %u), VRAM %llu MiB, want %llu checked reads",
		(unsigned long long)args.seed, (unsigned long long)args.seed,
		args.scale, (unsigned long long)info.vram_size >> 20,
		(unsigned long long)want_reads);

	if (strcmp(phase, "write")) {
		/* A small snapshot cache: reclaim runs under the mmap reads. */
		cardsnoop_param_set("snapshot_limit_mb", "1");
		phase_read(want_reads, want_ops, limit);
		cardsnoop_param_set("snapshot_limit_mb", "64");
	}
	if (strcmp(phase, "read")) {
		phase_write(want_writes, limit, false);
		phase_write(want_writes, limit, true);
	}
	return cs_tap_done();
}
