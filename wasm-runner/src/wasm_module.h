/*
 * WebAssembly module inspector: parses a binary module completely and
 * safely (every LEB128 and every length is bounds-checked against its
 * section and the file; nothing in the file is trusted) and describes it:
 * sections with their sizes (custom ones too: name, producers, DWARF
 * .debug_*), types, imports and exports with signatures, memory and table
 * limits, functions with their code size and their name from the `name`
 * section, and the WebAssembly features the module uses (found from its
 * types, segments and every instruction of every function body).
 *
 * A malformed module is an error (RIG_ERR_PARSE) whose message gives the
 * byte offset and what was expected there:
 *
 *   x.wasm: offset 0x1a (section 'import', entry 3): expected a LEB128 u32 of at most 5 bytes
 *
 * Custom sections are not part of the module's semantics: a malformed
 * `name` or `producers` section is recorded in `warning` and its contents
 * ignored, as runtimes do.
 */
#ifndef RIG_WASM_MODULE_H
#define RIG_WASM_MODULE_H

#include <stddef.h>
#include <stdint.h>

#include "artifact.h"
#include "error.h"

/* Section ids (WebAssembly core spec 5.5.2; tag: exception-handling proposal). */
enum rig_wasm_section_id {
	RIG_WASM_SEC_CUSTOM = 0,
	RIG_WASM_SEC_TYPE = 1,
	RIG_WASM_SEC_IMPORT = 2,
	RIG_WASM_SEC_FUNCTION = 3,
	RIG_WASM_SEC_TABLE = 4,
	RIG_WASM_SEC_MEMORY = 5,
	RIG_WASM_SEC_GLOBAL = 6,
	RIG_WASM_SEC_EXPORT = 7,
	RIG_WASM_SEC_START = 8,
	RIG_WASM_SEC_ELEMENT = 9,
	RIG_WASM_SEC_CODE = 10,
	RIG_WASM_SEC_DATA = 11,
	RIG_WASM_SEC_DATACOUNT = 12,
	RIG_WASM_SEC_TAG = 13,
};

/* External kinds of imports and exports (spec 5.5.5). */
enum rig_wasm_extern {
	RIG_WASM_EXT_FUNC = 0,
	RIG_WASM_EXT_TABLE = 1,
	RIG_WASM_EXT_MEMORY = 2,
	RIG_WASM_EXT_GLOBAL = 3,
	RIG_WASM_EXT_TAG = 4,
};

/* Features beyond the WebAssembly 1.0 MVP, as bits of rig_wasm_module.features.
 * Names (rig_wasm_feature_name) follow the proposals' usual short names and
 * are what runtime profiles list. */
enum rig_wasm_feature {
	RIG_WASM_F_MUTABLE_GLOBALS = 1u << 0,  /* imported/exported mutable global */
	RIG_WASM_F_SIGN_EXT = 1u << 1,	       /* i32.extend8_s ... */
	RIG_WASM_F_SAT_FLOAT_TO_INT = 1u << 2, /* i32.trunc_sat_f32_s ... */
	RIG_WASM_F_MULTI_VALUE = 1u << 3,      /* >1 result, or typed blocks */
	RIG_WASM_F_BULK_MEMORY = 1u << 4,      /* memory.copy/fill, passive segments */
	RIG_WASM_F_REFERENCE_TYPES = 1u << 5,  /* externref, several tables, table.* */
	RIG_WASM_F_SIMD = 1u << 6,	       /* v128 */
	RIG_WASM_F_THREADS = 1u << 7,	       /* shared memory, atomics */
	RIG_WASM_F_MEMORY64 = 1u << 8,
	RIG_WASM_F_EXCEPTIONS = 1u << 9,      /* tag section, try/catch/throw */
	RIG_WASM_F_TAIL_CALL = 1u << 10,      /* return_call */
	RIG_WASM_F_MULTI_MEMORY = 1u << 11,   /* more than one memory */
	RIG_WASM_F_EXTENDED_CONST = 1u << 12, /* arithmetic in constant expressions */
};
#define RIG_WASM_F_COUNT 13

/* "sign-ext", ... for bit i (0..RIG_WASM_F_COUNT-1); NULL past the end. */
const char *rig_wasm_feature_name(unsigned bit_index);
/* The bit for a name, or 0 when unknown. */
unsigned rig_wasm_feature_bit(const char *name);

/* "i32", "i64", "f32", "f64", "v128", "funcref", "externref", or "?". */
const char *rig_wasm_valtype_name(uint8_t t);
/* "type", "import", ..., "custom". */
const char *rig_wasm_section_name(uint8_t id);
/* "func", "table", "memory", "global", "tag". */
const char *rig_wasm_extern_name(uint8_t kind);

struct rig_wasm_limits {
	uint64_t min, max; /* pages (64 KiB) for memories, elements for tables */
	int has_max;
	int shared;
	int is64;
};

struct rig_wasm_section {
	uint8_t id;
	char name[64];		 /* standard name, or the custom section's own name */
	uint64_t offset;	 /* of the id byte */
	uint64_t payload_offset; /* first byte after the size LEB128 */
	uint64_t size;		 /* payload bytes: what `wasm-objdump -h` calls size */
	int64_t count;		 /* entries for vector sections, -1 otherwise */
};

struct rig_wasm_functype {
	uint32_t n_params, n_results;
	uint8_t *params, *results; /* value type bytes; owned */
};

struct rig_wasm_import {
	char *module, *name; /* owned, NUL-terminated (names may not hold NUL: rejected) */
	uint8_t kind;
	uint32_t type_index;	       /* func, tag */
	uint8_t valtype;	       /* global; table: its reference type */
	int is_mutable;		       /* global */
	struct rig_wasm_limits limits; /* table, memory */
};

struct rig_wasm_export {
	char *name;
	uint8_t kind;
	uint32_t index;
};

/* A function defined in the module (imports are not in this list: the
 * function index of funcs[i] is n_func_imports + i). */
struct rig_wasm_func {
	uint32_t type_index;
	uint64_t body_offset; /* of the body's first byte (its locals) */
	uint64_t body_size;   /* bytes of the body, as the code section's entry size */
	char *name;	      /* from the name section, or NULL; owned */
};

struct rig_wasm_table {
	uint8_t reftype;
	struct rig_wasm_limits limits;
	int imported;
};

struct rig_wasm_memory {
	struct rig_wasm_limits limits;
	int imported;
};

/* One "field: name version" entry of the producers section. */
struct rig_wasm_producer {
	char *field, *name, *version; /* owned */
};

struct rig_wasm_module {
	uint64_t file_bytes;
	uint32_t version;

	struct rig_wasm_section *sections;
	size_t n_sections;

	struct rig_wasm_functype *types;
	size_t n_types;
	struct rig_wasm_import *imports;
	size_t n_imports;
	uint32_t n_func_imports, n_global_imports, n_tag_imports;
	struct rig_wasm_func *funcs;
	size_t n_funcs;
	struct rig_wasm_table *tables; /* imported ones first */
	size_t n_tables;
	struct rig_wasm_memory *memories; /* imported ones first */
	size_t n_memories;
	size_t n_globals;	 /* defined (not imported) */
	uint8_t *global_mutable; /* [n_globals]: 1 when defined global i is mutable */
	struct rig_wasm_export *exports;
	size_t n_exports;
	int has_start;
	uint32_t start_func;
	size_t n_elem_segments, n_data_segments;
	uint64_t data_init_bytes; /* bytes of all data segments' contents */
	int has_datacount;
	uint32_t datacount;
	uint64_t n_instructions; /* in all function bodies */

	char *module_name; /* name section subsection 0, or NULL */
	struct rig_wasm_producer *producers;
	size_t n_producers;

	/* totals of section payload sizes */
	uint64_t code_bytes, data_bytes, custom_bytes, debug_bytes, name_bytes;

	unsigned features; /* enum rig_wasm_feature bits */
	char warning[600]; /* a custom section that did not parse, or "" */
};

/*
 * Parses a module held in memory. name is used in messages (the file
 * name). Returns 0 and a module in *out (free with rig_wasm_free), or
 * RIG_ERR_PARSE with the offset and what was expected. Never reads outside
 * data[0..len). Does not keep a pointer to data.
 */
int rig_wasm_parse(const uint8_t *data, size_t len, const char *name, struct rig_wasm_module **out,
		   struct rig_error *err);
/* The largest module rig_wasm_load takes (1 GiB). */
#define RIG_WASM_MAX_BYTES (1ull << 30)
/* Maps path (never reads it whole) and parses it. A directory, FIFO, device
 * or socket is refused before any read (RIG_ERR_INVALID, naming which), as
 * is a file over RIG_WASM_MAX_BYTES; RIG_ERR_NOT_FOUND / RIG_ERR_IO for the
 * file. Does not block. */
int rig_wasm_load(const char *path, struct rig_wasm_module **out, struct rig_error *err);
void rig_wasm_free(struct rig_wasm_module *m);

/* The first section with this id (and, for custom sections, this name;
 * NULL for any), or NULL. */
const struct rig_wasm_section *rig_wasm_find_section(const struct rig_wasm_module *m, uint8_t id,
						     const char *custom_name);
/* Function name for a function index (imports first), or NULL. */
const char *rig_wasm_func_name(const struct rig_wasm_module *m, uint32_t func_index);
/* Type of a function index, or NULL when out of range. */
const struct rig_wasm_functype *rig_wasm_func_type(const struct rig_wasm_module *m,
						   uint32_t func_index);
/* Writes "(i32, i64) -> (i32)" into buf; returns buf. */
char *rig_wasm_format_type(const struct rig_wasm_functype *t, char *buf, size_t cap);

/*
 * Sizes of a .wasm artifact for the artifact record: file_bytes; text_bytes
 * = code section payload; data_bytes = data section payload; alloc_bytes =
 * every non-custom section (what a runtime loads: the file minus names,
 * producers and debug info); bss_bytes 0; elf_machine 0. Returns 0 or the
 * load/parse error.
 */
int rig_wasm_sizes(const char *path, struct rig_sizes *out, struct rig_error *err);

#endif
