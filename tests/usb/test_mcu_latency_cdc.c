/*
 * usb/mcu_latency_cdc (in the USB test bed): request latency to an MCU over
 * CDC-ACM (issue 11, point 4). A plain configfs gadget 1d6b:0105 with one
 * acm function is bound to the first UDC; rig's firmware core built for the
 * guest (tests/usb/models/fw_hosted.c) serves on the device side's
 * /dev/ttyGS0; on the host side of dummy_hcd, rig opens the ttyACM chosen
 * by the selector usb:1d6b:0105 (libserialport, as link `serial` does) and
 * drives the firmware's `hash SEQ N` request at a constant rate with the
 * load engine of `rig bench --load` on MCU boards (load_console.c): every
 * answer is checked against libsodium's SHA-256, none may be missing, late
 * or wrong, and the P50/P99 round-trip rows are printed (emulated: dummy_hcd
 * and a hosted firmware, no MCU). Then a firmware that hangs after 20
 * requests: the rest must be counted as timeouts, not answered.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bedtest.h"
#include "fw_hosted.h"
#include "hist.h"
#include "load.h"
#include "load_console.h"
#include "serial_lines.h"
#include "transport_serial.h"
#include "util.h"

#define G "/sys/kernel/config/usb_gadget/rigacm"
#define SEL "usb:1d6b:0105"
/* the rate and the measured window: 150/s for 3 s, or argv[1], argv[2]
 * (bench/usb_reqlat.sh) */
static double RATE = 150.0;
static long long window_ms = 3000;
#define BYTES 256

static int gadget_up(void)
{
	char out[2048];

	return bed_sh(out, sizeof(out),
		      "set -e; mkdir -p " G " " G "/strings/0x409 " G "/configs/c.1 " G
		      "/functions/acm.usb0; echo 0x1d6b > " G "/idVendor; echo 0x0105 > " G
		      "/idProduct; echo RIGACM0001 > " G "/strings/0x409/serialnumber; "
		      "echo rig > " G "/strings/0x409/manufacturer; echo 'rig fw (acm)' > " G
		      "/strings/0x409/product; ln -s " G "/functions/acm.usb0 " G
		      "/configs/c.1/; echo $(ls /sys/class/udc | head -n1) > " G "/UDC");
}

/* The host side's port, waiting for the gadget to enumerate. */
static struct rig_transport *open_host(void)
{
	struct rig_transport *t = NULL;
	struct rig_error err = {0};
	int rc = -1;

	for (int i = 0; i < 100 && rc; i++) {
		rc = rig_transport_serial_open(SEL, 115200, &t, &err);
		if (rc)
			usleep(100000);
	}
	CHECK(rc == 0, "%s not found within 10 s: %s", SEL, err.msg);
	return rc ? NULL : t;
}

/* One "boot" of the firmware on ttyGS0, in a child (the firmware keeps
 * static state; the child ends when the line hangs up or on SIGTERM). */
static pid_t fw_boot(enum rig_fw_hosted_fault fault, int after)
{
	pid_t p = fork();

	if (p == 0) {
		int fd = open("/dev/ttyGS0", O_RDWR | O_NOCTTY);

		if (fd < 0) {
			perror("/dev/ttyGS0");
			_exit(1);
		}
		rig_fw_hosted_run(fd, fault, after);
		_exit(0);
	}
	return p;
}

static void fw_stop(pid_t p)
{
	if (p > 0) {
		kill(p, SIGTERM);
		waitpid(p, NULL, 0);
	}
}

static int wait_ready(struct rig_lines *l)
{
	int64_t deadline = rig_now_ns() + 5000000000LL;

	for (;;) {
		struct rig_lines_item it;
		struct rig_error e = {0};

		if (rig_lines_next(l, deadline, &it, &e))
			return -1;
		if (it.line.kind == RIG_REPORT_READY)
			return 0;
	}
}

static void print_row(const char *label, const struct rig_load_result *r)
{
	printf("row (emulated) %s rate %.0f/s bytes %d: qps %.1f requests %llu "
	       "p50_us %.0f p99_us %.0f p99_unc_us %.0f max_us %.0f errors %llu backlog %llu\n",
	       label, RATE, BYTES, r->qps, (unsigned long long)r->requests,
	       rig_hist_percentile(r->latency, 50) / 1e3, rig_hist_percentile(r->latency, 99) / 1e3,
	       rig_hist_percentile(r->uncorrected, 99) / 1e3, rig_hist_max(r->latency) / 1e3,
	       (unsigned long long)rig_load_errors_total(r), (unsigned long long)r->backlog);
	fflush(stdout);
}

/* Boots the firmware, waits for ready, runs the load; 0 when it ran. */
static int run(struct rig_transport *t, enum rig_fw_hosted_fault fault, int after,
	       const struct rig_load_opts *o, struct rig_load_result *r)
{
	struct rig_lines l;
	struct rig_error err = {0};
	pid_t fw;
	int rc;

	rig_lines_init(&l, t);
	rig_lines_log_to(&l, "/tmp/mcu_latency_cdc.console.log", &err);
	fw = fw_boot(fault, after);
	rc = wait_ready(&l);
	CHECK(rc == 0, "no ready line on %s within 5 s", t->name);
	if (rc == 0) {
		rc = rig_load_console_run(&l, o, BYTES, r, &err);
		CHECK(rc == 0, "load: %s", err.msg);
	}
	fw_stop(fw);
	rig_lines_free(&l);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc > 2) {
		RATE = atof(argv[1]);
		window_ms = (long long)(atof(argv[2]) * 1000);
	}
	struct rig_load_opts o = {.model = RIG_LOAD_RATE,
				  .rate = RATE,
				  .duration_ms = window_ms,
				  .warmup_ms = 500,
				  .timeout_ms = 1000};
	struct rig_load_result r = {0};
	struct rig_transport *t;
	char out[4096];
	int rc;

	if ((rc = bed_init()))
		return rc;
	bed_model_stop(-1);
	if (gadget_up())
		return 1;
	if (!(t = open_host())) {
		bed_model_stop(-1);
		return 1;
	}
	printf("host side: %s (%s)\n", t->name, SEL);

	if (run(t, RIG_FW_OK, 0, &o, &r) == 0) {
		print_row("cdc-acm", &r);
		uint64_t due = (uint64_t)(RATE * o.duration_ms / 1000);
		CHECK(rig_load_errors_total(&r) == 0, "%llu errors (read %llu, timeout %llu)",
		      (unsigned long long)rig_load_errors_total(&r),
		      (unsigned long long)r.errors[RIG_LOAD_E_READ],
		      (unsigned long long)r.errors[RIG_LOAD_E_TIMEOUT]);
		uint64_t seen = r.requests + rig_load_errors_total(&r) + r.backlog;
		/* every request due is answered, an error or backlog: none lost */
		CHECK(seen + 1 >= due && seen <= due + 1,
		      "%llu answers + %llu errors + %llu backlog, %llu due",
		      (unsigned long long)r.requests, (unsigned long long)rig_load_errors_total(&r),
		      (unsigned long long)r.backlog, (unsigned long long)due);
		CHECK(rig_hist_percentile(r.latency, 50) > 0 &&
			  rig_hist_percentile(r.latency, 99) >= rig_hist_percentile(r.latency, 50),
		      "percentiles out of order");
		/* Keeping up is the benchmark's question (bench/usb_reqlat.sh), not
		 * this test's: a TCG guest on a busy host may fall behind (CI once
		 * had 131/s of 150 with one request in flight). Half the rate is
		 * a broken link, not a slow machine. */
		if (r.backlog > 2 || r.qps < 0.9 * RATE)
			printf("NOTE: did not keep up on this machine: qps %.1f of %.0f, backlog "
			       "%llu\n",
			       r.qps, RATE, (unsigned long long)r.backlog);
		CHECK(r.qps > 0.5 * RATE && r.qps < 1.1 * RATE, "qps %.1f, not near %.0f", r.qps,
		      RATE);
	}
	rig_load_result_free(&r);

	/* a firmware that hangs after 20 requests: timeouts, never answers */
	struct rig_load_opts h = o;
	h.duration_ms = 3000;
	h.warmup_ms = 0;
	/* long enough that none of the first 20 answers is late on a guest
	 * starved by a busy host (a late answer is a timeout, and 19) */
	h.timeout_ms = 1000;
	if (run(t, RIG_FW_HANG_AFTER, 20, &h, &r) == 0) {
		print_row("cdc-acm hung after 20", &r);
		CHECK(r.requests == 20, "%llu answered by a firmware hung after 20",
		      (unsigned long long)r.requests);
		CHECK(r.errors[RIG_LOAD_E_TIMEOUT] > 0, "no timeouts counted");
	}
	rig_load_result_free(&r);
	rig_transport_close(t);
	bed_sh(out, sizeof(out), "tail -c 600 /tmp/mcu_latency_cdc.console.log");
	bed_model_stop(-1);
	return bed_failures ? 1 : 0;
}
