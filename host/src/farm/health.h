/*
 * Board health and quarantine rules (docs/farm.md). A board goes to
 * quarantine after RIG_HEALTH_MAX_FAILURES unusable benches in a row (it
 * would not open, lost its link, its lease was lost) and on evidence from
 * its facts, read when a worker opens it: the SoC at or above the board's
 * temperature limit (the agent's `hot`), or throttling flags active now
 * (`throttled_bits`, "0x..." with any of bits 0..3). The evidence is stored
 * with the quarantine. A quarantined board gets no work until
 * `rig farm release BOARD --force` (or a passing health check) frees it.
 */
#ifndef RIG_HEALTH_H
#define RIG_HEALTH_H

#include <stddef.h>

#include "util.h"

#define RIG_HEALTH_MAX_FAILURES 3

/* Looks at a board's environment facts (board.* keys, hot, throttled).
 * Returns 1 and fills reason and evidence when they put the board in
 * quarantine, else 0. */
int rig_health_facts_verdict(const struct rig_kvlist *facts, char *reason, size_t reason_cap,
			     char *evidence, size_t evidence_cap);

#endif
