/* HTTP/1.1 response parser: see http1.h. */
#include "http1.h"

#include <string.h>
#include <strings.h>

enum {
	S_STATUS = 0, /* status line */
	S_HEADER,     /* header lines up to the empty line */
	S_BODY,	      /* Content-Length body: remaining bytes */
	S_EOF_BODY,   /* body until the connection closes */
	S_CHUNK_SIZE, /* chunk-size [; ext] CRLF */
	S_CHUNK_DATA, /* remaining bytes of a chunk */
	S_CHUNK_END,  /* the CRLF after a chunk's data */
	S_TRAILER,    /* trailer lines up to the empty line */
};

static void reset_response(struct rig_http1 *p)
{
	p->state = S_STATUS;
	p->chunked = p->close_delim = p->te_seen = p->cl_seen = 0;
	p->conn_close = p->conn_keep = 0;
	p->remaining = p->content_length = 0;
	p->header_bytes = p->line_len = 0;
}

void rig_http1_init(struct rig_http1 *p, size_t max_header)
{
	memset(p, 0, sizeof(*p));
	p->max_header = max_header ? max_header : RIG_HTTP1_MAX_HEADER;
	reset_response(p);
}

int rig_http1_busy(const struct rig_http1 *p) { return p->state != S_STATUS || p->line_len > 0; }

const char *rig_http1_strerror(int rc)
{
	switch (rc) {
	case RIG_HTTP1_E_SYNTAX:
		return "malformed response";
	case RIG_HTTP1_E_TOO_BIG:
		return "header section too big";
	case RIG_HTTP1_E_EOF:
		return "connection closed inside a response";
	case RIG_HTTP1_E_OVERFLOW:
		return "length too large";
	default:
		return "no error";
	}
}

/* "HTTP/1.x SSS[ reason]" */
static int parse_status(struct rig_http1 *p, const char *l, size_t n)
{
	if (n < 12 || memcmp(l, "HTTP/1.", 7) != 0 || l[7] < '0' || l[7] > '9' || l[8] != ' ')
		return RIG_HTTP1_E_SYNTAX;
	for (int i = 9; i < 12; i++)
		if (l[i] < '0' || l[i] > '9')
			return RIG_HTTP1_E_SYNTAX;
	if (n > 12 && l[12] != ' ')
		return RIG_HTTP1_E_SYNTAX;
	p->minor = l[7] - '0';
	p->status = (l[9] - '0') * 100 + (l[10] - '0') * 10 + (l[11] - '0');
	if (p->status < 100)
		return RIG_HTTP1_E_SYNTAX;
	return 0;
}

static int is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* 1 when the comma-separated list has `tok` (case-insensitive) */
static int list_has(const char *v, size_t n, const char *tok)
{
	size_t tl = strlen(tok), i = 0;

	while (i < n) {
		size_t s, e;
		while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
			i++;
		s = i;
		while (i < n && v[i] != ',')
			i++;
		e = i;
		while (e > s && (v[e - 1] == ' ' || v[e - 1] == '\t'))
			e--;
		if (e - s == tl && strncasecmp(v + s, tok, tl) == 0)
			return 1;
	}
	return 0;
}

/* the last coding of a Transfer-Encoding list is chunked */
static int last_is_chunked(const char *v, size_t n)
{
	size_t e = n, s;

	while (e > 0 && (v[e - 1] == ' ' || v[e - 1] == '\t'))
		e--;
	s = e;
	while (s > 0 && v[s - 1] != ',')
		s--;
	while (s < e && (v[s] == ' ' || v[s] == '\t'))
		s++;
	return e - s == 7 && strncasecmp(v + s, "chunked", 7) == 0;
}

static int parse_header(struct rig_http1 *p, const char *l, size_t n, int truncated)
{
	size_t i = 0, vs, ve;

	if (l[0] == ' ' || l[0] == '\t')
		return RIG_HTTP1_E_SYNTAX; /* obsolete line folding */
	while (i < n && is_tchar((unsigned char)l[i]))
		i++;
	if (i == 0 || i >= n || l[i] != ':')
		return RIG_HTTP1_E_SYNTAX;
	vs = i + 1;
	while (vs < n && (l[vs] == ' ' || l[vs] == '\t'))
		vs++;
	ve = n;
	while (ve > vs && (l[ve - 1] == ' ' || l[ve - 1] == '\t'))
		ve--;
#define NAME_IS(s) (i == sizeof(s) - 1 && strncasecmp(l, s, i) == 0)
	if (NAME_IS("content-length")) {
		uint64_t v = 0;
		if (truncated || ve == vs)
			return RIG_HTTP1_E_SYNTAX;
		for (size_t k = vs; k < ve; k++) {
			if (l[k] < '0' || l[k] > '9')
				return RIG_HTTP1_E_SYNTAX;
			if (v > (UINT64_C(1) << 62) / 10)
				return RIG_HTTP1_E_OVERFLOW;
			v = v * 10 + (uint64_t)(l[k] - '0');
		}
		if (p->cl_seen && v != p->content_length)
			return RIG_HTTP1_E_SYNTAX;
		p->cl_seen = 1;
		p->content_length = v;
	} else if (NAME_IS("transfer-encoding")) {
		if (truncated)
			return RIG_HTTP1_E_SYNTAX;
		p->te_seen = 1;
		p->chunked = last_is_chunked(l + vs, ve - vs);
	} else if (NAME_IS("connection")) {
		if (truncated)
			return RIG_HTTP1_E_SYNTAX;
		if (list_has(l + vs, ve - vs, "close"))
			p->conn_close = 1;
		if (list_has(l + vs, ve - vs, "keep-alive"))
			p->conn_keep = 1;
	}
#undef NAME_IS
	return 0;
}

/* The header section ended: choose how the body is delimited. */
static int end_of_headers(struct rig_http1 *p)
{
	p->keep_alive = p->minor >= 1 ? !p->conn_close : (p->conn_keep && !p->conn_close);
	p->body_len = 0;
	if ((p->status >= 100 && p->status < 200) || p->status == 204 || p->status == 304) {
		p->state = S_STATUS; /* no body */
		return 1;
	}
	if (p->te_seen) {
		if (p->chunked) {
			p->state = S_CHUNK_SIZE;
			return 0;
		}
		p->close_delim = 1; /* RFC 9112 6.3: read until close */
	} else if (p->cl_seen) {
		p->remaining = p->body_len = p->content_length;
		p->state = S_BODY;
		return p->remaining == 0;
	} else {
		p->close_delim = 1;
	}
	p->keep_alive = 0;
	p->state = S_EOF_BODY;
	return 0;
}

static int parse_chunk_size(struct rig_http1 *p, const char *l, size_t n, int truncated)
{
	uint64_t v = 0;
	size_t i = 0;

	while (i < n && ((l[i] >= '0' && l[i] <= '9') || (l[i] >= 'a' && l[i] <= 'f') ||
			 (l[i] >= 'A' && l[i] <= 'F'))) {
		int d = l[i] <= '9' ? l[i] - '0' : (l[i] | 0x20) - 'a' + 10;
		if (v >> 58)
			return RIG_HTTP1_E_OVERFLOW;
		v = v * 16 + (uint64_t)d;
		i++;
	}
	if (i == 0 || (i == n && truncated))
		return RIG_HTTP1_E_SYNTAX;
	while (i < n && (l[i] == ' ' || l[i] == '\t'))
		i++;
	if (i < n && l[i] != ';')
		return RIG_HTTP1_E_SYNTAX;
	if (p->body_len + v < p->body_len || p->body_len + v > (UINT64_C(1) << 62))
		return RIG_HTTP1_E_OVERFLOW;
	p->remaining = v;
	return 0;
}

/* One complete line (without LF, and without the CR before it). Returns
 * <0 error, 1 response done, 0 go on. */
static int on_line(struct rig_http1 *p, const char *l, size_t n, int truncated)
{
	int rc;

	switch (p->state) {
	case S_STATUS:
		if (n == 0 && p->header_bytes <= 2)
			return 0; /* tolerate an empty line before a response (RFC 9112 2.2) */
		if ((rc = parse_status(p, l, n)))
			return rc;
		p->state = S_HEADER;
		return 0;
	case S_HEADER:
		if (n == 0) {
			rc = end_of_headers(p);
			if (rc == 1 && p->status >= 100 && p->status < 200 && p->status != 101) {
				reset_response(p); /* interim response: the real one follows */
				return 0;
			}
			return rc;
		}
		return parse_header(p, l, n, truncated);
	case S_CHUNK_SIZE:
		if ((rc = parse_chunk_size(p, l, n, truncated)))
			return rc;
		p->body_len += p->remaining;
		p->state = p->remaining ? S_CHUNK_DATA : S_TRAILER;
		return 0;
	case S_CHUNK_END:
		if (n != 0)
			return RIG_HTTP1_E_SYNTAX;
		p->state = S_CHUNK_SIZE;
		return 0;
	case S_TRAILER:
		if (n == 0) {
			p->state = S_STATUS;
			return 1;
		}
		return 0;
	}
	return RIG_HTTP1_E_SYNTAX;
}

static int in_header_section(const struct rig_http1 *p)
{
	return p->state == S_STATUS || p->state == S_HEADER || p->state == S_TRAILER;
}

int rig_http1_feed(struct rig_http1 *p, const char *data, size_t len, size_t *used)
{
	size_t pos = 0;
	int rc;

	while (pos < len) {
		if (p->state == S_BODY || p->state == S_CHUNK_DATA) {
			size_t take = len - pos;
			if ((uint64_t)take > p->remaining)
				take = (size_t)p->remaining;
			p->remaining -= take;
			pos += take;
			if (p->remaining)
				break;
			if (p->state == S_BODY) {
				p->state = S_STATUS;
				*used = pos;
				reset_response(p);
				return RIG_HTTP1_DONE;
			}
			p->state = S_CHUNK_END;
			continue;
		}
		if (p->state == S_EOF_BODY) {
			p->body_len += len - pos;
			pos = len;
			break;
		}
		/* a line-oriented state: gather up to LF */
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t seg = nl ? (size_t)(nl - (data + pos)) : len - pos;
		if (p->line_len < sizeof(p->line)) {
			size_t room = sizeof(p->line) - p->line_len;
			memcpy(p->line + p->line_len, data + pos, seg < room ? seg : room);
		}
		p->line_len += seg;
		if (in_header_section(p)) {
			p->header_bytes += seg + (nl ? 1 : 0);
			if (p->header_bytes > p->max_header)
				return RIG_HTTP1_E_TOO_BIG;
		} else if (p->line_len > p->max_header) {
			return RIG_HTTP1_E_TOO_BIG; /* a chunk-size line without end */
		}
		pos += seg;
		if (!nl)
			break;
		pos++; /* the LF */
		{
			size_t n = p->line_len;
			int truncated = n > sizeof(p->line);
			if (truncated)
				n = sizeof(p->line);
			else if (n && p->line[n - 1] == '\r')
				n--;
			p->line_len = 0;
			rc = on_line(p, p->line, n, truncated);
		}
		if (rc < 0)
			return rc;
		if (rc == 1) {
			*used = pos;
			reset_response(p);
			return RIG_HTTP1_DONE;
		}
	}
	*used = pos;
	return RIG_HTTP1_MORE;
}

int rig_http1_eof(struct rig_http1 *p)
{
	if (p->state == S_EOF_BODY) {
		reset_response(p);
		p->keep_alive = 0;
		return RIG_HTTP1_DONE;
	}
	if (!rig_http1_busy(p))
		return RIG_HTTP1_MORE;
	return RIG_HTTP1_E_EOF;
}
