/*
 * HTTP/2 client connections for the load generator: cleartext with prior
 * knowledge (h2c, RFC 9113 section 3.3), framing and flow control by
 * libnghttp2's session API (nghttp2_session_client_new, mem_recv/mem_send:
 * the engine owns the socket). A request is a stream identified by the
 * engine's slot number: a GET, or a gRPC unary call (POST with the framed
 * message, content-type application/grpc, te: trailers; the response
 * checked by grpc.h). Its end (complete, reset, refused) is reported through
 * the done callback with the :status seen and the gRPC verdict. Built only
 * with libnghttp2 (RIG_HAVE_NGHTTP2); without it rig_h2_new says so.
 */
#ifndef RIG_HTTP2_H
#define RIG_HTTP2_H

#include <stddef.h>

#include <stdint.h>

#include "grpc.h"
#include "util.h"

struct rig_h2;

/* What every stream of a load asks for; owned by the caller, alive as long
 * as the sessions using it. */
struct rig_h2_req {
	const char *authority, *path;
	int grpc;	     /* 1: a gRPC unary call on path (/package.Service/Method) */
	const uint8_t *body; /* grpc: the Length-Prefixed-Message sent (rig_grpc_frame) */
	size_t body_len;
};

/* ok: 1 when the stream ended cleanly (END_STREAM, no RST_STREAM);
 * status: its :status (0 when none arrived); grpc: RIG_GRPC_OK for a plain
 * GET, else the call's verdict (grpc_status: its grpc-status, -1 if none;
 * why: what was malformed, "" otherwise). */
typedef void (*rig_h2_done_fn)(void *ctx, int slot, int status, int ok, int grpc, int grpc_status,
			       const char *why);

/* 1 when rig was built with libnghttp2. */
int rig_h2_available(void);

/* A client session that has queued the connection preface and SETTINGS;
 * NULL when nghttp2 is absent or out of memory. */
struct rig_h2 *rig_h2_new(rig_h2_done_fn done, void *ctx);
void rig_h2_free(struct rig_h2 *h);

/* Queues req on a new stream for slot (req must stay alive until the
 * stream ends). 0, or -1 (no stream ids left, the session is closing). */
int rig_h2_submit(struct rig_h2 *h, const struct rig_h2_req *req, int slot);

/* Feeds bytes read from the socket; done() runs for every stream that
 * ended. 0, or -1 on a protocol error (the connection is to be failed). */
int rig_h2_feed(struct rig_h2 *h, const char *data, size_t len);

/* Appends what the session has to send to out. 0, or -1 on an error. */
int rig_h2_pull(struct rig_h2 *h, struct rig_buf *out);

/* 1 once the peer sent GOAWAY or the session wants no more requests. */
int rig_h2_closing(const struct rig_h2 *h);

#endif
