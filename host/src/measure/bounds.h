/*
 * Sanity bounds on a sample's figures: a number that cannot be true for its
 * board (a clock that did not advance, a negative duration, more operations
 * per second than the board has cycles) fails the sample with the reason, so
 * it never reaches a table as a result.
 */
#ifndef RIG_BOUNDS_H
#define RIG_BOUNDS_H

#include "artifact.h"
#include "sample.h"

struct rig_bounds {
	double clock_hz;      /* the fastest clock a target of this kind has */
	double ops_per_cycle; /* generous: no workload op here takes under a cycle/8 */
	double max_ops_per_s; /* clock_hz * ops_per_cycle */
	double ram_bytes;     /* the board's RAM (board file `ram_kib:`), 0 = unknown */
};

/* The bounds for a target: Cortex-M ("none/...") 1 GHz (QEMU's -icount
 * shift=0 runs one instruction per virtual ns; no Cortex-M silicon is faster),
 * anything else 6 GHz; 8 operations per cycle at most; RAM unknown (the
 * caller sets ram_bytes from the board). Never fails. */
void rig_bounds_for_target(const struct rig_target *t, struct rig_bounds *out);

/* Checks an ok sample against b. Returns 1 and fails s (ok = 0, fail_reason
 * naming the metric, its value and the bound) at the first impossible figure;
 * 0 when every figure is possible or s was already failed. With ram_bytes
 * set, ram_bytes (B) and peak_rss_kib (KiB) above it are impossible. */
int rig_bounds_check(struct rig_sample *s, const struct rig_bounds *b);

#endif
