/* Quarantine evidence from a board's facts: see health.h. */
#include "health.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *fact(const struct rig_kvlist *f, const char *key)
{
	const char *v = rig_kv_get(f, key);
	return v ? v : "";
}

int rig_health_facts_verdict(const struct rig_kvlist *facts, char *reason, size_t reason_cap,
			     char *evidence, size_t evidence_cap)
{
	const char *bits = fact(facts, "board.throttled_bits");
	unsigned long now_bits = 0;

	/* the Pi firmware's flags: bits 0..3 are "now" (under-voltage, capped,
	 * throttled, soft limit); 16..19 only say it happened since boot */
	if (strncmp(bits, "0x", 2) == 0)
		now_bits = strtoul(bits + 2, NULL, 16) & 0xf;
	if (strcmp(fact(facts, "hot"), "yes") == 0) {
		snprintf(reason, reason_cap, "temperature at or above the board's limit");
		snprintf(evidence, evidence_cap, "soc_temp_c=%s throttled_bits=%s governor=%s",
			 fact(facts, "board.soc_temp_c"), bits[0] ? bits : "none",
			 fact(facts, "board.governor"));
		return 1;
	}
	if (now_bits) {
		snprintf(reason, reason_cap, "throttling flags active");
		snprintf(evidence, evidence_cap, "throttled_bits=%s soc_temp_c=%s cpu_mhz=%s", bits,
			 fact(facts, "board.soc_temp_c"), fact(facts, "board.cpu_mhz"));
		return 1;
	}
	return 0;
}
