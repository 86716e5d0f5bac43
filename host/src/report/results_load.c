/*
 * The "under load" table: rows of service workloads benched with --load
 * (those with a qps metric), one per (cell, load spec), after the main
 * table. Per row: the load spec, QPS (median of the samples' request
 * rates, with its CI, and the ratio to the baseline profile's under the
 * same spec), QPS CV (median of the samples' per-second coefficients of
 * variation), P50/P99/P99.9 latency (rate model: corrected for coordinated
 * omission) from the samples' histograms merged, as if one long sample
 * (never an average of percentiles; stores without histograms: the median
 * of the samples' percentiles, marked), errors (total over all samples)
 * and the server's peak RSS under load. Also the merging itself.
 */
#include <stdio.h>
#include <string.h>

#include "cells.h"
#include "format.h"
#include "hist.h"
#include "load_report.h"
#include "results.h"
#include "stats.h"
#include "store_runs.h"
#include "table.h"

int rig_results_merge_latency(struct rig_store *store, struct rig_results *res,
			      struct rig_error *err)
{
	for (size_t i = 0; i < res->n; i++) {
		struct rig_row *r = &res->rows[i];
		struct rig_hist *h;
		int n;

		if (!r->load[0])
			continue;
		h = rig_hist_new();
		n = rig_run_latency_merge(store, r->run_id, h, err);
		if (n < 0 && n != RIG_ERR_NOT_SUPPORTED) {
			rig_hist_free(h);
			return n;
		}
		r->merged_n = n > 0 ? n : 0;
		if (r->merged_n) {
			r->merged_us[0] = (double)rig_hist_percentile(h, 50) / 1e3;
			r->merged_us[1] = (double)rig_hist_percentile(h, 99) / 1e3;
			r->merged_us[2] = (double)rig_hist_percentile(h, 99.9) / 1e3;
			r->merged_us[3] = (double)rig_hist_max(h) / 1e3;
		}
		rig_hist_free(h);
	}
	return 0;
}

static const struct rig_stat *stat_of(const struct rig_row *r, const char *name)
{
	for (size_t i = 0; i < r->n_extra; i++)
		if (strcmp(r->extra_names[i], name) == 0 && r->extra[i].present)
			return &r->extra[i];
	return NULL;
}

static const struct rig_row *base_of(const struct rig_results *res, const struct rig_row *r)
{
	for (size_t i = 0; i < res->n; i++) {
		const struct rig_row *b = &res->rows[i];
		if (b->is_baseline && strcmp(b->board, r->board) == 0 &&
		    strcmp(b->workload, r->workload) == 0 && strcmp(b->load, r->load) == 0)
			return b;
	}
	return NULL;
}

/* k: 0 p50, 1 p99, 2 p99.9; merged when the histograms are stored, else
 * the median of the samples' percentiles followed by '~' */
static void cell_latency(char *out, size_t cap, const struct rig_row *r, int k, const char *name)
{
	const struct rig_stat *st = stat_of(r, name);
	char v[RIG_FMT_CAP];

	if (r->merged_n) {
		rig_fmt_duration_ns(out, cap, r->merged_us[k] * 1000.0);
	} else if (!st) {
		snprintf(out, cap, "-");
	} else {
		rig_fmt_duration_ns(v, sizeof(v), st->s.median * 1000.0);
		snprintf(out, cap, "%s~", v);
	}
}

static void cell_qps(char *out, size_t cap, char *ratio, size_t rcap, const struct rig_results *res,
		     const struct rig_row *r)
{
	const struct rig_stat *q = stat_of(r, "qps"), *bq;
	const struct rig_row *b = base_of(res, r);
	char med[RIG_FMT_CAP], lo[RIG_FMT_CAP], hi[RIG_FMT_CAP];

	ratio[0] = '\0';
	rig_fmt_value(med, sizeof(med), q->s.median, "req/s");
	if (q->s.n >= 2) {
		rig_fmt_value(lo, sizeof(lo), q->s.ci_lo, "req/s");
		rig_fmt_value(hi, sizeof(hi), q->s.ci_hi, "req/s");
		snprintf(out, cap, "%s [%s, %s]", med, lo, hi);
	} else {
		snprintf(out, cap, "%s", med);
	}
	if (r->is_baseline) {
		snprintf(ratio, rcap, "base");
	} else if (b && (bq = stat_of(b, "qps")) && bq->s.median > 0) {
		double p = rig_stats_mannwhitney_p(q->values, q->n, bq->values, bq->n);
		rig_fmt_ratio(ratio, rcap, q->s.median / bq->s.median, p < 0.05);
	}
}

void rig_results_print_load(const struct rig_results *res, FILE *f, int is_tty)
{
	static const struct {
		const char *name;
		enum rig_align align;
	} cols[] = {
	    {"BOARD", RIG_ALIGN_LEFT},	     {"WORKLOAD", RIG_ALIGN_LEFT},
	    {"PROFILE", RIG_ALIGN_LEFT},     {"LOAD", RIG_ALIGN_LEFT},
	    {"N", RIG_ALIGN_RIGHT},	     {"QPS", RIG_ALIGN_RIGHT},
	    {"vs base", RIG_ALIGN_RIGHT},    {"QPS CV", RIG_ALIGN_RIGHT},
	    {"P50", RIG_ALIGN_RIGHT},	     {"P99", RIG_ALIGN_RIGHT},
	    {"P99.9", RIG_ALIGN_RIGHT},	     {"ERRORS", RIG_ALIGN_RIGHT},
	    {"SERVER RSS", RIG_ALIGN_RIGHT}, {"NOTE", RIG_ALIGN_LEFT},
	};
	struct rig_table *t = NULL;
	struct rig_buf out = {0};

	for (size_t i = 0; i < res->n; i++) {
		const struct rig_row *r = &res->rows[i];
		const struct rig_stat *cv = stat_of(r, "qps_cv"), *er = stat_of(r, "errors");
		char n[16], qps[96], qr[RIG_FMT_CAP], cvs[32], p50[RIG_FMT_CAP], p99[RIG_FMT_CAP],
		    p999[RIG_FMT_CAP], errs[32], rss[RIG_FMT_CAP], nt[320];
		double total = 0;

		if (!stat_of(r, "qps"))
			continue;
		if (!t) {
			t = rig_table_new();
			for (size_t k = 0; k < RIG_ARRAY_SIZE(cols); k++)
				rig_table_add_column(t, cols[k].name, cols[k].align);
		} else if (strcmp(r->board, res->rows[i - 1].board)) {
			rig_table_add_separator(t);
		}
		snprintf(n, sizeof(n), "%d", r->n_ok);
		cell_qps(qps, sizeof(qps), qr, sizeof(qr), res, r);
		snprintf(cvs, sizeof(cvs), "%s", "-");
		if (cv)
			snprintf(cvs, sizeof(cvs), "%.3f", cv->s.median);
		cell_latency(p50, sizeof(p50), r, 0, "p50_us");
		cell_latency(p99, sizeof(p99), r, 1, "p99_us");
		cell_latency(p999, sizeof(p999), r, 2, "p999_us");
		for (size_t k = 0; er && k < er->n; k++)
			total += er->values[k];
		snprintf(errs, sizeof(errs), "%s", "-");
		if (er)
			snprintf(errs, sizeof(errs), "%.0f", total);
		if (r->m[RIG_M_RAM].present)
			rig_fmt_bytes(rss, sizeof(rss), r->m[RIG_M_RAM].s.median);
		else
			snprintf(rss, sizeof(rss), "-");
		rig_results_note(nt, sizeof(nt), r);
		const char *cells[] = {
		    r->board, r->workload, r->profile, r->load[0] ? r->load : "-",
		    n,	      qps,	   qr,	       cvs,
		    p50,      p99,	   p999,       errs,
		    rss,      nt};
		rig_table_add_row(t, cells, RIG_ARRAY_SIZE(cells));
	}
	if (!t)
		return;
	fprintf(f, "\nunder load:\n");
	rig_table_render(t, is_tty ? RIG_TABLE_ALIGNED : RIG_TABLE_TSV, &out);
	if (out.data)
		fputs(out.data, f);
	rig_buf_free(&out);
	rig_table_free(t);
	if (is_tty)
		fprintf(
		    f,
		    "\nQPS: median of the samples' request rates [95%% CI]; QPS CV: median "
		    "coefficient of variation of each sample's per-second counts; P50/P99/P99.9: "
		    "percentiles of the samples' latency histograms merged (rate model: from "
		    "the intended send; '~': no histograms stored, median of the samples' "
		    "percentiles); ERRORS: all samples; SERVER RSS: the server's peak RSS "
		    "over its life under load (docs/load.md).\n");
}
