/* rig report -o FILE rendered by a real browser (issue 12 item 5): a store
 * filled by real benches of the host board (C and gc, cpu, 4 runs at -O2 and
 * 4 with the C profile rebuilt at -O0, so its throughput drops about 4x;
 * load metrics derived from the gc samples, see below),
 * the report written, then opened in headless Chromium (Debian's chromium):
 * the rendered DOM must hold every cell's row, the bar, strip and history
 * charts, the change point of the C history, the title as text (not
 * markup), no script, and no console message; a screenshot is kept in
 * BUILD/tests/report-artifacts/ as the test's artefact. Skipped without
 * chromium or gcc. */
#include "rigtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char rig[1024], st[1200], art[1200], chromium[32];

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static int setup(void **state)
{
	(void)state;
	if (!rigtest_rig())
		return -1;
	snprintf(rig, sizeof(rig), "%s", rigtest_rig());
	snprintf(st, sizeof(st), "%s/st", rigtest_tmpdir());
	snprintf(art, sizeof(art), "%s/tests/report-artifacts", rigtest_binary_dir());
	snprintf(chromium, sizeof(chromium), "%s",
		 rigtest_have("chromium") ? "chromium" : "chromium-browser");
	return 0;
}

static void bench(const char *extra, const char *label)
{
	char *out = NULL;

	if (rigtest_sh(&out,
		       "'%s' %s --state-dir '%s' bench -b host -w cpu -p c,gc -n 3 --warmup 0 -q "
		       "--label %s 2>&1",
		       rig, extra, st, label) != 0)
		fail_msg("rig bench (%s): %s", label, out);
	free(out);
}

/* chromium --headless ARGS file://html; its stdout in *out, stderr in the
 * file log. */
static int browse(char **out, const char *args, const char *html, const char *log)
{
	return rigtest_sh(out,
			  "timeout 120 %s --headless --no-sandbox --disable-gpu --hide-scrollbars "
			  "--enable-logging=stderr --v=0 --user-data-dir='%s/chromium-profile' %s "
			  "'file://%s' 2>'%s'",
			  chromium, rigtest_tmpdir(), args, html, log);
}

static void the_report_renders_with_every_chart_and_row(void **state)
{
	char html[1400], png[1400], log[1400], slow[1400], args[1500];
	char *out = NULL, *dom = NULL, *err = NULL;
	struct stat sb;

	(void)state;
	if (!rigtest_have("chromium") && !rigtest_have("chromium-browser")) {
		print_message("[  SKIPPED ] chromium is not installed (scripts/setup.sh)\n");
		skip();
	}
	RIGTEST_REQUIRE_CMD("gcc");
	RIGTEST_REQUIRE_CMD("timeout");
	RIGTEST_REQUIRE_CMD("sqlite3");
	snprintf(slow, sizeof(slow), "%s",
		 rigtest_write(rigtest_tmpdir(), "slow.yaml",
			       "profiles:\n  c:\n    toolchain: c\n    flags: [-O0]\n"
			       "    default: true\n    baseline: true\n"));
	for (int i = 1; i <= 4; i++) {
		char label[32];
		snprintf(label, sizeof(label), "main-%d", i);
		bench("", label);
	}
	for (int i = 5; i <= 8; i++) {
		char label[32], extra[1500];
		snprintf(label, sizeof(label), "slow-%d", i);
		snprintf(extra, sizeof(extra), "--toolchains-file '%s'", slow);
		bench(extra, label);
	}
	/* `rig bench --load` is not built yet (docs/load.md): the load charts
	 * are fed by metrics of the names rig_load_result_to_sample writes
	 * (qps, p50_us ... p9999_us), derived from the real startup samples of
	 * the gc cell and added to the store here */
	assert_int_equal(
	    rigtest_sh(
		NULL,
		"sqlite3 '%s/rig.db' \"insert into metrics select m.sample_id, x.name, "
		"m.value / x.div, x.unit from metrics m join samples s on s.id = m.sample_id "
		"join runs r on r.id = s.run_id join builds b on b.id = r.build_id, (select "
		"'qps' name, 1e-9 div, 'req/s' unit union all select 'p50_us', 1000, 'us' "
		"union all select 'p90_us', 500, 'us' union all select 'p99_us', 100, 'us' "
		"union all select 'p999_us', 20, 'us' union all select 'p9999_us', 5, 'us') x "
		"where m.name = 'startup_ns' and b.profile = 'gc'\"",
		st),
	    0);
	assert_int_equal(rigtest_sh(NULL, "mkdir -p '%s'", art), 0);
	snprintf(html, sizeof(html), "%s/report.html", art);
	snprintf(png, sizeof(png), "%s/report.png", art);
	snprintf(log, sizeof(log), "%s/chromium.log", rigtest_tmpdir());
	if (rigtest_sh(&out,
		       "'%s' --state-dir '%s' report -o '%s' --title '<script>alert(1)</script> & "
		       "lab' 2>&1",
		       rig, st, html) != 0)
		fail_msg("rig report: %s", out);
	print_message("rig report: %s", out);
	free(out);
	/* a filter naming nothing stored is an error listing what is, not an
	 * empty page */
	assert_int_equal(rigtest_sh(&out, "'%s' --state-dir '%s' report -o '%s.x' -b nosuch 2>&1",
				    rig, st, html),
			 2);
	assert_non_null(strstr(out, "known: host"));
	free(out);

	if (browse(&dom, "--dump-dom", html, log) != 0)
		fail_msg("chromium --dump-dom failed; see its log");
	/* both cells, each with its table row */
	assert_int_equal(count(dom, "<tr class=\"cell\""), 2);
	assert_non_null(strstr(dom, "data-workload=\"cpu\" data-profile=\"c\""));
	assert_non_null(strstr(dom, "data-workload=\"cpu\" data-profile=\"gc\""));
	/* bars: startup, ops/s, RAM, size; a strip; history: 3 metrics x 2 profiles */
	assert_true(count(dom, "<svg class=\"chart bars\"") >= 4);
	assert_int_equal(count(dom, "<svg class=\"chart strip\""), 1);
	assert_true(count(dom, "<svg class=\"chart history\"") >= 4);
	/* the strip plot has every sample of both cells */
	assert_int_equal(count(dom, "<g class=\"row\" data-samples=\"3\">"), 2);
	/* the load charts: requests per second, the latency spectrum */
	assert_non_null(strstr(dom, "cpu: requests per second"));
	assert_int_equal(count(dom, "<svg class=\"chart spectrum\""), 1);
	assert_int_equal(count(dom, "<g class=\"series s"), 1);
	/* the -O0 rebuild is a change point in the C throughput history */
	assert_true(count(dom, "<g class=\"cp\">") >= 1);
	assert_non_null(strstr(dom, "slow-5"));
	/* the title is text: no script element anywhere */
	assert_null(strstr(dom, "<script"));
	assert_non_null(strstr(dom, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; lab"));
	free(dom);
	if (rigtest_sh(&err, "grep -i 'CONSOLE' '%s'", log) == 0)
		fail_msg("chromium logged console messages: %s", err);
	free(err);

	snprintf(args, sizeof(args), "--window-size=1000,2600 --screenshot='%s'", png);
	if (browse(NULL, args, html, log) != 0)
		fail_msg("chromium --screenshot failed");
	assert_int_equal(stat(png, &sb), 0);
	assert_true(sb.st_size > 10000);
	print_message("report and screenshot (%lld bytes) kept in %s\n", (long long)sb.st_size,
		      art);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(the_report_renders_with_every_chart_and_row),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
