/* rig report: the store as one self-contained HTML file. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "log.h"
#include "report_html.h"
#include "store.h"
#include "toolchain.h"

int cmd_report(int argc, char **argv, struct rig_ctx *ctx)
{
	struct rig_strv boards = {0}, workloads = {0}, profiles = {0}, rest = {0};
	struct rig_store *store = NULL;
	struct rig_toolchains *tcs = NULL;
	struct rig_error err = {0};
	struct rig_buf html = {0};
	struct rig_report_counts n = {0};
	const char *out = NULL, *baseline = NULL, *title = NULL;
	long long last = 0;
	int rc, code = 0, user_baseline;
	FILE *f;
	const struct rig_opt opts[] = {
	    {'o', "output", RIG_OPT_STRING, &out, "FILE", "write the HTML file here (required)"},
	    {'b', "boards", RIG_OPT_LIST, &boards, "LIST", "only these boards"},
	    {'w', "workloads", RIG_OPT_LIST, &workloads, "LIST", "only these workloads"},
	    {'p', "profiles", RIG_OPT_LIST, &profiles, "LIST", "only these profiles"},
	    {0, "baseline", RIG_OPT_STRING, &baseline, "PROFILE",
	     "profile the ratios are to (default: the one marked baseline, c)"},
	    {0, "title", RIG_OPT_STRING, &title, "TEXT", "the page's title (default: rig report)"},
	    {0, "last", RIG_OPT_COUNT, &last, "N", "history: only the newest N runs per cell", 2,
	     1000000},
	    {0}};

	rc = rig_parse_options(argc, argv, opts, "rig report -o FILE [filters]", &rest, &err);
	if (rc == 1)
		goto done;
	if (rc || rest.n || !out) {
		rig_err("%s", rc       ? err.msg
			      : rest.n ? "unexpected argument (filters take --boards etc.)"
				       : "rig report needs -o FILE (the HTML file to write)");
		code = 2;
		goto done;
	}
	user_baseline = baseline != NULL;
	if (!baseline && rig_ctx_load_toolchains(ctx, &tcs, &err) == 0)
		baseline = rig_profile_baseline(tcs);
	if ((rc = rig_ctx_open_store_read(ctx, &store, &err))) {
		if (rc != RIG_ERR_NOT_FOUND) {
			rig_err("%s", err.msg);
			code = 1;
			goto done;
		}
		rig_info("no results stored yet (run rig bench): the report says so");
	}
	if (store && (rc = rig_cli_check_filters(store, &boards, &workloads, &profiles,
						 user_baseline ? baseline : NULL, &err))) {
		rig_err("%s", err.msg);
		code = 2;
		goto done;
	}
	struct rig_report_opts ro = {.boards = &boards,
				     .workloads = &workloads,
				     .profiles = &profiles,
				     .baseline = baseline,
				     .title = title,
				     .last = (size_t)last,
				     .now = (int64_t)time(NULL)};
	if (store && rig_report_html(store, &ro, &html, &n, &err)) {
		rig_err("%s", err.msg);
		code = 1;
		goto done;
	}
	if (!store)
		rig_buf_appendf(&html,
				"<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
				"charset=\"utf-8\"><title>rig report</title></head><body><p>"
				"No results stored yet (run rig bench).</p></body></html>\n");
	if (!(f = fopen(out, "w")) || fwrite(html.data, 1, html.len, f) != html.len ||
	    fclose(f) != 0) {
		rig_err("%s: cannot write the report", out);
		code = 1;
		goto done;
	}
	rig_info("%s: %zu cells, %zu charts (%zu history lines, %zu change points), %zu skipped, "
		 "%zu bytes",
		 out, n.cells, n.charts, n.history_lines, n.change_points, n.skipped, html.len);
done:
	rig_buf_free(&html);
	rig_strv_free(&boards);
	rig_strv_free(&workloads);
	rig_strv_free(&profiles);
	rig_strv_free(&rest);
	rig_store_close(store);
	rig_toolchains_free(tcs);
	return code;
}
