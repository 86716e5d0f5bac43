/*
 * The gate on latency percentiles of services under load: a rule on p50_us,
 * p99_us, ... (or p99_merged_us) is judged on each side's samples'
 * histograms merged (rig_run_latency_merge: counters added, as if all the
 * samples were one long run), never on an average or median of the
 * samples' own percentiles. docs/gate.md "Latency under load".
 */
#ifndef RIG_GATE_MERGED_H
#define RIG_GATE_MERGED_H

#include <stddef.h>

#include "gate.h"

/* The percentile a metric names when it is a corrected latency
 * percentile of a run under load: "p50_us" 50, "p90_us" 90, "p99_us" 99,
 * "p999_us" 99.9, "p9999_us" 99.99, "max_us" 100, and the same with
 * "_merged_us". Returns 1 and sets *pct, or 0 for any other metric
 * (the _unc figures included: only the corrected histogram is kept
 * merged-able per run for the gate). */
int rig_gate_merged_pct(const char *metric, double *pct);

/* One side's merged figure: the percentile (µs) of the merged histogram
 * and how many samples' histograms went into it (0: none stored). */
struct rig_gate_merged_side {
	double us;
	size_t samples;
	unsigned long long requests; /* responses in the merged histogram */
};

/* Decides one rule on one cell from the two merged figures (a = baseline,
 * b = current), lower being better: unusable (non-NULL, non-empty) or
 * fewer samples than rule->min_n on a side: unknown; worse than the
 * threshold (a fraction of a, or an absolute amount: a number in µs, or
 * a time such as 2ms): regression; else pass. No significance test: the
 * merged percentile is one figure per side; the threshold is the margin.
 * Fills out's verdict, reason, detail and change (name it first). */
void rig_gate_judge_merged(const struct rig_gate_rule *rule, const char *metric,
			   const struct rig_gate_merged_side *a,
			   const struct rig_gate_merged_side *b, const char *unusable,
			   struct rig_gate_case *out);

#endif
