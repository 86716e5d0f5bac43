/* The decoder's instruction walker: every opcode of the core spec and the
 * proposals rig reports, with their immediates, noting features. */
#include "wasm_internal.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

/* ---- instructions ---- */

static int rd_memarg(struct rd *r, struct rig_wasm_module *m)
{
	uint32_t align, memidx;
	uint64_t offset = 0;
	size_t at = r->pos;
	int rc;

	if ((rc = wasm_rd_u32(r, &align, "memarg alignment")))
		return rc;
	if (align & 0x40) { /* multi-memory: a memory index follows */
		if ((rc = wasm_rd_u32(r, &memidx, "memarg memory index")))
			return rc;
		if (memidx)
			m->features |= RIG_WASM_F_MULTI_MEMORY;
		align &= ~0x40u;
	}
	if (align >= 32)
		return wasm_fail_at(r, at, "memarg alignment 2^%u is too large", align);
	return wasm_rd_leb(r, 64, 0, &offset, "memarg offset");
}

static int rd_blocktype(struct rd *r, struct rig_wasm_module *m)
{
	size_t at = r->pos;
	uint64_t v = 0;
	int rc;

	if (r->pos >= r->end)
		return wasm_fail_at(r, at, "expected a block type, but the body ends here");
	if (r->p[r->pos] == BLOCK_EMPTY || wasm_is_valtype(r->p[r->pos])) {
		wasm_note_valtype(m, r->p[r->pos]);
		r->pos++;
		return 0;
	}
	if ((rc = wasm_rd_leb(r, 33, 1, &v, "block type")))
		return rc;
	if ((int64_t)v < 0)
		return wasm_fail_at(
		    r, at, "expected a block type (0x40, a value type or a type index), got 0x%02x",
		    r->p[at]);
	if (v >= m->n_types)
		return wasm_fail_at(r, at, "block type index %llu is out of range (%zu types)",
				    (unsigned long long)v, m->n_types);
	m->features |= RIG_WASM_F_MULTI_VALUE;
	return 0;
}

int wasm_rd_index(struct rd *r, const char *what)
{
	uint32_t v = 0;
	return wasm_rd_u32(r, &v, what);
}

/* 0xFC prefix: saturating truncation, bulk memory, table operations. */
static int insn_fc(struct rd *r, struct rig_wasm_module *m, size_t at)
{
	uint32_t op = 0;
	int rc;

	if ((rc = wasm_rd_u32(r, &op, "0xfc sub-opcode")))
		return rc;
	if (op <= 7) {
		m->features |= RIG_WASM_F_SAT_FLOAT_TO_INT;
		return 0;
	}
	switch (op) {
	case 8: /* memory.init dataidx memidx */
		m->features |= RIG_WASM_F_BULK_MEMORY;
		if ((rc = wasm_rd_index(r, "data index")))
			return rc;
		return wasm_rd_index(r, "memory index");
	case 9: /* data.drop */
		m->features |= RIG_WASM_F_BULK_MEMORY;
		return wasm_rd_index(r, "data index");
	case 10: /* memory.copy */
		m->features |= RIG_WASM_F_BULK_MEMORY;
		if ((rc = wasm_rd_index(r, "memory index")))
			return rc;
		return wasm_rd_index(r, "memory index");
	case 11: /* memory.fill */
		m->features |= RIG_WASM_F_BULK_MEMORY;
		return wasm_rd_index(r, "memory index");
	case 12: /* table.init elemidx tableidx */
	case 14: /* table.copy */
		m->features |= RIG_WASM_F_BULK_MEMORY;
		if ((rc = wasm_rd_index(r, "index")))
			return rc;
		return wasm_rd_index(r, "table index");
	case 13: /* elem.drop */
		m->features |= RIG_WASM_F_BULK_MEMORY;
		return wasm_rd_index(r, "element index");
	case 15: /* table.grow, table.size, table.fill */
	case 16:
	case 17:
		m->features |= RIG_WASM_F_REFERENCE_TYPES;
		return wasm_rd_index(r, "table index");
	default:
		return wasm_fail_at(r, at, "unknown instruction 0xfc %u", op);
	}
}

/* 0xFD prefix: fixed-width SIMD. Immediates by sub-opcode range. */
static int insn_fd(struct rd *r, struct rig_wasm_module *m, size_t at)
{
	uint32_t op = 0;
	int rc;

	m->features |= RIG_WASM_F_SIMD;
	if ((rc = wasm_rd_u32(r, &op, "0xfd sub-opcode")))
		return rc;
	if (op <= 11 || op == 92 || op == 93) /* loads, stores, load_zero */
		return rd_memarg(r, m);
	if (op == 12 || op == 13) /* v128.const, i8x16.shuffle */
		return wasm_rd_skip(r, 16, "v128 immediate");
	if (op >= 21 && op <= 34) /* extract/replace lane */
		return wasm_rd_skip(r, 1, "lane index");
	if (op >= 84 && op <= 91) { /* load/store lane */
		if ((rc = rd_memarg(r, m)))
			return rc;
		return wasm_rd_skip(r, 1, "lane index");
	}
	if (op > 0x113) /* past relaxed SIMD */
		return wasm_fail_at(r, at, "unknown instruction 0xfd %u", op);
	return 0;
}

/* 0xFE prefix: atomics (threads proposal). */
static int insn_fe(struct rd *r, struct rig_wasm_module *m, size_t at)
{
	uint32_t op = 0;
	int rc;

	m->features |= RIG_WASM_F_THREADS;
	if ((rc = wasm_rd_u32(r, &op, "0xfe sub-opcode")))
		return rc;
	if (op == 3) { /* atomic.fence: one reserved byte */
		uint8_t z = 0;
		return wasm_rd_byte(r, &z, "atomic.fence reserved byte");
	}
	if (op <= 2 || (op >= 0x10 && op <= 0x4e))
		return rd_memarg(r, m);
	return wasm_fail_at(r, at, "unknown instruction 0xfe %u", op);
}

/*
 * Decodes instructions until the `end` that closes the outermost block,
 * which must be the last byte of the region (a function body or a constant
 * expression). const_expr: only instructions allowed in constant
 * expressions are accepted (extended-const arithmetic noted as a feature).
 */
int wasm_rd_expr(struct rd *r, struct rig_wasm_module *m, int const_expr)
{
	uint64_t depth = 1;

	while (depth > 0) {
		size_t at = r->pos;
		uint8_t op = 0;
		uint64_t v = 0;
		uint32_t n = 0;
		int rc;

		if (r->pos >= r->end)
			return wasm_fail_at(
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
				return wasm_fail_at(
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
			rc = wasm_rd_index(r, "tag or label index");
			break;
		case 0x19: /* catch_all */
			m->features |= RIG_WASM_F_EXCEPTIONS;
			break;
		case 0x18: /* delegate: ends the try block */
			m->features |= RIG_WASM_F_EXCEPTIONS;
			rc = wasm_rd_index(r, "label index");
			depth--;
			break;
		case 0x0b:
			depth--;
			break;
		case 0x0c:
		case 0x0d: /* br br_if */
			rc = wasm_rd_index(r, "label index");
			break;
		case 0x0e: /* br_table */
			if ((rc = wasm_rd_count(r, &n, 1, "br_table label count")))
				return rc;
			for (uint32_t i = 0; i <= n && !rc; i++)
				rc = wasm_rd_index(r, "br_table label");
			break;
		case 0x10: /* call */
			rc = wasm_rd_index(r, "function index");
			break;
		case 0x11:   /* call_indirect type table */
		case 0x13: { /* return_call_indirect */
			uint32_t table = 0;
			if (op == 0x13)
				m->features |= RIG_WASM_F_TAIL_CALL;
			if ((rc = wasm_rd_index(r, "type index")) ||
			    (rc = wasm_rd_u32(r, &table, "table index")))
				return rc;
			if (table)
				m->features |= RIG_WASM_F_REFERENCE_TYPES;
			break;
		}
		case 0x12: /* return_call */
			m->features |= RIG_WASM_F_TAIL_CALL;
			rc = wasm_rd_index(r, "function index");
			break;
		case 0x1c: /* select t* */
			m->features |= RIG_WASM_F_REFERENCE_TYPES;
			if ((rc = wasm_rd_count(r, &n, 1, "select type count")))
				return rc;
			for (uint32_t i = 0; i < n && !rc; i++) {
				uint8_t t = 0;
				rc = wasm_rd_valtype(r, m, &t, "select type");
			}
			break;
		case 0x20:
		case 0x21:
		case 0x22: /* local.get/set/tee */
			rc = wasm_rd_index(r, "local index");
			break;
		case 0x23:
		case 0x24: /* global.get/set */
			rc = wasm_rd_index(r, "global index");
			break;
		case 0x25:
		case 0x26: /* table.get/set */
			m->features |= RIG_WASM_F_REFERENCE_TYPES;
			rc = wasm_rd_index(r, "table index");
			break;
		case 0x3f:
		case 0x40: { /* memory.size/grow */
			uint32_t mem = 0;
			if ((rc = wasm_rd_u32(r, &mem, "memory index")))
				return rc;
			if (mem)
				m->features |= RIG_WASM_F_MULTI_MEMORY;
			break;
		}
		case 0x41:
			rc = wasm_rd_leb(r, 32, 1, &v, "i32.const");
			break;
		case 0x42:
			rc = wasm_rd_leb(r, 64, 1, &v, "i64.const");
			break;
		case 0x43:
			rc = wasm_rd_skip(r, 4, "f32.const");
			break;
		case 0x44:
			rc = wasm_rd_skip(r, 8, "f64.const");
			break;
		case 0xd0: { /* ref.null heaptype */
			uint8_t t = 0;
			rc = wasm_rd_reftype(r, m, &t);
			m->features |= RIG_WASM_F_REFERENCE_TYPES;
			break;
		}
		case 0xd2: /* ref.func */
			m->features |= RIG_WASM_F_REFERENCE_TYPES;
			rc = wasm_rd_index(r, "function index");
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
				return wasm_fail_at(r, at, "unknown instruction opcode 0x%02x", op);
		}
		if (rc)
			return rc;
	}
	if (r->pos != r->end && !const_expr)
		return wasm_fail_at(r, r->pos, "function body has %zu bytes after its final 'end'",
				    r->end - r->pos);
	return 0;
}
