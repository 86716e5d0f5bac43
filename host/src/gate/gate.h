/*
 * The regression gate: the current runs against a baseline under a policy
 * (policy.h), one case per rule x cell (and per WASI conformance
 * regression), each with a verdict, a one-line reason and the numbers.
 * rig_gate_judge is the pure decision for one comparison row; rig_gate_run
 * reads the store. docs/gate.md explains the rules.
 */
#ifndef RIG_GATE_H
#define RIG_GATE_H

#include <stdint.h>

#include "compare.h"
#include "policy.h"
#include "store.h"

enum rig_gate_verdict {
	RIG_GATE_PASS = 0,
	RIG_GATE_REGRESSION, /* exit 1 */
	RIG_GATE_UNKNOWN,    /* could not decide: exit 2 unless a regression */
	RIG_GATE_SKIPPED,    /* does not count (new cell, missing: ignore) */
};

/* The baseline's run-to-run spread for one cell and metric: the lowest and
 * highest per-run median over its newest runs up to the baseline. */
struct rig_gate_noise {
	size_t runs; /* < 2: no band */
	double lo, hi;
};

struct rig_gate_case {
	char suite[64];	     /* the board, or "conformance" */
	char name[256];	     /* "cpu/c throughput" */
	char classname[256]; /* "rig.host.cpu.c" */
	char rule[64];
	enum rig_gate_verdict verdict;
	char reason[512];  /* one line: why */
	char detail[1024]; /* the numbers, for people */
	double change;	   /* current / baseline - 1 of the medians (NaN: none) */
};

struct rig_gate_props {
	char suite[64];
	struct rig_kvlist kv; /* the current runs' environment */
};

struct rig_gate_report {
	char policy[512], baseline[160], current[160];
	struct rig_gate_case *cases;
	size_t n;
	size_t n_pass, n_regression, n_unknown, n_skipped;
	struct rig_gate_props *props;
	size_t n_props;
	int64_t at; /* unix seconds of the newest current run */
};

/* Decides one comparison row (a = baseline, b = current) under rule:
 * missing cells by rule->missing; n below rule->min_n or too small to
 * reach p < alpha: unknown; exact metrics: any worsening beyond the
 * threshold; others: a regression only when Mann-Whitney p < alpha, the
 * change is worse than the threshold, the CI of the change clears
 * min_effect, and (rule->noise, noise->runs >= 2) the current median is
 * outside the baseline's band. unusable: why the cell's measurements
 * cannot be trusted (quarantined board, hot or throttled run), or NULL:
 * then every metric but the exact ones is unknown. Fills out
 * (suite, name and classname included). */
void rig_gate_judge(const struct rig_gate_rule *rule, const struct rig_cmp_row *row,
		    const struct rig_gate_noise *noise, const char *unusable,
		    struct rig_gate_case *out);

/* Runs the gate: current and baseline are selectors (cells.h); the
 * baseline excludes the current runs. Returns 0 with the cases in out, or
 * RIG_ERR_INVALID (bad selector), RIG_ERR_NOT_FOUND (nothing selected),
 * RIG_ERR_STORE. Free out with rig_gate_report_free either way. */
int rig_gate_run(struct rig_store *s, const struct rig_gate_policy *p, const char *current,
		 const char *baseline, struct rig_gate_report *out, struct rig_error *err);
void rig_gate_report_free(struct rig_gate_report *r);

/* Appends a case to r (counts kept). */
void rig_gate_add(struct rig_gate_report *r, const struct rig_gate_case *c);

/* 1 regression, 2 unknown (and no regression), else 0. */
int rig_gate_exit_code(const struct rig_gate_report *r);
const char *rig_gate_verdict_name(enum rig_gate_verdict v);

/* JUnit XML: <testsuites> with one <testsuite> per board (and one for
 * conformance), <properties> with the environment, one <testcase> per
 * case: <failure> for a regression, <skipped> for unknown and skipped
 * (message says which). */
void rig_gate_junit(const struct rig_gate_report *r, struct rig_buf *out);

/* A Markdown summary (for $GITHUB_STEP_SUMMARY or a PR comment) of at
 * most max_bytes: the verdict, regressions and undecided cases first,
 * passing ones after; rows that do not fit are counted, not written. */
void rig_gate_markdown(const struct rig_gate_report *r, size_t max_bytes, struct rig_buf *out);

#endif
