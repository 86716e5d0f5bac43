/* rig bench, rig build, rig run: the matrix, its builds, one cell. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "board.h"
#include "cli.h"
#include "lease.h"
#include "log.h"
#include "names.h"
#include "results.h"
#include "select.h"
#include "store.h"
#include "toolchain.h"
#include "worker.h"

#define DEFAULT_WORKLOADS "hello,cpu,alloc"
/* with --load: the service workloads */
#define DEFAULT_LOAD_WORKLOADS "http"

/* The main job's boards: the host and the emulated microcontrollers. */
#define DEFAULT_BOARDS "host,qemu-lm3s6965evb,qemu-mps2-an385"

struct matrix_opts {
	struct rig_strv boards, toolchains, profiles, workloads;
};

/* Turns --toolchains/--profiles into profile names; default: profiles marked
 * default. Returns 0 or prints the error and returns 2. */
static int select_profiles(const struct rig_toolchains *tcs, const struct matrix_opts *m,
			   struct rig_strv *out)
{
	for (size_t i = 0; i < m->toolchains.n; i++) {
		if (!rig_profiles_select(tcs, m->toolchains.v[i], out)) {
			rig_err("--toolchains: no toolchain or profile named '%s' (see rig doctor)",
				m->toolchains.v[i]);
			return 2;
		}
	}
	for (size_t i = 0; i < m->profiles.n; i++) {
		if (!rig_profile_toolchain(tcs, m->profiles.v[i])) {
			rig_err("--profiles: no profile named '%s' (see rig doctor)",
				m->profiles.v[i]);
			return 2;
		}
		if (!rig_strv_has(out, m->profiles.v[i]))
			rig_strv_push(out, m->profiles.v[i]);
	}
	if (!m->toolchains.n && !m->profiles.n)
		for (size_t i = 0; i < rig_profile_count(tcs); i++)
			if (rig_profile_is_default(tcs, rig_profile_name(tcs, i)))
				rig_strv_push(out, rig_profile_name(tcs, i));
	return 0;
}

/* Every list item a known, valid name, none empty or twice: before anything
 * is built, so a typo is an error and not a bench of the defaults. */
static int check_matrix(const struct rig_ctx *ctx, const struct rig_toolchains *tcs,
			const struct matrix_opts *m, const char *baseline, struct rig_error *err)
{
	struct rig_strv profiles = {0}, tcs_and_profiles = {0}, workloads = {0};
	int rc;

	for (size_t i = 0; i < rig_profile_count(tcs); i++) {
		rig_strv_push(&profiles, rig_profile_name(tcs, i));
		rig_strv_push(&tcs_and_profiles, rig_profile_name(tcs, i));
	}
	for (size_t i = 0; i < rig_toolchain_count(tcs); i++)
		if (!rig_strv_has(&tcs_and_profiles, rig_toolchain_name(tcs, i)))
			rig_strv_push(&tcs_and_profiles, rig_toolchain_name(tcs, i));
	rig_workloads_list(ctx->source_dir, &workloads);
	(void)((rc = rig_ctx_check_boards(ctx, "--boards", &m->boards, err)) ||
	       (m->toolchains.n &&
		(rc = rig_names_check_list("--toolchains", "toolchain or profile", &m->toolchains,
					   1, &tcs_and_profiles, err))) ||
	       (m->profiles.n && (rc = rig_names_check_list("--profiles", "profile", &m->profiles,
							    1, &profiles, err))) ||
	       (rc = rig_names_check_list("--workloads", "workload", &m->workloads, 1, &workloads,
					  err)) ||
	       (baseline &&
		(rc = rig_names_known("option --baseline", "profile", baseline, &profiles, err))));
	rig_strv_free(&profiles);
	rig_strv_free(&tcs_and_profiles);
	rig_strv_free(&workloads);
	return rc;
}

static void matrix_free(struct matrix_opts *m)
{
	rig_strv_free(&m->boards);
	rig_strv_free(&m->toolchains);
	rig_strv_free(&m->profiles);
	rig_strv_free(&m->workloads);
}

static int bench_or_build(int argc, char **argv, struct rig_ctx *ctx, int build_only)
{
	struct matrix_opts m = {0};
	struct rig_bench_opts o = {.samples = -1, .warmup = -1, .resume = 1};
	struct rig_bench_summary sum;
	struct rig_store *store = NULL;
	struct rig_toolchains *tcs = NULL;
	struct rig_strv rest = {0};
	struct rig_error err = {0};
	const char *baseline = NULL, *format = "table", *label = NULL, *source = NULL;
	const char *load_arg = NULL;
	struct rig_load_spec load;
	int *load_cpus = NULL;
	size_t n_load_cpus = 0, load_body_len = 0;
	char *load_body = NULL;
	struct rig_provenance prov;
	char db_file[1200];
	int no_resume = 0, serial = 0, ab = 0, quiet_table = 0, rc, exit_code = 0;
	const struct rig_opt opts[] = {
	    {'b', "boards", RIG_OPT_LIST, &m.boards, "LIST",
	     "boards by name, or tag selectors: tag:pi4, site:lab2 (default " DEFAULT_BOARDS ")"},
	    {'t', "toolchains", RIG_OPT_LIST, &m.toolchains, "LIST",
	     "toolchains (their default profiles) or profile names"},
	    {'p', "profiles", RIG_OPT_LIST, &m.profiles, "LIST", "build profiles by name"},
	    {'w', "workloads", RIG_OPT_LIST, &m.workloads, "LIST",
	     "workloads (default " DEFAULT_WORKLOADS ")"},
	    {'n', "samples", RIG_OPT_COUNT, &o.samples, "N",
	     "samples per cell (default: the board's)", 1, 100000},
	    {0, "warmup", RIG_OPT_COUNT, &o.warmup, "N",
	     "warm-up runs before the samples (default: the board's)", 0, 10000},
	    {'i', "iterations", RIG_OPT_COUNT, &o.iterations, "N",
	     "workload iterations (default: board file, else the workload's)", 1, 1000000000000LL},
	    {0, "timeout", RIG_OPT_DURATION, &o.timeout_ms, "TIME",
	     "per-sample timeout, e.g. 30s (default: the board's)"},
	    {'j', "jobs", RIG_OPT_COUNT, &o.jobs, "N",
	     "host-local boards (host, QEMU, WASI) measured at once (default: cores - 1); agent "
	     "and serial boards are not limited",
	     1, 1024},
	    {0, "lease-wait", RIG_OPT_DURATION, &o.lease_wait_ms, "TIME",
	     "wait this long for a board another bench holds (default 10m)"},
	    {0, "lease-ttl", RIG_OPT_DURATION, &o.lease_ttl_ms, "TIME",
	     "a board's lease expires this long after its last heartbeat (default 30s)"},
	    {0, "store-every", RIG_OPT_DURATION, &o.store_every_ms, "TIME",
	     "write a board's finished samples together at most this long after the first "
	     "(one transaction; default 1s)"},
	    {0, "serial", RIG_OPT_FLAG, &serial, NULL,
	     "one board after another on one store connection, no leases"},
	    {0, "ab", RIG_OPT_FLAG, &ab, NULL,
	     "boards of one model (tag model:) share each cell: one run, its samples "
	     "interleaved across them, each sample keeping its board"},
	    {0, "retry-of", RIG_OPT_LIST, &o.retry_of, "LIST",
	     "(set by rig worker) take these failed boards' cells on the --boards, resuming "
	     "their runs"},
	    {0, "timed-out-on", RIG_OPT_STRING, &o.timed_out_on, "BOARD,PROFILE,WORKLOAD,ON",
	     "(set by rig worker) that --retry-of cell's next sample timed out on ON: the "
	     "first sample taken here tells whether the board or the workload was at fault"},
	    {0, "no-resume", RIG_OPT_FLAG, &no_resume, NULL,
	     "start new runs instead of completing unfinished ones"},
	    {0, "baseline", RIG_OPT_STRING, &baseline, "PROFILE",
	     "profile the ratios compare with (default: the one marked baseline)"},
	    {0, "format", RIG_OPT_STRING, &format, "FMT",
	     "results after the bench: table, json, csv, benchfmt"},
	    {'q', "no-table", RIG_OPT_FLAG, &quiet_table, NULL, "do not print results"},
	    {0, "label", RIG_OPT_STRING, &label, "NAME",
	     "what this bench measured, e.g. main or a branch (default: git describe of --source)"},
	    {0, "source", RIG_OPT_STRING, &source, "DIR",
	     "the tree whose git commit the runs record (default: the workload sources)"},
	    {0, "load", RIG_OPT_STRING, &load_arg, "SPEC",
	     "bench service workloads under load: closed:c=64,d=10s or rate:r=20000,c=64,d=20s "
	     "(docs/load.md; default workloads then " DEFAULT_LOAD_WORKLOADS ")"},
	    {0}};
	const char *usage = build_only ? "rig build [options]" : "rig bench [options]";

	rc = rig_parse_options(argc, argv, opts, usage, &rest, &err);
	if (rc == 1)
		goto done;
	if (rc) {
		rig_err("%s", err.msg);
		exit_code = 2;
		goto done;
	}
	if (rest.n) {
		rig_err("%s: unexpected argument '%s' (workloads go in --workloads)", argv[0],
			rest.v[0]);
		exit_code = 2;
		goto done;
	}
	if (!m.boards.n)
		rig_split_list(DEFAULT_BOARDS, &m.boards);
	{
		/* tag selectors (select.h) become the boards they match */
		struct rig_strv picked = {0};
		if ((rc = rig_boards_select("--boards", &m.boards, ctx->boards_dir, &picked,
					    &err))) {
			rig_strv_free(&picked);
			rig_err("%s", err.msg);
			exit_code = 2;
			goto done;
		}
		rig_strv_free(&m.boards);
		m.boards = picked;
		/* the failed boards are loaded for their cells' plans */
		for (size_t i = 0; i < o.retry_of.n; i++)
			if (!rig_strv_has(&m.boards, o.retry_of.v[i]))
				rig_strv_push(&m.boards, o.retry_of.v[i]);
	}
	if (!m.workloads.n)
		rig_split_list(load_arg ? DEFAULT_LOAD_WORKLOADS : DEFAULT_WORKLOADS, &m.workloads);
	if (load_arg) {
		if ((rc = rig_load_spec_parse(load_arg, &load, &err)) ||
		    (load.cpus[0] &&
		     (rc = rig_load_parse_cpus(load.cpus, &load_cpus, &n_load_cpus, &err)))) {
			rig_err("%s", err.msg);
			exit_code = 2;
			goto done;
		}
		if (load.data[0] && rig_read_file(load.data, &load_body, &load_body_len, &err)) {
			rig_err("--load '%s': data=%s (the gRPC request message): %s", load_arg,
				load.data, err.msg);
			exit_code = 2;
			goto done;
		}
		if (!load_cpus)
			rig_load_default_cpus(-1, &load_cpus, &n_load_cpus);
		load.opts.body = load_body;
		load.opts.body_len = load_body_len;
		o.load = &load;
		o.load_text = load_arg;
		o.load_cpus = load_cpus;
		o.n_load_cpus = n_load_cpus;
	}
	if ((rc = rig_ctx_load_toolchains(ctx, &tcs, &err)) ||
	    (rc = check_matrix(ctx, tcs, &m, baseline, &err)) ||
	    (label && (rc = rig_name_check("option --label", "label", label, &err)))) {
		rig_err("%s", err.msg);
		exit_code = 2;
		goto done;
	}
	if ((exit_code = select_profiles(tcs, &m, &o.profiles)))
		goto done;
	if ((rc = rig_ctx_open_store(ctx, &store, &err))) {
		rig_err("%s", err.msg);
		exit_code = rc == RIG_ERR_STORE_LOST ? RIG_EXIT_TRY_AGAIN : 1;
		goto done;
	}
	if (o.lease_ttl_ms && o.lease_ttl_ms < 300) {
		rig_err("option --lease-ttl: %lld ms is shorter than the 300 ms a lease needs",
			o.lease_ttl_ms);
		exit_code = 2;
		goto done;
	}
	if (!o.jobs) {
		long cores = sysconf(_SC_NPROCESSORS_ONLN);
		o.jobs = cores > 1 ? cores - 1 : 1;
	}
	if (!o.lease_wait_ms)
		o.lease_wait_ms = RIG_LEASE_WAIT_MS_DEFAULT;
	if (ab && serial) {
		rig_err("--ab shares a cell's samples among boards measured at once; it does not "
			"go with --serial");
		exit_code = 2;
		goto done;
	}
	o.ab = ab;
	o.db_path = serial ? NULL : rig_ctx_db_file(ctx, db_file, sizeof(db_file));
	o.boards = m.boards;
	o.workloads = m.workloads;
	o.resume = !no_resume;
	o.requeue_args = getenv("RIG_JOB_ARGS");
	o.progress = ctx->progress;
	o.build_only = build_only;
	o.source_dir = ctx->source_dir;
	o.boards_dir = ctx->boards_dir;
	o.state_dir = ctx->state_dir;
	if (!build_only) {
		rig_provenance_collect(source ? source : ctx->source_dir, label, &prov);
		o.prov = &prov;
		rig_info("label %s, commit %.12s, bench %s", prov.label, prov.commit,
			 prov.bench_id);
	}
	rc = rig_bench_run(&o, store, tcs, &sum, &err);
	if (rc && rc != RIG_ERR_INTERRUPTED) {
		rig_err("%s", err.msg);
		exit_code = rc == RIG_ERR_PARSE || rc == RIG_ERR_NOT_FOUND ? 2
			    : rc == RIG_ERR_STORE_LOST			   ? RIG_EXIT_TRY_AGAIN
									   : 1;
		goto done;
	}
	rig_info("%d built, %d from cache, %d skipped, %d samples (%d failed), %d infrastructure "
		 "errors, %d samples retried on another board, %d boards quarantined by their "
		 "health check%s",
		 sum.built, sum.cached, sum.skipped, sum.samples_ok + sum.samples_failed,
		 sum.samples_failed, sum.infra_errors, sum.samples_retried, sum.quarantined,
		 sum.boards_failed ? ", some boards failed" : "");
	if (sum.samples_ok + sum.samples_failed > 0) {
		double n = sum.samples_ok + sum.samples_failed;
		rig_info("rig's own time per stored sample: %.3f ms around the program, %.3f ms "
			 "storing it",
			 (double)sum.around_ns / n / 1e6, (double)sum.store_ns / n / 1e6);
	}
	if (rc == RIG_ERR_INTERRUPTED) {
		rig_warn("%s", err.msg);
		exit_code = 130;
	}
	if (!quiet_table && !build_only) {
		/* results are stored under the board's name: a board given as
		 * a file (-b path/to/b.yaml) is shown by the name it has */
		struct rig_strv shown = {0};
		for (size_t i = 0; i < m.boards.n; i++) {
			struct rig_board *b = NULL;
			struct rig_error e = {0};
			const char *it = m.boards.v[i];
			if ((strchr(it, '/') || strstr(it, ".yaml") || o.ab) &&
			    rig_board_load(it, ctx->boards_dir, &b, &e) == 0)
				rig_strv_push(&shown, b->name);
			else
				rig_strv_push(&shown, it);
			/* --ab: the cells shared by a model are its runs */
			for (size_t t = 0; b && o.ab && t < b->tags.n; t++)
				if (strncmp(b->tags.v[t], "model:", 6) == 0 &&
				    !rig_strv_has(&shown, b->tags.v[t]))
					rig_strv_push(&shown, b->tags.v[t]);
			rig_board_free(b);
		}
		struct rig_results_opts ro = {
		    .boards = &shown,
		    .workloads = &m.workloads,
		    .profiles = &o.profiles,
		    .baseline = baseline ? baseline : rig_profile_baseline(tcs),
		    .format = format,
		    .is_tty = ctx->is_tty,
		    .skips_since = sum.started,
		};
		if (rig_results_print(store, &ro, stdout, &err)) {
			rig_err("%s", err.msg);
			exit_code = 1;
		}
		rig_strv_free(&shown);
	}
	if (sum.boards_failed && !exit_code)
		exit_code = 1;
done:
	free(load_cpus);
	free(load_body);
	rig_strv_free(&o.profiles);
	rig_strv_free(&o.retry_of);
	rig_strv_free(&rest);
	matrix_free(&m);
	rig_store_close(store);
	rig_toolchains_free(tcs);
	return exit_code;
}

int cmd_bench(int argc, char **argv, struct rig_ctx *ctx)
{
	return bench_or_build(argc, argv, ctx, 0);
}

int cmd_build(int argc, char **argv, struct rig_ctx *ctx)
{
	return bench_or_build(argc, argv, ctx, 1);
}
