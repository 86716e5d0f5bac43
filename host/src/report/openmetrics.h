/*
 * Results as OpenMetrics text (the Prometheus exposition format's
 * successor, https://prometheus.io/docs/specs/om/open_metrics_spec/), so a
 * Prometheus or Grafana setup can scrape a file server holding it or
 * backfill it (promtool tsdb create-blocks-from openmetrics, which wants
 * timestamps).
 *
 * Every family has "# TYPE", "# UNIT" (when it has one) and "# HELP"
 * before its samples; names end with their unit in base units (ns ->
 * _seconds, KiB -> _bytes, X/s -> _X_per_second); the samples of a family
 * are contiguous; label values are escaped (\\ \" \n) and always valid
 * UTF-8 (bad bytes become U+FFFD); the text ends with "# EOF". Families:
 *
 *   rig_<metric>_<unit>             gauge  median of the run's ok samples
 *   rig_<metric>_ci_low_<unit>      gauge  95% CI of the median, low end
 *   rig_<metric>_ci_high_<unit>     gauge  ... high end
 *   rig_<metric>_baseline_ratio     gauge  median / the baseline's median
 *   rig_samples_total               counter samples of the run, outcome="ok"|"failed"
 *   rig_build_info                  info   toolchain version and artifact sha256
 *   rig_file_bytes, rig_text_bytes, rig_data_bytes, rig_bss_bytes  gauges: sizes
 *
 * each labelled board, workload, profile, toolchain, target.
 */
#ifndef RIG_OPENMETRICS_H
#define RIG_OPENMETRICS_H

#include "results.h"
#include "util.h"

struct rig_om_opts {
	int timestamps; /* 1: each sample carries its run's start time */
};

/* Appends the whole exposition of res to b. Returns the number of samples
 * dropped because two rig metrics of one row map to the same OpenMetrics
 * name (the first is kept), normally 0. Non-finite values are left out. */
size_t rig_openmetrics_write(const struct rig_results *res, const struct rig_om_opts *o,
			     struct rig_buf *b);

/* Appends s as a label value with its quotes: \ " and LF escaped, bytes
 * that are not valid UTF-8 replaced by U+FFFD. NULL is "". */
void rig_om_label_value(struct rig_buf *b, const char *s);

/*
 * The family name and OpenMetrics unit of rig metric name with unit into
 * out (cap bytes) and om_unit (ucap bytes, "" for none); *sc is how values
 * convert (rig_om_scaled). "rig_" + the name with a trailing "_<unit>"
 * removed, every byte outside [A-Za-z0-9_] written '_', then "_<om_unit>":
 *   startup_ns ns      -> rig_startup_seconds    seconds  / 1e9
 *   peak_rss_kib KiB   -> rig_peak_rss_bytes     bytes    * 1024
 *   throughput ops/s   -> rig_throughput_ops_per_second  ops_per_second
 * A name that would end in a suffix OpenMetrics reserves (_total, _created,
 * _count, _sum, _bucket, _gcount, _gsum, _info) without a unit gets
 * "_value" appended. Returns 0, or -1 when out is too small.
 */
struct rig_om_scale {
	double mul, div;
};
int rig_om_family(const char *name, const char *unit, char *out, size_t cap, char *om_unit,
		  size_t ucap, struct rig_om_scale *sc);

/* v * mul / div. */
double rig_om_scaled(const struct rig_om_scale *sc, double v);

#endif
