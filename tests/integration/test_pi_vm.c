/*
 * The emulated Raspberry Pi end to end: rig boots Debian's arm64 kernel with
 * its initramfs in QEMU (boards/qemu-rpi-arm64*.yaml), authenticates to the
 * agent, reads the board's facts, uploads a C workload cross-built here and
 * runs it, once through the host-forwarded TCP port and once through the
 * VM's UART; then the 32-bit board (armmp kernel, Cortex-A7) over TCP. In the
 * first boot the C http workload also serves under rig's load through the
 * VM's forwarded service port, started and stopped by the agent (the path
 * of `rig bench --load` on an agent board). One VM at a time (the
 * machine has 2 cores and no KVM). Skipped, with the reason, when QEMU, the cross compiler or the
 * kernel (scripts/pi-kernel.sh) is missing.
 */
#include "rigtest.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_load.h"
#include "board.h"
#include "elfsize.h"

static char kernel[1024];
/* the board being tested, closed by the teardown even when a check fails
 * (so no QEMU outlives the test) */
static struct rig_board *cur;

static int close_board(void **state)
{
	if (cur) {
		cur->ops->close(cur);
		rig_board_free(cur);
		cur = NULL;
	}
	return 0;
}

/* One emulated board and what it must report. */
struct pi {
	const char *board, *transport;
	const char *qemu, *cc, *arch, *kernel_subdir, *kernel_arg;
	const char *machine, *cpu_key, *cpu_value, *kernel_word;
	int serve; /* 1: also put the http workload under load */
};

static const struct pi pi_arm64_tcp = {"qemu-rpi-arm64",
				       "tcp",
				       "qemu-system-aarch64",
				       "aarch64-linux-gnu-gcc",
				       "aarch64",
				       "pi-kernel",
				       "",
				       "aarch64",
				       "board.cpu",
				       "Cortex-A53",
				       "arm64",
				       1};
static const struct pi pi_arm64_serial = {"qemu-rpi-arm64-serial",
					  "serial",
					  "qemu-system-aarch64",
					  "aarch64-linux-gnu-gcc",
					  "aarch64",
					  "pi-kernel",
					  "",
					  "aarch64",
					  "board.cpu",
					  "Cortex-A53",
					  "arm64"};
static const struct pi pi_armhf_tcp = {"qemu-rpi-armhf",
				       "tcp",
				       "qemu-system-arm",
				       "arm-linux-gnueabihf-gcc",
				       "arm",
				       "pi-kernel-armhf",
				       " --arch armhf",
				       "armv7l",
				       "board.cpu_part",
				       "0xc07",
				       "armmp"};

static int have_everything(const struct pi *p)
{
	const char *cache = getenv("RIG_CACHE_DIR");
	const char *home = getenv("HOME");

	if (cache && *cache)
		snprintf(kernel, sizeof(kernel), "%s/%s/vmlinuz", cache, p->kernel_subdir);
	else
		snprintf(kernel, sizeof(kernel), "%s/.cache/rig/%s/vmlinuz", home ? home : "",
			 p->kernel_subdir);
	if (!rigtest_have(p->qemu)) {
		print_message("[  SKIPPED ] %s is not installed (scripts/setup.sh)\n", p->qemu);
		return 0;
	}
	if (!rigtest_have(p->cc)) {
		print_message("[  SKIPPED ] %s is not installed (scripts/setup.sh)\n", p->cc);
		return 0;
	}
	if (!rig_file_exists(kernel)) {
		print_message("[  SKIPPED ] no Debian kernel at %s: run scripts/pi-kernel.sh%s\n",
			      kernel, p->kernel_arg);
		return 0;
	}
	return 1;
}

/* Cross-builds the C hello workload the way the c toolchain does. */
static void build_hello(const char *cc, const char *out)
{
	const char *src = rigtest_source_dir();
	char *log = NULL;
	int rc = rigtest_sh(&log,
			    "%s -O2 -I%s/firmware/protocol -I%s/firmware/workloads/c -o %s "
			    "%s/firmware/workloads/c/hello.c %s/firmware/workloads/c/rig_wl.c "
			    "%s/firmware/protocol/rig_report.c -lm 2>&1",
			    cc, src, src, out, src, src, src);
	if (rc != 0)
		fail_msg("%s failed: %s", cc, log ? log : "");
	free(log);
}

/* Cross-builds the C http server (the service workload) like the c toolchain. */
static void build_http(const char *cc, const char *out)
{
	const char *src = rigtest_source_dir();
	char *log = NULL;
	int rc =
	    rigtest_sh(&log,
		       "%s -O2 -pthread -I%s/firmware/protocol -I%s/firmware/workloads/c -o %s "
		       "%s/firmware/workloads/c/http.c %s/firmware/workloads/c/rig_wl.c "
		       "%s/firmware/protocol/rig_report.c -lm 2>&1",
		       cc, src, src, out, src, src, src);
	if (rc != 0)
		fail_msg("%s failed: %s", cc, log ? log : "");
	free(log);
}

static void make_artifact(struct rig_artifact *a, const char *path, const char *arch)
{
	struct rig_error err = {0};

	memset(a, 0, sizeof(*a));
	snprintf(a->path, sizeof(a->path), "%s", path);
	snprintf(a->toolchain, sizeof(a->toolchain), "c");
	snprintf(a->profile, sizeof(a->profile), "c");
	snprintf(a->workload, sizeof(a->workload), "hello");
	snprintf(a->target.os, sizeof(a->target.os), "linux");
	snprintf(a->target.arch, sizeof(a->target.arch), "%s", arch);
	if (rig_sha256_file(path, a->sha256, &err) || rig_elf_sizes(path, &a->sizes, &err))
		fail_msg("%s", err.msg);
}

/*
 * The http server in the guest under a closed load from here, through the
 * forwarded service port: the agent starts it with RIG_LISTEN, the load
 * runs once it is ready, STOP ends it (SIGTERM: it reports what it served),
 * and the sample has the load's figures beside the board's RSS and CPU.
 */
static void serve_under_load(struct rig_board *b, const struct pi *p)
{
	char http[1024];
	struct rig_artifact art;
	struct rig_load_spec spec;
	struct rig_bench_load bl = {0};
	struct rig_run_service svc;
	struct rig_run_req req = {0};
	struct rig_sample s = {0};
	struct rig_error err = {0};
	double qps, errors, served, requests, rss, mean_rss, user;

	snprintf(http, sizeof(http), "%s/http-%s", rigtest_tmpdir(), p->arch);
	build_http(p->cc, http);
	make_artifact(&art, http, p->arch);
	snprintf(art.workload, sizeof(art.workload), "http");
	if (rig_load_spec_parse("closed:c=4,t=1,d=2s,w=500ms", &spec, &err))
		fail_msg("%s", err.msg);
	bl.spec = &spec;
	if (b->ops->prepare(b, &art, &err))
		fail_msg("prepare http: %s", err.msg);
	if (rig_bench_load_prepare(&bl, b, &svc, &err))
		fail_msg("service address: %s", err.msg);
	/* the guest listens on every address; the load goes to QEMU's forward */
	assert_string_equal(svc.listen, "0.0.0.0:8080");
	assert_non_null(strstr(bl.url, "http://127.0.0.1:"));
	req.art = &art;
	req.workload = "http";
	req.timeout_ms = rig_bench_load_timeout_ms(&spec, 30000);
	req.service = &svc;
	if (b->ops->run(b, &req, &s, &err))
		fail_msg("run http: %s", err.msg);
	rig_bench_load_finish(&bl, &s);
	if (!s.ok)
		fail_msg("http sample failed: %s (%s)", s.fail_reason, s.stderr_tail);
	assert_true(rig_sample_get(&s, "qps", &qps) && qps > 0);
	assert_true(rig_sample_get(&s, "errors", &errors));
	assert_true(rig_sample_get(&s, "requests", &requests));
	/* the server's own count (printed after STOP's SIGTERM) covers every
	 * response the load measured, warm-up included */
	assert_true(rig_sample_get(&s, "served", &served));
	assert_true(served >= requests);
	assert_true(rig_sample_get(&s, "peak_rss_kib", &rss) && rss > 0);
	assert_true(rig_sample_get(&s, "mean_rss_kib", &mean_rss));
	assert_true(mean_rss > 0 && mean_rss <= rss);
	assert_true(rig_sample_get(&s, "user_ns", &user));
	assert_true(rig_sample_get(&s, "server_cpu_ns_per_10k", &user) && user > 0);
	print_message("%s: http under closed load over the forwarded port: %.0f req/s, %.0f "
		      "errors, served %.0f, peak RSS %.0f KiB, mean RSS %.0f KiB (emulated)\n",
		      p->board, qps, errors, served, rss, mean_rss);
	assert_true(errors == 0);
	rig_sample_free(&s);
}

/* Boots the board, checks facts, runs hello twice; closes the board. */
static void boot_and_run(const struct pi *p)
{
	const char *board_name = p->board, *transport = p->transport;
	char boards[1024], hello[1024], wrong[1024], workdir[1024];
	struct rig_board *b = NULL;
	struct rig_error err = {0};
	struct rig_kvlist facts = {0};
	struct rig_artifact art, x86;
	struct rig_sample s = {0};
	struct rig_run_req req = {0};
	double startup, wall;
	int64_t t0;
	int rc;

	snprintf(boards, sizeof(boards), "%s/boards", rigtest_source_dir());
	snprintf(hello, sizeof(hello), "%s/hello-%s", rigtest_tmpdir(), p->arch);
	snprintf(wrong, sizeof(wrong), "%s/hello-x86", rigtest_tmpdir());
	build_hello(p->cc, hello);
	build_hello("gcc", wrong);
	make_artifact(&art, hello, p->arch);
	make_artifact(&x86, wrong, p->arch); /* claims the board's arch; the ELF says otherwise */

	if (rig_board_load(board_name, boards, &b, &err))
		fail_msg("%s", err.msg);
	cur = b;
	snprintf(workdir, sizeof(workdir), "%s/%s", rigtest_tmpdir(), board_name);
	snprintf(b->workdir, sizeof(b->workdir), "%s", workdir);
	assert_true(b->emulated);
	t0 = rig_now_ns();
	rc = b->ops->open(b, &err);
	if (rc)
		fail_msg("open %s: %s", board_name, err.msg);
	print_message("%s: booted and authenticated over %s in %.1f s\n", board_name, transport,
		      (double)(rig_now_ns() - t0) / 1e9);

	if (b->ops->facts(b, &facts, &err))
		fail_msg("facts: %s", err.msg);
	assert_string_equal(rig_kv_get(&facts, "board.machine"), p->machine);
	assert_non_null(strstr(rig_kv_get(&facts, p->cpu_key), p->cpu_value));
	assert_non_null(strstr(rig_kv_get(&facts, "board.kernel"), p->kernel_word));
	assert_string_equal(rig_kv_get(&facts, "board.agent_transport"), transport);
	assert_non_null(rig_kv_get(&facts, "throttled"));
	assert_string_equal(rig_kv_get(&facts, "hot"), "no");
	rig_kv_free(&facts);

	/* an x86-64 binary is refused before it is deployed */
	assert_int_equal(rig_board_supports(b, &x86, &err), RIG_ERR_SKIPPED);
	assert_non_null(strstr(err.msg, "wrong machine"));
	assert_int_equal(rig_board_supports(b, &art, &err), 0);

	if (b->ops->prepare(b, &art, &err))
		fail_msg("prepare: %s", err.msg);
	req.art = &art;
	req.workload = "hello";
	req.timeout_ms = 60000;
	for (int i = 0; i < 2; i++) {
		memset(&s, 0, sizeof(s));
		if (b->ops->run(b, &req, &s, &err))
			fail_msg("run: %s", err.msg);
		if (!s.ok)
			fail_msg("sample failed: %s (%s)", s.fail_reason, s.stderr_tail);
		assert_true(rig_sample_get(&s, "startup_ns", &startup));
		assert_true(rig_sample_get(&s, "wall_ns", &wall));
		assert_true(startup > 0 && startup <= wall);
		assert_true(rig_sample_get(&s, "peak_rss_kib", &wall) && wall > 0);
		print_message("%s: hello over %s: startup %.2f ms (measured on the board)\n",
			      board_name, transport, startup / 1e6);
		rig_sample_free(&s);
	}
	if (p->serve)
		serve_under_load(b, p);
	b->ops->close(b);
	/* the console log was captured */
	{
		char *log = NULL;
		size_t len;
		char path[1100];
		snprintf(path, sizeof(path), "%s/console.log", workdir);
		if (rig_read_file(path, &log, &len, &err))
			fail_msg("console log: %s", err.msg);
		assert_non_null(strstr(log, "rig-pi-init: starting rig-agent"));
		free(log);
	}
	rig_board_free(b);
	cur = NULL;
}

static void emulated_pi_runs_hello_over_tcp(void **state)
{
	if (!have_everything(&pi_arm64_tcp))
		skip();
	boot_and_run(&pi_arm64_tcp);
}

static void emulated_pi_runs_hello_over_serial(void **state)
{
	if (!have_everything(&pi_arm64_serial))
		skip();
	boot_and_run(&pi_arm64_serial);
}

static void emulated_32bit_pi_runs_hello_over_tcp(void **state)
{
	if (!have_everything(&pi_armhf_tcp))
		skip();
	boot_and_run(&pi_armhf_tcp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(emulated_pi_runs_hello_over_tcp, close_board),
	    cmocka_unit_test_teardown(emulated_pi_runs_hello_over_serial, close_board),
	    cmocka_unit_test_teardown(emulated_32bit_pi_runs_hello_over_tcp, close_board),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
