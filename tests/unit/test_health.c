/*
 * The health check's rules (host/src/farm/health.h), its board-file section
 * (boards/health_cfg.c) and its rows in the store (store_health.h): a first
 * check builds the reference, a figure inside the band passes, one above
 * or below fails as drift with the figures as evidence, a governor change,
 * a hot SoC and a failed sample fail, checks with another metric are not
 * the reference; the rows are kept and read back newest first.
 */
#include "rigtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "board.h"
#include "health.h"
#include "store.h"
#include "store_health.h"

static struct rig_health_cfg cfg(void)
{
	struct rig_health_cfg c = {
	    .on = 1, .samples = 3, .tolerance_pct = 50, .history = 10, .min_history = 3};
	return c;
}

/* n passing rows of figure f (ms), metric cpu_ns, governor gov. */
static void history(struct rig_health_row *h, int n, double f_ms, const char *gov)
{
	for (int i = 0; i < n; i++) {
		memset(&h[i], 0, sizeof(h[i]));
		h[i].id = 100 - i;
		h[i].pass = 1;
		h[i].figure = f_ms * 1e6;
		snprintf(h[i].metric, sizeof(h[i].metric), "cpu_ns");
		snprintf(h[i].governor, sizeof(h[i].governor), "%s", gov);
	}
}

static int judge(const double *ms, int n, const struct rig_kvlist *facts,
		 const struct rig_health_row *h, int nh, struct rig_health_row *out)
{
	struct rig_health_cfg c = cfg();
	double v[16];
	struct rig_health_take t = {.figures = v, .n = n, .metric = "cpu_ns", .facts = facts};

	for (int i = 0; i < n; i++)
		v[i] = ms[i] * 1e6;
	return rig_health_judge(&c, &t, h, nh, out);
}

static void first_checks_build_the_reference(void **state)
{
	struct rig_health_row h[2], out;
	const double ms[] = {10, 11, 12};

	(void)state;
	history(h, 2, 40, "ondemand");
	assert_int_equal(judge(ms, 3, NULL, h, 2, &out), 1);
	assert_int_equal(out.ref_n, 0);
	assert_true(out.figure == 11e6);
	assert_non_null(strstr(out.result, "reference being built: 2 of 3"));
}

static void figure_inside_the_band_passes(void **state)
{
	struct rig_health_row h[5], out;
	const double ms[] = {12, 13, 14};

	(void)state;
	history(h, 5, 10, "");
	assert_int_equal(judge(ms, 3, NULL, h, 5, &out), 1);
	assert_int_equal(out.ref_n, 5);
	assert_true(out.band_lo > 6.6e6 && out.band_lo < 6.7e6);
	assert_true(out.band_hi == 15e6);
}

static void slower_or_faster_than_the_band_is_drift(void **state)
{
	struct rig_health_row h[4], out;
	const double slow[] = {16, 17, 30}, fast[] = {5, 6, 6};

	(void)state;
	history(h, 4, 10, "");
	assert_int_equal(judge(slow, 3, NULL, h, 4, &out), 0);
	assert_non_null(strstr(out.result, "above its band"));
	assert_non_null(strstr(out.evidence, "median 17.000 ms"));
	assert_non_null(strstr(out.evidence, "band 6.667..15.000 ms"));
	assert_non_null(strstr(out.evidence, "from 4 passing checks"));
	assert_int_equal(judge(fast, 3, NULL, h, 4, &out), 0);
	assert_non_null(strstr(out.result, "below its band"));
}

static void another_metric_is_not_the_reference(void **state)
{
	struct rig_health_row h[4], out;
	const double ms[] = {50, 50, 50};

	(void)state;
	history(h, 4, 10, "");
	for (int i = 0; i < 4; i++)
		snprintf(h[i].metric, sizeof(h[i].metric), "wall_ns");
	assert_int_equal(judge(ms, 3, NULL, h, 4, &out), 1);
	assert_int_equal(out.ref_n, 0);
}

static void forced_release_resets_the_reference(void **state)
{
	struct rig_health_row h[5], out;
	struct rig_kvlist f = {0};
	const double ms[] = {40};

	(void)state;
	history(h, 5, 10, "performance");
	/* newest first: the reset row, then the old reference */
	snprintf(h[0].metric, sizeof(h[0].metric), "reset");
	rig_kv_set(&f, "board.governor", "powersave");
	assert_int_equal(judge(ms, 1, &f, h, 5, &out), 1);
	assert_int_equal(out.ref_n, 0);
	assert_int_equal(judge(ms, 1, &f, h + 1, 4, &out), 0);
	rig_kv_free(&f);
}

static void governor_change_fails(void **state)
{
	struct rig_health_row h[1], out;
	struct rig_kvlist f = {0};
	const double ms[] = {10};

	(void)state;
	history(h, 1, 10, "performance");
	rig_kv_set(&f, "board.governor", "powersave");
	assert_int_equal(judge(ms, 1, &f, h, 1, &out), 0);
	assert_non_null(strstr(out.result, "governor changed"));
	assert_non_null(strstr(out.evidence, "governor=powersave, was performance"));
	assert_string_equal(out.governor, "powersave");
	rig_kv_set(&f, "board.governor", "performance");
	assert_int_equal(judge(ms, 1, &f, h, 1, &out), 1);
	rig_kv_free(&f);
}

static void hot_board_fails_with_its_temperature(void **state)
{
	struct rig_health_row out;
	struct rig_kvlist f = {0};
	const double ms[] = {10};

	(void)state;
	rig_kv_set(&f, "hot", "yes");
	rig_kv_set(&f, "board.soc_temp_c", "95.0");
	assert_int_equal(judge(ms, 1, &f, NULL, 0, &out), 0);
	assert_non_null(strstr(out.result, "temperature at or above"));
	assert_non_null(strstr(out.evidence, "soc_temp_c=95.0"));
	assert_string_equal(out.temp_c, "95.0");
	rig_kv_free(&f);
}

static void failed_sample_fails_the_check(void **state)
{
	struct rig_health_cfg c = cfg();
	struct rig_health_row out;
	double v[] = {10e6};
	struct rig_health_take t = {.figures = v,
				    .n = 1,
				    .n_failed = 2,
				    .fail_reason = "exit status 1",
				    .metric = "cpu_ns"};

	(void)state;
	assert_int_equal(rig_health_judge(&c, &t, NULL, 0, &out), 0);
	assert_non_null(strstr(out.evidence, "2 of 3 samples failed: exit status 1"));
}

static void checks_are_kept_and_read_newest_first(void **state)
{
	char path[1200];
	struct rig_store *s = NULL;
	struct rig_error err = {0};
	struct rig_health_row r = {0}, got[4];
	int n = 0;

	(void)state;
	snprintf(path, sizeof(path), "%s/health.db", rigtest_tmpdir());
	unlink(path);
	assert_int_equal(rig_store_open(path, &s, &err), 0);
	snprintf(r.board, sizeof(r.board), "pi-1");
	snprintf(r.metric, sizeof(r.metric), "cpu_ns");
	for (int i = 0; i < 3; i++) {
		r.at_ms = 1000 + i;
		r.pass = i != 1;
		r.figure = (i + 1) * 1e6;
		snprintf(r.temp_c, sizeof(r.temp_c), "%d.0", 50 + i);
		assert_int_equal(rig_store_health_add(s, &r, &err), 0);
	}
	assert_int_equal(rig_store_health_history(s, "pi-1", 1, got, 4, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_true(got[0].figure == 3e6 && got[1].figure == 1e6);
	assert_string_equal(got[0].temp_c, "52.0");
	assert_int_equal(rig_store_health_history(s, "pi-1", 0, got, 4, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(got[1].pass, 0);
	assert_int_equal(rig_store_health_history(s, "pi-2", 0, got, 4, &n, &err), 0);
	assert_int_equal(n, 0);
	rig_store_close(s);
}

static void board_file_health_section(void **state)
{
	char dir[1200], file[1300];
	struct rig_board *b = NULL;
	struct rig_error err = {0};
	FILE *f;

	(void)state;
	snprintf(dir, sizeof(dir), "%s", rigtest_tmpdir());
	snprintf(file, sizeof(file), "%s/hb.yaml", dir);
	f = fopen(file, "w");
	fputs("kind: host\ntarget: {os: linux, arch: x86_64}\n"
	      "health: {samples: 2, every: 10m, tolerance_pct: 30}\n",
	      f);
	fclose(f);
	assert_int_equal(rig_board_load(file, dir, &b, &err), 0);
	assert_int_equal(b->health.on, 1);
	assert_string_equal(b->health.workload, "cpu");
	assert_string_equal(b->health.profile, "c");
	assert_int_equal(b->health.samples, 2);
	assert_int_equal(b->health.every_ms, 600000);
	assert_int_equal(b->health.tolerance_pct, 30);
	assert_int_equal(b->health.min_history, 3);
	rig_board_free(b);
	f = fopen(file, "w");
	fputs("kind: host\ntarget: {os: linux, arch: x86_64}\n"
	      "health:\n  samples: 2\n  tolerance: 30\n",
	      f);
	fclose(f);
	assert_int_equal(rig_board_load(file, dir, &b, &err), RIG_ERR_PARSE);
	assert_non_null(strstr(err.msg, "hb.yaml:5"));
	assert_non_null(strstr(err.msg, "tolerance"));
	f = fopen(file, "w");
	fputs("kind: host\ntarget: {os: linux, arch: x86_64}\n"
	      "health: {history: 2, min_history: 5}\n",
	      f);
	fclose(f);
	assert_int_equal(rig_board_load(file, dir, &b, &err), RIG_ERR_PARSE);
	assert_non_null(strstr(err.msg, "min_history"));
	assert_non_null(strstr(err.msg, "5"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(first_checks_build_the_reference),
	    cmocka_unit_test(figure_inside_the_band_passes),
	    cmocka_unit_test(slower_or_faster_than_the_band_is_drift),
	    cmocka_unit_test(another_metric_is_not_the_reference),
	    cmocka_unit_test(governor_change_fails),
	    cmocka_unit_test(forced_release_resets_the_reference),
	    cmocka_unit_test(hot_board_fails_with_its_temperature),
	    cmocka_unit_test(failed_sample_fails_the_check),
	    cmocka_unit_test(checks_are_kept_and_read_newest_first),
	    cmocka_unit_test(board_file_health_section),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
