/* Fuzz target: a gate policy file (policy.h) through the YAML loader and
 * the policy parser. Invariants: no crash, no leak; an error names the
 * file; a policy that loads keeps the parser's promises (alpha in (0, 0.5],
 * min_n >= 1, at most RIG_GATE_MAX_RULES rules, each with a metric and a
 * unique name, amounts finite and not negative), and matching a rule
 * against a cell never crashes. Seeds: tests/fuzz/corpus/gate_policy/. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	if (!ok)
		abort();
}

static void check_amount(const struct rig_gate_amount *a)
{
	check(isfinite(a->value) && a->value >= 0);
	check(a->kind != RIG_GATE_AMOUNT_NONE || a->value == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rig_gate_policy p;
	struct rig_error err = {0};

	if (rig_gate_policy_parse("fuzz.yaml", (const char *)data, size, &p, &err)) {
		check(strstr(err.msg, "fuzz.yaml") != NULL);
		return 0;
	}
	check(p.alpha > 0 && p.alpha <= 0.5 && p.min_n >= 1);
	check(p.n_rules <= RIG_GATE_MAX_RULES);
	for (size_t i = 0; i < p.n_rules; i++) {
		const struct rig_gate_rule *r = &p.rules[i];
		check(r->metric[0] && r->name[0]);
		check(r->alpha > 0 && r->alpha <= 0.5 && r->min_n >= 1);
		check_amount(&r->threshold);
		check_amount(&r->min_effect);
		for (size_t k = 0; k < i; k++)
			check(strcmp(p.rules[k].name, r->name) != 0);
		(void)rig_gate_rule_matches(r, "host", "cpu", "c", "wall_ns");
	}
	rig_gate_policy_free(&p);
	return 0;
}
