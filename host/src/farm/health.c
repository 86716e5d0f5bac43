/* The health rules: see health.h. */
#include "health.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *fact(const struct rig_kvlist *f, const char *key)
{
	const char *v = f ? rig_kv_get(f, key) : NULL;
	return v ? v : "";
}

int rig_health_facts_verdict(const struct rig_kvlist *facts, char *reason, size_t reason_cap,
			     char *evidence, size_t evidence_cap)
{
	const char *bits = fact(facts, "board.throttled_bits");
	unsigned long now_bits = 0;

	/* the Pi firmware's flags: bits 0..3 are "now" (under-voltage, capped,
	 * throttled, soft limit); 16..19 only say it happened since boot */
	if (strncmp(bits, "0x", 2) == 0)
		now_bits = strtoul(bits + 2, NULL, 16) & 0xf;
	if (strcmp(fact(facts, "hot"), "yes") == 0) {
		snprintf(reason, reason_cap, "temperature at or above the board's limit");
		snprintf(evidence, evidence_cap, "soc_temp_c=%s throttled_bits=%s governor=%s",
			 fact(facts, "board.soc_temp_c"), bits[0] ? bits : "none",
			 fact(facts, "board.governor"));
		return 1;
	}
	if (now_bits) {
		snprintf(reason, reason_cap, "throttling flags active");
		snprintf(evidence, evidence_cap, "throttled_bits=%s soc_temp_c=%s cpu_mhz=%s", bits,
			 fact(facts, "board.soc_temp_c"), fact(facts, "board.cpu_mhz"));
		return 1;
	}
	return 0;
}

double rig_health_sample_figure(const struct rig_sample *s, const char **metric)
{
	double u, sy, w;

	if (rig_sample_get(s, "user_ns", &u) && rig_sample_get(s, "sys_ns", &sy)) {
		*metric = "cpu_ns";
		return u + sy;
	}
	*metric = "wall_ns";
	return rig_sample_get(s, "wall_ns", &w) ? w : 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The median of v[0..n) (n >= 1); v is sorted in place. */
static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void keep_facts(const struct rig_kvlist *f, struct rig_health_row *out)
{
	snprintf(out->governor, sizeof(out->governor), "%s", fact(f, "board.governor"));
	snprintf(out->temp_c, sizeof(out->temp_c), "%s", fact(f, "board.soc_temp_c"));
	snprintf(out->throttled_bits, sizeof(out->throttled_bits), "%s",
		 fact(f, "board.throttled_bits"));
	snprintf(out->cpu_mhz, sizeof(out->cpu_mhz), "%s", fact(f, "board.cpu_mhz"));
}

static int fail(struct rig_health_row *out, const char *why)
{
	out->pass = 0;
	snprintf(out->result, sizeof(out->result), "fail: %s", why);
	return 0;
}

int rig_health_judge(const struct rig_health_cfg *cfg, const struct rig_health_take *t,
		     const struct rig_health_row *hist, int n_hist, struct rig_health_row *out)
{
	double tol = (double)cfg->tolerance_pct / 100, ref_v[1000], *v;
	const struct rig_health_row *last = NULL;
	char reason[256];
	int ref_n = 0;

	out->pass = 1;
	out->n = t->n;
	out->result[0] = out->evidence[0] = 0;
	snprintf(out->metric, sizeof(out->metric), "%s", t->metric ? t->metric : "");
	keep_facts(t->facts, out);
	out->figure = 0;
	if (t->n > 0) {
		v = rig_xcalloc((size_t)t->n, sizeof(*v));
		memcpy(v, t->figures, (size_t)t->n * sizeof(*v));
		out->figure = median(v, t->n);
		free(v);
	}
	for (int i = 0; i < n_hist && ref_n < cfg->history && ref_n < 1000; i++) {
		if (strcmp(hist[i].metric, "reset") == 0) /* rig farm release --force */
			break;
		if (strcmp(hist[i].metric, out->metric) != 0 || hist[i].figure <= 0)
			continue;
		if (!last)
			last = &hist[i];
		ref_v[ref_n++] = hist[i].figure;
	}
	out->ref_n = ref_n >= cfg->min_history ? ref_n : 0;
	out->band_lo = out->band_hi = 0;
	if (out->ref_n) {
		double ref = median(ref_v, ref_n);
		out->band_lo = ref / (1 + tol);
		out->band_hi = ref * (1 + tol);
	}

	if (t->n_failed || t->n == 0) {
		snprintf(out->evidence, sizeof(out->evidence), "%d of %d samples failed: %.400s",
			 t->n_failed, t->n_failed + t->n,
			 t->fail_reason ? t->fail_reason : "no sample taken");
		return fail(out, "the health workload failed");
	}
	if (rig_health_facts_verdict(t->facts, reason, sizeof(reason), out->evidence,
				     sizeof(out->evidence)))
		return fail(out, reason);
	if (last && last->governor[0] && out->governor[0] &&
	    strcmp(last->governor, out->governor) != 0) {
		snprintf(out->evidence, sizeof(out->evidence),
			 "governor=%s, was %s at the last passing check (id %lld)", out->governor,
			 last->governor, (long long)last->id);
		return fail(out, "the clock governor changed");
	}
	if (out->ref_n && (out->figure < out->band_lo || out->figure > out->band_hi)) {
		snprintf(out->evidence, sizeof(out->evidence),
			 "%s median %.3f ms of %d samples, band %.3f..%.3f ms (reference %.3f ms "
			 "from %d passing checks, tolerance %lld%%) cpu_mhz=%s soc_temp_c=%s",
			 out->metric, out->figure / 1e6, out->n, out->band_lo / 1e6,
			 out->band_hi / 1e6, out->band_lo * (1 + tol) / 1e6, out->ref_n,
			 cfg->tolerance_pct, out->cpu_mhz[0] ? out->cpu_mhz : "?",
			 out->temp_c[0] ? out->temp_c : "?");
		return fail(out, out->figure > out->band_hi
				     ? "performance drift: the health figure is above its band"
				     : "performance drift: the health figure is below its band");
	}
	if (out->ref_n)
		snprintf(out->result, sizeof(out->result),
			 "pass: %s %.3f ms in %.3f..%.3f ms (%d checks)", out->metric,
			 out->figure / 1e6, out->band_lo / 1e6, out->band_hi / 1e6, out->ref_n);
	else
		snprintf(out->result, sizeof(out->result),
			 "pass: %s %.3f ms (reference being built: %d of %lld checks)", out->metric,
			 out->figure / 1e6, ref_n, cfg->min_history);
	return 1;
}
