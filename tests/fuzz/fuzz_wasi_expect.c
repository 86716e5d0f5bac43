/* Fuzz target: the expectations-file reader (wasi-testsuite
 * expectations/RUNTIME/linux.toml, a small TOML subset). Any input must
 * return cleanly; a refusal names file:line; every accepted entry has a
 * suite and a test name and an action/expected the executor knows. Seeds
 * and saved inputs: tests/fuzz/corpus/wasi_expect/. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wasi_expect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rig_wasi_expect e;
	struct rig_error err = {0};

	if (rig_wasi_expect_parse("fuzz.toml", (const char *)data, size, &e, &err) == 0) {
		for (size_t i = 0; i < e.n; i++) {
			const struct rig_wasi_expect_entry *x = &e.v[i];
			if (!x->suite[0] || !x->test[0] || x->line < 1)
				abort();
			if (x->action[0] && strcmp(x->action, "skip"))
				abort();
			if (x->expected[0] && strcmp(x->expected, "fail") &&
			    strcmp(x->expected, "pass"))
				abort();
			if (rig_wasi_expect_find(&e, x->suite, x->test) == NULL)
				abort();
		}
	} else if (strncmp(err.msg, "fuzz.toml:", 10) != 0 || e.n != 0) {
		abort();
	}
	rig_wasi_expect_free(&e);
	return 0;
}
