// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The cardsnoop authors
 *
 * cardsnoop(1): a progress line for long work (`dump`, big `read -o`) on
 * stderr, only when stderr is a terminal, redrawn at most ten times a
 * second and erased when the work is done; silent when piped or redirected.
 */
#include <inttypes.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static uint64_t cli_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

char *cli_progress_format(const char *what, uint64_t done, uint64_t total,
			  char *buf, size_t len)
{
	char d[32], t[32];
	unsigned int pct = total ? (unsigned int)((long double)done * 100 / total) : 100;

	if (pct > 100)
		pct = 100;
	snprintf(buf, len, "%s: %s of %s (%u%%)", what,
		 cli_size_human(done, d, sizeof(d)),
		 cli_size_human(total, t, sizeof(t)), pct);
	return buf;
}

void cli_progress_init(struct cli_progress *p, const char *what,
		       uint64_t total, uint64_t min)
{
	p->enabled = total >= min && isatty(STDERR_FILENO);
	p->what = what;
	p->total = total;
	p->done = 0;
	p->last_ms = 0;
	p->last_len = 0;
}

void cli_progress_add(struct cli_progress *p, uint64_t bytes)
{
	char line[128];
	uint64_t now;
	size_t n;

	p->done += bytes;
	if (!p->enabled)
		return;
	now = cli_now_ms();
	if (p->last_ms && now - p->last_ms < 100 && p->done < p->total)
		return;
	p->last_ms = now;
	cli_progress_format(p->what, p->done, p->total, line, sizeof(line));
	n = 0;
	while (line[n])
		n++;
	fprintf(stderr, "\r%s%*s", line,
		(int)(p->last_len > n ? p->last_len - n : 0), "");
	fflush(stderr);
	p->last_len = n;
}

void cli_progress_done(struct cli_progress *p)
{
	if (!p->enabled || !p->last_len)
		return;
	fprintf(stderr, "\r%*s\r", (int)p->last_len, "");
	fflush(stderr);
	p->last_len = 0;
}
