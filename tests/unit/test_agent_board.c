/*
 * The agent board (host/src/runners/runner_agent.c and its parts): board file errors name
 * file, line and field; the repository's Pi board files load; ARMv6 skips;
 * key problems are refused before any connection; and a whole board cycle
 * (open, facts, prepare, run, close) against the x86_64 agent on loopback.
 */
#include "rigtest.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "board.h"
#include "rig_report.h"

static const char *dir;

static int load_text(const char *name, const char *text, struct rig_board **b,
		     struct rig_error *err)
{
	const char *path = rigtest_write(dir, name, text);

	return rig_board_load(path, dir, b, err);
}

static void expect_parse_error(const char *text, const char *needle)
{
	struct rig_board *b = NULL;
	struct rig_error err = {0};
	int rc = load_text("bad.yaml", text, &b, &err);

	if (rc != RIG_ERR_PARSE)
		fail_msg("expected a parse error mentioning \"%s\", got %d: %s", needle, rc,
			 err.msg);
	if (!strstr(err.msg, needle))
		fail_msg("error \"%s\" does not mention \"%s\"", err.msg, needle);
	assert_non_null(strstr(err.msg, "bad.yaml:"));
	assert_null(b);
}

#define HEAD "kind: agent\ntarget: {os: linux, arch: aarch64}\n"

static void board_file_errors_name_the_field(void **state)
{
	expect_parse_error(HEAD, "needs an 'agent:' section");
	expect_parse_error(HEAD "agent:\n  host: pi\n  key_file: k\n  transport: usb\n",
			   "transport");
	expect_parse_error(HEAD "agent:\n  key_file: k\n", "'agent/host' is required");
	expect_parse_error(HEAD "agent:\n  host: pi\n  key_file: k\n  port: 0\n",
			   "only makes sense with a qemu: section");
	expect_parse_error(HEAD "agent:\n  key_file: k\n  transport: serial\n",
			   "'agent/serial' is required");
	expect_parse_error(HEAD "agent:\n  host: pi\n  key_file: k\n  env: [NOEQUALS]\n",
			   "expected K=V");
	expect_parse_error(HEAD "agent:\n  host: pi\n", "key_file");
	expect_parse_error(HEAD "agent:\n  host: pi\n  key_file: k\n  colour: red\n", "colour");
	expect_parse_error(HEAD "agent: {transport: tcp}\nqemu:\n  machine: raspi3b\n",
			   "only \"virt\"");
	expect_parse_error(HEAD "agent:\n  host: pi\n  key_file: k\n  port: 70000\n", "port");
}

static void repository_pi_boards_load(void **state)
{
	static const char *const names[] = {
	    "rpi4",	     "rpi-zero2", "rpi-zero", "qemu-rpi-arm64", "qemu-rpi-arm64-serial",
	    "qemu-rpi-armhf"};
	char boards[1024];

	snprintf(boards, sizeof(boards), "%s/boards", rigtest_source_dir());
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct rig_board *b = NULL;
		struct rig_error err = {0};
		if (rig_board_load(names[i], boards, &b, &err))
			fail_msg("%s: %s", names[i], err.msg);
		assert_string_equal(b->ops->kind, "agent");
		rig_board_free(b);
	}
}

static void armv6_board_runs_only_gc(void **state)
{
	char boards[1024];
	struct rig_board *b = NULL;
	struct rig_error err = {0};
	struct rig_artifact a = {0};

	snprintf(boards, sizeof(boards), "%s/boards", rigtest_source_dir());
	assert_int_equal(rig_board_load("rpi-zero", boards, &b, &err), 0);
	snprintf(a.target.os, sizeof(a.target.os), "linux");
	snprintf(a.target.arch, sizeof(a.target.arch), "arm");
	snprintf(a.toolchain, sizeof(a.toolchain), "gccgo");
	assert_int_equal(rig_board_supports(b, &a, &err), RIG_ERR_SKIPPED);
	assert_non_null(strstr(err.msg, "SIGILL"));
	snprintf(a.toolchain, sizeof(a.toolchain), "gc");
	assert_int_equal(rig_board_supports(b, &a, &err), 0);
	rig_board_free(b);
}

static void key_problems_are_refused_before_connecting(void **state)
{
	struct rig_board *b = NULL;
	struct rig_error err = {0};
	char text[512];
	const char *key;

	snprintf(text, sizeof(text),
		 HEAD "agent:\n  host: 127.0.0.1\n  port: 1\n  key_file: %s/missing.key\n", dir);
	assert_int_equal(load_text("k1.yaml", text, &b, &err), 0);
	assert_int_equal(b->ops->open(b, &err), RIG_ERR_NOT_FOUND);
	assert_non_null(strstr(err.msg, "missing.key"));
	rig_board_free(b);

	key = rigtest_write(dir, "open.key", "00112233445566778899aabbccddeeff\n");
	chmod(key, 0644);
	snprintf(text, sizeof(text), HEAD "agent:\n  host: 127.0.0.1\n  port: 1\n  key_file: %s\n",
		 key);
	assert_int_equal(load_text("k2.yaml", text, &b, &err), 0);
	assert_int_equal(b->ops->open(b, &err), RIG_ERR_INVALID);
	assert_non_null(strstr(err.msg, "chmod 600"));
	rig_board_free(b);
}

static void unreachable_agent_times_out_with_reason(void **state)
{
	struct rig_board *b = NULL;
	struct rig_error err = {0};
	char text[512];
	const char *key = rigtest_write(dir, "ok.key", "00112233445566778899aabbccddeeff\n");
	int rc;

	chmod(key, 0600);
	/* port 1 on loopback: nothing listens */
	snprintf(text, sizeof(text),
		 HEAD
		 "agent:\n  host: 127.0.0.1\n  port: 1\n  key_file: %s\n  connect_timeout: 300ms\n",
		 key);
	assert_int_equal(load_text("k3.yaml", text, &b, &err), 0);
	rc = b->ops->open(b, &err);
	assert_true(rc == RIG_ERR_TIMEOUT || rc == RIG_ERR_IO);
	assert_non_null(strstr(err.msg, "did not answer"));
	assert_non_null(strstr(err.msg, "127.0.0.1:1"));
	rig_board_free(b);
}

/* A whole cycle through the board table against the x86_64 agent. */
static void board_cycle_on_loopback_agent(void **state)
{
	char agent[1024], work[1024], keyf[1024], portf[1024], port[16] = "", text[1024];
	char script[1024], ready[200], result[200], done[200];
	struct rig_board *b = NULL;
	struct rig_error err = {0};
	struct rig_kvlist facts = {0};
	struct rig_artifact a = {0};
	struct rig_sample s = {0};
	struct rig_run_req req = {0};
	double v;
	pid_t pid;
	FILE *f;

	snprintf(agent, sizeof(agent), "%s/firmware/agent/rig-agent", rigtest_binary_dir());
	if (access(agent, X_OK)) {
		print_message("[  SKIPPED ] rig-agent not built at %s\n", agent);
		skip();
	}
	chmod(dir, 0755);
	snprintf(work, sizeof(work), "%s/work", dir);
	mkdir(work, 0755);
	snprintf(keyf, sizeof(keyf), "%s/agent.key", dir);
	rigtest_write(dir, "agent.key",
		      "f0e1d2c3b4a5968778695a4b3c2d1e0f00112233445566778899aabbccddeeff\n");
	chmod(keyf, 0600);
	snprintf(portf, sizeof(portf), "%s/port", dir);
	pid = fork();
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);
		dup2(fd, 2);
		execl(agent, agent, "--key", keyf, "--work", work, "--listen", "127.0.0.1:0",
		      "--port-file", portf, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 500 && !port[0]; i++) {
		if ((f = fopen(portf, "r"))) {
			if (!fgets(port, sizeof(port), f))
				port[0] = 0;
			fclose(f);
		}
		if (!port[0])
			nanosleep(&(struct timespec){.tv_nsec = 10000000}, NULL);
	}
	port[strcspn(port, "\n")] = 0;
	snprintf(text, sizeof(text),
		 "kind: agent\ntarget: {os: linux, arch: x86_64}\nagent:\n  host: 127.0.0.1\n"
		 "  port: %s\n  key_file: agent.key\n  env: [RIG_BOARD_VAR=yes]\n",
		 port);
	assert_int_equal(load_text("loop.yaml", text, &b, &err), 0);
	if (b->ops->open(b, &err))
		fail_msg("open: %s", err.msg);
	assert_int_equal(b->ops->facts(b, &facts, &err), 0);
	assert_non_null(rig_kv_get(&facts, "board.kernel"));
	assert_string_equal(rig_kv_get(&facts, "board.agent_transport"), "tcp");
	assert_non_null(rig_kv_get(&facts, "throttled"));
	rig_kv_free(&facts);

	rig_report_format_ready(ready, sizeof(ready));
	rig_report_format_result(result, sizeof(result), "iters", "7", "count");
	rig_report_format_done(done, sizeof(done), 0);
	snprintf(script, sizeof(script),
		 "#!/bin/sh\nprintf '%%s' '%s'\n[ \"$RIG_BOARD_VAR\" = yes ] && printf '%%s' "
		 "'%s'\nprintf '%%s' '%s'\n",
		 ready, result, done);
	snprintf(a.path, sizeof(a.path), "%s", rigtest_write(dir, "wl.sh", script));
	snprintf(a.toolchain, sizeof(a.toolchain), "c");
	snprintf(a.workload, sizeof(a.workload), "hello");
	snprintf(a.target.os, sizeof(a.target.os), "linux");
	snprintf(a.target.arch, sizeof(a.target.arch), "x86_64");
	assert_int_equal(rig_sha256_file(a.path, a.sha256, &err), 0);
	assert_int_equal(rig_board_supports(b, &a, &err), 0);
	if (b->ops->prepare(b, &a, &err))
		fail_msg("prepare: %s", err.msg);
	req.art = &a;
	req.timeout_ms = 10000;
	if (b->ops->run(b, &req, &s, &err))
		fail_msg("run: %s", err.msg);
	if (!s.ok)
		fail_msg("sample failed: %s", s.fail_reason);
	assert_true(rig_sample_get(&s, "startup_ns", &v) && v > 0);
	assert_true(rig_sample_get(&s, "iters", &v) && v == 7);
	rig_sample_free(&s);

	/* a done line before the results (a replayed one) fails the sample,
	 * as on the host board, and its log is kept */
	snprintf(script, sizeof(script),
		 "#!/bin/sh\nprintf '%%s' '%s'\nprintf '%%s' '%s'\nprintf '%%s' '%s'\n"
		 "printf '%%s' '%s'\n",
		 ready, done, result, done);
	snprintf(a.path, sizeof(a.path), "%s", rigtest_write(dir, "wl2.sh", script));
	assert_int_equal(rig_sha256_file(a.path, a.sha256, &err), 0);
	if (b->ops->prepare(b, &a, &err))
		fail_msg("prepare: %s", err.msg);
	{
		char log[700];
		snprintf(log, sizeof(log), "%s/agent-sample.log", dir);
		req.log_path = log;
		if (b->ops->run(b, &req, &s, &err))
			fail_msg("run: %s", err.msg);
		assert_false(s.ok);
		assert_non_null(strstr(s.fail_reason, "after the done line"));
		assert_string_equal(s.log_path, log);
		assert_int_equal(access(log, F_OK), 0);
		req.log_path = NULL;
	}
	rig_sample_free(&s);
	b->ops->close(b);
	rig_board_free(b);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}

static int setup(void **state)
{
	dir = rigtest_tmpdir();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(board_file_errors_name_the_field),
	    cmocka_unit_test(repository_pi_boards_load),
	    cmocka_unit_test(armv6_board_runs_only_gc),
	    cmocka_unit_test(key_problems_are_refused_before_connecting),
	    cmocka_unit_test(unreachable_agent_times_out_with_reason),
	    cmocka_unit_test(board_cycle_on_loopback_agent),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
