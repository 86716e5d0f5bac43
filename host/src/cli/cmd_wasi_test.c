/*
 * rig wasi-test: the WASI test suite (or a user's own module with its
 * expected output) on every WASI board, verdicts stored and shown as a
 * conformance matrix.
 *
 *   rig wasi-test [--boards LIST] [--tests PATTERNS] [--timeout TIME]
 *                 [SUITE_DIR...]
 *   rig wasi-test [--boards LIST] MODULE.wasm [--expect-stdout FILE]
 *                 [--expect-stderr FILE] [--expect-exit N] [--env LIST]
 *                 [--root DIR] [-- ARGS...]
 *
 * Without SUITE_DIR: $RIG_WASI_TESTSUITE, else shared/wasi-testsuite beside
 * the nearest ancestor of rig's source directory that has one (this
 * machine: /work/shared/wasi-testsuite); absent, the command says so and
 * exits 77 (skipped).
 *
 * Exit codes: 0 every test passed or failed as its runtime's expectations
 * declare; 1 a test failed, timed out or could not run; 2 usage; 77 no
 * suite or no WASI board could run.
 */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "board.h"
#include "cli.h"
#include "conformance.h"
#include "conformance_print.h"
#include "hostenv.h"
#include "log.h"
#include "store.h"
#include "tree.h"
#include "wasi_cmdline.h"
#include "wasi_expect.h"
#include "wasitest.h"
#include "wasm_module.h"
#include "wasm_profile.h"

struct wt_opts {
	struct rig_strv boards, tests, env, positional, module_args;
	long long timeout_ms, expect_exit;
	const char *expect_stdout, *expect_stderr, *expectations, *root;
	int keep, no_store, all_tests;
};

struct tally {
	int pass, fail, known, timeout, skip, error;
};

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* $RIG_WASI_TESTSUITE, or ANCESTOR/../shared/wasi-testsuite for the
 * nearest ancestor of the source directory where it exists. */
static int default_suite(const struct rig_ctx *ctx, char *out, size_t cap)
{
	const char *env = getenv("RIG_WASI_TESTSUITE");
	char d[1024];

	if (env && *env) {
		snprintf(out, cap, "%s", env);
		return is_dir(out);
	}
	if (!realpath(ctx->source_dir, d))
		snprintf(d, sizeof(d), "%s", ctx->source_dir);
	for (int up = 0; up < 4; up++) {
		char *slash = strrchr(d, '/');
		if (!slash || slash == d)
			break;
		*slash = '\0';
		if (!rig_snprintf(out, cap, "%s/shared/wasi-testsuite", d) && is_dir(out))
			return 1;
	}
	return 0;
}

/* expectations/ in the suite directory or one of its parents. */
static void find_expectations(const char *suite_dir, char *out, size_t cap)
{
	char d[1024];

	out[0] = '\0';
	snprintf(d, sizeof(d), "%s", suite_dir);
	for (int up = 0; up < 6; up++) {
		char *slash;
		if (!rig_snprintf(out, cap, "%s/expectations", d) && is_dir(out))
			return;
		slash = strrchr(d, '/');
		if (!slash || slash == d)
			break;
		*slash = '\0';
	}
	out[0] = '\0';
}

static int wanted(const struct rig_strv *patterns, const char *test)
{
	if (!patterns->n)
		return 1;
	for (size_t i = 0; i < patterns->n; i++)
		if (fnmatch(patterns->v[i], test, 0) == 0)
			return 1;
	return 0;
}

/* Every board file of kind wasi in the boards directory. */
static int all_wasi_boards(const struct rig_ctx *ctx, struct rig_strv *out)
{
	struct rig_strv names = {0};
	struct rig_error e = {0};

	if (rig_tree_list(ctx->boards_dir, &names, &e))
		return 0;
	for (size_t i = 0; i < names.n; i++) {
		size_t n = strlen(names.v[i]);
		struct rig_board *b = NULL;
		char path[2048];

		if (n < 6 || strcmp(names.v[i] + n - 5, ".yaml") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", ctx->boards_dir, names.v[i]);
		if (rig_board_load(path, ctx->boards_dir, &b, &e) == 0 && rig_wasi_is_board(b))
			rig_strv_push(out, b->name);
		rig_board_free(b);
	}
	rig_strv_free(&names);
	return (int)out->n;
}

/* A user's module: its spec from the options (or MODULE.json beside it). */
static int user_spec(const struct wt_opts *o, const char *dir, const char *test,
		     struct rig_wasi_spec *spec, struct rig_error *err)
{
	char json[2048], *text = NULL;
	struct rig_wasi_op *ops;
	size_t len;
	int rc;

	snprintf(json, sizeof(json), "%s/%s.json", dir, test);
	if (!o->expect_stdout && !o->expect_stderr && o->expect_exit < 0 && !o->env.n &&
	    !o->module_args.n && !o->root && rig_file_exists(json))
		return rig_wasi_spec_load(json, spec, err);
	memset(spec, 0, sizeof(*spec));
	ops = rig_xcalloc(4, sizeof(*ops));
	spec->ops = ops;
	ops[0].type = RIG_WASI_OP_RUN;
	for (size_t i = 0; i < o->module_args.n; i++)
		rig_strv_push(&ops[0].args, o->module_args.v[i]);
	for (size_t i = 0; i < o->env.n; i++)
		rig_strv_push(&ops[0].env, o->env.v[i]);
	if (o->root) {
		char abs[PATH_MAX];
		ops[0].root = rig_xstrdup(realpath(o->root, abs) ? abs : o->root);
	}
	spec->n_ops = 1;
	const char *files[2] = {o->expect_stdout, o->expect_stderr};
	for (int k = 0; k < 2; k++) {
		struct rig_wasi_op *op;
		if (!files[k])
			continue;
		if ((rc = rig_read_file(files[k], &text, &len, err))) {
			rig_wasi_spec_free(spec);
			return rc;
		}
		op = &ops[spec->n_ops++];
		op->type = RIG_WASI_OP_READ;
		snprintf(op->id, sizeof(op->id), "%s", k ? "stderr" : "stdout");
		op->payload = text;
		op->payload_len = len;
		text = NULL;
	}
	ops[spec->n_ops].type = RIG_WASI_OP_WAIT;
	ops[spec->n_ops++].exit_code = o->expect_exit >= 0 ? (int)o->expect_exit : 0;
	return 0;
}

/* The board's profile check of a module: "ok", the problems, or "". */
static void static_check(const struct rig_ctx *ctx, const char *profile, const char *wasm,
			 char *out, size_t cap)
{
	struct rig_wasm_profile *p = NULL;
	struct rig_wasm_module *m = NULL;
	struct rig_error e = {0};
	struct rig_wasm_check c;
	char why[240];

	out[0] = '\0';
	if (!profile || !profile[0] || rig_wasm_profile_load(profile, ctx->boards_dir, &p, &e))
		return;
	if (rig_wasm_load(wasm, &m, &e) == 0) {
		rig_wasm_check(m, p, &c);
		snprintf(out, cap, "%s",
			 c.problems ? rig_wasm_check_summary(&c, why, sizeof(why)) : "ok");
		rig_wasm_check_free(&c);
		rig_wasm_free(m);
	} else {
		snprintf(out, cap, "does not parse: %.200s", e.msg);
	}
	rig_wasm_profile_free(p);
}

struct board_run {
	struct rig_board *b;
	struct rig_store *store;
	int64_t run_id;
	const char *runtime, *version, *profile;
	struct rig_wasi_expect expect;
	int have_expect;
	struct tally t;
};

static void head(char *dst, size_t cap, const char *s) { snprintf(dst, cap, "%s", s ? s : ""); }

static int run_test(const struct rig_ctx *ctx, const struct wt_opts *o, struct board_run *br,
		    const struct rig_wasi_suite *su, const char *test, const char *work)
{
	struct rig_wasitest_opts wo = {
	    .timeout_ms = o->timeout_ms, .work_dir = work, .keep_failed = o->keep};
	struct rig_wasitest_result res;
	struct rig_wasi_spec spec;
	struct rig_error e = {0};
	struct rig_conf_row row;
	const struct rig_wasi_expect_entry *ex;
	char json[PATH_MAX], wasm[PATH_MAX];
	int rc;

	memset(&row, 0, sizeof(row));
	snprintf(json, sizeof(json), "%s/%s.json", su->dir, test);
	snprintf(wasm, sizeof(wasm), "%s/%s.wasm", su->dir, test);
	if (strcmp(su->name, "user") == 0)
		rc = user_spec(o, su->dir, test, &spec, &e);
	else if ((rc = rig_wasi_spec_load(json, &spec, &e)) == RIG_ERR_NOT_FOUND) {
		rig_wasi_spec_default(&spec);
		rc = 0;
	}
	if (rc) {
		memset(&res, 0, sizeof(res));
		res.verdict = RIG_WASI_ERROR;
		snprintf(res.reason, sizeof(res.reason), "bad specification: %s", e.msg);
	} else if ((rc = rig_wasitest_run(br->b, su->dir, test, &spec, &wo, &res, &e))) {
		rig_wasi_spec_free(&spec);
		rig_err("%s: %s", br->b->name, e.msg);
		return rc;
	}
	rig_wasi_spec_free(&spec);
	ex = br->have_expect ? rig_wasi_expect_find(&br->expect, su->name, test) : NULL;
	row.run_id = br->run_id;
	head(row.suite, sizeof(row.suite), su->name);
	head(row.suite_commit, sizeof(row.suite_commit), su->commit);
	head(row.test, sizeof(row.test), test);
	if (rig_sha256_file(wasm, row.module_sha256, &e))
		row.module_sha256[0] = '\0';
	head(row.verdict, sizeof(row.verdict), rig_wasi_verdict_name(res.verdict));
	head(row.reason, sizeof(row.reason), res.reason);
	head(row.first_diff, sizeof(row.first_diff), res.first_diff);
	if (ex) {
		head(row.expectation, sizeof(row.expectation),
		     ex->action[0] ? ex->action : ex->expected);
		head(row.expectation_note, sizeof(row.expectation_note), ex->note);
	}
	static_check(ctx, br->profile, wasm, row.static_check, sizeof(row.static_check));
	row.exit_status = res.exit_status;
	row.wall_ns = res.wall_ns;
	head(row.argv, sizeof(row.argv), res.argv);
	head(row.stdout_head, sizeof(row.stdout_head), res.out_text);
	head(row.stderr_head, sizeof(row.stderr_head), res.err_text);
	switch (res.verdict) {
	case RIG_WASI_PASS:
		br->t.pass++;
		break;
	case RIG_WASI_FAIL:
	case RIG_WASI_TIMEOUT:
	case RIG_WASI_ERROR:
		if (ex && strcmp(row.expectation, "pass") != 0)
			br->t.known++;
		else if (res.verdict == RIG_WASI_FAIL)
			br->t.fail++;
		else if (res.verdict == RIG_WASI_TIMEOUT)
			br->t.timeout++;
		else
			br->t.error++;
		break;
	default:
		br->t.skip++;
	}
	rig_info("%s %s/%s: %s%s%s%s", br->b->name, su->name, test, row.verdict,
		 res.reason[0] ? ": " : "", res.reason, ex ? " (known to the expectations)" : "");
	if (res.first_diff[0])
		rig_info("    %s", res.first_diff);
	rig_wasitest_result_free(&res);
	if (br->store && (rc = rig_conf_add(br->store, &row, &e))) {
		rig_err("%s", e.msg);
		return rc;
	}
	return 0;
}

static void env_record(struct rig_board *b, const struct rig_wasi_suite *suites, size_t n_suites,
		       struct rig_kvlist *env)
{
	struct rig_error e = {0};

	rig_kv_set(env, "rig.version", RIG_VERSION);
	rig_hostenv_collect(env, "host.");
	rig_kv_set(env, "board.name", b->name);
	rig_kv_set(env, "board.file", b->file);
	rig_kv_set(env, "board.kind", b->ops->kind);
	if (b->ops->facts && b->ops->facts(b, env, &e))
		rig_warn("board %s: facts: %s", b->name, e.msg);
	for (size_t i = 0; i < n_suites; i++) {
		char key[64];
		snprintf(key, sizeof(key), "wasitest.suite.%zu.dir", i);
		rig_kv_set(env, key, suites[i].dir);
		snprintf(key, sizeof(key), "wasitest.suite.%zu.commit", i);
		rig_kv_set(env, key, suites[i].commit);
	}
}

/* One board through every suite. Returns 0, 77 when the board cannot run
 * here (skipped), or a negative error. */
static int run_board(const struct rig_ctx *ctx, const struct wt_opts *o, const char *name,
		     const struct rig_wasi_suite *suites, size_t n_suites, struct rig_store *store,
		     const char *command, struct tally *sum)
{
	struct board_run br = {0};
	struct rig_kvlist env = {0};
	struct rig_error e = {0};
	char work[2048], expect_dir[1024], path[2048];
	int64_t env_id = 0;
	int rc, opened = 0;

	if ((rc = rig_board_load(name, ctx->boards_dir, &br.b, &e))) {
		rig_err("%s", e.msg);
		return rc;
	}
	if (!rig_wasi_is_board(br.b)) {
		rig_err("board %s is of kind %s: rig wasi-test runs WASI boards (kind wasi)",
			br.b->name, br.b->ops->kind);
		rig_board_free(br.b);
		return RIG_ERR_INVALID;
	}
	snprintf(br.b->workdir, sizeof(br.b->workdir), "%s/boards/%s", ctx->state_dir, br.b->name);
	snprintf(work, sizeof(work), "%s/wasi-test/%s", ctx->state_dir, br.b->name);
	if ((rc = rig_mkdirs(br.b->workdir, &e)) || (rc = rig_tree_remove(work, &e)) ||
	    (rc = rig_mkdirs(work, &e))) {
		rig_err("%s", e.msg);
		goto out;
	}
	if (br.b->ops->open && (rc = br.b->ops->open(br.b, &e))) {
		if (rc == RIG_ERR_SKIPPED) {
			rig_warn("board %s skipped: %s", br.b->name, e.msg);
			rc = 77;
		} else
			rig_err("board %s: %s", br.b->name, e.msg);
		goto out;
	}
	opened = 1;
	env_record(br.b, suites, n_suites, &env);
	br.runtime = rig_kv_get(&env, "board.wasi.runtime");
	br.version = rig_kv_get(&env, "board.wasi.runtime_version");
	br.profile = rig_kv_get(&env, "board.wasi.profile");
	br.store = store;
	if (store && ((rc = rig_store_add_env(store, &env, &env_id, &e)) ||
		      (rc = rig_conf_begin(store,
					   &(struct rig_conf_run){.board = br.b->name,
								  .runtime = br.runtime,
								  .runtime_version = br.version,
								  .command = command,
								  .env_id = env_id},
					   &br.run_id, &e)))) {
		rig_err("%s", e.msg);
		goto out;
	}
	rig_info("board %s: %s %s", br.b->name, br.runtime ? br.runtime : "?",
		 br.version ? br.version : "");
	for (size_t s = 0; s < n_suites && !rc; s++) {
		const struct rig_wasi_suite *su = &suites[s];

		rig_wasi_expect_free(&br.expect);
		br.have_expect = 0;
		if (o->expectations)
			snprintf(expect_dir, sizeof(expect_dir), "%s", o->expectations);
		else
			find_expectations(su->dir, expect_dir, sizeof(expect_dir));
		if (expect_dir[0] && br.runtime) {
			snprintf(path, sizeof(path), "%s/%s/linux.toml", expect_dir, br.runtime);
			rc = rig_wasi_expect_load(path, &br.expect, &e);
			if (rc == 0)
				br.have_expect = 1;
			else if (rc != RIG_ERR_NOT_FOUND) {
				rig_err("%s", e.msg);
				goto out;
			}
			rc = 0;
		}
		for (size_t t = 0; t < su->tests.n && !rc; t++)
			if (wanted(&o->tests, su->tests.v[t]))
				rc = run_test(ctx, o, &br, su, su->tests.v[t], work);
	}
	if (store && !rc && (rc = rig_conf_finish(store, br.run_id, &e)))
		rig_err("%s", e.msg);
	sum->pass += br.t.pass;
	sum->fail += br.t.fail;
	sum->known += br.t.known;
	sum->timeout += br.t.timeout;
	sum->skip += br.t.skip;
	sum->error += br.t.error;
	rig_info("board %s: %d pass, %d fail, %d known failures, %d timeout, %d skip, %d error",
		 br.b->name, br.t.pass, br.t.fail, br.t.known, br.t.timeout, br.t.skip, br.t.error);
out:
	if (opened && br.b->ops->close)
		br.b->ops->close(br.b);
	if (!o->keep)
		rig_tree_remove(work, NULL);
	rig_wasi_expect_free(&br.expect);
	rig_kv_free(&env);
	rig_board_free(br.b);
	return rc;
}

static char *command_line(int argc, char **argv)
{
	struct rig_strv sv = {0};
	char *s;

	rig_strv_push(&sv, "rig");
	for (int i = 0; i < argc; i++)
		rig_strv_push(&sv, argv[i]);
	s = rig_strv_join_quoted(&sv);
	rig_strv_free(&sv);
	return s;
}

int cmd_wasi_test(int argc, char **argv, struct rig_ctx *ctx)
{
	struct wt_opts o = {.timeout_ms = 60000, .expect_exit = -1};
	const struct rig_opt opts[] = {
	    {'b', "boards", RIG_OPT_LIST, &o.boards, "LIST",
	     "WASI boards (default: every kind-wasi board file)"},
	    {'t', "tests", RIG_OPT_LIST, &o.tests, "PATTERNS",
	     "only tests whose name matches one of these shell patterns"},
	    {0, "timeout", RIG_OPT_DURATION, &o.timeout_ms, "TIME",
	     "per-run timeout (default 60s)"},
	    {0, "expectations", RIG_OPT_STRING, &o.expectations, "DIR",
	     "known failures: DIR/RUNTIME/linux.toml (default: the suite's expectations/)"},
	    {0, "expect-stdout", RIG_OPT_STRING, &o.expect_stdout, "FILE",
	     "MODULE.wasm: its stdout must equal FILE"},
	    {0, "expect-stderr", RIG_OPT_STRING, &o.expect_stderr, "FILE",
	     "MODULE.wasm: its stderr must equal FILE (default: not checked)"},
	    {0, "expect-exit", RIG_OPT_COUNT, &o.expect_exit, "N",
	     "MODULE.wasm: expected exit code (default 0)", 0, 255},
	    {0, "env", RIG_OPT_LIST, &o.env, "K=V,...", "MODULE.wasm: its environment"},
	    {0, "root", RIG_OPT_STRING, &o.root, "DIR",
	     "MODULE.wasm: a copy of DIR preopened as /"},
	    {0, "keep", RIG_OPT_FLAG, &o.keep, NULL,
	     "keep the work directory of tests that did not pass"},
	    {0, "no-store", RIG_OPT_FLAG, &o.no_store, NULL, "do not store the verdicts"},
	    {0, "summary", RIG_OPT_FLAG, &o.all_tests, NULL,
	     "matrix rows only for tests that did not pass everywhere"},
	    {0}};
	struct rig_wasi_suite *suites = NULL;
	struct rig_store *store = NULL;
	struct rig_error err = {0};
	struct tally sum = {0};
	char *command = command_line(argc, argv);
	int rc, code = 0, ran = 0, split = argc;

	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			split = i;
			break;
		}
	for (int i = split + 1; i < argc; i++)
		rig_strv_push(&o.module_args, argv[i]);
	size_t n_suites = 0;
	rc = rig_parse_options(split, argv, opts,
			       "rig wasi-test [--boards LIST] [SUITE_DIR... | MODULE.wasm "
			       "[--expect-stdout FILE] [-- ARGS...]]",
			       &o.positional, &err);
	o.all_tests = !o.all_tests;
	if (rc == 1)
		goto done;
	if (rc) {
		rig_err("%s", err.msg);
		code = 2;
		goto done;
	}
	if (!o.positional.n) {
		char dir[1024];
		if (!default_suite(ctx, dir, sizeof(dir))) {
			rig_warn("skipped: no WASI test suite: set RIG_WASI_TESTSUITE or give "
				 "SUITE_DIR (looked for shared/wasi-testsuite beside the ancestors "
				 "of %s)",
				 ctx->source_dir);
			code = 77;
			goto done;
		}
		rig_strv_push(&o.positional, dir);
	}
	for (size_t i = 0; i < o.positional.n; i++) {
		if ((rc = rig_wasi_suites_find(o.positional.v[i], &suites, &n_suites, &err))) {
			rig_err("%s", err.msg);
			code = 2;
			goto done;
		}
	}
	for (size_t i = 0; i < n_suites; i++)
		if (strcmp(suites[i].name, "user") != 0 &&
		    (o.expect_stdout || o.expect_stderr || o.expect_exit >= 0 || o.root ||
		     o.env.n || o.module_args.n)) {
			rig_err(
			    "--expect-*, --env, --root and -- ARGS are for a MODULE.wasm, not a "
			    "suite directory (%s)",
			    suites[i].dir);
			code = 2;
			goto done;
		}
	if (!o.boards.n && !all_wasi_boards(ctx, &o.boards)) {
		rig_warn("skipped: no WASI board file in %s", ctx->boards_dir);
		code = 77;
		goto done;
	}
	if (!o.no_store && (rc = rig_ctx_open_store(ctx, &store, &err))) {
		rig_err("%s", err.msg);
		code = 1;
		goto done;
	}
	for (size_t i = 0; i < o.boards.n; i++) {
		rc = run_board(ctx, &o, o.boards.v[i], suites, n_suites, store, command, &sum);
		if (rc == 77)
			continue;
		if (rc) {
			code = rc == RIG_ERR_INVALID || rc == RIG_ERR_NOT_FOUND ? 2 : 1;
			goto done;
		}
		ran++;
	}
	if (!ran) {
		rig_warn("skipped: none of the boards could run here");
		code = 77;
		goto done;
	}
	if (store) {
		struct rig_conf_print_opts po = {
		    .boards = &o.boards, .all_tests = o.all_tests, .reasons = 1};
		if ((rc = rig_conf_matrix_print(store, &po, stdout, &err)) < 0) {
			rig_err("%s", err.msg);
			code = 1;
			goto done;
		}
	}
	printf("\n%d pass, %d fail, %d known failures, %d timeout, %d skip, %d error\n", sum.pass,
	       sum.fail, sum.known, sum.timeout, sum.skip, sum.error);
	code = sum.fail || sum.timeout || sum.error ? 1 : 0;
done:
	rig_wasi_suites_free(suites, n_suites);
	rig_store_close(store);
	rig_strv_free(&o.boards);
	rig_strv_free(&o.tests);
	rig_strv_free(&o.env);
	rig_strv_free(&o.positional);
	rig_strv_free(&o.module_args);
	free(command);
	return code;
}
