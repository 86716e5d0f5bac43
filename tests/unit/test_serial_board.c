/*
 * Real serial boards (kind: serial = power dtr/command/touch1200 + flash command + link serial + runner mcu): board-file
 * checking, "not connected" as a skip, and whole samples against a model
 * device on a pty. The model is the device side of the real protocol: it
 * prints the ready line when reset (the board file's reset command sends it
 * SIGUSR1, as st-flash reset would pull the reset pin) and answers
 * "run NAME N" with result lines and done. The same model serves a board
 * composed of parts in YAML alone (kind: parts).
 */
#include "rigtest.h"

#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <sys/stat.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "board.h"
#include "config.h"
#include "mcu_run.h"
#include "rig_report.h"

static int configure(const char *yaml, struct rig_board **out, struct rig_error *err)
{
	struct rig_board *b = calloc(1, sizeof(*b));
	struct rig_cfg *cfg = NULL;
	int rc = rig_cfg_load_string("real.yaml", yaml, strlen(yaml), &cfg, err);

	snprintf(b->file, sizeof(b->file), "real.yaml");
	snprintf(b->name, sizeof(b->name), "real");
	b->ops = &rig_board_serial_ops;
	b->ready_timeout_ms = 500;
	b->retries = 1;
	b->timeout_ms = 5000;
	if (rc == 0)
		rc = b->ops->configure(b, cfg, err);
	rig_cfg_free(cfg);
	*out = b;
	return rc;
}

static void release(struct rig_board *b)
{
	if (b->ops->close)
		b->ops->close(b);
	b->ops->destroy(b);
	free(b);
}

static void board_file_errors_name_the_field(void **state)
{
	static const struct {
		const char *yaml, *want;
	} cases[] = {
	    {"kind: serial\n", "field 'serial' is required"},
	    {"serial: {port: usb:zz:1}\n", "real.yaml:1: field 'serial.port'"},
	    {"serial: {port: /dev/ttyACM0}\nreset: {method: touch1200}\n",
	     "touch1200 leaves the board in its boot loader"},
	    {"serial: {port: /dev/ttyACM0}\nreset: {method: command}\n", "needs reset.command"},
	    {"serial: {port: /dev/ttyACM0}\nreset: {method: jiggle}\n", "jiggle"},
	    {"serial: {port: /dev/ttyACM0, speed: 9600}\n", "speed"},
	};

	for (size_t i = 0; i < RIG_ARRAY_SIZE(cases); i++) {
		struct rig_board *b;
		struct rig_error err = {0};

		assert_int_equal(configure(cases[i].yaml, &b, &err), RIG_ERR_PARSE);
		if (!strstr(err.msg, cases[i].want))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err.msg, cases[i].want);
		release(b);
	}
}

static void shipped_board_files_configure(void **state)
{
	static const char *const files[] = {"pico-tinygo", "nucleo-f401re"};

	for (size_t i = 0; i < RIG_ARRAY_SIZE(files); i++) {
		char path[700], *text = NULL;
		size_t len;
		struct rig_board *b;
		struct rig_error err = {0};

		snprintf(path, sizeof(path), "%s/boards/%s.yaml", rigtest_source_dir(), files[i]);
		assert_int_equal(rig_read_file(path, &text, &len, &err), 0);
		if (configure(text, &b, &err))
			fail_msg("%s: %s", files[i], err.msg);
		release(b);
		free(text);
	}
}

static void absent_usb_board_is_skipped(void **state)
{
	struct rig_board *b;
	struct rig_error err = {0};

	assert_int_equal(configure("serial: {port: 'usb:1209:fffe:NOPE'}\n", &b, &err), 0);
	assert_int_equal(b->ops->open(b, &err), RIG_ERR_SKIPPED);
	assert_non_null(strstr(err.msg, "not connected"));
	assert_non_null(strstr(err.msg, "1209:fffe"));
	release(b);
}

/* ---- the model device ---- */

static volatile sig_atomic_t reset_pending;

static void on_usr1(int sig) { reset_pending = 1; }

static void say(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(fd, s, n);
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

/* mode 0: a good board; 1: never prints ready (hung); 2: noise and a
 * broken line before its results; 3: the workload fails (done 3); 4: it
 * reboots mid-run (half a line, then ready again); 5: never says done;
 * 6: floods its console with 20 MiB of noise before its results */
static void model(int master, int mode)
{
	char cmd[128], line[RIG_REPORT_MAX_LINE + 2];
	size_t len = 0;

	for (;;) {
		struct pollfd p = {.fd = master, .events = POLLIN};
		char c;

		if (reset_pending) {
			reset_pending = 0;
			len = 0;
			if (mode != 1) {
				say(master, "boot banner\n", 12);
				say(master, line, rig_report_format_ready(line, sizeof(line)));
			}
		}
		if (poll(&p, 1, 20) <= 0)
			continue;
		if (read(master, &c, 1) != 1) {
			usleep(10000); /* no slave open right now */
			continue;
		}
		if (c != '\n') {
			if (len < sizeof(cmd) - 1)
				cmd[len++] = c;
			continue;
		}
		cmd[len] = '\0';
		len = 0;
		if (strncmp(cmd, "run ", 4) != 0)
			continue;
		if (mode == 4) {
			say(master, "@rig result thr", 15);
			say(master, line, rig_report_format_ready(line, sizeof(line)));
			continue;
		}
		if (mode == 5)
			continue;
		if (mode == 6) {
			static char junk[64 * 1024];

			memset(junk, 'z', sizeof(junk));
			for (size_t i = 99; i < sizeof(junk); i += 100)
				junk[i] = '\n';
			for (int i = 0; i < 20 * 16; i++)
				say(master, junk, sizeof(junk));
		}
		if (mode == 2) {
			say(master, "\x01\x02 garbage\n", 11);
			say(master, "@rig result x 1 B*00000000\n", 27);
		}
		say(master, line,
		    rig_report_format_result_i64(line, sizeof(line), "throughput", 1234, "ops/s"));
		say(master, line,
		    rig_report_format_result_i64(line, sizeof(line), "boot_ticks", 160, "ticks"));
		say(master, line,
		    rig_report_format_result_i64(line, sizeof(line), "tick_hz", 16000000, "Hz"));
		say(master, line,
		    rig_report_format_result_i64(line, sizeof(line), "stack_hwm_bytes", 900, "B"));
		say(master, line, rig_report_format_done(line, sizeof(line), mode == 3 ? 3 : 0));
	}
}

struct device {
	pid_t pid;
	int master;
	char pty[128];
};

static void device_start(struct device *d, int mode)
{
	int slave;
	struct termios raw;

	assert_int_equal(openpty(&d->master, &slave, d->pty, NULL, NULL), 0);
	cfmakeraw(&raw);
	tcgetattr(slave, &raw);
	cfmakeraw(&raw);
	tcsetattr(slave, TCSANOW, &raw);
	d->pid = fork();
	assert_true(d->pid >= 0);
	if (d->pid == 0) {
		/* never outlive the test, even when an assertion skipped
		 * device_stop() */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		alarm(60);
		signal(SIGUSR1, on_usr1);
		close(slave);
		model(d->master, mode);
		_exit(0);
	}
	close(slave);
	usleep(20000); /* the model has its handler */
}

static void device_stop(struct device *d)
{
	kill(d->pid, SIGKILL);
	waitpid(d->pid, NULL, 0);
	close(d->master);
}

static struct rig_board *board_for(const struct device *d)
{
	char yaml[512];
	struct rig_board *b;
	struct rig_error err = {0};

	snprintf(yaml, sizeof(yaml),
		 "serial: {port: %s, baud: 115200}\n"
		 "reset: {method: command, command: [kill, -USR1, '%d']}\n",
		 d->pty, (int)d->pid);
	if (configure(yaml, &b, &err))
		fail_msg("%s", err.msg);
	if (b->ops->open(b, &err))
		fail_msg("%s", err.msg);
	return b;
}

static void sample_within(struct rig_board *b, struct rig_sample *s, long long timeout_ms)
{
	static struct rig_artifact art = {.lang = "c", .path = "/nonexistent/fw.elf"};
	struct rig_run_req req = {
	    .art = &art, .workload = "cpu", .iterations = 5, .timeout_ms = timeout_ms};
	struct rig_error err = {0};

	memset(s, 0, sizeof(*s));
	if (b->ops->run(b, &req, s, &err))
		fail_msg("run: %s", err.msg);
}

static void sample(struct rig_board *b, struct rig_sample *s) { sample_within(b, s, 3000); }

static void model_board_gives_a_sample(void **state)
{
	struct device d;
	struct rig_board *b;
	struct rig_sample s;
	double v;

	device_start(&d, 0);
	b = board_for(&d);
	for (int i = 0; i < 2; i++) {
		sample(b, &s);
		if (!s.ok)
			fail_msg("%s\n%s", s.fail_reason, s.stderr_tail);
		assert_true(rig_sample_get(&s, "throughput", &v) && v == 1234);
		assert_true(rig_sample_get(&s, "boot_ns", &v) &&
			    v == 10000); /* 160 ticks at 16 MHz */
		assert_true(rig_sample_get(&s, "startup_ns", &v) && v > 0);
		assert_int_equal(s.noise_lines, 1); /* the banner */
		assert_int_equal(s.corrupt_lines, 0);
		rig_sample_free(&s);
	}
	release(b);
	device_stop(&d);
}

static void model_board_noise_is_counted(void **state)
{
	struct device d;
	struct rig_board *b;
	struct rig_sample s;

	device_start(&d, 2);
	b = board_for(&d);
	sample(b, &s);
	assert_true(s.ok);
	assert_int_equal(s.noise_lines, 2);
	assert_int_equal(s.corrupt_lines, 1);
	rig_sample_free(&s);
	release(b);
	device_stop(&d);
}

static void hung_model_fails_after_retries(void **state)
{
	struct device d;
	struct rig_board *b;
	struct rig_sample s;
	int64_t t0;

	device_start(&d, 1);
	b = board_for(&d);
	t0 = rig_now_ns();
	sample(b, &s);
	assert_false(s.ok);
	assert_int_equal(s.retries, 1);
	assert_non_null(strstr(s.fail_reason, "no ready line within 500 ms after 2 resets"));
	assert_true(rig_now_ns() - t0 < 3000 * 1000000LL);
	rig_sample_free(&s);
	release(b);
	device_stop(&d);
}

static void failing_model(int mode, const char *reason, int exit_status)
{
	struct device d;
	struct rig_board *b;
	struct rig_sample s;

	device_start(&d, mode);
	b = board_for(&d);
	sample_within(b, &s, 400);
	assert_false(s.ok);
	if (!strstr(s.fail_reason, reason))
		fail_msg("mode %d: \"%s\" lacks \"%s\"", mode, s.fail_reason, reason);
	assert_int_equal(s.exit_status, exit_status);
	assert_true(strlen(s.stderr_tail) > 0); /* the console tail comes along */
	rig_sample_free(&s);
	release(b);
	device_stop(&d);
}

static void workload_status_fails_the_sample(void **state)
{
	failing_model(3, "workload finished with status 3", 3);
}

static void reboot_mid_run_fails_the_sample(void **state)
{
	failing_model(4, "board reset itself during the run", 0);
}

static void missing_done_times_out(void **state)
{
	failing_model(5, "no done line within 400 ms of ready", 0);
}

/* Issue 9, item 10 for console boards: a sample's run is bounded by its
 * timeout to +-100 ms. Its start is the ready line (the boot before it has
 * ready_timeout of its own), so the run call takes reset + boot + timeout;
 * the model boots within one 20 ms poll. */
static void timeout_is_kept_to_100_ms(void **state)
{
	struct device d;
	struct rig_board *b;
	struct rig_sample s;
	int64_t t0, took_ms;

	device_start(&d, 5);
	b = board_for(&d);
	t0 = rig_now_ns();
	sample_within(b, &s, 1000);
	took_ms = (rig_now_ns() - t0) / 1000000;
	assert_false(s.ok);
	assert_non_null(strstr(s.fail_reason, "no done line within 1000 ms of ready"));
	if (took_ms < 1000 || took_ms > 1100 + 60)
		fail_msg("a 1000 ms timeout took %lld ms", (long long)took_ms);
	rig_sample_free(&s);
	release(b);
	device_stop(&d);
}

/* Issue 9, item 11 for console boards: a board that floods its console
 * (20 MiB) leaves a log capped at RIG_LINES_LOG_BYTES with a note of what
 * was dropped, and its sample still counts. */
static void flooded_console_log_is_capped(void **state)
{
	struct device d;
	struct rig_board *b;
	struct rig_sample s;
	static struct rig_artifact art = {.lang = "c", .path = "/nonexistent/fw.elf"};
	char path[600];
	struct rig_run_req req = {
	    .art = &art, .workload = "cpu", .iterations = 5, .timeout_ms = 20000, .log_path = path};
	struct rig_error err = {0};
	struct stat st;
	char tail[256] = {0};
	FILE *f;
	double v = 0;

	snprintf(path, sizeof(path), "%s/flood-console.log", rigtest_tmpdir());
	unlink(path);
	device_start(&d, 6);
	b = board_for(&d);
	memset(&s, 0, sizeof(s));
	if (b->ops->run(b, &req, &s, &err))
		fail_msg("run: %s", err.msg);
	if (!s.ok)
		fail_msg("flood sample failed: %s", s.fail_reason);
	assert_true(rig_sample_get(&s, "throughput", &v));
	assert_true(s.noise_lines >= 200000);
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_size > (off_t)RIG_LINES_LOG_BYTES - 4096);
	assert_true(st.st_size < (off_t)RIG_LINES_LOG_BYTES + 4096);
	f = fopen(path, "r");
	assert_non_null(f);
	fseek(f, -(long)sizeof(tail) + 1, SEEK_END);
	assert_true(fread(tail, 1, sizeof(tail) - 1, f) > 0);
	fclose(f);
	if (!strstr(tail, "## rig: console log capped at 16777216 bytes: "))
		fail_msg("no cap note at the end of the log: ...%s", tail);
	rig_sample_free(&s);
	release(b);
	device_stop(&d);
	unlink(path);
}

/* A board made of parts named only in YAML (kind: parts): power command
 * (the reset pin is the model's SIGUSR1), flash command (a copy stands in
 * for the flash tool), link pty, runner mcu. No C code knows this board. */
static const char *parts_yaml(const struct device *d, const char *dir)
{
	static char yaml[1024];

	snprintf(yaml, sizeof(yaml),
		 "name: parts-model\n"
		 "kind: parts\n"
		 "target: {os: none, arch: thumb}\n"
		 "ready_timeout: 500ms\n"
		 "retries: 1\n"
		 "timeout: 5s\n"
		 "power: {kind: command, reset: [kill, -USR1, '%d']}\n"
		 "flash: {kind: command, command: [cp, '{elf}', '%s/flashed.elf']}\n"
		 "link: {kind: pty, path: '%s'}\n"
		 "runner: {kind: mcu}\n",
		 (int)d->pid, dir, d->pty);
	return yaml;
}

static void parts_board_from_yaml_gives_a_sample(void **state)
{
	const char *dir = rigtest_tmpdir();
	struct device d;
	struct rig_board *b;
	struct rig_error err = {0};
	struct rig_artifact art = {.lang = "c", .sha256 = "ab"};
	struct rig_sample s;
	char parts[160], *copied = NULL;
	double v;

	device_start(&d, 0);
	snprintf(art.path, sizeof(art.path), "%s", rigtest_write(dir, "fw.elf", "firmware image\n"));
	if (rig_board_load(rigtest_write(dir, "parts-model.yaml", parts_yaml(&d, dir)), dir, &b,
			   &err))
		fail_msg("%s", err.msg);
	assert_string_equal(b->ops->kind, "parts");
	rig_board_describe_parts(b, parts, sizeof(parts));
	assert_string_equal(parts, "power command, flash command, link pty, runner mcu");
	if (b->ops->open(b, &err) || b->ops->prepare(b, &art, &err))
		fail_msg("%s", err.msg);
	/* the flash part ran its command on the artifact */
	assert_int_equal(rigtest_sh(&copied, "cat %s/flashed.elf", dir), 0);
	assert_string_equal(copied, "firmware image\n");
	free(copied);
	for (int i = 0; i < 2; i++) {
		struct rig_run_req req = {
		    .art = &art, .workload = "cpu", .iterations = 5, .timeout_ms = 3000};

		memset(&s, 0, sizeof(s));
		if (b->ops->run(b, &req, &s, &err))
			fail_msg("run: %s", err.msg);
		if (!s.ok)
			fail_msg("%s\n%s", s.fail_reason, s.stderr_tail);
		assert_true(rig_sample_get(&s, "throughput", &v) && v == 1234);
		assert_true(rig_sample_get(&s, "startup_ns", &v) && v > 0);
		rig_sample_free(&s);
	}
	b->ops->close(b);
	rig_board_free(b);
	device_stop(&d);
}

static void parts_errors_name_file_line_and_field(void **state)
{
	static const struct {
		const char *parts, *want;
	} cases[] = {
	    {"runner: {kind: mcu}\nlink: {kind: teleport}\n",
	     "b.yaml:5: field 'link.kind': expected one of none, serial, pty"},
	    {"runner: {kind: mcu}\n", "runner mcu reads the firmware's report lines"},
	    {"runner: {kind: exec}\nflash: {kind: qemu-kernel}\n",
	     "b.yaml:5: flash qemu-kernel needs power qemu"},
	    {"runner: {kind: exec}\nflash: {kind: agent-put}\n",
	     "b.yaml:5: flash agent-put needs runner agent"},
	    {"runner: {kind: mcu}\nlink: {kind: pty, path: /dev/null, speed: 1}\n",
	     "b.yaml:5: unknown field 'speed'"},
	    {"runner: {kind: exec}\npower: {kind: command}\n", "needs reset.command"},
	    {"runner: {kind: exec}\npower: dtr\n", "field 'power': expected a mapping"},
	    {"kind: host\nrunner: {kind: exec}\nhost: {cpu: 0}\n",
	     "gives both 'runner:' and 'host:'"},
	};
	const char *dir = rigtest_tmpdir();

	for (size_t i = 0; i < RIG_ARRAY_SIZE(cases); i++) {
		char yaml[512];
		struct rig_board *b = NULL;
		struct rig_error err = {0};

		snprintf(yaml, sizeof(yaml), "name: b\ntarget: {os: none, arch: thumb}\n%s%s",
			 strncmp(cases[i].parts, "kind:", 5) ? "kind: parts\n" : "", cases[i].parts);
		assert_int_equal(rig_board_load(rigtest_write(dir, "b.yaml", yaml), dir, &b, &err),
				 RIG_ERR_PARSE);
		if (!strstr(err.msg, cases[i].want))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err.msg, cases[i].want);
	}
}

static void command_line_spelling(void **state)
{
	char buf[64];

	rig_mcu_command(buf, sizeof(buf), "cpu", 20);
	assert_string_equal(buf, "run cpu 20");
	rig_mcu_command(buf, sizeof(buf), "hello", 0);
	assert_string_equal(buf, "run hello");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(board_file_errors_name_the_field),
	    cmocka_unit_test(shipped_board_files_configure),
	    cmocka_unit_test(absent_usb_board_is_skipped),
	    cmocka_unit_test(model_board_gives_a_sample),
	    cmocka_unit_test(model_board_noise_is_counted),
	    cmocka_unit_test(hung_model_fails_after_retries),
	    cmocka_unit_test(workload_status_fails_the_sample),
	    cmocka_unit_test(reboot_mid_run_fails_the_sample),
	    cmocka_unit_test(missing_done_times_out),
	    cmocka_unit_test(timeout_is_kept_to_100_ms),
	    cmocka_unit_test(flooded_console_log_is_capped),
	    cmocka_unit_test(parts_board_from_yaml_gives_a_sample),
	    cmocka_unit_test(parts_errors_name_file_line_and_field),
	    cmocka_unit_test(command_line_spelling),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
