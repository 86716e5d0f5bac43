/* The one-file HTML report, see report_html.h. */
#include "report_html.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cells.h"
#include "conformance_print.h"
#include "format.h"
#include "history.h"
#include "html.h"
#include "load_report.h"
#include "results.h"
#include "stats.h"
#include "svg.h"

/* Inline, so the file needs nothing else; narrow screens scroll tables
 * sideways and scale charts down. */
static const char css[] =
    "body{font:14px/1.4 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0 auto;"
    "max-width:1100px;padding:8px 12px;color:#222}\n"
    "h1{font-size:1.5em;margin:.3em 0}h2{font-size:1.25em;border-bottom:1px solid #ccc;"
    "margin-top:1.6em}h3{font-size:1.05em;margin:1.2em 0 .3em}\n"
    ".meta,.legend{color:#555;font-size:.9em}nav a{margin-right:.8em}\n"
    ".scroll{overflow-x:auto}table{border-collapse:collapse;margin:.4em 0;font-size:.92em}\n"
    "th,td{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}\n"
    "th{background:#f4f4f4}td.num{text-align:right;white-space:nowrap}"
    "td.note{min-width:22em;font-size:.9em;color:#444}\n"
    ".better{background:#d7f0d7}.worse{background:#f6d5d5}.same{background:#eee}"
    ".base{background:#dde7f6}\n"
    ".chip{display:inline-block;padding:0 4px;margin:1px;border-radius:3px;"
    "white-space:nowrap}\n"
    ".charts{display:flex;flex-wrap:wrap;gap:8px}"
    ".chart{width:100%;max-width:640px;height:auto;background:#fff;border:1px solid #eee}\n"
    ".chart text{font-size:11px;fill:#333}.chart .ctitle{font-size:12px;font-weight:600}\n"
    ".chart .tick{font-size:10px;fill:#666}.chart .grid{stroke:#e4e4e4}\n"
    ".bar rect{fill:#9aa7b4}.bar.base rect{fill:#5b84c4}.bar.better rect{fill:#4c9a4c}"
    ".bar.worse rect{fill:#c65050}.bar.same rect{fill:#a9a9a9}\n"
    ".bar .ci,.strip .range{stroke:#222;stroke-width:1.2;fill:none}\n"
    ".strip .ci{fill:#c9d9ef;stroke:#5b84c4}.strip .median{stroke:#123;stroke-width:2}\n"
    ".strip .pt{fill:#234;opacity:.75}.strip .pt.outlier{fill:none;stroke:#c00;"
    "stroke-width:1.5;opacity:1}\n"
    ".history .band{fill:#c9d9ef;opacity:.8}.history .line{fill:none;stroke:#24508f;"
    "stroke-width:1.6}.history .pt{fill:#24508f}\n"
    ".spectrum .line{fill:none;stroke-width:1.6}.spectrum .s0 .line{stroke:#24508f}"
    ".spectrum .s1 .line{stroke:#c65050}.spectrum .s2 .line{stroke:#4c9a4c}"
    ".spectrum .s3 .line{stroke:#a0522d}.spectrum .s4 .line{stroke:#7b4fa0}"
    ".spectrum .s5 .line{stroke:#333}.spectrum .pt{fill:#333}\n"
    ".history .cp line{stroke:#c00;stroke-width:1.4;stroke-dasharray:4 3}"
    ".history .cp text{fill:#c00;font-weight:600}\n"
    "details{margin:.3em 0}summary{cursor:pointer}\n"
    "@media (max-width:600px){body{font-size:13px;padding:4px 6px}th,td{padding:2px 4px}}\n";

struct page {
	const struct rig_report_opts *o;
	struct rig_store *store;
	struct rig_results res;
	struct rig_runs runs;
	struct rig_history hist[3]; /* startup_ns, throughput, peak_rss_kib */
	struct rig_buf *b;
	struct rig_report_counts *n;
	struct rig_buf conf; /* the WASI conformance section, or empty */
};

static const char *const hist_metric[3] = {"startup_ns", "throughput", "peak_rss_kib"};

static int row_passes(const struct rig_report_opts *o, const char *board, const char *workload,
		      const char *profile)
{
	return rig_results_filter_has(o->boards, board) &&
	       rig_results_filter_has(o->workloads, workload) &&
	       rig_results_filter_has(o->profiles, profile);
}

/* "better", "worse", "same" (not significant) or "base" for a metric of a
 * row against the baseline; NULL when there is nothing to compare. */
static const char *verdict(const struct rig_row *r, const struct rig_stat *st, int higher)
{
	if (!st->present)
		return NULL;
	if (r->is_baseline)
		return "base";
	if (!st->has_ratio)
		return NULL;
	if (!st->significant)
		return "same";
	return (higher ? st->ratio > 1 : st->ratio < 1) ? "better" : "worse";
}

static void ratio_cell(struct rig_buf *b, const struct rig_row *r, const struct rig_stat *st,
		       int higher)
{
	const char *cls = verdict(r, st, higher);
	char txt[RIG_FMT_CAP];

	if (!cls) {
		rig_buf_appendf(b, "<td class=\"num\"></td>");
		return;
	}
	if (r->is_baseline)
		snprintf(txt, sizeof(txt), "base");
	else
		rig_fmt_ratio(txt, sizeof(txt), st->ratio, st->significant);
	rig_buf_appendf(b, "<td class=\"num %s\" title=\"p=%.3g\">", cls,
			st->has_ratio ? st->p : 1.0);
	rig_html_text(b, txt);
	if (!r->is_baseline && st->significant)
		rig_buf_appendf(b, " %s", st->ratio > 1 ? "&#9650;" : "&#9660;");
	rig_buf_appendf(b, "</td>");
}

static void num_cell(struct rig_buf *b, const char *text)
{
	rig_buf_appendf(b, "<td class=\"num\">");
	rig_html_text(b, text);
	rig_buf_appendf(b, "</td>");
}

/* The compiler x board overview: per profile and board, every workload's
 * startup ratio to the baseline as a chip coloured by significance. */
static void overview(struct page *p, const struct rig_strv *boards)
{
	struct rig_strv profiles = {0};
	struct rig_buf *b = p->b;

	for (size_t i = 0; i < p->res.n; i++)
		if (!rig_strv_has(&profiles, p->res.rows[i].profile))
			rig_strv_push(&profiles, p->res.rows[i].profile);
	rig_buf_appendf(b, "<h2 id=\"overview\">Compilers &times; boards</h2>\n<p class=\"legend\">"
			   "Startup time per workload as a ratio to the baseline profile");
	if (p->o->baseline) {
		rig_buf_appendf(b, " (");
		rig_html_text(b, p->o->baseline);
		rig_buf_appendf(b, ")");
	}
	rig_buf_appendf(b, "; green: significantly faster, red: significantly slower, grey ~: "
			   "not significant at 0.05 (Mann-Whitney U).</p>\n"
			   "<div class=\"scroll\"><table class=\"overview\"><tr><th>profile</th>");
	for (size_t k = 0; k < boards->n; k++) {
		rig_buf_appendf(b, "<th>");
		rig_html_text(b, boards->v[k]);
		rig_buf_appendf(b, "</th>");
	}
	rig_buf_appendf(b, "</tr>\n");
	for (size_t j = 0; j < profiles.n; j++) {
		rig_buf_appendf(b, "<tr><th>");
		rig_html_text(b, profiles.v[j]);
		rig_buf_appendf(b, "</th>");
		for (size_t k = 0; k < boards->n; k++) {
			rig_buf_appendf(b, "<td>");
			for (size_t i = 0; i < p->res.n; i++) {
				const struct rig_row *r = &p->res.rows[i];
				const struct rig_stat *st = &r->m[RIG_M_STARTUP];
				const char *cls = verdict(r, st, 0);
				char txt[RIG_FMT_CAP];
				if (strcmp(r->profile, profiles.v[j]) ||
				    strcmp(r->board, boards->v[k]))
					continue;
				if (r->is_baseline)
					snprintf(txt, sizeof(txt), "base");
				else if (st->has_ratio)
					rig_fmt_ratio(txt, sizeof(txt), st->ratio, st->significant);
				else
					rig_fmt_duration_ns(txt, sizeof(txt),
							    st->present ? st->s.median : NAN);
				rig_buf_appendf(b, "<span class=\"chip %s\">", cls ? cls : "");
				rig_html_text(b, r->workload);
				rig_buf_appendf(b, " ");
				rig_html_text(b, txt);
				rig_buf_appendf(b, "</span>");
			}
			rig_buf_appendf(b, "</td>");
		}
		rig_buf_appendf(b, "</tr>\n");
	}
	rig_buf_appendf(b, "</table></div>\n");
	rig_strv_free(&profiles);
}

static void board_table(struct page *p, const char *board)
{
	static const char *const head[] = {"workload", "profile",  "n",	      "startup",
					   "vs base",  "peak RAM", "vs base", "file/flash",
					   "vs base",  "ops/s",	   "vs base", "note"};
	struct rig_buf *b = p->b;

	rig_buf_appendf(b, "<div class=\"scroll\"><table class=\"cells\"><tr>");
	for (size_t i = 0; i < RIG_ARRAY_SIZE(head); i++)
		rig_buf_appendf(b, "<th>%s</th>", head[i]);
	rig_buf_appendf(b, "</tr>\n");
	for (size_t i = 0; i < p->res.n; i++) {
		const struct rig_row *r = &p->res.rows[i];
		char t[160], nt[320];
		if (strcmp(r->board, board))
			continue;
		p->n->cells++;
		rig_buf_appendf(b, "<tr class=\"cell\" data-board=\"");
		rig_html_text(b, r->board);
		rig_buf_appendf(b, "\" data-workload=\"");
		rig_html_text(b, r->workload);
		rig_buf_appendf(b, "\" data-profile=\"");
		rig_html_text(b, r->profile);
		rig_buf_appendf(b, "\">");
		rig_html_elem(b, "td", NULL, r->workload);
		rig_html_elem(b, "td", NULL, r->profile);
		snprintf(t, sizeof(t), "%d%s", r->n_ok, r->n_failed ? "+" : "");
		if (r->n_failed)
			snprintf(t, sizeof(t), "%d (+%d failed)", r->n_ok, r->n_failed);
		num_cell(b, t);
		rig_results_stat_text(t, sizeof(t), &r->m[RIG_M_STARTUP], "ns");
		num_cell(b, t);
		ratio_cell(b, r, &r->m[RIG_M_STARTUP], 0);
		rig_results_stat_text(t, sizeof(t), &r->m[RIG_M_RAM], "B");
		num_cell(b, t);
		ratio_cell(b, r, &r->m[RIG_M_RAM], 0);
		rig_fmt_bytes(t, sizeof(t),
			      strncmp(r->target, "none/", 5) == 0 ? (double)r->flash_bytes
								  : (double)r->sizes.file_bytes);
		num_cell(b, t);
		if (r->is_baseline)
			rig_buf_appendf(b, "<td class=\"num base\">base</td>");
		else if (r->has_base && r->size_ratio > 0)
			rig_buf_appendf(b, "<td class=\"num %s\">%.3gx</td>",
					r->size_ratio < 1   ? "better"
					: r->size_ratio > 1 ? "worse"
							    : "same",
					r->size_ratio);
		else
			rig_buf_appendf(b, "<td></td>");
		rig_results_stat_text(t, sizeof(t), &r->m[RIG_M_OPS], "ops/s");
		num_cell(b, t);
		ratio_cell(b, r, &r->m[RIG_M_OPS], 1);
		rig_results_note(nt, sizeof(nt), r);
		rig_html_elem(b, "td", "note", nt);
		rig_buf_appendf(b, "</tr>\n");
	}
	rig_buf_appendf(b, "</table></div>\n");
}

/* One bar chart of a row metric over the profiles of board + workload. */
static void bars_for(struct page *p, const char *board, const char *workload, int m,
		     const char *what, const char *unit, int higher)
{
	struct rig_svg_bar bars[64];
	char title[160];
	size_t n = 0;

	for (size_t i = 0; i < p->res.n && n < RIG_ARRAY_SIZE(bars); i++) {
		const struct rig_row *r = &p->res.rows[i];
		const struct rig_stat *st = &r->m[m];
		if (strcmp(r->board, board) || strcmp(r->workload, workload) || !st->present)
			continue;
		bars[n++] = (struct rig_svg_bar){.label = r->profile,
						 .value = st->s.median,
						 .lo = st->s.ci_lo,
						 .hi = st->s.ci_hi,
						 .has_ci = st->s.n >= 2,
						 .cls = verdict(r, st, higher)};
	}
	if (!n)
		return;
	snprintf(title, sizeof(title), "%s: %s, median and 95%% CI", workload, what);
	rig_svg_bars(p->b, title, unit, bars, n);
	p->n->charts++;
}

static const struct rig_stat *extra_of(const struct rig_row *r, const char *name)
{
	for (size_t k = 0; k < r->n_extra; k++)
		if (strcmp(r->extra_names[k], name) == 0 && r->extra[k].present)
			return &r->extra[k];
	return NULL;
}

/* Load workloads (rig_load_result_to_sample): requests per second per
 * profile, and the latency spectrum (p50 ... p99.99, corrected for
 * coordinated omission in the rate model) with a line per profile. */
static void load_charts(struct page *p, const char *board, const char *workload)
{
	struct rig_svg_bar bars[64];
	struct rig_svg_series series[64];
	double(*lat)[RIG_LOAD_N_PCT] = rig_xcalloc(p->res.n + 1, sizeof(*lat));
	const char *xl[RIG_LOAD_N_PCT] = {"p50", "p90", "p99", "p99.9", "p99.99"};
	char title[160];
	size_t nb = 0, ns = 0;

	for (size_t i = 0; i < p->res.n && nb < RIG_ARRAY_SIZE(bars); i++) {
		const struct rig_row *r = &p->res.rows[i];
		const struct rig_stat *q = extra_of(r, "qps");
		const struct rig_row *base = NULL;
		int any = 0;

		if (strcmp(r->board, board) || strcmp(r->workload, workload))
			continue;
		for (size_t j = 0; j < p->res.n && p->o->baseline; j++)
			if (strcmp(p->res.rows[j].board, board) == 0 &&
			    strcmp(p->res.rows[j].workload, workload) == 0 &&
			    strcmp(p->res.rows[j].profile, p->o->baseline) == 0)
				base = &p->res.rows[j];
		if (q) {
			const struct rig_stat *bq = base ? extra_of(base, "qps") : NULL;
			const char *cls = r == base ? "base" : NULL;
			if (bq && r != base) {
				double pv =
				    rig_stats_mannwhitney_p(q->values, q->n, bq->values, bq->n);
				cls = !(pv < 0.05)		   ? "same"
				      : q->s.median > bq->s.median ? "better"
								   : "worse";
			}
			bars[nb++] = (struct rig_svg_bar){r->profile, q->s.median, q->s.ci_lo,
							  q->s.ci_hi, q->s.n >= 2, cls};
		}
		for (int k = 0; k < RIG_LOAD_N_PCT; k++) {
			char name[24];
			const struct rig_stat *st;
			snprintf(name, sizeof(name), "%s_us", rig_load_pct_names[k]);
			st = extra_of(r, name);
			lat[ns][k] = st ? st->s.median : NAN;
			any |= st != NULL;
		}
		if (any)
			series[ns] = (struct rig_svg_series){r->profile, lat[ns]}, ns++;
	}
	if (nb) {
		snprintf(title, sizeof(title), "%s: requests per second, median and 95%% CI",
			 workload);
		rig_svg_bars(p->b, title, "req/s", bars, nb);
		p->n->charts++;
	}
	if (ns) {
		snprintf(title, sizeof(title), "%s: latency by percentile (median over samples)",
			 workload);
		rig_svg_spectrum(p->b, title, "us", xl, RIG_LOAD_N_PCT, series, ns);
		p->n->charts++;
	}
	free(lat);
}

static void size_bars(struct page *p, const char *board, const char *workload)
{
	struct rig_svg_bar bars[64];
	char title[160];
	size_t n = 0;

	for (size_t i = 0; i < p->res.n && n < RIG_ARRAY_SIZE(bars); i++) {
		const struct rig_row *r = &p->res.rows[i];
		double v = strncmp(r->target, "none/", 5) == 0 ? (double)r->flash_bytes
							       : (double)r->sizes.file_bytes;
		if (strcmp(r->board, board) || strcmp(r->workload, workload) || v <= 0)
			continue;
		bars[n++] =
		    (struct rig_svg_bar){.label = r->profile,
					 .value = v,
					 .cls = r->is_baseline			     ? "base"
						: !r->has_base || r->size_ratio == 1 ? "same"
						: r->size_ratio < 1		     ? "better"
										     : "worse"};
	}
	if (!n)
		return;
	snprintf(title, sizeof(title), "%s: file or flash size (exact)", workload);
	rig_svg_bars(p->b, title, "B", bars, n);
	p->n->charts++;
}

static void strip_for(struct page *p, const char *board, const char *workload)
{
	struct rig_svg_strip_row rows[64];
	char title[160];
	size_t n = 0;

	for (size_t i = 0; i < p->res.n && n < RIG_ARRAY_SIZE(rows); i++) {
		const struct rig_row *r = &p->res.rows[i];
		const struct rig_stat *st = &r->m[RIG_M_STARTUP];
		if (strcmp(r->board, board) || strcmp(r->workload, workload) || !st->present)
			continue;
		rows[n++] = (struct rig_svg_strip_row){r->profile, st->values, st->n};
	}
	if (!n)
		return;
	snprintf(title, sizeof(title), "%s: startup, every sample (box: 95%% CI of the median)",
		 workload);
	rig_svg_strip(p->b, title, "ns", rows, n);
	p->n->charts++;
}

static void run_label(const struct rig_run_info *r, char *out, size_t cap)
{
	char date[32] = "";
	time_t t = (time_t)r->started;
	struct tm tm;

	if (r->started > 0 && gmtime_r(&t, &tm))
		strftime(date, sizeof(date), "%m-%d %H:%M", &tm);
	if (r->label[0])
		snprintf(out, cap, "%s %s", r->label, date);
	else
		snprintf(out, cap, "run %lld %s", (long long)r->run_id, date);
}

/* History lines of board + workload: one chart per profile and metric with
 * at least two runs. */
static void history_for(struct page *p, const char *board, const char *workload)
{
	static const char *const what[3] = {"startup", "ops/s", "peak RSS"};

	for (size_t h = 0; h < RIG_ARRAY_SIZE(p->hist); h++) {
		for (size_t i = 0; i < p->hist[h].n; i++) {
			const struct rig_hist_series *s = &p->hist[h].s[i];
			struct rig_svg_hpoint *pts;
			char(*labels)[160], title[200];

			if (strcmp(s->board, board) || strcmp(s->workload, workload) || s->n < 2 ||
			    !rig_results_filter_has(p->o->profiles, s->profile))
				continue;
			pts = rig_xcalloc(s->n, sizeof(*pts));
			labels = rig_xcalloc(s->n, sizeof(*labels));
			for (size_t k = 0; k < s->n; k++) {
				run_label(&s->pt[k].run, labels[k], sizeof(labels[k]));
				pts[k] =
				    (struct rig_svg_hpoint){.median = s->pt[k].s.median,
							    .lo = s->pt[k].s.ci_lo,
							    .hi = s->pt[k].s.ci_hi,
							    .change_point = s->pt[k].change_point,
							    .shift = s->pt[k].shift,
							    .label = labels[k]};
				p->n->change_points += s->pt[k].change_point != 0;
			}
			snprintf(title, sizeof(title), "%s %s: %s over %zu runs (band: 95%% CI)",
				 workload, s->profile, what[h], s->n);
			rig_svg_history(p->b, title, s->unit, pts, s->n);
			p->n->charts++;
			p->n->history_lines++;
			free(pts);
			free(labels);
		}
	}
}

static void board_section(struct page *p, const char *board)
{
	struct rig_strv workloads = {0};
	struct rig_buf *b = p->b;

	rig_buf_appendf(b, "<section class=\"board\"><h2>Board ");
	rig_html_text(b, board);
	rig_buf_appendf(b, "</h2>\n");
	board_table(p, board);
	for (size_t i = 0; i < p->res.n; i++)
		if (strcmp(p->res.rows[i].board, board) == 0 &&
		    !rig_strv_has(&workloads, p->res.rows[i].workload))
			rig_strv_push(&workloads, p->res.rows[i].workload);
	for (size_t w = 0; w < workloads.n; w++) {
		const char *wl = workloads.v[w];
		rig_buf_appendf(b, "<h3>");
		rig_html_text(b, board);
		rig_buf_appendf(b, " &middot; ");
		rig_html_text(b, wl);
		rig_buf_appendf(b, "</h3>\n<div class=\"charts\">\n");
		bars_for(p, board, wl, RIG_M_STARTUP, "startup", "ns", 0);
		bars_for(p, board, wl, RIG_M_OPS, "throughput", "ops/s", 1);
		bars_for(p, board, wl, RIG_M_RAM, "peak RAM", "B", 0);
		size_bars(p, board, wl);
		load_charts(p, board, wl);
		strip_for(p, board, wl);
		history_for(p, board, wl);
		rig_buf_appendf(b, "</div>\n");
	}
	rig_buf_appendf(b, "</section>\n");
	rig_strv_free(&workloads);
}

/* The environments the shown runs were measured in (newest run per cell). */
static int environments(struct page *p, struct rig_error *err)
{
	int64_t *envs = rig_xcalloc(p->res.n + 1, sizeof(*envs));
	size_t n_env = 0;
	int rc = 0;

	for (size_t i = 0; i < p->res.n; i++) {
		const struct rig_row *r = &p->res.rows[i];
		int64_t env = 0;
		for (size_t k = 0; k < p->runs.n; k++) {
			const struct rig_run_info *ri = &p->runs.v[k];
			if (strcmp(ri->board, r->board) == 0 &&
			    strcmp(ri->workload, r->workload) == 0 &&
			    strcmp(ri->profile, r->profile) == 0)
				env = ri->env_id; /* oldest first: the last is the newest */
		}
		int seen = 0;
		for (size_t k = 0; k < n_env; k++)
			seen |= envs[k] == env;
		if (env && !seen)
			envs[n_env++] = env;
	}
	rig_buf_appendf(p->b, "<h2 id=\"environment\">Environment</h2>\n");
	for (size_t k = 0; k < n_env && !rc; k++) {
		struct rig_kvlist facts = {0};
		if ((rc = rig_store_env_facts(p->store, envs[k], &facts, err)))
			break;
		rig_buf_appendf(p->b,
				"<details class=\"env\"%s><summary>environment %lld (%zu facts)"
				"</summary><div class=\"scroll\"><table>",
				k == 0 ? " open" : "", (long long)envs[k], facts.n);
		for (size_t i = 0; i < facts.n; i++) {
			rig_buf_appendf(p->b, "<tr>");
			rig_html_elem(p->b, "th", NULL, facts.v[i].key);
			rig_html_elem(p->b, "td", NULL, facts.v[i].value);
			rig_buf_appendf(p->b, "</tr>\n");
		}
		rig_buf_appendf(p->b, "</table></div></details>\n");
		rig_kv_free(&facts);
	}
	free(envs);
	return rc;
}

struct skip_list {
	struct page *p;
	struct rig_buf rows;
};

static int on_skip(void *ctx, const struct rig_skip *sk)
{
	struct skip_list *sl = ctx;
	struct page *p = sl->p;

	if (!row_passes(p->o, sk->board, sk->workload, sk->profile))
		return 0;
	for (size_t i = 0; i < p->res.n; i++) /* measured since: not skipped */
		if (strcmp(p->res.rows[i].board, sk->board) == 0 &&
		    strcmp(p->res.rows[i].workload, sk->workload) == 0 &&
		    strcmp(p->res.rows[i].profile, sk->profile) == 0)
			return 0;
	p->n->skipped++;
	rig_buf_appendf(&sl->rows, "<tr class=\"skip\">");
	rig_html_elem(&sl->rows, "td", NULL, sk->board);
	rig_html_elem(&sl->rows, "td", NULL, sk->workload);
	rig_html_elem(&sl->rows, "td", NULL, sk->profile);
	rig_html_elem(&sl->rows, "td", NULL, sk->reason);
	rig_buf_appendf(&sl->rows, "</tr>\n");
	return 0;
}

static int skipped(struct page *p, struct rig_error *err)
{
	struct skip_list sl = {.p = p};
	int rc = rig_store_each_skip(p->store, 1, on_skip, &sl, err);

	rig_buf_appendf(p->b, "<h2 id=\"skipped\">Skipped cells</h2>\n");
	if (!sl.rows.len)
		rig_buf_appendf(p->b, "<p>None.</p>\n");
	else
		rig_buf_appendf(p->b,
				"<div class=\"scroll\"><table class=\"skips\"><tr><th>board</th>"
				"<th>workload</th><th>profile</th><th>reason</th></tr>\n%s"
				"</table></div>\n",
				sl.rows.data);
	rig_buf_free(&sl.rows);
	return rc;
}

static void head(struct page *p, const struct rig_strv *boards)
{
	const char *title = p->o->title ? p->o->title : "rig report";
	struct rig_buf *b = p->b;
	char when[64] = "";

	if (p->o->now > 0) {
		time_t t = (time_t)p->o->now;
		struct tm tm;
		if (gmtime_r(&t, &tm))
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", &tm);
	}
	rig_buf_appendf(b,
			"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
			"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
			"<meta name=\"generator\" content=\"rig " RIG_VERSION "\">\n<title>");
	rig_html_text(b, title);
	rig_buf_appendf(b, "</title>\n<style>\n%s</style></head>\n<body>\n<header><h1>", css);
	rig_html_text(b, title);
	rig_buf_appendf(b, "</h1><p class=\"meta\">");
	rig_html_textf(b, "%zu cells on %zu boards, %zu runs stored", p->res.n, boards->n,
		       p->runs.n);
	if (when[0])
		rig_html_textf(b, "; written %s", when);
	rig_buf_appendf(b, " by rig " RIG_VERSION ".</p>\n<nav><a href=\"#overview\">overview</a>");
	for (size_t k = 0; k < boards->n; k++) {
		rig_buf_appendf(b, "<a href=\"#b-");
		rig_html_textf(b, "%zu", k);
		rig_buf_appendf(b, "\">");
		rig_html_text(b, boards->v[k]);
		rig_buf_appendf(b, "</a>");
	}
	if (p->conf.len)
		rig_buf_appendf(b, "<a href=\"#conformance\">conformance</a>");
	rig_buf_appendf(b, "<a href=\"#environment\">environment</a>"
			   "<a href=\"#skipped\">skipped</a></nav></header>\n");
}

static void legend(struct rig_buf *b)
{
	static const char text[] =
	    "<h2 id=\"reading\">How to read this</h2>\n<p class=\"legend\">Each cell is the "
	    "newest run of a board, workload and profile. Values are medians with the 95% "
	    "distribution-free CI of the median in brackets (order statistics). Ratios are "
	    "to the baseline profile on the same board and workload; their colour says "
	    "whether the Mann-Whitney U test finds the difference significant at 0.05 "
	    "(&#9650;/&#9660; the direction; ~ not significant; sizes are exact). Strip plots "
	    "show every sample; outliers by modified z-score above 3.5 are ringed in red. "
	    "History lines show the median of each run with its CI as a band; dashed red "
	    "lines mark change points found by E-Divisive means over the run medians "
	    "(permutation test, alpha 0.05), with the shift of the segment median.</p>\n";

	rig_buf_append(b, text, sizeof(text) - 1);
}

int rig_report_html(struct rig_store *store, const struct rig_report_opts *o, struct rig_buf *out,
		    struct rig_report_counts *counts, struct rig_error *err)
{
	struct rig_report_counts local = {0};
	struct page p = {.o = o, .store = store, .b = out, .n = counts ? counts : &local};
	struct rig_results_opts ro = {.boards = o->boards,
				      .workloads = o->workloads,
				      .profiles = o->profiles,
				      .baseline = o->baseline};
	struct rig_strv boards = {0};
	int rc;

	memset(p.n, 0, sizeof(*p.n));
	if ((rc = rig_results_load(store, &ro, &p.res, err)))
		return rc;
	if ((rc = rig_runs_load(store, &p.runs, err)))
		goto done;
	for (size_t h = 0; h < RIG_ARRAY_SIZE(p.hist) && !rc; h++) {
		struct rig_hist_filter hf = {.metric = hist_metric[h], .last = o->last};
		rc = rig_history_load(store, &p.runs, &hf, &p.hist[h], err);
	}
	if (rc)
		goto done;
	for (size_t i = 0; i < p.res.n; i++)
		if (!rig_strv_has(&boards, p.res.rows[i].board))
			rig_strv_push(&boards, p.res.rows[i].board);
	{
		struct rig_conf_print_opts co = {.boards = o->boards, .reasons = 1};
		rig_conf_matrix_html(store, &co, &p.conf);
	}
	head(&p, &boards);
	if (!p.res.n)
		rig_buf_appendf(out, "<p>No results stored yet (run rig bench).</p>\n");
	else
		overview(&p, &boards);
	for (size_t k = 0; k < boards.n; k++) {
		rig_buf_appendf(out, "<a id=\"b-%zu\"></a>", k);
		board_section(&p, boards.v[k]);
	}
	if (p.conf.len)
		rig_buf_append(out, p.conf.data, p.conf.len);
	if (!(rc = environments(&p, err)))
		rc = skipped(&p, err);
	legend(out);
	rig_buf_appendf(out, "</body></html>\n");
done:
	rig_buf_free(&p.conf);
	for (size_t h = 0; h < RIG_ARRAY_SIZE(p.hist); h++)
		rig_history_free(&p.hist[h]);
	rig_runs_free(&p.runs);
	rig_results_free(&p.res);
	rig_strv_free(&boards);
	return rc;
}
