/* HTTP/2 (h2c) client sessions over libnghttp2: see http2.h. */
#include "http2.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef RIG_HAVE_NGHTTP2
#include <nghttp2/nghttp2.h>

#define MAX_SLOTS 64

struct rig_h2 {
	nghttp2_session *s;
	rig_h2_done_fn done;
	void *ctx;
	int status[MAX_SLOTS]; /* :status of the stream on each slot */
	int ended[MAX_SLOTS];  /* END_STREAM seen */
	/* gRPC calls: the request each slot sends, how much of its body went
	 * out, and the response's checks */
	const struct rig_h2_req *req[MAX_SLOTS];
	size_t sent[MAX_SLOTS];
	struct rig_grpc_resp g[MAX_SLOTS];
};

int rig_h2_available(void) { return 1; }

static int slot_of(nghttp2_session *s, int32_t stream_id)
{
	return (int)(intptr_t)nghttp2_session_get_stream_user_data(s, stream_id) - 1;
}

static int on_header(nghttp2_session *s, const nghttp2_frame *f, const uint8_t *name,
		     size_t namelen, const uint8_t *value, size_t valuelen, uint8_t flags,
		     void *user)
{
	struct rig_h2 *h = user;
	int slot = slot_of(s, f->hd.stream_id);

	(void)flags;
	if (f->hd.type != NGHTTP2_HEADERS || slot < 0 || slot >= MAX_SLOTS)
		return 0;
	if (namelen == 7 && memcmp(name, ":status", 7) == 0 && valuelen == 3)
		h->status[slot] = (value[0] - '0') * 100 + (value[1] - '0') * 10 + (value[2] - '0');
	else if (h->req[slot] && h->req[slot]->grpc)
		rig_grpc_header(&h->g[slot], name, namelen, value, valuelen);
	return 0;
}

static int on_data(nghttp2_session *s, uint8_t flags, int32_t stream_id, const uint8_t *data,
		   size_t len, void *user)
{
	struct rig_h2 *h = user;
	int slot = slot_of(s, stream_id);

	(void)flags;
	if (slot >= 0 && slot < MAX_SLOTS && h->req[slot] && h->req[slot]->grpc)
		rig_grpc_data(&h->g[slot], data, len);
	return 0;
}

/* The request body (the gRPC message), from the shared buffer. */
static ssize_t body_read(nghttp2_session *s, int32_t stream_id, uint8_t *buf, size_t length,
			 uint32_t *data_flags, nghttp2_data_source *src, void *user)
{
	struct rig_h2 *h = user;
	int slot = slot_of(s, stream_id);
	const struct rig_h2_req *rq;
	size_t n;

	(void)src;
	if (slot < 0 || slot >= MAX_SLOTS || !(rq = h->req[slot]))
		return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
	n = rq->body_len - h->sent[slot];
	if (n > length)
		n = length;
	if (n)
		memcpy(buf, rq->body + h->sent[slot], n);
	h->sent[slot] += n;
	if (h->sent[slot] == rq->body_len)
		*data_flags |= NGHTTP2_DATA_FLAG_EOF;
	return (ssize_t)n;
}

static int on_frame(nghttp2_session *s, const nghttp2_frame *f, void *user)
{
	struct rig_h2 *h = user;
	int slot = slot_of(s, f->hd.stream_id);

	if ((f->hd.type == NGHTTP2_HEADERS || f->hd.type == NGHTTP2_DATA) &&
	    (f->hd.flags & NGHTTP2_FLAG_END_STREAM) && slot >= 0 && slot < MAX_SLOTS)
		h->ended[slot] = 1;
	return 0;
}

static int on_close(nghttp2_session *s, int32_t stream_id, uint32_t error_code, void *user)
{
	struct rig_h2 *h = user;
	int slot = slot_of(s, stream_id);

	if (slot < 0 || slot >= MAX_SLOTS)
		return 0;
	if (h->req[slot] && h->req[slot]->grpc) {
		int v = rig_grpc_end(&h->g[slot]);
		h->done(h->ctx, slot, h->status[slot], error_code == 0 && h->ended[slot], v,
			h->g[slot].status, h->g[slot].why);
	} else {
		h->done(h->ctx, slot, h->status[slot], error_code == 0 && h->ended[slot],
			RIG_GRPC_OK, -1, "");
	}
	h->status[slot] = h->ended[slot] = 0;
	h->req[slot] = NULL;
	return 0;
}

struct rig_h2 *rig_h2_new(rig_h2_done_fn done, void *ctx)
{
	nghttp2_session_callbacks *cb;
	struct rig_h2 *h = calloc(1, sizeof(*h));
	nghttp2_settings_entry iv[] = {{NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
				       {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, 1 << 20}};

	if (!h || nghttp2_session_callbacks_new(&cb)) {
		free(h);
		return NULL;
	}
	h->done = done;
	h->ctx = ctx;
	nghttp2_session_callbacks_set_on_header_callback(cb, on_header);
	nghttp2_session_callbacks_set_on_frame_recv_callback(cb, on_frame);
	nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, on_data);
	nghttp2_session_callbacks_set_on_stream_close_callback(cb, on_close);
	if (nghttp2_session_client_new(&h->s, cb, h)) {
		nghttp2_session_callbacks_del(cb);
		free(h);
		return NULL;
	}
	nghttp2_session_callbacks_del(cb);
	if (nghttp2_submit_settings(h->s, NGHTTP2_FLAG_NONE, iv, sizeof(iv) / sizeof(iv[0]))) {
		rig_h2_free(h);
		return NULL;
	}
	return h;
}

void rig_h2_free(struct rig_h2 *h)
{
	if (!h)
		return;
	nghttp2_session_del(h->s);
	free(h);
}

#define NV(n, v)                                                                                   \
	{                                                                                          \
		(uint8_t *)(n), (uint8_t *)(v), sizeof(n) - 1, strlen(v),                          \
		    NGHTTP2_NV_FLAG_NO_COPY_NAME                                                   \
	}

int rig_h2_submit(struct rig_h2 *h, const struct rig_h2_req *req, int slot)
{
	/* gRPC over HTTP/2 (grpc doc/PROTOCOL-HTTP2.md): POST, te: trailers
	 * (a proxy must not drop the trailers grpc-status comes in) */
	nghttp2_nv get[] = {NV(":method", "GET"), NV(":scheme", "http"),
			    NV(":authority", req->authority), NV(":path", req->path),
			    NV("user-agent", "rig-load")};
	nghttp2_nv post[] = {NV(":method", "POST"),
			     NV(":scheme", "http"),
			     NV(":authority", req->authority),
			     NV(":path", req->path),
			     NV("content-type", "application/grpc"),
			     NV("te", "trailers"),
			     NV("user-agent", "rig-load")};
	nghttp2_data_provider body = {.read_callback = body_read};

	if (slot < 0 || slot >= MAX_SLOTS)
		return -1;
	h->status[slot] = h->ended[slot] = 0;
	h->req[slot] = req;
	h->sent[slot] = 0;
	rig_grpc_resp_init(&h->g[slot]);
	if (req->grpc)
		return nghttp2_submit_request(h->s, NULL, post, sizeof(post) / sizeof(post[0]),
					      &body, (void *)(intptr_t)(slot + 1)) < 0
			   ? -1
			   : 0;
	return nghttp2_submit_request(h->s, NULL, get, sizeof(get) / sizeof(get[0]), NULL,
				      (void *)(intptr_t)(slot + 1)) < 0
		   ? -1
		   : 0;
}

int rig_h2_feed(struct rig_h2 *h, const char *data, size_t len)
{
	return nghttp2_session_mem_recv(h->s, (const uint8_t *)data, len) < 0 ? -1 : 0;
}

int rig_h2_pull(struct rig_h2 *h, struct rig_buf *out)
{
	for (;;) {
		const uint8_t *p;
		ssize_t n = nghttp2_session_mem_send(h->s, &p);
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		rig_buf_append(out, p, (size_t)n);
	}
}

int rig_h2_closing(const struct rig_h2 *h)
{
	return !nghttp2_session_want_read(h->s) && !nghttp2_session_want_write(h->s);
}

#else /* no libnghttp2 */

int rig_h2_available(void) { return 0; }
struct rig_h2 *rig_h2_new(rig_h2_done_fn done, void *ctx)
{
	(void)done;
	(void)ctx;
	return NULL;
}
void rig_h2_free(struct rig_h2 *h) { (void)h; }
int rig_h2_submit(struct rig_h2 *h, const struct rig_h2_req *req, int slot)
{
	(void)h, (void)req, (void)slot;
	return -1;
}
int rig_h2_feed(struct rig_h2 *h, const char *data, size_t len)
{
	(void)h, (void)data, (void)len;
	return -1;
}
int rig_h2_pull(struct rig_h2 *h, struct rig_buf *out)
{
	(void)h, (void)out;
	return -1;
}
int rig_h2_closing(const struct rig_h2 *h)
{
	(void)h;
	return 1;
}
#endif
