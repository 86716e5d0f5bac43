/* The load generator against real servers on loopback (tests/helpers/
 * testserver.c): request counts, the coordinated-omission correction on a
 * server that stalls for 1 s, and every error class: refused connections,
 * resets, 500s, a server that stops answering. Runs are short (1-3 s). */
#include "rigtest.h"

#include <stdio.h>
#include <string.h>

#include "http1.h"
#include "load.h"
#include "load_report.h"
#include "testserver.h"
#include "util.h"

static char url[64];

static struct rig_load_opts opts_for(struct testserver *ts, enum rig_load_model m)
{
	struct rig_load_opts o = {.model = m, .connections = 4, .threads = 2, .pipeline = 1};
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/plaintext", ts_port(ts));
	o.url = url;
	return o;
}

static void closed_request_count_is_exact(void **state)
{
	struct testserver *ts = ts_start(TS_OK, 0, 0);
	struct rig_load_opts o = opts_for(ts, RIG_LOAD_CLOSED);
	struct rig_load_result r;
	struct rig_error err = {0};

	(void)state;
	o.requests = 3000;
	assert_int_equal(rig_load_run(&o, &r, &err), 0);
	assert_int_equal(r.requests, 3000);
	assert_int_equal(rig_load_errors_total(&r), 0);
	assert_int_equal(rig_hist_count(r.latency), 3000);
	assert_int_equal(ts_answered(ts), 3000);
	assert_true(r.qps > 0);
	rig_load_result_free(&r);
	ts_stop(ts);
}

/* A count run (-n) against a port nobody listens on ends after the request
 * timeout with an error naming the URL; before, it never ended. */
static void count_run_without_a_server_ends_at_the_timeout(void **state)
{
	struct rig_load_opts o = {.model = RIG_LOAD_CLOSED,
				  .connections = 2,
				  .threads = 1,
				  .pipeline = 1,
				  .requests = 10,
				  .timeout_ms = 500,
				  .url = "http://127.0.0.1:1/"};
	struct rig_load_result r;
	struct rig_error err = {0};
	int64_t t0 = rig_now_ns(), took_ms;

	(void)state;
	assert_int_equal(rig_load_run(&o, &r, &err), RIG_ERR_IO);
	took_ms = (rig_now_ns() - t0) / 1000000;
	assert_non_null(strstr(err.msg, "http://127.0.0.1:1/: no connection opened within 500 ms"));
	if (took_ms > 5000)
		fail_msg("took %lld ms", (long long)took_ms);
	rig_load_result_free(&r);
}

static void pipelined_requests_are_all_answered(void **state)
{
	struct testserver *ts = ts_start(TS_OK, 0, 0);
	struct rig_load_opts o = opts_for(ts, RIG_LOAD_CLOSED);
	struct rig_load_result r;
	struct rig_error err = {0};

	(void)state;
	o.requests = 2000;
	o.pipeline = 8;
	assert_int_equal(rig_load_run(&o, &r, &err), 0);
	assert_int_equal(r.requests, 2000);
	assert_int_equal(rig_load_errors_total(&r), 0);
	rig_load_result_free(&r);
	ts_stop(ts);
}

static void rate_model_holds_the_rate(void **state)
{
	struct testserver *ts = ts_start(TS_OK, 0, 0);
	struct rig_load_opts o = opts_for(ts, RIG_LOAD_RATE);
	struct rig_load_result r;
	struct rig_error err = {0};

	(void)state;
	o.rate = 500;
	o.duration_ms = 2000;
	assert_int_equal(rig_load_run(&o, &r, &err), 0);
	/* 1000 requests are due in the window; all are sent and answered */
	assert_int_equal(r.requests, 1000);
	assert_int_equal(r.backlog, 0);
	assert_int_equal(r.n_sec, 2);
	assert_int_equal(r.per_sec[0], 500);
	assert_int_equal(r.per_sec[1], 500);
	rig_load_result_free(&r);
	ts_stop(ts);
}

static void rate_below_thread_count_uses_fewer_threads(void **state)
{
	struct testserver *ts = ts_start(TS_OK, 0, 0);
	struct rig_load_opts o = opts_for(ts, RIG_LOAD_RATE);
	struct rig_load_result r;
	struct rig_error err = {0};

	(void)state;
	/* wrk2 #147: 4 threads at 3 req/s gave each thread a rate of 0 */
	o.rate = 3;
	o.threads = 4;
	o.connections = 8;
	o.duration_ms = 1000;
	assert_int_equal(rig_load_run(&o, &r, &err), 0);
	assert_int_equal(r.threads_used, 3);
	assert_int_equal(r.requests, 3);
	rig_load_result_free(&r);
	ts_stop(ts);
}

static void surplus_connections_do_not_burst(void **state)
{
	struct testserver *ts = ts_start(TS_OK, 0, 0);
	struct rig_load_opts o = opts_for(ts, RIG_LOAD_RATE);
	struct rig_load_result r;
	struct rig_error err = {0};

	(void)state;
	/* wrk2 #89: 200 connections for 200 req/s sent in bursts; here the
	 * schedule is per thread, so each second still gets its 200 */
	o.rate = 200;
	o.connections = 200;
	o.threads = 1;
	o.duration_ms = 2000;
	assert_int_equal(rig_load_run(&o, &r, &err), 0);
	assert_int_equal(r.requests, 400);
	assert_int_equal(r.per_sec[0], 200);
	assert_int_equal(r.per_sec[1], 200);
	rig_load_result_free(&r);
	ts_stop(ts);
}

/* The textbook case: 1000 req/s for 3 s, the server stalls 1 s after 1000
 * responses. Requests due during the stall wait for it: a third of all
 * requests have a corrected latency of up to 1 s, so the corrected P99 is
 * near 1 s; only the 4 requests in flight at the stall saw it from their
 * actual send, so the uncorrected P99 does not. */
static void stall_shows_in_corrected_p99_only(void **state)
{
	struct testserver *ts = ts_start(TS_STALL, 1000, 1000);
	struct rig_load_opts o = opts_for(ts, RIG_LOAD_RATE);
	struct rig_load_result r;
	struct rig_error err = {0};
	double p99, p99u;

	(void)state;
	o.rate = 1000;
	o.duration_ms = 3000;
	o.timeout_ms = 5000;
	assert_int_equal(rig_load_run(&o, &r, &err), 0);
	p99 = (double)rig_hist_percentile(r.latency, 99) / 1e6;
	p99u = (double)rig_hist_percentile(r.uncorrected, 99) / 1e6;
	print_message("stall: corrected p99 %.1f ms, uncorrected p99 %.1f ms, max %.1f ms\n", p99,
		      p99u, (double)rig_hist_max(r.uncorrected) / 1e6);
	assert_true(p99 > 800);
	assert_true(p99u < 100);
	/* the stalled requests themselves are in the uncorrected max */
	assert_true(rig_hist_max(r.uncorrected) > 800 * 1000000LL);
	assert_int_equal(rig_load_errors_total(&r), 0);
	rig_load_result_free(&r);
	ts_stop(ts);
}

static void refused_connections_are_connect_errors(void **state)
{
	struct testserver *ts = ts_start(TS_OK, 0, 0);
	struct rig_load_opts o = opts_for(ts, RIG_LOAD_CLOSED);
	struct rig_load_result r;
	struct rig_error err = {0};

	(void)state;
	ts_stop(ts); /* nothing listens on the port now */
	o.duration_ms = 500;
	assert_int_equal(rig_load_run(&o, &r, &err), 0);
	assert_true(r.errors[RIG_LOAD_E_CONNECT] >= 4);
	assert_int_equal(r.requests, 0);
	rig_load_result_free(&r);
}

static void resets_are_read_errors(void **state)
{
	struct testserver *ts = ts_start(TS_RESET, 0, 0);
	struct rig_load_opts o = opts_for(ts, RIG_LOAD_CLOSED);
	struct rig_load_result r;
	struct rig_error err = {0};

	(void)state;
	o.duration_ms = 500;
	assert_int_equal(rig_load_run(&o, &r, &err), 0);
	assert_true(r.errors[RIG_LOAD_E_READ] > 10);
	assert_int_equal(r.requests, 0);
	rig_load_result_free(&r);
	ts_stop(ts);
}

static void status_500_is_a_status_error_per_response(void **state)
{
	struct testserver *ts = ts_start(TS_ERROR_500, 0, 0);
	struct rig_load_opts o = opts_for(ts, RIG_LOAD_CLOSED);
	struct rig_load_result r;
	struct rig_error err = {0};

	(void)state;
	o.requests = 500;
	assert_int_equal(rig_load_run(&o, &r, &err), 0);
	assert_int_equal(r.requests, 500);
	assert_int_equal(r.errors[RIG_LOAD_E_STATUS], 500);
	assert_int_equal(rig_load_errors_total(&r), 500);
	rig_load_result_free(&r);
	ts_stop(ts);
}

static void silent_server_gives_timeouts(void **state)
{
	struct testserver *ts = ts_start(TS_SILENT, 0, 0);
	struct rig_load_opts o = opts_for(ts, RIG_LOAD_RATE);
	struct rig_load_result r;
	struct rig_error err = {0};

	(void)state;
	o.rate = 100;
	o.duration_ms = 1000;
	o.timeout_ms = 200;
	assert_int_equal(rig_load_run(&o, &r, &err), 0);
	assert_int_equal(r.requests, 0);
	assert_true(r.errors[RIG_LOAD_E_TIMEOUT] >= 4);
	/* connections stuck: the rest of the schedule could not be sent */
	assert_true(r.errors[RIG_LOAD_E_TIMEOUT] + r.backlog > 50);
	rig_load_result_free(&r);
	ts_stop(ts);
}

static void connection_close_reconnects_without_errors(void **state)
{
	struct testserver *ts = ts_start(TS_CLOSE, 0, 0);
	struct rig_load_opts o = opts_for(ts, RIG_LOAD_CLOSED);
	struct rig_load_result r;
	struct rig_error err = {0};

	(void)state;
	o.requests = 300;
	assert_int_equal(rig_load_run(&o, &r, &err), 0);
	assert_int_equal(r.requests, 300);
	assert_int_equal(rig_load_errors_total(&r), 0);
	assert_true(r.reconnects >= 290);
	rig_load_result_free(&r);
	ts_stop(ts);
}

static void bad_urls_and_options_are_named(void **state)
{
	struct rig_load_opts o = {.connections = 1, .threads = 1, .pipeline = 1, .duration_ms = 1};
	struct rig_load_result r;
	struct rig_error err = {0};

	(void)state;
	o.url = "https://example.com/";
	assert_int_equal(rig_load_run(&o, &r, &err), RIG_ERR_INVALID);
	assert_non_null(strstr(err.msg, "https"));
	o.url = "http://127.0.0.1:99999/";
	assert_int_equal(rig_load_run(&o, &r, &err), RIG_ERR_INVALID);
	assert_non_null(strstr(err.msg, "port"));
	o.url = "http://127.0.0.1/";
	o.model = RIG_LOAD_RATE;
	assert_int_equal(rig_load_run(&o, &r, &err), RIG_ERR_INVALID);
	assert_non_null(strstr(err.msg, "rate"));
}

static void load_specs_parse_and_refuse(void **state)
{
	struct rig_load_spec s;
	struct rig_error err = {0};

	(void)state;
	assert_int_equal(rig_load_spec_parse("closed:c=64,d=10s", &s, &err), 0);
	assert_int_equal(s.opts.model, RIG_LOAD_CLOSED);
	assert_int_equal(s.opts.connections, 64);
	assert_int_equal(s.opts.duration_ms, 10000);
	assert_int_equal(rig_load_spec_parse("rate:r=20000,c=64,d=20s,path=/json", &s, &err), 0);
	assert_int_equal(s.opts.model, RIG_LOAD_RATE);
	assert_true(s.opts.rate == 20000);
	assert_string_equal(s.path, "/json");
	assert_int_equal(rig_load_spec_parse("rate:c=64", &s, &err), RIG_ERR_INVALID);
	assert_non_null(strstr(err.msg, "r=RATE"));
	assert_int_equal(rig_load_spec_parse("closed:c=0", &s, &err), RIG_ERR_INVALID);
	assert_non_null(strstr(err.msg, "c=0"));
	assert_int_equal(rig_load_spec_parse("open:c=1", &s, &err), RIG_ERR_INVALID);
	assert_int_equal(rig_load_spec_parse("closed:x=1", &s, &err), RIG_ERR_INVALID);
	assert_non_null(strstr(err.msg, "unknown key 'x'"));
	/* cpus=: '+' joins CPU items (',' separates the spec's keys) */
	assert_int_equal(rig_load_spec_parse("closed:cpus=0+1-1", &s, &err), 0);
	assert_string_equal(s.cpus, "0,1-1");
	assert_int_equal(rig_load_spec_parse("closed:cpus=a", &s, &err), RIG_ERR_INVALID);
	assert_non_null(strstr(err.msg, "cpus=a"));
	assert_int_equal(rig_load_spec_parse("closed:d=1s,n=5", &s, &err), RIG_ERR_INVALID);
}

static void json_has_the_documented_names(void **state)
{
	struct testserver *ts = ts_start(TS_OK, 0, 0);
	struct rig_load_opts o = opts_for(ts, RIG_LOAD_CLOSED);
	struct rig_load_result r;
	struct rig_error err = {0};
	struct rig_buf b = {0};
	static const char *const keys[] = {
	    "\"qps\":",	  "\"p50\":", "\"p90\":",    "\"p99\":",	 "\"p999\":",
	    "\"p9999\":", "\"max\":", "\"errors\":", "\"uncorrected\":", "\"qps_cv\":"};

	(void)state;
	o.requests = 100;
	assert_int_equal(rig_load_run(&o, &r, &err), 0);
	rig_load_result_json(&r, url, &b);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strstr(b.data, keys[i]))
			fail_msg("%s missing from %s", keys[i], b.data);
	rig_buf_free(&b);
	rig_load_result_free(&r);
	ts_stop(ts);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(closed_request_count_is_exact),
	    cmocka_unit_test(count_run_without_a_server_ends_at_the_timeout),
	    cmocka_unit_test(pipelined_requests_are_all_answered),
	    cmocka_unit_test(rate_model_holds_the_rate),
	    cmocka_unit_test(rate_below_thread_count_uses_fewer_threads),
	    cmocka_unit_test(surplus_connections_do_not_burst),
	    cmocka_unit_test(stall_shows_in_corrected_p99_only),
	    cmocka_unit_test(refused_connections_are_connect_errors),
	    cmocka_unit_test(resets_are_read_errors),
	    cmocka_unit_test(status_500_is_a_status_error_per_response),
	    cmocka_unit_test(silent_server_gives_timeouts),
	    cmocka_unit_test(connection_close_reconnects_without_errors),
	    cmocka_unit_test(bad_urls_and_options_are_named),
	    cmocka_unit_test(load_specs_parse_and_refuse),
	    cmocka_unit_test(json_has_the_documented_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
