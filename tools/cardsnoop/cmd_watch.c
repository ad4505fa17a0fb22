// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The cardsnoop authors
 *
 * cardsnoop watch: stream the change events of a process's GPU address
 * space (issue 11), one line per record (evfmt.c), as they happen.
 *
 * The attachment is read-only.  Its queue starts with the existing
 * mappings replayed as BIND records, then live changes follow in order.
 * watch drains the queue without waiting, then sleeps in ppoll(2) on the
 * snoop fd: POLLIN | POLLPRI when records are queued, POLLHUP once the
 * target exited or the GPU is gone (the kernel has queued TARGET_EXIT or
 * DEVICE_GONE by then, so the next drain returns it).  It ends:
 *
 *   TARGET_EXIT           printed, status 0 (there is nothing more to come:
 *                         the target's DRM file is only kept alive by us)
 *   DEVICE_GONE           printed, a message, status 1
 *   SIGINT, SIGTERM       status 0, after the record being printed
 *   --count N             after N records, status 0
 *   --timeout S           status 0, or 1 if --count was given and not met
 *
 * Signals: SIGINT and SIGTERM set a flag (SA_RESTART, so that writes to
 * stdout are not cut) that the loop checks before each record; they are
 * blocked from that check until ppoll() unblocks them atomically, so that
 * one arriving just before the sleep still wakes it (EINTR).
 *
 * --dump-ib: each SUBMIT record's IB is read through the attachment right
 * after the record is dequeued and saved before the line is printed, so the
 * line can name the file.  A failure is a warning; watching goes on.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

/* Bytes of an IB read at a time; simgpu's largest IB fits one. */
#define CLI_WATCH_CHUNK		(1u << 20)

static volatile sig_atomic_t cli_watch_stop;

static void cli_watch_signal(int sig)
{
	(void)sig;
	cli_watch_stop = 1;
}

static uint64_t cli_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* struct cli_watch - the state of one watch */
struct cli_watch {
	struct cli_opts *o;
	struct cs_snoop *snoop;
	struct cli_watch_fmt fmt;
	uint8_t *chunk;			/* --dump-ib: read buffer */
	uint64_t saved, failed;		/* --dump-ib: IBs saved, not saved */
};

/*
 * --dump-ib <dir>: it must be a directory we may write into, and is created
 * if missing (@create; the last component only, like mkdir(1)).  Checked
 * before attaching, so that a bad <dir> costs nothing; created after, so
 * that a failed attach leaves nothing behind.
 */
static int cli_watch_dir(const char *dir, bool create)
{
	struct stat st;

	if (stat(dir, &st)) {
		if (errno == ENOENT && !create) {
			/* will mkdir() work?  Its parent says. */
			char *copy = cli_strdup(dir), *parent = dirname(copy);
			int ok = !access(parent, W_OK | X_OK);

			if (!ok)
				cli_err("cannot create %s: %s", dir, strerror(errno));
			free(copy);
			return ok ? 0 : -1;
		}
		if (errno != ENOENT || mkdir(dir, 0777)) {
			cli_err("cannot create %s: %s", dir, strerror(errno));
			return -1;
		}
		return 0;
	}
	if (!S_ISDIR(st.st_mode)) {
		cli_err("%s is not a directory (--dump-ib needs one)", dir);
		return -1;
	}
	if (access(dir, W_OK | X_OK)) {
		cli_err("cannot write into %s: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Save the IB of SUBMIT record @ev as --dump-ib says: the whole IB or no
 * file.  Fills @ib (@ib->file malloc'ed) on success; warns otherwise.
 */
static void cli_watch_save_ib(struct cli_watch *st, const struct cs_event *ev,
			      struct cli_ib_saved *ib)
{
	struct cs_error *err = cs_error_new();
	char *path = cli_ib_file_name(st->o->dump_ib, ev);
	uint64_t pos = 0, want;
	char va[32], sz[32];
	ssize_t n;
	int fd, ret;

	memset(ib, 0, sizeof(*ib));
	cli_va_str(ev->va, va, sizeof(va));
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0) {
		cli_warn("IB of event %" PRIu64 " not saved: cannot create %s: %s",
			 ev->seqno, path, strerror(errno));
		goto fail;
	}
	if (!st->chunk)
		st->chunk = cli_malloc(CLI_WATCH_CHUNK);
	while (pos < ev->size) {
		want = ev->size - pos;
		if (want > CLI_WATCH_CHUNK)
			want = CLI_WATCH_CHUNK;
		n = cs_read(st->snoop, ev->va + pos, st->chunk, (size_t)want, err);
		if (n < 0) {
			cli_warn("IB of event %" PRIu64 " (%s, %s) not saved: %s",
				 ev->seqno, va,
				 cli_size_human(ev->size, sz, sizeof(sz)),
				 cs_error_message(err));
			goto fail_unlink;
		}
		if ((uint64_t)n < want) {
			cli_warn("IB of event %" PRIu64 " (%s, %s) not saved: only %" PRIu64 " bytes of it are mapped now",
				 ev->seqno, va,
				 cli_size_human(ev->size, sz, sizeof(sz)),
				 pos + (uint64_t)n);
			goto fail_unlink;
		}
		ret = cli_write_all(fd, st->chunk, (size_t)n);
		if (ret) {
			cli_warn("IB of event %" PRIu64 " not saved: writing %s: %s",
				 ev->seqno, path, strerror(-ret));
			goto fail_unlink;
		}
		pos += (uint64_t)n;
	}
	if (close(fd)) {
		fd = -1;
		cli_warn("IB of event %" PRIu64 " not saved: writing %s: %s",
			 ev->seqno, path, strerror(errno));
		goto fail_unlink;
	}
	ib->file = path;
	/* the bytes, for the JSON decoding, when one chunk held them all */
	if (ev->size <= CLI_WATCH_CHUNK) {
		ib->bytes = st->chunk;
		ib->len = (size_t)ev->size;
	}
	st->saved++;
	cs_error_free(err);
	return;

fail_unlink:
	if (fd >= 0)
		close(fd);
	unlink(path);
fail:
	st->failed++;
	free(path);
	cs_error_free(err);
}

/* Print @ev (saving its IB first); false if stdout failed. */
static bool cli_watch_one(struct cli_watch *st, const struct cs_event *ev)
{
	struct cli_ib_saved ib = { 0 }, *ibp = NULL;
	char who[96];

	if (ev->type == CARDSNOOP_EVENT_SUBMIT && st->o->dump_ib) {
		cli_watch_save_ib(st, ev, &ib);
		ibp = &ib;
	}
	if (st->o->mode == CLI_OUT_JSON) {
		cli_event_json(&st->fmt, ev, ibp, stdout);
		/* the JSON line has the numbers; people need the advice too */
		if (ev->type == CARDSNOOP_EVENT_OVERFLOW)
			cli_warn("%" PRIu64 " events of %s were lost (the queue was full): list the mappings again with 'cardsnoop maps'",
				 ev->size,
				 cli_target_name(st->snoop, who, sizeof(who)));
	} else {
		cli_event_text(&st->fmt, ev, ibp, stdout);
	}
	free((char *)ib.file);
	return !ferror(stdout);
}

/*
 * Wait for records: ppoll() with SIGINT and SIGTERM unblocked only while
 * it sleeps.  Returns 0 (woken: records, a signal, or the timeout), 1 on
 * POLLHUP, or -errno.
 */
static int cli_watch_wait(int fd, const sigset_t *stopset, int64_t timeout_ns)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN | POLLPRI };
	struct timespec ts;
	sigset_t old;
	int ret;

	sigprocmask(SIG_BLOCK, stopset, &old);
	if (cli_watch_stop) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		return 0;
	}
	if (timeout_ns >= 0) {
		ts.tv_sec = (time_t)(timeout_ns / 1000000000);
		ts.tv_nsec = (long)(timeout_ns % 1000000000);
	}
	/* @old has them unblocked: caller's mask as it was */
	ret = ppoll(&pfd, 1, timeout_ns >= 0 ? &ts : NULL, &old);
	if (ret < 0)
		ret = errno == EINTR ? 0 : -errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (ret < 0)
		return ret;
	if (ret > 0 && (pfd.revents & (POLLERR | POLLNVAL)))
		return -EBADFD;
	if (ret > 0 && (pfd.revents & POLLHUP) &&
	    !(pfd.revents & (POLLIN | POLLPRI)))
		return 1;
	return 0;
}

int cli_cmd_watch(struct cli_opts *o)
{
	struct sigaction sa, old_int, old_term;
	struct cli_watch st = { .o = o };
	struct cs_error *err = cs_error_new();
	const struct cs_snoop_info *in;
	struct cs_event_iter *it = NULL;
	const struct cs_event *ev;
	uint64_t t0, deadline = 0, seen = 0, now;
	bool hup = false, signals = false;
	sigset_t stopset;
	char who[96];
	int ret, n;

	if (o->dump_ib && cli_watch_dir(o->dump_ib, false)) {
		ret = CLI_EXIT_FAILURE;
		goto out;
	}
	/* before the attach: the replayed records are queued during it */
	t0 = cli_now_ns();
	if (o->has_timeout)
		deadline = t0 + o->timeout_ms * 1000000ull;
	ret = cli_attach(o, CS_ATTACH_READONLY, &st.snoop);
	if (ret)
		goto out;
	in = cs_snoop_get_info(st.snoop);
	ret = CLI_EXIT_FAILURE;
	if (cs_events_open(st.snoop, &it, err) < 0) {
		cli_err_cs(err);
		goto out;
	}
	if (o->dump_ib && cli_watch_dir(o->dump_ib, true))
		goto out;
	st.fmt.t0_ns = t0;
	st.fmt.bytes = o->bytes;
	st.fmt.dump_ib = o->dump_ib != NULL;
	st.fmt.simgpu = in->driver && !strcmp(in->driver, "simgpu");
	st.fmt.va_bits = in->va_bits;
	st.fmt.pid = in->flags & CS_ATTACH_KERNEL ? 0 : in->pid;
	st.fmt.owner = in->owner_pid;
	st.fmt.card = in->card_index;

	sigemptyset(&stopset);
	sigaddset(&stopset, SIGINT);
	sigaddset(&stopset, SIGTERM);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = cli_watch_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	cli_watch_stop = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	signals = true;

	for (;;) {
		if (cli_watch_stop) {
			ret = CLI_EXIT_OK;
			break;
		}
		now = cli_now_ns();
		if (o->has_timeout && now >= deadline) {
			ret = CLI_EXIT_OK;
			if (o->count) {
				cli_err("timed out after %" PRIu64 ".%03" PRIu64 " s with %" PRIu64 " of %" PRIu64 " events of %s",
					o->timeout_ms / 1000, o->timeout_ms % 1000,
					seen, o->count,
					cli_target_name(st.snoop, who, sizeof(who)));
				ret = CLI_EXIT_FAILURE;
			}
			break;
		}
		n = cs_events_next(it, 0, &ev, err);
		if (n < 0) {
			cli_err_cs(err);
			ret = CLI_EXIT_FAILURE;
			break;
		}
		if (n > 0) {
			hup = false;
			seen++;
			if (!cli_watch_one(&st, ev)) {
				ret = CLI_EXIT_FAILURE;	/* cli_close_stdout() says why */
				break;
			}
			if (ev->type == CARDSNOOP_EVENT_TARGET_EXIT) {
				ret = CLI_EXIT_OK;
				break;
			}
			if (ev->type == CARDSNOOP_EVENT_DEVICE_GONE) {
				cli_err("card%d is gone (unbound or unplugged): no more events of %s",
					in->card_index,
					cli_target_name(st.snoop, who, sizeof(who)));
				ret = CLI_EXIT_FAILURE;
				break;
			}
			if (o->count && seen >= o->count) {
				ret = CLI_EXIT_OK;
				break;
			}
			continue;
		}
		if (hup) {
			/* POLLHUP, and no record says why: never sleep on it */
			cli_err("%s: the snoop file hung up without a target-exit or device-gone event",
				cli_target_name(st.snoop, who, sizeof(who)));
			ret = CLI_EXIT_FAILURE;
			break;
		}
		n = cli_watch_wait(cs_snoop_get_fd(st.snoop), &stopset,
				   o->has_timeout ? (int64_t)(deadline - now) : -1);
		if (n < 0) {
			cli_err("waiting for events of %s: %s",
				cli_target_name(st.snoop, who, sizeof(who)),
				strerror(-n));
			ret = CLI_EXIT_FAILURE;
			break;
		}
		hup = n == 1;
	}
	if (o->dump_ib && st.failed)
		cli_warn("%" PRIu64 " of %" PRIu64 " IBs could not be saved into %s",
			 st.failed, st.failed + st.saved, o->dump_ib);
out:
	if (signals) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
	}
	cs_events_close(it);
	cs_snoop_close(st.snoop);
	free(st.chunk);
	cs_error_free(err);
	return ret;
}
