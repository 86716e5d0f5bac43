/* rig workload API: see rig_wl.h. */
#ifndef RIG_WL_BARE
#define _POSIX_C_SOURCE 200809L /* clock_gettime, write */
#endif
#include "rig_wl.h"

#include "rig_report.h"

static int put(const struct rig_wl_io *io, const char *buf, size_t n)
{
	if (n == 0)
		return -1;
	io->write(io->ctx, buf, n);
	return 0;
}

int rig_wl_ready(const struct rig_wl_io *io)
{
	char buf[RIG_REPORT_MAX_LINE + 2];

	return put(io, buf, rig_report_format_ready(buf, sizeof(buf)));
}

int rig_wl_done(const struct rig_wl_io *io, int status)
{
	char buf[RIG_REPORT_MAX_LINE + 2];

	return put(io, buf, rig_report_format_done(buf, sizeof(buf), status));
}

int rig_wl_result(const struct rig_wl_io *io, const char *name, const char *value, const char *unit)
{
	char buf[RIG_REPORT_MAX_LINE + 2];

	return put(io, buf, rig_report_format_result(buf, sizeof(buf), name, value, unit));
}

int rig_wl_result_i64(const struct rig_wl_io *io, const char *name, int64_t value, const char *unit)
{
	char buf[RIG_REPORT_MAX_LINE + 2];

	return put(io, buf, rig_report_format_result_i64(buf, sizeof(buf), name, value, unit));
}

int rig_wl_result_u64(const struct rig_wl_io *io, const char *name, uint64_t value,
		      const char *unit)
{
	char buf[RIG_REPORT_MAX_LINE + 2];

	return put(io, buf,
		   rig_report_format_result_ratio(buf, sizeof(buf), name, value, 1, 0, unit));
}

int rig_wl_result_ratio(const struct rig_wl_io *io, const char *name, uint64_t num, uint64_t den,
			unsigned decimals, const char *unit)
{
	char buf[RIG_REPORT_MAX_LINE + 2];

	return put(
	    io, buf,
	    rig_report_format_result_ratio(buf, sizeof(buf), name, num, den, decimals, unit));
}

size_t rig_wl_rate_text(char *buf, size_t cap, uint64_t ops, uint64_t elapsed_ns)
{
	char line[RIG_REPORT_MAX_LINE + 2];
	uint64_t num = ops, den;
	size_t n, start, len;

	if (elapsed_ns == 0)
		elapsed_ns = 1;
	if (ops <= UINT64_MAX / 1000000000u) {
		num = ops * 1000000000u;
		den = elapsed_ns;
	} else {
		den = elapsed_ns / 1000000000u;
		if (den == 0)
			den = 1;
	}
	/* one formatting path: the value is the third field of the result line */
	n = rig_report_format_result_ratio(line, sizeof(line), "r", num, den, 3, "x");
	if (n == 0)
		return 0;
	start = sizeof("@rig result r ") - 1;
	len = n - start - sizeof(" x*12345678\n") + 1;
	if (len + 1 > cap)
		return 0;
	for (size_t i = 0; i < len; i++)
		buf[i] = line[start + i];
	buf[len] = '\0';
	return len;
}

int rig_wl_result_rate(const struct rig_wl_io *io, const char *name, uint64_t ops,
		       uint64_t elapsed_ns)
{
	char v[RIG_REPORT_MAX_VALUE + 1];

	if (rig_wl_rate_text(v, sizeof(v), ops, elapsed_ns) == 0)
		return -1;
	return rig_wl_result(io, name, v, "ops/s");
}

int rig_wl_run(const struct rig_wl_io *io, rig_wl_fn fn, long long iterations)
{
	int status;

	rig_wl_ready(io);
	status = fn(io, iterations);
	rig_wl_done(io, status);
	return status;
}

#ifndef RIG_WL_BARE
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void stdout_write(void *ctx, const char *s, size_t n)
{
	/* one write(2) per line: no stdio buffering to flush or interleave */
	(void)ctx;
	while (n > 0) {
		ssize_t w = write(STDOUT_FILENO, s, n);

		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

static uint64_t monotonic_ns(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* decimal digits only, at most 18 of them: no overflow, no sign */
static int parse_count(const char *s, long long *out)
{
	size_t n = strlen(s);
	long long v = 0;

	if (n == 0 || n > 18)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int rig_wl_main(int argc, char **argv, rig_wl_fn fn, long long default_iters)
{
	const struct rig_wl_io io = {stdout_write, monotonic_ns, NULL};
	long long iters = default_iters;
	int status;

	rig_wl_ready(&io);
	if (argc > 1 && parse_count(argv[1], &iters)) {
		fprintf(stderr, "usage: %s [ITERATIONS >= 0]\n", argv[0]);
		rig_wl_done(&io, 2);
		return 2;
	}
	status = fn(&io, iters);
	rig_wl_done(&io, status);
	return status;
}
#endif
