/* Comparing two sides: see compare.h. */
#include "compare.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "table.h"

static const struct rig_cell *find_cell(const struct rig_side *s, const struct rig_run_info *r)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct rig_run_info *c = &s->cells[i].run;
		if (strcmp(c->board, r->board) == 0 && strcmp(c->workload, r->workload) == 0 &&
		    strcmp(c->profile, r->profile) == 0 && strcmp(c->target, r->target) == 0 &&
		    strcmp(c->load, r->load) == 0)
			return &s->cells[i];
	}
	return NULL;
}

static int cmp_dbl(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;
	return (a > b) - (a < b);
}

static int constant(const struct rig_cell_metric *m)
{
	for (size_t i = 1; i < m->n; i++)
		if (m->v[i] != m->v[0])
			return 0;
	return m->n >= 2;
}

static void fill_row(struct rig_cmp_row *r, const struct rig_cell_metric *ma,
		     const struct rig_cell_metric *mb, double alpha)
{
	const struct rig_cell_metric *any = mb ? mb : ma;

	snprintf(r->metric, sizeof(r->metric), "%s", any->name);
	snprintf(r->unit, sizeof(r->unit), "%s", any->unit);
	r->higher = any->higher;
	r->in_a = ma && ma->n;
	r->in_b = mb && mb->n;
	r->change = NAN;
	r->p = 1.0;
	r->ci_lo = -1.0;
	r->ci_hi = INFINITY;
	if (r->in_a) {
		rig_stats_summary(ma->v, ma->n, &r->a);
		r->va = ma->v;
	}
	if (r->in_b) {
		rig_stats_summary(mb->v, mb->n, &r->b);
		r->vb = mb->v;
	}
	if (!r->in_a || !r->in_b)
		return;
	if (ma->merged || mb->merged) {
		/* one figure per side: the change, no test, no CI */
		r->merged = 1;
		if (r->a.median != 0.0)
			r->change = r->b.median / r->a.median - 1.0;
		return;
	}
	r->exact = (ma->exact && mb->exact) || (constant(ma) && constant(mb));
	if (r->a.median != 0.0)
		r->change = r->b.median / r->a.median - 1.0;
	if (r->exact) {
		r->significant = r->a.median != r->b.median;
		r->p = r->significant ? 0.0 : 1.0;
		if (!isnan(r->change)) {
			r->ci_lo = r->ci_hi = r->change;
			r->has_ci = 1;
		}
		return;
	}
	double lo, hi, *all = rig_xcalloc(ma->n + mb->n, sizeof(double));
	memcpy(all, ma->v, ma->n * sizeof(double));
	memcpy(all + ma->n, mb->v, mb->n * sizeof(double));
	qsort(all, ma->n + mb->n, sizeof(double), cmp_dbl);
	for (size_t i = 1; i < ma->n + mb->n && !r->ties; i++)
		r->ties = all[i] == all[i - 1];
	free(all);
	r->p = rig_stats_mannwhitney_p(ma->v, ma->n, mb->v, mb->n);
	r->significant = r->p < alpha;
	r->n_too_small = rig_stats_min_p(ma->n, mb->n) >= alpha;
	if (rig_stats_ratio_ci(ma->v, ma->n, mb->v, mb->n, 1.0 - alpha, &lo, &hi) == 0) {
		r->ci_lo = lo - 1.0;
		r->ci_hi = hi - 1.0;
		r->has_ci = 1;
	}
}

static void add_cell_rows(struct rig_cmp *c, const struct rig_cell *ca, const struct rig_cell *cb,
			  const struct rig_strv *metrics)
{
	const struct rig_cell *any = cb ? cb : ca;
	struct rig_strv names = {0};

	/* the metrics of b in its order, then those only a has */
	for (int side = 0; side < 2; side++) {
		const struct rig_cell *cl = side ? ca : cb;
		for (size_t i = 0; cl && i < cl->n_m; i++)
			if (!rig_strv_has(&names, cl->m[i].name) &&
			    (!metrics || !metrics->n || rig_strv_has(metrics, cl->m[i].name)))
				rig_strv_push(&names, cl->m[i].name);
	}
	for (size_t i = 0; i < names.n; i++) {
		struct rig_cmp_row *r;
		c->rows = rig_xrealloc(c->rows, (c->n + 1) * sizeof(*c->rows));
		r = &c->rows[c->n++];
		memset(r, 0, sizeof(*r));
		snprintf(r->board, sizeof(r->board), "%s", any->run.board);
		snprintf(r->workload, sizeof(r->workload), "%s", any->run.workload);
		snprintf(r->profile, sizeof(r->profile), "%s", any->run.profile);
		snprintf(r->target, sizeof(r->target), "%s", any->run.target);
		snprintf(r->load, sizeof(r->load), "%s", any->run.load);
		fill_row(r, ca ? rig_cell_metric(ca, names.v[i]) : NULL,
			 cb ? rig_cell_metric(cb, names.v[i]) : NULL, c->alpha);
	}
	rig_strv_free(&names);
}

static void geomeans(struct rig_cmp *c)
{
	for (size_t i = 0; i < c->n; i++) {
		struct rig_cmp_geomean *g = NULL;
		for (size_t k = 0; k < c->n_geo && !g; k++)
			if (strcmp(c->geo[k].metric, c->rows[i].metric) == 0)
				g = &c->geo[k];
		if (g)
			continue;
		double *a = rig_xcalloc(c->n + 1, sizeof(double)),
		       *b = rig_xcalloc(c->n + 1, sizeof(double));
		size_t n = 0;
		for (size_t j = i; j < c->n; j++) {
			const struct rig_cmp_row *r = &c->rows[j];
			if (strcmp(r->metric, c->rows[i].metric) || !r->in_a || !r->in_b ||
			    !(r->a.median > 0) || !(r->b.median > 0))
				continue;
			a[n] = r->a.median;
			b[n++] = r->b.median;
		}
		if (n) {
			c->geo = rig_xrealloc(c->geo, (c->n_geo + 1) * sizeof(*c->geo));
			g = &c->geo[c->n_geo++];
			memset(g, 0, sizeof(*g));
			snprintf(g->metric, sizeof(g->metric), "%s", c->rows[i].metric);
			snprintf(g->unit, sizeof(g->unit), "%s", c->rows[i].unit);
			g->n_cells = n;
			g->a = rig_stats_geomean(a, n);
			g->b = rig_stats_geomean(b, n);
			g->change = g->b / g->a - 1.0;
		}
		free(a);
		free(b);
	}
}

void rig_compare(const struct rig_side *a, const struct rig_side *b, double alpha,
		 const struct rig_strv *metrics, struct rig_cmp *out)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->what_a, sizeof(out->what_a), "%s", a->what);
	snprintf(out->what_b, sizeof(out->what_b), "%s", b->what);
	out->alpha = alpha;
	out->level = 1.0 - alpha;
	for (size_t i = 0; i < b->n; i++)
		add_cell_rows(out, find_cell(a, &b->cells[i].run), &b->cells[i], metrics);
	for (size_t i = 0; i < a->n; i++)
		if (!find_cell(b, &a->cells[i].run))
			add_cell_rows(out, &a->cells[i], NULL, metrics);
	geomeans(out);
}

void rig_compare_free(struct rig_cmp *c)
{
	free(c->rows);
	free(c->geo);
	memset(c, 0, sizeof(*c));
}

const char *rig_cmp_pct(char *buf, size_t cap, double v)
{
	if (isnan(v))
		snprintf(buf, cap, "-");
	else if (isinf(v))
		snprintf(buf, cap, "%sinf", v < 0 ? "-" : "+");
	else
		snprintf(buf, cap, "%+.2f%%", v * 100.0);
	return buf;
}

static void med_ci(char *out, size_t cap, const struct rig_summary *s, int present, int exact,
		   const char *unit)
{
	char m[RIG_FMT_CAP], lo[RIG_FMT_CAP], hi[RIG_FMT_CAP];

	if (!present) {
		snprintf(out, cap, "-");
		return;
	}
	rig_fmt_value(m, sizeof(m), s->median, unit);
	if (exact || s->n < 2) {
		snprintf(out, cap, "%s", m);
		return;
	}
	snprintf(out, cap, "%s [%s, %s]", m, rig_fmt_value(lo, sizeof(lo), s->ci_lo, unit),
		 rig_fmt_value(hi, sizeof(hi), s->ci_hi, unit));
}

/* The words of a row's verdict, shared by the table and the gate. */
static void note_of(const struct rig_cmp_row *r, char *out, size_t cap)
{
	out[0] = '\0';
	if (!r->in_a)
		snprintf(out, cap, "only in B");
	else if (!r->in_b)
		snprintf(out, cap, "only in A");
	else if (r->exact)
		snprintf(out, cap, "exact");
	else if (r->merged)
		snprintf(out, cap, "merged histograms: no test");
	else if (r->n_too_small)
		snprintf(out, cap, "n too small for p<alpha");
}

static void print_table(const struct rig_cmp *c, int is_tty, FILE *f)
{
	static const char *const cols[] = {"BOARD",  "WORKLOAD", "PROFILE", "METRIC", "A",   "B",
					   "CHANGE", "CI",	 "P",	    "N",      "NOTE"};
	struct rig_table *t = rig_table_new();
	struct rig_buf out = {0};

	for (size_t i = 0; i < RIG_ARRAY_SIZE(cols); i++)
		rig_table_add_column(t, cols[i],
				     i >= 4 && i <= 9 ? RIG_ALIGN_RIGHT : RIG_ALIGN_LEFT);
	for (size_t i = 0; i < c->n; i++) {
		const struct rig_cmp_row *r = &c->rows[i];
		char a[96], b[96], ch[32], ci[64], lo[32], hi[32], p[16], n[32], nt[64];

		med_ci(a, sizeof(a), &r->a, r->in_a, r->exact, r->unit);
		med_ci(b, sizeof(b), &r->b, r->in_b, r->exact, r->unit);
		if (!r->in_a || !r->in_b)
			snprintf(ch, sizeof(ch), "-");
		else if (r->exact && !r->significant)
			snprintf(ch, sizeof(ch), "=");
		else if (r->merged)
			rig_cmp_pct(ch, sizeof(ch), r->change); /* no test: the change as is */
		else if (!r->significant)
			snprintf(ch, sizeof(ch), "~");
		else
			rig_cmp_pct(ch, sizeof(ch), r->change);
		if (r->has_ci && !r->exact)
			snprintf(ci, sizeof(ci), "[%s, %s]", rig_cmp_pct(lo, sizeof(lo), r->ci_lo),
				 rig_cmp_pct(hi, sizeof(hi), r->ci_hi));
		else
			snprintf(ci, sizeof(ci), "%s", r->exact || !r->in_a || !r->in_b ? "" : "-");
		if (r->in_a && r->in_b && !r->exact)
			snprintf(p, sizeof(p), "%.3f", r->p);
		else
			p[0] = '\0';
		snprintf(n, sizeof(n), "%zu/%zu", r->a.n, r->b.n);
		note_of(r, nt, sizeof(nt));
		const char *cells[] = {r->board, r->workload, r->profile, r->metric, a, b,
				       ch,	 ci,	      p,	  n,	     nt};
		if (i && strcmp(r->board, c->rows[i - 1].board))
			rig_table_add_separator(t);
		rig_table_add_row(t, cells, RIG_ARRAY_SIZE(cells));
	}
	for (size_t i = 0; i < c->n_geo; i++) {
		const struct rig_cmp_geomean *g = &c->geo[i];
		char a[RIG_FMT_CAP], b[RIG_FMT_CAP], ch[32], n[32];
		snprintf(n, sizeof(n), "%zu cells", g->n_cells);
		const char *cells[] = {"geomean",
				       "",
				       "",
				       g->metric,
				       rig_fmt_value(a, sizeof(a), g->a, g->unit),
				       rig_fmt_value(b, sizeof(b), g->b, g->unit),
				       rig_cmp_pct(ch, sizeof(ch), g->change),
				       "",
				       "",
				       n,
				       ""};
		if (!i)
			rig_table_add_separator(t);
		rig_table_add_row(t, cells, RIG_ARRAY_SIZE(cells));
	}
	rig_table_render(t, is_tty ? RIG_TABLE_ALIGNED : RIG_TABLE_TSV, &out);
	fprintf(f, "A: %s\nB: %s\n", c->what_a, c->what_b);
	if (out.data)
		fputs(out.data, f);
	if (is_tty)
		fprintf(
		    f,
		    "\nmedian [%.0f%% CI]; CHANGE = B/A - 1 of the medians, ~ = not significant "
		    "(Mann-Whitney U, p >= %.2g); CI = distribution-free %.0f%% CI of the "
		    "change (Hodges-Lehmann); sizes are exact.\n",
		    c->rows && c->n ? c->rows[0].a.ci_level * 100 : 95.0, c->alpha, c->level * 100);
	rig_buf_free(&out);
	rig_table_free(t);
}

static void json_summary(struct rig_buf *b, const char *key, const struct rig_summary *s,
			 const double *v, int present)
{
	rig_buf_appendf(b, "\"%s\":", key);
	if (!present) {
		rig_buf_appendf(b, "null");
		return;
	}
	rig_buf_appendf(b, "{\"n\":%zu,\"median\":", s->n);
	rig_json_number(b, s->median);
	rig_buf_appendf(b, ",\"ci_lo\":");
	rig_json_number(b, s->ci_lo);
	rig_buf_appendf(b, ",\"ci_hi\":");
	rig_json_number(b, s->ci_hi);
	rig_buf_appendf(b, ",\"values\":[");
	for (size_t i = 0; i < s->n; i++) {
		if (i)
			rig_buf_append(b, ",", 1);
		rig_json_number(b, v[i]);
	}
	rig_buf_appendf(b, "]}");
}

static void print_json(const struct rig_cmp *c, FILE *f)
{
	struct rig_buf b = {0};

	rig_buf_appendf(&b, "{\"a\":");
	rig_json_string(&b, c->what_a);
	rig_buf_appendf(&b, ",\"b\":");
	rig_json_string(&b, c->what_b);
	rig_buf_appendf(&b, ",\"alpha\":");
	rig_json_number(&b, c->alpha);
	rig_buf_appendf(&b, ",\"rows\":[\n");
	for (size_t i = 0; i < c->n; i++) {
		const struct rig_cmp_row *r = &c->rows[i];
		rig_buf_appendf(&b, "{\"board\":");
		rig_json_string(&b, r->board);
		rig_buf_appendf(&b, ",\"workload\":");
		rig_json_string(&b, r->workload);
		rig_buf_appendf(&b, ",\"profile\":");
		rig_json_string(&b, r->profile);
		rig_buf_appendf(&b, ",\"target\":");
		rig_json_string(&b, r->target);
		rig_buf_appendf(&b, ",\"metric\":");
		rig_json_string(&b, r->metric);
		rig_buf_appendf(&b, ",\"unit\":");
		rig_json_string(&b, r->unit);
		rig_buf_appendf(&b, ",\"exact\":%s,\"higher_is_better\":%s,",
				r->exact ? "true" : "false", r->higher ? "true" : "false");
		json_summary(&b, "a", &r->a, r->va, r->in_a);
		rig_buf_append(&b, ",", 1);
		json_summary(&b, "b", &r->b, r->vb, r->in_b);
		rig_buf_appendf(&b, ",\"change\":");
		rig_json_number(&b, r->change);
		rig_buf_appendf(&b, ",\"change_ci_lo\":");
		rig_json_number(&b, r->has_ci ? r->ci_lo : NAN);
		rig_buf_appendf(&b, ",\"change_ci_hi\":");
		rig_json_number(&b, r->has_ci ? r->ci_hi : NAN);
		rig_buf_appendf(&b, ",\"p\":");
		rig_json_number(&b, r->p);
		rig_buf_appendf(&b, ",\"significant\":%s,\"n_too_small\":%s,\"ties\":%s}%s\n",
				r->significant ? "true" : "false",
				r->n_too_small ? "true" : "false", r->ties ? "true" : "false",
				i + 1 < c->n ? "," : "");
	}
	rig_buf_appendf(&b, "],\"geomean\":[");
	for (size_t i = 0; i < c->n_geo; i++) {
		const struct rig_cmp_geomean *g = &c->geo[i];
		rig_buf_appendf(&b, "%s{\"metric\":", i ? "," : "");
		rig_json_string(&b, g->metric);
		rig_buf_appendf(&b, ",\"cells\":%zu,\"a\":", g->n_cells);
		rig_json_number(&b, g->a);
		rig_buf_appendf(&b, ",\"b\":");
		rig_json_number(&b, g->b);
		rig_buf_appendf(&b, ",\"change\":");
		rig_json_number(&b, g->change);
		rig_buf_appendf(&b, "}");
	}
	rig_buf_appendf(&b, "]}\n");
	fputs(b.data, f);
	rig_buf_free(&b);
}

static void print_csv(const struct rig_cmp *c, FILE *f)
{
	static const char *const head[] = {
	    "board",	   "workload", "profile",     "target",	      "metric",	      "unit",
	    "n_a",	   "median_a", "ci_lo_a",     "ci_hi_a",      "n_b",	      "median_b",
	    "ci_lo_b",	   "ci_hi_b",  "change",      "change_ci_lo", "change_ci_hi", "p",
	    "significant", "exact",    "n_too_small", "ties"};
	struct rig_buf b = {0};

	rig_csv_row(&b, head, RIG_ARRAY_SIZE(head));
	for (size_t i = 0; i < c->n; i++) {
		const struct rig_cmp_row *r = &c->rows[i];
		char v[16][RIG_FMT_CAP];
		snprintf(v[0], RIG_FMT_CAP, "%zu", r->a.n);
		rig_fmt_number(v[1], RIG_FMT_CAP, r->in_a ? r->a.median : NAN);
		rig_fmt_number(v[2], RIG_FMT_CAP, r->in_a ? r->a.ci_lo : NAN);
		rig_fmt_number(v[3], RIG_FMT_CAP, r->in_a ? r->a.ci_hi : NAN);
		snprintf(v[4], RIG_FMT_CAP, "%zu", r->b.n);
		rig_fmt_number(v[5], RIG_FMT_CAP, r->in_b ? r->b.median : NAN);
		rig_fmt_number(v[6], RIG_FMT_CAP, r->in_b ? r->b.ci_lo : NAN);
		rig_fmt_number(v[7], RIG_FMT_CAP, r->in_b ? r->b.ci_hi : NAN);
		rig_fmt_number(v[8], RIG_FMT_CAP, r->change);
		rig_fmt_number(v[9], RIG_FMT_CAP, r->has_ci ? r->ci_lo : NAN);
		rig_fmt_number(v[10], RIG_FMT_CAP, r->has_ci ? r->ci_hi : NAN);
		rig_fmt_number(v[11], RIG_FMT_CAP, r->p);
		for (int k = 1; k <= 11; k++)
			if (strcmp(v[k], "null") == 0)
				v[k][0] = '\0';
		snprintf(v[12], RIG_FMT_CAP, "%d", r->significant);
		snprintf(v[13], RIG_FMT_CAP, "%d", r->exact);
		snprintf(v[14], RIG_FMT_CAP, "%d", r->n_too_small);
		snprintf(v[15], RIG_FMT_CAP, "%d", r->ties);
		const char *fields[] = {
		    r->board, r->workload, r->profile, r->target, r->metric, r->unit, v[0], v[1],
		    v[2],     v[3],	   v[4],       v[5],	  v[6],	     v[7],    v[8], v[9],
		    v[10],    v[11],	   v[12],      v[13],	  v[14],     v[15]};
		rig_csv_row(&b, fields, RIG_ARRAY_SIZE(fields));
	}
	fputs(b.data, f);
	rig_buf_free(&b);
}

/* One side's samples as benchfmt lines under "side: NAME". */
static int benchfmt_side(struct rig_buf *b, const struct rig_side *s, const char *side,
			 struct rig_error *err)
{
	int rc;

	if ((rc = rig_benchfmt_config(b, "side", side, err)))
		return rc;
	for (size_t i = 0; i < s->n; i++) {
		const struct rig_cell *c = &s->cells[i];
		struct rig_benchfmt_part parts[] = {{"board", c->run.board},
						    {"profile", c->run.profile}};
		char base[40], name[256];
		size_t n = 0;

		snprintf(base, sizeof(base), "%s", c->run.workload);
		if (base[0] >= 'a' && base[0] <= 'z')
			base[0] = (char)(base[0] - 'a' + 'A');
		for (char *p = base; *p; p++)
			if (*p == '-')
				*p = '_';
		if ((rc = rig_benchfmt_name(name, sizeof(name), base, parts, 2, 1, err)))
			return rc;
		for (size_t k = 0; k < c->n_m; k++)
			if (!c->m[k].exact && c->m[k].n > n)
				n = c->m[k].n;
		for (size_t smp = 0; smp < n; smp++) {
			struct rig_benchfmt_value v[32];
			char units[32][48];
			size_t nv = 0;
			for (size_t k = 0; k < c->n_m && nv < 32; k++) {
				const struct rig_cell_metric *m = &c->m[k];
				if ((!m->exact && m->n != n) ||
				    strcmp(m->name, "peak_rss_kib") == 0)
					continue;
				if (rig_benchfmt_metric(m->name, m->unit, m->v[m->exact ? 0 : smp],
							units[nv], sizeof(units[nv]), &v[nv].value,
							NULL) == 0) {
					v[nv].unit = units[nv];
					nv++;
				}
			}
			if ((rc = rig_benchfmt_result(b, name,
						      c->run.iterations > 0 ? c->run.iterations : 1,
						      v, nv, err)))
				return rc;
		}
	}
	return 0;
}

static int print_benchfmt(const struct rig_side *a, const struct rig_side *b, FILE *f,
			  struct rig_error *err)
{
	struct rig_buf out = {0};
	const char *exact[] = {"file-B", "text-B", "data-B", "bss-B", "flash-B"};
	int rc;

	rig_benchfmt_config(&out, "tool", "rig " RIG_VERSION, NULL);
	for (size_t i = 0; i < RIG_ARRAY_SIZE(exact); i++)
		rig_benchfmt_unit_meta(&out, exact[i], "assume", "exact", NULL);
	rc = benchfmt_side(&out, a, "A", err);
	if (!rc)
		rc = benchfmt_side(&out, b, "B", err);
	if (!rc && out.data)
		fputs(out.data, f);
	rig_buf_free(&out);
	return rc;
}

int rig_compare_print(const struct rig_cmp *c, const struct rig_side *a, const struct rig_side *b,
		      const char *fmt, int is_tty, FILE *f, struct rig_error *err)
{
	if (!fmt || strcmp(fmt, "table") == 0)
		print_table(c, is_tty, f);
	else if (strcmp(fmt, "json") == 0)
		print_json(c, f);
	else if (strcmp(fmt, "csv") == 0)
		print_csv(c, f);
	else if (strcmp(fmt, "benchfmt") == 0)
		return print_benchfmt(a, b, f, err);
	else
		return rig_fail(err, RIG_ERR_INVALID,
				"--format: expected table, json, csv or benchfmt, got \"%s\"", fmt);
	return 0;
}
