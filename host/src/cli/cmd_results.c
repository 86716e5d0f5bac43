/* rig results, rig export: stored results with statistics. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "conformance_print.h"
#include "log.h"
#include "names.h"
#include "results.h"
#include "store.h"
#include "toolchain.h"

/* A filter or --baseline that names nothing stored is an error listing
 * what is stored, not an empty table. */
int rig_cli_check_filters(struct rig_store *store, const struct rig_strv *boards,
			  const struct rig_strv *workloads, const struct rig_strv *profiles,
			  const char *baseline, struct rig_error *err)
{
	static const char *const what[] = {"board", "workload", "profile"};
	static const char *const option[] = {"--boards", "--workloads", "--profiles"};
	const struct rig_strv *lists[] = {boards, workloads, profiles};
	int rc = 0;

	for (size_t i = 0; i < 3 && !rc; i++) {
		struct rig_strv known = {0};

		if (!lists[i]->n && !(i == 2 && baseline))
			continue;
		if (!(rc = rig_store_names(store, what[i], &known, err)) && lists[i]->n)
			rc = rig_names_check_list(option[i], what[i], lists[i], 1, &known, err);
		if (!rc && i == 2 && baseline)
			rc = rig_names_known("option --baseline", "profile with results", baseline,
					     &known, err);
		rig_strv_free(&known);
	}
	return rc;
}

static int results_cmd(int argc, char **argv, struct rig_ctx *ctx, int is_export)
{
	struct rig_strv boards = {0}, workloads = {0}, profiles = {0}, rest = {0};
	struct rig_store *store = NULL;
	struct rig_toolchains *tcs = NULL;
	struct rig_error err = {0};
	const char *baseline = NULL, *format = is_export ? "json" : "table", *out = NULL;
	int rc, code = 0, user_baseline = 0, all_tests = 0, why = 0, timestamps = 0;
	FILE *f = stdout;
	const struct rig_opt opts[] = {
	    {'b', "boards", RIG_OPT_LIST, &boards, "LIST", "only these boards"},
	    {'w', "workloads", RIG_OPT_LIST, &workloads, "LIST", "only these workloads"},
	    {'p', "profiles", RIG_OPT_LIST, &profiles, "LIST", "only these profiles"},
	    {0, "baseline", RIG_OPT_STRING, &baseline, "PROFILE",
	     "profile to compare with (default: the one marked baseline, c)"},
	    {'f', "format", RIG_OPT_STRING, &format, "FMT",
	     is_export ? "json (default), csv, benchfmt (Go benchmark lines for benchstat), "
			 "openmetrics (Prometheus text exposition)"
		       : "table (default), json, csv, benchfmt, openmetrics"},
	    {0, "timestamps", RIG_OPT_FLAG, &timestamps, NULL,
	     "openmetrics: each sample carries its run's start time (for backfilling)"},
	    {'o', "output", RIG_OPT_STRING, &out, "FILE", "write to FILE instead of stdout"},
	    {0, "all-tests", RIG_OPT_FLAG, &all_tests, NULL,
	     "WASI conformance: every test, not only those failing somewhere"},
	    {0, "why", RIG_OPT_FLAG, &why, NULL,
	     "WASI conformance: why each test did not pass (reason, first differing line)"},
	    {0}};

	rc = rig_parse_options(argc, argv, opts,
			       is_export
				   ? "rig export [--format json|csv|benchfmt|openmetrics] [filters]"
				   : "rig results [filters]",
			       &rest, &err);
	if (rc == 1)
		goto done;
	if (rc || rest.n) {
		rig_err("%s", rc ? err.msg : "unexpected argument (filters take --boards etc.)");
		code = 2;
		goto done;
	}
	user_baseline = baseline != NULL;
	if (!baseline && rig_ctx_load_toolchains(ctx, &tcs, &err) == 0)
		baseline = rig_profile_baseline(tcs);
	if ((rc = rig_ctx_open_store_read(ctx, &store, &err))) {
		if (rc == RIG_ERR_NOT_FOUND) { /* as for an empty store */
			rig_info("no results stored yet (run rig bench)");
			goto done;
		}
		rig_err("%s", err.msg);
		code = 1;
		goto done;
	}
	if ((rc = rig_cli_check_filters(store, &boards, &workloads, &profiles,
					user_baseline ? baseline : NULL, &err))) {
		rig_err("%s", err.msg);
		code = 2;
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
	    .timestamps = timestamps,
	};
	if (rig_results_print(store, &ro, f, &err)) {
		rig_err("%s", err.msg);
		code = err.code == RIG_ERR_INVALID ? 2 : 1;
	} else if (!is_export && strcmp(format, "table") == 0) {
		/* the WASI conformance matrix (rig wasi-test), below the numbers */
		struct rig_conf_print_opts po = {
		    .boards = &boards, .all_tests = all_tests, .reasons = why};
		if (rig_conf_matrix_print(store, &po, f, &err) < 0) {
			rig_err("%s", err.msg);
			code = 1;
		}
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
