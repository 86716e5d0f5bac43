/*
 * The firmware's console protocol. After reset it prints the report
 * protocol's ready line (startup ends there), then reads commands, one per
 * line, from the UART:
 *
 *   run NAME [ITERATIONS] run a workload (default: its MCU count from
 *                         rig_wl_table.h); its result lines, then the
 *                         firmware's own (boot_ticks, tick_hz, stack and heap
 *                         high-water), then "@rig done STATUS". The built-in
 *                         workload "boot" does no work (firmware baseline).
 *   burst BYTES           print BYTES bytes of filler lines (serial-path
 *                         benchmark), then burst_bytes / burst_ns and done
 *   ping                  "@rig done 0" at once (round-trip latency)
 *   hash SEQ N            one result line, "hash.SEQ W count": the first 4
 *                         bytes of the SHA-256 of N bytes (rig_hashreq.h);
 *                         the request of rig's request-latency load
 *   ticks                 the time base now, in SysTick ticks since reset
 *   exit CODE             end QEMU with CODE through semihosting
 *
 * A line starting "@rig " is ignored (a host tty echoing our own output).
 * Anything else gets an "error:" line and "@rig done 2". Status 70 means a
 * fault. See docs/mcu.md.
 */
#include <stdint.h>
#include <string.h>

#include "fw.h"
#include "port.h"
#include "rig_report.h"

#include "rig_hashreq.h"

#ifdef RIG_FW_HAVE_WL
#include "rig_wl_table.h"
#endif

#define CMD_MAX 96

static uint64_t boot_ticks;

void rig_fw_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		port_uart_putc(s[i]);
}

void rig_fw_puts(const char *s) { rig_fw_write(s, strlen(s)); }

static void report_i64(const char *name, int64_t v, const char *unit)
{
	char line[RIG_REPORT_MAX_LINE + 2];
	size_t n = rig_report_format_result_i64(line, sizeof(line), name, v, unit);

	rig_fw_write(line, n);
}

static void report_done(int status)
{
	char line[RIG_REPORT_MAX_LINE + 2];
	size_t n = rig_report_format_done(line, sizeof(line), status);

	rig_fw_write(line, n);
}

void rig_fw_fault(int exception)
{
	static const char hex[] = "0123456789abcdef";
	char msg[] = "error: fault, exception 0x000\n";
	unsigned e = (unsigned)exception & 0xfffu;

	msg[26] = hex[(e >> 8) & 0xf];
	msg[27] = hex[(e >> 4) & 0xf];
	msg[28] = hex[e & 0xf];
	rig_fw_puts(msg);
	report_done(70);
	for (;;)
		;
}

static void firmware_results(void)
{
	report_i64("boot_ticks", (int64_t)boot_ticks, "ticks");
	report_i64("tick_hz", (int64_t)port_cpu_hz, "Hz");
	report_i64("stack_hwm_bytes", rig_fw_stack_hwm(), "B");
	report_i64("stack_size_bytes", rig_fw_stack_size(), "B");
	report_i64("heap_hwm_bytes", rig_fw_heap_hwm(), "B");
	report_i64("heap_size_bytes", rig_fw_heap_size(), "B");
}

/* Decimal, optional leading '-'; 0 on anything else. */
static int parse_ll(const char *s, long long *out)
{
	long long v = 0;
	int neg = 0;

	if (*s == '-') {
		neg = 1;
		s++;
	}
	if (!*s)
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (INT64_MAX - 9) / 10)
			return 0;
		v = v * 10 + (*s - '0');
	}
	*out = neg ? -v : v;
	return 1;
}

/* Splits "a b c" in place into at most max words. */
static int split(char *line, char **words, int max)
{
	int n = 0;

	while (*line && n < max) {
		while (*line == ' ')
			*line++ = '\0';
		if (!*line)
			break;
		words[n++] = line;
		while (*line && *line != ' ')
			line++;
	}
	return n;
}

#ifdef RIG_FW_HAVE_WL
static void wl_write(void *ctx, const char *buf, size_t len)
{
	(void)ctx;
	rig_fw_write(buf, len);
}

static uint64_t wl_now_ns(void *ctx)
{
	(void)ctx;
	return rig_fw_ticks_to_ns(rig_fw_ticks());
}
#endif

static void cmd_run(const char *name, long long iterations)
{
	/* "boot": no work, only the firmware's own numbers (its baseline). */
	if (strcmp(name, "boot") == 0) {
		firmware_results();
		report_done(0);
		return;
	}
#ifdef RIG_FW_HAVE_WL
	const struct rig_wl_io io = {.write = wl_write, .now_ns = wl_now_ns, .ctx = 0};
	const struct rig_wl_entry *w = rig_wl_find(name);

	if (w) {
		int status = w->fn(&io, iterations < 0 ? w->mcu_iterations : iterations);

		firmware_results();
		report_done(status);
		return;
	}
#else
	(void)iterations;
#endif
	rig_fw_puts("error: no workload '");
	rig_fw_puts(name);
	rig_fw_puts("' in this image\n");
	report_done(2);
}

static void cmd_burst(long long bytes)
{
	static const char filler[64] =
	    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ\n";
	uint64_t t0 = rig_fw_ticks(), t1;
	long long left = bytes;

	while (left > 0) {
		size_t n = left < (long long)sizeof(filler) ? (size_t)left : sizeof(filler);

		/* the last chunk still ends its line */
		rig_fw_write(filler + sizeof(filler) - n, n);
		left -= (long long)n;
	}
	t1 = rig_fw_ticks();
	report_i64("burst_bytes", bytes, "B");
	report_i64("burst_ns", (int64_t)rig_fw_ticks_to_ns(t1 - t0), "ns");
	report_done(0);
}

/* One request of the request-latency load (rig_hashreq.h): no done line,
 * the answer is the one result line (workloads/c/hashreq.c). */
static void cmd_hash(long long seq, long long n)
{
#ifdef RIG_FW_HAVE_WL
	const struct rig_wl_io io = {.write = wl_write, .now_ns = wl_now_ns, .ctx = 0};

	if (rig_wl_hashreq_answer(&io, (uint32_t)seq, (uint32_t)n) == 0)
		return;
#else
	(void)seq;
	(void)n;
#endif
	rig_fw_puts("error: this image cannot answer hash requests\n");
	report_done(2);
}

static void execute(char *line)
{
	char *w[4];
	long long v, v2;
	int n;

	/* Our own lines coming back: a USB CDC port's host tty echoes what
	 * it receives until the host program switches echo off (Linux
	 * cdc-acm's default termios), so the ready line can return as a
	 * "command". Answering it would put a stray done line in the way.
	 * The echo can stop part-way through a line; the host sends an
	 * empty line before its first command so the fragment ends there
	 * (host/src/runners/mcu_run.c). */
	if (strncmp(line, "@rig ", 5) == 0)
		return;
	n = split(line, w, 4);
	if (n == 0)
		return;
	if (strcmp(w[0], "run") == 0 && n == 3 && parse_ll(w[2], &v) && v >= 0) {
		cmd_run(w[1], v);
	} else if (strcmp(w[0], "run") == 0 && n == 2) {
		cmd_run(w[1], -1);
	} else if (strcmp(w[0], "burst") == 0 && n == 2 && parse_ll(w[1], &v) && v >= 0) {
		cmd_burst(v);
	} else if (strcmp(w[0], "hash") == 0 && n == 3 && parse_ll(w[1], &v) && v >= 0 &&
		   v <= 0xffffffffll && parse_ll(w[2], &v2) && v2 >= 0 &&
		   v2 <= RIG_HASHREQ_MAX_BYTES) {
		cmd_hash(v, v2);
	} else if (strcmp(w[0], "ping") == 0 && n == 1) {
		report_done(0);
	} else if (strcmp(w[0], "ticks") == 0 && n == 1) {
		report_i64("ticks", (int64_t)rig_fw_ticks(), "ticks");
		report_done(0);
	} else if (strcmp(w[0], "exit") == 0 && n == 2 && parse_ll(w[1], &v)) {
		rig_fw_semihost_exit((int)v);
	} else {
		rig_fw_puts("error: rig-fw ");
		rig_fw_puts(port_name);
		rig_fw_puts(": unknown command (run NAME [N] | burst BYTES | ping | hash SEQ N | "
			    "ticks | exit CODE)\n");
		report_done(2);
	}
}

int main(void)
{
	char ready[RIG_REPORT_MAX_LINE + 2];
	char cmd[CMD_MAX + 1];
	size_t len = 0, n;
	int overlong = 0;

	n = rig_report_format_ready(ready, sizeof(ready));
#ifdef RIG_FW_NEVER_READY
	/* The hung-board test image: alive, silent. */
	(void)n;
	for (;;)
		;
#endif
	boot_ticks = rig_fw_ticks();
	/* Nothing but protocol lines in a healthy run: any noise the host
	 * counts is real garbage on the line. */
	rig_fw_write(ready, n);

	for (;;) {
		int c = port_uart_getc();

		if (c < 0)
			continue;
		if (c == '\r')
			continue;
		if (c != '\n') {
			if (len < CMD_MAX)
				cmd[len++] = (char)c;
			else
				overlong = 1;
			continue;
		}
		cmd[len] = '\0';
		if (overlong) {
			rig_fw_puts("error: command too long\n");
			report_done(2);
		} else {
			execute(cmd);
		}
		len = 0;
		overlong = 0;
	}
}
