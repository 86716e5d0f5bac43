/* A board file's `health:` section: see board.h (struct rig_health_cfg). */
#include <stdio.h>
#include <string.h>

#include "board.h"

int rig_board_health_read(const struct rig_cfg *cfg, struct rig_health_cfg *h,
			  struct rig_error *err)
{
	static const char *const keys[] = {"workload",	 "profile",	"samples",
					   "iterations", "every",	"tolerance_pct",
					   "history",	 "min_history", NULL};
	struct rig_cfg_node *sec = rig_cfg_get(cfg, NULL, "health");
	int rc;

	memset(h, 0, sizeof(*h));
	if (!sec)
		return 0;
	if (!rig_cfg_is_map(sec))
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:%d: field 'health': expected a mapping (workload, profile, "
				"samples, iterations, every, tolerance_pct, history, min_history)",
				rig_cfg_path(cfg), rig_cfg_line(sec));
	h->on = 1;
	if ((rc = rig_cfg_known_keys(cfg, sec, keys, err)) ||
	    (rc = rig_cfg_name(cfg, sec, "workload", "workload", "cpu", h->workload,
			       sizeof(h->workload), err)) ||
	    (rc = rig_cfg_str(cfg, sec, "profile", 0, "c", h->profile, sizeof(h->profile), err)) ||
	    (rc = rig_cfg_int(cfg, sec, "samples", 0, 3, 1, 100, &h->samples, err)) ||
	    (rc = rig_cfg_int(cfg, sec, "iterations", 0, 0, 1, 1000000000000LL, &h->iterations,
			      err)) ||
	    (rc = rig_cfg_duration_ms(cfg, sec, "every", 0, 3600000, 30LL * 86400000, &h->every_ms,
				      err)) ||
	    (rc = rig_cfg_int(cfg, sec, "tolerance_pct", 0, 50, 1, 1000, &h->tolerance_pct, err)) ||
	    (rc = rig_cfg_int(cfg, sec, "history", 0, 10, 1, 1000, &h->history, err)) ||
	    (rc = rig_cfg_int(cfg, sec, "min_history", 0, 3, 1, 1000, &h->min_history, err)))
		return rc;
	if (h->min_history > h->history)
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:%d: field 'health.min_history': %lld is more than "
				"health.history (%lld): the band could never apply",
				rig_cfg_path(cfg), rig_cfg_key_line(cfg, sec, "min_history"),
				h->min_history, h->history);
	return 0;
}
