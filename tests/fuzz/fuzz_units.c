/* Fuzz target: the number and duration parsers behind every command-line
 * option and board field ("2s", "500ms", "1k"). Invariants: no crash, and
 * whatever they accept is within the asked range. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char buf[64];
	long long v;

	if (size >= sizeof(buf))
		size = sizeof(buf) - 1;
	memcpy(buf, data, size);
	buf[size] = '\0';
	if (rig_parse_count(buf, -5, 1000000, &v) == 0 && (v < -5 || v > 1000000))
		abort();
	if (rig_parse_duration_ms(buf, &v) == 0 && v < 0)
		abort();
	return 0;
}
