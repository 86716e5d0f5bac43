/*
 * What a load run's result becomes: JSON (`rig load --format json`), a
 * table for people, and the metrics of a bench sample.
 *
 * Latency figures are microseconds. In the rate model the plain names (p50,
 * p99...) are corrected for coordinated omission (from the intended send)
 * and `uncorrected` holds the figures from the actual send; in the closed
 * model both are the same measured service time.
 */
#ifndef RIG_LOAD_REPORT_H
#define RIG_LOAD_REPORT_H

#include <stdio.h>

#include "load.h"
#include "sample.h"
#include "util.h"

/* The percentiles every report gives, and their JSON / metric suffixes. */
#define RIG_LOAD_N_PCT 5
extern const double rig_load_pcts[RIG_LOAD_N_PCT];	     /* 50 90 99 99.9 99.99 */
extern const char *const rig_load_pct_names[RIG_LOAD_N_PCT]; /* p50 ... p9999 */

/* One JSON object, no newline. url may be NULL. */
void rig_load_result_json(const struct rig_load_result *r, const char *url, struct rig_buf *out);
/* Human-readable summary. */
void rig_load_result_print(const struct rig_load_result *r, const char *url, FILE *f);
/*
 * Metrics of a bench sample: qps (req/s), qps_cv, qps_median, p50_us,
 * p90_us, p99_us, p999_us, p9999_us, max_us (corrected), the same with
 * "_unc" before "_us" (uncorrected), requests, errors and err_CLASS counts,
 * backlog, load_cpu_ns_per_10k (the generator's CPU per 10k responses);
 * and the two histograms (rig_sample_set_hist) under these names.
 */
#define RIG_LOAD_HIST "latency"
#define RIG_LOAD_HIST_UNC "latency_unc"
void rig_load_result_to_sample(const struct rig_load_result *r, struct rig_sample *s);

#endif
