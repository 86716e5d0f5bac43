/* Helpers shared by every board part. */
#include "part.h"

#include <stdlib.h>

int rig_part_known_keys(const struct rig_cfg *cfg, struct rig_cfg_node *sec,
			const char *const *keys, struct rig_error *err)
{
	const char *all[64];
	size_t n = 0;

	if (!sec)
		return 0;
	all[n++] = "kind";
	for (size_t i = 0; keys && keys[i] && n < 63; i++)
		all[n++] = keys[i];
	all[n] = NULL;
	return rig_cfg_known_keys(cfg, sec, all, err);
}
