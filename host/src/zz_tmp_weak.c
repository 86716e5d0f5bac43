/* TEMPORARY (removed when results_print.c and transport_serial.c land). */
#include "results.h"
#include "transport_serial.h"

__attribute__((weak)) int rig_results_print(struct rig_store *store,
					    const struct rig_results_opts *o, FILE *f,
					    struct rig_error *err)
{
	return rig_fail(err, RIG_ERR_NOT_SUPPORTED, "results printing not built yet");
}

__attribute__((weak)) int rig_serial_list(struct rig_kvlist *ports, struct rig_error *err)
{
	return rig_fail(err, RIG_ERR_NOT_SUPPORTED, "serial support not built yet");
}
