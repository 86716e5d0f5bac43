/* Conformance verdicts in the SQLite store: the newest per test and board,
 * per module, the regressions the gate counts (passed on the baseline,
 * fails now), and the matrix rig results prints. */
#include "rigtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conformance.h"
#include "conformance_print.h"
#include "store.h"

static struct rig_store *fresh_store(const char *name)
{
	char path[1200];
	struct rig_store *s = NULL;
	struct rig_error err = {0};

	snprintf(path, sizeof(path), "%s/%s", rigtest_tmpdir(), name);
	if (rig_store_open(path, &s, &err))
		fail_msg("%s", err.msg);
	return s;
}

static int64_t begin(struct rig_store *s, const char *board)
{
	struct rig_conf_run r = {.board = board,
				 .runtime = "wasmtime",
				 .runtime_version = "wasmtime 1.0",
				 .command = "rig wasi-test"};
	struct rig_error err = {0};
	int64_t id = 0;

	if (rig_conf_begin(s, &r, &id, &err))
		fail_msg("%s", err.msg);
	return id;
}

static void add(struct rig_store *s, int64_t run, const char *test, const char *verdict,
		const char *expectation)
{
	struct rig_conf_row row;
	struct rig_error err = {0};

	memset(&row, 0, sizeof(row));
	row.run_id = run;
	snprintf(row.suite, sizeof(row.suite), "WASI C tests [wasm32-wasip1]");
	snprintf(row.suite_commit, sizeof(row.suite_commit), "9f80ca35");
	snprintf(row.test, sizeof(row.test), "%s", test);
	snprintf(row.module_sha256, sizeof(row.module_sha256), "sha-%s", test);
	snprintf(row.verdict, sizeof(row.verdict), "%s", verdict);
	snprintf(row.expectation, sizeof(row.expectation), "%s", expectation);
	snprintf(row.static_check, sizeof(row.static_check), "ok");
	if (strcmp(verdict, "pass"))
		snprintf(row.reason, sizeof(row.reason), "exit code 3, expected 0");
	if (rig_conf_add(s, &row, &err))
		fail_msg("%s", err.msg);
}

struct seen {
	char list[1024];
};

static int on_regression(void *ctx, const struct rig_conf_row *now, const struct rig_conf_row *base)
{
	struct seen *sn = ctx;
	size_t n = strlen(sn->list);
	snprintf(sn->list + n, sizeof(sn->list) - n, "%s/%s:%s->%s ", now->board, now->test,
		 base->verdict, now->verdict);
	return 0;
}

static void a_test_that_passed_and_fails_now_is_a_regression(void **state)
{
	struct rig_store *s = fresh_store("reg.db");
	struct rig_error err = {0};
	struct seen sn = {{0}};
	int64_t r1 = begin(s, "wasi-a"), r2;

	(void)state;
	add(s, r1, "stays-pass", "pass", "");
	add(s, r1, "breaks", "pass", "");
	add(s, r1, "times-out", "pass", "");
	add(s, r1, "was-failing", "fail", "");
	add(s, r1, "gets-skipped", "pass", "");
	add(s, begin(s, "wasi-b"), "breaks", "pass", "");
	r2 = begin(s, "wasi-a");
	add(s, r2, "stays-pass", "pass", "");
	add(s, r2, "breaks", "fail", "");
	add(s, r2, "times-out", "timeout", "");
	add(s, r2, "was-failing", "fail", "");
	add(s, r2, "gets-skipped", "skip", "");
	assert_int_equal(rig_conf_regressions(s, NULL, 0, on_regression, &sn, &err), 2);
	assert_string_equal(sn.list, "wasi-a/breaks:pass->fail wasi-a/times-out:pass->timeout ");
	/* only board wasi-b: nothing regressed there */
	assert_int_equal(rig_conf_regressions(s, "wasi-b", 0, NULL, NULL, &err), 0);
	/* a baseline before every run: nothing to compare with */
	assert_int_equal(rig_conf_regressions(s, NULL, 1, NULL, NULL, &err), 0);
	rig_store_close(s);
}

static int count_rows(void *ctx, const struct rig_conf_row *r)
{
	(void)r;
	(*(int *)ctx)++;
	return 0;
}

static void the_newest_verdict_per_test_and_board_is_shown(void **state)
{
	struct rig_store *s = fresh_store("matrix.db");
	struct rig_error err = {0};
	struct rig_strv boards = {0};
	struct rig_conf_print_opts po = {.boards = &boards, .reasons = 1};
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int n = 0;
	int64_t r1 = begin(s, "wasi-a");

	(void)state;
	add(s, r1, "t1", "fail", "");
	add(s, r1, "t2", "pass", "");
	add(s, begin(s, "wasi-a"), "t1", "pass", "");
	add(s, begin(s, "wasi-b"), "t1", "fail", "skip");
	assert_int_equal(rig_conf_each_latest(s, NULL, count_rows, &n, &err), 0);
	assert_int_equal(n, 3);
	n = 0;
	assert_int_equal(rig_conf_each_module(s, "sha-t1", count_rows, &n, &err), 0);
	assert_int_equal(n, 2);
	f = open_memstream(&text, &len);
	assert_int_equal(rig_conf_matrix_print(s, &po, f, &err), 3);
	fclose(f);
	/* t1: pass on a (newest), a known failure on b, the static check said
	 * it loads; t2 did not run on b */
	assert_non_null(strstr(text, "c\tt1\tpass\tFAIL*!"));
	assert_non_null(strstr(text, "c\tt2\tpass\t-"));
	assert_non_null(strstr(text, "wasi-b c/t1: fail: exit code 3, expected 0; known to the "
				     "runtime's expectations: skip"));
	free(text);
	/* a filter leaves the other board out */
	rig_strv_push(&boards, "wasi-a");
	po.all_tests = 0;
	text = NULL;
	f = open_memstream(&text, &len);
	assert_int_equal(rig_conf_matrix_print(s, &po, f, &err), 2);
	fclose(f);
	assert_null(strstr(text, "wasi-b"));
	assert_non_null(strstr(text, "2 tests pass on every board shown"));
	free(text);
	rig_strv_free(&boards);
	rig_store_close(s);
}

static void a_read_only_store_without_verdicts_has_none(void **state)
{
	struct rig_store *s = fresh_store("empty.db"), *ro = NULL;
	struct rig_error err = {0};
	char path[1200];
	int n = 0;

	(void)state;
	rig_store_close(s);
	snprintf(path, sizeof(path), "%s/empty.db", rigtest_tmpdir());
	if (rig_store_open_read(path, &ro, &err))
		fail_msg("%s", err.msg);
	assert_int_equal(rig_conf_each_latest(ro, NULL, count_rows, &n, &err), 0);
	assert_int_equal(rig_conf_regressions(ro, NULL, 0, NULL, NULL, &err), 0);
	assert_int_equal(n, 0);
	rig_store_close(ro);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(a_test_that_passed_and_fails_now_is_a_regression),
	    cmocka_unit_test(the_newest_verdict_per_test_and_board_is_shown),
	    cmocka_unit_test(a_read_only_store_without_verdicts_has_none),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
