/* rig load: the load generator alone, against any HTTP/1.1, h2c or gRPC server. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "load.h"
#include "load_report.h"
#include "log.h"

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

int cmd_load(int argc, char **argv, struct rig_ctx *ctx)
{
	long long conns = 64, threads = 2, duration = -1, warmup = 0, rate = 0, requests = 0,
		  pipeline = 1, timeout = 2000;
	const char *format = "table", *cpus_arg = NULL, *grpc = NULL, *data = NULL;
	char *body = NULL;
	size_t body_len = 0;
	int no_pin = 0, h2c = 0, exit_code = 0, rc, *cpus = NULL;
	size_t n_cpus = 0;
	struct rig_strv rest = {0};
	struct rig_error err = {0};
	struct rig_load_opts o = {0};
	struct rig_load_result r = {0};
	struct sigaction sa = {0}, old_int, old_term;
	const struct rig_opt opts[] = {
	    {'c', "connections", RIG_OPT_COUNT, &conns, "N", "connections (default 64)", 1, 100000},
	    {'t', "threads", RIG_OPT_COUNT, &threads, "N",
	     "threads, one event loop each (default 2)", 1, 1024},
	    {'d', "duration", RIG_OPT_DURATION, &duration, "TIME",
	     "measured time after the warm-up (default 10s)"},
	    {'n', "requests", RIG_OPT_COUNT, &requests, "N",
	     "stop after N measured requests instead of a duration", 1, 1000000000000LL},
	    {'R', "rate", RIG_OPT_COUNT, &rate, "R",
	     "constant rate, requests/s (open model; latency from the intended send)", 1,
	     100000000},
	    {'w', "warmup", RIG_OPT_DURATION, &warmup, "TIME",
	     "load not measured first (default 0)"},
	    {'p', "pipeline", RIG_OPT_COUNT, &pipeline, "N",
	     "requests in flight per connection (default 1)", 1, RIG_LOAD_MAX_PIPELINE},
	    {0, "timeout", RIG_OPT_DURATION, &timeout, "TIME",
	     "a request without a response after this is an error (default 2s)"},
	    {0, "cpus", RIG_OPT_STRING, &cpus_arg, "LIST",
	     "pin thread i to the i-th CPU of LIST (default: the CPUs rig may use)"},
	    {0, "no-pin", RIG_OPT_FLAG, &no_pin, NULL, "do not pin the threads"},
	    {0, "h2c", RIG_OPT_FLAG, &h2c, NULL,
	     "HTTP/2 with prior knowledge (libnghttp2); -p is then streams per connection"},
	    {0, "grpc", RIG_OPT_STRING, &grpc, "METHOD",
	     "gRPC unary calls of /package.Service/Method over h2c instead of GET "
	     "(grpc-status != 0 is an error of class grpc)"},
	    {0, "data", RIG_OPT_STRING, &data, "FILE",
	     "--grpc: the request message, protobuf bytes (default: an empty message)"},
	    {0, "format", RIG_OPT_STRING, &format, "FMT", "table or json"},
	    {0}};
	const char *usage = "rig load [options] URL";

	(void)ctx;
	rc = rig_parse_options(argc, argv, opts, usage, &rest, &err);
	if (rc == 1)
		goto done;
	if (rc) {
		rig_err("%s", err.msg);
		exit_code = 2;
		goto done;
	}
	if (rest.n != 1) {
		rig_err("rig load: expected one URL, got %zu arguments (%s)", rest.n, usage);
		exit_code = 2;
		goto done;
	}
	if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0) {
		rig_err("--format: expected table or json, got '%s'", format);
		exit_code = 2;
		goto done;
	}
	if (duration >= 0 && requests) {
		rig_err("rig load: give --duration or --requests, not both");
		exit_code = 2;
		goto done;
	}
	if (duration == 0) {
		rig_err("--duration: must be above 0");
		exit_code = 2;
		goto done;
	}
	if (data && !grpc) {
		rig_err("--data is the gRPC request message: give --grpc METHOD too");
		exit_code = 2;
		goto done;
	}
	if (data && rig_read_file(data, &body, &body_len, &err)) {
		rig_err("--data: %s", err.msg);
		exit_code = 2;
		goto done;
	}
	if (cpus_arg && no_pin) {
		rig_err("--cpus and --no-pin exclude each other");
		exit_code = 2;
		goto done;
	}
	if (cpus_arg) {
		if (rig_load_parse_cpus(cpus_arg, &cpus, &n_cpus, &err)) {
			rig_err("%s", err.msg);
			exit_code = 2;
			goto done;
		}
	} else if (!no_pin) {
		rig_load_default_cpus(-1, &cpus, &n_cpus);
	}
	o.model = rate ? RIG_LOAD_RATE : RIG_LOAD_CLOSED;
	o.url = rest.v[0];
	o.connections = (int)conns;
	o.threads = (int)threads;
	o.duration_ms = requests ? 0 : duration > 0 ? duration : 10000;
	o.requests = requests;
	o.warmup_ms = warmup;
	o.rate = (double)rate;
	o.pipeline = (int)pipeline;
	o.h2c = h2c;
	o.grpc = grpc;
	o.body = body;
	o.body_len = body_len;
	o.timeout_ms = timeout;
	o.cpus = cpus;
	o.n_cpus = n_cpus;
	o.stop = &stop_flag;
	stop_flag = 0;
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	rc = rig_load_run(&o, &r, &err);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (rc) {
		rig_err("%s", err.msg);
		exit_code = rc == RIG_ERR_INVALID || rc == RIG_ERR_NOT_FOUND ? 2 : 1;
		goto done;
	}
	if (strcmp(format, "json") == 0) {
		struct rig_buf b = {0};
		rig_load_result_json(&r, o.url, &b);
		printf("%s\n", b.data);
		rig_buf_free(&b);
	} else {
		rig_load_result_print(&r, o.url, stdout);
	}
	if (stop_flag)
		exit_code = 130;
done:
	free(body);
	rig_load_result_free(&r);
	free(cpus);
	rig_strv_free(&rest);
	return exit_code;
}
