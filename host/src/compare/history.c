/* History of a metric over runs: see history.h. */
#include "history.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "format.h"
#include "table.h"

#define CP_ALPHA 0.05
#define CP_PERMUTATIONS 199
#define CP_MIN_SIZE 2
#define CP_MAX 16

static int pass(const char *want, const char *have) { return !want || strcmp(want, have) == 0; }

static struct rig_hist_series *series_for(struct rig_history *h, const struct rig_run_info *r,
					  const char *metric)
{
	struct rig_hist_series *s;

	for (size_t i = 0; i < h->n; i++) {
		s = &h->s[i];
		if (strcmp(s->board, r->board) == 0 && strcmp(s->workload, r->workload) == 0 &&
		    strcmp(s->profile, r->profile) == 0 && strcmp(s->target, r->target) == 0 &&
		    strcmp(s->metric, metric) == 0)
			return s;
	}
	h->s = rig_xrealloc(h->s, (h->n + 1) * sizeof(*h->s));
	s = &h->s[h->n++];
	memset(s, 0, sizeof(*s));
	snprintf(s->board, sizeof(s->board), "%s", r->board);
	snprintf(s->workload, sizeof(s->workload), "%s", r->workload);
	snprintf(s->profile, sizeof(s->profile), "%s", r->profile);
	snprintf(s->target, sizeof(s->target), "%s", r->target);
	snprintf(s->metric, sizeof(s->metric), "%s", metric);
	return s;
}

static double median_of(const struct rig_hist_point *p, size_t from, size_t to)
{
	double *m = rig_xcalloc(to - from + 1, sizeof(double));
	struct rig_summary s;
	for (size_t i = from; i < to; i++)
		m[i - from] = p[i].s.median;
	rig_stats_summary(m, to - from, &s);
	free(m);
	return s.median;
}

void rig_history_changepoints(struct rig_hist_series *s)
{
	double *med, pv[CP_MAX];
	size_t idx[CP_MAX];
	int k;

	if (s->n < 2 * CP_MIN_SIZE)
		return;
	med = rig_xcalloc(s->n, sizeof(double));
	for (size_t i = 0; i < s->n; i++)
		med[i] = s->pt[i].s.median;
	k = rig_stats_changepoints(med, s->n, CP_ALPHA, CP_PERMUTATIONS, CP_MIN_SIZE, idx, pv,
				   CP_MAX);
	for (int i = 0; i < k; i++) {
		size_t at = idx[i], prev = i ? idx[i - 1] : 0, next = i + 1 < k ? idx[i + 1] : s->n;
		double before = median_of(s->pt, prev, at), after = median_of(s->pt, at, next);
		s->pt[at].change_point = 1;
		s->pt[at].cp_p = pv[i];
		s->pt[at].shift = before != 0 ? after / before - 1.0 : NAN;
	}
	free(med);
}

int rig_history_load(struct rig_store *store, const struct rig_runs *runs,
		     const struct rig_hist_filter *f, struct rig_history *out,
		     struct rig_error *err)
{
	const char *metric = f->metric ? f->metric : "startup_ns";
	int rc = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < runs->n; i++) {
		const struct rig_run_info *r = &runs->v[i];
		struct rig_cell c;
		const struct rig_cell_metric *m;

		if (!pass(f->board, r->board) || !pass(f->workload, r->workload) ||
		    !pass(f->profile, r->profile) || !pass(f->label, r->label) || !r->n_ok)
			continue;
		if ((rc = rig_cell_load(store, r, &c, err)))
			break;
		if ((m = rig_cell_metric(&c, metric)) && m->n) {
			struct rig_hist_series *s = series_for(out, r, metric);
			struct rig_hist_point *p;
			s->pt = rig_xrealloc(s->pt, (s->n + 1) * sizeof(*s->pt));
			p = &s->pt[s->n++];
			memset(p, 0, sizeof(*p));
			p->run = *r;
			p->v = rig_xcalloc(m->n, sizeof(double));
			memcpy(p->v, m->v, m->n * sizeof(double));
			p->n = m->n;
			rig_stats_summary(p->v, p->n, &p->s);
			snprintf(s->unit, sizeof(s->unit), "%s", m->unit);
		}
		rig_cell_free(&c);
	}
	if (rc) {
		rig_history_free(out);
		return rc;
	}
	for (size_t i = 0; i < out->n; i++) {
		struct rig_hist_series *s = &out->s[i];
		if (f->last && s->n > f->last) {
			size_t drop = s->n - f->last;
			for (size_t k = 0; k < drop; k++)
				free(s->pt[k].v);
			memmove(s->pt, s->pt + drop, f->last * sizeof(*s->pt));
			s->n = f->last;
		}
		rig_history_changepoints(s);
	}
	return 0;
}

void rig_history_free(struct rig_history *h)
{
	for (size_t i = 0; i < h->n; i++) {
		for (size_t k = 0; k < h->s[i].n; k++)
			free(h->s[i].pt[k].v);
		free(h->s[i].pt);
	}
	free(h->s);
	memset(h, 0, sizeof(*h));
}

static const char *date_of(int64_t t, char *buf, size_t cap)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(buf, cap, "%Y-%m-%d %H:%M", &tm);
	return buf;
}

static void print_table(const struct rig_history *h, int is_tty, FILE *f)
{
	static const char *const cols[] = {"BOARD", "WORKLOAD",	   "PROFILE", "METRIC",
					   "RUN",   "DATE (UTC)",  "LABEL",   "COMMIT",
					   "N",	    "MEDIAN [CI]", "VS PREV", "CHANGE POINT"};
	struct rig_table *t = rig_table_new();
	struct rig_buf out = {0};

	for (size_t i = 0; i < RIG_ARRAY_SIZE(cols); i++)
		rig_table_add_column(t, cols[i],
				     i == 4 || i == 8 || i == 9 || i == 10 ? RIG_ALIGN_RIGHT
									   : RIG_ALIGN_LEFT);
	for (size_t i = 0; i < h->n; i++) {
		const struct rig_hist_series *s = &h->s[i];
		if (i)
			rig_table_add_separator(t);
		for (size_t k = 0; k < s->n; k++) {
			const struct rig_hist_point *p = &s->pt[k];
			char run[24], date[32], n[16], med[96], m[RIG_FMT_CAP], lo[RIG_FMT_CAP],
			    hi[RIG_FMT_CAP], vs[24], cp[64];
			snprintf(run, sizeof(run), "%lld", (long long)p->run.run_id);
			snprintf(n, sizeof(n), "%zu", p->n);
			snprintf(med, sizeof(med), "%s [%s, %s]",
				 rig_fmt_value(m, sizeof(m), p->s.median, s->unit),
				 rig_fmt_value(lo, sizeof(lo), p->s.ci_lo, s->unit),
				 rig_fmt_value(hi, sizeof(hi), p->s.ci_hi, s->unit));
			if (k && s->pt[k - 1].s.median != 0)
				snprintf(vs, sizeof(vs), "%+.1f%%",
					 (p->s.median / s->pt[k - 1].s.median - 1) * 100);
			else
				vs[0] = '\0';
			if (p->change_point)
				snprintf(cp, sizeof(cp), "<- %+.1f%% (p=%.3f)", p->shift * 100,
					 p->cp_p);
			else
				cp[0] = '\0';
			char commit[13];
			snprintf(commit, sizeof(commit), "%.12s", p->run.commit);
			const char *cells[] = {
			    s->board,	  s->workload, s->profile,
			    s->metric,	  run,	       date_of(p->run.started, date, sizeof(date)),
			    p->run.label, commit,      n,
			    med,	  vs,	       cp};
			rig_table_add_row(t, cells, RIG_ARRAY_SIZE(cells));
		}
	}
	rig_table_render(t, is_tty ? RIG_TABLE_ALIGNED : RIG_TABLE_TSV, &out);
	if (out.data)
		fputs(out.data, f);
	if (is_tty && h->n)
		fprintf(f, "\nmedian [95%% CI of the median] per run; CHANGE POINT: where the "
			   "per-run medians shift (E-Divisive means, permutation p < 0.05), with "
			   "the shift of the segment medians.\n");
	rig_buf_free(&out);
	rig_table_free(t);
}

static void print_json(const struct rig_history *h, FILE *f)
{
	struct rig_buf b = {0};

	rig_buf_appendf(&b, "[\n");
	for (size_t i = 0; i < h->n; i++) {
		const struct rig_hist_series *s = &h->s[i];
		rig_buf_appendf(&b, "{\"board\":");
		rig_json_string(&b, s->board);
		rig_buf_appendf(&b, ",\"workload\":");
		rig_json_string(&b, s->workload);
		rig_buf_appendf(&b, ",\"profile\":");
		rig_json_string(&b, s->profile);
		rig_buf_appendf(&b, ",\"metric\":");
		rig_json_string(&b, s->metric);
		rig_buf_appendf(&b, ",\"unit\":");
		rig_json_string(&b, s->unit);
		rig_buf_appendf(&b, ",\"runs\":[");
		for (size_t k = 0; k < s->n; k++) {
			const struct rig_hist_point *p = &s->pt[k];
			rig_buf_appendf(&b,
					"%s{\"run\":%lld,\"started\":%lld,\"label\":", k ? "," : "",
					(long long)p->run.run_id, (long long)p->run.started);
			rig_json_string(&b, p->run.label);
			rig_buf_appendf(&b, ",\"commit\":");
			rig_json_string(&b, p->run.commit);
			rig_buf_appendf(&b, ",\"bench\":");
			rig_json_string(&b, p->run.bench_id);
			rig_buf_appendf(&b, ",\"toolchain_version\":");
			rig_json_string(&b, p->run.tc_version);
			rig_buf_appendf(&b, ",\"n\":%zu,\"median\":", p->n);
			rig_json_number(&b, p->s.median);
			rig_buf_appendf(&b, ",\"ci_lo\":");
			rig_json_number(&b, p->s.ci_lo);
			rig_buf_appendf(&b, ",\"ci_hi\":");
			rig_json_number(&b, p->s.ci_hi);
			rig_buf_appendf(&b, ",\"change_point\":%s",
					p->change_point ? "true" : "false");
			if (p->change_point) {
				rig_buf_appendf(&b, ",\"change_point_p\":");
				rig_json_number(&b, p->cp_p);
				rig_buf_appendf(&b, ",\"shift\":");
				rig_json_number(&b, p->shift);
			}
			rig_buf_appendf(&b, "}");
		}
		rig_buf_appendf(&b, "]}%s\n", i + 1 < h->n ? "," : "");
	}
	rig_buf_appendf(&b, "]\n");
	fputs(b.data, f);
	rig_buf_free(&b);
}

static void print_csv(const struct rig_history *h, FILE *f)
{
	static const char *const head[] = {"board",  "workload", "profile", "metric",	   "unit",
					   "run",    "started",	 "label",   "commit",	   "n",
					   "median", "ci_lo",	 "ci_hi",   "change_point"};
	struct rig_buf b = {0};

	rig_csv_row(&b, head, RIG_ARRAY_SIZE(head));
	for (size_t i = 0; i < h->n; i++) {
		const struct rig_hist_series *s = &h->s[i];
		for (size_t k = 0; k < s->n; k++) {
			const struct rig_hist_point *p = &s->pt[k];
			char run[24], st[24], n[16], med[RIG_FMT_CAP], lo[RIG_FMT_CAP],
			    hi[RIG_FMT_CAP];
			snprintf(run, sizeof(run), "%lld", (long long)p->run.run_id);
			snprintf(st, sizeof(st), "%lld", (long long)p->run.started);
			snprintf(n, sizeof(n), "%zu", p->n);
			const char *fields[] = {s->board,
						s->workload,
						s->profile,
						s->metric,
						s->unit,
						run,
						st,
						p->run.label,
						p->run.commit,
						n,
						rig_fmt_number(med, sizeof(med), p->s.median),
						rig_fmt_number(lo, sizeof(lo), p->s.ci_lo),
						rig_fmt_number(hi, sizeof(hi), p->s.ci_hi),
						p->change_point ? "1" : "0"};
			rig_csv_row(&b, fields, RIG_ARRAY_SIZE(fields));
		}
	}
	fputs(b.data, f);
	rig_buf_free(&b);
}

int rig_history_print(const struct rig_history *h, const char *fmt, int is_tty, FILE *f,
		      struct rig_error *err)
{
	if (!fmt || strcmp(fmt, "table") == 0)
		print_table(h, is_tty, f);
	else if (strcmp(fmt, "json") == 0)
		print_json(h, f);
	else if (strcmp(fmt, "csv") == 0)
		print_csv(h, f);
	else
		return rig_fail(err, RIG_ERR_INVALID,
				"--format: expected table, json or csv, got \"%s\"", fmt);
	return 0;
}
