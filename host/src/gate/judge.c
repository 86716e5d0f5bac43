/* One rule x one comparison row: the gate's decision (gate.h). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "format.h"
#include "gate.h"
#include "stats.h"

const char *rig_gate_verdict_name(enum rig_gate_verdict v)
{
	static const char *const names[] = {"pass", "regression", "unknown", "skipped"};
	return v >= 0 && v <= RIG_GATE_SKIPPED ? names[v] : "?";
}

static void set(struct rig_gate_case *c, enum rig_gate_verdict v, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set(struct rig_gate_case *c, enum rig_gate_verdict v, const char *fmt, ...)
{
	va_list ap;

	c->verdict = v;
	va_start(ap, fmt);
	vsnprintf(c->reason, sizeof(c->reason), fmt, ap);
	va_end(ap);
}

/* The worsening of b against a in the amount's terms (fraction of a, or
 * metric units); sets *ok = 0 when the amount's unit does not fit. */
static double worse_by(const struct rig_gate_amount *t, const struct rig_cmp_row *row,
		       double worse_frac, int higher, int *ok)
{
	double abs_worse = higher ? row->a.median - row->b.median : row->b.median - row->a.median;

	*ok = 1;
	switch (t->kind) {
	case RIG_GATE_AMOUNT_NONE:
	case RIG_GATE_AMOUNT_FRACTION:
		return isnan(worse_frac) ? (abs_worse > 0 ? INFINITY : 0) : worse_frac;
	case RIG_GATE_AMOUNT_NS:
		*ok = strcmp(row->unit, "ns") == 0;
		return abs_worse;
	case RIG_GATE_AMOUNT_BYTES:
		*ok = strcmp(row->unit, "bytes") == 0 || strcmp(row->unit, "B") == 0;
		return abs_worse;
	case RIG_GATE_AMOUNT_NUMBER:
		return abs_worse;
	}
	return 0;
}

static void numbers(struct rig_gate_case *c, const struct rig_cmp_row *row, int higher,
		    double alpha, const struct rig_gate_noise *noise)
{
	char a[RIG_FMT_CAP], b[RIG_FMT_CAP], ch[32], lo[32], hi[32], nlo[RIG_FMT_CAP],
	    nhi[RIG_FMT_CAP];
	size_t at = 0;

	if (row->in_a)
		rig_fmt_value(a, sizeof(a), row->a.median, row->unit);
	else
		snprintf(a, sizeof(a), "-");
	if (row->in_b)
		rig_fmt_value(b, sizeof(b), row->b.median, row->unit);
	else
		snprintf(b, sizeof(b), "-");
	at += (size_t)snprintf(c->detail, sizeof(c->detail),
			       "%s (%s is better): baseline median %s (n=%zu), current %s (n=%zu)",
			       row->metric, higher ? "higher" : "lower", a, row->a.n, b, row->b.n);
	if (row->in_a && row->in_b && at < sizeof(c->detail))
		at += (size_t)snprintf(c->detail + at, sizeof(c->detail) - at, ", change %s",
				       rig_cmp_pct(ch, sizeof(ch), row->change));
	if (row->in_a && row->in_b && !row->exact && at < sizeof(c->detail))
		at += (size_t)snprintf(c->detail + at, sizeof(c->detail) - at,
				       ", Mann-Whitney p=%.4g", row->p);
	if (row->has_ci && !row->exact && at < sizeof(c->detail))
		at += (size_t)snprintf(c->detail + at, sizeof(c->detail) - at,
				       ", %.0f%% CI of the change [%s, %s]", (1.0 - alpha) * 100,
				       rig_cmp_pct(lo, sizeof(lo), row->ci_lo),
				       rig_cmp_pct(hi, sizeof(hi), row->ci_hi));
	if (noise && noise->runs >= 2 && at < sizeof(c->detail))
		snprintf(c->detail + at, sizeof(c->detail) - at,
			 ", baseline history band %s..%s over %zu runs",
			 rig_fmt_value(nlo, sizeof(nlo), noise->lo, row->unit),
			 rig_fmt_value(nhi, sizeof(nhi), noise->hi, row->unit), noise->runs);
}

static void name_case(struct rig_gate_case *c, const struct rig_gate_rule *rule,
		      const struct rig_cmp_row *row)
{
	memset(c, 0, sizeof(*c));
	c->change = row->change;
	snprintf(c->suite, sizeof(c->suite), "%s", row->board);
	snprintf(c->name, sizeof(c->name), "%s/%s %s [%s]", row->workload, row->profile,
		 row->metric, rule->name);
	snprintf(c->classname, sizeof(c->classname), "rig.%s.%s.%s", row->board, row->workload,
		 row->profile);
	snprintf(c->rule, sizeof(c->rule), "%s", rule->name);
}

/* The statistics at the rule's alpha (the comparison may have used
 * another): p, whether n can reach alpha, and the CI of the change. */
static void at_rule_alpha(const struct rig_gate_rule *rule, struct rig_cmp_row *row)
{
	double lo, hi;

	row->significant = row->p < rule->alpha;
	row->n_too_small = rig_stats_min_p(row->a.n, row->b.n) >= rule->alpha;
	row->has_ci = 0;
	if (row->va && row->vb &&
	    rig_stats_ratio_ci(row->va, row->a.n, row->vb, row->b.n, 1.0 - rule->alpha, &lo, &hi) ==
		0) {
		row->ci_lo = lo - 1.0;
		row->ci_hi = hi - 1.0;
		row->has_ci = 1;
	}
}

static void missing(struct rig_gate_case *c, enum rig_gate_missing m, const char *why)
{
	set(c,
	    m == RIG_GATE_MISSING_FAIL	   ? RIG_GATE_REGRESSION
	    : m == RIG_GATE_MISSING_IGNORE ? RIG_GATE_SKIPPED
					   : RIG_GATE_UNKNOWN,
	    "%s (missing: %s)", why, rig_gate_missing_name(m));
}

void rig_gate_judge(const struct rig_gate_rule *rule, const struct rig_cmp_row *in,
		    const struct rig_gate_noise *noise, const char *unusable,
		    struct rig_gate_case *c)
{
	struct rig_cmp_row row = *in;
	int higher = rule->dir == RIG_GATE_DIR_AUTO ? row.higher : rule->dir == RIG_GATE_DIR_HIGHER;
	double worse_frac = higher ? -row.change : row.change, w, bound;
	char t[64], ch[32];
	int ok;

	name_case(c, rule, &row);
	if (!row.in_a && !row.in_b) {
		numbers(c, &row, higher, rule->alpha, NULL);
		missing(c, rule->missing, "no samples on either side");
		return;
	}
	if (!row.in_b) {
		numbers(c, &row, higher, rule->alpha, NULL);
		missing(c, rule->missing, "in the baseline but not in the current runs");
		return;
	}
	if (!row.in_a) {
		numbers(c, &row, higher, rule->alpha, NULL);
		set(c, RIG_GATE_SKIPPED, "new in the current runs: no baseline to compare with");
		return;
	}
	if (!row.exact)
		at_rule_alpha(rule, &row);
	numbers(c, &row, higher, rule->alpha, noise);
	snprintf(t, sizeof(t), "%s", rule->threshold.kind ? rule->threshold.text : "0");
	w = worse_by(&rule->threshold, &row, worse_frac, higher, &ok);
	if (!ok) {
		set(c, RIG_GATE_UNKNOWN, "threshold %s does not fit the metric's unit \"%s\"",
		    rule->threshold.text, row.unit);
		return;
	}
	if (row.exact) {
		if (!row.significant)
			set(c, RIG_GATE_PASS, "unchanged (exact)");
		else if (w > rule->threshold.value)
			set(c, RIG_GATE_REGRESSION, "%s worse by %s (exact), threshold %s",
			    row.metric, rig_cmp_pct(ch, sizeof(ch), worse_frac), t);
		else
			set(c, RIG_GATE_PASS, "changed by %s (exact), within threshold %s",
			    rig_cmp_pct(ch, sizeof(ch), row.change), t);
		return;
	}
	/* sizes belong to the build, not to the board's state: decided above */
	if (unusable && *unusable) {
		set(c, RIG_GATE_UNKNOWN, "cannot decide: %s", unusable);
		return;
	}
	if (row.a.n < (size_t)rule->min_n || row.b.n < (size_t)rule->min_n) {
		set(c, RIG_GATE_UNKNOWN, "cannot decide: n=%zu/%zu, the rule needs min_n=%lld",
		    row.a.n, row.b.n, rule->min_n);
		return;
	}
	if (row.n_too_small) {
		set(c, RIG_GATE_UNKNOWN,
		    "cannot decide: with n=%zu/%zu the smallest possible p is %.3g, not below "
		    "alpha %g",
		    row.a.n, row.b.n, rig_stats_min_p(row.a.n, row.b.n), rule->alpha);
		return;
	}
	if (!row.significant) {
		set(c, RIG_GATE_PASS, "no significant change (p=%.3g >= alpha %g)", row.p,
		    rule->alpha);
		return;
	}
	if (!(worse_frac > 0) && !(isnan(worse_frac) && w > 0)) {
		set(c, RIG_GATE_PASS, "better by %s (significant)",
		    rig_cmp_pct(ch, sizeof(ch), row.change));
		return;
	}
	if (!(w > rule->threshold.value)) {
		set(c, RIG_GATE_PASS, "worse by %s, within threshold %s",
		    rig_cmp_pct(ch, sizeof(ch), worse_frac), t);
		return;
	}
	/* the CI bound nearest to "no change" on the worse side */
	bound = higher ? -row.ci_hi : row.ci_lo;
	if (rule->min_effect.kind != RIG_GATE_AMOUNT_NONE) {
		double need = rule->min_effect.value;
		if (rule->min_effect.kind != RIG_GATE_AMOUNT_FRACTION)
			need = row.a.median != 0 ? need / fabs(row.a.median) : INFINITY;
		if (!row.has_ci || !(bound > need)) {
			set(c, RIG_GATE_PASS,
			    "worse by %s, but the CI of the change does not clear min_effect %s",
			    rig_cmp_pct(ch, sizeof(ch), worse_frac), rule->min_effect.text);
			return;
		}
	}
	if (rule->noise && noise && noise->runs >= 2 &&
	    (higher ? row.b.median >= noise->lo : row.b.median <= noise->hi)) {
		set(c, RIG_GATE_PASS,
		    "worse by %s, but inside the baseline's run-to-run spread over %zu runs",
		    rig_cmp_pct(ch, sizeof(ch), worse_frac), noise->runs);
		return;
	}
	set(c, RIG_GATE_REGRESSION, "%s worse by %s (p=%.3g < %g), threshold %s", row.metric,
	    rig_cmp_pct(ch, sizeof(ch), worse_frac), row.p, rule->alpha, t);
}
