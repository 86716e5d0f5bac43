/* DFU 1.1 / DfuSe wire codec: GETSTATUS, the functional descriptor, the
 * DfuSe memory map string and block-0 commands (dfu_proto.h). Pure. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dfu_proto.h"

int rig_dfu_status_decode(const uint8_t *buf, size_t n, struct rig_dfu_status *st,
			  struct rig_error *err)
{
	memset(st, 0, sizeof(*st));
	if (n != RIG_DFU_STATUS_SIZE)
		return rig_fail(err, RIG_ERR_PROTOCOL,
				"dfu: GETSTATUS reply is %zu bytes, expected %d", n,
				RIG_DFU_STATUS_SIZE);
	st->status = buf[0];
	st->poll_timeout_ms = (uint32_t)buf[1] | (uint32_t)buf[2] << 8 | (uint32_t)buf[3] << 16;
	st->state = buf[4];
	st->string = buf[5];
	if (st->state >= RIG_DFU_STATE_COUNT_)
		return rig_fail(err, RIG_ERR_PROTOCOL, "dfu: GETSTATUS bState is %u, at most %d",
				st->state, RIG_DFU_STATE_COUNT_ - 1);
	return 0;
}

void rig_dfu_status_encode(const struct rig_dfu_status *st, uint8_t out[RIG_DFU_STATUS_SIZE])
{
	out[0] = st->status;
	out[1] = (uint8_t)st->poll_timeout_ms;
	out[2] = (uint8_t)(st->poll_timeout_ms >> 8);
	out[3] = (uint8_t)(st->poll_timeout_ms >> 16);
	out[4] = st->state;
	out[5] = st->string;
}

int rig_dfu_func_find(const uint8_t *desc, size_t n, struct rig_dfu_func *f, struct rig_error *err)
{
	size_t off = 0;

	memset(f, 0, sizeof(*f));
	while (off + 2 <= n) {
		uint8_t len = desc[off], type = desc[off + 1];
		const uint8_t *d = desc + off;

		if (len < 2 || len > n - off)
			return rig_fail(err, RIG_ERR_PROTOCOL,
					"dfu: descriptor at offset %zu has bLength %u (%zu bytes "
					"left)",
					off, len, n - off);
		if (type == RIG_DFU_FUNC_DESC_TYPE) {
			if (len < 7)
				return rig_fail(err, RIG_ERR_PROTOCOL,
						"dfu: functional descriptor bLength is %u, "
						"expected 7 or 9",
						len);
			f->attributes = d[2];
			f->detach_timeout_ms = (uint16_t)(d[3] | d[4] << 8);
			f->transfer_size = (uint16_t)(d[5] | d[6] << 8);
			f->dfu_version = len >= 9 ? (uint16_t)(d[7] | d[8] << 8) : 0x0100;
			return 0;
		}
		off += len;
	}
	return rig_fail(err, RIG_ERR_NOT_FOUND,
			"dfu: no functional descriptor (type 0x21) in %zu bytes", n);
}

void rig_dfu_func_encode(const struct rig_dfu_func *f, uint8_t out[RIG_DFU_FUNC_DESC_SIZE])
{
	out[0] = RIG_DFU_FUNC_DESC_SIZE;
	out[1] = RIG_DFU_FUNC_DESC_TYPE;
	out[2] = f->attributes;
	out[3] = (uint8_t)f->detach_timeout_ms;
	out[4] = (uint8_t)(f->detach_timeout_ms >> 8);
	out[5] = (uint8_t)f->transfer_size;
	out[6] = (uint8_t)(f->transfer_size >> 8);
	out[7] = (uint8_t)f->dfu_version;
	out[8] = (uint8_t)(f->dfu_version >> 8);
}

/* Unsigned number at *p (0x hex or decimal: "016" is sixteen, not octal
 * fourteen), at most max; advances *p. */
static int number(const char **p, unsigned long long max, uint32_t *out)
{
	char *end;
	unsigned long long v;

	if (!isdigit((unsigned char)**p))
		return -1;
	v = strtoull(*p, &end, (*p)[0] == '0' && (*p)[1] == 'x' ? 16 : 10);
	if (end == *p || v > max)
		return -1;
	*out = (uint32_t)v;
	*p = end;
	return 0;
}

static int layout_fail(const char *s, const char *p, const char *want, struct rig_error *err)
{
	return rig_fail(err, RIG_ERR_PARSE,
			"dfuse: memory map \"%.80s\": at offset %td: expected %s", s, p - s, want);
}

/* One "N*SIZE[ BKM]t" entry. */
static int layout_entry(const char *s, const char **p, uint32_t *addr, struct rig_dfuse_layout *l,
			struct rig_error *err)
{
	struct rig_dfuse_seg *g;
	uint32_t count, size;
	uint64_t bytes;

	if (l->n >= RIG_DFUSE_SEGS_MAX)
		return layout_fail(s, *p, "at most 32 segments", err);
	if (number(p, 0xFFFF, &count) || count == 0)
		return layout_fail(s, *p, "a sector count 1..65535", err);
	if (**p != '*')
		return layout_fail(s, *p, "'*'", err);
	(*p)++;
	if (number(p, 0xFFFF, &size) || size == 0)
		return layout_fail(s, *p, "a sector size 1..65535", err);
	switch (**p) {
	case 'K':
		size *= 1024, (*p)++;
		break;
	case 'M':
		size *= 1024 * 1024, (*p)++;
		break;
	case 'B':
	case ' ':
		(*p)++;
		break;
	default:
		return layout_fail(s, *p, "a unit ' ', B, K or M", err);
	}
	if (**p < 'a' || **p > 'g')
		return layout_fail(s, *p, "a sector type a..g", err);
	bytes = (uint64_t)count * size;
	if ((uint64_t)*addr + bytes > 0x100000000ull)
		return layout_fail(s, *p, "a segment that ends below 4 GiB", err);
	g = &l->seg[l->n++];
	g->start = *addr;
	g->count = count;
	g->size = size;
	g->type = (uint8_t)(**p - 'a' + 1);
	(*p)++;
	*addr += (uint32_t)bytes;
	return 0;
}

int rig_dfuse_layout_parse(const char *s, struct rig_dfuse_layout *l, struct rig_error *err)
{
	const char *p = s, *slash;
	size_t nlen;
	int rc;

	memset(l, 0, sizeof(*l));
	if (*p != '@')
		return layout_fail(s, p, "'@'", err);
	p++;
	if (!(slash = strchr(p, '/')))
		return layout_fail(s, p, "'/' after the name", err);
	nlen = (size_t)(slash - p);
	while (nlen && p[nlen - 1] == ' ')
		nlen--;
	snprintf(l->name, sizeof(l->name), "%.*s", (int)nlen, p);
	p = slash;
	while (*p == '/') {
		uint32_t addr;

		p++;
		if (strncmp(p, "0x", 2) != 0 || number(&p, 0xFFFFFFFFull, &addr))
			return layout_fail(s, p, "a 0x address", err);
		if (*p != '/')
			return layout_fail(s, p, "'/' after the address", err);
		p++;
		for (;;) {
			if ((rc = layout_entry(s, &p, &addr, l, err)))
				return rc;
			if (*p != ',')
				break;
			p++;
		}
	}
	if (*p)
		return layout_fail(s, p, "the end of the string or '/'", err);
	return 0;
}

int rig_dfuse_sector(const struct rig_dfuse_layout *l, uint32_t addr, uint8_t *type,
		     uint32_t *start, uint32_t *size)
{
	for (int i = 0; i < l->n; i++) {
		const struct rig_dfuse_seg *g = &l->seg[i];
		uint64_t end = (uint64_t)g->start + (uint64_t)g->count * g->size;

		if (addr >= g->start && addr < end) {
			*type = g->type;
			*size = g->size;
			*start = g->start + (addr - g->start) / g->size * g->size;
			return 0;
		}
	}
	return RIG_ERR_NOT_FOUND;
}

int rig_dfuse_check_range(const struct rig_dfuse_layout *l, uint32_t addr, uint32_t len,
			  struct rig_error *err)
{
	uint64_t a = addr, end = (uint64_t)addr + len;

	while (a < end) {
		uint8_t type;
		uint32_t start, size;

		if (rig_dfuse_sector(l, (uint32_t)a, &type, &start, &size))
			return rig_fail(err, RIG_ERR_INVALID,
					"dfuse: 0x%08llx is outside the memory map of \"%s\"",
					(unsigned long long)a, l->name);
		if ((type & (RIG_DFUSE_ERASABLE | RIG_DFUSE_WRITEABLE)) !=
		    (RIG_DFUSE_ERASABLE | RIG_DFUSE_WRITEABLE))
			return rig_fail(err, RIG_ERR_INVALID,
					"dfuse: sector 0x%08x of \"%s\" is type '%c', not "
					"erasable and writeable ('g' or 'f')",
					start, l->name, 'a' + type - 1);
		a = (uint64_t)start + size;
	}
	return 0;
}

size_t rig_dfuse_cmd_encode(uint8_t cmd, int has_addr, uint32_t addr, uint8_t out[5])
{
	out[0] = cmd;
	if (!has_addr)
		return 1;
	out[1] = (uint8_t)addr;
	out[2] = (uint8_t)(addr >> 8);
	out[3] = (uint8_t)(addr >> 16);
	out[4] = (uint8_t)(addr >> 24);
	return 5;
}

int rig_dfuse_cmd_decode(const uint8_t *buf, size_t n, struct rig_dfuse_cmd *c,
			 struct rig_error *err)
{
	memset(c, 0, sizeof(*c));
	if (n == 0)
		return rig_fail(err, RIG_ERR_PROTOCOL, "dfuse: empty block-0 command");
	c->cmd = buf[0];
	switch (c->cmd) {
	case RIG_DFUSE_CMD_GET:
	case RIG_DFUSE_CMD_READ_UNPROTECT:
		if (n != 1)
			break;
		return 0;
	case RIG_DFUSE_CMD_SET_ADDRESS:
	case RIG_DFUSE_CMD_ERASE:
		if (n == 1 && c->cmd == RIG_DFUSE_CMD_ERASE)
			return 0; /* mass erase */
		if (n != 5)
			break;
		c->has_addr = 1;
		c->addr = (uint32_t)buf[1] | (uint32_t)buf[2] << 8 | (uint32_t)buf[3] << 16 |
			  (uint32_t)buf[4] << 24;
		return 0;
	default:
		return rig_fail(err, RIG_ERR_PROTOCOL, "dfuse: unknown block-0 command 0x%02x",
				c->cmd);
	}
	return rig_fail(err, RIG_ERR_PROTOCOL, "dfuse: command 0x%02x is %zu bytes long", c->cmd,
			n);
}

static const char *const state_names[] = {
    "appIDLE",	      "appDETACH",	  "dfuIDLE",	 "dfuDNLOAD-SYNC",	   "dfuDNBUSY",
    "dfuDNLOAD-IDLE", "dfuMANIFEST-SYNC", "dfuMANIFEST", "dfuMANIFEST-WAIT-RESET", "dfuUPLOAD-IDLE",
    "dfuERROR",
};
_Static_assert(sizeof(state_names) / sizeof(state_names[0]) == RIG_DFU_STATE_COUNT_,
	       "DFU state names match the enum");

static const char *const status_names[] = {
    "OK",      "errTARGET", "errFILE",	  "errWRITE",	   "errERASE",	  "errCHECK_ERASED",
    "errPROG", "errVERIFY", "errADDRESS", "errNOTDONE",	   "errFIRMWARE", "errVENDOR",
    "errUSBR", "errPOR",    "errUNKNOWN", "errSTALLEDPKT",
};
_Static_assert(sizeof(status_names) / sizeof(status_names[0]) == RIG_DFU_STATUS_COUNT_,
	       "DFU status names match the enum");

const char *rig_dfu_state_name(unsigned state)
{
	static char buf[20];

	if (state < RIG_DFU_STATE_COUNT_)
		return state_names[state];
	snprintf(buf, sizeof(buf), "state %u", state);
	return buf;
}

const char *rig_dfu_status_name(unsigned status)
{
	static char buf[20];

	if (status < RIG_DFU_STATUS_COUNT_)
		return status_names[status];
	snprintf(buf, sizeof(buf), "status %u", status);
	return buf;
}
