/*
 * Nothing rig starts outlives it, and a flood of output does not grow it:
 * the real rig binary, killed with SIGKILL in the middle of a bench on the
 * host board, a QEMU board and an agent board (the x86_64 rig-agent on
 * loopback), leaves no process behind (found by walking /proc for a marker
 * in the environment, which a setsid'd child keeps); and a workload that
 * writes to stdout and stderr as fast as it can for 10 s leaves rig's peak
 * RSS, as wait4 of rig reports it, under RIG_TEST_RSS_BOUND_KIB
 * (docs/reliability.md, "Processes" and "Output bounds").
 */
#include "rigtest.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The bound docs/reliability.md promises for rig's own memory under a flood
 * (64 MiB; the ASan build of rig itself takes about 30 MiB of it). */
#define RIG_TEST_RSS_BOUND_KIB (64 * 1024)

static char rig[1024], toolchains[1024];

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
	nanosleep(&ts, NULL);
}

static int setup(void **state)
{
	snprintf(toolchains, sizeof(toolchains), "%s/tests/data/misbehave-toolchains.yaml",
		 rigtest_source_dir());
	if (!rigtest_rig())
		return -1;
	snprintf(rig, sizeof(rig), "%s", rigtest_rig());
	/* workloads run as nobody on the agent when the tests run as root */
	chmod(rigtest_tmpdir(), 0755);
	return 0;
}

/* Starts rig with argv (after the program name), RIG_TEST_MARK=mark in its
 * environment only, output to dir/rig.out. */
static pid_t start_rig(const char *dir, const char *mark, char *const *args)
{
	char out[1200];
	char *argv[32] = {rig};
	size_t n = 1;
	pid_t pid;

	for (; args[n - 1] && n < 31; n++)
		argv[n] = args[n - 1];
	argv[n] = NULL;
	snprintf(out, sizeof(out), "%s/rig.out", dir);
	pid = fork();
	if (pid == 0) {
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(fd, 1);
		dup2(fd, 2);
		setenv("RIG_TEST_MARK", mark, 1);
		if (chdir(dir) == 0)
			execv(rig, argv);
		_exit(127);
	}
	return pid;
}

/* 1 when /proc/PID/cmdline (NUL-separated) contains needle. */
static int cmdline_has(int pid, const char *needle)
{
	char path[64], buf[4096];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	if ((fd = open(path, O_RDONLY)) < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	for (ssize_t i = 0; i < n; i++)
		if (!buf[i])
			buf[i] = ' ';
	buf[n > 0 ? n : 0] = 0;
	return strstr(buf, needle) != NULL;
}

/* Waits up to ms for at least n processes with the marker whose command
 * line has what (the workload, not the compilers rig runs before it). */
static int wait_for_procs(const char *mark, const char *what, int n, int ms)
{
	int pids[64], have = 0;

	for (int waited = 0; waited < ms; waited += 50) {
		int all = rigtest_procs_with(mark, pids, 64);
		have = 0;
		for (int i = 0; i < all && i < 64; i++)
			have += cmdline_has(pids[i], what);
		if (have >= n)
			return have;
		sleep_ms(50);
	}
	return have;
}

/* kill -9 of rig, then up to 3 s for everything it started to go. */
static void kill_rig_and_expect_nothing_left(pid_t pid, const char *mark, const char *dir)
{
	int pids[8], left = 0;

	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	for (int waited = 0; waited < 3000; waited += 50) {
		if ((left = rigtest_procs_with(mark, pids, 8)) == 0)
			break;
		sleep_ms(50);
	}
	if (left) {
		char *ps = NULL;
		rigtest_sh(&ps, "ps -o pid,ppid,sid,stat,args -p %d 2>&1", pids[0]);
		for (int i = 0; i < left && i < 8; i++)
			kill(pids[i], SIGKILL);
		fail_msg("%d process(es) outlived kill -9 of rig (%s):\n%s", left, dir,
			 ps ? ps : "");
	}
}

static void make_dir(char *out, size_t cap, const char *name)
{
	snprintf(out, cap, "%s/%s", rigtest_tmpdir(), name);
	mkdir(out, 0755);
}

/* Host board: the workload runs under rig-exec and has a setsid'd child
 * holding stdout. Before the fix all three were reparented to init and ran
 * on, competing with the resumed bench (issue 9 item 8). */
static void killed_bench_on_host_leaves_nothing(void **state)
{
	char dir[700], mark[64];
	char *args[] = {"--toolchains-file",
			toolchains,
			"bench",
			"--boards",
			"host",
			"-w",
			"hello",
			"-p",
			"escape",
			"-n",
			"2",
			"--warmup",
			"0",
			"--timeout",
			"60s",
			NULL};
	pid_t pid;

	RIGTEST_REQUIRE_CMD("gcc");
	make_dir(dir, sizeof(dir), "kill-host");
	snprintf(mark, sizeof(mark), "contain-host-%d", (int)getpid());
	pid = start_rig(dir, mark, args);
	/* rig-exec, the workload and its detached child */
	if (wait_for_procs(mark, "image-escape", 3, 60000) < 3)
		fail_msg("the workload did not start (see %s/rig.out)", dir);
	kill_rig_and_expect_nothing_left(pid, mark, dir);
}

/* A QEMU board: the emulator dies with rig (PR_SET_PDEATHSIG). */
static void killed_bench_on_qemu_leaves_nothing(void **state)
{
	char dir[700], mark[64];
	char *args[] = {
	    "bench", "--boards", "qemu-lm3s6965evb", "-w", "cpu", "-p",		"c",
	    "-n",    "2",	 "--warmup",	     "0",  "-i",  "1000000000", "--timeout",
	    "60s",   NULL};
	pid_t pid;

	RIGTEST_REQUIRE_CMD("qemu-system-arm");
	RIGTEST_REQUIRE_CMD("arm-none-eabi-gcc");
	make_dir(dir, sizeof(dir), "kill-qemu");
	snprintf(mark, sizeof(mark), "contain-qemu-%d", (int)getpid());
	pid = start_rig(dir, mark, args);
	if (wait_for_procs(mark, "qemu-system-arm", 1, 60000) < 1)
		fail_msg("QEMU did not start (see %s/rig.out)", dir);
	sleep_ms(500); /* into the sample */
	kill_rig_and_expect_nothing_left(pid, mark, dir);
}

/* Starts the x86_64 rig-agent on loopback with its key and work directory
 * in dir; returns its pid and the port in port[]. */
static pid_t start_agent(const char *dir, char *port, size_t cap)
{
	char agent[1024], work[800], keyf[800], portf[800];
	pid_t pid;
	FILE *f;

	snprintf(agent, sizeof(agent), "%s/firmware/agent/rig-agent", rigtest_binary_dir());
	if (access(agent, X_OK))
		return -1;
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
		dup2(fd, 1); /* a failed test must not leave a holder of ctest's pipe */
		dup2(fd, 2);
		execl(agent, agent, "--key", keyf, "--work", work, "--listen", "127.0.0.1:0",
		      "--port-file", portf, (char *)NULL);
		_exit(127);
	}
	port[0] = 0;
	for (int i = 0; i < 500 && !port[0]; i++) {
		if ((f = fopen(portf, "r"))) {
			if (!fgets(port, (int)cap, f))
				port[0] = 0;
			fclose(f);
		}
		if (!port[0])
			sleep_ms(10);
	}
	port[strcspn(port, "\n")] = 0;
	return pid;
}

/* An agent board: rig's connection drops with it, and the agent kills the
 * workload and its setsid'd child (the agent's own subreaper and cgroup
 * leaf), not only its process group. */
static void killed_bench_on_agent_board_leaves_nothing(void **state)
{
	char dir[700], boards[800], mark[64], port[16], text[1024];
	char *args[] = {"--boards-dir",
			boards,
			"--toolchains-file",
			toolchains,
			"bench",
			"--boards",
			"loopagent",
			"-w",
			"hello",
			"-p",
			"escape",
			"-n",
			"2",
			"--warmup",
			"0",
			"--timeout",
			"60s",
			NULL};
	pid_t agent, pid;

	RIGTEST_REQUIRE_CMD("gcc");
	make_dir(dir, sizeof(dir), "kill-agent");
	snprintf(boards, sizeof(boards), "%s/boards", dir);
	mkdir(boards, 0755);
	agent = start_agent(boards, port, sizeof(port));
	if (agent < 0) {
		print_message("[  SKIPPED ] rig-agent is not built\n");
		skip();
	}
	if (!port[0]) {
		kill(agent, SIGKILL);
		fail_msg("rig-agent did not start");
	}
	snprintf(mark, sizeof(mark), "contain-agent-%d", (int)getpid());
	snprintf(text, sizeof(text),
		 "kind: agent\ntarget: {os: linux, arch: x86_64}\nagent:\n  host: 127.0.0.1\n"
		 "  port: %s\n  key_file: agent.key\n  env: [RIG_TEST_MARK=%s]\n",
		 port, mark);
	rigtest_write(boards, "loopagent.yaml", text);
	pid = start_rig(dir, mark, args);
	/* the workload on the agent and its detached child */
	if (wait_for_procs(mark, "-escape-hello", 2, 60000) < 2)
		fail_msg("the workload did not start on the agent (see %s/rig.out)", dir);
	kill_rig_and_expect_nothing_left(pid, mark, dir);
	/* the agent itself serves on */
	assert_int_equal(waitpid(agent, NULL, WNOHANG), 0);
	kill(agent, SIGTERM);
	waitpid(agent, NULL, 0);
}

/* 10 s of stdout and stderr as fast as rig reads them (about 1 GB each
 * here): rig's peak RSS, from wait4 of rig, stays under the bound. Before,
 * rig kept all of it in memory (a 2 s flood took it to 1.19 GB: item 11). */
static void flood_leaves_rig_memory_bounded(void **state)
{
	char dir[700], mark[64], *out = NULL;
	char *args[] = {"--toolchains-file",
			toolchains,
			"bench",
			"--boards",
			"host",
			"-w",
			"hello",
			"-p",
			"flood",
			"-n",
			"1",
			"--warmup",
			"0",
			"-i",
			"10",
			"--timeout",
			"60s",
			"-q",
			NULL};
	struct rusage ru;
	int status = 0;
	pid_t pid;

	RIGTEST_REQUIRE_CMD("gcc");
	RIGTEST_REQUIRE_CMD("sqlite3");
	make_dir(dir, sizeof(dir), "flood");
	snprintf(mark, sizeof(mark), "contain-flood-%d", (int)getpid());
	pid = start_rig(dir, mark, args);
	assert_int_equal(wait4(pid, &status, 0, &ru), pid);
	rigtest_sh(&out, "sqlite3 '%s/.rig/rig.db' 'select ok, corrupt_lines from samples'", dir);
	print_message("10 s flood: rig's peak RSS %ld KiB (bound %d KiB); sample ok|lines: %s",
		      ru.ru_maxrss, RIG_TEST_RSS_BOUND_KIB, out ? out : "?\n");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		free(out);
		fail_msg("rig exited with %d (see %s/rig.out)", status, dir);
	}
	/* the sample was measured, and about a million 1000-byte lines went by */
	assert_non_null(out);
	assert_true(strncmp(out, "1|", 2) == 0);
	assert_true(atol(out + 2) > 10000);
	free(out);
	assert_true(ru.ru_maxrss < RIG_TEST_RSS_BOUND_KIB);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(killed_bench_on_host_leaves_nothing),
	    cmocka_unit_test(killed_bench_on_qemu_leaves_nothing),
	    cmocka_unit_test(killed_bench_on_agent_board_leaves_nothing),
	    cmocka_unit_test(flood_leaves_rig_memory_bounded),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
