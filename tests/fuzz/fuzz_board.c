/* Fuzz target: a board file through the YAML loader and every typed getter
 * the board code uses, with the input limits of rig_cfg_prescan on.
 * Invariants: no crash, no leak, every error names the file, and a name
 * that loads is a valid name. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "config.h"
#include "names.h"
#include "select.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const kinds[] = {"host", "qemu", "agent", "wasi", "null", NULL};
	struct rig_cfg *cfg = NULL;
	struct rig_error err = {0};
	struct rig_strv sv = {0};
	char buf[256];
	long long v;
	int b, k;

	if (rig_cfg_load_string("fuzz.yaml", (const char *)data, size, &cfg, &err)) {
		if (!strstr(err.msg, "fuzz.yaml"))
			abort();
		return 0;
	}
	rig_cfg_str(cfg, NULL, "name", 0, "x", buf, sizeof(buf), &err);
	if (rig_cfg_name(cfg, NULL, "name", "board", "x", buf, sizeof(buf), &err) == 0 &&
	    !rig_name_ok(buf)) /* what the board loader relies on */
		abort();
	rig_cfg_enum(cfg, NULL, "kind", 0, kinds, 0, &k, &err);
	rig_cfg_bool(cfg, NULL, "emulated", 0, 0, &b, &err);
	rig_cfg_duration_ms(cfg, NULL, "timeout", 0, 1, 3600000, &v, &err);
	rig_cfg_int(cfg, NULL, "samples", 0, 1, 1, 100000, &v, &err);
	rig_cfg_strv(cfg, NULL, "toolchains", 0, &sv, &err);
	rig_cfg_str(cfg, NULL, "target/os", 0, "", buf, sizeof(buf), &err);
	rig_cfg_int(cfg, NULL, "host/cpu", 0, -1, -1, 1023, &v, &err);
	for (size_t i = 0; i < rig_cfg_map_len(rig_cfg_root(cfg)); i++) {
		struct rig_cfg_node *val;
		const char *key = rig_cfg_map_key(rig_cfg_root(cfg), i, &val);
		(void)rig_cfg_line(val);
		if (key && strlen(key) < 64)
			rig_cfg_strv(cfg, NULL, key, 0, &sv, &err);
	}
	rig_strv_free(&sv);
	/* tags (select.h): every tag read is one word, or KEY:VALUE with one
	 * colon, and selects itself */
	if (rig_board_tags_read(cfg, &sv, &err) == 0) {
		for (size_t i = 0; i < sv.n; i++) {
			const char *c = strchr(sv.v[i], ':');
			char sel[300];
			if (!sv.v[i][0] || strpbrk(sv.v[i], ", \t") || (c && strchr(c + 1, ':')))
				abort();
			snprintf(sel, sizeof(sel), "%s%s", c ? "" : "tag:", sv.v[i]);
			if (!rig_board_tags_match(&sv, sel))
				abort();
		}
	} else if (!strstr(err.msg, "fuzz.yaml")) {
		abort();
	}
	rig_strv_free(&sv);
	/* health: (board.h): what loads is in range, errors name the file */
	{
		struct rig_health_cfg h;
		if (rig_board_health_read(cfg, &h, &err) == 0) {
			if (h.on && (h.samples < 1 || h.tolerance_pct < 1 || h.history < 1 ||
				     h.min_history > h.history || !rig_name_ok(h.workload)))
				abort();
		} else if (!strstr(err.msg, "fuzz.yaml")) {
			abort();
		}
	}
	rig_cfg_free(cfg);
	return 0;
}
