/* rig agent frames: see rig_frame.h and docs/protocol.md ("Agent frames"). */
#include "rig_frame.h"

#include <string.h>

static void be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* ---- decoder ---- */

void rig_frame_decoder_init(struct rig_frame_decoder *d, uint8_t *buf, size_t cap,
			    uint32_t max_payload)
{
	memset(d, 0, sizeof(*d));
	d->buf = buf;
	d->cap = cap;
	if (max_payload > RIG_FRAME_MAX_PAYLOAD)
		max_payload = RIG_FRAME_MAX_PAYLOAD;
	if (cap < RIG_FRAME_OVERHEAD)
		max_payload = 0;
	else if (max_payload > cap - RIG_FRAME_OVERHEAD)
		max_payload = (uint32_t)(cap - RIG_FRAME_OVERHEAD);
	d->max_payload = max_payload;
}

static void drop_front(struct rig_frame_decoder *d, size_t n)
{
	if (n > d->len)
		n = d->len;
	memmove(d->buf, d->buf + n, d->len - n);
	d->len -= n;
}

/* The CRC of a frame whose header is at f and payload len bytes long
 * (rig_frame.h: a tagged frame's leaves its payload out). */
static uint32_t frame_crc(const uint8_t *f, uint32_t len)
{
	if (f[4] & RIG_FRAME_F_TAGGED)
		return rig_frame_crc32(rig_frame_crc32(0, f, RIG_FRAME_HEADER),
				       f + RIG_FRAME_HEADER + len, RIG_FRAME_TAG);
	return rig_frame_crc32(0, f, RIG_FRAME_HEADER + (size_t)len + RIG_FRAME_TAG);
}

/* Drops bytes up to the next possible magic (at least one byte). */
static size_t resync(struct rig_frame_decoder *d)
{
	size_t i;

	for (i = 1; i < d->len; i++)
		if (d->buf[i] == RIG_FRAME_MAGIC0 &&
		    (i + 1 == d->len || d->buf[i + 1] == RIG_FRAME_MAGIC1))
			break;
	drop_front(d, i);
	return i;
}

/* Looks at what is buffered. Returns a verdict other than NEED_MORE when an
 * event happened (and buffered bytes were consumed for it). */
static enum rig_frame_verdict examine(struct rig_frame_decoder *d, struct rig_frame *out)
{
	uint32_t len, crc;
	size_t total, skipped = 0;

	/* find the magic */
	while (d->len > 0 && d->buf[0] != RIG_FRAME_MAGIC0)
		skipped += resync(d);
	if (d->len >= 2 && d->buf[1] != RIG_FRAME_MAGIC1)
		skipped += resync(d);
	if (skipped) {
		d->noise_bytes += skipped;
		return RIG_FRAME_NOISE;
	}
	if (d->len < RIG_FRAME_HEADER)
		return RIG_FRAME_NEED_MORE;
	if (d->buf[2] != RIG_FRAME_VERSION) {
		/* A frame from another protocol version: its length field may mean
		 * something else, so do not trust it; resynchronise. */
		d->bad_version++;
		d->last_bad_version = d->buf[2];
		resync(d);
		return RIG_FRAME_BAD_VERSION;
	}
	len = rd32(d->buf + 12);
	if (len > d->max_payload) {
		d->too_big++;
		d->last_bad_len = len;
		resync(d);
		return RIG_FRAME_TOO_BIG;
	}
	total = RIG_FRAME_OVERHEAD + (size_t)len;
	if (d->len < total)
		return RIG_FRAME_NEED_MORE;
	crc = frame_crc(d->buf, len);
	if (crc != rd32(d->buf + total - RIG_FRAME_CRC)) {
		d->corrupt++;
		resync(d);
		return RIG_FRAME_CORRUPT;
	}
	out->type = d->buf[3];
	out->flags = d->buf[4];
	out->seq = rd32(d->buf + 8);
	out->len = len;
	out->payload = d->buf + RIG_FRAME_HEADER;
	out->tag = d->buf + RIG_FRAME_HEADER + len;
	out->raw = d->buf;
	out->raw_len = RIG_FRAME_HEADER + (size_t)len;
	d->have_frame = 1;
	d->frames++;
	return RIG_FRAME_OK;
}

enum rig_frame_verdict rig_frame_decoder_push(struct rig_frame_decoder *d, const uint8_t *data,
					      size_t n, size_t *used, struct rig_frame *out)
{
	enum rig_frame_verdict v;
	size_t take;

	*used = 0;
	if (d->have_frame) {
		/* the frame returned last time is consumed now */
		drop_front(d, RIG_FRAME_OVERHEAD + (size_t)rd32(d->buf + 12));
		d->have_frame = 0;
	}
	for (;;) {
		v = examine(d, out);
		if (v != RIG_FRAME_NEED_MORE)
			return v;
		if (*used == n)
			return RIG_FRAME_NEED_MORE;
		/* Take only what completes the header or the frame, so a frame is
		 * returned as soon as its last byte is in, and the rest of the
		 * input stays with the caller. */
		if (d->len < RIG_FRAME_HEADER)
			take = RIG_FRAME_HEADER - d->len;
		else
			take = RIG_FRAME_OVERHEAD + (size_t)rd32(d->buf + 12) - d->len;
		if (d->len == 0) {
			/* skip noise without copying it */
			while (*used < n && data[*used] != RIG_FRAME_MAGIC0) {
				(*used)++;
				d->noise_bytes++;
			}
			if (*used == n)
				return RIG_FRAME_NEED_MORE;
		}
		if (take > n - *used)
			take = n - *used;
		memcpy(d->buf + d->len, data + *used, take);
		d->len += take;
		*used += take;
	}
}

void rig_frame_decoder_skip(struct rig_frame_decoder *d)
{
	if (d->have_frame || d->len == 0)
		return;
	d->noise_bytes += resync(d);
}

int rig_frame_decoder_partial(const struct rig_frame_decoder *d)
{
	return !d->have_frame && d->len > 0;
}

/* ---- sessions ---- */

void rig_frame_session_init(struct rig_frame_session *s, rig_frame_mac_fn mac, int is_agent)
{
	memset(s, 0, sizeof(*s));
	s->mac = mac;
	s->is_agent = is_agent;
}

void rig_frame_session_start(struct rig_frame_session *s, const uint8_t key[32])
{
	memcpy(s->key, key, 32);
	s->authed = 1;
}

void rig_frame_payload_digest(rig_frame_mac_fn mac, const uint8_t *payload, size_t len,
			      uint8_t out[32])
{
	mac(NULL, 0, payload, len, out);
}

/* The tag: keyed BLAKE2b-256 over the 16 header bytes and the payload's digest. */
static void frame_tag(const struct rig_frame_session *s, const uint8_t *header,
		      const uint8_t digest[32], uint8_t out[32])
{
	uint8_t msg[RIG_FRAME_HEADER + 32];

	memcpy(msg, header, RIG_FRAME_HEADER);
	memcpy(msg + RIG_FRAME_HEADER, digest, 32);
	s->mac(s->key, sizeof(s->key), msg, sizeof(msg), out);
}

size_t rig_frame_encode(struct rig_frame_session *s, uint8_t type, const uint8_t *payload,
			uint32_t len, uint8_t *out, size_t cap)
{
	return rig_frame_encode_digest(s, type, payload, len, NULL, out, cap);
}

size_t rig_frame_encode_digest(struct rig_frame_session *s, uint8_t type, const uint8_t *payload,
			       uint32_t len, const uint8_t digest[32], uint8_t *out, size_t cap)
{
	size_t total = RIG_FRAME_OVERHEAD + (size_t)len;
	uint8_t d[32];

	if (len > RIG_FRAME_MAX_PAYLOAD || cap < total)
		return 0;
	if (len && payload != out + RIG_FRAME_HEADER)
		memmove(out + RIG_FRAME_HEADER, payload, len);
	out[0] = RIG_FRAME_MAGIC0;
	out[1] = RIG_FRAME_MAGIC1;
	out[2] = RIG_FRAME_VERSION;
	out[3] = type;
	out[4] =
	    (uint8_t)((s->is_agent ? RIG_FRAME_F_AGENT : 0) | (s->authed ? RIG_FRAME_F_TAGGED : 0));
	out[5] = out[6] = out[7] = 0;
	be32(out + 8, s->tx_seq++);
	be32(out + 12, len);
	if (s->authed) {
		if (!digest) {
			rig_frame_payload_digest(s->mac, out + RIG_FRAME_HEADER, len, d);
			digest = d;
		}
		frame_tag(s, out, digest, out + RIG_FRAME_HEADER + len);
	} else
		memset(out + RIG_FRAME_HEADER + len, 0, RIG_FRAME_TAG);
	be32(out + total - RIG_FRAME_CRC, frame_crc(out, len));
	return total;
}

int rig_frame_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
	uint8_t diff = 0;

	for (size_t i = 0; i < n; i++)
		diff |= (uint8_t)(a[i] ^ b[i]);
	return diff == 0;
}

static int is_handshake(uint8_t type)
{
	return type == RIG_MSG_HELLO || type == RIG_MSG_HELLO_OK || type == RIG_MSG_AUTH ||
	       type == RIG_MSG_AUTH_OK || type == RIG_MSG_ERROR;
}

enum rig_frame_check rig_frame_accept(struct rig_frame_session *s, struct rig_frame *f)
{
	uint8_t tag[32];
	int from_agent = (f->flags & RIG_FRAME_F_AGENT) != 0;

	if (from_agent == s->is_agent)
		return RIG_FRAME_REJECT_DIRECTION;
	/* tagged exactly when authenticated: an untagged frame's payload would
	 * go unchecked, and a tagged one before the session has no key */
	if (!(f->flags & RIG_FRAME_F_TAGGED) != !s->authed)
		return s->authed ? RIG_FRAME_REJECT_TAG : RIG_FRAME_REJECT_UNAUTHED;
	if (s->authed) {
		rig_frame_payload_digest(s->mac, f->payload, f->len, f->digest);
		frame_tag(s, f->raw, f->digest, tag);
		if (!rig_frame_equal(tag, f->tag, sizeof(tag)))
			return RIG_FRAME_REJECT_TAG;
	} else if (!is_handshake(f->type)) {
		return RIG_FRAME_REJECT_UNAUTHED;
	}
	if (f->seq != s->rx_seq)
		return RIG_FRAME_REJECT_SEQ;
	s->rx_seq++;
	return RIG_FRAME_ACCEPT;
}

const char *rig_frame_check_str(enum rig_frame_check c)
{
	switch (c) {
	case RIG_FRAME_ACCEPT:
		return "accepted";
	case RIG_FRAME_REJECT_SEQ:
		return "wrong sequence number (replayed, reordered or lost frame)";
	case RIG_FRAME_REJECT_TAG:
		return "bad authentication tag (tampered frame, or another key)";
	case RIG_FRAME_REJECT_DIRECTION:
		return "frame reflected back at its sender";
	case RIG_FRAME_REJECT_UNAUTHED:
		return "request before authentication";
	}
	return "?";
}

void rig_frame_proof(rig_frame_mac_fn mac, enum rig_frame_proof which, const uint8_t *psk,
		     size_t psk_len, const uint8_t host_nonce[RIG_FRAME_NONCE],
		     const uint8_t agent_nonce[RIG_FRAME_NONCE], uint8_t out[32])
{
	static const char *const labels[] = {
	    [RIG_PROOF_HOST] = "rig-agent v3 host",
	    [RIG_PROOF_AGENT] = "rig-agent v3 agent",
	    [RIG_PROOF_SESSION] = "rig-agent v3 session",
	};
	uint8_t msg[32 + 2 * RIG_FRAME_NONCE];
	size_t l = strlen(labels[which]);

	memcpy(msg, labels[which], l);
	memcpy(msg + l, host_nonce, RIG_FRAME_NONCE);
	memcpy(msg + l + RIG_FRAME_NONCE, agent_nonce, RIG_FRAME_NONCE);
	mac(psk, psk_len, msg, l + 2 * RIG_FRAME_NONCE, out);
}

/* ---- payload fields ---- */

void rig_frame_writer_init(struct rig_frame_writer *w, uint8_t *buf, size_t cap)
{
	w->p = buf;
	w->len = 0;
	w->cap = cap;
	w->overflow = 0;
}

void rig_frame_put_bytes(struct rig_frame_writer *w, const void *p, size_t n)
{
	if (w->overflow || n > w->cap - w->len) {
		w->overflow = 1;
		return;
	}
	if (n)
		memcpy(w->p + w->len, p, n);
	w->len += n;
}

void rig_frame_put_u8(struct rig_frame_writer *w, uint8_t v) { rig_frame_put_bytes(w, &v, 1); }

void rig_frame_put_u32(struct rig_frame_writer *w, uint32_t v)
{
	uint8_t b[4];

	be32(b, v);
	rig_frame_put_bytes(w, b, 4);
}

void rig_frame_put_u64(struct rig_frame_writer *w, uint64_t v)
{
	rig_frame_put_u32(w, (uint32_t)(v >> 32));
	rig_frame_put_u32(w, (uint32_t)v);
}

void rig_frame_put_strn(struct rig_frame_writer *w, const char *s, size_t n)
{
	if (n > UINT32_MAX) {
		w->overflow = 1;
		return;
	}
	rig_frame_put_u32(w, (uint32_t)n);
	rig_frame_put_bytes(w, s, n);
}

void rig_frame_put_str(struct rig_frame_writer *w, const char *s)
{
	rig_frame_put_strn(w, s, strlen(s));
}

void rig_frame_reader_init(struct rig_frame_reader *r, const uint8_t *p, size_t len)
{
	r->p = p;
	r->len = len;
	r->off = 0;
	r->bad = 0;
}

static const uint8_t *take(struct rig_frame_reader *r, size_t n)
{
	const uint8_t *p;

	if (r->bad || n > r->len - r->off) {
		r->bad = 1;
		return NULL;
	}
	p = r->p + r->off;
	r->off += n;
	return p;
}

uint8_t rig_frame_get_u8(struct rig_frame_reader *r)
{
	const uint8_t *p = take(r, 1);

	return p ? p[0] : 0;
}

uint32_t rig_frame_get_u32(struct rig_frame_reader *r)
{
	const uint8_t *p = take(r, 4);

	return p ? rd32(p) : 0;
}

uint64_t rig_frame_get_u64(struct rig_frame_reader *r)
{
	uint64_t hi = rig_frame_get_u32(r);

	return hi << 32 | rig_frame_get_u32(r);
}

void rig_frame_get_bytes(struct rig_frame_reader *r, void *out, size_t n)
{
	const uint8_t *p = take(r, n);

	if (p)
		memcpy(out, p, n);
	else
		memset(out, 0, n);
}

const uint8_t *rig_frame_get_blob(struct rig_frame_reader *r, size_t *n)
{
	uint32_t l = rig_frame_get_u32(r);
	const uint8_t *p = take(r, l);

	*n = p ? l : 0;
	return p;
}

size_t rig_frame_get_str(struct rig_frame_reader *r, char *out, size_t cap)
{
	size_t n;
	const uint8_t *p = rig_frame_get_blob(r, &n);

	if (cap)
		out[0] = 0;
	if (!p)
		return 0;
	if (n >= cap || memchr(p, 0, n)) {
		r->bad = 1;
		return 0;
	}
	memcpy(out, p, n);
	out[n] = 0;
	return n;
}

int rig_frame_reader_done(const struct rig_frame_reader *r) { return !r->bad && r->off == r->len; }

int rig_frame_valid_name(const char *name)
{
	size_t i;

	if (!name || name[0] == 0 || name[0] == '.')
		return 0;
	for (i = 0; name[i]; i++) {
		char c = name[i];
		if (i >= RIG_FRAME_MAX_NAME)
			return 0;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return 0;
	}
	/* a leading '.' is refused above; ".." anywhere is refused too, so no
	 * name looks like a path step even to a careless reader */
	for (i = 0; name[i] && name[i + 1]; i++)
		if (name[i] == '.' && name[i + 1] == '.')
			return 0;
	return 1;
}

void rig_frame_put_run_done(struct rig_frame_writer *w, const struct rig_frame_run_done *d)
{
	rig_frame_put_u32(w, (uint32_t)d->exit_code);
	rig_frame_put_u32(w, (uint32_t)d->signal);
	rig_frame_put_u8(w, d->timed_out);
	rig_frame_put_u8(w, d->killed);
	rig_frame_put_u64(w, (uint64_t)d->startup_ns);
	rig_frame_put_u64(w, (uint64_t)d->wall_ns);
	rig_frame_put_u64(w, (uint64_t)d->peak_rss_kib);
	rig_frame_put_u64(w, (uint64_t)d->user_ns);
	rig_frame_put_u64(w, (uint64_t)d->sys_ns);
	rig_frame_put_u64(w, d->out_bytes);
	rig_frame_put_u64(w, d->dropped_bytes);
	rig_frame_put_u64(w, (uint64_t)d->cgroup_peak_kib);
	rig_frame_put_u64(w, (uint64_t)d->mean_rss_kib);
}

int rig_frame_get_run_done(struct rig_frame_reader *r, struct rig_frame_run_done *d)
{
	d->exit_code = (int32_t)rig_frame_get_u32(r);
	d->signal = (int32_t)rig_frame_get_u32(r);
	d->timed_out = rig_frame_get_u8(r);
	d->killed = rig_frame_get_u8(r);
	d->startup_ns = (int64_t)rig_frame_get_u64(r);
	d->wall_ns = (int64_t)rig_frame_get_u64(r);
	d->peak_rss_kib = (int64_t)rig_frame_get_u64(r);
	d->user_ns = (int64_t)rig_frame_get_u64(r);
	d->sys_ns = (int64_t)rig_frame_get_u64(r);
	d->out_bytes = rig_frame_get_u64(r);
	d->dropped_bytes = rig_frame_get_u64(r);
	d->cgroup_peak_kib = (int64_t)rig_frame_get_u64(r);
	d->mean_rss_kib = (int64_t)rig_frame_get_u64(r);
	return rig_frame_reader_done(r) ? 0 : -1;
}

const char *rig_frame_type_name(uint8_t type)
{
	switch (type) {
	case RIG_MSG_HELLO:
		return "HELLO";
	case RIG_MSG_HELLO_OK:
		return "HELLO_OK";
	case RIG_MSG_AUTH:
		return "AUTH";
	case RIG_MSG_AUTH_OK:
		return "AUTH_OK";
	case RIG_MSG_FACTS:
		return "FACTS";
	case RIG_MSG_FACTS_OK:
		return "FACTS_OK";
	case RIG_MSG_PUT_BEGIN:
		return "PUT_BEGIN";
	case RIG_MSG_PUT_DATA:
		return "PUT_DATA";
	case RIG_MSG_PUT_END:
		return "PUT_END";
	case RIG_MSG_RUN:
		return "RUN";
	case RIG_MSG_OUTPUT:
		return "OUTPUT";
	case RIG_MSG_RUN_DONE:
		return "RUN_DONE";
	case RIG_MSG_KILL:
		return "KILL";
	case RIG_MSG_STOP:
		return "STOP";
	case RIG_MSG_REMOVE:
		return "REMOVE";
	case RIG_MSG_BYE:
		return "BYE";
	case RIG_MSG_OK:
		return "OK";
	case RIG_MSG_ERROR:
		return "ERROR";
	}
	return "?";
}

const char *rig_frame_errcode_name(uint32_t code)
{
	switch (code) {
	case RIG_FERR_PROTOCOL:
		return "protocol";
	case RIG_FERR_AUTH:
		return "auth";
	case RIG_FERR_TOO_BIG:
		return "too-big";
	case RIG_FERR_BAD_NAME:
		return "bad-name";
	case RIG_FERR_IO:
		return "io";
	case RIG_FERR_CHECKSUM:
		return "checksum";
	case RIG_FERR_NOT_FOUND:
		return "not-found";
	case RIG_FERR_BUSY:
		return "busy";
	case RIG_FERR_VERSION:
		return "version";
	}
	return "?";
}
