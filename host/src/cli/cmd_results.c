/* rig results, rig export: stored results with statistics. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "log.h"
#include "results.h"
#include "store.h"
#include "toolchain.h"

static int results_cmd(int argc, char **argv, struct rig_ctx *ctx, int is_export)
{
	struct rig_strv boards = {0}, workloads = {0}, profiles = {0}, rest = {0};
	struct rig_store *store = NULL;
	struct rig_toolchains *tcs = NULL;
	struct rig_error err = {0};
	const char *baseline = NULL, *format = is_export ? "json" : "table", *out = NULL;
	int rc, code = 0;
	FILE *f = stdout;
	const struct rig_opt opts[] = {
	    {'b', "boards", RIG_OPT_LIST, &boards, "LIST", "only these boards"},
	    {'w', "workloads", RIG_OPT_LIST, &workloads, "LIST", "only these workloads"},
	    {'p', "profiles", RIG_OPT_LIST, &profiles, "LIST", "only these profiles"},
	    {0, "baseline", RIG_OPT_STRING, &baseline, "PROFILE",
	     "profile to compare with (default: the one marked baseline, c)"},
	    {'f', "format", RIG_OPT_STRING, &format, "FMT",
	     is_export ? "json (default), csv, benchfmt (Go benchmark lines for benchstat)"
		       : "table (default), json, csv, benchfmt"},
	    {'o', "output", RIG_OPT_STRING, &out, "FILE", "write to FILE instead of stdout"},
	    {0}};

	rc = rig_parse_options(argc, argv, opts,
			       is_export ? "rig export [--format json|csv|benchfmt] [filters]"
					 : "rig results [filters]",
			       &rest, &err);
	if (rc == 1)
		goto done;
	if (rc || rest.n) {
		rig_err("%s", rc ? err.msg : "unexpected argument (filters take --boards etc.)");
		code = 2;
		goto done;
	}
	if (!baseline && rig_ctx_load_toolchains(ctx, &tcs, &err) == 0)
		baseline = rig_profile_baseline(tcs);
	if ((rc = rig_ctx_open_store(ctx, &store, &err))) {
		rig_err("%s", err.msg);
		code = 1;
		goto done;
	}
	if (out && !(f = fopen(out, "w"))) {
		rig_err("%s: cannot write", out);
		code = 1;
		goto done;
	}
	struct rig_results_opts ro = {
	    .boards = &boards,
	    .workloads = &workloads,
	    .profiles = &profiles,
	    .baseline = baseline,
	    .format = format,
	    .is_tty = !out && ctx->is_tty,
	    .skips_since = is_export ? 0 : 1,
	};
	if (rig_results_print(store, &ro, f, &err)) {
		rig_err("%s", err.msg);
		code = err.code == RIG_ERR_INVALID ? 2 : 1;
	}
	if (out)
		fclose(f);
done:
	rig_strv_free(&boards);
	rig_strv_free(&workloads);
	rig_strv_free(&profiles);
	rig_strv_free(&rest);
	rig_store_close(store);
	rig_toolchains_free(tcs);
	return code;
}

int cmd_results(int argc, char **argv, struct rig_ctx *ctx)
{
	return results_cmd(argc, argv, ctx, 0);
}

int cmd_export(int argc, char **argv, struct rig_ctx *ctx)
{
	return results_cmd(argc, argv, ctx, 1);
}
