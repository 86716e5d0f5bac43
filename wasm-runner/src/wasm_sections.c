/* The decoders of the known (non-custom) sections, one per id (spec 5.5). */
#include "wasm_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static int sec_type(struct rd *r, struct rig_wasm_module *m, int64_t *count)
{
	uint32_t n = 0;
	int rc;

	if ((rc = wasm_rd_count(r, &n, 3, "type count")))
		return rc;
	*count = n;
	m->types = rig_xcalloc(n ? n : 1, sizeof(*m->types));
	for (uint32_t i = 0; i < n; i++) {
		struct rig_wasm_functype *t = &m->types[i];
		size_t at = r->pos;
		uint8_t form = 0;

		r->entry = i;
		if ((rc = wasm_rd_byte(r, &form, "function type form 0x60")))
			return rc;
		if (form != FUNC_FORM)
			return wasm_fail_at(r, at, "expected function type form 0x60, got 0x%02x%s",
					    form,
					    form == 0x4e || form == 0x50 || form == 0x4f
						? " (GC proposal types are not supported)"
						: "");
		m->n_types = i + 1;
		if ((rc = wasm_rd_count(r, &t->n_params, 1, "parameter count")))
			return rc;
		t->params = rig_xmalloc(t->n_params ? t->n_params : 1);
		for (uint32_t k = 0; k < t->n_params; k++)
			if ((rc = wasm_rd_valtype(r, m, &t->params[k], "parameter type")))
				return rc;
		if ((rc = wasm_rd_count(r, &t->n_results, 1, "result count")))
			return rc;
		t->results = rig_xmalloc(t->n_results ? t->n_results : 1);
		for (uint32_t k = 0; k < t->n_results; k++)
			if ((rc = wasm_rd_valtype(r, m, &t->results[k], "result type")))
				return rc;
		if (t->n_results > 1)
			m->features |= RIG_WASM_F_MULTI_VALUE;
	}
	return 0;
}

static int check_index(struct rd *r, size_t at, uint64_t idx, uint64_t limit, const char *what)
{
	if (idx >= limit)
		return wasm_fail_at(r, at, "%s %llu is out of range (%llu defined)", what,
				    (unsigned long long)idx, (unsigned long long)limit);
	return 0;
}

static int sec_import(struct rd *r, struct rig_wasm_module *m, int64_t *count)
{
	uint32_t n = 0;
	int rc;

	if ((rc = wasm_rd_count(r, &n, 4, "import count")))
		return rc;
	*count = n;
	m->imports = rig_xcalloc(n ? n : 1, sizeof(*m->imports));
	for (uint32_t i = 0; i < n; i++) {
		struct rig_wasm_import *im = &m->imports[i];
		size_t at;

		r->entry = i;
		m->n_imports = i + 1;
		if ((rc = wasm_rd_name(r, &im->module, "import module name")) ||
		    (rc = wasm_rd_name(r, &im->name, "import field name")))
			return rc;
		at = r->pos;
		if ((rc = wasm_rd_byte(r, &im->kind, "import kind")))
			return rc;
		switch (im->kind) {
		case RIG_WASM_EXT_FUNC:
			at = r->pos;
			if ((rc = wasm_rd_u32(r, &im->type_index, "type index")) ||
			    (rc = check_index(r, at, im->type_index, m->n_types, "type index")))
				return rc;
			m->n_func_imports++;
			break;
		case RIG_WASM_EXT_TABLE:
			if ((rc = wasm_rd_reftype(r, m, &im->valtype)) ||
			    (rc = wasm_rd_limits(r, m, 0, &im->limits)))
				return rc;
			m->tables = rig_xrealloc(m->tables, (m->n_tables + 1) * sizeof(*m->tables));
			m->tables[m->n_tables++] = (struct rig_wasm_table){
			    .reftype = im->valtype, .limits = im->limits, .imported = 1};
			break;
		case RIG_WASM_EXT_MEMORY:
			if ((rc = wasm_rd_limits(r, m, 1, &im->limits)))
				return rc;
			m->memories =
			    rig_xrealloc(m->memories, (m->n_memories + 1) * sizeof(*m->memories));
			m->memories[m->n_memories++] =
			    (struct rig_wasm_memory){.limits = im->limits, .imported = 1};
			break;
		case RIG_WASM_EXT_GLOBAL:
			if ((rc = wasm_rd_globaltype(r, m, &im->valtype, &im->is_mutable)))
				return rc;
			if (im->is_mutable)
				m->features |= RIG_WASM_F_MUTABLE_GLOBALS;
			m->n_global_imports++;
			break;
		case RIG_WASM_EXT_TAG: {
			uint8_t attr = 0;
			m->features |= RIG_WASM_F_EXCEPTIONS;
			if ((rc = wasm_rd_byte(r, &attr, "tag attribute")))
				return rc;
			at = r->pos;
			if ((rc = wasm_rd_u32(r, &im->type_index, "tag type index")) ||
			    (rc = check_index(r, at, im->type_index, m->n_types, "type index")))
				return rc;
			m->n_tag_imports++;
			break;
		}
		default:
			return wasm_fail_at(
			    r, at,
			    "expected an import kind 0..4 (func, table, memory, global, "
			    "tag), got 0x%02x",
			    im->kind);
		}
	}
	return 0;
}

static int sec_function(struct rd *r, struct rig_wasm_module *m, int64_t *count)
{
	uint32_t n = 0;
	int rc;

	if ((rc = wasm_rd_count(r, &n, 1, "function count")))
		return rc;
	*count = n;
	m->funcs = rig_xcalloc(n ? n : 1, sizeof(*m->funcs));
	m->n_funcs = n;
	for (uint32_t i = 0; i < n; i++) {
		size_t at = r->pos;
		r->entry = i;
		if ((rc = wasm_rd_u32(r, &m->funcs[i].type_index, "type index")) ||
		    (rc = check_index(r, at, m->funcs[i].type_index, m->n_types, "type index")))
			return rc;
	}
	return 0;
}

static int sec_table(struct rd *r, struct rig_wasm_module *m, int64_t *count)
{
	uint32_t n = 0;
	int rc;

	if ((rc = wasm_rd_count(r, &n, 3, "table count")))
		return rc;
	*count = n;
	m->tables = rig_xrealloc(m->tables, (m->n_tables + n + 1) * sizeof(*m->tables));
	for (uint32_t i = 0; i < n; i++) {
		struct rig_wasm_table *t = &m->tables[m->n_tables];
		r->entry = i;
		memset(t, 0, sizeof(*t));
		if ((rc = wasm_rd_reftype(r, m, &t->reftype)) ||
		    (rc = wasm_rd_limits(r, m, 0, &t->limits)))
			return rc;
		m->n_tables++;
	}
	if (m->n_tables > 1)
		m->features |= RIG_WASM_F_REFERENCE_TYPES;
	return 0;
}

static int sec_memory(struct rd *r, struct rig_wasm_module *m, int64_t *count)
{
	uint32_t n = 0;
	int rc;

	if ((rc = wasm_rd_count(r, &n, 2, "memory count")))
		return rc;
	*count = n;
	m->memories = rig_xrealloc(m->memories, (m->n_memories + n + 1) * sizeof(*m->memories));
	for (uint32_t i = 0; i < n; i++) {
		struct rig_wasm_memory *mem = &m->memories[m->n_memories];
		r->entry = i;
		memset(mem, 0, sizeof(*mem));
		if ((rc = wasm_rd_limits(r, m, 1, &mem->limits)))
			return rc;
		m->n_memories++;
	}
	if (m->n_memories > 1)
		m->features |= RIG_WASM_F_MULTI_MEMORY;
	return 0;
}

static int sec_tag(struct rd *r, struct rig_wasm_module *m, int64_t *count)
{
	uint32_t n = 0;
	int rc;

	m->features |= RIG_WASM_F_EXCEPTIONS;
	if ((rc = wasm_rd_count(r, &n, 2, "tag count")))
		return rc;
	*count = n;
	for (uint32_t i = 0; i < n; i++) {
		uint8_t attr = 0;
		uint32_t t = 0;
		size_t at;
		r->entry = i;
		if ((rc = wasm_rd_byte(r, &attr, "tag attribute")))
			return rc;
		at = r->pos;
		if ((rc = wasm_rd_u32(r, &t, "tag type index")) ||
		    (rc = check_index(r, at, t, m->n_types, "type index")))
			return rc;
	}
	return 0;
}

/* A constant expression runs to its `end`; its length is not prefixed, so
 * it is decoded in place over the rest of the section. */
static int rd_const_expr(struct rd *r, struct rig_wasm_module *m) { return wasm_rd_expr(r, m, 1); }

static int sec_global(struct rd *r, struct rig_wasm_module *m, int64_t *count)
{
	uint32_t n = 0;
	int rc;

	if ((rc = wasm_rd_count(r, &n, 3, "global count")))
		return rc;
	*count = n;
	m->global_mutable = rig_xcalloc(n ? n : 1, 1);
	for (uint32_t i = 0; i < n; i++) {
		uint8_t vt = 0;
		int mut = 0;
		r->entry = i;
		if ((rc = wasm_rd_globaltype(r, m, &vt, &mut)) || (rc = rd_const_expr(r, m)))
			return rc;
		m->global_mutable[i] = (uint8_t)mut;
	}
	m->n_globals = n;
	return 0;
}

static int sec_export(struct rd *r, struct rig_wasm_module *m, int64_t *count)
{
	uint32_t n = 0;
	int rc;

	if ((rc = wasm_rd_count(r, &n, 3, "export count")))
		return rc;
	*count = n;
	m->exports = rig_xcalloc(n ? n : 1, sizeof(*m->exports));
	for (uint32_t i = 0; i < n; i++) {
		struct rig_wasm_export *e = &m->exports[i];
		uint64_t limit = 0;
		size_t at;

		r->entry = i;
		m->n_exports = i + 1;
		if ((rc = wasm_rd_name(r, &e->name, "export name")))
			return rc;
		at = r->pos;
		if ((rc = wasm_rd_byte(r, &e->kind, "export kind")))
			return rc;
		switch (e->kind) {
		case RIG_WASM_EXT_FUNC:
			limit = m->n_func_imports + (uint64_t)m->n_funcs;
			break;
		case RIG_WASM_EXT_TABLE:
			limit = m->n_tables;
			break;
		case RIG_WASM_EXT_MEMORY:
			limit = m->n_memories;
			break;
		case RIG_WASM_EXT_GLOBAL:
			limit = m->n_global_imports + (uint64_t)m->n_globals;
			break;
		case RIG_WASM_EXT_TAG:
			limit = UINT32_MAX;
			break;
		default:
			return wasm_fail_at(r, at, "expected an export kind 0..4, got 0x%02x",
					    e->kind);
		}
		at = r->pos;
		if ((rc = wasm_rd_u32(r, &e->index, "export index")) ||
		    (rc = check_index(r, at, e->index, limit, rig_wasm_extern_name(e->kind))))
			return rc;
		if (e->kind == RIG_WASM_EXT_GLOBAL && e->index >= m->n_global_imports &&
		    m->global_mutable[e->index - m->n_global_imports])
			m->features |= RIG_WASM_F_MUTABLE_GLOBALS;
		for (uint32_t k = 0; k < i; k++)
			if (strcmp(m->exports[k].name, e->name) == 0)
				return wasm_fail_at(r, at, "duplicate export name \"%s\"", e->name);
	}
	return 0;
}

static int sec_start(struct rd *r, struct rig_wasm_module *m, int64_t *count)
{
	size_t at = r->pos;
	int rc;

	if ((rc = wasm_rd_u32(r, &m->start_func, "start function index")) ||
	    (rc = check_index(r, at, m->start_func, m->n_func_imports + (uint64_t)m->n_funcs,
			      "start function index")))
		return rc;
	m->has_start = 1;
	return 0;
}

static int rd_func_indices(struct rd *r)
{
	uint32_t n = 0;
	int rc;

	if ((rc = wasm_rd_count(r, &n, 1, "element function count")))
		return rc;
	for (uint32_t k = 0; k < n; k++)
		if ((rc = wasm_rd_index(r, "element function index")))
			return rc;
	return 0;
}

static int rd_elem_exprs(struct rd *r, struct rig_wasm_module *m)
{
	uint32_t n = 0;
	int rc;

	if ((rc = wasm_rd_count(r, &n, 2, "element expression count")))
		return rc;
	for (uint32_t k = 0; k < n; k++)
		if ((rc = rd_const_expr(r, m)))
			return rc;
	return 0;
}

/* Element segments: 8 encodings selected by a flags word (spec 5.5.12). */
static int sec_element(struct rd *r, struct rig_wasm_module *m, int64_t *count)
{
	uint32_t n = 0;
	int rc;

	if ((rc = wasm_rd_count(r, &n, 2, "element segment count")))
		return rc;
	*count = n;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t flags, table = 0;
		size_t at = r->pos;
		uint8_t kind = 0;

		r->entry = i;
		if ((rc = wasm_rd_u32(r, &flags, "element segment flags")))
			return rc;
		if (flags > 7)
			return wasm_fail_at(r, at, "expected element segment flags 0..7, got %u",
					    flags);
		if (flags & 1) /* passive or declarative */
			m->features |= RIG_WASM_F_BULK_MEMORY;
		if (flags & 4)
			m->features |= RIG_WASM_F_REFERENCE_TYPES;
		if (flags == 2 || flags == 6)
			if ((rc = wasm_rd_u32(r, &table, "table index")))
				return rc;
		if (table)
			m->features |= RIG_WASM_F_REFERENCE_TYPES;
		if (!(flags & 1) && (rc = rd_const_expr(r, m)))
			return rc;
		if (flags & 3) { /* an element kind or reference type follows */
			at = r->pos;
			if (flags & 4) {
				if ((rc = wasm_rd_reftype(r, m, &kind)))
					return rc;
			} else {
				if ((rc = wasm_rd_byte(r, &kind, "element kind")))
					return rc;
				if (kind != 0)
					return wasm_fail_at(
					    r, at,
					    "expected element kind 0x00 (funcref), got 0x%02x",
					    kind);
			}
		}
		rc = (flags & 4) ? rd_elem_exprs(r, m) : rd_func_indices(r);
		if (rc)
			return rc;
		m->n_elem_segments++;
	}
	return 0;
}

static int sec_datacount(struct rd *r, struct rig_wasm_module *m, int64_t *count)
{
	int rc = wasm_rd_u32(r, &m->datacount, "data count");

	if (rc)
		return rc;
	m->has_datacount = 1;
	m->features |= RIG_WASM_F_BULK_MEMORY;
	*count = m->datacount;
	return 0;
}

static int rd_locals(struct rd *r, struct rig_wasm_module *m)
{
	uint64_t total = 0;
	uint32_t n = 0;
	int rc;

	if ((rc = wasm_rd_count(r, &n, 2, "local declaration count")))
		return rc;
	for (uint32_t k = 0; k < n; k++) {
		uint32_t c = 0;
		uint8_t t = 0;
		size_t at = r->pos;
		if ((rc = wasm_rd_u32(r, &c, "local count")) ||
		    (rc = wasm_rd_valtype(r, m, &t, "local type")))
			return rc;
		total += c;
		if (total > UINT32_MAX)
			return wasm_fail_at(r, at, "more than 2^32-1 locals in one function");
	}
	return 0;
}

static int sec_code(struct rd *r, struct rig_wasm_module *m, int64_t *count)
{
	size_t start = r->pos;
	uint32_t n = 0;
	int rc;

	if ((rc = wasm_rd_count(r, &n, 2, "code entry count")))
		return rc;
	*count = n;
	if (n != m->n_funcs)
		return wasm_fail_at(
		    r, start,
		    "the code section has %u bodies but the function section declares "
		    "%zu functions",
		    n, m->n_funcs);
	for (uint32_t i = 0; i < n; i++) {
		struct rd body;
		uint32_t size = 0;

		r->entry = i;
		if ((rc = wasm_rd_count(r, &size, 1, "function body size")))
			return rc;
		body = *r;
		body.end = r->pos + size;
		m->funcs[i].body_offset = r->pos;
		m->funcs[i].body_size = size;
		if ((rc = rd_locals(&body, m)) || (rc = wasm_rd_expr(&body, m, 0)))
			return rc;
		r->pos = body.end;
	}
	return 0;
}

static int sec_data(struct rd *r, struct rig_wasm_module *m, int64_t *count)
{
	size_t start = r->pos;
	uint32_t n = 0;
	int rc;

	if ((rc = wasm_rd_count(r, &n, 2, "data segment count")))
		return rc;
	*count = n;
	if (m->has_datacount && n != m->datacount)
		return wasm_fail_at(r, start,
				    "%u data segments, but the data count section says %u", n,
				    m->datacount);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t flags, mem = 0, len;
		size_t at = r->pos;

		r->entry = i;
		if ((rc = wasm_rd_u32(r, &flags, "data segment flags")))
			return rc;
		if (flags > 2)
			return wasm_fail_at(r, at, "expected data segment flags 0, 1 or 2, got %u",
					    flags);
		if (flags == 1)
			m->features |= RIG_WASM_F_BULK_MEMORY;
		if (flags == 2 && (rc = wasm_rd_u32(r, &mem, "memory index")))
			return rc;
		if (mem)
			m->features |= RIG_WASM_F_MULTI_MEMORY;
		if (flags != 1 && (rc = rd_const_expr(r, m)))
			return rc;
		if ((rc = wasm_rd_count(r, &len, 1, "data segment size")) ||
		    (rc = wasm_rd_skip(r, len, "data segment bytes")))
			return rc;
		m->data_init_bytes += len;
		m->n_data_segments++;
	}
	return 0;
}

section_fn wasm_section_parser(uint8_t id)
{
	switch (id) {
	case RIG_WASM_SEC_TYPE:
		return sec_type;
	case RIG_WASM_SEC_IMPORT:
		return sec_import;
	case RIG_WASM_SEC_FUNCTION:
		return sec_function;
	case RIG_WASM_SEC_TABLE:
		return sec_table;
	case RIG_WASM_SEC_MEMORY:
		return sec_memory;
	case RIG_WASM_SEC_GLOBAL:
		return sec_global;
	case RIG_WASM_SEC_EXPORT:
		return sec_export;
	case RIG_WASM_SEC_START:
		return sec_start;
	case RIG_WASM_SEC_ELEMENT:
		return sec_element;
	case RIG_WASM_SEC_CODE:
		return sec_code;
	case RIG_WASM_SEC_DATA:
		return sec_data;
	case RIG_WASM_SEC_DATACOUNT:
		return sec_datacount;
	case RIG_WASM_SEC_TAG:
		return sec_tag;
	default:
		return NULL;
	}
}
