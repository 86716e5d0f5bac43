/* Latency percentiles judged on merged histograms (merged.h). */
#include "merged.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "format.h"

int rig_gate_merged_pct(const char *metric, double *pct)
{
	static const struct {
		const char *stem;
		double pct;
	} names[] = {{"p50", 50},    {"p90", 90},      {"p99", 99},
		     {"p999", 99.9}, {"p9999", 99.99}, {"max", 100}};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t n = strlen(names[i].stem);
		if (strncmp(metric, names[i].stem, n) != 0)
			continue;
		if (strcmp(metric + n, "_us") == 0 || strcmp(metric + n, "_merged_us") == 0) {
			*pct = names[i].pct;
			return 1;
		}
	}
	return 0;
}

void rig_gate_judge_merged(const struct rig_gate_rule *rule, const char *metric,
			   const struct rig_gate_merged_side *a,
			   const struct rig_gate_merged_side *b, const char *unusable,
			   struct rig_gate_case *c)
{
	char va[RIG_FMT_CAP], vb[RIG_FMT_CAP], ch[32];
	double worse_us = b->us - a->us, worse_frac = a->us > 0 ? b->us / a->us - 1.0 : NAN;
	double w, limit = rule->threshold.value;
	const char *t = rule->threshold.kind ? rule->threshold.text : "0";

	c->change = worse_frac;
	rig_fmt_value(va, sizeof(va), a->us, "us");
	rig_fmt_value(vb, sizeof(vb), b->us, "us");
	snprintf(c->detail, sizeof(c->detail),
		 "%s (lower is better) of the merged histograms: baseline %s (%zu samples, %llu "
		 "responses), current %s (%zu samples, %llu responses), change %s",
		 metric, va, a->samples, a->requests, vb, b->samples, b->requests,
		 rig_cmp_pct(ch, sizeof(ch), worse_frac));
	if (unusable && *unusable) {
		c->verdict = RIG_GATE_UNKNOWN;
		snprintf(c->reason, sizeof(c->reason), "cannot decide: %s", unusable);
		return;
	}
	if (a->samples < (size_t)rule->min_n || b->samples < (size_t)rule->min_n) {
		c->verdict = RIG_GATE_UNKNOWN;
		snprintf(c->reason, sizeof(c->reason),
			 "cannot decide: %zu/%zu samples' histograms, the rule needs min_n=%lld",
			 a->samples, b->samples, rule->min_n);
		return;
	}
	switch (rule->threshold.kind) {
	case RIG_GATE_AMOUNT_NS:
		w = worse_us * 1e3; /* the threshold is in ns */
		break;
	case RIG_GATE_AMOUNT_NUMBER:
		w = worse_us; /* in the metric's unit, µs */
		break;
	case RIG_GATE_AMOUNT_BYTES:
		c->verdict = RIG_GATE_UNKNOWN;
		snprintf(c->reason, sizeof(c->reason),
			 "threshold %s does not fit the metric's unit \"us\"", t);
		return;
	default:
		w = isnan(worse_frac) ? (worse_us > 0 ? INFINITY : 0) : worse_frac;
	}
	if (w > limit) {
		c->verdict = RIG_GATE_REGRESSION;
		snprintf(c->reason, sizeof(c->reason),
			 "%s of the merged histograms worse by %s (%s -> %s), threshold %s", metric,
			 rig_cmp_pct(ch, sizeof(ch), worse_frac), va, vb, t);
	} else {
		c->verdict = RIG_GATE_PASS;
		snprintf(c->reason, sizeof(c->reason),
			 "%s of the merged histograms changed by %s, within threshold %s", metric,
			 rig_cmp_pct(ch, sizeof(ch), worse_frac), t);
	}
}
