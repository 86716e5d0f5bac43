/* Fuzz target: the load generator's gRPC response checks (host/src/load/grpc.c).
 * Input: one control byte (the read split), then header fields as
 * "name: value\n" lines up to an empty line (the response's headers and
 * trailers as nghttp2 hands them over), then the DATA bytes. The response
 * is checked twice, DATA whole and in pieces, and both must give the same
 * verdict and message count. Also: OK means grpc-status 0 and exactly one
 * message, STATUS a grpc-status above 0; and the request framing
 * round-trips (rig_grpc_frame of the DATA bytes is one message). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "grpc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void headers(struct rig_grpc_resp *r, const uint8_t *h, size_t len)
{
	while (len) {
		const uint8_t *nl = memchr(h, '\n', len);
		size_t line = nl ? (size_t)(nl - h) : len;
		const uint8_t *colon = memchr(h, ':', line);

		if (colon) {
			size_t nlen = (size_t)(colon - h), voff = nlen + 1;
			if (voff < line && h[voff] == ' ')
				voff++;
			rig_grpc_header(r, h, nlen, h + voff, line - voff);
		}
		if (!nl)
			return;
		h += line + 1;
		len -= line + 1;
	}
}

static int check(const uint8_t *h, size_t hlen, const uint8_t *d, size_t dlen, size_t step,
		 uint32_t *messages)
{
	struct rig_grpc_resp r;
	int v;

	rig_grpc_resp_init(&r);
	headers(&r, h, hlen);
	for (size_t off = 0; off < dlen;) {
		size_t n = step && dlen - off > step ? step : dlen - off;
		rig_grpc_data(&r, d + off, n);
		off += n;
	}
	v = rig_grpc_end(&r);
	if (v == RIG_GRPC_OK && (r.status != 0 || r.messages != 1))
		abort();
	if (v == RIG_GRPC_STATUS && r.status <= 0)
		abort();
	if (v == RIG_GRPC_MALFORMED && !r.why[0])
		abort();
	*messages = r.messages;
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *h, *d, *end;
	size_t hlen, dlen, step;
	uint32_t m1, m2;
	struct rig_buf b = {0};
	struct rig_grpc_resp r;

	if (size < 1)
		return 0;
	step = (size_t)(data[0] & 0x3f) + 1;
	h = data + 1;
	end = data + size;
	d = h;
	while (d + 1 < end && !(d[0] == '\n' && d[1] == '\n'))
		d++;
	hlen = (size_t)(d - h);
	d = d + 1 < end ? d + 2 : end;
	dlen = (size_t)(end - d);
	if (check(h, hlen, d, dlen, 0, &m1) != check(h, hlen, d, dlen, step, &m2) || m1 != m2)
		abort();
	if (dlen <= RIG_GRPC_MAX_MESSAGE) {
		rig_grpc_frame(d, dlen, &b);
		rig_grpc_resp_init(&r);
		rig_grpc_data(&r, (const uint8_t *)b.data, b.len);
		if (r.bad || r.messages != 1 || r.have || r.left)
			abort();
		rig_buf_free(&b);
	}
	return 0;
}
