/* rig history, rig compare: results over time and between two sets of runs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "compare.h"
#include "history.h"
#include "log.h"
#include "store.h"

/* Parses --alpha: a number in (0, 0.5]. */
int rig_cli_alpha(const char *s, double *out)
{
	char *end;
	double v;

	if (!s)
		return 0;
	v = strtod(s, &end);
	if (end == s || *end || !(v > 0.0 && v <= 0.5)) {
		rig_err("--alpha: expected a number above 0 and at most 0.5, got \"%s\"", s);
		return 2;
	}
	*out = v;
	return 0;
}

int cmd_history(int argc, char **argv, struct rig_ctx *ctx)
{
	struct rig_hist_filter hf = {0};
	struct rig_strv rest = {0};
	struct rig_store *store = NULL;
	struct rig_runs runs = {0};
	struct rig_history h = {0};
	struct rig_error err = {0};
	const char *format = "table", *out = NULL;
	long long last = 0;
	int rc, code = 0;
	FILE *f = stdout;
	const struct rig_opt opts[] = {
	    {'b', "board", RIG_OPT_STRING, &hf.board, "BOARD", "only this board"},
	    {'w', "workload", RIG_OPT_STRING, &hf.workload, "NAME", "only this workload"},
	    {'p', "profile", RIG_OPT_STRING, &hf.profile, "NAME", "only this profile"},
	    {'m', "metric", RIG_OPT_STRING, &hf.metric, "NAME",
	     "the metric (default startup_ns; also wall_ns, ram_bytes, throughput, file_bytes...)"},
	    {'l', "label", RIG_OPT_STRING, &hf.label, "LABEL", "only runs with this label"},
	    {0, "last", RIG_OPT_COUNT, &last, "N", "only the newest N runs per cell", 1, 1000000},
	    {'f', "format", RIG_OPT_STRING, &format, "FMT", "table (default), json, csv"},
	    {'o', "output", RIG_OPT_STRING, &out, "FILE", "write to FILE instead of stdout"},
	    {0}};

	rc = rig_parse_options(argc, argv, opts,
			       "rig history [--board B] [--workload W] [--profile P] [--metric M]",
			       &rest, &err);
	if (rc == 1)
		goto done;
	if (rc || rest.n) {
		rig_err("%s", rc ? err.msg : "unexpected argument (filters take --board etc.)");
		code = 2;
		goto done;
	}
	hf.last = (size_t)last;
	if ((rc = rig_ctx_open_store(ctx, &store, &err)) ||
	    (rc = rig_runs_load(store, &runs, &err)) ||
	    (rc = rig_history_load(store, &runs, &hf, &h, &err))) {
		rig_err("%s", err.msg);
		code = 1;
		goto done;
	}
	if (!h.n)
		rig_warn("no stored run matches (metric %s)", hf.metric ? hf.metric : "startup_ns");
	if (out && !(f = fopen(out, "w"))) {
		rig_err("%s: cannot write", out);
		code = 1;
		goto done;
	}
	if (rig_history_print(&h, format, !out && ctx->is_tty, f, &err)) {
		rig_err("%s", err.msg);
		code = 2;
	}
	if (out)
		fclose(f);
done:
	rig_history_free(&h);
	rig_runs_free(&runs);
	rig_store_close(store);
	rig_strv_free(&rest);
	return code;
}

int cmd_compare(int argc, char **argv, struct rig_ctx *ctx)
{
	struct rig_strv rest = {0}, metrics = {0}, boards = {0};
	struct rig_store *store = NULL;
	struct rig_runs runs = {0};
	struct rig_side a = {0}, b = {0};
	struct rig_cmp cmp = {0};
	struct rig_error err = {0};
	unsigned char *ka = NULL, *kb = NULL;
	const char *format = "table", *out = NULL, *alpha_s = NULL;
	double alpha = 0.05;
	int rc, code = 0;
	FILE *f = stdout;
	const struct rig_opt opts[] = {
	    {'m', "metrics", RIG_OPT_LIST, &metrics, "LIST", "only these metrics"},
	    {'b', "boards", RIG_OPT_LIST, &boards, "LIST", "only these boards"},
	    {0, "alpha", RIG_OPT_STRING, &alpha_s, "P", "significance level (default 0.05)"},
	    {'f', "format", RIG_OPT_STRING, &format, "FMT",
	     "table (default), json, csv, benchfmt (for benchstat -col side)"},
	    {'o', "output", RIG_OPT_STRING, &out, "FILE", "write to FILE instead of stdout"},
	    {0}};

	rc = rig_parse_options(argc, argv, opts,
			       "rig compare A B   (A, B: latest, latest~N, run:ID, bench:ID, "
			       "commit:HEX, a label)",
			       &rest, &err);
	if (rc == 1)
		goto done;
	if (rc || rest.n != 2) {
		rig_err("%s",
			rc ? err.msg : "compare takes two selectors, e.g. rig compare main latest");
		code = 2;
		goto done;
	}
	if ((code = rig_cli_alpha(alpha_s, &alpha)))
		goto done;
	if ((rc = rig_ctx_open_store(ctx, &store, &err)) ||
	    (rc = rig_runs_load(store, &runs, &err))) {
		rig_err("%s", err.msg);
		code = 1;
		goto done;
	}
	ka = rig_xcalloc(runs.n + 1, 1);
	kb = rig_xcalloc(runs.n + 1, 1);
	if ((rc = rig_runs_select(&runs, rest.v[0], NULL, ka, a.what, sizeof(a.what), &err)) < 0 ||
	    (rc = rig_runs_select(&runs, rest.v[1], NULL, kb, b.what, sizeof(b.what), &err)) < 0) {
		rig_err("%s", err.msg);
		code = rc == RIG_ERR_INVALID ? 2 : 1;
		goto done;
	}
	for (size_t i = 0; i < runs.n; i++)
		if (boards.n && !rig_strv_has(&boards, runs.v[i].board))
			ka[i] = kb[i] = 0;
	if ((rc = rig_side_load(store, &runs, ka, &a, &err)) ||
	    (rc = rig_side_load(store, &runs, kb, &b, &err))) {
		rig_err("%s", err.msg);
		code = 1;
		goto done;
	}
	rig_compare(&a, &b, alpha, &metrics, &cmp);
	if (out && !(f = fopen(out, "w"))) {
		rig_err("%s: cannot write", out);
		code = 1;
		goto done;
	}
	if (rig_compare_print(&cmp, &a, &b, format, !out && ctx->is_tty, f, &err)) {
		rig_err("%s", err.msg);
		code = 2;
	}
	if (out)
		fclose(f);
done:
	rig_compare_free(&cmp);
	rig_side_free(&a);
	rig_side_free(&b);
	free(ka);
	free(kb);
	rig_runs_free(&runs);
	rig_store_close(store);
	rig_strv_free(&rest);
	rig_strv_free(&metrics);
	rig_strv_free(&boards);
	return code;
}
