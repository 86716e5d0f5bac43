/* Fuzz target: a toolchains file through the loader (with the input limits
 * of rig_cfg_prescan on, so libfyaml's quadratic duplicate-key check cannot
 * time the fuzzer out), the queries, and the template expansion of every
 * command for every target. Nothing is run. Invariants: no crash, no leak,
 * and every load error names the file. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "toolchain_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Expands a toolchain's commands for each of its targets, as rig_build and
 * rig_toolchain_detect do before they run anything. */
static void expand_each_target(const struct toolchain *tc, const struct profile *p)
{
	for (size_t i = 0; i < tc->n_targets; i++) {
		const struct tc_target *tt = &tc->targets[i];
		struct rig_target t = {{0}};
		struct vars vs = {0};
		struct rig_strv out = {0};
		const char *k = tt->key, *slash = strchr(k, '/'), *second;

		if (!slash)
			continue;
		second = strchr(slash + 1, '/');
		snprintf(t.os, sizeof(t.os), "%.*s", (int)(slash - k), k);
		snprintf(t.arch, sizeof(t.arch), "%.*s",
			 (int)(second ? (size_t)(second - slash - 1) : strlen(slash + 1)),
			 slash + 1);
		if (second)
			snprintf(t.variant, sizeof(t.variant), "%s", second + 1);
		if (tc_find_target(tc, &t) != tt && !second)
			continue;
		tc_build_vars(tc, tt, p, &t, "/src", "hello", "/out/x", &vs);
		tc_expand_all(&tc->version, &vs, &out, tc->file, NULL);
		tc_expand_all(tt->build.n ? &tt->build : &tc->build, &vs, &out, tc->file, NULL);
		tc_expand_all(&tc->env, &vs, &out, tc->file, NULL);
		if (p)
			tc_expand_all(&p->env, &vs, &out, tc->file, NULL);
		tc_expand_word(tt->dir[0] ? tt->dir : tc->dir, &vs, &out, tc->file, NULL);
		(void)tc_template_uses(tc, tt, "{workload}");
		rig_strv_free(&out);
		tc_vars_free(&vs);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rig_toolchains *tcs = NULL;
	struct rig_error err = {0};
	struct rig_strv sel = {0};

	if (rig_toolchains_load_text("fuzz.yaml", (const char *)data, size, &tcs, &err)) {
		if (!strstr(err.msg, "fuzz.yaml"))
			abort();
		return 0;
	}
	for (size_t i = 0; i < rig_profile_count(tcs); i++) {
		const char *name = rig_profile_name(tcs, i);
		const struct profile *p = tc_find_profile(tcs, name);
		const struct toolchain *tc = tc_find(tcs, rig_profile_toolchain(tcs, name));

		/* every profile names a toolchain that loaded */
		if (!p || !tc || !rig_profile_lang(tcs, name))
			abort();
		(void)rig_profile_is_default(tcs, name);
		rig_profiles_select(tcs, name, &sel);
		expand_each_target(tc, p);
	}
	for (size_t i = 0; i < rig_toolchain_count(tcs); i++) {
		const struct toolchain *tc = tc_find(tcs, rig_toolchain_name(tcs, i));
		/* what load_command guarantees: never an empty program */
		if (!tc || !tc->version.n || !tc->build.n || !tc->version.v[0][0] ||
		    !tc->build.v[0][0])
			abort();
		rig_profiles_select(tcs, rig_toolchain_name(tcs, i), &sel);
		expand_each_target(tc, NULL);
	}
	(void)rig_profile_baseline(tcs);
	rig_strv_free(&sel);
	rig_toolchains_free(tcs);
	return 0;
}
