/*
 * HTTP/2 client connections for the load generator: cleartext with prior
 * knowledge (h2c, RFC 9113 section 3.3), framing and flow control by
 * libnghttp2's session API (nghttp2_session_client_new, mem_recv/mem_send:
 * the engine owns the socket). A request is a GET stream identified by the
 * engine's slot number; its end (complete, reset, refused) is reported
 * through the done callback with the :status seen. Built only with
 * libnghttp2 (RIG_HAVE_NGHTTP2); without it rig_h2_new says so.
 */
#ifndef RIG_HTTP2_H
#define RIG_HTTP2_H

#include <stddef.h>

#include "util.h"

struct rig_h2;

/* ok: 1 when the stream ended cleanly (END_STREAM, no RST_STREAM);
 * status: its :status (0 when none arrived). */
typedef void (*rig_h2_done_fn)(void *ctx, int slot, int status, int ok);

/* 1 when rig was built with libnghttp2. */
int rig_h2_available(void);

/* A client session that has queued the connection preface and SETTINGS;
 * NULL when nghttp2 is absent or out of memory. */
struct rig_h2 *rig_h2_new(rig_h2_done_fn done, void *ctx);
void rig_h2_free(struct rig_h2 *h);

/* Queues GET path on a new stream for slot. 0, or -1 (no stream ids left,
 * the session is closing). */
int rig_h2_submit(struct rig_h2 *h, const char *authority, const char *path, int slot);

/* Feeds bytes read from the socket; done() runs for every stream that
 * ended. 0, or -1 on a protocol error (the connection is to be failed). */
int rig_h2_feed(struct rig_h2 *h, const char *data, size_t len);

/* Appends what the session has to send to out. 0, or -1 on an error. */
int rig_h2_pull(struct rig_h2 *h, struct rig_buf *out);

/* 1 once the peer sent GOAWAY or the session wants no more requests. */
int rig_h2_closing(const struct rig_h2 *h);

#endif
