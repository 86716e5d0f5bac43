/* Fuzz target: the WebAssembly module parser (rig_wasm_parse) and the
 * profile check over what it accepts. Any input must return cleanly; a
 * failure must say where (offset) and why; an accepted module's section
 * table must tile the file exactly and every index it hands out must be in
 * range. Seeds and saved inputs: tests/fuzz/corpus/wasm/. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wasm_module.h"
#include "wasm_profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char profile_yaml[] = "name: fuzz\n"
				   "imports:\n  wasi_snapshot_preview1: [fd_write, proc_exit]\n"
				   "features: [sign-ext, bulk-memory]\n"
				   "memory:\n  max_bytes: 131072\n  require_max: true\n";

static void check_accepted(const struct rig_wasm_module *m, size_t size)
{
	uint64_t pos = 8;
	char buf[512];

	for (size_t i = 0; i < m->n_sections; i++) {
		const struct rig_wasm_section *s = &m->sections[i];
		if (s->offset != pos || s->payload_offset <= s->offset ||
		    s->payload_offset + s->size > size)
			abort();
		pos = s->payload_offset + s->size;
	}
	if (pos != size || m->file_bytes != size)
		abort();
	for (size_t i = 0; i < m->n_funcs; i++) {
		if (m->funcs[i].type_index >= m->n_types)
			abort();
		if (m->funcs[i].body_offset + m->funcs[i].body_size > size)
			abort();
		rig_wasm_format_type(rig_wasm_func_type(m, m->n_func_imports + (uint32_t)i), buf,
				     sizeof(buf));
		(void)rig_wasm_func_name(m, m->n_func_imports + (uint32_t)i);
	}
	for (size_t i = 0; i < m->n_imports; i++)
		if ((m->imports[i].kind == RIG_WASM_EXT_FUNC ||
		     m->imports[i].kind == RIG_WASM_EXT_TAG) &&
		    m->imports[i].type_index >= m->n_types)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rig_wasm_module *m = NULL;
	struct rig_wasm_profile *p = NULL;
	struct rig_error err = {0};
	struct rig_wasm_check c;
	char sum[400];
	int rc = rig_wasm_parse(data, size, "fuzz.wasm", &m, &err);

	if (rc != 0) {
		if (m || rc != RIG_ERR_PARSE || !strstr(err.msg, "offset 0x"))
			abort(); /* every failure says where */
		return 0;
	}
	check_accepted(m, size);
	if (rig_wasm_profile_load_string("fuzz.yaml", profile_yaml, sizeof(profile_yaml) - 1, &p,
					 &err))
		abort();
	rig_wasm_check(m, p, &c);
	if (c.problems != c.missing_imports.n + c.unsupported_features.n + c.memory_problems.n)
		abort();
	rig_wasm_check_summary(&c, sum, sizeof(sum));
	rig_wasm_check_free(&c);
	rig_wasm_profile_free(p);
	rig_wasm_free(m);
	return 0;
}
