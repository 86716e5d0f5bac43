/*
 * gRPC unary over HTTP/2 as the load generator needs it (the wire format of
 * grpc/grpc doc/PROTOCOL-HTTP2.md): the request message framed as a
 * Length-Prefixed-Message (1 byte compressed flag, 4 bytes big-endian
 * length, the message), and the response checked: content-type
 * application/grpc[+proto|;...], every DATA byte part of a whole
 * length-prefixed message, and a grpc-status in the trailers (or in the
 * headers of a Trailers-Only response). No heap, no nghttp2: the HTTP/2
 * session (http2.c) feeds it the header fields and DATA bytes of one
 * stream. Fuzzed by tests/fuzz/fuzz_grpc.c.
 */
#ifndef RIG_GRPC_H
#define RIG_GRPC_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* Largest response message accepted (grpc-go's default receive limit). */
#define RIG_GRPC_MAX_MESSAGE (4u << 20)

/* The outcome of one call (rig_grpc_end). */
enum rig_grpc_verdict {
	RIG_GRPC_OK = 0,	 /* grpc-status 0, one well-framed message */
	RIG_GRPC_STATUS = 1,	 /* a well-formed response with grpc-status != 0 */
	RIG_GRPC_MALFORMED = -1, /* no or bad grpc-status, wrong content-type,
				    a cut or oversize message, compressed
				    without grpc-encoding */
};

struct rig_grpc_resp {
	uint8_t prefix[5];
	uint8_t have;  /* prefix bytes seen of the current message */
	uint32_t left; /* body bytes still due of the current message */
	uint32_t messages;
	int status;	  /* grpc-status, -1 while none */
	int content_type; /* 1 application/grpc*, 0 none yet, -1 another */
	int encoding;	  /* a grpc-encoding other than identity was given */
	int bad;	  /* a framing or header fault was seen */
	char why[80];	  /* the first fault, for messages */
};

/* Appends msg as one Length-Prefixed-Message (not compressed) to out. */
void rig_grpc_frame(const void *msg, size_t len, struct rig_buf *out);

/* 1 when path is a method path as gRPC sends it: /Service/Method, the
 * service possibly package-qualified, no spaces or control characters. */
int rig_grpc_method_ok(const char *path);

void rig_grpc_resp_init(struct rig_grpc_resp *r);

/* One header field of the response, from the headers or the trailers
 * (name lower-case as HTTP/2 sends it). Never fails: faults are kept. */
void rig_grpc_header(struct rig_grpc_resp *r, const uint8_t *name, size_t namelen,
		     const uint8_t *value, size_t valuelen);

/* DATA bytes of the response, in any split. Never fails: faults are kept. */
void rig_grpc_data(struct rig_grpc_resp *r, const uint8_t *data, size_t len);

/* At the end of the stream: the verdict (r->why says what was wrong). */
enum rig_grpc_verdict rig_grpc_end(struct rig_grpc_resp *r);

#endif
