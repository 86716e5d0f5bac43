/*
 * Health checks in the store (schema 5, docs/farm.md): one row per check of
 * a board, kept for ever, so a board's history gives the band its next
 * check is judged against (farm/health.h has the rules). Only SQL lives
 * here.
 */
#ifndef RIG_STORE_HEALTH_H
#define RIG_STORE_HEALTH_H

#include <stdint.h>

#include "store.h"

struct rig_health_row {
	int64_t id, at_ms; /* at_ms: wall-clock milliseconds (rig_wall_ms) */
	char board[64];
	int64_t token; /* the lease it ran under (0: none) */
	int pass;
	char metric[32]; /* what figure is: "cpu_ns" (user + sys of the workload) */
	double figure;	 /* the median of the check's samples (0: none taken) */
	int n;		 /* samples taken */
	int ref_n;	 /* earlier passing checks the band came from (0: no band yet) */
	double band_lo, band_hi;
	char governor[64], temp_c[16], throttled_bits[16], cpu_mhz[16]; /* facts read */
	char result[256];   /* "pass: ..." / "fail: why" for people */
	char evidence[512]; /* the figures that failed it ("" on a pass) */
};

/* Appends a check. */
int rig_store_health_add(struct rig_store *s, const struct rig_health_row *row,
			 struct rig_error *err);

/* The newest checks of board (passing ones only when pass_only), newest
 * first, at most cap into rows; *n how many. */
int rig_store_health_history(struct rig_store *s, const char *board, int pass_only,
			     struct rig_health_row *rows, int cap, int *n, struct rig_error *err);

#endif
