/* WebAssembly binary parser, the top level: the header, the section order,
 * the entry points and freeing. Follows the binary format of the WebAssembly
 * core specification (chapter 5), plus the encodings of the post-MVP
 * proposals rig reports as features. See wasm_module.h; the decoder's parts
 * are listed in wasm_internal.h. */
#include "wasm_module.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "wasm_internal.h"

/* Position of each section id in the required order (tag between memory
 * and global, data count between element and code). */
static int section_rank(uint8_t id)
{
	static const int rank[] = {
	    [RIG_WASM_SEC_TYPE] = 1,	 [RIG_WASM_SEC_IMPORT] = 2,	[RIG_WASM_SEC_FUNCTION] = 3,
	    [RIG_WASM_SEC_TABLE] = 4,	 [RIG_WASM_SEC_MEMORY] = 5,	[RIG_WASM_SEC_TAG] = 6,
	    [RIG_WASM_SEC_GLOBAL] = 7,	 [RIG_WASM_SEC_EXPORT] = 8,	[RIG_WASM_SEC_START] = 9,
	    [RIG_WASM_SEC_ELEMENT] = 10, [RIG_WASM_SEC_DATACOUNT] = 11, [RIG_WASM_SEC_CODE] = 12,
	    [RIG_WASM_SEC_DATA] = 13,
	};
	return id < RIG_ARRAY_SIZE(rank) ? rank[id] : 0;
}

static int parse_section(struct rd *file, struct rig_wasm_module *m, int *last_rank)
{
	struct rig_wasm_section s = {.offset = file->pos, .count = -1};
	char ctx[96];
	struct rd r;
	uint32_t size = 0;
	section_fn fn;
	int rc, rank;

	if ((rc = wasm_rd_byte(file, &s.id, "a section id")) ||
	    (rc = wasm_rd_count(file, &size, 1, "section size")))
		return rc;
	s.payload_offset = file->pos;
	s.size = size;
	snprintf(s.name, sizeof(s.name), "%s", rig_wasm_section_name(s.id));
	r = *file;
	r.end = file->pos + size;
	r.entry = -1;
	file->pos = r.end;
	snprintf(ctx, sizeof(ctx), "section '%s'", s.name);
	r.ctx = ctx;

	if (s.id == RIG_WASM_SEC_CUSTOM) {
		char *name;
		if ((rc = wasm_rd_name(&r, &name, "custom section name")))
			return rc;
		snprintf(s.name, sizeof(s.name), "%s", name);
		snprintf(ctx, sizeof(ctx), "custom section '%s'", s.name);
		wasm_parse_custom(&r, m, name);
		free(name);
		m->custom_bytes += size;
		if (strncmp(s.name, ".debug_", 7) == 0)
			m->debug_bytes += size;
		if (strcmp(s.name, "name") == 0)
			m->name_bytes += size;
	} else {
		fn = wasm_section_parser(s.id);
		if (!fn)
			return wasm_fail_at(file, s.offset,
					    "unknown section id %u (expected 0..13)", s.id);
		rank = section_rank(s.id);
		if (rank <= *last_rank)
			return wasm_fail_at(
			    file, s.offset,
			    "section '%s' is out of order or repeated (sections must "
			    "appear once, in the order of the spec)",
			    s.name);
		*last_rank = rank;
		if ((rc = fn(&r, m, &s.count)))
			return rc;
		r.entry = -1;
		if (r.pos != r.end)
			return wasm_fail_at(
			    &r, r.pos,
			    "section declares %u bytes but its contents end %zu bytes early", size,
			    r.end - r.pos);
		if (s.id == RIG_WASM_SEC_CODE)
			m->code_bytes += size;
		if (s.id == RIG_WASM_SEC_DATA)
			m->data_bytes += size;
	}
	m->sections = rig_xrealloc(m->sections, (m->n_sections + 1) * sizeof(*m->sections));
	m->sections[m->n_sections++] = s;
	return 0;
}

static int check_module(struct rd *r, struct rig_wasm_module *m, int saw_code)
{
	if (m->n_funcs && !saw_code)
		return wasm_fail_at(
		    r, r->pos,
		    "the function section declares %zu functions but there is no code section",
		    m->n_funcs);
	if (m->has_datacount && m->datacount != m->n_data_segments)
		return wasm_fail_at(r, r->pos,
				    "the data count section says %u segments but there are %zu",
				    m->datacount, m->n_data_segments);
	return 0;
}

int rig_wasm_parse(const uint8_t *data, size_t len, const char *name, struct rig_wasm_module **out,
		   struct rig_error *err)
{
	struct rd r = {.p = data,
		       .pos = 0,
		       .end = len,
		       .file = name ? name : "module",
		       .entry = -1,
		       .err = err};
	struct rig_wasm_module *m;
	int rc, last_rank = 0;

	*out = NULL;
	if (len < 4 || memcmp(data, WASM_MAGIC, 4) != 0)
		return wasm_fail_at(
		    &r, 0,
		    "expected the magic number \\0asm (00 61 73 6d): not a WebAssembly module%s",
		    len < 4 ? " (file shorter than 4 bytes)" : "");
	if (len < 8)
		return wasm_fail_at(&r, 4,
				    "expected a 4-byte version after the magic, but the file ends");
	m = rig_xcalloc(1, sizeof(*m));
	m->file_bytes = len;
	m->version = (uint32_t)data[4] | (uint32_t)data[5] << 8 | (uint32_t)data[6] << 16 |
		     (uint32_t)data[7] << 24;
	if (m->version != WASM_VERSION) {
		rc = wasm_fail_at(
		    &r, 4, "expected version 1 (01 00 00 00), got 0x%08x%s", m->version,
		    m->version == 0x1000d ? " (a component-model component, not a core module)"
					  : "");
		rig_wasm_free(m);
		return rc;
	}
	r.pos = 8;
	while (r.pos < r.end) {
		if ((rc = parse_section(&r, m, &last_rank))) {
			rig_wasm_free(m);
			return rc;
		}
	}
	if ((rc = check_module(&r, m, rig_wasm_find_section(m, RIG_WASM_SEC_CODE, NULL) != NULL))) {
		rig_wasm_free(m);
		return rc;
	}
	*out = m;
	return 0;
}

int rig_wasm_load(const char *path, struct rig_wasm_module **out, struct rig_error *err)
{
	/* O_NONBLOCK: opening a FIFO with no writer must not block */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	struct stat st;
	void *map;
	int rc;

	*out = NULL;
	if (fd < 0)
		return rig_fail(err, errno == ENOENT ? RIG_ERR_NOT_FOUND : RIG_ERR_IO, "%s: %s",
				path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return rig_fail(err, RIG_ERR_INVALID, "%s: not a regular file (%s)", path,
				S_ISDIR(st.st_mode)			     ? "a directory"
				: S_ISFIFO(st.st_mode)			     ? "a FIFO"
				: S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device"
									     : "not a file");
	}
	if ((uint64_t)st.st_size > RIG_WASM_MAX_BYTES) {
		close(fd);
		return rig_fail(err, RIG_ERR_INVALID,
				"%s: %lld bytes, more than the %llu a module may have", path,
				(long long)st.st_size, (unsigned long long)RIG_WASM_MAX_BYTES);
	}
	if (st.st_size == 0) {
		close(fd);
		return rig_wasm_parse((const uint8_t *)"", 0, path, out, err);
	}
	/* mapped, not read: only the pages the decoder reaches are touched
	 * (a 1 GiB sparse file costs nothing before its bad magic) */
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return rig_fail(err, RIG_ERR_IO, "%s: cannot map: %s", path, strerror(errno));
	rc = rig_wasm_parse(map, (size_t)st.st_size, path, out, err);
	munmap(map, (size_t)st.st_size);
	return rc;
}

void rig_wasm_free(struct rig_wasm_module *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n_types; i++) {
		free(m->types[i].params);
		free(m->types[i].results);
	}
	for (size_t i = 0; i < m->n_imports; i++) {
		free(m->imports[i].module);
		free(m->imports[i].name);
	}
	for (size_t i = 0; i < m->n_exports; i++)
		free(m->exports[i].name);
	for (size_t i = 0; i < m->n_funcs; i++)
		free(m->funcs[i].name);
	for (size_t i = 0; i < m->n_producers; i++) {
		free(m->producers[i].field);
		free(m->producers[i].name);
		free(m->producers[i].version);
	}
	free(m->producers);
	free(m->global_mutable);
	free(m->module_name);
	free(m->types);
	free(m->imports);
	free(m->exports);
	free(m->funcs);
	free(m->tables);
	free(m->memories);
	free(m->sections);
	free(m);
}
