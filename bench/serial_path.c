/*
 * Serial-path benchmark (run by bench/serial_path.sh, not a test): boots
 * the rig firmware in QEMU through rig's own qemu.c / transports /
 * serial_lines.c and measures, for one console mode and icount setting:
 *
 *   startup   host clock from QMP system_reset to the ready line's arrival
 *   ping      round trip of "ping\n" -> "@rig done 0" (host -> UART -> host)
 *   burst     bytes/s of "burst N": N filler bytes from the firmware until
 *             its done line arrives, host clock (and the firmware's clock)
 *
 * usage: serial_path MACHINE ELF socket|pty icount|noicount ROUNDS BURST_BYTES
 * Prints one line per measurement: name median min max unit n.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qemu.h"
#include "serial_lines.h"
#include "util.h"

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void report(const char *name, double *v, int n, const char *unit)
{
	qsort(v, (size_t)n, sizeof(*v), cmp);
	printf("%-22s median %12.3f  min %12.3f  max %12.3f  %s  n=%d\n", name, v[n / 2], v[0],
	       v[n - 1], unit, n);
}

static int until(struct rig_lines *l, enum rig_report_kind kind, struct rig_lines_item *it,
		 struct rig_error *err)
{
	for (;;) {
		int rc = rig_lines_next(l, rig_now_ns() + 30000000000LL, it, err);

		if (rc)
			return rc;
		if (it->line.kind == kind)
			return 0;
	}
}

int main(int argc, char **argv)
{
	struct rig_strv av = {0};
	struct rig_qemu *q = NULL;
	struct rig_error err = {0};
	struct rig_lines l;
	struct rig_lines_item it;
	char dir[] = "/tmp/rig-serial-path-XXXXXX", cmd[64];
	struct rig_qemu_config cfg = {.timeout_ms = 10000};
	int rounds;
	long long burst;
	double *v;

	if (argc != 7) {
		fprintf(stderr,
			"usage: %s MACHINE ELF socket|pty icount|noicount ROUNDS BURST_BYTES\n",
			argv[0]);
		return 2;
	}
	rounds = atoi(argv[5]);
	burst = atoll(argv[6]);
	if (rounds < 1 || burst < 1 || !mkdtemp(dir))
		return 2;
	v = calloc((size_t)rounds, sizeof(*v));
	rig_strv_push(&av, "qemu-system-arm");
	rig_strv_push(&av, "-M");
	rig_strv_push(&av, argv[1]);
	rig_strv_push(&av, "-kernel");
	rig_strv_push(&av, argv[2]);
	rig_strv_push(&av, "-display");
	rig_strv_push(&av, "none");
	rig_strv_push(&av, "-monitor");
	rig_strv_push(&av, "none");
	if (strcmp(argv[4], "icount") == 0) {
		rig_strv_push(&av, "-icount");
		rig_strv_push(&av, "shift=0");
	}
	cfg.argv = &av;
	cfg.dir = dir;
	cfg.console = strcmp(argv[3], "pty") == 0 ? RIG_QEMU_CONSOLE_PTY : RIG_QEMU_CONSOLE_SOCKET;
	cfg.paused = 1;
	if (rig_qemu_start(&cfg, &q, &err)) {
		fprintf(stderr, "start: %s\n", err.msg);
		return 1;
	}
	rig_lines_init(&l, rig_qemu_console(q));
	if (rig_qemu_cont(q, &err) || until(&l, RIG_REPORT_READY, &it, &err))
		goto fail;

	for (int i = 0; i < rounds; i++) {
		int64_t t0;

		rig_lines_drain(&l);
		rig_lines_cut(&l);
		t0 = rig_now_ns();
		if (rig_qemu_system_reset(q, &err) || until(&l, RIG_REPORT_READY, &it, &err))
			goto fail;
		v[i] = (double)(it.at_ns - t0) / 1e6;
	}
	report("startup (reset->ready)", v, rounds, "ms");

	for (int i = 0; i < rounds; i++) {
		int64_t t0 = rig_now_ns();

		if (rig_lines_send(&l, "ping", 1000, &err) || until(&l, RIG_REPORT_DONE, &it, &err))
			goto fail;
		v[i] = (double)(it.at_ns - t0) / 1e3;
	}
	report("ping round trip", v, rounds, "us");

	/* the same with the command paced at 100 us per byte (the line rate is
	 * 87 us per byte at 115200 baud), as the qemu board sends commands */
	for (int i = 0; i < rounds; i++) {
		int64_t t0 = rig_now_ns();

		l.pace_us = 100;
		if (rig_lines_send(&l, "ping", 1000, &err) || until(&l, RIG_REPORT_DONE, &it, &err))
			goto fail;
		l.pace_us = 0;
		v[i] = (double)(it.at_ns - t0) / 1e3;
	}
	report("ping, paced input", v, rounds, "us");

	snprintf(cmd, sizeof(cmd), "burst %lld", burst);
	for (int i = 0; i < rounds; i++) {
		unsigned long long b0 = l.bytes;
		int64_t t0 = rig_now_ns();

		if (rig_lines_send(&l, cmd, 1000, &err) || until(&l, RIG_REPORT_DONE, &it, &err))
			goto fail;
		/* bytes that arrived for this command (filler + result lines) */
		v[i] = (double)(l.bytes - b0) / ((double)(it.at_ns - t0) / 1e9) / 1e3;
	}
	report("burst throughput", v, rounds, "kB/s");
	printf("%-22s %.0f bits/s = %.1f kB/s (8N1: 10 bits per byte)\n", "115200 baud line rate",
	       115200.0, 11.52);

	rig_lines_free(&l);
	rig_qemu_free(q);
	rig_strv_free(&av);
	rmdir(dir);
	free(v);
	return 0;
fail:
	fprintf(stderr, "failed: %s\n", err.msg);
	rig_lines_free(&l);
	rig_qemu_free(q);
	rig_strv_free(&av);
	rmdir(dir);
	free(v);
	return 1;
}
