/*
 * Writes Go benchmark format text through format.h, for the benchstat
 * acceptance test (tests/cmake/benchstat.cmake): startup time, peak RSS and
 * text size of two profiles over 10 samples, with fixed pseudo-random noise.
 * "benchfmt_demo old" and "benchfmt_demo new" differ only in the gc
 * profile's startup, which is 20% slower in "new"; "benchfmt_demo pvalues"
 * prints rig's Mann-Whitney p-values of old vs new, to compare with
 * benchstat's.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "format.h"
#include "stats.h"

/* xorshift: the same noise on every machine. Fine-grained so samples do
 * not tie: with ties benchstat computes an exact tie-aware p-value while
 * stats.c (like SciPy's 'asymptotic') uses the normal approximation, and the
 * two differ in the second decimal for 10 samples. */
static double noise(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return (double)(*s % 1000000) / 1e6 - 0.5; /* [-0.5, 0.5) */
}

static int emit(struct rig_buf *b, const char *profile, double startup_ns, double rss_kib,
		double text_bytes, struct rig_error *err)
{
	const struct rig_benchfmt_part parts[] = {
	    {"board", "host"}, {"workload", "hello"}, {"profile", profile}};
	const struct {
		const char *name, *unit;
		double v;
	} m[] = {{"startup_ns", "ns", startup_ns},
		 {"peak_rss_kib", "KiB", rss_kib},
		 {"text_bytes", "B", text_bytes}};
	struct rig_benchfmt_value v[3];
	char units[3][64], name[256];
	int rc;

	for (size_t i = 0; i < 3; i++) {
		rc = rig_benchfmt_metric(m[i].name, m[i].unit, m[i].v, units[i], sizeof(units[i]),
					 &v[i].value, err);
		if (rc)
			return rc;
		v[i].unit = units[i];
	}
	rc = rig_benchfmt_name(name, sizeof(name), "Startup", parts, 3, 1, err);
	return rc ? rc : rig_benchfmt_result(b, name, 1, v, 3, err);
}

#define N_SAMPLES 10

/* The samples of one variant: startup (ns) and peak RSS (KiB) per profile. */
struct samples {
	double gc_startup[N_SAMPLES], gc_rss[N_SAMPLES];
	double tiny_startup[N_SAMPLES], tiny_rss[N_SAMPLES];
};

static void generate(int slower, struct samples *s)
{
	uint32_t seed = slower ? 0x9e3779b9u : 0x12345678u;

	for (int i = 0; i < N_SAMPLES; i++) {
		s->gc_startup[i] = 1.2e6 * (slower ? 1.2 : 1.0) * (1.0 + 0.02 * noise(&seed));
		s->tiny_startup[i] = 4.0e5 * (1.0 + 0.02 * noise(&seed));
		s->gc_rss[i] = 2048 + 16 * noise(&seed);
		s->tiny_rss[i] = 512 + 8 * noise(&seed);
	}
}

static int write_benchfmt(int slower, struct rig_buf *b, struct rig_error *err)
{
	struct samples s;
	int rc;

	generate(slower, &s);
	rc = rig_benchfmt_config(b, "goos", "linux", err);
	rc = rc ? rc : rig_benchfmt_config(b, "goarch", "amd64", err);
	rc = rc ? rc : rig_benchfmt_config(b, "cpu", "rig test driver", err);
	rc = rc ? rc : rig_benchfmt_config(b, "rig-version", RIG_VERSION, err);
	rc = rc ? rc : rig_benchfmt_unit_meta(b, "text-B", "assume", "exact", err);
	for (int i = 0; i < N_SAMPLES && !rc; i++) {
		rc = emit(b, "gc", s.gc_startup[i], s.gc_rss[i], 650000, err);
		rc = rc ? rc : emit(b, "tinygo", s.tiny_startup[i], s.tiny_rss[i], 42000, err);
	}
	return rc;
}

/* rig's own Mann-Whitney p-values, old vs new, in the form the check script
 * extracts from benchstat's CSV: "<unit> <profile> <p to 3 decimals>". */
static void write_pvalues(struct rig_buf *b)
{
	struct samples o, n;

	generate(0, &o);
	generate(1, &n);
	rig_buf_appendf(b, "startup-sec gc %.3f\n",
			rig_stats_mannwhitney_p(o.gc_startup, N_SAMPLES, n.gc_startup, N_SAMPLES));
	rig_buf_appendf(
	    b, "startup-sec tinygo %.3f\n",
	    rig_stats_mannwhitney_p(o.tiny_startup, N_SAMPLES, n.tiny_startup, N_SAMPLES));
	rig_buf_appendf(b, "peak-rss-B gc %.3f\n",
			rig_stats_mannwhitney_p(o.gc_rss, N_SAMPLES, n.gc_rss, N_SAMPLES));
	rig_buf_appendf(b, "peak-rss-B tinygo %.3f\n",
			rig_stats_mannwhitney_p(o.tiny_rss, N_SAMPLES, n.tiny_rss, N_SAMPLES));
}

int main(int argc, char **argv)
{
	struct rig_buf b = {0};
	struct rig_error err = {0};
	int rc = 0;

	if (argc == 2 && !strcmp(argv[1], "pvalues")) {
		write_pvalues(&b);
	} else if (argc == 2 && (!strcmp(argv[1], "old") || !strcmp(argv[1], "new"))) {
		rc = write_benchfmt(!strcmp(argv[1], "new"), &b, &err);
	} else {
		fprintf(stderr, "usage: benchfmt_demo old|new|pvalues\n");
		return 2;
	}
	if (rc) {
		fprintf(stderr, "benchfmt_demo: %s\n", err.msg);
		return 1;
	}
	fwrite(b.data, 1, b.len, stdout);
	rig_buf_free(&b);
	return 0;
}
