/* rig run: one workload, one profile, one board; prints each sample. Not
 * stored (use rig bench for that). rig boards: list and check board files. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "cli.h"
#include "format.h"
#include "log.h"
#include "names.h"
#include "toolchain.h"

static void print_sample(const struct rig_sample *s, int idx)
{
	printf("sample %d: %s", idx, s->ok ? "ok" : "FAILED");
	if (!s->ok)
		printf(" (%s)", s->fail_reason);
	printf("\n");
	for (size_t i = 0; i < s->n_metrics; i++) {
		char num[RIG_FMT_CAP];
		printf("  %-24s %s %s\n", s->metrics[i].name,
		       rig_fmt_number(num, sizeof(num), s->metrics[i].value), s->metrics[i].unit);
	}
	if (s->noise_lines || s->corrupt_lines || s->cut_lines)
		printf("  lines: %lu noise, %lu corrupt, %lu cut\n", s->noise_lines,
		       s->corrupt_lines, s->cut_lines);
	if (!s->ok && s->stderr_tail[0])
		printf("  output tail:\n%s\n", s->stderr_tail);
	if (s->contain[0])
		printf("  contained by: %s\n", s->contain);
	if (s->log_path[0])
		printf("  log: %s\n", s->log_path);
}

/* The board, profile and workload exist and are valid names. */
static int check_run_names(const struct rig_ctx *ctx, const struct rig_toolchains *tcs,
			   const char *board, const char *profile, const char *workload,
			   struct rig_error *err)
{
	struct rig_strv boards = {0}, profiles = {0}, workloads = {0};
	int rc;

	rig_strv_push(&boards, board);
	for (size_t i = 0; i < rig_profile_count(tcs); i++)
		rig_strv_push(&profiles, rig_profile_name(tcs, i));
	rig_workloads_list(ctx->source_dir, &workloads);
	(void)((rc = rig_ctx_check_boards(ctx, "--board", &boards, err)) ||
	       (rc = rig_name_check("option --profile", "profile", profile, err)) ||
	       (rc = rig_names_known("option --profile", "profile", profile, &profiles, err)) ||
	       (rc = rig_name_check(NULL, "workload", workload, err)) ||
	       (rc = rig_names_known(NULL, "workload", workload, &workloads, err)));
	rig_strv_free(&boards);
	rig_strv_free(&profiles);
	rig_strv_free(&workloads);
	return rc;
}

int cmd_run(int argc, char **argv, struct rig_ctx *ctx)
{
	const char *board_name = "host", *profile = "gc";
	long long n = 1, iterations = 0, timeout_ms = 0;
	struct rig_strv rest = {0};
	struct rig_error err = {0};
	struct rig_toolchains *tcs = NULL;
	struct rig_board *b = NULL;
	struct rig_artifact art;
	char cache[1200];
	int rc, code = 0, opened = 0;
	const struct rig_opt opts[] = {
	    {'b', "board", RIG_OPT_STRING, &board_name, "BOARD", "board (default host)"},
	    {'p', "profile", RIG_OPT_STRING, &profile, "PROFILE", "build profile (default gc)"},
	    {'n', "samples", RIG_OPT_COUNT, &n, "N", "samples to take (default 1)", 1, 10000},
	    {'i', "iterations", RIG_OPT_COUNT, &iterations, "N", "workload iterations", 1,
	     1000000000000LL},
	    {0, "timeout", RIG_OPT_DURATION, &timeout_ms, "TIME", "per-sample timeout"},
	    {0}};

	rc = rig_parse_options(argc, argv, opts, "rig run [--board B] [--profile P] WORKLOAD",
			       &rest, &err);
	if (rc == 1)
		goto done;
	if (rc || rest.n != 1) {
		rig_err("%s", rc ? err.msg : "rig run takes one workload (e.g. rig run cpu)");
		code = 2;
		goto done;
	}
	if ((rc = rig_ctx_load_toolchains(ctx, &tcs, &err)) ||
	    (rc = check_run_names(ctx, tcs, board_name, profile, rest.v[0], &err)) ||
	    (rc = rig_board_load(board_name, ctx->boards_dir, &b, &err))) {
		rig_err("%s", err.msg);
		code = 2;
		goto done;
	}
	snprintf(b->workdir, sizeof(b->workdir), "%s/boards/%s", ctx->state_dir, b->name);
	snprintf(cache, sizeof(cache), "%s/cache", ctx->state_dir);
	if ((rc = rig_mkdirs(b->workdir, &err))) {
		rig_err("%s", err.msg);
		code = 1;
		goto done;
	}
	struct rig_build_req req = {.profile = profile,
				    .workload = rest.v[0],
				    .target = &b->target,
				    .source_root = ctx->source_dir,
				    .cache_dir = cache};
	if ((rc = rig_build(tcs, &req, &art, &err)) || (rc = rig_board_supports(b, &art, &err))) {
		rig_err("%s", err.msg);
		code = rc == RIG_ERR_SKIPPED ? 3 : 1;
		goto done;
	}
	rig_info("%s: %s (%s)", art.path, art.cached ? "cached" : "built", art.command);
	if (b->ops->open && (rc = b->ops->open(b, &err))) {
		rig_err("board %s: %s", b->name, err.msg);
		code = rc == RIG_ERR_SKIPPED ? 3 : 1;
		goto done;
	}
	opened = 1;
	if (b->ops->prepare && (rc = b->ops->prepare(b, &art, &err))) {
		rig_err("board %s: %s", b->name, err.msg);
		code = 1;
		goto done;
	}
	for (long long i = 0; i < n; i++) {
		struct rig_sample s = {0};
		char log[1400];
		struct rig_run_req rr = {
		    .art = &art,
		    .workload = rest.v[0],
		    .iterations = iterations ? iterations : rig_board_iterations(b, rest.v[0]),
		    .timeout_ms = timeout_ms ? timeout_ms : b->timeout_ms,
		    .log_path = log,
		};
		snprintf(log, sizeof(log), "%s/run-%lld.log", b->workdir, i);
		if ((rc = b->ops->run(b, &rr, &s, &err))) {
			rig_err("board %s: %s", b->name, err.msg);
			rig_sample_free(&s);
			code = 1;
			break;
		}
		print_sample(&s, (int)i + 1);
		if (!s.ok)
			code = 1;
		rig_sample_free(&s);
	}
done:
	if (opened && b->ops->close)
		b->ops->close(b);
	rig_board_free(b);
	rig_toolchains_free(tcs);
	rig_strv_free(&rest);
	return code;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int cmd_boards(int argc, char **argv, struct rig_ctx *ctx)
{
	struct rig_strv rest = {0}, names = {0};
	struct rig_error err = {0};
	int rc, bad = 0;
	DIR *d;
	struct dirent *e;
	const struct rig_opt opts[] = {{0}};

	rc = rig_parse_options(argc, argv, opts, "rig boards [BOARD-FILE...]", &rest, &err);
	if (rc == 1)
		return 0;
	if (rc) {
		rig_err("%s", err.msg);
		return 2;
	}
	if (rest.n) {
		names = rest;
		memset(&rest, 0, sizeof(rest));
	} else if ((d = opendir(ctx->boards_dir))) {
		while ((e = readdir(d))) {
			size_t l = strlen(e->d_name);
			if (l > 5 && strcmp(e->d_name + l - 5, ".yaml") == 0)
				rig_strv_pushf(&names, "%s/%s", ctx->boards_dir, e->d_name);
		}
		closedir(d);
		if (names.n)
			qsort(names.v, names.n, sizeof(char *), cmp_str);
	}
	for (size_t i = 0; i < names.n; i++) {
		struct rig_board *b;
		if (rig_board_load(names.v[i], ctx->boards_dir, &b, &err)) {
			printf("  !! %s\n", err.msg);
			bad++;
			continue;
		}
		char parts[160];

		rig_board_describe_parts(b, parts, sizeof(parts));
		printf("  %-20s %-6s %s/%s%s%s%s  %s\n", b->name, b->ops->kind, b->target.os,
		       b->target.arch, b->target.variant[0] ? "/" : "", b->target.variant,
		       b->emulated ? " (emulated)" : "", b->description);
		printf("  %-20s %-6s parts: %s\n", "", "", parts);
		rig_board_free(b);
	}
	rig_strv_free(&names);
	rig_strv_free(&rest);
	return bad ? 2 : 0;
}
