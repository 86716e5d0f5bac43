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

/*
 * CRC-32/IEEE, the same function as rig_crc32 in rig_report.c, table-driven:
 * every frame byte passes it twice (sender and receiver), and the bitwise
 * version held uploads to ~80 MB/s of CPU per side (docs/benchmarks.md). The
 * report lines keep the table-free version for microcontrollers; the unit test
 * checks that both give the same value. Table: reflected polynomial
 * 0xEDB88320, entry i = CRC of the byte i.
 */
static const uint32_t crc_table[256] = {
    0x00000000u, 0x77073096u, 0xee0e612cu, 0x990951bau, 0x076dc419u, 0x706af48fu, 0xe963a535u,
    0x9e6495a3u, 0x0edb8832u, 0x79dcb8a4u, 0xe0d5e91eu, 0x97d2d988u, 0x09b64c2bu, 0x7eb17cbdu,
    0xe7b82d07u, 0x90bf1d91u, 0x1db71064u, 0x6ab020f2u, 0xf3b97148u, 0x84be41deu, 0x1adad47du,
    0x6ddde4ebu, 0xf4d4b551u, 0x83d385c7u, 0x136c9856u, 0x646ba8c0u, 0xfd62f97au, 0x8a65c9ecu,
    0x14015c4fu, 0x63066cd9u, 0xfa0f3d63u, 0x8d080df5u, 0x3b6e20c8u, 0x4c69105eu, 0xd56041e4u,
    0xa2677172u, 0x3c03e4d1u, 0x4b04d447u, 0xd20d85fdu, 0xa50ab56bu, 0x35b5a8fau, 0x42b2986cu,
    0xdbbbc9d6u, 0xacbcf940u, 0x32d86ce3u, 0x45df5c75u, 0xdcd60dcfu, 0xabd13d59u, 0x26d930acu,
    0x51de003au, 0xc8d75180u, 0xbfd06116u, 0x21b4f4b5u, 0x56b3c423u, 0xcfba9599u, 0xb8bda50fu,
    0x2802b89eu, 0x5f058808u, 0xc60cd9b2u, 0xb10be924u, 0x2f6f7c87u, 0x58684c11u, 0xc1611dabu,
    0xb6662d3du, 0x76dc4190u, 0x01db7106u, 0x98d220bcu, 0xefd5102au, 0x71b18589u, 0x06b6b51fu,
    0x9fbfe4a5u, 0xe8b8d433u, 0x7807c9a2u, 0x0f00f934u, 0x9609a88eu, 0xe10e9818u, 0x7f6a0dbbu,
    0x086d3d2du, 0x91646c97u, 0xe6635c01u, 0x6b6b51f4u, 0x1c6c6162u, 0x856530d8u, 0xf262004eu,
    0x6c0695edu, 0x1b01a57bu, 0x8208f4c1u, 0xf50fc457u, 0x65b0d9c6u, 0x12b7e950u, 0x8bbeb8eau,
    0xfcb9887cu, 0x62dd1ddfu, 0x15da2d49u, 0x8cd37cf3u, 0xfbd44c65u, 0x4db26158u, 0x3ab551ceu,
    0xa3bc0074u, 0xd4bb30e2u, 0x4adfa541u, 0x3dd895d7u, 0xa4d1c46du, 0xd3d6f4fbu, 0x4369e96au,
    0x346ed9fcu, 0xad678846u, 0xda60b8d0u, 0x44042d73u, 0x33031de5u, 0xaa0a4c5fu, 0xdd0d7cc9u,
    0x5005713cu, 0x270241aau, 0xbe0b1010u, 0xc90c2086u, 0x5768b525u, 0x206f85b3u, 0xb966d409u,
    0xce61e49fu, 0x5edef90eu, 0x29d9c998u, 0xb0d09822u, 0xc7d7a8b4u, 0x59b33d17u, 0x2eb40d81u,
    0xb7bd5c3bu, 0xc0ba6cadu, 0xedb88320u, 0x9abfb3b6u, 0x03b6e20cu, 0x74b1d29au, 0xead54739u,
    0x9dd277afu, 0x04db2615u, 0x73dc1683u, 0xe3630b12u, 0x94643b84u, 0x0d6d6a3eu, 0x7a6a5aa8u,
    0xe40ecf0bu, 0x9309ff9du, 0x0a00ae27u, 0x7d079eb1u, 0xf00f9344u, 0x8708a3d2u, 0x1e01f268u,
    0x6906c2feu, 0xf762575du, 0x806567cbu, 0x196c3671u, 0x6e6b06e7u, 0xfed41b76u, 0x89d32be0u,
    0x10da7a5au, 0x67dd4accu, 0xf9b9df6fu, 0x8ebeeff9u, 0x17b7be43u, 0x60b08ed5u, 0xd6d6a3e8u,
    0xa1d1937eu, 0x38d8c2c4u, 0x4fdff252u, 0xd1bb67f1u, 0xa6bc5767u, 0x3fb506ddu, 0x48b2364bu,
    0xd80d2bdau, 0xaf0a1b4cu, 0x36034af6u, 0x41047a60u, 0xdf60efc3u, 0xa867df55u, 0x316e8eefu,
    0x4669be79u, 0xcb61b38cu, 0xbc66831au, 0x256fd2a0u, 0x5268e236u, 0xcc0c7795u, 0xbb0b4703u,
    0x220216b9u, 0x5505262fu, 0xc5ba3bbeu, 0xb2bd0b28u, 0x2bb45a92u, 0x5cb36a04u, 0xc2d7ffa7u,
    0xb5d0cf31u, 0x2cd99e8bu, 0x5bdeae1du, 0x9b64c2b0u, 0xec63f226u, 0x756aa39cu, 0x026d930au,
    0x9c0906a9u, 0xeb0e363fu, 0x72076785u, 0x05005713u, 0x95bf4a82u, 0xe2b87a14u, 0x7bb12baeu,
    0x0cb61b38u, 0x92d28e9bu, 0xe5d5be0du, 0x7cdcefb7u, 0x0bdbdf21u, 0x86d3d2d4u, 0xf1d4e242u,
    0x68ddb3f8u, 0x1fda836eu, 0x81be16cdu, 0xf6b9265bu, 0x6fb077e1u, 0x18b74777u, 0x88085ae6u,
    0xff0f6a70u, 0x66063bcau, 0x11010b5cu, 0x8f659effu, 0xf862ae69u, 0x616bffd3u, 0x166ccf45u,
    0xa00ae278u, 0xd70dd2eeu, 0x4e048354u, 0x3903b3c2u, 0xa7672661u, 0xd06016f7u, 0x4969474du,
    0x3e6e77dbu, 0xaed16a4au, 0xd9d65adcu, 0x40df0b66u, 0x37d83bf0u, 0xa9bcae53u, 0xdebb9ec5u,
    0x47b2cf7fu, 0x30b5ffe9u, 0xbdbdf21cu, 0xcabac28au, 0x53b39330u, 0x24b4a3a6u, 0xbad03605u,
    0xcdd70693u, 0x54de5729u, 0x23d967bfu, 0xb3667a2eu, 0xc4614ab8u, 0x5d681b02u, 0x2a6f2b94u,
    0xb40bbe37u, 0xc30c8ea1u, 0x5a05df1bu, 0x2d02ef8du,
};

uint32_t rig_frame_crc32(uint32_t crc, const void *data, size_t len)
{
	const uint8_t *p = data;

	crc = ~crc;
	while (len--)
		crc = crc_table[(crc ^ *p++) & 0xffu] ^ (crc >> 8);
	return ~crc;
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
	crc = rig_frame_crc32(0, d->buf, total - RIG_FRAME_CRC);
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

void rig_frame_session_init(struct rig_frame_session *s, rig_frame_hmac_fn hmac, int is_agent)
{
	memset(s, 0, sizeof(*s));
	s->hmac = hmac;
	s->is_agent = is_agent;
}

void rig_frame_session_start(struct rig_frame_session *s, const uint8_t key[32])
{
	memcpy(s->key, key, 32);
	s->authed = 1;
}

size_t rig_frame_encode(struct rig_frame_session *s, uint8_t type, const uint8_t *payload,
			uint32_t len, uint8_t *out, size_t cap)
{
	size_t total = RIG_FRAME_OVERHEAD + (size_t)len;

	if (len > RIG_FRAME_MAX_PAYLOAD || cap < total)
		return 0;
	if (len && payload != out + RIG_FRAME_HEADER)
		memmove(out + RIG_FRAME_HEADER, payload, len);
	out[0] = RIG_FRAME_MAGIC0;
	out[1] = RIG_FRAME_MAGIC1;
	out[2] = RIG_FRAME_VERSION;
	out[3] = type;
	out[4] = s->is_agent ? RIG_FRAME_F_AGENT : 0;
	out[5] = out[6] = out[7] = 0;
	be32(out + 8, s->tx_seq++);
	be32(out + 12, len);
	if (s->authed)
		s->hmac(s->key, sizeof(s->key), out, RIG_FRAME_HEADER + (size_t)len,
			out + RIG_FRAME_HEADER + len);
	else
		memset(out + RIG_FRAME_HEADER + len, 0, RIG_FRAME_TAG);
	be32(out + total - RIG_FRAME_CRC, rig_frame_crc32(0, out, total - RIG_FRAME_CRC));
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

enum rig_frame_check rig_frame_accept(struct rig_frame_session *s, const struct rig_frame *f)
{
	uint8_t tag[32];
	int from_agent = (f->flags & RIG_FRAME_F_AGENT) != 0;

	if (from_agent == s->is_agent)
		return RIG_FRAME_REJECT_DIRECTION;
	if (s->authed) {
		s->hmac(s->key, sizeof(s->key), f->raw, f->raw_len, tag);
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

void rig_frame_proof(rig_frame_hmac_fn hmac, enum rig_frame_proof which, const uint8_t *psk,
		     size_t psk_len, const uint8_t host_nonce[RIG_FRAME_NONCE],
		     const uint8_t agent_nonce[RIG_FRAME_NONCE], uint8_t out[32])
{
	static const char *const labels[] = {
	    [RIG_PROOF_HOST] = "rig-agent v1 host",
	    [RIG_PROOF_AGENT] = "rig-agent v1 agent",
	    [RIG_PROOF_SESSION] = "rig-agent v1 session",
	};
	uint8_t msg[32 + 2 * RIG_FRAME_NONCE];
	size_t l = strlen(labels[which]);

	memcpy(msg, labels[which], l);
	memcpy(msg + l, host_nonce, RIG_FRAME_NONCE);
	memcpy(msg + l + RIG_FRAME_NONCE, agent_nonce, RIG_FRAME_NONCE);
	hmac(psk, psk_len, msg, l + 2 * RIG_FRAME_NONCE, out);
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
