/* Summaries of a decoded module: names of codes and features, lookups by
 * index, formatting, and the sizes of a .wasm artifact. */
#include "wasm_module.h"

#include <stdio.h>
#include <string.h>

#include "util.h"
#include "wasm_internal.h"

static const char *const feature_names[RIG_WASM_F_COUNT] = {
    "mutable-globals", "sign-ext",     "sat-float-to-int", "multi-value", "bulk-memory",
    "reference-types", "simd",	       "threads",	   "memory64",	  "exceptions",
    "tail-call",       "multi-memory", "extended-const",
};

const char *rig_wasm_feature_name(unsigned bit_index)
{
	return bit_index < RIG_WASM_F_COUNT ? feature_names[bit_index] : NULL;
}

unsigned rig_wasm_feature_bit(const char *name)
{
	for (unsigned i = 0; i < RIG_WASM_F_COUNT; i++)
		if (strcmp(feature_names[i], name) == 0)
			return 1u << i;
	return 0;
}

const char *rig_wasm_valtype_name(uint8_t t)
{
	switch (t) {
	case VT_I32:
		return "i32";
	case VT_I64:
		return "i64";
	case VT_F32:
		return "f32";
	case VT_F64:
		return "f64";
	case VT_V128:
		return "v128";
	case VT_FUNCREF:
		return "funcref";
	case VT_EXTERNREF:
		return "externref";
	default:
		return "?";
	}
}

const char *rig_wasm_section_name(uint8_t id)
{
	static const char *const names[] = {
	    "custom", "type",  "import",  "function", "table", "memory",    "global",
	    "export", "start", "element", "code",     "data",  "datacount", "tag",
	};
	return id < RIG_ARRAY_SIZE(names) ? names[id] : "unknown";
}

const char *rig_wasm_extern_name(uint8_t kind)
{
	static const char *const names[] = {"func", "table", "memory", "global", "tag"};
	return kind < RIG_ARRAY_SIZE(names) ? names[kind] : "?";
}

const struct rig_wasm_section *rig_wasm_find_section(const struct rig_wasm_module *m, uint8_t id,
						     const char *custom_name)
{
	for (size_t i = 0; i < m->n_sections; i++) {
		if (m->sections[i].id != id)
			continue;
		if (id == RIG_WASM_SEC_CUSTOM && custom_name &&
		    strcmp(m->sections[i].name, custom_name) != 0)
			continue;
		return &m->sections[i];
	}
	return NULL;
}

const char *rig_wasm_func_name(const struct rig_wasm_module *m, uint32_t func_index)
{
	if (func_index < m->n_func_imports) {
		uint32_t k = 0;
		for (size_t i = 0; i < m->n_imports; i++)
			if (m->imports[i].kind == RIG_WASM_EXT_FUNC && k++ == func_index)
				return m->imports[i].name;
		return NULL;
	}
	func_index -= m->n_func_imports;
	return func_index < m->n_funcs ? m->funcs[func_index].name : NULL;
}

const struct rig_wasm_functype *rig_wasm_func_type(const struct rig_wasm_module *m,
						   uint32_t func_index)
{
	uint32_t t = 0;

	if (func_index < m->n_func_imports) {
		uint32_t k = 0;
		for (size_t i = 0; i < m->n_imports; i++)
			if (m->imports[i].kind == RIG_WASM_EXT_FUNC && k++ == func_index)
				return &m->types[m->imports[i].type_index];
		return NULL;
	}
	func_index -= m->n_func_imports;
	if (func_index >= m->n_funcs)
		return NULL;
	t = m->funcs[func_index].type_index;
	return t < m->n_types ? &m->types[t] : NULL;
}

char *rig_wasm_format_type(const struct rig_wasm_functype *t, char *buf, size_t cap)
{
	size_t n = 0;

	if (!cap)
		return buf;
	buf[0] = '\0';
#define PUT(...)                                                                                   \
	do {                                                                                       \
		if (n < cap)                                                                       \
			n += (size_t)snprintf(buf + n, cap - n, __VA_ARGS__);                      \
	} while (0)
	PUT("(");
	for (uint32_t i = 0; i < t->n_params; i++)
		PUT("%s%s", i ? ", " : "", rig_wasm_valtype_name(t->params[i]));
	PUT(") -> (");
	for (uint32_t i = 0; i < t->n_results; i++)
		PUT("%s%s", i ? ", " : "", rig_wasm_valtype_name(t->results[i]));
	PUT(")");
#undef PUT
	return buf;
}

int rig_wasm_sizes(const char *path, struct rig_sizes *out, struct rig_error *err)
{
	struct rig_wasm_module *m;
	int rc = rig_wasm_load(path, &m, err);

	if (rc)
		return rc;
	memset(out, 0, sizeof(*out));
	out->file_bytes = (int64_t)m->file_bytes;
	out->text_bytes = (int64_t)m->code_bytes;
	out->data_bytes = (int64_t)m->data_bytes;
	out->alloc_bytes = 8;
	for (size_t i = 0; i < m->n_sections; i++)
		if (m->sections[i].id != RIG_WASM_SEC_CUSTOM)
			out->alloc_bytes += (int64_t)(m->sections[i].payload_offset -
						      m->sections[i].offset + m->sections[i].size);
	out->elf_machine = 0;
	rig_wasm_free(m);
	return 0;
}
