/* Sanity bounds on a sample's figures: see bounds.h. */
#include "bounds.h"

#include <math.h>
#include <string.h>

void rig_bounds_for_target(const struct rig_target *t, struct rig_bounds *out)
{
	out->clock_hz = strcmp(t->os, "none") == 0 ? 1e9 : 6e9;
	out->ops_per_cycle = 8;
	out->max_ops_per_s = out->clock_hz * out->ops_per_cycle;
	out->ram_bytes = 0;
}

static int is_duration(const char *unit) { return strcmp(unit, "ns") == 0; }

/* A RAM figure in bytes, or -1 when m is not one. */
static double ram_of(const struct rig_metric *m)
{
	if (strcmp(m->name, "ram_bytes") == 0 && strcmp(m->unit, "B") == 0)
		return m->value;
	if (strcmp(m->name, "peak_rss_kib") == 0)
		return m->value * 1024;
	return -1;
}

int rig_bounds_check(struct rig_sample *s, const struct rig_bounds *b)
{
	double elapsed;
	int has_rate = 0;

	if (!s->ok)
		return 0;
	for (size_t i = 0; i < s->n_metrics; i++) {
		const struct rig_metric *m = &s->metrics[i];

		if (!isfinite(m->value)) {
			rig_sample_fail(s, "impossible figure: %s is not a number", m->name);
			return 1;
		}
		if (is_duration(m->unit) && m->value < 0 &&
		    strcmp(m->name, "rig_overhead_ns") != 0 && !strstr(m->name, "above_floor")) {
			rig_sample_fail(s, "impossible figure: %s = %.0f ns is a negative duration",
					m->name, m->value);
			return 1;
		}
		if (b->ram_bytes > 0 && ram_of(m) > b->ram_bytes) {
			rig_sample_fail(s,
					"impossible figure: %s = %.0f B is above the board's RAM "
					"(%.0f B, ram_kib in the board file)",
					m->name, ram_of(m), b->ram_bytes);
			return 1;
		}
		if (strcmp(m->unit, "ops/s") == 0) {
			has_rate = 1;
			if (m->value > b->max_ops_per_s) {
				rig_sample_fail(
				    s,
				    "impossible figure: %s = %.3g ops/s is above %.3g "
				    "(%.3g Hz clock x %.0f ops per cycle): the workload's "
				    "clock did not advance",
				    m->name, m->value, b->max_ops_per_s, b->clock_hz,
				    b->ops_per_cycle);
				return 1;
			}
		}
	}
	/* A rate needs time to have passed: 0 ns is below any clock's tick. */
	if (has_rate && rig_sample_get(s, "elapsed_ns", &elapsed) && elapsed < 1) {
		rig_sample_fail(s,
				"impossible figure: elapsed_ns = %.0f is below the clock's "
				"resolution: the workload's clock did not advance",
				elapsed);
		return 1;
	}
	return 0;
}
