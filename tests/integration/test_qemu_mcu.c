/*
 * The MCU path end to end: build firmware/mcu for both QEMU machines with
 * arm-none-eabi-gcc, boot it in QEMU through the qemu board's own
 * operations, and check the report lines and metrics against independent
 * tools (arm-none-eabi-size). Also: request latency at a fixed rate over
 * the console (the hash requests of rig bench --load, in the same boot), a
 * console on a pty, a hung board, an emulator that dies, a reset mid-line,
 * and the semihosting exit code.
 * One QEMU at a time.
 */
#include "rigtest.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_load.h"
#include "board.h"
#include "elfsize.h"
#include "qemu.h"
#include "serial_lines.h"
#include "toolchain.h"
#include "util.h"

static char fw_lm[600], fw_mps[600], fw_hung[600];

static int build_fw(const char *machine, const char *out, const char *extra)
{
	char *log = NULL;
	int rc =
	    rigtest_sh(&log, "make -s -C %s/firmware/mcu MACHINE=%s OUT=%s EXTRA_CFLAGS='%s' 2>&1",
		       rigtest_source_dir(), machine, out, extra);

	if (rc)
		print_message("firmware build failed: %s\n", log ? log : "");
	free(log);
	return rc;
}

static int group_setup(void **state)
{
	const char *tmp = rigtest_tmpdir();

	snprintf(fw_lm, sizeof(fw_lm), "%s/fw-lm3s6965evb.elf", tmp);
	snprintf(fw_mps, sizeof(fw_mps), "%s/fw-mps2-an385.elf", tmp);
	snprintf(fw_hung, sizeof(fw_hung), "%s/fw-hung.elf", tmp);
	if (build_fw("lm3s6965evb", fw_lm, "") || build_fw("mps2-an385", fw_mps, "") ||
	    build_fw("lm3s6965evb", fw_hung, "-DRIG_FW_NEVER_READY"))
		return -1;
	return 0;
}

static void make_artifact(const char *path, const char *variant, struct rig_artifact *a)
{
	struct rig_error err = {0};

	memset(a, 0, sizeof(*a));
	snprintf(a->path, sizeof(a->path), "%s", path);
	snprintf(a->toolchain, sizeof(a->toolchain), "c");
	snprintf(a->lang, sizeof(a->lang), "c");
	snprintf(a->workload, sizeof(a->workload), "firmware");
	snprintf(a->target.os, sizeof(a->target.os), "none");
	snprintf(a->target.arch, sizeof(a->target.arch), "thumb");
	snprintf(a->target.variant, sizeof(a->target.variant), "%s", variant);
	assert_int_equal(rig_sha256_file(path, a->sha256, &err), 0);
	assert_int_equal(rig_elf_sizes(path, &a->sizes, &err), 0);
}

/* Loads a shipped board file. */
static struct rig_board *load_board(const char *name)
{
	struct rig_board *b = NULL;
	struct rig_error err = {0};
	char src[700], dir[700];

	snprintf(src, sizeof(src), "%s/boards/%s.yaml", rigtest_source_dir(), name);
	if (rig_board_load(src, NULL, &b, &err))
		fail_msg("%s", err.msg);
	snprintf(dir, sizeof(dir), "%s/work-%s", rigtest_tmpdir(), b->name);
	assert_int_equal(rig_mkdirs(dir, &err), 0);
	snprintf(b->workdir, sizeof(b->workdir), "%s", dir);
	return b;
}

/* `arm-none-eabi-size` Berkeley columns: text data bss. */
static void size_tool(const char *elf, long *text, long *data, long *bss)
{
	char *out = NULL;

	assert_int_equal(rigtest_sh(&out, "arm-none-eabi-size %s | tail -1", elf), 0);
	assert_int_equal(sscanf(out, "%ld %ld %ld", text, data, bss), 3);
	free(out);
}

static double metric(const struct rig_sample *s, const char *name)
{
	double v = -1;

	if (!rig_sample_get(s, name, &v))
		fail_msg("sample has no metric %s", name);
	return v;
}

static void run_ok(struct rig_board *b, const struct rig_artifact *a, const char *wl,
		   long long iters, struct rig_sample *s)
{
	struct rig_error err = {0};
	char log[700];
	struct rig_run_req req = {
	    .art = a, .workload = wl, .iterations = iters, .timeout_ms = 60000, .log_path = log};

	snprintf(log, sizeof(log), "%s/%s-%s.log", b->workdir, b->name, wl);
	memset(s, 0, sizeof(*s));
	assert_int_equal(b->ops->run(b, &req, s, &err), 0);
	if (!s->ok)
		fail_msg("%s %s failed: %s\n%s", b->name, wl, s->fail_reason, s->stderr_tail);
}

static void check_plausible(struct rig_board *b, const struct rig_artifact *a,
			    const struct rig_sample *s)
{
	long text, data, bss;
	char *log = NULL;
	size_t len;
	struct rig_error err = {0};

	size_tool(a->path, &text, &data, &bss);
	assert_int_equal((long)metric(s, "flash_bytes"), text + data);
	assert_int_equal((long)metric(s, "static_ram_bytes"), data + bss);
	assert_true(metric(s, "startup_ns") > 0);
	assert_true(metric(s, "startup_ns") < (double)b->ready_timeout_ms * 1e6);
	assert_true(metric(s, "boot_ns") > 0);
	assert_true(metric(s, "boot_ns") < 1e6); /* reset to ready: microseconds */
	assert_true(metric(s, "stack_hwm_bytes") > 0);
	assert_true(metric(s, "stack_hwm_bytes") < metric(s, "stack_size_bytes"));
	assert_true(metric(s, "ram_bytes") >=
		    metric(s, "static_ram_bytes") + metric(s, "stack_hwm_bytes"));
	assert_int_equal(s->corrupt_lines, 0);
	assert_int_equal(s->noise_lines, 0); /* the firmware prints only protocol lines */
	assert_int_equal(s->cut_lines, 0);
	assert_int_equal(rig_read_file(s->log_path, &log, &len, &err), 0);
	assert_non_null(strstr(log, "@rig ready*"));
	assert_non_null(strstr(log, "@rig done 0*"));
	free(log);
}

/*
 * Request latency on the booted board, the path of `rig bench --load` on an
 * MCU: 150 hash requests/s of 256 bytes for 2 s on the console, answers
 * checked against libsodium's SHA-256, then "run boot" for the firmware's
 * figures. Every answer arrives, the rate holds, P50 <= P99 <= max.
 */
static void request_latency_at_a_fixed_rate(struct rig_board *b, const struct rig_artifact *a)
{
	struct rig_load_spec spec;
	struct rig_bench_load bl = {0};
	struct rig_run_service svc;
	struct rig_error err = {0};
	struct rig_sample s = {0};
	char log[700];
	struct rig_run_req req = {.art = a, .workload = "hashreq", .log_path = log};
	double qps, p50, p99, mx, errors, requests;

	snprintf(log, sizeof(log), "%s/%s-hashreq.log", b->workdir, b->name);
	assert_int_equal(rig_load_spec_parse("rate:r=150,d=2s,w=200ms,bytes=256", &spec, &err), 0);
	bl.spec = &spec;
	assert_int_equal(rig_bench_load_prepare(&bl, b, &svc, &err), 0);
	assert_non_null(svc.console);
	req.service = &svc;
	req.timeout_ms = rig_bench_load_timeout_ms(&spec, 10000);
	assert_int_equal(b->ops->run(b, &req, &s, &err), 0);
	rig_bench_load_finish(&bl, &s);
	if (!s.ok)
		fail_msg("request latency sample failed: %s\n%s", s.fail_reason, s.stderr_tail);
	qps = metric(&s, "qps");
	p50 = metric(&s, "p50_us");
	p99 = metric(&s, "p99_us");
	mx = metric(&s, "max_us");
	errors = metric(&s, "errors");
	requests = metric(&s, "requests");
	print_message("%s: 150 hash requests/s of 256 B on the console: qps %.1f, p50 %.0f us, "
		      "p99 %.0f us, max %.0f us (uncorrected p99 %.0f us), %.0f errors "
		      "(emulated)\n",
		      b->name, qps, p50, p99, mx, metric(&s, "p99_unc_us"), errors);
	assert_true(errors == 0);
	/* 300 due over 2 s: every one is answered, an error or still in the
	 * backlog when the run ended, none lost and none counted twice. How
	 * many were answered depends on how busy this machine is (a CI run
	 * beside a USB bed answered 223), so speed is a NOTE, not a failure:
	 * speed is for the benchmarks (docs/benchmarks.md). */
	{
		double seen = requests + errors + metric(&s, "backlog");

		if (seen < 299 || seen > 301)
			fail_msg("%.0f answers + %.0f errors + %.0f backlog, 300 due", requests,
				 errors, metric(&s, "backlog"));
	}
	if (qps < 140)
		print_message(
		    "NOTE: the emulator did not keep up on this machine: qps %.1f of 150, "
		    "backlog %.0f\n",
		    qps, metric(&s, "backlog"));
	assert_true(qps > 75 && qps < 155);
	assert_true(p50 > 0 && p50 <= p99 && p99 <= mx);
	/* the firmware's own figures after the load ("run boot") */
	assert_true(metric(&s, "stack_hwm_bytes") > 0);
	assert_int_equal(s.corrupt_lines, 0);
	rig_sample_free(&s);
}

static void lm3s6965evb_runs_hello_cpu_alloc(void **state)
{
	struct rig_board *b = load_board("qemu-lm3s6965evb");
	struct rig_artifact a;
	struct rig_sample s;
	struct rig_error err = {0};

	make_artifact(fw_lm, "lm3s6965evb", &a);
	assert_int_equal(rig_board_supports(b, &a, &err), 0);
	assert_int_equal(b->ops->open(b, &err), 0);
	assert_int_equal(b->ops->prepare(b, &a, &err), 0);

	run_ok(b, &a, "hello", 0, &s);
	check_plausible(b, &a, &s);
	assert_true(metric(&s, "heap_hwm_bytes") >= 0);
	rig_sample_free(&s);

	run_ok(b, &a, "cpu", 5, &s);
	check_plausible(b, &a, &s);
	assert_true(metric(&s, "throughput") > 0);
	rig_sample_free(&s);

	run_ok(b, &a, "alloc", 100, &s);
	check_plausible(b, &a, &s);
	assert_true(metric(&s, "heap_hwm_bytes") > 0);
	assert_true(metric(&s, "heap_hwm_bytes") <= metric(&s, "heap_size_bytes"));
	rig_sample_free(&s);

	/* with icount the firmware's own boot time repeats exactly */
	{
		double first, second;

		run_ok(b, &a, "hello", 0, &s);
		first = metric(&s, "boot_ticks");
		rig_sample_free(&s);
		run_ok(b, &a, "hello", 0, &s);
		second = metric(&s, "boot_ticks");
		rig_sample_free(&s);
		assert_true(first == second);
	}
	request_latency_at_a_fixed_rate(b, &a);
	b->ops->close(b);
	rig_board_free(b);
}

static void mps2_an385_over_a_pty(void **state)
{
	struct rig_board *b = NULL;
	struct rig_artifact a;
	struct rig_sample s;
	struct rig_error err = {0};

	/* the shipped board file with its console on a pty instead of a socket */
	{
		char src[700], *text = NULL;
		size_t len;

		snprintf(src, sizeof(src), "%s/boards/qemu-mps2-an385.yaml", rigtest_source_dir());
		assert_int_equal(rig_read_file(src, &text, &len, &err), 0);
		assert_non_null(strstr(text, "console: socket"));
		memcpy(strstr(text, "console: socket"), "console: pty   ", 15);
		snprintf(src, sizeof(src), "%s",
			 rigtest_write(rigtest_tmpdir(), "mps2-pty.yaml", text));
		free(text);
		assert_int_equal(rig_board_load(src, NULL, &b, &err), 0);
		snprintf(b->workdir, sizeof(b->workdir), "%s", rigtest_tmpdir());
	}
	make_artifact(fw_mps, "mps2-an385", &a);
	assert_int_equal(b->ops->open(b, &err), 0);
	assert_int_equal(b->ops->prepare(b, &a, &err), 0);
	for (int i = 0; i < 3; i++) {
		run_ok(b, &a, "cpu", 5, &s);
		check_plausible(b, &a, &s);
		assert_int_equal((long)metric(&s, "tick_hz"), 25000000);
		rig_sample_free(&s);
	}
	b->ops->close(b);
	rig_board_free(b);
}

static void hung_board_fails_after_retries(void **state)
{
	struct rig_board *b = load_board("qemu-lm3s6965evb");
	struct rig_artifact a;
	struct rig_sample s = {0};
	struct rig_error err = {0};
	struct rig_run_req req = {.workload = "cpu", .iterations = 5, .timeout_ms = 5000};
	int64_t t0;

	b->ready_timeout_ms = 300;
	b->retries = 2;
	make_artifact(fw_hung, "lm3s6965evb", &a);
	req.art = &a;
	assert_int_equal(b->ops->open(b, &err), 0);
	assert_int_equal(b->ops->prepare(b, &a, &err), 0);
	t0 = rig_now_ns();
	assert_int_equal(b->ops->run(b, &req, &s, &err), 0);
	assert_false(s.ok);
	assert_int_equal(s.retries, 2);
	assert_non_null(strstr(s.fail_reason, "no ready line within 300 ms after 3 resets"));
	/* three waits of 300 ms, not a hang */
	assert_true(rig_now_ns() - t0 < 5000 * 1000000LL);
	assert_true(rig_now_ns() - t0 >= 900 * 1000000LL);
	rig_sample_free(&s);
	b->ops->close(b);
	rig_board_free(b);
}

/* The pid of our child process running exe, or -1. */
static pid_t child_running(const char *exe)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	pid_t found = -1;

	while (d && (e = readdir(d))) {
		char path[300], buf[512];
		FILE *f;
		int pid, ppid;
		char comm[64];

		if (!(pid = atoi(e->d_name)))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		if (!(f = fopen(path, "r")))
			continue;
		if (fgets(buf, sizeof(buf), f) &&
		    sscanf(buf, "%*d (%63[^)]) %*c %d", comm, &ppid) == 2 && ppid == getpid() &&
		    strncmp(comm, exe, strlen(comm)) == 0)
			found = pid;
		fclose(f);
	}
	if (d)
		closedir(d);
	return found;
}

static void emulator_death_is_survived(void **state)
{
	struct rig_board *b = load_board("qemu-lm3s6965evb");
	struct rig_artifact a;
	struct rig_sample s;
	struct rig_error err = {0};
	pid_t pid;

	make_artifact(fw_lm, "lm3s6965evb", &a);
	assert_int_equal(b->ops->open(b, &err), 0);
	assert_int_equal(b->ops->prepare(b, &a, &err), 0);
	run_ok(b, &a, "hello", 0, &s);
	rig_sample_free(&s);
	pid = child_running("qemu-system-arm");
	assert_true(pid > 0);
	kill(pid, SIGKILL);
	/* the next sample finds it dead, restarts it and still measures */
	run_ok(b, &a, "hello", 0, &s);
	assert_true(metric(&s, "emulator_restarts") >= 1);
	assert_int_not_equal(child_running("qemu-system-arm"), pid);
	rig_sample_free(&s);
	b->ops->close(b);
	rig_board_free(b);
}

/* `arm-none-eabi-size -A`: the size of one section, 0 when absent. */
static long section_size(const char *elf, const char *name)
{
	char *out = NULL;
	long v = 0;

	assert_int_equal(
	    rigtest_sh(&out, "arm-none-eabi-size -A %s | awk '$1 == \"%s\" {print $2}'", elf, name),
	    0);
	if (out && *out)
		v = strtol(out, NULL, 10);
	free(out);
	return v;
}

/* TinyGo's cortex-m-qemu image on the same board as the C firmware, built
 * by rig's tinygo profile: its clock advances (ops/s of the C row's order of
 * magnitude), it waits for the next reset instead of ending QEMU (no
 * restart), and its RAM is the ELF's static RAM without the .stack section
 * plus its stack and heap high-water. Skipped with the reason without
 * TinyGo or a Go it accepts. */
static void tinygo_image_beside_the_c_firmware(void **state)
{
	static const struct rig_target lm = {"none", "thumb", "lm3s6965evb"};
	struct rig_toolchains *tcs = NULL;
	struct rig_error err = {0};
	struct rig_artifact tg, c;
	struct rig_sample s;
	struct rig_build_req req = {.profile = "tinygo",
				    .workload = "cpu",
				    .target = &lm,
				    .source_root = rigtest_source_dir(),
				    .cache_dir = rigtest_tmpdir()};
	char builtin[700];
	double c_ops, stack_section;
	long text, data, bss;
	int rc;

	(void)state;
	snprintf(builtin, sizeof(builtin), "%s/host/toolchains.yaml", rigtest_source_dir());
	assert_int_equal(rig_toolchains_load(builtin, NULL, &tcs, &err), 0);
	rc = rig_build(tcs, &req, &tg, &err);
	rig_toolchains_free(tcs);
	if (rc == RIG_ERR_SKIPPED) {
		print_message("skipped: %s\n", err.msg);
		skip();
	}
	if (rc)
		fail_msg("tinygo build: %s", err.msg);

	struct rig_board *b = load_board("qemu-lm3s6965evb");
	make_artifact(fw_lm, "lm3s6965evb", &c);
	assert_int_equal(b->ops->open(b, &err), 0);
	assert_int_equal(b->ops->prepare(b, &c, &err), 0);
	run_ok(b, &c, "cpu", 20, &s);
	c_ops = metric(&s, "throughput");
	rig_sample_free(&s);

	assert_int_equal(rig_board_supports(b, &tg, &err), 0);
	assert_int_equal(b->ops->prepare(b, &tg, &err), 0);
	for (int i = 0; i < 2; i++) {
		run_ok(b, &tg, "cpu", 0, &s);
		/* same order of magnitude as C on this board (TinyGo's clock
		 * once stood still: 1e12 ops/s) */
		assert_true(metric(&s, "throughput") > c_ops / 10);
		assert_true(metric(&s, "throughput") < c_ops * 10);
		/* the image ended normally: no restart, no second ready */
		assert_false(rig_sample_get(&s, "emulator_restarts", &(double){0}));
		assert_int_equal(s.retries, 0);
		assert_int_equal(s.corrupt_lines, 0);
		size_tool(tg.path, &text, &data, &bss);
		stack_section = (double)section_size(tg.path, ".stack");
		assert_true(stack_section > 0);
		assert_true(metric(&s, "stack_in_static_bytes") == stack_section);
		assert_int_equal((long)metric(&s, "static_ram_bytes"), data + bss);
		assert_true(metric(&s, "stack_hwm_bytes") > 0);
		assert_true(metric(&s, "stack_hwm_bytes") <= stack_section);
		assert_true(metric(&s, "heap_hwm_bytes") > 0);
		/* the main goroutine's stack, painted in the heap by init */
		assert_true(metric(&s, "goroutine_stack_hwm_bytes") > 0);
		assert_true(metric(&s, "goroutine_stack_hwm_bytes") <
			    metric(&s, "goroutine_stack_size_bytes"));
		assert_true(metric(&s, "goroutine_stack_size_bytes") <
			    metric(&s, "heap_hwm_bytes"));
		assert_true(metric(&s, "ram_bytes") == (double)(data + bss) - stack_section +
							   metric(&s, "stack_hwm_bytes") +
							   metric(&s, "heap_hwm_bytes"));
		assert_true(metric(&s, "ram_bytes") <= (double)b->ram_kib * 1024);
		rig_sample_free(&s);
	}
	b->ops->close(b);
	rig_board_free(b);
}

/* rig_qemu directly: a line cut by a reset is counted, and the firmware
 * ends QEMU with its own exit code through semihosting. */
static void reset_mid_line_and_semihosting_exit(void **state)
{
	struct rig_strv av = {0};
	struct rig_qemu *q = NULL;
	struct rig_error err = {0};
	struct rig_lines l;
	struct rig_lines_item it;
	char dir[700];
	int status = -1;
	struct rig_qemu_config cfg = {.console = RIG_QEMU_CONSOLE_SOCKET, .timeout_ms = 5000};

	snprintf(dir, sizeof(dir), "%s/q", rigtest_tmpdir());
	assert_int_equal(rig_mkdirs(dir, &err), 0);
	cfg.dir = dir;
	cfg.argv = &av;
	rig_strv_push(&av, "qemu-system-arm");
	rig_strv_push(&av, "-M");
	rig_strv_push(&av, "mps2-an385");
	rig_strv_push(&av, "-kernel");
	rig_strv_push(&av, fw_mps);
	rig_strv_push(&av, "-display");
	rig_strv_push(&av, "none");
	rig_strv_push(&av, "-monitor");
	rig_strv_push(&av, "none");
	rig_strv_push(&av, "-semihosting");
	if (rig_qemu_start(&cfg, &q, &err))
		fail_msg("%s", err.msg);
	rig_lines_init(&l, rig_qemu_console(q));
	assert_int_equal(rig_lines_next(&l, rig_now_ns() + 5000000000LL, &it, &err), 0);
	assert_int_equal(it.line.kind, RIG_REPORT_READY);

	/* a long burst, reset while it prints */
	assert_int_equal(rig_lines_send(&l, "burst 200000", 1000, &err), 0);
	/* read until the burst has produced whole filler lines (under load
	 * the first read may hold only part of one), then reset mid-burst */
	for (int tries = 0; l.parser.noise == 0 && tries < 200; tries++) {
		char buf[256];
		ssize_t n = rig_transport_read(l.t, buf, sizeof(buf), 2000, &err);

		assert_true(n > 0);
		rig_lines_feed(&l, buf, (size_t)n, rig_now_ns());
	}
	assert_true(l.parser.noise > 0);
	assert_int_equal(rig_qemu_system_reset(q, &err), 0);
	/* everything up to the new ready belongs to the old run */
	for (;;) {
		assert_int_equal(rig_lines_next(&l, rig_now_ns() + 10000000000LL, &it, &err), 0);
		if (it.line.kind == RIG_REPORT_READY)
			break;
	}
	/* the burst's filler lines are noise; the one the reset broke ran into
	 * the ready line, which the parser still found at its "@rig " */
	assert_true(l.parser.noise > 0);
	assert_int_equal(l.parser.corrupt, 0);

	assert_int_equal(rig_lines_send(&l, "exit 7", 1000, &err), 0);
	assert_int_equal(rig_qemu_wait(q, 5000, &status, &err), 0);
	assert_int_equal(status, 7);
	rig_lines_free(&l);
	rig_qemu_free(q);
	rig_strv_free(&av);
}

int main(void)
{
	static const char *const need[] = {"qemu-system-arm", "arm-none-eabi-gcc",
					   "arm-none-eabi-size", "make"};
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(lm3s6965evb_runs_hello_cpu_alloc),
	    cmocka_unit_test(mps2_an385_over_a_pty),
	    cmocka_unit_test(hung_board_fails_after_retries),
	    cmocka_unit_test(emulator_death_is_survived),
	    cmocka_unit_test(tinygo_image_beside_the_c_firmware),
	    cmocka_unit_test(reset_mid_line_and_semihosting_exit),
	};

	for (size_t i = 0; i < RIG_ARRAY_SIZE(need); i++) {
		if (!rigtest_have(need[i])) {
			printf("SKIP: %s is not installed (scripts/setup.sh)\n", need[i]);
			return 77;
		}
	}
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
