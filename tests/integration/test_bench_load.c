/* `rig bench --load` end to end on the host board: real servers (the C and
 * gc builds of the http workload) started by rig, put under rig's load,
 * stopped with SIGTERM; servers that never get ready or crash under load
 * fail their samples with the reason and the log. */
#include "rigtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char rig[1024];

static int setup(void **state)
{
	snprintf(rig, sizeof(rig), "%s/host/rig", rigtest_binary_dir());
	if (access(rig, X_OK) != 0) {
		fprintf(stderr, "rig binary not built at %s\n", rig);
		return -1;
	}
	return 0;
}

static double query(const char *state, const char *sql)
{
	char *out = NULL;
	double v;

	if (rigtest_sh(&out, "sqlite3 '%s/rig.db' \"%s\"", state, sql) != 0)
		fail_msg("sqlite3 failed: %s", sql);
	v = atof(out);
	free(out);
	return v;
}

#define METRIC(name, profile)                                                                      \
	"select count(*) from metrics m join samples s on s.id = m.sample_id join runs r on "      \
	"r.id = s.run_id join builds b on b.id = r.build_id where s.ok = 1 and b.profile = "       \
	"'" profile "' and m.name = '" name "'"

static void real_servers_under_load(void **state)
{
	char st[1100], *out = NULL;

	RIGTEST_REQUIRE_CMD("gcc");
	RIGTEST_REQUIRE_CMD("go");
	RIGTEST_REQUIRE_CMD("sqlite3");
	snprintf(st, sizeof(st), "%s/load", rigtest_tmpdir());
	assert_int_equal(
	    rigtest_sh(&out,
		       "'%s' --state-dir '%s' bench --boards host -w http,hello -p c,gc "
		       "-n 2 --load closed:c=4,t=1,d=1s 2>&1",
		       rig, st),
	    0);
	/* the table of rows under load, hello skipped as not a service */
	assert_non_null(strstr(out, "under load:"));
	assert_non_null(strstr(out, "not a service workload"));
	free(out);
	assert_int_equal(query(st, "select count(*) from samples where ok = 1"), 4);
	assert_int_equal(query(st, "select count(*) from samples where ok = 0"), 0);
	for (int i = 0; i < 2; i++) {
		const char *prof = i ? "gc" : "c";
		char sql[600];
		/* real responses, no errors, latency percentiles in order, and
		 * the server's own count agrees with the generator's */
		snprintf(sql, sizeof(sql),
			 "select min(m.value) from metrics m join samples s on s.id = m.sample_id "
			 "join runs r on r.id = s.run_id join builds b on b.id = r.build_id where "
			 "b.profile = '%s' and m.name = 'qps'",
			 prof);
		assert_true(query(st, sql) > 100);
		snprintf(sql, sizeof(sql),
			 "select max(m.value) from metrics m join samples s on s.id = m.sample_id "
			 "join runs r on r.id = s.run_id join builds b on b.id = r.build_id where "
			 "b.profile = '%s' and m.name = 'errors'",
			 prof);
		assert_true(query(st, sql) == 0);
	}
	/* latency percentiles in order; the servers' own counts agree with
	 * the generator's (they also served the drain after the window) */
	assert_int_equal(
	    query(st, "select count(*) from metrics a join metrics b on a.sample_id = "
		      "b.sample_id join metrics c on c.sample_id = a.sample_id join metrics d on "
		      "d.sample_id = a.sample_id where a.name = 'p50_us' and b.name = 'p99_us' "
		      "and c.name = 'requests' and d.name = 'served' and a.value > 0 and "
		      "a.value <= b.value and d.value >= c.value and d.value <= c.value + 10000"),
	    4);
	assert_int_equal(query(st, METRIC("peak_rss_kib", "gc")), 2);
	assert_int_equal(query(st, METRIC("server_cpu_ns_per_10k", "c")), 2);
	assert_true(query(st, "select count(*) from env_facts where key = 'load.spec' and value = "
			      "'closed:c=4,t=1,d=1s'") >= 1);
}

/* h2c (HTTP/2 with prior knowledge, libnghttp2) against the gc server
 * (Go 1.24+ serves h2c beside HTTP/1.1); the C server speaks HTTP/1.1
 * only, so its h2c samples fail with no response. */
static void h2c_under_load(void **state)
{
	char st[1100], *out = NULL;

	RIGTEST_REQUIRE_CMD("gcc");
	RIGTEST_REQUIRE_CMD("go");
	RIGTEST_REQUIRE_CMD("sqlite3");
	if (rigtest_sh(NULL, "go version | grep -Eq 'go1\\.(2[4-9]|[3-9][0-9])'") != 0)
		skip(); /* no h2c server in this Go's standard library */
	if (rigtest_sh(&out, "'%s' load --h2c -c 1 -t 1 -d 100ms http://127.0.0.1:1/ 2>&1", rig) != 0 &&
	    strstr(out, "without libnghttp2")) {
		free(out);
		skip();
	}
	free(out);
	snprintf(st, sizeof(st), "%s/h2c", rigtest_tmpdir());
	rigtest_sh(&out,
		   "'%s' --state-dir '%s' bench --boards host -w http -p gc,c -n 1 "
		   "--load closed:c=2,t=1,p=8,d=1s,timeout=300ms,proto=h2c 2>&1",
		   rig, st);
	free(out);
	assert_int_equal(query(st, METRIC("qps", "gc")), 1);
	assert_true(query(st, "select min(m.value) from metrics m join samples s on s.id = "
			      "m.sample_id where s.ok = 1 and m.name = 'qps'") > 100);
	assert_true(query(st, "select max(m.value) from metrics m join samples s on s.id = "
			      "m.sample_id where s.ok = 1 and m.name = 'errors'") == 0);
	assert_int_equal(query(st, "select count(*) from metrics m join samples s on s.id = "
				   "m.sample_id where s.ok = 1 and m.name = 'h2c' and m.value = 1"),
			 1);
	assert_int_equal(query(st, "select count(*) from samples s join runs r on r.id = "
				   "s.run_id join builds b on b.id = r.build_id where b.profile = "
				   "'c' and s.ok = 0 and s.fail_reason like 'no response%'"),
			 1);
}

/* A server that never prints ready, one that crashes once ready, one that
 * ignores the load (never listens, dies of SIGTERM): failed samples, each
 * with its reason; the good server after them is measured. */
static void misbehaving_servers_fail_their_samples(void **state)
{
	char st[1100], *out = NULL;

	RIGTEST_REQUIRE_CMD("gcc");
	RIGTEST_REQUIRE_CMD("sqlite3");
	snprintf(st, sizeof(st), "%s/loadbad", rigtest_tmpdir());
	rigtest_sh(
	    &out,
	    "'%s' --state-dir '%s' --toolchains-file "
	    "'%s/tests/data/misbehave-toolchains.yaml' bench --boards host -w http -p "
	    "noready,crash,hang -n 1 --timeout 1s --load closed:c=2,t=1,d=500ms,timeout=200ms "
	    "-q 2>&1",
	    rig, st, rigtest_source_dir());
	free(out);
#define FAILED(profile, like)                                                                      \
	"select count(*) from samples s join runs r on r.id = s.run_id join builds b on b.id = "   \
	"r.build_id where b.profile = '" profile "' and s.ok = 0 and s.fail_reason like '" like    \
	"' and s.log_path like '%.log'"
	assert_int_equal(query(st, FAILED("noready", "no ready line%")), 1);
	assert_int_equal(query(st, FAILED("crash", "%signal 11%")), 1);
	/* hang is ready but never listens: every connect refused, no response */
	assert_int_equal(query(st, FAILED("hang", "%signal 15%")) +
			     query(st, FAILED("hang", "no response in the measured window%")),
			 1);
	assert_int_equal(query(st, "select count(*) from samples where ok = 1"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(real_servers_under_load),
	    cmocka_unit_test(h2c_under_load),
	    cmocka_unit_test(misbehaving_servers_fail_their_samples),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
