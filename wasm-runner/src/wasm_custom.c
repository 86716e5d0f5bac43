/* Custom sections rig reads: `name` (function and module names) and
 * `producers` (toolchain). Errors here are warnings, as in runtimes. */
#include "wasm_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* ---- custom sections: names and producers (errors are warnings) ---- */

static void set_func_name(struct rig_wasm_module *m, uint32_t idx, const char *name)
{
	if (idx < m->n_func_imports || idx - m->n_func_imports >= m->n_funcs)
		return;
	idx -= m->n_func_imports;
	free(m->funcs[idx].name);
	m->funcs[idx].name = rig_xstrdup(name);
}

static int custom_name(struct rd *r, struct rig_wasm_module *m)
{
	int rc;

	while (r->pos < r->end) {
		uint8_t id = 0;
		uint32_t size, n;
		struct rd sub;

		if ((rc = wasm_rd_byte(r, &id, "name subsection id")) ||
		    (rc = wasm_rd_count(r, &size, 1, "name subsection size")))
			return rc;
		sub = *r;
		sub.end = r->pos + size;
		r->pos = sub.end;
		if (id == 0) {
			free(m->module_name);
			m->module_name = NULL;
			if ((rc = wasm_rd_name(&sub, &m->module_name, "module name")))
				return rc;
		} else if (id == 1) {
			if ((rc = wasm_rd_count(&sub, &n, 2, "function name count")))
				return rc;
			for (uint32_t i = 0; i < n; i++) {
				uint32_t idx = 0;
				char *name;
				if ((rc = wasm_rd_u32(&sub, &idx, "function index")) ||
				    (rc = wasm_rd_name(&sub, &name, "function name")))
					return rc;
				set_func_name(m, idx, name);
				free(name);
			}
		}
	}
	return 0;
}

static int custom_producers(struct rd *r, struct rig_wasm_module *m)
{
	uint32_t nf = 0;
	int rc;

	if ((rc = wasm_rd_count(r, &nf, 2, "producers field count")))
		return rc;
	for (uint32_t i = 0; i < nf; i++) {
		char *field;
		uint32_t nv = 0;

		if ((rc = wasm_rd_name(r, &field, "producers field name")))
			return rc;
		if ((rc = wasm_rd_count(r, &nv, 2, "producers value count"))) {
			free(field);
			return rc;
		}
		for (uint32_t k = 0; k < nv; k++) {
			char *name = NULL, *version = NULL;
			if ((rc = wasm_rd_name(r, &name, "producer name")) ||
			    (rc = wasm_rd_name(r, &version, "producer version"))) {
				free(name);
				free(field);
				return rc;
			}
			m->producers = rig_xrealloc(m->producers,
						    (m->n_producers + 1) * sizeof(*m->producers));
			m->producers[m->n_producers++] = (struct rig_wasm_producer){
			    .field = rig_xstrdup(field), .name = name, .version = version};
		}
		free(field);
	}
	return 0;
}

/* Custom-section contents are advisory: record the first problem and go on. */
void wasm_parse_custom(struct rd *r, struct rig_wasm_module *m, const char *name)
{
	struct rig_error cerr = {0}, *saved = r->err;
	int rc = 0;

	r->err = &cerr;
	if (strcmp(name, "name") == 0)
		rc = custom_name(r, m);
	else if (strcmp(name, "producers") == 0)
		rc = custom_producers(r, m);
	r->err = saved; /* cerr ends here */
	if (rc && !m->warning[0])
		snprintf(m->warning, sizeof(m->warning), "custom section ignored: %.560s",
			 cerr.msg);
}
