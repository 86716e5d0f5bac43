/*
 * Strict parsing of the numbers users type in options and board files:
 * durations with a unit suffix and counts with a k/M multiplier. The whole
 * string must be consumed; nothing is silently clamped.
 */
#ifndef RIG_UNITS_H
#define RIG_UNITS_H

#include "error.h"

/* Parses a duration into milliseconds, rounded: "250ms", "2s", "1.5s", "1m"
 * or "1min", "500us", and a plain number as ms. Plain decimals only (no sign,
 * exponent, hex, inf or nan), at most 1e12 ms. Returns 0, or RIG_ERR_INVALID
 * (out untouched). */
int rig_parse_duration_ms(const char *s, long long *out);
/* Parses a whole decimal number in [min, max]; a "k"/"K" suffix multiplies by
 * 1000 and "M" by 1000000 ("1k" = 1000). Returns 0, or RIG_ERR_INVALID on
 * anything else, on overflow or out of range (out untouched). */
int rig_parse_count(const char *s, long long min, long long max, long long *out);

#endif
