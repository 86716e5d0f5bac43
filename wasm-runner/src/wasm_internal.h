/*
 * Private to the WebAssembly module code (the decoder: wasm_read.c,
 * wasm_expr.c, wasm_sections.c, wasm_custom.c, wasm_module.c; the summaries:
 * wasm_query.c): the encoding constants, the bounded reader every part of
 * the decoder reads through, and the entry points the parts call in each
 * other. Nothing here is used outside wasm-runner/src.
 *
 * Every reader function returns 0, or RIG_ERR_PARSE with r->err set to
 * "FILE: offset 0x..(CONTEXT, entry N): WHAT" (see wasm_fail_at); `what`
 * arguments name the thing being read for that message. No reader reads
 * outside [r->pos, r->end).
 */
#ifndef RIG_WASM_INTERNAL_H
#define RIG_WASM_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "wasm_module.h"

#define WASM_MAGIC "\0asm"
#define WASM_VERSION 1u
#define WASM_PAGE_LIMIT_32 65536u /* 4 GiB of 64 KiB pages */

/* Value types (spec 5.3.1) and reference types. */
enum {
	VT_I32 = 0x7f,
	VT_I64 = 0x7e,
	VT_F32 = 0x7d,
	VT_F64 = 0x7c,
	VT_V128 = 0x7b,
	VT_FUNCREF = 0x70,
	VT_EXTERNREF = 0x6f,
	BLOCK_EMPTY = 0x40,
	FUNC_FORM = 0x60,
};

/* A bounded reader over one region (the file, a section, a body). Errors
 * carry the absolute offset and the context (section, entry). */
struct rd {
	const uint8_t *p;
	size_t pos, end;
	const char *file;
	const char *ctx; /* "section 'import'" */
	long entry;	 /* entry index inside the section, -1 if none */
	struct rig_error *err;
};

/* ---- wasm_read.c: primitives ---- */

/* Sets r->err to a parse error at absolute offset off; returns RIG_ERR_PARSE. */
int wasm_fail_at(struct rd *r, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int wasm_rd_byte(struct rd *r, uint8_t *out, const char *what);
/* LEB128 of at most ceil(bits/7) bytes whose unused high bits are zero
 * (unsigned) or copies of the sign bit (signed), as the spec requires. */
int wasm_rd_leb(struct rd *r, unsigned bits, int is_signed, uint64_t *out, const char *what);
int wasm_rd_u32(struct rd *r, uint32_t *out, const char *what);
/* Skips n bytes, which must be inside the region. */
int wasm_rd_skip(struct rd *r, uint64_t n, const char *what);
/* A vector length: each element takes at least min_bytes, so a count the
 * remaining bytes cannot hold is malformed (and never drives an allocation). */
int wasm_rd_count(struct rd *r, uint32_t *out, size_t min_bytes, const char *what);
/* A name (spec 5.2.4): length-prefixed UTF-8 without NUL, into *out (owned
 * by the caller). */
int wasm_rd_name(struct rd *r, char **out, const char *what);

/* ---- wasm_read.c: types (each notes the features its encoding needs in m) ---- */

/* 1 when t is a value type this decoder knows. */
int wasm_is_valtype(uint8_t t);
/* Records in m->features what using value type t requires. */
void wasm_note_valtype(struct rig_wasm_module *m, uint8_t t);
int wasm_rd_valtype(struct rd *r, struct rig_wasm_module *m, uint8_t *out, const char *what);
int wasm_rd_reftype(struct rd *r, struct rig_wasm_module *m, uint8_t *out);
/* Table (is_memory 0) or memory limits, checked against the spec's maxima. */
int wasm_rd_limits(struct rd *r, struct rig_wasm_module *m, int is_memory,
		   struct rig_wasm_limits *l);
int wasm_rd_globaltype(struct rd *r, struct rig_wasm_module *m, uint8_t *vt, int *mut);

/* ---- wasm_expr.c: instructions ---- */

/* An index immediate (u32). */
int wasm_rd_index(struct rd *r, const char *what);
/*
 * Decodes instructions until the `end` that closes the outermost block,
 * which must be the last byte of the region (a function body or a constant
 * expression). const_expr: only instructions allowed in constant
 * expressions are accepted (extended-const arithmetic noted as a feature).
 * Counts instructions in m->n_instructions and notes features.
 */
int wasm_rd_expr(struct rd *r, struct rig_wasm_module *m, int const_expr);

/* ---- wasm_sections.c: the known sections ---- */

/* Decodes one known section's payload (r spans exactly the payload) into m;
 * *count gets the number of entries of a vector section. */
typedef int (*section_fn)(struct rd *r, struct rig_wasm_module *m, int64_t *count);
/* The decoder for a section id, or NULL for custom and unknown ids. */
section_fn wasm_section_parser(uint8_t id);

/* ---- wasm_custom.c: custom sections ---- */

/* Decodes the `name` and `producers` custom sections into m; other custom
 * sections are left alone. Their contents are advisory: a malformed one is
 * recorded in m->warning (the first only) and ignored, never an error. */
void wasm_parse_custom(struct rd *r, struct rig_wasm_module *m, const char *name);

#endif
