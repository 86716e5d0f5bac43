/* Fuzz target: `rig bench --load` specs (rig_load_spec_parse) and the CPU
 * lists they name. Invariants: no crash; an accepted spec has options the
 * engine accepts (connections, threads, pipeline in range; a rate with the
 * rate model only; a duration or a request count, not both) and a path that
 * starts with '/'. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char buf[512];
	struct rig_load_spec s;
	struct rig_error err = {0};
	int *cpus = NULL;
	size_t n = 0;

	if (size >= sizeof(buf))
		size = sizeof(buf) - 1;
	memcpy(buf, data, size);
	buf[size] = '\0';
	if (rig_load_spec_parse(buf, &s, &err) != 0)
		return 0;
	if (s.opts.connections < 1 || s.opts.threads < 1 || s.opts.pipeline < 1 ||
	    s.opts.pipeline > RIG_LOAD_MAX_PIPELINE || s.path[0] != '/')
		abort();
	if ((s.opts.model == RIG_LOAD_RATE) != (s.opts.rate > 0))
		abort();
	if ((s.opts.duration_ms > 0) == (s.opts.requests > 0))
		abort();
	if (s.cpus[0] && rig_load_parse_cpus(s.cpus, &cpus, &n, &err) == 0 && !n)
		abort();
	free(cpus);
	return 0;
}
