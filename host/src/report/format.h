/*
 * Formatting results for people and for other programs: numbers with units
 * (3 significant digits), JSON strings and numbers, CSV fields (RFC 4180),
 * and the Go benchmark format that benchstat reads
 * (golang.org/design/14313-benchmark-format).
 *
 * Pure functions: no I/O, no global state. The rig_fmt_* helpers write into a
 * caller's buffer (cap bytes, always NUL-terminated, truncated when short;
 * RIG_FMT_CAP is always enough) and return it, so they nest in printf
 * arguments. The appenders add to a struct rig_buf (util.h).
 */
#ifndef RIG_FORMAT_H
#define RIG_FORMAT_H

#include <stddef.h>

#include "error.h"
#include "util.h"

#define RIG_FMT_CAP 32

/* 3 significant digits, no unit: "0.123", "12.3", "123", "12300"; beyond
 * that range exponent form ("1.00e-07", "1.23e+15"). NaN and infinities give
 * "-". */
const char *rig_fmt_sig3(char *buf, size_t cap, double v);

/* A duration from nanoseconds: "850 ns", "1.23 µs", "45.6 ms", "1.20 s";
 * seconds stay the largest unit ("1230 s"). Negative values keep their sign. */
const char *rig_fmt_duration_ns(char *buf, size_t cap, double ns);

/* A size: whole bytes below 1 KiB ("512 B"), then KiB/MiB/GiB with 3
 * significant digits ("1.50 KiB", "12.3 MiB", "1010 KiB" just below 1 MiB). */
const char *rig_fmt_bytes(char *buf, size_t cap, double bytes);

/* The same from KiB (peak_rss_kib): rig_fmt_bytes(kib * 1024). */
const char *rig_fmt_kib(char *buf, size_t cap, double kib);

/* A rate with an SI multiplier before the unit: "950 ops/s", "1.23k ops/s",
 * "4.56M ops/s", "7.89G ops/s". unit NULL means "ops/s". */
const char *rig_fmt_rate(char *buf, size_t cap, double per_s, const char *unit);

/* A ratio new/old: "1.23x", "0.870x"; "~" when significant is 0 (the
 * difference is not statistically significant). */
const char *rig_fmt_ratio(char *buf, size_t cap, double ratio, int significant);

/* A metric value by its unit: "ns" -> duration, "B"/"bytes" -> bytes,
 * "KiB" -> kib, a unit ending in "/s" -> rate, anything else -> 3 significant
 * digits, a space and the unit ("42.0 frames"; no unit: just the number). */
const char *rig_fmt_value(char *buf, size_t cap, double v, const char *unit);

/* The shortest decimal text that reads back as exactly v ("0.1", "1e+20",
 * "1234"); "null" when v is NaN or infinite (JSON has no such numbers). */
const char *rig_fmt_number(char *buf, size_t cap, double v);

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when it is not one
 * (overlong forms, surrogates, code points above U+10FFFF, a sequence cut by
 * the terminating NUL). s must be NUL-terminated. */
size_t rig_utf8_len(const unsigned char *s);

/* Escapes one ASCII byte c (0x01..0x7F) for an output format: returns the
 * text to append instead of c (may be written into tmp, which holds 8
 * bytes), "" to drop c, or NULL to append c as it is. */
typedef const char *rig_escape_fn(unsigned char c, char tmp[8]);

/* Appends s (NULL appends nothing) with every ASCII byte passed through esc,
 * valid UTF-8 sequences of two to four bytes copied as they are, and each
 * byte that is not valid UTF-8 replaced by bad (the JSON, HTML and
 * OpenMetrics writers share this walk and differ only in esc and bad). */
void rig_buf_escaped(struct rig_buf *b, const char *s, rig_escape_fn *esc, const char *bad);

/* Appends s as a JSON string with its quotes: escapes " \ and control
 * characters, and replaces bytes that are not valid UTF-8 with U+FFFD so the
 * output is always valid JSON. NULL appends null. */
void rig_json_string(struct rig_buf *b, const char *s);

/* Appends rig_fmt_number(v): a JSON number, or null. */
void rig_json_number(struct rig_buf *b, double v);

/* Appends s as one CSV field (RFC 4180): quoted, with quotes doubled, when
 * it holds a comma, a quote, CR, LF, or leading/trailing space; as-is
 * otherwise. NULL is an empty field. */
void rig_csv_field(struct rig_buf *b, const char *s);

/* Appends a whole record: fields separated by commas, ended by CRLF. */
void rig_csv_row(struct rig_buf *b, const char *const *fields, size_t n);

/*
 * The Go benchmark format, for benchstat:
 *
 *   goos: linux                      <- configuration lines (rig_benchfmt_config)
 *   cpu: AMD EPYC 7B13
 *   Unit text-B assume=exact         <- unit metadata (rig_benchfmt_unit_meta)
 *   BenchmarkStartup/board=host/workload=hello/profile=gc-1  1  0.00123 sec/op  2.1e+06 peak-rss-B
 *
 * A name is "Benchmark" + base + "/key=value" per part + "-procs". procs is
 * always written, so a value that ends in "-<digits>" is never taken for it.
 */

/* Appends "key: value\n". The key must start with a lowercase ASCII letter
 * and hold no space, tab or uppercase letter; the value no newline. Returns
 * 0, or RIG_ERR_INVALID (naming the key) and appends nothing. */
int rig_benchfmt_config(struct rig_buf *b, const char *key, const char *value,
			struct rig_error *err);

/* A sub-benchmark part of a name: key=value. */
struct rig_benchfmt_part {
	const char *key, *value;
};

/*
 * Writes the full name "Benchmark<base>/k=v/...-<procs>" into buf. base must
 * be non-empty, must not start with a lowercase letter, and holds only
 * printable ASCII other than space, '/' and '='; keys likewise (any case). In
 * values every byte that is not printable ASCII, and space and '/', becomes
 * '_' (benchfmt splits names on '/' and whitespace); an empty value becomes
 * "none". procs < 1 is written as 1. Returns 0, or
 * RIG_ERR_INVALID (bad base or key, or buf too small).
 */
int rig_benchfmt_name(char *buf, size_t cap, const char *base,
		      const struct rig_benchfmt_part *parts, size_t n_parts, int procs,
		      struct rig_error *err);

/* One measurement on a result line. */
struct rig_benchfmt_value {
	double value;
	const char *unit; /* no spaces; e.g. "sec/op", "B/op", "peak-rss-B" */
};

/* Appends "<name>  <iters>  <v> <unit>  <v> <unit>...\n". name must start
 * with "Benchmark" and hold no whitespace; iters >= 1; at least one value;
 * values finite; units non-empty without whitespace. Returns 0 or
 * RIG_ERR_INVALID (nothing appended). */
int rig_benchfmt_result(struct rig_buf *b, const char *name, long long iters,
			const struct rig_benchfmt_value *v, size_t n, struct rig_error *err);

/* Appends "Unit <unit> <key>=<value>\n", e.g. ("text-B", "assume", "exact")
 * for sizes that do not vary between samples, or ("ops/s", "better",
 * "higher"). Returns 0 or RIG_ERR_INVALID. */
int rig_benchfmt_unit_meta(struct rig_buf *b, const char *unit, const char *key, const char *value,
			   struct rig_error *err);

/*
 * Maps a rig metric to a benchfmt unit and value:
 *   unit "ns"        -> "<name>-sec", value / 1e9 ("startup_ns" -> "startup-sec");
 *                       "us", "µs", "ms", "s" likewise
 *   unit "KiB"       -> "<name>-B", value * 1024   ("peak_rss_kib" -> "peak-rss-B")
 *   unit "B"/"bytes" -> "<name>-B"
 *   anything else    -> "<name>-<unit>"            ("fib" "ops/s" -> "fib-ops/s")
 * where <name> is the metric name without a trailing "_<unit>" and with '_'
 * written '-'. Bytes that are not printable ASCII, and spaces, become '_'. Returns 0, or
 * RIG_ERR_INVALID when out_unit is too small or name is empty.
 */
int rig_benchfmt_metric(const char *name, const char *unit, double value, char *out_unit,
			size_t cap, double *out_value, struct rig_error *err);

#endif
