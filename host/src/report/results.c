/* Results: rows of statistics from the store, see results.h. */
#include "results.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mcu_ram.h"

static const char *const metric_names[RIG_M_COUNT] = {
    [RIG_M_STARTUP] = "startup_ns", [RIG_M_WALL] = "wall_ns", [RIG_M_RAM] = "ram_bytes",
    [RIG_M_OPS] = "throughput",	    [RIG_M_BOOT] = "boot_ns",
};

int rig_results_filter_has(const struct rig_strv *l, const char *s)
{
	return !l || !l->n || rig_strv_has(l, s);
}

struct loader {
	const struct rig_results_opts *o;
	struct rig_results *r;
};

static struct rig_row *find_row(struct rig_results *r, const struct rig_series *sr)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->rows[i].board, sr->board) == 0 &&
		    strcmp(r->rows[i].workload, sr->workload) == 0 &&
		    strcmp(r->rows[i].profile, sr->profile) == 0 &&
		    strcmp(r->rows[i].load, sr->load) == 0)
			return &r->rows[i];
	return NULL;
}

static void set_stat(struct rig_stat *st, const double *v, size_t n, const char *unit, double scale)
{
	free(st->values);
	st->values = rig_xcalloc(n ? n : 1, sizeof(double));
	for (size_t i = 0; i < n; i++)
		st->values[i] = v[i] * scale;
	st->n = n;
	snprintf(st->unit, sizeof(st->unit), "%s", unit);
	st->present = n > 0 && rig_stats_summary(st->values, n, &st->s) == 0;
}

static int on_series(void *ctx, const struct rig_series *sr)
{
	struct loader *ld = ctx;
	struct rig_results *r = ld->r;
	struct rig_row *row;

	if (!rig_results_filter_has(ld->o->boards, sr->board) ||
	    !rig_results_filter_has(ld->o->workloads, sr->workload) ||
	    !rig_results_filter_has(ld->o->profiles, sr->profile))
		return 0;
	row = find_row(r, sr);
	if (!row) {
		r->rows = rig_xrealloc(r->rows, (r->n + 1) * sizeof(*r->rows));
		row = &r->rows[r->n++];
		memset(row, 0, sizeof(*row));
		row->run_id = sr->run_id;
		snprintf(row->board, sizeof(row->board), "%s", sr->board);
		snprintf(row->workload, sizeof(row->workload), "%s", sr->workload);
		snprintf(row->profile, sizeof(row->profile), "%s", sr->profile);
		snprintf(row->load, sizeof(row->load), "%s", sr->load);
		snprintf(row->toolchain, sizeof(row->toolchain), "%s", sr->toolchain);
		snprintf(row->target, sizeof(row->target), "%s", sr->target);
		snprintf(row->sha256, sizeof(row->sha256), "%s", sr->sha256);
		snprintf(row->tc_version, sizeof(row->tc_version), "%s", sr->tc_version);
		row->emulated = sr->emulated;
		row->started = sr->started;
		snprintf(row->flags, sizeof(row->flags), "%s", sr->flags);
		row->n_ok = sr->n_ok;
		row->n_failed = sr->n_failed;
		row->iterations = sr->iterations;
		row->sizes = sr->sizes;
		row->flash_bytes = sr->sizes.text_bytes + sr->sizes.data_bytes;
	}
	if (!sr->metric[0])
		return 0;
	for (int m = 0; m < RIG_M_COUNT; m++) {
		if (strcmp(sr->metric, metric_names[m]) == 0) {
			set_stat(&row->m[m], sr->values, sr->n_values, sr->unit, 1);
			return 0;
		}
	}
	if (strcmp(sr->metric, "peak_rss_kib") == 0)
		set_stat(&row->m[RIG_M_RAM], sr->values, sr->n_values, "bytes", 1024);
	row->extra = rig_xrealloc(row->extra, (row->n_extra + 1) * sizeof(*row->extra));
	row->extra_names =
	    rig_xrealloc(row->extra_names, (row->n_extra + 1) * sizeof(*row->extra_names));
	memset(&row->extra[row->n_extra], 0, sizeof(row->extra[0]));
	snprintf(row->extra_names[row->n_extra], sizeof(row->extra_names[0]), "%s", sr->metric);
	set_stat(&row->extra[row->n_extra], sr->values, sr->n_values, sr->unit, 1);
	row->n_extra++;
	return 0;
}

static const struct rig_stat *extra_stat(const struct rig_row *row, const char *name)
{
	for (size_t i = 0; i < row->n_extra; i++)
		if (strcmp(row->extra_names[i], name) == 0)
			return &row->extra[i];
	return NULL;
}

/* On a microcontroller RAM is what the image reserves plus what it used:
 * static (.data + .bss) + stack high-water + heap high-water, less
 * the stack that static RAM already holds (TinyGo's .stack section). */
static void mcu_ram(struct rig_row *row)
{
	const struct rig_stat *stack = extra_stat(row, "stack_hwm_bytes");
	const struct rig_stat *heap = extra_stat(row, "heap_hwm_bytes");
	const struct rig_stat *in_static = extra_stat(row, "stack_in_static_bytes");
	double *v;
	size_t n;

	if (row->m[RIG_M_RAM].present || !stack || !stack->n)
		return;
	n = stack->n;
	v = rig_xcalloc(n, sizeof(double));
	for (size_t i = 0; i < n; i++)
		v[i] =
		    rig_mcu_ram_bytes(row->sizes.data_bytes + row->sizes.bss_bytes,
				      stack->values[i], heap && i < heap->n ? heap->values[i] : 0,
				      in_static && i < in_static->n ? in_static->values[i] : 0);
	set_stat(&row->m[RIG_M_RAM], v, n, "bytes", 1);
	free(v);
}

/* Ratio of medians and Mann-Whitney p of a against b, into out. */
static void ratio_of(struct rig_stat *out, const struct rig_stat *a, const struct rig_stat *b)
{
	if (!a->present || !b->present || b->s.median == 0)
		return;
	out->has_ratio = 1;
	out->ratio = a->s.median / b->s.median;
	out->p = rig_stats_mannwhitney_p(a->values, a->n, b->values, b->n);
	out->significant = out->p < 0.05;
	out->n_too_small = rig_stats_min_p(a->n, b->n) >= 0.05;
}

/* A WASI row against the native build of the same workload and profile on
 * the host board ("how much does running it as wasm cost here"). */
static void compare_native(struct rig_results *res)
{
	for (size_t i = 0; i < res->n; i++) {
		struct rig_row *row = &res->rows[i];

		if (strncmp(row->target, "wasip1/", 7) != 0)
			continue;
		for (size_t j = 0; j < res->n; j++) {
			const struct rig_row *nat = &res->rows[j];
			if (strcmp(nat->board, "host") != 0 ||
			    strcmp(nat->workload, row->workload) != 0 ||
			    strcmp(nat->profile, row->profile) != 0)
				continue;
			row->has_native = 1;
			for (int m = 0; m < RIG_M_COUNT; m++)
				ratio_of(&row->native[m], &row->m[m], &nat->m[m]);
		}
	}
}

static void compare(struct rig_row *row, const struct rig_row *base)
{
	row->has_base = 1;
	row->size_ratio = base->sizes.file_bytes
			      ? (double)row->sizes.file_bytes / (double)base->sizes.file_bytes
			      : 0;
	for (int m = 0; m < RIG_M_COUNT; m++)
		ratio_of(&row->m[m], &row->m[m], &base->m[m]);
}

int rig_results_load(struct rig_store *store, const struct rig_results_opts *o,
		     struct rig_results *out, struct rig_error *err)
{
	struct loader ld = {.o = o, .r = out};
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = rig_store_each_series(store, NULL, NULL, on_series, &ld, err)))
		return rc;
	for (size_t i = 0; i < out->n; i++)
		mcu_ram(&out->rows[i]);
	if ((rc = rig_results_merge_latency(store, out, err)))
		return rc;
	compare_native(out);
	if (!o->baseline)
		return 0;
	for (size_t i = 0; i < out->n; i++) {
		struct rig_row *row = &out->rows[i];
		for (size_t j = 0; j < out->n; j++) {
			const struct rig_row *b = &out->rows[j];
			if (strcmp(b->profile, o->baseline) == 0 &&
			    strcmp(b->board, row->board) == 0 &&
			    strcmp(b->workload, row->workload) == 0 &&
			    strcmp(b->load, row->load) == 0) {
				row->is_baseline = i == j;
				compare(row, b);
			}
		}
	}
	return 0;
}

static void stat_free(struct rig_stat *s) { free(s->values); }

void rig_results_free(struct rig_results *r)
{
	for (size_t i = 0; i < r->n; i++) {
		for (int m = 0; m < RIG_M_COUNT; m++)
			stat_free(&r->rows[i].m[m]);
		for (size_t k = 0; k < r->rows[i].n_extra; k++)
			stat_free(&r->rows[i].extra[k]);
		free(r->rows[i].extra);
		free(r->rows[i].extra_names);
	}
	free(r->rows);
	memset(r, 0, sizeof(*r));
}
