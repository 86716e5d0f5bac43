/*
 * A gate policy: the YAML file in the user's repository that says which
 * metrics of which cells may not get worse, by how much, and with what
 * evidence (docs/gate.md has the format and an example):
 *
 *   baseline: main              # default for --baseline
 *   alpha: 0.05                 # defaults for every rule below
 *   min_n: 5
 *   missing: unknown
 *   rules:
 *     - name: startup
 *       metric: startup_ns      # a metric name or a glob (fnmatch)
 *       cells: ["host/cpu/c"]   # globs over board/workload/profile
 *       direction: lower        # lower | higher | auto (from the metric)
 *       threshold: 5%           # or absolute: 2ms, 64KiB, 1000
 *       min_effect: 1%          # the CI of the change must clear this
 *
 * Every error names the file, the line, the field and the value.
 */
#ifndef RIG_GATE_POLICY_H
#define RIG_GATE_POLICY_H

#include <stddef.h>

#include "error.h"
#include "util.h"

#define RIG_GATE_MAX_RULES 256
#define RIG_GATE_MAX_CELL_PATTERNS 32

enum rig_gate_dir {
	RIG_GATE_DIR_AUTO = 0, /* rig_metric_higher_is_better() decides */
	RIG_GATE_DIR_LOWER,    /* lower is better: an increase is worse */
	RIG_GATE_DIR_HIGHER,   /* higher is better: a decrease is worse */
};

/* What a cell the baseline has and the current run does not (or a rule
 * that matches nothing) means. */
enum rig_gate_missing {
	RIG_GATE_MISSING_UNKNOWN = 0, /* cannot decide: exit 2 unless a regression */
	RIG_GATE_MISSING_FAIL,	      /* a regression */
	RIG_GATE_MISSING_IGNORE,      /* skipped, does not change the verdict */
};

/* A threshold or minimum effect: a fraction of the baseline (5% = 0.05),
 * or an absolute amount in the metric's unit. */
enum rig_gate_amount_kind {
	RIG_GATE_AMOUNT_NONE = 0, /* not set: 0 */
	RIG_GATE_AMOUNT_FRACTION, /* "5%" */
	RIG_GATE_AMOUNT_NUMBER,	  /* "1000": in the metric's stored unit */
	RIG_GATE_AMOUNT_NS,	  /* "2ms", "500us": metrics in ns only */
	RIG_GATE_AMOUNT_BYTES,	  /* "64KiB", "1MB": metrics in bytes only */
};

struct rig_gate_amount {
	enum rig_gate_amount_kind kind;
	double value;  /* fraction, number, ns or bytes */
	char text[32]; /* as written, for messages */
};

struct rig_gate_rule {
	char name[64];
	char metric[48];       /* name or glob */
	struct rig_strv cells; /* globs over "board/workload/profile"; empty: all */
	enum rig_gate_dir dir;
	struct rig_gate_amount threshold, min_effect;
	double alpha;
	long long min_n;
	enum rig_gate_missing missing;
	int noise; /* a change inside the baseline's run-to-run spread passes */
	int line;  /* where the rule starts in the file */
};

struct rig_gate_policy {
	char path[512];
	char baseline[128]; /* "" when the file names none */
	double alpha;	    /* defaults the rules inherit */
	long long min_n;
	enum rig_gate_missing missing;
	long long noise_runs; /* baseline history runs that give the noise band */
	int conformance;      /* WASI conformance regressions are gate cases */
	struct rig_gate_rule *rules;
	size_t n_rules;
};

/* Reads a policy file. Returns 0, or RIG_ERR_PARSE / RIG_ERR_NOT_FOUND /
 * RIG_ERR_IO with "file:line: field 'x': expected ..., got \"v\"". On
 * success free with rig_gate_policy_free. */
int rig_gate_policy_load(const char *path, struct rig_gate_policy *out, struct rig_error *err);
/* The same from memory; name is used in messages. */
int rig_gate_policy_parse(const char *name, const char *text, size_t len,
			  struct rig_gate_policy *out, struct rig_error *err);
void rig_gate_policy_free(struct rig_gate_policy *p);

/* Parses "5%", "0.5%", "2ms", "64KiB", "1000" into a. Returns 0 or
 * RIG_ERR_INVALID. Negative, NaN and infinite amounts are refused. */
int rig_gate_amount_parse(const char *s, struct rig_gate_amount *a);

/* 1 when rule applies to the cell board/workload/profile and the metric. */
int rig_gate_rule_matches(const struct rig_gate_rule *r, const char *board, const char *workload,
			  const char *profile, const char *metric);

/* Words for the enums ("lower", "unknown", ...). */
const char *rig_gate_dir_name(enum rig_gate_dir d);
const char *rig_gate_missing_name(enum rig_gate_missing m);

#endif
