/* Fuzz target: the load generator's HTTP/1.1 response parser (host/src/load/http1.c).
 * The first byte chooses where the rest is split into reads (and the header
 * limit); the input is then parsed twice, whole and in pieces, and both
 * runs must give the same responses (status, body length, keep-alive) and
 * the same final verdict: a response split anywhere across reads, or
 * pipelined behind another, parses the same. Also: no crash, the parser
 * never consumes more than it was given or makes no progress. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http1.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_RESP 64

struct run {
	int n, status[MAX_RESP], keep[MAX_RESP], verdict;
	uint64_t body[MAX_RESP];
};

static void note(struct run *r, const struct rig_http1 *p)
{
	if (r->n < MAX_RESP) {
		r->status[r->n] = p->status;
		r->keep[r->n] = p->keep_alive;
		r->body[r->n] = p->body_len;
	}
	r->n++;
}

/* Feeds [data, data+size) in pieces of `step` bytes (0: whole). */
static void parse(const char *data, size_t size, size_t step, size_t max_header, struct run *r)
{
	struct rig_http1 p;
	size_t off = 0;

	memset(r, 0, sizeof(*r));
	rig_http1_init(&p, max_header);
	while (off < size) {
		size_t len = step ? (size - off < step ? size - off : step) : size - off;
		size_t pos = 0;
		while (pos < len) {
			size_t used = 0;
			int rc = rig_http1_feed(&p, data + off + pos, len - pos, &used);
			if (used > len - pos)
				abort();
			pos += used;
			if (rc < 0) {
				r->verdict = rc;
				return;
			}
			if (rc == RIG_HTTP1_DONE) {
				note(r, &p);
				if (!p.keep_alive) {
					r->verdict = 100; /* the connection would close here */
					return;
				}
				continue;
			}
			if (pos != len)
				abort(); /* MORE must consume everything */
		}
		off += len;
	}
	r->verdict = rig_http1_eof(&p);
	if (r->verdict == RIG_HTTP1_DONE)
		note(r, &p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run whole, split;
	size_t step, max_header;

	if (size < 1)
		return 0;
	step = (size_t)(data[0] & 0x1f) + 1;
	max_header = data[0] & 0x20 ? 64 : 0;
	parse((const char *)data + 1, size - 1, 0, max_header, &whole);
	parse((const char *)data + 1, size - 1, step, max_header, &split);
	if (whole.n != split.n || whole.verdict != split.verdict)
		abort();
	for (int i = 0; i < whole.n && i < MAX_RESP; i++)
		if (whole.status[i] != split.status[i] || whole.body[i] != split.body[i] ||
		    whole.keep[i] != split.keep[i])
			abort();
	return 0;
}
