/* The service workload (gin + gRPC + Prometheus, its own go.mod) under
 * `rig bench --load` on the host board: HTTP through gin with the Go
 * runtime's figures scraped from /metrics during the load, gRPC unary calls
 * of rig.Svc/Hash over h2c (libnghttp2), and the failing case (an empty
 * message: grpc-status 3 on every call, counted as grpc errors). gccgo (Go
 * 1.18) cannot build it: its row is a skip with gccgo's own message. */
#include "rigtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char rig[1024], st[1100];

static int setup(void **state)
{
	snprintf(rig, sizeof(rig), "%s/host/rig", rigtest_binary_dir());
	snprintf(st, sizeof(st), "%s/service", rigtest_tmpdir());
	if (access(rig, X_OK) != 0) {
		fprintf(stderr, "rig binary not built at %s\n", rig);
		return -1;
	}
	return 0;
}

static double query(const char *sql)
{
	char *out = NULL;
	double v;

	if (rigtest_sh(&out, "sqlite3 '%s/rig.db' \"%s\"", st, sql) != 0)
		fail_msg("sqlite3 failed: %s", sql);
	v = atof(out);
	free(out);
	return v;
}

/* m.value of metric NAME in the samples of runs whose env has load.spec SPEC */
#define OF_SPEC(agg, name, spec)                                                                   \
	"select " agg                                                                              \
	" from metrics m join samples s on s.id = m.sample_id join runs r on r.id = "              \
	"s.run_id join env_facts e on e.env_id = r.env_id and e.key = 'load.spec' where s.ok = 1 " \
	"and m.name = '" name "' and e.value = '" spec "'"

static void require(void)
{
	RIGTEST_REQUIRE_CMD("go");
	RIGTEST_REQUIRE_CMD("sqlite3");
	if (rigtest_sh(NULL, "go version | grep -Eq 'go1\\.(2[6-9]|[3-9][0-9])'") != 0)
		skip(); /* the service's go.mod needs Go 1.26 (its modules' own minimum) */
}

static void http_load_scrapes_go_figures(void **state)
{
	char *out = NULL;

	require();
	rigtest_sh(&out,
		   "'%s' --state-dir '%s' bench --boards host -w service -p gc,gccgo -n 2 "
		   "--load closed:c=4,t=1,d=2s 2>&1",
		   rig, st);
	if (!strstr(out, "under load:"))
		fail_msg("no rows under load:\n%s", out);
	free(out);
#define SPEC "closed:c=4,t=1,d=2s"
	assert_int_equal(query(OF_SPEC("count(*)", "qps", SPEC)), 2);
	assert_true(query(OF_SPEC("min(m.value)", "qps", SPEC)) > 100);
	assert_true(query(OF_SPEC("max(m.value)", "errors", SPEC)) == 0);
	/* the Go collector was read more than once per sample, and its
	 * figures agree with the server's own at exit: the GC cycles seen
	 * during the load are at most all its cycles */
	assert_true(query(OF_SPEC("min(m.value)", "metrics_scrapes", SPEC)) >= 3);
	assert_true(query(OF_SPEC("min(m.value)", "go_heap_alloc_peak_kib", SPEC)) > 0);
	assert_true(query(OF_SPEC("min(m.value)", "go_goroutines_peak", SPEC)) >= 2);
	assert_int_equal(query("select count(*) from metrics a join metrics b on a.sample_id = "
			       "b.sample_id where a.name = 'go_gc_cycles' and b.name = "
			       "'gc_cycles' and a.value <= b.value and b.value > 0"),
			 2);
	/* gccgo 12 is Go 1.18: the build fails with its own message */
	if (rigtest_sh(NULL, "command -v gccgo >/dev/null") == 0)
		assert_int_equal(query("select count(*) from skips where profile = 'gccgo' and "
				       "workload = 'service' and reason like 'build failed:%'"),
				 1);
}

static void grpc_calls_and_their_failing_status(void **state)
{
	char *out = NULL, msg[1200], empty[1200];
	FILE *f;

	require();
	snprintf(msg, sizeof(msg), "%s/abc.pb", rigtest_tmpdir());
	snprintf(empty, sizeof(empty), "%s/empty.pb", rigtest_tmpdir());
	/* google.protobuf.BytesValue{value: "abc"}: field 1, length 3 */
	assert_non_null(f = fopen(msg, "wb"));
	fwrite("\x0a\x03"
	       "abc",
	       1, 5, f);
	fclose(f);
	assert_non_null(f = fopen(empty, "wb"));
	fclose(f);
	rigtest_sh(&out,
		   "'%s' --state-dir '%s' bench --boards host -w service -p gc -n 1 "
		   "--load closed:c=4,t=1,d=1s,grpc=/rig.Svc/Hash,data=%s 2>&1",
		   rig, st, msg);
	free(out);
	rigtest_sh(&out,
		   "'%s' --state-dir '%s' bench --boards host -w service -p gc -n 1 "
		   "--load closed:c=2,t=1,d=500ms,grpc=/rig.Svc/Hash,data=%s 2>&1",
		   rig, st, empty);
	free(out);
	assert_true(
	    query("select min(m.value) from metrics m join samples s on s.id = "
		  "m.sample_id join runs r on r.id = s.run_id join env_facts e on e.env_id "
		  "= r.env_id and e.key = 'load.spec' where m.name = 'qps' and e.value like "
		  "'closed:c=4,t=1,d=1s,grpc=%'") > 100);
	assert_true(query("select max(m.value) from metrics m join samples s on s.id = "
			  "m.sample_id join runs r on r.id = s.run_id join env_facts e on e.env_id "
			  "= r.env_id and e.key = 'load.spec' where m.name = 'errors' and e.value "
			  "like 'closed:c=4,t=1,d=1s,grpc=%'") == 0);
	/* every call of the empty message answered with grpc-status 3:
	 * responses (their latency counts) and errors of class grpc */
	assert_true(query("select count(*) from metrics a join metrics b on a.sample_id = "
			  "b.sample_id join samples s on s.id = a.sample_id join runs r on r.id = "
			  "s.run_id join env_facts e on e.env_id = r.env_id and e.key = "
			  "'load.spec' where e.value like 'closed:c=2,%' and a.name = 'err_grpc' "
			  "and b.name = 'requests' and a.value = b.value and a.value > 100") == 1);
	/* three specs of one cell: three runs, three rows under load, each
	 * with its spec and percentiles from its samples' merged histograms */
	assert_int_equal(query("select count(distinct load) from runs where workload = 'service' "
			       "and load is not null"),
			 3);
	assert_true(query("select count(*) from sample_hists where name = 'latency'") >= 4);
	rigtest_sh(&out, "'%s' --state-dir '%s' results -w service -p gc 2>&1", rig, st);
	if (!strstr(out, "\tclosed:c=4,t=1,d=2s\t") || !strstr(out, "\tclosed:c=2,t=1,d=500ms,") ||
	    !strstr(out, "\tclosed:c=4,t=1,d=1s,grpc=/rig.Svc/Hash,"))
		fail_msg("rig results does not show the three load specs as rows:\n%s", out);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(http_load_scrapes_go_figures),
	    cmocka_unit_test(grpc_calls_and_their_failing_status),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
