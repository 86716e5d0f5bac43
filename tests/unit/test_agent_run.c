/*
 * rig-agent (the x86_64 build) on loopback running programs: RUN with its
 * measurements (startup, wall, RSS, the cgroup memory peak), timeouts,
 * KILL, STOP (SIGTERM), processes that try to outlive the run, programs
 * that do not exist. The protocol's refusals are tests/unit/test_agent.c.
 */
#include "rigtest.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "agent_client.h"
#include "agentfx.h"
#include "rig_frame.h"
#include "rig_report.h"
#include "util.h"

/* A shell script workload that speaks the report protocol. */
static void put_script(struct rig_agent *a, const char *name, const char *body)
{
	char ready[RIG_REPORT_MAX_LINE + 2], result[RIG_REPORT_MAX_LINE + 2],
	    done[RIG_REPORT_MAX_LINE + 2];
	struct rig_error err = {0};
	char *text;

	rig_report_format_ready(ready, sizeof(ready));
	rig_report_format_result(result, sizeof(result), "answer", "42", "count");
	rig_report_format_done(done, sizeof(done), 0);
	ready[strcspn(ready, "\n")] = 0;
	result[strcspn(result, "\n")] = 0;
	done[strcspn(done, "\n")] = 0;
	text = rig_xasprintf("#!/bin/sh\nREADY='%s'\nRESULT='%s'\nDONE='%s'\n%s\n", ready, result,
			     done, body);
	if (rig_agent_put(a, name, text, strlen(text), 0755, &err))
		fail_msg("%s", err.msg);
	free(text);
}

struct out {
	struct rig_buf text;
	int kill_after;
};

static int on_output(void *ctx, int stream, const char *d, size_t n)
{
	struct out *o = ctx;

	rig_buf_append(&o->text, d, n);
	return o->kill_after && o->text.len > 0;
}

/* The first CPU this process may use (a container may not offer CPU 0). */
static int first_allowed_cpu(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		for (int i = 0; i < 64; i++)
			if (CPU_ISSET(i, &set))
				return i;
	return 0;
}

static void run_measures_on_the_board(void **state)
{
	struct rig_agent *a = agentfx_connect_ok();
	struct rig_frame_run_done d;
	struct rig_error err = {0};
	struct out o = {0};
	const char *args[] = {"first arg"};
	const char *env[] = {"RIG_TEST_VAR=value"};
	struct rig_agent_run_req req = {.prog = "wl.sh",
					.args = args,
					.n_args = 1,
					.env = env,
					.n_env = 1,
					.timeout_ms = 10000,
					.on_output = on_output,
					.ctx = &o};
	int cpu = first_allowed_cpu();
	char want[64];

	req.cpu_mask = 1ull << cpu;
	snprintf(want, sizeof(want), "Cpus_allowed_list:\t%d\n", cpu);

	put_script(a, "wl.sh",
		   "sleep 0.05\necho \"$READY\"\necho \"$RESULT\"\necho \"arg=$1 var=$RIG_TEST_VAR "
		   "uid=$(id -u) cpus=$(grep Cpus_allowed_list /proc/self/status)\"\n"
		   "echo err >&2\necho \"$DONE\"\nexit 3");
	if (rig_agent_run(a, &req, &d, &err))
		fail_msg("%s", err.msg);
	assert_int_equal(d.exit_code, 3);
	assert_int_equal(d.signal, 0);
	assert_false(d.timed_out);
	/* startup includes the 50 ms sleep, and ends before the exit */
	assert_true(d.startup_ns >= 50000000);
	assert_true(d.startup_ns < d.wall_ns);
	assert_true(d.peak_rss_kib > 0);
	assert_non_null(strstr(o.text.data, "@rig result answer 42 count"));
	assert_non_null(strstr(o.text.data, "arg=first arg var=value"));
	assert_non_null(strstr(o.text.data, want));
	assert_non_null(strstr(o.text.data, "err"));
	if (geteuid() == 0)
		assert_non_null(strstr(o.text.data, "uid=65534")); /* dropped root */
	rig_buf_free(&o.text);
	rig_agent_close(a);
}

static void run_without_ready_line_has_no_startup(void **state)
{
	struct rig_agent *a = agentfx_connect_ok();
	struct rig_frame_run_done d;
	struct rig_error err = {0};
	struct rig_agent_run_req req = {.prog = "quiet.sh", .timeout_ms = 10000};

	put_script(a, "quiet.sh", "echo '@rig ready*00000000'\nexit 0"); /* bad CRC: not ready */
	if (rig_agent_run(a, &req, &d, &err))
		fail_msg("%s", err.msg);
	assert_true(d.startup_ns == -1);
	assert_int_equal(d.exit_code, 0);
	rig_agent_close(a);
}

static void run_timeout_kills_the_program(void **state)
{
	struct rig_agent *a = agentfx_connect_ok();
	struct rig_frame_run_done d;
	struct rig_error err = {0};
	struct rig_agent_run_req req = {.prog = "slow.sh", .timeout_ms = 300};

	put_script(a, "slow.sh", "echo \"$READY\"\nexec sleep 30");
	if (rig_agent_run(a, &req, &d, &err))
		fail_msg("%s", err.msg);
	assert_true(d.timed_out);
	assert_int_equal(d.signal, SIGKILL);
	assert_true(d.wall_ns < 5000000000ll);
	rig_agent_close(a);
}

static void kill_request_stops_the_program(void **state)
{
	struct rig_agent *a = agentfx_connect_ok();
	struct rig_frame_run_done d;
	struct rig_error err = {0};
	struct out o = {.kill_after = 1};
	struct rig_agent_run_req req = {
	    .prog = "loop.sh", .timeout_ms = 20000, .on_output = on_output, .ctx = &o};

	put_script(a, "loop.sh", "echo \"$READY\"\nexec sleep 30");
	if (rig_agent_run(a, &req, &d, &err))
		fail_msg("%s", err.msg);
	assert_true(d.killed);
	assert_false(d.timed_out);
	assert_true(d.wall_ns < 10000000000ll);
	rig_buf_free(&o.text);
	/* the session goes on */
	assert_int_equal(rig_agent_remove(a, "loop.sh", &err), 0);
	rig_agent_close(a);
}

/* Where the board has a memory cgroup, RUN_DONE carries the run leaf's
 * memory peak beside wait4's (protocol version 2): both see the 32 MB the
 * shell held. */
static int machine_has_memory_cgroup(void)
{
	char *text = NULL;
	size_t len;
	struct rig_error err = {0};
	int v2 = 0;

	if (access("/sys/fs/cgroup/memory/memory.max_usage_in_bytes", R_OK) == 0)
		return 1;
	if (rig_read_file("/sys/fs/cgroup/cgroup.controllers", &text, &len, &err) == 0)
		v2 = strstr(text, "memory") != NULL;
	free(text);
	return v2;
}

static void run_done_carries_the_cgroup_memory_peak(void **state)
{
	struct rig_agent *a = agentfx_connect_ok();
	struct rig_frame_run_done d;
	struct rig_error err = {0};
	struct rig_agent_run_req req = {.prog = "mem.sh", .timeout_ms = 60000};

	put_script(a, "mem.sh",
		   "echo \"$READY\"\nx=$(head -c 32000000 /dev/zero | tr '\\0' a)\n"
		   "echo \"$DONE\"\nexit 0");
	if (rig_agent_run(a, &req, &d, &err))
		fail_msg("%s", err.msg);
	assert_int_equal(d.exit_code, 0);
	print_message("peak_rss_kib %lld, cgroup_peak_kib %lld\n", (long long)d.peak_rss_kib,
		      (long long)d.cgroup_peak_kib);
	assert_true(d.peak_rss_kib >= 31000);
	if (d.cgroup_peak_kib < 0) {
		rig_agent_close(a);
		if (geteuid() == 0 && machine_has_memory_cgroup())
			fail_msg("the machine has a memory cgroup but RUN_DONE carries none");
		print_message("[  SKIPPED ] no memory cgroup the agent can use here\n");
		skip();
	}
	assert_true(d.cgroup_peak_kib >= 31000);
	rig_agent_close(a);
}

/* A server's stop (issue 11): STOP passes SIGTERM to the program, which
 * reports and exits by itself (not killed); the RSS sampled every 100 ms
 * while it ran (0.6 s before ready) gives a mean no higher than wait4's
 * peak and near what the shell held. */
static volatile sig_atomic_t stop_now;

static int stop_after_ready(void *ctx, int stream, const char *data, size_t len)
{
	if (stream == 1 && memmem(data, len, "@rig ready", 10))
		stop_now = 1;
	return 0;
}

static void stop_sends_sigterm_and_rss_is_sampled(void **state)
{
	struct rig_agent *a = agentfx_connect_ok();
	struct rig_frame_run_done d;
	struct rig_error err = {0};
	struct rig_agent_run_req req = {.prog = "srv.sh",
					.timeout_ms = 60000,
					.on_output = stop_after_ready,
					.stop = &stop_now};
	int64_t t0;

	/* holds 16 MB for its whole life; on TERM prints done and exits 0 */
	put_script(a, "srv.sh",
		   "x=$(head -c 16000000 /dev/zero | tr '\\0' a)\n"
		   "trap 'echo \"$DONE\"; exit 0' TERM\nsleep 0.6\necho \"$READY\"\n"
		   "while :; do sleep 0.1; done");
	stop_now = 0;
	t0 = rig_now_ns();
	if (rig_agent_run(a, &req, &d, &err))
		fail_msg("%s", err.msg);
	print_message("exit %d signal %d, %.2f s, peak_rss_kib %lld, mean_rss_kib %lld\n",
		      d.exit_code, d.signal, (double)(rig_now_ns() - t0) / 1e9,
		      (long long)d.peak_rss_kib, (long long)d.mean_rss_kib);
	assert_int_equal(d.signal, 0);
	assert_int_equal(d.exit_code, 0);
	assert_int_equal(d.killed, 0);
	assert_int_equal(d.timed_out, 0);
	assert_true(d.peak_rss_kib >= 15000);
	assert_true(d.mean_rss_kib > 0);
	assert_true(d.mean_rss_kib <= d.peak_rss_kib);
	assert_true(d.mean_rss_kib >= d.peak_rss_kib / 4);
	rig_agent_close(a);
}

/* Item 13: a child that detaches with setsid after 0.2 s does not survive
 * RUN_DONE (it is neither in the process group nor in the session). */
static void setsid_child_does_not_survive_run_done(void **state)
{
	struct rig_agent *a = agentfx_connect_ok();
	struct rig_frame_run_done d;
	struct rig_error err = {0};
	char mark[64];
	const char *envs[1];
	struct rig_agent_run_req req = {.prog = "escape.sh", .timeout_ms = 10000};
	int pids[4], n = 0;

	snprintf(mark, sizeof(mark), "RIG_TEST_MARK=agent-escape-%d", (int)getpid());
	envs[0] = mark;
	req.env = envs;
	req.n_env = 1;
	put_script(a, "escape.sh",
		   "( sleep 0.2; exec setsid sleep 30 ) &\nsleep 0.5\necho \"$READY\"\n"
		   "echo \"$DONE\"\nexit 0");
	if (rig_agent_run(a, &req, &d, &err))
		fail_msg("%s", err.msg);
	assert_int_equal(d.exit_code, 0);
	/* RUN_DONE is sent once everything is reaped: nothing is left now */
	n = rigtest_procs_with(mark + strlen("RIG_TEST_MARK="), pids, 4);
	if (n)
		fail_msg("%d process(es) survived RUN_DONE, first pid %d", n, pids[0]);
	rig_agent_close(a);
}

static void run_of_missing_program_is_refused(void **state)
{
	struct rig_agent *a = agentfx_connect_ok();
	struct rig_frame_run_done d;
	struct rig_error err = {0};
	struct rig_agent_run_req req = {.prog = "nothere"};
	struct rig_agent_run_req req2 = {.prog = "../../bin/sh"};

	assert_int_equal(rig_agent_run(a, &req, &d, &err), RIG_ERR_NOT_FOUND);
	assert_non_null(strstr(err.msg, "upload it first"));
	assert_int_equal(rig_agent_run(a, &req2, &d, &err), RIG_ERR_INVALID);
	rig_agent_close(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(run_measures_on_the_board),
	    cmocka_unit_test(run_without_ready_line_has_no_startup),
	    cmocka_unit_test(run_timeout_kills_the_program),
	    cmocka_unit_test(kill_request_stops_the_program),
	    cmocka_unit_test(setsid_child_does_not_survive_run_done),
	    cmocka_unit_test(run_done_carries_the_cgroup_memory_peak),
	    cmocka_unit_test(stop_sends_sigterm_and_rss_is_sampled),
	    cmocka_unit_test(run_of_missing_program_is_refused),
	};
	return cmocka_run_group_tests(tests, agentfx_group_setup, agentfx_group_teardown);
}
