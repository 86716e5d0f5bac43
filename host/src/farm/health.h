/*
 * Board health and quarantine rules (docs/farm.md). A board goes to
 * quarantine after RIG_HEALTH_MAX_FAILURES unusable benches in a row (it
 * would not open, lost its link, its lease was lost), on evidence from its
 * facts (the SoC at or above the board's temperature limit: the agent's
 * `hot`; throttling flags active now: `throttled_bits` "0x..." with any of
 * bits 0..3), and when its health check fails.
 *
 * The health check (board file `health:`, board.h struct rig_health_cfg)
 * is a short known workload run before the board's first use after a lease
 * is taken and again between cells when `every` has passed. Its figure is
 * the median over its samples of cpu_ns (user + sys time of the workload:
 * what a slower clock or throttling raises, and what other programs on a
 * shared machine hardly move), or wall_ns where the board gives no CPU
 * times. It fails when a sample fails, when the facts are hot or
 * throttled, when the clock governor differs from the one of the board's
 * last passing check, or when the figure is outside the band of the
 * board's history: ref = the median of its last `history` passing checks
 * (once there are `min_history`), band [ref / (1 + t), ref * (1 + t)],
 * t = tolerance_pct / 100. The evidence is stored with the quarantine and
 * the check (store_health.h). A quarantined board gets no work until a
 * health check passes again or `rig farm release BOARD --force` frees it;
 * a forced release also stores a "reset" row: the checks before it are no
 * longer the board's reference (a human accepted the board as it is).
 */
#ifndef RIG_HEALTH_H
#define RIG_HEALTH_H

#include <stddef.h>

#include "board.h"
#include "store_health.h"
#include "util.h"

#define RIG_HEALTH_MAX_FAILURES 3

/* Looks at a board's environment facts (board.* keys, hot, throttled).
 * Returns 1 and fills reason and evidence when they put the board in
 * quarantine, else 0. */
int rig_health_facts_verdict(const struct rig_kvlist *facts, char *reason, size_t reason_cap,
			     char *evidence, size_t evidence_cap);

/* The figure of one health sample: cpu_ns = user_ns + sys_ns when the
 * sample has them, else wall_ns (*metric says which). 0 when it has
 * neither. */
double rig_health_sample_figure(const struct rig_sample *s, const char **metric);

/* What one check measured. */
struct rig_health_take {
	const double *figures; /* the ok samples' figures */
	int n;
	int n_failed;			/* samples that failed */
	const char *fail_reason;	/* the first failed sample's reason (may be NULL) */
	const char *metric;		/* "cpu_ns" or "wall_ns" */
	const struct rig_kvlist *facts; /* read just before the check */
};

/* Judges a check against the rules above. hist: the board's passing checks,
 * newest first (rig_store_health_history), n_hist of them; those with
 * another metric are ignored. Fills *out (pass, metric, figure, n, ref_n,
 * band, facts, result, evidence; board, token and at_ms are the caller's)
 * and returns out->pass. */
int rig_health_judge(const struct rig_health_cfg *cfg, const struct rig_health_take *t,
		     const struct rig_health_row *hist, int n_hist, struct rig_health_row *out);

#endif
