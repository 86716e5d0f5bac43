/* A workload that misbehaves on purpose, chosen by MISBEHAVE at build time:
 * crash (1: ready, a message on stderr, then SIGSEGV), hang (2: ready, then
 * sleeps forever), noready (3: exits 0 without a ready line), escape (4:
 * ready, then a child that detaches with setsid and holds stdout, while the
 * program itself sleeps forever), flood (5: ready, then stdout and stderr as
 * fast as they are read for argv[1] seconds (default 10), then done),
 * stalled (6: a workload whose clock stood still, as TinyGo's cortex-m-qemu
 * clock did: throughput 2e13 ops/s over an elapsed_ns of 1, then done 0). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rig_report.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void flood(double seconds)
{
	static char junk[65536];
	double end = now_s() + seconds;

	memset(junk, 'x', sizeof(junk));
	for (size_t i = 999; i < sizeof(junk); i += 1000)
		junk[i] = '\n';
	while (now_s() < end) {
		if (write(1, junk, sizeof(junk)) < 0 || write(2, junk, sizeof(junk)) < 0)
			_exit(4);
	}
}

int main(int argc, char **argv)
{
	char line[RIG_REPORT_MAX_LINE + 2];
	size_t n = rig_report_format_ready(line, sizeof(line));

	if (MISBEHAVE != 3)
		fwrite(line, 1, n, stdout);
	fflush(stdout);
	if (MISBEHAVE == 1) {
		fprintf(stderr, "misbehave: about to crash\n");
		fflush(stderr);
		raise(SIGSEGV);
	}
	if (MISBEHAVE == 4 && fork() == 0) {
		setsid();
		sleep(600);
		_exit(0);
	}
	if (MISBEHAVE == 2 || MISBEHAVE == 4)
		for (;;)
			pause();
	if (MISBEHAVE == 5) {
		flood(argc > 1 ? atof(argv[1]) : 10);
		/* the flood's last line may be cut: start the done line afresh */
		n = rig_report_format_done(line, sizeof(line), 0);
		if (write(1, "\n", 1) < 0 || write(1, line, n) < 0)
			return 4;
	}
	if (MISBEHAVE == 6) {
		fwrite(line, 1,
		       rig_report_format_result(line, sizeof(line), "throughput",
						"20000000000000.000", "ops/s"),
		       stdout);
		fwrite(line, 1,
		       rig_report_format_result_i64(line, sizeof(line), "elapsed_ns", 1, "ns"),
		       stdout);
		fwrite(line, 1, rig_report_format_done(line, sizeof(line), 0), stdout);
	}
	return 0;
}
