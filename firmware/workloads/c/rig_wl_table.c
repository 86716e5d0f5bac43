/* The workload table: see rig_wl_table.h. */
#include "rig_wl_table.h"

#include <string.h>

const struct rig_wl_entry rig_wl_table[] = {
    {"hello", rig_wl_hello, RIG_WL_HELLO_ITERS, RIG_WL_HELLO_MCU_ITERS},
    {"cpu", rig_wl_cpu, RIG_WL_CPU_ITERS, RIG_WL_CPU_MCU_ITERS},
    {"cpu-pure", rig_wl_cpu_pure, RIG_WL_CPU_PURE_ITERS, RIG_WL_CPU_PURE_MCU_ITERS},
    {"alloc", rig_wl_alloc, RIG_WL_ALLOC_ITERS, RIG_WL_ALLOC_MCU_ITERS},
    {NULL, NULL, 0, 0},
};

const struct rig_wl_entry *rig_wl_find(const char *name)
{
	for (const struct rig_wl_entry *e = rig_wl_table; e->name; e++)
		if (strcmp(e->name, name) == 0)
			return e;
	return NULL;
}
