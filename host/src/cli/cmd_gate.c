/* rig gate: the current runs against a baseline under a policy file, for
 * CI. Exit 0 pass, 1 regression, 2 could not decide, 3 usage or data
 * error (docs/gate.md). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "gate.h"
#include "log.h"
#include "store.h"

#define GATE_USAGE_ERROR 3
#define MARKDOWN_MAX_BYTES (1024 * 1024 - 1024) /* GitHub's step summary limit is 1 MiB */

static int write_file(const char *path, const struct rig_buf *b)
{
	FILE *f = fopen(path, "w");
	int ok = f && (!b->len || fwrite(b->data, 1, b->len, f) == b->len);

	if (f && fclose(f) != 0)
		ok = 0;
	if (!ok)
		rig_err("%s: cannot write", path);
	return ok ? 0 : -1;
}

static void print_cases(const struct rig_gate_report *r, FILE *f)
{
	fprintf(f, "baseline: %s\ncurrent:  %s\n", r->baseline, r->current);
	for (size_t i = 0; i < r->n; i++) {
		const struct rig_gate_case *c = &r->cases[i];
		if (c->verdict == RIG_GATE_PASS && rig_log_level() < RIG_LOG_INFO + 1)
			continue;
		fprintf(f, "%-10s %s %s: %s\n", rig_gate_verdict_name(c->verdict), c->suite,
			c->name, c->reason);
		if (c->verdict == RIG_GATE_REGRESSION && c->detail[0])
			fprintf(f, "           %s\n", c->detail);
	}
	fprintf(f, "gate: %s (%zu regression%s, %zu undecided, %zu passed, %zu skipped)\n",
		r->n_regression ? "FAIL"
		: r->n_unknown	? "UNDECIDED"
				: "PASS",
		r->n_regression, r->n_regression == 1 ? "" : "s", r->n_unknown, r->n_pass,
		r->n_skipped);
}

int cmd_gate(int argc, char **argv, struct rig_ctx *ctx)
{
	struct rig_strv rest = {0};
	struct rig_store *store = NULL;
	struct rig_gate_policy pol = {0};
	struct rig_gate_report rep = {0};
	struct rig_error err = {0};
	struct rig_buf junit = {0}, md = {0};
	const char *policy = NULL, *baseline = NULL, *current = "latest", *junit_path = NULL,
		   *md_path = NULL, *alpha_s = NULL;
	int rc, code = GATE_USAGE_ERROR, no_conf = 0;
	const struct rig_opt opts[] = {
	    {'c', "policy", RIG_OPT_STRING, &policy, "FILE", "the gate policy (YAML; required)"},
	    {0, "baseline", RIG_OPT_STRING, &baseline, "SEL",
	     "what to compare with: a label (main), run:ID, bench:ID, commit:HEX, latest~1 "
	     "(default: the policy's baseline:)"},
	    {0, "current", RIG_OPT_STRING, &current, "SEL", "the runs under test (default latest)"},
	    {0, "junit", RIG_OPT_STRING, &junit_path, "FILE", "write JUnit XML here"},
	    {0, "markdown", RIG_OPT_STRING, &md_path, "FILE",
	     "write a Markdown summary here (under 1 MiB: $GITHUB_STEP_SUMMARY)"},
	    {0, "alpha", RIG_OPT_STRING, &alpha_s, "P",
	     "significance level for every rule (overrides the policy)"},
	    {0, "no-conformance", RIG_OPT_FLAG, &no_conf, NULL,
	     "leave WASI conformance regressions out"},
	    {0}};

	rc = rig_parse_options(
	    argc, argv, opts,
	    "rig gate --policy FILE [--baseline SEL] [--junit FILE] "
	    "[--markdown FILE]\n"
	    "exit: 0 pass, 1 regression, 2 could not decide, 3 usage or data error",
	    &rest, &err);
	if (rc == 1) {
		code = 0;
		goto done;
	}
	if (rc || rest.n || !policy) {
		rig_err("%s", rc       ? err.msg
			      : rest.n ? "unexpected argument (the policy is given with --policy)"
				       : "rig gate needs --policy FILE (see docs/gate.md)");
		goto done;
	}
	if ((rc = rig_gate_policy_load(policy, &pol, &err))) {
		rig_err("%s", err.msg);
		goto done;
	}
	if (alpha_s) {
		double a = pol.alpha;
		if (rig_cli_alpha(alpha_s, &a))
			goto done;
		for (size_t i = 0; i < pol.n_rules; i++)
			pol.rules[i].alpha = a;
		pol.alpha = a;
	}
	if (no_conf)
		pol.conformance = 0;
	if (!baseline)
		baseline = pol.baseline[0] ? pol.baseline : NULL;
	if (!baseline) {
		rig_err("%s: no baseline: give --baseline SEL or baseline: in the policy", policy);
		goto done;
	}
	if ((rc = rig_ctx_open_store_read(ctx, &store, &err)) ||
	    (rc = rig_gate_run(store, &pol, current, baseline, &rep, &err))) {
		rig_err("%s", err.msg);
		goto done;
	}
	rig_gate_junit(&rep, &junit);
	rig_gate_markdown(&rep, MARKDOWN_MAX_BYTES, &md);
	if ((junit_path && write_file(junit_path, &junit)) || (md_path && write_file(md_path, &md)))
		goto done;
	print_cases(&rep, stdout);
	code = rig_gate_exit_code(&rep);
done:
	rig_buf_free(&junit);
	rig_buf_free(&md);
	rig_gate_report_free(&rep);
	rig_gate_policy_free(&pol);
	rig_store_close(store);
	rig_strv_free(&rest);
	return code;
}
