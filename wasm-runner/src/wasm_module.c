/* WebAssembly binary parser: see wasm_module.h. Follows the binary format of
 * the WebAssembly core specification (chapter 5), plus the encodings of the
 * post-MVP proposals rig reports as features. */
#include "wasm_module.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

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

static int fail_at(struct rd *r, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail_at(struct rd *r, size_t off, const char *fmt, ...)
{
	char what[320], where[128] = "";
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (r->ctx && r->entry >= 0)
		snprintf(where, sizeof(where), " (%s, entry %ld)", r->ctx, r->entry);
	else if (r->ctx)
		snprintf(where, sizeof(where), " (%s)", r->ctx);
	return rig_fail(r->err, RIG_ERR_PARSE, "%s: offset 0x%zx%s: %s", r->file, off, where, what);
}

static int rd_byte(struct rd *r, uint8_t *out, const char *what)
{
	if (r->pos >= r->end)
		return fail_at(r, r->pos, "expected %s, but the %s ends here", what,
			       r->ctx ? "section" : "file");
	*out = r->p[r->pos++];
	return 0;
}

/* LEB128 of at most ceil(bits/7) bytes whose unused high bits are zero
 * (unsigned) or copies of the sign bit (signed), as the spec requires. */
static int rd_leb(struct rd *r, unsigned bits, int is_signed, uint64_t *out, const char *what)
{
	size_t start = r->pos;
	unsigned maxbytes = (bits + 6) / 7, shift = 0;
	uint64_t result = 0;
	uint8_t b = 0;

	for (unsigned i = 0;; i++) {
		if (r->pos >= r->end)
			return fail_at(r, start, "%s: LEB128 %s%u runs past the end of the %s",
				       what, is_signed ? "s" : "u", bits,
				       r->ctx ? "section" : "file");
		b = r->p[r->pos++];
		if (i == maxbytes - 1) {
			unsigned used = bits - shift; /* value bits left for this byte, 1..7 */
			unsigned rest = (unsigned)(b & 0x7f) >> (is_signed ? used - 1 : used);
			unsigned ones = 0x7fu >> (is_signed ? used - 1 : used);

			if (b & 0x80)
				return fail_at(r, start,
					       "%s: expected a LEB128 %s%u of at most %u bytes, "
					       "got a longer one",
					       what, is_signed ? "s" : "u", bits, maxbytes);
			if (rest != 0 && !(is_signed && rest == ones))
				return fail_at(r, start, "%s: LEB128 value does not fit in %s%u",
					       what, is_signed ? "s" : "u", bits);
			result |= (uint64_t)(b & 0x7f) << shift;
			shift += 7;
			break;
		}
		result |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
		if (!(b & 0x80))
			break;
	}
	if (is_signed && shift < 64 && (b & 0x40))
		result |= ~(uint64_t)0 << shift;
	*out = result;
	return 0;
}

static int rd_u32(struct rd *r, uint32_t *out, const char *what)
{
	uint64_t v = 0;
	int rc = rd_leb(r, 32, 0, &v, what);

	if (!rc)
		*out = (uint32_t)v;
	return rc;
}

static int rd_skip(struct rd *r, uint64_t n, const char *what)
{
	if (n > r->end - r->pos)
		return fail_at(r, r->pos, "%s: %llu bytes needed, only %zu left in the %s", what,
			       (unsigned long long)n, r->end - r->pos, r->ctx ? "section" : "file");
	r->pos += (size_t)n;
	return 0;
}

/* A vector length: each element takes at least min_bytes, so a count the
 * remaining bytes cannot hold is malformed (and never drives an allocation). */
static int rd_count(struct rd *r, uint32_t *out, size_t min_bytes, const char *what)
{
	size_t start = r->pos;
	int rc = rd_u32(r, out, what);

	if (rc)
		return rc;
	if (min_bytes && *out > (r->end - r->pos) / min_bytes)
		return fail_at(r, start,
			       "%s %u runs past the end: only %zu bytes are left in the %s", what,
			       *out, r->end - r->pos, r->ctx ? "section" : "file");
	return 0;
}

static int utf8_valid(const uint8_t *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint8_t c = s[i];
		size_t len;
		uint32_t cp = 0;

		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0)
			len = 2, cp = c & 0x1f;
		else if ((c & 0xf0) == 0xe0)
			len = 3, cp = c & 0x0f;
		else if ((c & 0xf8) == 0xf0)
			len = 4, cp = c & 0x07;
		else
			return 0;
		if (n - i < len)
			return 0;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
		    (len == 4 && cp < 0x10000) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += len;
	}
	return 1;
}

/* A name (spec 5.2.4): length-prefixed UTF-8. NUL is valid UTF-8 but rig
 * keeps names as C strings, so it is rejected rather than truncated. */
static int rd_name(struct rd *r, char **out, const char *what)
{
	uint32_t n = 0;
	size_t start;
	int rc;

	if ((rc = rd_count(r, &n, 1, what)))
		return rc;
	start = r->pos;
	if ((rc = rd_skip(r, n, what)))
		return rc;
	if (!utf8_valid(r->p + start, n))
		return fail_at(r, start, "%s: expected a UTF-8 name", what);
	if (memchr(r->p + start, 0, n))
		return fail_at(r, start, "%s: name contains a NUL byte", what);
	if (out) {
		*out = rig_xmalloc((size_t)n + 1);
		memcpy(*out, r->p + start, n);
		(*out)[n] = '\0';
	}
	return 0;
}

/* ---- types ---- */

static int is_valtype(uint8_t t)
{
	return t == VT_I32 || t == VT_I64 || t == VT_F32 || t == VT_F64 || t == VT_V128 ||
	       t == VT_FUNCREF || t == VT_EXTERNREF;
}

static void note_valtype(struct rig_wasm_module *m, uint8_t t)
{
	if (t == VT_V128)
		m->features |= RIG_WASM_F_SIMD;
	if (t == VT_EXTERNREF)
		m->features |= RIG_WASM_F_REFERENCE_TYPES;
}

static int rd_valtype(struct rd *r, struct rig_wasm_module *m, uint8_t *out, const char *what)
{
	size_t at = r->pos;
	int rc = rd_byte(r, out, what);

	if (rc)
		return rc;
	if (!is_valtype(*out))
		return fail_at(
		    r, at, "%s: expected a value type (0x7f i32 ... 0x6f externref), got 0x%02x",
		    what, *out);
	note_valtype(m, *out);
	return 0;
}

static int rd_reftype(struct rd *r, struct rig_wasm_module *m, uint8_t *out)
{
	size_t at = r->pos;
	int rc = rd_byte(r, out, "reference type");

	if (rc)
		return rc;
	if (*out != VT_FUNCREF && *out != VT_EXTERNREF)
		return fail_at(
		    r, at, "expected a reference type (0x70 funcref or 0x6f externref), got 0x%02x",
		    *out);
	note_valtype(m, *out);
	return 0;
}

static int rd_limits(struct rd *r, struct rig_wasm_module *m, int is_memory,
		     struct rig_wasm_limits *l)
{
	size_t at = r->pos;
	uint8_t flags = 0;
	uint64_t v = 0;
	int rc;

	memset(l, 0, sizeof(*l));
	if ((rc = rd_byte(r, &flags, "limits flags")))
		return rc;
	if (flags > (is_memory ? 7 : 1))
		return fail_at(r, at, "expected limits flags 0x00..0x%02x, got 0x%02x",
			       is_memory ? 7 : 1, flags);
	l->has_max = flags & 1;
	l->shared = (flags & 2) != 0;
	l->is64 = (flags & 4) != 0;
	if (l->shared) {
		m->features |= RIG_WASM_F_THREADS;
		if (!l->has_max)
			return fail_at(r, at, "a shared memory must have a maximum");
	}
	if (l->is64)
		m->features |= RIG_WASM_F_MEMORY64;
	if ((rc = rd_leb(r, l->is64 ? 64 : 32, 0, &v, "limits minimum")))
		return rc;
	l->min = v;
	if (l->has_max) {
		size_t mat = r->pos;
		if ((rc = rd_leb(r, l->is64 ? 64 : 32, 0, &v, "limits maximum")))
			return rc;
		l->max = v;
		if (l->max < l->min)
			return fail_at(r, mat, "limits maximum %llu is below the minimum %llu",
				       (unsigned long long)l->max, (unsigned long long)l->min);
	}
	if (is_memory && !l->is64 &&
	    (l->min > WASM_PAGE_LIMIT_32 || (l->has_max && l->max > WASM_PAGE_LIMIT_32)))
		return fail_at(r, at, "memory size must be at most 65536 pages (4 GiB)");
	return 0;
}

static int rd_globaltype(struct rd *r, struct rig_wasm_module *m, uint8_t *vt, int *mut)
{
	size_t at;
	uint8_t b = 0;
	int rc;

	if ((rc = rd_valtype(r, m, vt, "global type")))
		return rc;
	at = r->pos;
	if ((rc = rd_byte(r, &b, "global mutability")))
		return rc;
	if (b > 1)
		return fail_at(r, at, "expected global mutability 0 or 1, got 0x%02x", b);
	*mut = b;
	return 0;
}

/* ---- instructions ---- */

static int rd_memarg(struct rd *r, struct rig_wasm_module *m)
{
	uint32_t align, memidx;
	uint64_t offset = 0;
	size_t at = r->pos;
	int rc;

	if ((rc = rd_u32(r, &align, "memarg alignment")))
		return rc;
	if (align & 0x40) { /* multi-memory: a memory index follows */
		if ((rc = rd_u32(r, &memidx, "memarg memory index")))
			return rc;
		if (memidx)
			m->features |= RIG_WASM_F_MULTI_MEMORY;
		align &= ~0x40u;
	}
	if (align >= 32)
		return fail_at(r, at, "memarg alignment 2^%u is too large", align);
	return rd_leb(r, 64, 0, &offset, "memarg offset");
}

static int rd_blocktype(struct rd *r, struct rig_wasm_module *m)
{
	size_t at = r->pos;
	uint64_t v = 0;
	int rc;

	if (r->pos >= r->end)
		return fail_at(r, at, "expected a block type, but the body ends here");
	if (r->p[r->pos] == BLOCK_EMPTY || is_valtype(r->p[r->pos])) {
		note_valtype(m, r->p[r->pos]);
		r->pos++;
		return 0;
	}
	if ((rc = rd_leb(r, 33, 1, &v, "block type")))
		return rc;
	if ((int64_t)v < 0)
		return fail_at(
		    r, at, "expected a block type (0x40, a value type or a type index), got 0x%02x",
		    r->p[at]);
	if (v >= m->n_types)
		return fail_at(r, at, "block type index %llu is out of range (%zu types)",
			       (unsigned long long)v, m->n_types);
	m->features |= RIG_WASM_F_MULTI_VALUE;
	return 0;
}

static int rd_index(struct rd *r, const char *what)
{
	uint32_t v = 0;
	return rd_u32(r, &v, what);
}

/* 0xFC prefix: saturating truncation, bulk memory, table operations. */
static int insn_fc(struct rd *r, struct rig_wasm_module *m, size_t at)
{
	uint32_t op = 0;
	int rc;

	if ((rc = rd_u32(r, &op, "0xfc sub-opcode")))
		return rc;
	if (op <= 7) {
		m->features |= RIG_WASM_F_SAT_FLOAT_TO_INT;
		return 0;
	}
	switch (op) {
	case 8: /* memory.init dataidx memidx */
		m->features |= RIG_WASM_F_BULK_MEMORY;
		if ((rc = rd_index(r, "data index")))
			return rc;
		return rd_index(r, "memory index");
	case 9: /* data.drop */
		m->features |= RIG_WASM_F_BULK_MEMORY;
		return rd_index(r, "data index");
	case 10: /* memory.copy */
		m->features |= RIG_WASM_F_BULK_MEMORY;
		if ((rc = rd_index(r, "memory index")))
			return rc;
		return rd_index(r, "memory index");
	case 11: /* memory.fill */
		m->features |= RIG_WASM_F_BULK_MEMORY;
		return rd_index(r, "memory index");
	case 12: /* table.init elemidx tableidx */
	case 14: /* table.copy */
		m->features |= RIG_WASM_F_BULK_MEMORY;
		if ((rc = rd_index(r, "index")))
			return rc;
		return rd_index(r, "table index");
	case 13: /* elem.drop */
		m->features |= RIG_WASM_F_BULK_MEMORY;
		return rd_index(r, "element index");
	case 15: /* table.grow, table.size, table.fill */
	case 16:
	case 17:
		m->features |= RIG_WASM_F_REFERENCE_TYPES;
		return rd_index(r, "table index");
	default:
		return fail_at(r, at, "unknown instruction 0xfc %u", op);
	}
}

/* 0xFD prefix: fixed-width SIMD. Immediates by sub-opcode range. */
static int insn_fd(struct rd *r, struct rig_wasm_module *m, size_t at)
{
	uint32_t op = 0;
	int rc;

	m->features |= RIG_WASM_F_SIMD;
	if ((rc = rd_u32(r, &op, "0xfd sub-opcode")))
		return rc;
	if (op <= 11 || op == 92 || op == 93) /* loads, stores, load_zero */
		return rd_memarg(r, m);
	if (op == 12 || op == 13) /* v128.const, i8x16.shuffle */
		return rd_skip(r, 16, "v128 immediate");
	if (op >= 21 && op <= 34) /* extract/replace lane */
		return rd_skip(r, 1, "lane index");
	if (op >= 84 && op <= 91) { /* load/store lane */
		if ((rc = rd_memarg(r, m)))
			return rc;
		return rd_skip(r, 1, "lane index");
	}
	if (op > 0x113) /* past relaxed SIMD */
		return fail_at(r, at, "unknown instruction 0xfd %u", op);
	return 0;
}

/* 0xFE prefix: atomics (threads proposal). */
static int insn_fe(struct rd *r, struct rig_wasm_module *m, size_t at)
{
	uint32_t op = 0;
	int rc;

	m->features |= RIG_WASM_F_THREADS;
	if ((rc = rd_u32(r, &op, "0xfe sub-opcode")))
		return rc;
	if (op == 3) { /* atomic.fence: one reserved byte */
		uint8_t z = 0;
		return rd_byte(r, &z, "atomic.fence reserved byte");
	}
	if (op <= 2 || (op >= 0x10 && op <= 0x4e))
		return rd_memarg(r, m);
	return fail_at(r, at, "unknown instruction 0xfe %u", op);
}

/*
 * Decodes instructions until the `end` that closes the outermost block,
 * which must be the last byte of the region (a function body or a constant
 * expression). const_expr: only instructions allowed in constant
 * expressions are accepted (extended-const arithmetic noted as a feature).
 */
static int rd_expr(struct rd *r, struct rig_wasm_module *m, int const_expr)
{
	uint64_t depth = 1;

	while (depth > 0) {
		size_t at = r->pos;
		uint8_t op = 0;
		uint64_t v = 0;
		uint32_t n = 0;
		int rc;

		if (r->pos >= r->end)
			return fail_at(
			    r, at, "expected an instruction or 'end' (0x0b), but the %s ends here",
			    const_expr ? "constant expression" : "function body");
		op = r->p[r->pos++];
		m->n_instructions++;
		if (const_expr) {
			switch (op) {
			case 0x0b:
			case 0x23:
			case 0x41:
			case 0x42:
			case 0x43:
			case 0x44:
			case 0xd0:
			case 0xd2:
			case 0xfd:
				break;
			case 0x6a:
			case 0x6b:
			case 0x6c:
			case 0x7c:
			case 0x7d:
			case 0x7e:
				m->features |= RIG_WASM_F_EXTENDED_CONST;
				break;
			default:
				return fail_at(
				    r, at,
				    "instruction 0x%02x is not allowed in a constant expression",
				    op);
			}
		}
		rc = 0;
		switch (op) {
		case 0x00:
		case 0x01:
		case 0x05:
		case 0x0f:
		case 0x1a:
		case 0x1b:
		case 0xd1:
			break;
		case 0x02:
		case 0x03:
		case 0x04: /* block loop if */
			rc = rd_blocktype(r, m);
			depth++;
			break;
		case 0x06: /* try (legacy exceptions) */
			m->features |= RIG_WASM_F_EXCEPTIONS;
			rc = rd_blocktype(r, m);
			depth++;
			break;
		case 0x07:
		case 0x08:
		case 0x09: /* catch throw rethrow */
			m->features |= RIG_WASM_F_EXCEPTIONS;
			rc = rd_index(r, "tag or label index");
			break;
		case 0x19: /* catch_all */
			m->features |= RIG_WASM_F_EXCEPTIONS;
			break;
		case 0x18: /* delegate: ends the try block */
			m->features |= RIG_WASM_F_EXCEPTIONS;
			rc = rd_index(r, "label index");
			depth--;
			break;
		case 0x0b:
			depth--;
			break;
		case 0x0c:
		case 0x0d: /* br br_if */
			rc = rd_index(r, "label index");
			break;
		case 0x0e: /* br_table */
			if ((rc = rd_count(r, &n, 1, "br_table label count")))
				return rc;
			for (uint32_t i = 0; i <= n && !rc; i++)
				rc = rd_index(r, "br_table label");
			break;
		case 0x10: /* call */
			rc = rd_index(r, "function index");
			break;
		case 0x11:   /* call_indirect type table */
		case 0x13: { /* return_call_indirect */
			uint32_t table = 0;
			if (op == 0x13)
				m->features |= RIG_WASM_F_TAIL_CALL;
			if ((rc = rd_index(r, "type index")) ||
			    (rc = rd_u32(r, &table, "table index")))
				return rc;
			if (table)
				m->features |= RIG_WASM_F_REFERENCE_TYPES;
			break;
		}
		case 0x12: /* return_call */
			m->features |= RIG_WASM_F_TAIL_CALL;
			rc = rd_index(r, "function index");
			break;
		case 0x1c: /* select t* */
			m->features |= RIG_WASM_F_REFERENCE_TYPES;
			if ((rc = rd_count(r, &n, 1, "select type count")))
				return rc;
			for (uint32_t i = 0; i < n && !rc; i++) {
				uint8_t t = 0;
				rc = rd_valtype(r, m, &t, "select type");
			}
			break;
		case 0x20:
		case 0x21:
		case 0x22: /* local.get/set/tee */
			rc = rd_index(r, "local index");
			break;
		case 0x23:
		case 0x24: /* global.get/set */
			rc = rd_index(r, "global index");
			break;
		case 0x25:
		case 0x26: /* table.get/set */
			m->features |= RIG_WASM_F_REFERENCE_TYPES;
			rc = rd_index(r, "table index");
			break;
		case 0x3f:
		case 0x40: { /* memory.size/grow */
			uint32_t mem = 0;
			if ((rc = rd_u32(r, &mem, "memory index")))
				return rc;
			if (mem)
				m->features |= RIG_WASM_F_MULTI_MEMORY;
			break;
		}
		case 0x41:
			rc = rd_leb(r, 32, 1, &v, "i32.const");
			break;
		case 0x42:
			rc = rd_leb(r, 64, 1, &v, "i64.const");
			break;
		case 0x43:
			rc = rd_skip(r, 4, "f32.const");
			break;
		case 0x44:
			rc = rd_skip(r, 8, "f64.const");
			break;
		case 0xd0: { /* ref.null heaptype */
			uint8_t t = 0;
			rc = rd_reftype(r, m, &t);
			m->features |= RIG_WASM_F_REFERENCE_TYPES;
			break;
		}
		case 0xd2: /* ref.func */
			m->features |= RIG_WASM_F_REFERENCE_TYPES;
			rc = rd_index(r, "function index");
			break;
		case 0xfc:
			rc = insn_fc(r, m, at);
			break;
		case 0xfd:
			rc = insn_fd(r, m, at);
			break;
		case 0xfe:
			rc = insn_fe(r, m, at);
			break;
		default:
			if (op >= 0x28 && op <= 0x3e)
				rc = rd_memarg(r, m);
			else if (op >= 0x45 && op <= 0xbf)
				; /* numeric instructions without immediates */
			else if (op >= 0xc0 && op <= 0xc4)
				m->features |= RIG_WASM_F_SIGN_EXT;
			else
				return fail_at(r, at, "unknown instruction opcode 0x%02x", op);
		}
		if (rc)
			return rc;
	}
	if (r->pos != r->end && !const_expr)
		return fail_at(r, r->pos, "function body has %zu bytes after its final 'end'",
			       r->end - r->pos);
	return 0;
}

/* ---- sections ---- */

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

static int sec_type(struct rd *r, struct rig_wasm_module *m, int64_t *count)
{
	uint32_t n = 0;
	int rc;

	if ((rc = rd_count(r, &n, 3, "type count")))
		return rc;
	*count = n;
	m->types = rig_xcalloc(n ? n : 1, sizeof(*m->types));
	for (uint32_t i = 0; i < n; i++) {
		struct rig_wasm_functype *t = &m->types[i];
		size_t at = r->pos;
		uint8_t form = 0;

		r->entry = i;
		if ((rc = rd_byte(r, &form, "function type form 0x60")))
			return rc;
		if (form != FUNC_FORM)
			return fail_at(r, at, "expected function type form 0x60, got 0x%02x%s",
				       form,
				       form == 0x4e || form == 0x50 || form == 0x4f
					   ? " (GC proposal types are not supported)"
					   : "");
		m->n_types = i + 1;
		if ((rc = rd_count(r, &t->n_params, 1, "parameter count")))
			return rc;
		t->params = rig_xmalloc(t->n_params ? t->n_params : 1);
		for (uint32_t k = 0; k < t->n_params; k++)
			if ((rc = rd_valtype(r, m, &t->params[k], "parameter type")))
				return rc;
		if ((rc = rd_count(r, &t->n_results, 1, "result count")))
			return rc;
		t->results = rig_xmalloc(t->n_results ? t->n_results : 1);
		for (uint32_t k = 0; k < t->n_results; k++)
			if ((rc = rd_valtype(r, m, &t->results[k], "result type")))
				return rc;
		if (t->n_results > 1)
			m->features |= RIG_WASM_F_MULTI_VALUE;
	}
	return 0;
}

static int check_index(struct rd *r, size_t at, uint64_t idx, uint64_t limit, const char *what)
{
	if (idx >= limit)
		return fail_at(r, at, "%s %llu is out of range (%llu defined)", what,
			       (unsigned long long)idx, (unsigned long long)limit);
	return 0;
}

static int sec_import(struct rd *r, struct rig_wasm_module *m, int64_t *count)
{
	uint32_t n = 0;
	int rc;

	if ((rc = rd_count(r, &n, 4, "import count")))
		return rc;
	*count = n;
	m->imports = rig_xcalloc(n ? n : 1, sizeof(*m->imports));
	for (uint32_t i = 0; i < n; i++) {
		struct rig_wasm_import *im = &m->imports[i];
		size_t at;

		r->entry = i;
		m->n_imports = i + 1;
		if ((rc = rd_name(r, &im->module, "import module name")) ||
		    (rc = rd_name(r, &im->name, "import field name")))
			return rc;
		at = r->pos;
		if ((rc = rd_byte(r, &im->kind, "import kind")))
			return rc;
		switch (im->kind) {
		case RIG_WASM_EXT_FUNC:
			at = r->pos;
			if ((rc = rd_u32(r, &im->type_index, "type index")) ||
			    (rc = check_index(r, at, im->type_index, m->n_types, "type index")))
				return rc;
			m->n_func_imports++;
			break;
		case RIG_WASM_EXT_TABLE:
			if ((rc = rd_reftype(r, m, &im->valtype)) ||
			    (rc = rd_limits(r, m, 0, &im->limits)))
				return rc;
			m->tables = rig_xrealloc(m->tables, (m->n_tables + 1) * sizeof(*m->tables));
			m->tables[m->n_tables++] = (struct rig_wasm_table){
			    .reftype = im->valtype, .limits = im->limits, .imported = 1};
			break;
		case RIG_WASM_EXT_MEMORY:
			if ((rc = rd_limits(r, m, 1, &im->limits)))
				return rc;
			m->memories =
			    rig_xrealloc(m->memories, (m->n_memories + 1) * sizeof(*m->memories));
			m->memories[m->n_memories++] =
			    (struct rig_wasm_memory){.limits = im->limits, .imported = 1};
			break;
		case RIG_WASM_EXT_GLOBAL:
			if ((rc = rd_globaltype(r, m, &im->valtype, &im->is_mutable)))
				return rc;
			if (im->is_mutable)
				m->features |= RIG_WASM_F_MUTABLE_GLOBALS;
			m->n_global_imports++;
			break;
		case RIG_WASM_EXT_TAG: {
			uint8_t attr = 0;
			m->features |= RIG_WASM_F_EXCEPTIONS;
			if ((rc = rd_byte(r, &attr, "tag attribute")))
				return rc;
			at = r->pos;
			if ((rc = rd_u32(r, &im->type_index, "tag type index")) ||
			    (rc = check_index(r, at, im->type_index, m->n_types, "type index")))
				return rc;
			m->n_tag_imports++;
			break;
		}
		default:
			return fail_at(r, at,
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

	if ((rc = rd_count(r, &n, 1, "function count")))
		return rc;
	*count = n;
	m->funcs = rig_xcalloc(n ? n : 1, sizeof(*m->funcs));
	m->n_funcs = n;
	for (uint32_t i = 0; i < n; i++) {
		size_t at = r->pos;
		r->entry = i;
		if ((rc = rd_u32(r, &m->funcs[i].type_index, "type index")) ||
		    (rc = check_index(r, at, m->funcs[i].type_index, m->n_types, "type index")))
			return rc;
	}
	return 0;
}

static int sec_table(struct rd *r, struct rig_wasm_module *m, int64_t *count)
{
	uint32_t n = 0;
	int rc;

	if ((rc = rd_count(r, &n, 3, "table count")))
		return rc;
	*count = n;
	m->tables = rig_xrealloc(m->tables, (m->n_tables + n + 1) * sizeof(*m->tables));
	for (uint32_t i = 0; i < n; i++) {
		struct rig_wasm_table *t = &m->tables[m->n_tables];
		r->entry = i;
		memset(t, 0, sizeof(*t));
		if ((rc = rd_reftype(r, m, &t->reftype)) || (rc = rd_limits(r, m, 0, &t->limits)))
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

	if ((rc = rd_count(r, &n, 2, "memory count")))
		return rc;
	*count = n;
	m->memories = rig_xrealloc(m->memories, (m->n_memories + n + 1) * sizeof(*m->memories));
	for (uint32_t i = 0; i < n; i++) {
		struct rig_wasm_memory *mem = &m->memories[m->n_memories];
		r->entry = i;
		memset(mem, 0, sizeof(*mem));
		if ((rc = rd_limits(r, m, 1, &mem->limits)))
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
	if ((rc = rd_count(r, &n, 2, "tag count")))
		return rc;
	*count = n;
	for (uint32_t i = 0; i < n; i++) {
		uint8_t attr = 0;
		uint32_t t = 0;
		size_t at;
		r->entry = i;
		if ((rc = rd_byte(r, &attr, "tag attribute")))
			return rc;
		at = r->pos;
		if ((rc = rd_u32(r, &t, "tag type index")) ||
		    (rc = check_index(r, at, t, m->n_types, "type index")))
			return rc;
	}
	return 0;
}

/* A constant expression runs to its `end`; its length is not prefixed, so
 * it is decoded in place over the rest of the section. */
static int rd_const_expr(struct rd *r, struct rig_wasm_module *m) { return rd_expr(r, m, 1); }

static int sec_global(struct rd *r, struct rig_wasm_module *m, int64_t *count)
{
	uint32_t n = 0;
	int rc;

	if ((rc = rd_count(r, &n, 3, "global count")))
		return rc;
	*count = n;
	m->global_mutable = rig_xcalloc(n ? n : 1, 1);
	for (uint32_t i = 0; i < n; i++) {
		uint8_t vt = 0;
		int mut = 0;
		r->entry = i;
		if ((rc = rd_globaltype(r, m, &vt, &mut)) || (rc = rd_const_expr(r, m)))
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

	if ((rc = rd_count(r, &n, 3, "export count")))
		return rc;
	*count = n;
	m->exports = rig_xcalloc(n ? n : 1, sizeof(*m->exports));
	for (uint32_t i = 0; i < n; i++) {
		struct rig_wasm_export *e = &m->exports[i];
		uint64_t limit = 0;
		size_t at;

		r->entry = i;
		m->n_exports = i + 1;
		if ((rc = rd_name(r, &e->name, "export name")))
			return rc;
		at = r->pos;
		if ((rc = rd_byte(r, &e->kind, "export kind")))
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
			return fail_at(r, at, "expected an export kind 0..4, got 0x%02x", e->kind);
		}
		at = r->pos;
		if ((rc = rd_u32(r, &e->index, "export index")) ||
		    (rc = check_index(r, at, e->index, limit, rig_wasm_extern_name(e->kind))))
			return rc;
		if (e->kind == RIG_WASM_EXT_GLOBAL && e->index >= m->n_global_imports &&
		    m->global_mutable[e->index - m->n_global_imports])
			m->features |= RIG_WASM_F_MUTABLE_GLOBALS;
		for (uint32_t k = 0; k < i; k++)
			if (strcmp(m->exports[k].name, e->name) == 0)
				return fail_at(r, at, "duplicate export name \"%s\"", e->name);
	}
	return 0;
}

static int sec_start(struct rd *r, struct rig_wasm_module *m, int64_t *count)
{
	size_t at = r->pos;
	int rc;

	if ((rc = rd_u32(r, &m->start_func, "start function index")) ||
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

	if ((rc = rd_count(r, &n, 1, "element function count")))
		return rc;
	for (uint32_t k = 0; k < n; k++)
		if ((rc = rd_index(r, "element function index")))
			return rc;
	return 0;
}

static int rd_elem_exprs(struct rd *r, struct rig_wasm_module *m)
{
	uint32_t n = 0;
	int rc;

	if ((rc = rd_count(r, &n, 2, "element expression count")))
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

	if ((rc = rd_count(r, &n, 2, "element segment count")))
		return rc;
	*count = n;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t flags, table = 0;
		size_t at = r->pos;
		uint8_t kind = 0;

		r->entry = i;
		if ((rc = rd_u32(r, &flags, "element segment flags")))
			return rc;
		if (flags > 7)
			return fail_at(r, at, "expected element segment flags 0..7, got %u", flags);
		if (flags & 1) /* passive or declarative */
			m->features |= RIG_WASM_F_BULK_MEMORY;
		if (flags & 4)
			m->features |= RIG_WASM_F_REFERENCE_TYPES;
		if (flags == 2 || flags == 6)
			if ((rc = rd_u32(r, &table, "table index")))
				return rc;
		if (table)
			m->features |= RIG_WASM_F_REFERENCE_TYPES;
		if (!(flags & 1) && (rc = rd_const_expr(r, m)))
			return rc;
		if (flags & 3) { /* an element kind or reference type follows */
			at = r->pos;
			if (flags & 4) {
				if ((rc = rd_reftype(r, m, &kind)))
					return rc;
			} else {
				if ((rc = rd_byte(r, &kind, "element kind")))
					return rc;
				if (kind != 0)
					return fail_at(
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
	int rc = rd_u32(r, &m->datacount, "data count");

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

	if ((rc = rd_count(r, &n, 2, "local declaration count")))
		return rc;
	for (uint32_t k = 0; k < n; k++) {
		uint32_t c = 0;
		uint8_t t = 0;
		size_t at = r->pos;
		if ((rc = rd_u32(r, &c, "local count")) ||
		    (rc = rd_valtype(r, m, &t, "local type")))
			return rc;
		total += c;
		if (total > UINT32_MAX)
			return fail_at(r, at, "more than 2^32-1 locals in one function");
	}
	return 0;
}

static int sec_code(struct rd *r, struct rig_wasm_module *m, int64_t *count)
{
	size_t start = r->pos;
	uint32_t n = 0;
	int rc;

	if ((rc = rd_count(r, &n, 2, "code entry count")))
		return rc;
	*count = n;
	if (n != m->n_funcs)
		return fail_at(r, start,
			       "the code section has %u bodies but the function section declares "
			       "%zu functions",
			       n, m->n_funcs);
	for (uint32_t i = 0; i < n; i++) {
		struct rd body;
		uint32_t size = 0;

		r->entry = i;
		if ((rc = rd_count(r, &size, 1, "function body size")))
			return rc;
		body = *r;
		body.end = r->pos + size;
		m->funcs[i].body_offset = r->pos;
		m->funcs[i].body_size = size;
		if ((rc = rd_locals(&body, m)) || (rc = rd_expr(&body, m, 0)))
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

	if ((rc = rd_count(r, &n, 2, "data segment count")))
		return rc;
	*count = n;
	if (m->has_datacount && n != m->datacount)
		return fail_at(r, start, "%u data segments, but the data count section says %u", n,
			       m->datacount);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t flags, mem = 0, len;
		size_t at = r->pos;

		r->entry = i;
		if ((rc = rd_u32(r, &flags, "data segment flags")))
			return rc;
		if (flags > 2)
			return fail_at(r, at, "expected data segment flags 0, 1 or 2, got %u",
				       flags);
		if (flags == 1)
			m->features |= RIG_WASM_F_BULK_MEMORY;
		if (flags == 2 && (rc = rd_u32(r, &mem, "memory index")))
			return rc;
		if (mem)
			m->features |= RIG_WASM_F_MULTI_MEMORY;
		if (flags != 1 && (rc = rd_const_expr(r, m)))
			return rc;
		if ((rc = rd_count(r, &len, 1, "data segment size")) ||
		    (rc = rd_skip(r, len, "data segment bytes")))
			return rc;
		m->data_init_bytes += len;
		m->n_data_segments++;
	}
	return 0;
}

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

		if ((rc = rd_byte(r, &id, "name subsection id")) ||
		    (rc = rd_count(r, &size, 1, "name subsection size")))
			return rc;
		sub = *r;
		sub.end = r->pos + size;
		r->pos = sub.end;
		if (id == 0) {
			free(m->module_name);
			m->module_name = NULL;
			if ((rc = rd_name(&sub, &m->module_name, "module name")))
				return rc;
		} else if (id == 1) {
			if ((rc = rd_count(&sub, &n, 2, "function name count")))
				return rc;
			for (uint32_t i = 0; i < n; i++) {
				uint32_t idx = 0;
				char *name;
				if ((rc = rd_u32(&sub, &idx, "function index")) ||
				    (rc = rd_name(&sub, &name, "function name")))
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

	if ((rc = rd_count(r, &nf, 2, "producers field count")))
		return rc;
	for (uint32_t i = 0; i < nf; i++) {
		char *field;
		uint32_t nv = 0;

		if ((rc = rd_name(r, &field, "producers field name")))
			return rc;
		if ((rc = rd_count(r, &nv, 2, "producers value count"))) {
			free(field);
			return rc;
		}
		for (uint32_t k = 0; k < nv; k++) {
			char *name = NULL, *version = NULL;
			if ((rc = rd_name(r, &name, "producer name")) ||
			    (rc = rd_name(r, &version, "producer version"))) {
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
static void parse_custom(struct rd *r, struct rig_wasm_module *m, const char *name)
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

typedef int (*section_fn)(struct rd *r, struct rig_wasm_module *m, int64_t *count);

static section_fn section_parser(uint8_t id)
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

static int parse_section(struct rd *file, struct rig_wasm_module *m, int *last_rank)
{
	struct rig_wasm_section s = {.offset = file->pos, .count = -1};
	char ctx[96];
	struct rd r;
	uint32_t size = 0;
	section_fn fn;
	int rc, rank;

	if ((rc = rd_byte(file, &s.id, "a section id")) ||
	    (rc = rd_count(file, &size, 1, "section size")))
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
		if ((rc = rd_name(&r, &name, "custom section name")))
			return rc;
		snprintf(s.name, sizeof(s.name), "%s", name);
		snprintf(ctx, sizeof(ctx), "custom section '%s'", s.name);
		parse_custom(&r, m, name);
		free(name);
		m->custom_bytes += size;
		if (strncmp(s.name, ".debug_", 7) == 0)
			m->debug_bytes += size;
		if (strcmp(s.name, "name") == 0)
			m->name_bytes += size;
	} else {
		fn = section_parser(s.id);
		if (!fn)
			return fail_at(file, s.offset, "unknown section id %u (expected 0..13)",
				       s.id);
		rank = section_rank(s.id);
		if (rank <= *last_rank)
			return fail_at(file, s.offset,
				       "section '%s' is out of order or repeated (sections must "
				       "appear once, in the order of the spec)",
				       s.name);
		*last_rank = rank;
		if ((rc = fn(&r, m, &s.count)))
			return rc;
		r.entry = -1;
		if (r.pos != r.end)
			return fail_at(
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
		return fail_at(
		    r, r->pos,
		    "the function section declares %zu functions but there is no code section",
		    m->n_funcs);
	if (m->has_datacount && m->datacount != m->n_data_segments)
		return fail_at(r, r->pos,
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
		return fail_at(
		    &r, 0,
		    "expected the magic number \\0asm (00 61 73 6d): not a WebAssembly module%s",
		    len < 4 ? " (file shorter than 4 bytes)" : "");
	if (len < 8)
		return fail_at(&r, 4,
			       "expected a 4-byte version after the magic, but the file ends");
	m = rig_xcalloc(1, sizeof(*m));
	m->file_bytes = len;
	m->version = (uint32_t)data[4] | (uint32_t)data[5] << 8 | (uint32_t)data[6] << 16 |
		     (uint32_t)data[7] << 24;
	if (m->version != WASM_VERSION) {
		rc = fail_at(&r, 4, "expected version 1 (01 00 00 00), got 0x%08x%s", m->version,
			     m->version == 0x1000d
				 ? " (a component-model component, not a core module)"
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
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;
	int rc;

	*out = NULL;
	if (!f)
		return rig_fail(err, errno == ENOENT ? RIG_ERR_NOT_FOUND : RIG_ERR_IO, "%s: %s",
				path, strerror(errno));
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		rc = rig_fail(err, RIG_ERR_IO, "%s: cannot read: %s", path, strerror(errno));
		fclose(f);
		return rc;
	}
	buf = rig_xmalloc(n ? (size_t)n : 1);
	if (n && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		rc = rig_fail(err, RIG_ERR_IO, "%s: short read", path);
		fclose(f);
		free(buf);
		return rc;
	}
	fclose(f);
	rc = rig_wasm_parse(buf, (size_t)n, path, out, err);
	free(buf);
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

/* ---- queries ---- */

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
