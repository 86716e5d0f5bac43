/* rig submit, rig worker, rig db: the job queue and the schema from the
 * command line (docs/farm.md). */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "log.h"
#include "select.h"
#include "store.h"
#include "store_queue.h"
#include "worker.h"

/* The store a queue command uses: --db, RIG_STORE (main sets db_path from
 * either), else the project's file. */
static int open_store(struct rig_ctx *ctx, struct rig_store **s, struct rig_error *err)
{
	return rig_ctx_open_store(ctx, s, err);
}

int cmd_submit(int argc, char **argv, struct rig_ctx *ctx)
{
	struct rig_strv boards = {0}, picked = {0}, rest = {0};
	struct rig_store *s = NULL;
	struct rig_error err = {0};
	struct rig_buf args = {0};
	int rc, code = 0;
	const struct rig_opt opts[] = {
	    {'b', "boards", RIG_OPT_LIST, &boards, "LIST",
	     "boards or tag selectors (tag:pi4,site:lab2): one job per board"},
	    {0}};

	rc = rig_parse_options(argc, argv, opts,
			       "rig submit --boards LIST [--] [rig bench options: -w, -t, -n ...]",
			       &rest, &err);
	if (rc == 1)
		goto done;
	if (rc || !boards.n) {
		rig_err("%s", rc ? err.msg : "rig submit needs --boards (names or tag:VALUE)");
		code = 2;
		goto done;
	}
	if ((rc = rig_boards_select("--boards", &boards, ctx->boards_dir, &picked, &err))) {
		rig_err("%s", err.msg);
		code = 2;
		goto done;
	}
	for (size_t i = 0; i < rest.n; i++) {
		if (strchr(rest.v[i], '\n')) {
			rig_err("rig submit: argument %zu holds a newline", i + 1);
			code = 2;
			goto done;
		}
		rig_buf_appendf(&args, "%s%s", i ? "\n" : "", rest.v[i]);
	}
	if (args.len >= sizeof(((struct rig_job *)0)->args)) {
		rig_err(
		    "rig submit: the bench arguments are %zu bytes, more than a job holds (%zu)",
		    args.len, sizeof(((struct rig_job *)0)->args) - 1);
		code = 2;
		goto done;
	}
	if ((rc = open_store(ctx, &s, &err))) {
		rig_err("%s", err.msg);
		code = 1;
		goto done;
	}
	for (size_t i = 0; i < picked.n; i++) {
		struct rig_job job = {0};
		int64_t id;

		snprintf(job.board, sizeof(job.board), "%s", picked.v[i]);
		snprintf(job.args, sizeof(job.args), "%s", args.data ? args.data : "");
		if ((rc = rig_store_job_submit(s, &job, &id, &err))) {
			rig_err("%s", err.msg);
			code = 1;
			break;
		}
		printf("job %lld: %s\n", (long long)id, job.board);
	}
done:
	rig_store_close(s);
	rig_buf_free(&args);
	rig_strv_free(&boards);
	rig_strv_free(&picked);
	rig_strv_free(&rest);
	return code;
}

static volatile sig_atomic_t worker_stop;

static void on_signal(int sig) { worker_stop = 1; }

int cmd_worker(int argc, char **argv, struct rig_ctx *ctx)
{
	struct rig_strv boards = {0}, picked = {0}, rest = {0}, standby = {0}, spicked = {0};
	struct rig_strv rig_args = {0};
	struct rig_error err = {0};
	const char *name = NULL;
	long long hb = 2000, dead = 30000, poll = 1000, max_jobs = 0, attempts = 3;
	long long lost = 600000, grace = 20000;
	int idle = 0, rc, code = 0;
	char path[1200];
	const struct rig_opt opts[] = {
	    {'b', "boards", RIG_OPT_LIST, &boards, "LIST",
	     "take jobs for these boards or tag selectors only (default: any)"},
	    {0, "standby", RIG_OPT_LIST, &standby, "LIST",
	     "also these boards' jobs once their own worker left them (requeued, or queued "
	     "longer than --dead-after)"},
	    {0, "name", RIG_OPT_STRING, &name, "ID", "worker id (default host:pid:start)"},
	    {0, "heartbeat", RIG_OPT_DURATION, &hb, "TIME", "heartbeat interval (default 2s)"},
	    {0, "dead-after", RIG_OPT_DURATION, &dead, "TIME",
	     "requeue a running job whose heartbeat is older (default 30s)"},
	    {0, "poll", RIG_OPT_DURATION, &poll, "TIME", "wait on an empty queue (default 1s)"},
	    {0, "max-attempts", RIG_OPT_COUNT, &attempts, "N",
	     "takes before a job is failed (default 3)", 1, 100},
	    {0, "max-jobs", RIG_OPT_COUNT, &max_jobs, "N", "stop after N jobs (default: never)", 0,
	     1000000000},
	    {0, "exit-when-idle", RIG_OPT_FLAG, &idle, NULL, "stop when the queue is empty"},
	    {0, "store-lost-after", RIG_OPT_DURATION, &lost, "TIME",
	     "exit 75 when the store cannot be reached this long (default 10m)"},
	    {0, "stop-grace", RIG_OPT_DURATION, &grace, "TIME",
	     "on SIGTERM, kill a bench still running after this (default 20s)"},
	    {0}};

	rc = rig_parse_options(argc, argv, opts, "rig worker [--boards LIST] [options]", &rest,
			       &err);
	if (rc == 1)
		goto done;
	if (rc || rest.n) {
		rig_err("%s", rc ? err.msg : "rig worker takes no arguments");
		code = 2;
		goto done;
	}
	if (boards.n && rig_boards_select("--boards", &boards, ctx->boards_dir, &picked, &err)) {
		rig_err("%s", err.msg);
		code = 2;
		goto done;
	}
	if (standby.n &&
	    rig_boards_select("--standby", &standby, ctx->boards_dir, &spicked, &err)) {
		rig_err("%s", err.msg);
		code = 2;
		goto done;
	}
	/* the benches it starts see the same state, boards and toolchains */
	rig_strv_push(&rig_args, "--state-dir");
	rig_strv_push(&rig_args, ctx->state_dir);
	rig_strv_push(&rig_args, "--boards-dir");
	rig_strv_push(&rig_args, ctx->boards_dir);
	for (size_t i = 0; i < ctx->toolchain_files.n; i++) {
		rig_strv_push(&rig_args, "--toolchains-file");
		rig_strv_push(&rig_args, ctx->toolchain_files.v[i]);
	}
	if (ctx->db_path) {
		snprintf(path, sizeof(path), "%s", ctx->db_path);
	} else {
		if (rig_mkdirs(ctx->state_dir, &err)) {
			rig_err("%s", err.msg);
			code = 1;
			goto done;
		}
		snprintf(path, sizeof(path), "%s/rig.db", ctx->state_dir);
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	{
		struct rig_worker_cfg cfg = {
		    .store = path,
		    .name = name,
		    .boards = &picked,
		    .standby = &spicked,
		    .rig_args = &rig_args,
		    .heartbeat_ms = hb,
		    .dead_after_ms = dead,
		    .poll_ms = poll,
		    .max_attempts = (int)attempts,
		    .store_lost_ms = lost,
		    .stop_grace_ms = grace,
		    .max_jobs = max_jobs,
		    .exit_when_idle = idle,
		    .stop = &worker_stop,
		};
		if ((rc = rig_worker_loop(&cfg, &err))) {
			rig_err("%s", err.msg);
			/* systemd's Restart=on-failure starts it again later */
			code = rc == RIG_ERR_STORE_LOST ? RIG_EXIT_TRY_AGAIN : 1;
		}
	}
done:
	rig_strv_free(&boards);
	rig_strv_free(&picked);
	rig_strv_free(&standby);
	rig_strv_free(&spicked);
	rig_strv_free(&rig_args);
	rig_strv_free(&rest);
	return code;
}

/* rig db migrate: opening for writing upgrades; says from what to what. */
int cmd_db(int argc, char **argv, struct rig_ctx *ctx)
{
	struct rig_store *s = NULL;
	struct rig_error err = {0};
	struct rig_job_counts c;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		printf("usage: rig db migrate   create or upgrade the store's schema (to version "
		       "%d)\n       rig db status    the store's backend, schema and queue\n",
		       rig_store_schema_version());
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "migrate") != 0 && strcmp(argv[1], "status") != 0) {
		rig_err("rig db: '%s' is not migrate or status", argv[1]);
		return 2;
	}
	if (open_store(ctx, &s, &err)) {
		rig_err("%s", err.msg);
		return 1;
	}
	printf("%s store, schema version %d\n", rig_store_backend(s), rig_store_schema_version());
	if (strcmp(argv[1], "status") == 0 && rig_store_job_counts(s, &c, &err) == 0)
		printf("jobs: %lld queued, %lld running, %lld done, %lld failed\n", c.queued,
		       c.running, c.done, c.failed);
	rig_store_close(s);
	return 0;
}
