// SPDX-License-Identifier: MIT
/*
 * cs-bench's result formatter: medians, spreads and verdicts, the one-line
 * report of each figure and bench.json.
 *
 * The line of a figure (the contract of issue 9):
 *
 *   bench: NAME ratio=R goal>=G ok|SHORT   (absolute figures, spread)
 *
 * Figures added beyond issue 9's table have no goal: "goal>=- info".  A
 * figure that could not be measured: "ratio=- goal>=G FAILED (why)".
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

struct bench_fig *bench_fig_new(const char *name, double goal,
				const char *unit, unsigned int pairs,
				const char *a_label, const char *b_label)
{
	struct bench_fig *f = calloc(1, sizeof(*f));

	if (!f)
		abort();
	f->name = name;
	f->goal = goal;
	f->unit = unit;
	f->pairs = pairs;
	f->a.samples = calloc(pairs, sizeof(double));
	f->b.samples = calloc(pairs, sizeof(double));
	if (!f->a.samples || !f->b.samples)
		abort();
	snprintf(f->a.label, sizeof(f->a.label), "%s", a_label);
	snprintf(f->b.label, sizeof(f->b.label), "%s", b_label);
	return f;
}

void bench_fig_note(struct bench_fig *f, const char *fmt, ...)
{
	size_t len = strlen(f->note);
	va_list ap;

	if (len && len < sizeof(f->note) - 2) {
		strcat(f->note, "; ");
		len += 2;
	}
	va_start(ap, fmt);
	vsnprintf(f->note + len, sizeof(f->note) - len, fmt, ap);
	va_end(ap);
}

void bench_fail(struct bench_fig *f, const char *fmt, ...)
{
	va_list ap;

	if (f->error[0])
		return;		/* keep the first reason */
	va_start(ap, fmt);
	vsnprintf(f->error, sizeof(f->error), fmt, ap);
	va_end(ap);
}

static int cmp_double(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;

	return a < b ? -1 : a > b;
}

double bench_median(const double *v, unsigned int n)
{
	double *s, m;

	if (!n)
		return NAN;
	s = malloc(n * sizeof(*s));
	if (!s)
		abort();
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	m = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	free(s);
	return m;
}

static void minmax(const double *v, unsigned int n, double *lo, double *hi)
{
	unsigned int i;

	*lo = *hi = n ? v[0] : NAN;
	for (i = 1; i < n; i++) {
		if (v[i] < *lo)
			*lo = v[i];
		if (v[i] > *hi)
			*hi = v[i];
	}
}

/* Quantile @q (0..1) of @v[0..@n), linearly interpolated. */
static double quantile(const double *v, unsigned int n, double q)
{
	double *s, x, pos;
	unsigned int i;

	if (!n)
		return NAN;
	s = malloc(n * sizeof(*s));
	if (!s)
		abort();
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	pos = q * (n - 1);
	i = (unsigned int)pos;
	x = i + 1 < n ? s[i] + (pos - i) * (s[i + 1] - s[i]) : s[i];
	free(s);
	return x;
}

/*
 * The spread of the per-pair ratios a[i] / b[i]: quartiles and range.
 * Returns the number of pairs.
 */
static unsigned int pair_ratios(const struct bench_fig *f, double *lo,
				double *q1, double *q3, double *hi)
{
	double r[f->done ? f->done : 1];
	unsigned int i;

	for (i = 0; i < f->done; i++)
		r[i] = f->a.samples[i] / f->b.samples[i];
	minmax(r, f->done, lo, hi);
	*q1 = quantile(r, f->done, 0.25);
	*q3 = quantile(r, f->done, 0.75);
	return f->done;
}

double bench_fig_ratio(const struct bench_fig *f)
{
	if (f->error[0] || !f->done)
		return NAN;
	return bench_median(f->a.samples, f->done) /
	       bench_median(f->b.samples, f->done);
}

bool bench_fig_ok(const struct bench_fig *f)
{
	return !f->error[0] && f->goal > 0 && bench_fig_ratio(f) >= f->goal;
}

static const char *verdict(const struct bench_fig *f)
{
	if (f->error[0])
		return "FAILED";
	if (f->goal <= 0)
		return "info";
	return bench_fig_ok(f) ? "ok" : "SHORT";
}

/* %g with up to 4 significant digits, as absolute figures are printed. */
static const char *num(char *buf, size_t len, double v)
{
	if (v >= 1e5)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.4g", v);
	return buf;
}

static void side_text(char *buf, size_t len, const struct bench_fig *f,
		      const struct bench_side *s)
{
	char m[32], lo[32], hi[32];
	double vlo, vhi;

	minmax(s->samples, f->done, &vlo, &vhi);
	snprintf(buf, len, "%s %s %s [%s..%s]", s->label,
		 num(m, sizeof(m), bench_median(s->samples, f->done)), f->unit,
		 num(lo, sizeof(lo), vlo), num(hi, sizeof(hi), vhi));
}

void bench_report_line(const struct bench_fig *f)
{
	char goal[32], a[256], b[256];
	double rlo, rq1, rq3, rhi;

	if (f->goal > 0)
		snprintf(goal, sizeof(goal), "%g", f->goal);
	else
		snprintf(goal, sizeof(goal), "-");

	if (f->error[0]) {
		printf("bench: %s ratio=- goal>=%s FAILED   (%s)\n", f->name,
		       goal, f->error);
		fflush(stdout);
		return;
	}
	side_text(a, sizeof(a), f, &f->a);
	side_text(b, sizeof(b), f, &f->b);
	pair_ratios(f, &rlo, &rq1, &rq3, &rhi);
	printf("bench: %s ratio=%.3g goal>=%s %s   (%s; %s; medians of %u pairs, pair ratios %.3g..%.3g, all %.3g..%.3g%s%s)\n",
	       f->name, bench_fig_ratio(f), goal, verdict(f), a, b, f->done,
	       rq1, rq3, rlo, rhi, f->note[0] ? "; " : "", f->note);
	fflush(stdout);
}

/* JSON ------------------------------------------------------------------ */

static void json_str(FILE *o, const char *s)
{
	fputc('"', o);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(o, "\\%c", c);
		else if (c < 0x20)
			fprintf(o, "\\u%04x", c);
		else
			fputc(c, o);
	}
	fputc('"', o);
}

static void json_num(FILE *o, double v)
{
	if (isfinite(v))
		fprintf(o, "%.6g", v);
	else
		fputs("null", o);
}

static void json_side(FILE *o, const struct bench_fig *f,
		      const struct bench_side *s)
{
	double lo, hi;
	unsigned int i;

	minmax(s->samples, f->done, &lo, &hi);
	fputs("{\"label\": ", o);
	json_str(o, s->label);
	fputs(", \"median\": ", o);
	json_num(o, f->done ? bench_median(s->samples, f->done) : NAN);
	fputs(", \"min\": ", o);
	json_num(o, lo);
	fputs(", \"max\": ", o);
	json_num(o, hi);
	fputs(", \"samples\": [", o);
	for (i = 0; i < f->done; i++) {
		if (i)
			fputs(", ", o);
		json_num(o, s->samples[i]);
	}
	fputs("]}", o);
}

int bench_report_json(const char *path, struct bench_fig *const *figs,
		      unsigned int n, double seconds)
{
	FILE *o = fopen(path, "w");
	unsigned int i;
	double lo, q1, q3, hi;

	if (!o)
		return -errno;
	fprintf(o, "{\n  \"version\": 1,\n  \"seconds\": %.1f,\n  \"figures\": [\n",
		seconds);
	for (i = 0; i < n; i++) {
		const struct bench_fig *f = figs[i];

		fputs("    {\"name\": ", o);
		json_str(o, f->name);
		fputs(", \"ratio\": ", o);
		json_num(o, bench_fig_ratio(f));
		fputs(", \"goal\": ", o);
		if (f->goal > 0)
			json_num(o, f->goal);
		else
			fputs("null", o);
		fputs(", \"status\": ", o);
		json_str(o, verdict(f));
		fputs(", \"unit\": ", o);
		json_str(o, f->unit);
		fprintf(o, ", \"pairs\": %u", f->done);
		pair_ratios(f, &lo, &q1, &q3, &hi);
		fputs(", \"pair_ratio_min\": ", o);
		json_num(o, f->done ? lo : NAN);
		fputs(", \"pair_ratio_q1\": ", o);
		json_num(o, q1);
		fputs(", \"pair_ratio_q3\": ", o);
		json_num(o, q3);
		fputs(", \"pair_ratio_max\": ", o);
		json_num(o, f->done ? hi : NAN);
		fputs(",\n     \"measured\": ", o);
		json_side(o, f, &f->a);
		fputs(",\n     \"baseline\": ", o);
		json_side(o, f, &f->b);
		fputs(",\n     \"note\": ", o);
		json_str(o, f->note);
		fputs(", \"error\": ", o);
		if (f->error[0])
			json_str(o, f->error);
		else
			fputs("null", o);
		fprintf(o, "}%s\n", i + 1 < n ? "," : "");
	}
	fputs("  ]\n}\n", o);
	if (fclose(o))
		return -errno;
	return 0;
}
