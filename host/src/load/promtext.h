/*
 * A parser of the Prometheus text exposition format (version 0.0.4, what
 * client_golang's promhttp serves by default), for the figures rig scrapes
 * from a service's /metrics during load. Sample lines
 *
 *	name[{label="value",...}] value [timestamp]
 *
 * are handed to a callback; # HELP / # TYPE / other comments and empty
 * lines are skipped. No allocation; the text need not be NUL-terminated.
 * Fuzzed by tests/fuzz/fuzz_promtext.c.
 */
#ifndef RIG_PROMTEXT_H
#define RIG_PROMTEXT_H

#include <stddef.h>

#define RIG_PROM_MAX_NAME 200
#define RIG_PROM_MAX_LABELS 1024

/* name: the metric name; labels: the text between the braces as sent
 * (e.g. quantile="0.5"), "" when none; both NUL-terminated copies valid
 * during the call only. value may be +-Inf or NaN. */
typedef void (*rig_prom_fn)(void *ctx, const char *name, const char *labels, double value);

/*
 * Parses text[0..len), calling fn for every sample line in order. Returns
 * the number of samples, or -1 at the first malformed line (a bad name, an
 * unclosed label set or quote, a label without '=' and a quoted value, a
 * value that is not a number, junk after the timestamp, a control byte
 * (NUL included) in a sample line, a name or label
 * set longer than the limits) with its 1-based number in *bad_line; the
 * samples before it were handed over.
 */
int rig_prom_parse(const char *text, size_t len, rig_prom_fn fn, void *ctx, int *bad_line);

#endif
