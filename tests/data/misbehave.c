/* A workload that misbehaves on purpose, chosen by MISBEHAVE at build time:
 * crash (ready, a message on stderr, then SIGSEGV), hang (ready, then sleeps
 * forever), noready (exits 0 without a ready line). */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "rig_report.h"

int main(void)
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
	if (MISBEHAVE == 2)
		for (;;)
			pause();
	return 0;
}
