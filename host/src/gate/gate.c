/* The gate over the store: selecting the sides, the noise band, board
 * health, conformance (gate.h). */
#include "gate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conformance.h"
#include "hist.h"
#include "merged.h"
#include "store_lease.h"

void rig_gate_add(struct rig_gate_report *r, const struct rig_gate_case *c)
{
	r->cases = rig_xrealloc(r->cases, (r->n + 1) * sizeof(*r->cases));
	r->cases[r->n++] = *c;
	switch (c->verdict) {
	case RIG_GATE_PASS:
		r->n_pass++;
		break;
	case RIG_GATE_REGRESSION:
		r->n_regression++;
		break;
	case RIG_GATE_UNKNOWN:
		r->n_unknown++;
		break;
	case RIG_GATE_SKIPPED:
		r->n_skipped++;
		break;
	}
}

int rig_gate_exit_code(const struct rig_gate_report *r)
{
	return r->n_regression ? 1 : r->n_unknown ? 2 : 0;
}

void rig_gate_report_free(struct rig_gate_report *r)
{
	for (size_t i = 0; i < r->n_props; i++)
		rig_kv_free(&r->props[i].kv);
	free(r->props);
	free(r->cases);
	memset(r, 0, sizeof(*r));
}

static int same_cell(const struct rig_run_info *a, const char *board, const char *workload,
		     const char *profile, const char *target)
{
	return strcmp(a->board, board) == 0 && strcmp(a->workload, workload) == 0 &&
	       strcmp(a->profile, profile) == 0 && strcmp(a->target, target) == 0;
}

/* The history of one baseline cell: its newest runs (at most max) that are
 * not current and started no later than the baseline run, loaded. */
struct hist_cell {
	char board[64], workload[32], profile[48], target[64];
	struct rig_cell *runs;
	size_t n;
};

struct ctx {
	struct rig_store *s;
	const struct rig_gate_policy *p;
	struct rig_runs runs;
	unsigned char *cur, *base;
	struct rig_side a, b;
	struct hist_cell *hist;
	size_t n_hist;
	struct rig_gate_report *out;
};

static const struct rig_cell *side_cell(const struct rig_side *s, const struct rig_cmp_row *r)
{
	for (size_t i = 0; i < s->n; i++)
		if (same_cell(&s->cells[i].run, r->board, r->workload, r->profile, r->target) &&
		    strcmp(s->cells[i].run.load, r->load) == 0)
			return &s->cells[i];
	return NULL;
}

static struct hist_cell *history(struct ctx *x, const struct rig_cell *base, struct rig_error *err,
				 int *rc)
{
	struct hist_cell *h;

	for (size_t i = 0; i < x->n_hist; i++)
		if (same_cell(&base->run, x->hist[i].board, x->hist[i].workload, x->hist[i].profile,
			      x->hist[i].target))
			return &x->hist[i];
	x->hist = rig_xrealloc(x->hist, (x->n_hist + 1) * sizeof(*x->hist));
	h = &x->hist[x->n_hist++];
	memset(h, 0, sizeof(*h));
	snprintf(h->board, sizeof(h->board), "%s", base->run.board);
	snprintf(h->workload, sizeof(h->workload), "%s", base->run.workload);
	snprintf(h->profile, sizeof(h->profile), "%s", base->run.profile);
	snprintf(h->target, sizeof(h->target), "%s", base->run.target);
	for (size_t i = x->runs.n; i-- > 0 && h->n < (size_t)x->p->noise_runs;) {
		const struct rig_run_info *ri = &x->runs.v[i];
		if (x->cur[i] || ri->run_id > base->run.run_id || ri->n_ok < 1 ||
		    !same_cell(ri, h->board, h->workload, h->profile, h->target))
			continue;
		h->runs = rig_xrealloc(h->runs, (h->n + 1) * sizeof(*h->runs));
		if ((*rc = rig_cell_load(x->s, ri, &h->runs[h->n], err)))
			return NULL;
		h->n++;
	}
	return h;
}

static void noise_band(const struct hist_cell *h, const char *metric, struct rig_gate_noise *nb)
{
	memset(nb, 0, sizeof(*nb));
	for (size_t i = 0; h && i < h->n; i++) {
		const struct rig_cell_metric *m = rig_cell_metric(&h->runs[i], metric);
		struct rig_summary s;
		if (!m || !m->n || rig_stats_summary(m->v, m->n, &s))
			continue;
		if (!nb->runs || s.median < nb->lo)
			nb->lo = s.median;
		if (!nb->runs || s.median > nb->hi)
			nb->hi = s.median;
		nb->runs++;
	}
}

/* Why the current cell's numbers cannot be trusted, or "". */
static int unusable(struct ctx *x, const struct rig_cmp_row *row, char *why, size_t cap,
		    struct rig_error *err)
{
	const struct rig_cell *c = side_cell(&x->b, row);
	struct rig_board_state st;
	int rc;

	why[0] = '\0';
	if ((rc = rig_store_board_state(x->s, row->board, &st, err)))
		return rc;
	if (strcmp(st.state, "quarantined") == 0)
		snprintf(why, cap, "board %s is quarantined (%s)", row->board, st.reason);
	else if (c && c->run.flags[0])
		snprintf(why, cap, "the board reported \"%s\" during the current run",
			 c->run.flags);
	return 0;
}

/* One side's merged latency percentile for row's cell (samples 0: no
 * cell, or no histograms stored). */
static int merged_side(struct ctx *x, const struct rig_side *side, const struct rig_cmp_row *row,
		       double pct, struct rig_gate_merged_side *out, struct rig_error *err)
{
	const struct rig_cell *c = side_cell(side, row);
	struct rig_hist *h;
	int n;

	memset(out, 0, sizeof(*out));
	if (!c)
		return 0;
	h = rig_hist_new();
	n = rig_run_latency_merge(x->s, c->run.run_id, h, err);
	if (n == RIG_ERR_NOT_SUPPORTED)
		n = 0;
	if (n < 0) {
		rig_hist_free(h);
		return n;
	}
	out->samples = (size_t)n;
	out->requests = (unsigned long long)rig_hist_count(h);
	out->us = (double)(pct >= 100 ? rig_hist_max(h) : rig_hist_percentile(h, pct)) / 1e3;
	rig_hist_free(h);
	return 0;
}

/* A rule on a latency percentile of a run under load, where both sides
 * kept their samples' histograms: judged on the histograms merged
 * (merged.h). 1 when it judged (gc filled), 0 to judge per sample. */
static int judge_merged(struct ctx *x, const struct rig_gate_rule *rule,
			const struct rig_cmp_row *row, const char *why, struct rig_gate_case *gc,
			int *rc, struct rig_error *err)
{
	struct rig_gate_merged_side a, b;
	double pct;

	*rc = 0;
	if (!row->in_a || !row->in_b || !row->load[0] || rule->dir == RIG_GATE_DIR_HIGHER ||
	    !rig_gate_merged_pct(row->metric, &pct))
		return 0;
	if ((*rc = merged_side(x, &x->a, row, pct, &a, err)) ||
	    (*rc = merged_side(x, &x->b, row, pct, &b, err)))
		return 0;
	if (!a.samples || !b.samples)
		return 0; /* runs stored before histograms were kept */
	memset(gc, 0, sizeof(*gc));
	snprintf(gc->suite, sizeof(gc->suite), "%s", row->board);
	snprintf(gc->name, sizeof(gc->name), "%s/%s %s [%s] (%s)", row->workload, row->profile,
		 row->metric, rule->name, row->load);
	snprintf(gc->classname, sizeof(gc->classname), "rig.%s.%s.%s", row->board, row->workload,
		 row->profile);
	snprintf(gc->rule, sizeof(gc->rule), "%s", rule->name);
	rig_gate_judge_merged(rule, row->metric, &a, &b, why, gc);
	return 1;
}

static int judge_rows(struct ctx *x, const struct rig_cmp *cmp, struct rig_error *err)
{
	for (size_t k = 0; k < x->p->n_rules; k++) {
		const struct rig_gate_rule *rule = &x->p->rules[k];
		size_t matched = 0;

		for (size_t i = 0; i < cmp->n; i++) {
			const struct rig_cmp_row *row = &cmp->rows[i];
			struct rig_gate_noise nb = {0};
			struct rig_gate_case gc;
			char why[400];
			int rc = 0;

			if (!rig_gate_rule_matches(rule, row->board, row->workload, row->profile,
						   row->metric))
				continue;
			matched++;
			if (row->in_b && (rc = unusable(x, row, why, sizeof(why), err)))
				return rc;
			if (!row->in_b)
				why[0] = '\0';
			if (rule->noise && row->in_a && !row->exact && x->p->noise_runs >= 2) {
				const struct rig_cell *base = side_cell(&x->a, row);
				struct hist_cell *h = base ? history(x, base, err, &rc) : NULL;
				if (rc)
					return rc;
				noise_band(h, row->metric, &nb);
			}
			if (judge_merged(x, rule, row, why, &gc, &rc, err)) {
				rig_gate_add(x->out, &gc);
				continue;
			}
			if (rc)
				return rc;
			rig_gate_judge(rule, row, &nb, why, &gc);
			rig_gate_add(x->out, &gc);
		}
		if (!matched) {
			struct rig_gate_case gc = {0};
			snprintf(gc.suite, sizeof(gc.suite), "policy");
			snprintf(gc.name, sizeof(gc.name), "rule %s", rule->name);
			snprintf(gc.classname, sizeof(gc.classname), "rig.policy");
			snprintf(gc.rule, sizeof(gc.rule), "%s", rule->name);
			gc.change = NAN;
			gc.verdict = rule->missing == RIG_GATE_MISSING_FAIL ? RIG_GATE_REGRESSION
				     : rule->missing == RIG_GATE_MISSING_IGNORE ? RIG_GATE_SKIPPED
										: RIG_GATE_UNKNOWN;
			snprintf(gc.reason, sizeof(gc.reason),
				 "%s:%d: rule %s (metric %s) matches no cell of either side "
				 "(missing: %s)",
				 x->p->path, rule->line, rule->name, rule->metric,
				 rig_gate_missing_name(rule->missing));
			rig_gate_add(x->out, &gc);
		}
	}
	return 0;
}

static int conf_cb(void *vctx, const struct rig_conf_row *now, const struct rig_conf_row *base)
{
	struct rig_gate_report *r = vctx;
	struct rig_gate_case c = {0};

	snprintf(c.suite, sizeof(c.suite), "conformance");
	snprintf(c.name, sizeof(c.name), "%s: %s/%s", now->board, now->suite, now->test);
	snprintf(c.classname, sizeof(c.classname), "rig.conformance.%s", now->board);
	snprintf(c.rule, sizeof(c.rule), "conformance");
	c.change = NAN;
	c.verdict = RIG_GATE_REGRESSION;
	snprintf(c.reason, sizeof(c.reason), "passed on the baseline, now %s: %s", now->verdict,
		 now->reason);
	snprintf(c.detail, sizeof(c.detail),
		 "runtime %s, command line: %s; baseline: pass on %s (conformance run %lld); "
		 "first difference: %s%s%s",
		 now->runtime_version[0] ? now->runtime_version : now->runtime,
		 now->argv[0] ? now->argv : "-", base->runtime_version, (long long)base->run_id,
		 now->first_diff[0] ? now->first_diff : "-",
		 now->expectation[0] ? "; the runtime declares it: " : "", now->expectation);
	rig_gate_add(r, &c);
	return 0;
}

static int count_cb(void *vctx, const struct rig_conf_row *row)
{
	(void)row;
	++*(size_t *)vctx;
	return 0;
}

static int conformance(struct ctx *x, struct rig_error *err)
{
	int64_t base_at = 0;
	size_t tests = 0;
	int rc;

	for (size_t i = 0; i < x->runs.n; i++)
		if (x->base[i] && x->runs.v[i].started > base_at)
			base_at = x->runs.v[i].started;
	if ((rc = rig_conf_regressions(x->s, NULL, base_at, conf_cb, x->out, err)) < 0)
		return rc;
	if (rc == 0 && (rc = rig_conf_each_latest(x->s, NULL, count_cb, &tests, err)) == 0 &&
	    tests) {
		struct rig_gate_case c = {0};
		snprintf(c.suite, sizeof(c.suite), "conformance");
		snprintf(c.name, sizeof(c.name), "WASI conformance");
		snprintf(c.classname, sizeof(c.classname), "rig.conformance");
		snprintf(c.rule, sizeof(c.rule), "conformance");
		c.change = NAN;
		snprintf(c.reason, sizeof(c.reason),
			 "no test that passed on the baseline fails now (%zu board x test "
			 "verdicts)",
			 tests);
		rig_gate_add(x->out, &c);
	}
	return rc < 0 ? rc : 0;
}

/* The environment of each board's newest current run, as properties. */
static int properties(struct ctx *x, struct rig_error *err)
{
	for (size_t i = x->runs.n; i-- > 0;) {
		const struct rig_run_info *ri = &x->runs.v[i];
		int seen = 0, rc;
		if (!x->cur[i])
			continue;
		if (ri->started > x->out->at)
			x->out->at = ri->started;
		for (size_t k = 0; k < x->out->n_props && !seen; k++)
			seen = strcmp(x->out->props[k].suite, ri->board) == 0;
		if (seen)
			continue;
		x->out->props =
		    rig_xrealloc(x->out->props, (x->out->n_props + 1) * sizeof(*x->out->props));
		struct rig_gate_props *pr = &x->out->props[x->out->n_props++];
		memset(pr, 0, sizeof(*pr));
		snprintf(pr->suite, sizeof(pr->suite), "%s", ri->board);
		rig_kv_set(&pr->kv, "rig.label", ri->label);
		rig_kv_set(&pr->kv, "rig.commit", ri->commit);
		rig_kv_set(&pr->kv, "rig.bench", ri->bench_id);
		if (ri->env_id > 0 && (rc = rig_store_env_facts(x->s, ri->env_id, &pr->kv, err)))
			return rc;
	}
	return 0;
}

int rig_gate_run(struct rig_store *s, const struct rig_gate_policy *p, const char *current,
		 const char *baseline, struct rig_gate_report *out, struct rig_error *err)
{
	struct ctx x = {.s = s, .p = p, .out = out};
	struct rig_cmp cmp = {0};
	int rc;

	memset(out, 0, sizeof(*out));
	snprintf(out->policy, sizeof(out->policy), "%s", p->path);
	if ((rc = rig_runs_load(s, &x.runs, err)))
		goto done;
	x.cur = rig_xcalloc(x.runs.n + 1, 1);
	x.base = rig_xcalloc(x.runs.n + 1, 1);
	if ((rc = rig_runs_select(&x.runs, current, NULL, x.cur, out->current, sizeof(out->current),
				  err)) < 0 ||
	    (rc = rig_runs_select(&x.runs, baseline, x.cur, x.base, out->baseline,
				  sizeof(out->baseline), err)) < 0)
		goto done;
	if ((rc = rig_side_load(s, &x.runs, x.base, &x.a, err)) ||
	    (rc = rig_side_load(s, &x.runs, x.cur, &x.b, err)))
		goto done;
	snprintf(x.a.what, sizeof(x.a.what), "%s", out->baseline);
	snprintf(x.b.what, sizeof(x.b.what), "%s", out->current);
	rig_compare(&x.a, &x.b, p->alpha, NULL, &cmp);
	if ((rc = judge_rows(&x, &cmp, err)) || (rc = properties(&x, err)))
		goto done;
	if (p->conformance)
		rc = conformance(&x, err);
done:
	rig_compare_free(&cmp);
	for (size_t i = 0; i < x.n_hist; i++) {
		for (size_t k = 0; k < x.hist[i].n; k++)
			rig_cell_free(&x.hist[i].runs[k]);
		free(x.hist[i].runs);
	}
	free(x.hist);
	rig_side_free(&x.a);
	rig_side_free(&x.b);
	rig_runs_free(&x.runs);
	free(x.cur);
	free(x.base);
	return rc < 0 ? rc : 0;
}
