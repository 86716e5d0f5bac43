/* The decoder's bounded reader: bytes, LEB128, counts, names, and the
 * type encodings (value, reference, limits, global). See wasm_internal.h. */
#include "wasm_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int wasm_fail_at(struct rd *r, size_t off, const char *fmt, ...)
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

int wasm_rd_byte(struct rd *r, uint8_t *out, const char *what)
{
	if (r->pos >= r->end)
		return wasm_fail_at(r, r->pos, "expected %s, but the %s ends here", what,
				    r->ctx ? "section" : "file");
	*out = r->p[r->pos++];
	return 0;
}

/* LEB128 of at most ceil(bits/7) bytes whose unused high bits are zero
 * (unsigned) or copies of the sign bit (signed), as the spec requires. */
int wasm_rd_leb(struct rd *r, unsigned bits, int is_signed, uint64_t *out, const char *what)
{
	size_t start = r->pos;
	unsigned maxbytes = (bits + 6) / 7, shift = 0;
	uint64_t result = 0;
	uint8_t b = 0;

	for (unsigned i = 0;; i++) {
		if (r->pos >= r->end)
			return wasm_fail_at(r, start, "%s: LEB128 %s%u runs past the end of the %s",
					    what, is_signed ? "s" : "u", bits,
					    r->ctx ? "section" : "file");
		b = r->p[r->pos++];
		if (i == maxbytes - 1) {
			unsigned used = bits - shift; /* value bits left for this byte, 1..7 */
			unsigned rest = (unsigned)(b & 0x7f) >> (is_signed ? used - 1 : used);
			unsigned ones = 0x7fu >> (is_signed ? used - 1 : used);

			if (b & 0x80)
				return wasm_fail_at(
				    r, start,
				    "%s: expected a LEB128 %s%u of at most %u bytes, "
				    "got a longer one",
				    what, is_signed ? "s" : "u", bits, maxbytes);
			if (rest != 0 && !(is_signed && rest == ones))
				return wasm_fail_at(r, start,
						    "%s: LEB128 value does not fit in %s%u", what,
						    is_signed ? "s" : "u", bits);
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

int wasm_rd_u32(struct rd *r, uint32_t *out, const char *what)
{
	uint64_t v = 0;
	int rc = wasm_rd_leb(r, 32, 0, &v, what);

	if (!rc)
		*out = (uint32_t)v;
	return rc;
}

int wasm_rd_skip(struct rd *r, uint64_t n, const char *what)
{
	if (n > r->end - r->pos)
		return wasm_fail_at(r, r->pos, "%s: %llu bytes needed, only %zu left in the %s",
				    what, (unsigned long long)n, r->end - r->pos,
				    r->ctx ? "section" : "file");
	r->pos += (size_t)n;
	return 0;
}

/* A vector length: each element takes at least min_bytes, so a count the
 * remaining bytes cannot hold is malformed (and never drives an allocation). */
int wasm_rd_count(struct rd *r, uint32_t *out, size_t min_bytes, const char *what)
{
	size_t start = r->pos;
	int rc = wasm_rd_u32(r, out, what);

	if (rc)
		return rc;
	if (min_bytes && *out > (r->end - r->pos) / min_bytes)
		return wasm_fail_at(r, start,
				    "%s %u runs past the end: only %zu bytes are left in the %s",
				    what, *out, r->end - r->pos, r->ctx ? "section" : "file");
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
int wasm_rd_name(struct rd *r, char **out, const char *what)
{
	uint32_t n = 0;
	size_t start;
	int rc;

	if ((rc = wasm_rd_count(r, &n, 1, what)))
		return rc;
	start = r->pos;
	if ((rc = wasm_rd_skip(r, n, what)))
		return rc;
	if (!utf8_valid(r->p + start, n))
		return wasm_fail_at(r, start, "%s: expected a UTF-8 name", what);
	if (memchr(r->p + start, 0, n))
		return wasm_fail_at(r, start, "%s: name contains a NUL byte", what);
	if (out) {
		*out = rig_xmalloc((size_t)n + 1);
		memcpy(*out, r->p + start, n);
		(*out)[n] = '\0';
	}
	return 0;
}

/* ---- types ---- */

int wasm_is_valtype(uint8_t t)
{
	return t == VT_I32 || t == VT_I64 || t == VT_F32 || t == VT_F64 || t == VT_V128 ||
	       t == VT_FUNCREF || t == VT_EXTERNREF;
}

void wasm_note_valtype(struct rig_wasm_module *m, uint8_t t)
{
	if (t == VT_V128)
		m->features |= RIG_WASM_F_SIMD;
	if (t == VT_EXTERNREF)
		m->features |= RIG_WASM_F_REFERENCE_TYPES;
}

int wasm_rd_valtype(struct rd *r, struct rig_wasm_module *m, uint8_t *out, const char *what)
{
	size_t at = r->pos;
	int rc = wasm_rd_byte(r, out, what);

	if (rc)
		return rc;
	if (!wasm_is_valtype(*out))
		return wasm_fail_at(
		    r, at, "%s: expected a value type (0x7f i32 ... 0x6f externref), got 0x%02x",
		    what, *out);
	wasm_note_valtype(m, *out);
	return 0;
}

int wasm_rd_reftype(struct rd *r, struct rig_wasm_module *m, uint8_t *out)
{
	size_t at = r->pos;
	int rc = wasm_rd_byte(r, out, "reference type");

	if (rc)
		return rc;
	if (*out != VT_FUNCREF && *out != VT_EXTERNREF)
		return wasm_fail_at(
		    r, at, "expected a reference type (0x70 funcref or 0x6f externref), got 0x%02x",
		    *out);
	wasm_note_valtype(m, *out);
	return 0;
}

int wasm_rd_limits(struct rd *r, struct rig_wasm_module *m, int is_memory,
		   struct rig_wasm_limits *l)
{
	size_t at = r->pos;
	uint8_t flags = 0;
	uint64_t v = 0;
	int rc;

	memset(l, 0, sizeof(*l));
	if ((rc = wasm_rd_byte(r, &flags, "limits flags")))
		return rc;
	if (flags > (is_memory ? 7 : 1))
		return wasm_fail_at(r, at, "expected limits flags 0x00..0x%02x, got 0x%02x",
				    is_memory ? 7 : 1, flags);
	l->has_max = flags & 1;
	l->shared = (flags & 2) != 0;
	l->is64 = (flags & 4) != 0;
	if (l->shared) {
		m->features |= RIG_WASM_F_THREADS;
		if (!l->has_max)
			return wasm_fail_at(r, at, "a shared memory must have a maximum");
	}
	if (l->is64)
		m->features |= RIG_WASM_F_MEMORY64;
	if ((rc = wasm_rd_leb(r, l->is64 ? 64 : 32, 0, &v, "limits minimum")))
		return rc;
	l->min = v;
	if (l->has_max) {
		size_t mat = r->pos;
		if ((rc = wasm_rd_leb(r, l->is64 ? 64 : 32, 0, &v, "limits maximum")))
			return rc;
		l->max = v;
		if (l->max < l->min)
			return wasm_fail_at(r, mat, "limits maximum %llu is below the minimum %llu",
					    (unsigned long long)l->max, (unsigned long long)l->min);
	}
	if (is_memory && !l->is64 &&
	    (l->min > WASM_PAGE_LIMIT_32 || (l->has_max && l->max > WASM_PAGE_LIMIT_32)))
		return wasm_fail_at(r, at, "memory size must be at most 65536 pages (4 GiB)");
	return 0;
}

int wasm_rd_globaltype(struct rd *r, struct rig_wasm_module *m, uint8_t *vt, int *mut)
{
	size_t at;
	uint8_t b = 0;
	int rc;

	if ((rc = wasm_rd_valtype(r, m, vt, "global type")))
		return rc;
	at = r->pos;
	if ((rc = wasm_rd_byte(r, &b, "global mutability")))
		return rc;
	if (b > 1)
		return wasm_fail_at(r, at, "expected global mutability 0 or 1, got 0x%02x", b);
	*mut = b;
	return 0;
}
