/* Cells and selectors: see cells.h. */
#include "cells.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "load_report.h"
#include "mcu_ram.h"

int rig_runs_load(struct rig_store *s, struct rig_runs *out, struct rig_error *err)
{
	return rig_store_list_runs(s, &out->v, &out->n, err);
}

void rig_runs_free(struct rig_runs *r)
{
	free(r->v);
	r->v = NULL;
	r->n = 0;
}

static int all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

static int all_hex(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isxdigit((unsigned char)*s))
			return 0;
	return 1;
}

/* Distinct bench ids, newest first (by their newest run); *n of them. */
static const char **benches_newest_first(const struct rig_runs *runs, const unsigned char *excl,
					 size_t *n)
{
	const char **b = rig_xcalloc(runs->n + 1, sizeof(*b));

	*n = 0;
	for (size_t i = runs->n; i-- > 0;) {
		int seen = 0;
		if (excl && excl[i])
			continue;
		for (size_t k = 0; k < *n && !seen; k++)
			seen = strcmp(b[k], runs->v[i].bench_id) == 0;
		if (!seen)
			b[(*n)++] = runs->v[i].bench_id;
	}
	return b;
}

static size_t keep_bench(const struct rig_runs *runs, const unsigned char *excl, const char *bench,
			 unsigned char *keep)
{
	size_t k = 0;
	for (size_t i = 0; i < runs->n; i++)
		if (!(excl && excl[i]) && strcmp(runs->v[i].bench_id, bench) == 0)
			keep[i] = 1, k++;
	return k;
}

int rig_runs_select(const struct rig_runs *runs, const char *sel, const unsigned char *exclude,
		    unsigned char *keep, char *what, size_t what_cap, struct rig_error *err)
{
	size_t kept = 0;

	memset(keep, 0, runs->n);
	if (!sel || !*sel || strlen(sel) > 200)
		return rig_fail(err, RIG_ERR_INVALID,
				"selector: expected latest, latest~N, run:ID, bench:ID, "
				"commit:HEX or a label, got \"%s\"",
				sel ? sel : "");
	if (strcmp(sel, "latest") == 0 || strncmp(sel, "latest~", 7) == 0) {
		long long back = 0;
		size_t nb;
		const char **b;

		if (sel[6] == '~' && rig_parse_count(sel + 7, 0, 1000000, &back))
			return rig_fail(err, RIG_ERR_INVALID,
					"selector \"%s\": expected latest~N with N a whole number",
					sel);
		b = benches_newest_first(runs, exclude, &nb);
		if ((size_t)back < nb) {
			kept = keep_bench(runs, exclude, b[back], keep);
			snprintf(what, what_cap, "%s (bench %s)", sel, b[back]);
		}
		free(b);
		if (!kept)
			return rig_fail(err, RIG_ERR_NOT_FOUND,
					"selector \"%s\": the store holds %zu bench%s%s", sel, nb,
					nb == 1 ? "" : "es",
					exclude ? " besides the current one" : "");
		return (int)kept;
	}
	if (strncmp(sel, "bench:", 6) == 0) {
		kept = keep_bench(runs, exclude, sel + 6, keep);
		snprintf(what, what_cap, "bench %s", sel + 6);
		if (!kept)
			return rig_fail(err, RIG_ERR_NOT_FOUND, "selector \"%s\": no such bench",
					sel);
		return (int)kept;
	}
	if (strncmp(sel, "run:", 4) == 0 || all_digits(sel)) {
		const char *id = sel[0] == 'r' ? sel + 4 : sel;
		long long rid = atoll(id);
		for (size_t i = 0; i < runs->n; i++) {
			if (runs->v[i].run_id == rid && !(exclude && exclude[i])) {
				kept = keep_bench(runs, exclude, runs->v[i].bench_id, keep);
				snprintf(what, what_cap, "run %lld (bench %s)", rid,
					 runs->v[i].bench_id);
				return (int)kept;
			}
		}
		if (sel[0] == 'r')
			return rig_fail(err, RIG_ERR_NOT_FOUND, "selector \"%s\": no run %lld", sel,
					rid);
	}
	int is_commit = strncmp(sel, "commit:", 7) == 0, is_label = strncmp(sel, "label:", 6) == 0;
	const char *v = is_commit ? sel + 7 : is_label ? sel + 6 : sel;
	if (!is_commit) {
		for (size_t i = 0; i < runs->n; i++)
			if (!(exclude && exclude[i]) && strcmp(runs->v[i].label, v) == 0)
				keep[i] = 1, kept++;
		if (kept) {
			snprintf(what, what_cap, "label %s", v);
			return (int)kept;
		}
	}
	if (!is_label && all_hex(v) && strlen(v) >= (is_commit ? 4u : 7u)) {
		size_t len = strlen(v);
		for (size_t i = 0; i < runs->n; i++)
			if (!(exclude && exclude[i]) && strncasecmp(runs->v[i].commit, v, len) == 0)
				keep[i] = 1, kept++;
		if (kept) {
			snprintf(what, what_cap, "commit %s", v);
			return (int)kept;
		}
	}
	return rig_fail(err, RIG_ERR_NOT_FOUND,
			"selector \"%s\": no run has that label%s%s (see rig history)", sel,
			is_label ? "" : " or commit", exclude ? " besides the current runs" : "");
}

void rig_cell_free(struct rig_cell *c)
{
	for (size_t i = 0; i < c->n_m; i++)
		free(c->m[i].v);
	free(c->m);
	c->m = NULL;
	c->n_m = 0;
}

void rig_side_free(struct rig_side *side)
{
	for (size_t i = 0; i < side->n; i++)
		rig_cell_free(&side->cells[i]);
	free(side->cells);
	memset(side, 0, sizeof(*side));
}

int rig_metric_higher_is_better(const char *name, const char *unit)
{
	size_t n = unit ? strlen(unit) : 0;
	return strcmp(name, "throughput") == 0 || strstr(name, "ops_per_s") ||
	       (n >= 2 && strcmp(unit + n - 2, "/s") == 0);
}

static struct rig_cell_metric *add_metric(struct rig_cell *c, const char *name, const char *unit)
{
	struct rig_cell_metric *m;

	c->m = rig_xrealloc(c->m, (c->n_m + 1) * sizeof(*c->m));
	m = &c->m[c->n_m++];
	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), "%s", name);
	snprintf(m->unit, sizeof(m->unit), "%s", unit ? unit : "");
	m->higher = rig_metric_higher_is_better(name, unit);
	return m;
}

static void add_exact(struct rig_cell *c, const char *name, long long v)
{
	struct rig_cell_metric *m = add_metric(c, name, "bytes");
	m->v = rig_xmalloc(sizeof(double));
	m->v[0] = (double)v;
	m->n = 1;
	m->exact = 1;
}

struct merge {
	struct rig_hist *h;
	struct rig_error *err;
};

static int add_hist(void *ctx, const void *data, size_t len)
{
	struct merge *m = ctx;

	return rig_hist_decode(m->h, data, len, m->err);
}

int rig_run_latency_merge(struct rig_store *s, int64_t run_id, struct rig_hist *h,
			  struct rig_error *err)
{
	struct merge m = {.h = h, .err = err};

	return rig_store_run_hists(s, run_id, RIG_LOAD_HIST, add_hist, &m, err);
}

/* The run's latency percentiles over all its samples at once. */
static int add_merged(struct rig_store *s, struct rig_cell *c, struct rig_error *err)
{
	static const struct {
		const char *name;
		double p;
	} pct[] = {{"p50_merged_us", 50}, {"p99_merged_us", 99}, {"p999_merged_us", 99.9}};
	struct merge m = {.h = rig_hist_new(), .err = err};
	int n = rig_run_latency_merge(s, c->run.run_id, m.h, err);

	if (n < 0) {
		rig_hist_free(m.h);
		return n == RIG_ERR_NOT_SUPPORTED ? 0 : n;
	}
	for (size_t i = 0; n > 0 && i < sizeof(pct) / sizeof(pct[0]); i++) {
		struct rig_cell_metric *x = add_metric(c, pct[i].name, "us");
		x->v = rig_xmalloc(sizeof(double));
		x->v[0] = (double)rig_hist_percentile(m.h, pct[i].p) / 1e3;
		x->n = 1;
		x->merged = 1;
	}
	rig_hist_free(m.h);
	return 0;
}

const struct rig_cell_metric *rig_cell_metric(const struct rig_cell *c, const char *name)
{
	for (size_t i = 0; i < c->n_m; i++)
		if (strcmp(c->m[i].name, name) == 0)
			return &c->m[i];
	return NULL;
}

/* ram_bytes as rig results shows it: peak RSS in bytes, or on a
 * microcontroller static (.data + .bss) + stack + heap high-water, less
 * the stack static RAM already holds (stack_in_static_bytes, TinyGo). */
static void derive_ram(struct rig_cell *c)
{
	const struct rig_cell_metric *rss = rig_cell_metric(c, "peak_rss_kib");
	const struct rig_cell_metric *stack = rig_cell_metric(c, "stack_hwm_bytes");
	const struct rig_cell_metric *heap = rig_cell_metric(c, "heap_hwm_bytes");
	const struct rig_cell_metric *in_static = rig_cell_metric(c, "stack_in_static_bytes");
	const struct rig_cell_metric *src = rss ? rss : stack;
	struct rig_cell_metric *m;
	size_t n;

	if (rig_cell_metric(c, "ram_bytes") || !src || !src->n)
		return;
	n = src->n;
	m = add_metric(c, "ram_bytes", "bytes");
	/* add_metric may move c->m: look the sources up again */
	rss = rig_cell_metric(c, "peak_rss_kib");
	stack = rig_cell_metric(c, "stack_hwm_bytes");
	heap = rig_cell_metric(c, "heap_hwm_bytes");
	in_static = rig_cell_metric(c, "stack_in_static_bytes");
	m->v = rig_xcalloc(n, sizeof(double));
	m->n = n;
	for (size_t i = 0; i < n; i++)
		m->v[i] =
		    rss ? rss->v[i] * 1024.0
			: rig_mcu_ram_bytes(c->run.sizes.data_bytes + c->run.sizes.bss_bytes,
					    stack->v[i], heap && i < heap->n ? heap->v[i] : 0,
					    in_static && i < in_static->n ? in_static->v[i] : 0);
}

int rig_cell_load(struct rig_store *s, const struct rig_run_info *run, struct rig_cell *out,
		  struct rig_error *err)
{
	struct rig_strv names = {0}, units = {0};
	int rc;

	memset(out, 0, sizeof(*out));
	out->run = *run;
	if ((rc = rig_store_run_metric_names(s, run->run_id, &names, &units, err)))
		goto done;
	for (size_t i = 0; i < names.n; i++) {
		struct rig_cell_metric *m = add_metric(out, names.v[i], units.v[i]);
		if ((rc = rig_store_run_values(s, run->run_id, names.v[i], &m->v, &m->n, err)))
			goto done;
	}
	derive_ram(out);
	if (run->load[0] && (rc = add_merged(s, out, err)))
		goto done;
	if (strncmp(run->target, "none/", 5) == 0)
		add_exact(out, "flash_bytes", run->sizes.text_bytes + run->sizes.data_bytes);
	add_exact(out, "file_bytes", run->sizes.file_bytes);
	add_exact(out, "text_bytes", run->sizes.text_bytes);
	add_exact(out, "data_bytes", run->sizes.data_bytes);
	add_exact(out, "bss_bytes", run->sizes.bss_bytes);
done:
	rig_strv_free(&names);
	rig_strv_free(&units);
	if (rc)
		rig_cell_free(out);
	return rc;
}

const char *rig_cell_name(const struct rig_cell *c, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s/%s/%s%s%s", c->run.board, c->run.workload, c->run.profile,
		 c->run.load[0] ? "@" : "", c->run.load);
	return buf;
}

static int same_cell(const struct rig_run_info *a, const struct rig_run_info *b)
{
	return strcmp(a->board, b->board) == 0 && strcmp(a->workload, b->workload) == 0 &&
	       strcmp(a->profile, b->profile) == 0 && strcmp(a->target, b->target) == 0 &&
	       strcmp(a->load, b->load) == 0;
}

static int cmp_cell(const void *pa, const void *pb)
{
	const struct rig_run_info *a = &((const struct rig_cell *)pa)->run;
	const struct rig_run_info *b = &((const struct rig_cell *)pb)->run;
	int c;

	if ((c = strcmp(a->board, b->board)) || (c = strcmp(a->workload, b->workload)) ||
	    (c = strcmp(a->profile, b->profile)) || (c = strcmp(a->load, b->load)))
		return c;
	return strcmp(a->target, b->target);
}

int rig_side_load(struct rig_store *s, const struct rig_runs *runs, const unsigned char *keep,
		  struct rig_side *out, struct rig_error *err)
{
	int rc;

	out->cells = NULL;
	out->n = 0;
	for (size_t i = runs->n; i-- > 0;) {
		int seen = 0;
		if (!keep[i])
			continue;
		for (size_t k = 0; k < out->n && !seen; k++)
			seen = same_cell(&out->cells[k].run, &runs->v[i]);
		if (seen)
			continue;
		out->cells = rig_xrealloc(out->cells, (out->n + 1) * sizeof(*out->cells));
		if ((rc = rig_cell_load(s, &runs->v[i], &out->cells[out->n], err))) {
			rig_side_free(out);
			return rc;
		}
		out->n++;
	}
	if (out->n)
		qsort(out->cells, out->n, sizeof(*out->cells), cmp_cell);
	return 0;
}
