/*
 * Conformance results in the store: one conformance run per board per
 * `rig wasi-test`, with the environment record every bench run has (host
 * facts, the board's facts: runtime, runtime version and path), and one
 * verdict per test. Tables (created on first use, beside the bench's):
 *
 *   conformance_runs(id, started, finished, board, env_id -> envs,
 *                    runtime, runtime_version, command)
 *   conformance_results(run_id -> conformance_runs, suite, suite_commit,
 *                    test, module_sha256, verdict, reason, first_diff,
 *                    expectation, expectation_note, static_check,
 *                    exit_status, wall_ns, argv, stdout_head, stderr_head)
 *
 * verdict is pass, fail, timeout, skip or error; expectation is what the
 * runtime project's expectations file declares ("skip" or "fail"), so a
 * known failure is shown as such, not hidden.
 */
#ifndef RIG_STORE_CONFORMANCE_H
#define RIG_STORE_CONFORMANCE_H

#include <stdint.h>

#include "error.h"
#include "store.h"

struct rig_conf_run {
	const char *board, *runtime, *runtime_version;
	const char *command; /* rig's own command line */
	int64_t env_id;	     /* rig_store_add_env, or 0 */
};

/* Starts a conformance run; its id in *run_id. */
int rig_conf_begin(struct rig_store *s, const struct rig_conf_run *r, int64_t *run_id,
		   struct rig_error *err);
/* Notes the end time of the run. */
int rig_conf_finish(struct rig_store *s, int64_t run_id, struct rig_error *err);

/* One verdict, as stored and as read back. */
struct rig_conf_row {
	int64_t run_id, at; /* at: the run's start (read back only) */
	char board[64], runtime[32], runtime_version[160];
	char suite[160], suite_commit[64], test[128], module_sha256[65];
	char verdict[16], reason[512], first_diff[512];
	char expectation[16], expectation_note[320];
	char static_check[256]; /* "ok", or the profile check's problems; "" unknown */
	int exit_status;
	int64_t wall_ns;
	char argv[1024]; /* the runtime command line */
	char stdout_head[512], stderr_head[512];
};

/* Stores one verdict (row->run_id from rig_conf_begin). A test stored twice
 * in one run keeps the last. */
int rig_conf_add(struct rig_store *s, const struct rig_conf_row *row, struct rig_error *err);

typedef int (*rig_conf_cb)(void *ctx, const struct rig_conf_row *row);

/* The newest verdict of every (board, suite, test), boards and tests in
 * order; board may be NULL (all). cb's non-zero return stops and is
 * returned. */
int rig_conf_each_latest(struct rig_store *s, const char *board, rig_conf_cb cb, void *ctx,
			 struct rig_error *err);

/* The newest verdict per board for a module, by its SHA-256 (what
 * `rig wasm check` shows beside the static verdict). */
int rig_conf_each_module(struct rig_store *s, const char *sha256, rig_conf_cb cb, void *ctx,
			 struct rig_error *err);

/*
 * For the gate: conformance regressions. For every (board, suite, test)
 * whose newest verdict is fail, timeout or error, the baseline verdict is
 * the newest one stored before it - at or before baseline_at (unix
 * seconds) when that is non-zero, else simply the previous one. A test
 * whose baseline verdict was pass is a regression: cb gets the current row
 * and the baseline's verdict row. Returns the number of regressions (>= 0)
 * or a negative error. board may be NULL (all).
 */
typedef int (*rig_conf_regression_cb)(void *ctx, const struct rig_conf_row *now,
				      const struct rig_conf_row *baseline);
int rig_conf_regressions(struct rig_store *s, const char *board, int64_t baseline_at,
			 rig_conf_regression_cb cb, void *ctx, struct rig_error *err);

#endif
