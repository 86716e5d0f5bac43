/* Gate policy files: see policy.h. */
#include "policy.h"

#include <ctype.h>
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "names.h"

static const char *const dir_words[] = {"auto", "lower", "higher", NULL};
static const char *const missing_words[] = {"unknown", "fail", "ignore", NULL};

const char *rig_gate_dir_name(enum rig_gate_dir d)
{
	return d >= 0 && d <= RIG_GATE_DIR_HIGHER ? dir_words[d] : "?";
}

const char *rig_gate_missing_name(enum rig_gate_missing m)
{
	return m >= 0 && m <= RIG_GATE_MISSING_IGNORE ? missing_words[m] : "?";
}

/* A plain decimal (digits, at most one point): no sign, exponent, inf, nan,
 * hex, so "1e400" or "0x10" never sneak in. Returns the length used. */
static size_t decimal(const char *s, double *out)
{
	size_t i = 0, digits = 0;
	int dot = 0;
	char buf[40];

	while (s[i] && (isdigit((unsigned char)s[i]) || (s[i] == '.' && !dot))) {
		if (s[i] == '.')
			dot = 1;
		else
			digits++;
		i++;
	}
	if (!digits || i >= sizeof(buf))
		return 0;
	memcpy(buf, s, i);
	buf[i] = '\0';
	*out = strtod(buf, NULL);
	return isfinite(*out) ? i : 0;
}

int rig_gate_amount_parse(const char *s, struct rig_gate_amount *a)
{
	static const struct {
		const char *suffix;
		enum rig_gate_amount_kind kind;
		double mult;
	} units[] = {
	    {"%", RIG_GATE_AMOUNT_FRACTION, 0.01}, {"ns", RIG_GATE_AMOUNT_NS, 1},
	    {"us", RIG_GATE_AMOUNT_NS, 1e3},	   {"ms", RIG_GATE_AMOUNT_NS, 1e6},
	    {"s", RIG_GATE_AMOUNT_NS, 1e9},	   {"B", RIG_GATE_AMOUNT_BYTES, 1},
	    {"KiB", RIG_GATE_AMOUNT_BYTES, 1024},  {"MiB", RIG_GATE_AMOUNT_BYTES, 1048576},
	    {"kB", RIG_GATE_AMOUNT_BYTES, 1e3},	   {"MB", RIG_GATE_AMOUNT_BYTES, 1e6},
	    {"", RIG_GATE_AMOUNT_NUMBER, 1},
	};
	double v;
	size_t n;

	if (!s || strlen(s) >= sizeof(a->text) || !(n = decimal(s, &v)))
		return RIG_ERR_INVALID;
	for (size_t i = 0; i < RIG_ARRAY_SIZE(units); i++) {
		if (strcmp(s + n, units[i].suffix) == 0) {
			a->kind = units[i].kind;
			a->value = v * units[i].mult;
			snprintf(a->text, sizeof(a->text), "%s", s);
			return 0;
		}
	}
	return RIG_ERR_INVALID;
}

/* A number field in (lo, hi]. */
static int real_field(const struct rig_cfg *cfg, struct rig_cfg_node *from, const char *key,
		      double def, double lo, double hi, double *out, struct rig_error *err)
{
	char buf[64];
	double v;
	int rc = rig_cfg_str(cfg, from, key, 0, "", buf, sizeof(buf), err);

	if (rc)
		return rc;
	if (!buf[0]) {
		*out = def;
		return 0;
	}
	if (decimal(buf, &v) != strlen(buf) || !(v > lo && v <= hi))
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:%d: field '%s': expected a number above %g and at most %g, "
				"got \"%s\"",
				rig_cfg_path(cfg), rig_cfg_line(rig_cfg_get(cfg, from, key)), key,
				lo, hi, buf);
	*out = v;
	return 0;
}

static int amount_field(const struct rig_cfg *cfg, struct rig_cfg_node *from, const char *key,
			struct rig_gate_amount *out, struct rig_error *err)
{
	char buf[64];
	int rc = rig_cfg_str(cfg, from, key, 0, "", buf, sizeof(buf), err);

	memset(out, 0, sizeof(*out));
	if (rc || !buf[0])
		return rc;
	if (rig_gate_amount_parse(buf, out))
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:%d: field '%s': expected a percentage (5%%), a duration "
				"(2ms, 500us), a size (64KiB) or a plain number, got \"%s\"",
				rig_cfg_path(cfg), rig_cfg_line(rig_cfg_get(cfg, from, key)), key,
				buf);
	return 0;
}

/* A glob may hold only name characters, '/', and the glob's own * ? [ ] !. */
static int glob_ok(const char *g)
{
	if (!*g)
		return 0;
	for (; *g; g++)
		if (!isalnum((unsigned char)*g) && !strchr("._-+/*?[]!:@", *g))
			return 0;
	return 1;
}

static int glob_field_error(const struct rig_cfg *cfg, struct rig_cfg_node *from, const char *key,
			    const char *v, struct rig_error *err)
{
	return rig_fail(err, RIG_ERR_PARSE,
			"%s:%d: field '%s': expected a name or a glob of letters, digits, . _ - + "
			"/ and * ? [ ], got \"%.60s\"",
			rig_cfg_path(cfg), rig_cfg_line(rig_cfg_get(cfg, from, key)), key, v);
}

static int parse_rule(const struct rig_cfg *cfg, struct rig_cfg_node *n, size_t idx,
		      const struct rig_gate_policy *p, struct rig_gate_rule *r,
		      struct rig_error *err)
{
	static const char *const known[] = {"name",	 "metric",     "cells", "direction",
					    "threshold", "min_effect", "alpha", "min_n",
					    "missing",	 "noise",      NULL};
	int rc, v;

	memset(r, 0, sizeof(*r));
	r->line = rig_cfg_line(n);
	if (!rig_cfg_is_map(n))
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:%d: rules item %zu: expected a mapping (metric: ..., "
				"threshold: ...)",
				rig_cfg_path(cfg), r->line ? r->line : 1, idx + 1);
	if ((rc = rig_cfg_known_keys(cfg, n, known, err)) ||
	    (rc = rig_cfg_str(cfg, n, "metric", 1, NULL, r->metric, sizeof(r->metric), err)))
		return rc;
	if (!glob_ok(r->metric))
		return glob_field_error(cfg, n, "metric", r->metric, err);
	/* unnamed rules are named for their metric, or their place when it is a glob */
	char def[64];
	snprintf(def, sizeof(def), "rule-%zu", idx + 1);
	if (rig_name_ok(r->metric))
		snprintf(def, sizeof(def), "%s", r->metric);
	if ((rc = rig_cfg_str(cfg, n, "name", 0, def, r->name, sizeof(r->name), err)))
		return rc;
	if (!r->name[0] || !rig_name_ok(r->name))
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:%d: field 'name': expected a name of letters, digits, . _ - "
				"(starting with a letter or digit), got \"%.60s\"",
				rig_cfg_path(cfg), rig_cfg_line(rig_cfg_get(cfg, n, "name")),
				r->name);
	if ((rc = rig_cfg_strv(cfg, n, "cells", 0, &r->cells, err)))
		return rc;
	if (r->cells.n > RIG_GATE_MAX_CELL_PATTERNS)
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:%d: field 'cells': %zu patterns, at most %d", rig_cfg_path(cfg),
				rig_cfg_line(rig_cfg_get(cfg, n, "cells")), r->cells.n,
				RIG_GATE_MAX_CELL_PATTERNS);
	for (size_t i = 0; i < r->cells.n; i++)
		if (!glob_ok(r->cells.v[i]) || strlen(r->cells.v[i]) > 200)
			return glob_field_error(cfg, n, "cells", r->cells.v[i], err);
	if ((rc = rig_cfg_enum(cfg, n, "direction", 0, dir_words, RIG_GATE_DIR_AUTO, &v, err)))
		return rc;
	r->dir = (enum rig_gate_dir)v;
	if ((rc = amount_field(cfg, n, "threshold", &r->threshold, err)) ||
	    (rc = amount_field(cfg, n, "min_effect", &r->min_effect, err)))
		return rc;
	if ((rc = real_field(cfg, n, "alpha", p->alpha, 0.0, 0.5, &r->alpha, err)) ||
	    (rc = rig_cfg_int(cfg, n, "min_n", 0, p->min_n, 1, 100000, &r->min_n, err)) ||
	    (rc = rig_cfg_enum(cfg, n, "missing", 0, missing_words, (int)p->missing, &v, err)))
		return rc;
	r->missing = (enum rig_gate_missing)v;
	return rig_cfg_bool(cfg, n, "noise", 0, 1, &r->noise, err);
}

static int parse(const struct rig_cfg *cfg, struct rig_gate_policy *p, struct rig_error *err)
{
	static const char *const known[] = {"version",	   "baseline", "alpha",
					    "min_n",	   "missing",  "noise_runs",
					    "conformance", "rules",    NULL};
	struct rig_cfg_node *rules;
	long long version;
	int rc, v;
	size_t n;

	if ((rc = rig_cfg_known_keys(cfg, NULL, known, err)) ||
	    (rc = rig_cfg_int(cfg, NULL, "version", 0, 1, 1, 1, &version, err)) ||
	    (rc = rig_cfg_str(cfg, NULL, "baseline", 0, "", p->baseline, sizeof(p->baseline),
			      err)) ||
	    (rc = real_field(cfg, NULL, "alpha", 0.05, 0.0, 0.5, &p->alpha, err)) ||
	    (rc = rig_cfg_int(cfg, NULL, "min_n", 0, 5, 1, 100000, &p->min_n, err)) ||
	    (rc = rig_cfg_enum(cfg, NULL, "missing", 0, missing_words, RIG_GATE_MISSING_UNKNOWN, &v,
			       err)) ||
	    (rc = rig_cfg_int(cfg, NULL, "noise_runs", 0, 10, 0, 1000, &p->noise_runs, err)) ||
	    (rc = rig_cfg_bool(cfg, NULL, "conformance", 0, 1, &p->conformance, err)))
		return rc;
	p->missing = (enum rig_gate_missing)v;
	rules = rig_cfg_get(cfg, NULL, "rules");
	if (!rules && !p->conformance)
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:1: field 'rules' is required (a list of rules; the policy "
				"checks nothing without one)",
				rig_cfg_path(cfg));
	if (rules && !rig_cfg_is_seq(rules))
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:%d: field 'rules': expected a list of rules (- metric: ...)",
				rig_cfg_path(cfg), rig_cfg_key_line(cfg, NULL, "rules"));
	n = rig_cfg_seq_len(rules);
	if (n > RIG_GATE_MAX_RULES)
		return rig_fail(err, RIG_ERR_PARSE, "%s:%d: field 'rules': %zu rules, at most %d",
				rig_cfg_path(cfg), rig_cfg_key_line(cfg, NULL, "rules"), n,
				RIG_GATE_MAX_RULES);
	p->rules = rig_xcalloc(n + 1, sizeof(*p->rules));
	for (size_t i = 0; i < n; i++) {
		struct rig_gate_rule *r = &p->rules[i];
		rc = parse_rule(cfg, rig_cfg_seq_at(rules, i), i, p, r, err);
		p->n_rules = i + 1; /* freed with the rest on error */
		if (rc)
			return rc;
		for (size_t k = 0; k < i; k++)
			if (strcmp(p->rules[k].name, r->name) == 0)
				return rig_fail(err, RIG_ERR_PARSE,
						"%s:%d: field 'name': \"%s\" is also the name of "
						"the rule at line %d (give each rule its own name)",
						rig_cfg_path(cfg), r->line, r->name,
						p->rules[k].line);
	}
	return 0;
}

static int finish(struct rig_cfg *cfg, int rc, struct rig_gate_policy *out, struct rig_error *err)
{
	if (!rc)
		rc = parse(cfg, out, err);
	rig_cfg_free(cfg);
	if (rc)
		rig_gate_policy_free(out);
	return rc;
}

int rig_gate_policy_parse(const char *name, const char *text, size_t len,
			  struct rig_gate_policy *out, struct rig_error *err)
{
	struct rig_cfg *cfg = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	snprintf(out->path, sizeof(out->path), "%s", name);
	if ((rc = rig_cfg_load_string(name, text, len, &cfg, err)))
		return rc;
	return finish(cfg, rc, out, err);
}

int rig_gate_policy_load(const char *path, struct rig_gate_policy *out, struct rig_error *err)
{
	struct rig_cfg *cfg = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	snprintf(out->path, sizeof(out->path), "%s", path);
	if ((rc = rig_cfg_load(path, &cfg, err)))
		return rc;
	return finish(cfg, rc, out, err);
}

void rig_gate_policy_free(struct rig_gate_policy *p)
{
	for (size_t i = 0; i < p->n_rules; i++)
		rig_strv_free(&p->rules[i].cells);
	free(p->rules);
	p->rules = NULL;
	p->n_rules = 0;
}

int rig_gate_rule_matches(const struct rig_gate_rule *r, const char *board, const char *workload,
			  const char *profile, const char *metric)
{
	char cell[256];

	if (fnmatch(r->metric, metric, 0) != 0)
		return 0;
	if (!r->cells.n)
		return 1;
	snprintf(cell, sizeof(cell), "%s/%s/%s", board, workload, profile);
	for (size_t i = 0; i < r->cells.n; i++)
		if (fnmatch(r->cells.v[i], cell, 0) == 0)
			return 1;
	return 0;
}
