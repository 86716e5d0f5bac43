/*
 * The WASI conformance executor: runs the WebAssembly project's WASI test
 * suite (wasi-testsuite, doc/specification.md) on a WASI board.
 *
 * A suite is a directory of NAME.wasm test cases, each with an optional
 * NAME.json specification (wasi_spec.h) and the fixture directories the
 * specifications name. For each test the executor
 *   - reads NAME.json, or takes the default specification;
 *   - makes a fresh work directory WORK/NAME/ with, when the run names a
 *     root, a writable copy of the fixture in WORK/NAME/root/ (".cleanup"
 *     leftovers are not copied), preopened as "/";
 *   - asks the board for its runtime's command line (wasi_cmdline.h) with
 *     the run's args, env and preopen, and runs it in WORK/NAME/ with
 *     stdout and stderr captured apart, killing it at the timeout;
 *   - checks the wait's exit code, then each stream that has read
 *     operations: their payloads, concatenated, must equal what the
 *     module wrote (a stream with no read is not checked);
 *   - checks that WORK/NAME/ holds nothing but root/ afterwards: a module
 *     (or runtime) that wrote outside its root fails.
 * Verdicts: pass, fail (reason and the first differing line), timeout,
 * skip (not supported here, with the reason) and error (the test could not
 * be run: a bad specification, a runtime that did not start).
 */
#ifndef RIG_WASITEST_H
#define RIG_WASITEST_H

#include <limits.h>
#include <stdint.h>

#include "board.h"
#include "error.h"
#include "util.h"
#include "wasi_spec.h"

enum rig_wasi_verdict {
	RIG_WASI_PASS,
	RIG_WASI_FAIL,
	RIG_WASI_TIMEOUT,
	RIG_WASI_SKIP,
	RIG_WASI_ERROR,
	RIG_WASI_VERDICT_COUNT_
};

/* "pass", "fail", "timeout", "skip", "error"; never NULL. */
const char *rig_wasi_verdict_name(enum rig_wasi_verdict v);
/* The verdict for a name, or -1. */
int rig_wasi_verdict_parse(const char *name);

/* One suite directory. */
struct rig_wasi_suite {
	char dir[PATH_MAX];
	char name[160];	       /* manifest.json's name, or the directory */
	char commit[64];       /* the suite's commit (git, or the README's "at <hex>"), or "" */
	struct rig_strv tests; /* test names (NAME of NAME.wasm), sorted */
};

/* Suites under path: path itself when it holds *.wasm, else every
 * directory below it that does (fixture "*.dir" trees are not searched).
 * A path to a single .wasm file is a suite of that one test, named "user".
 * Appends to *v / *n (free with rig_wasi_suites_free). 0, RIG_ERR_NOT_FOUND
 * when there is no test under path. */
int rig_wasi_suites_find(const char *path, struct rig_wasi_suite **v, size_t *n,
			 struct rig_error *err);
void rig_wasi_suites_free(struct rig_wasi_suite *v, size_t n);

/* The suite's commit: `git rev-parse HEAD` when dir is in a git work tree,
 * else the hex after "at " in a README.md of dir or a parent (the prebuilt
 * copy's README says where it comes from). "" when neither. */
void rig_wasi_suite_commit(const char *dir, char *out, size_t cap);

struct rig_wasitest_opts {
	long long timeout_ms;	 /* per run */
	const char *work_dir;	 /* fresh copies go in work_dir/NAME/ (must exist) */
	size_t max_output_bytes; /* per stream kept for checking (0: 1 MiB) */
	int keep_failed;	 /* leave the work directory of tests that did not pass */
};

struct rig_wasitest_result {
	enum rig_wasi_verdict verdict;
	char reason[512];     /* why it did not pass; empty on pass */
	char first_diff[512]; /* the first differing line: "stdout line 2: got "x", expected "y"" */
	int exit_status;      /* of the last run; 128+signal when killed */
	int64_t wall_ns;      /* all runs */
	char *out_text;	      /* the last run's stdout / stderr (owned, capped), or NULL */
	char *err_text;
	char argv[1024]; /* the last runtime command line, quoted, for reproducing by hand */
};

/*
 * Runs test `name` of the suite in dir on board b (open; a WASI board) with
 * specification spec. Fills *out (free with rig_wasitest_result_free) and
 * returns 0 whatever the verdict; a negative code only when the executor
 * itself cannot go on (work directory unusable). Blocks up to timeout_ms
 * per run.
 */
int rig_wasitest_run(struct rig_board *b, const char *dir, const char *name,
		     const struct rig_wasi_spec *spec, const struct rig_wasitest_opts *o,
		     struct rig_wasitest_result *out, struct rig_error *err);
void rig_wasitest_result_free(struct rig_wasitest_result *r);

/* Compares got (len bytes) with want: 0 when equal, else writes the first
 * differing line, 1-based, into diff ("line 3: got "ab", expected "ac"";
 * "line 2: missing, expected "x""; "line 2: unexpected "x"") and returns 1. */
int rig_wasitest_diff(const char *stream, const char *got, size_t got_len, const char *want,
		      size_t want_len, char *diff, size_t cap);

#endif
