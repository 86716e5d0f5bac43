/*
 * rig agent frames: the binary request/response protocol between the host
 * and rig-agent on a Linux board (a Raspberry Pi, or the emulated one), over
 * TCP or a serial line. Specified in docs/protocol.md ("Agent frames").
 * Portable C11, no heap, no stdio: the agent and the host link this one file.
 *
 * A frame on the wire (all integers big-endian):
 *
 *   off  size  field
 *   0    2     magic "RG" (0x52 0x47)
 *   2    1     version (RIG_FRAME_VERSION)
 *   3    1     type (enum rig_frame_type)
 *   4    1     flags (RIG_FRAME_F_AGENT: sent by the agent; RIG_FRAME_F_TAGGED:
 *              the tag below is set, and the CRC leaves the payload out)
 *   5    3     reserved, zero
 *   8    4     seq: 0 for the first frame each side sends, then +1 per frame
 *   12   4     payload length, at most RIG_FRAME_MAX_PAYLOAD
 *   16   n     payload
 *   16+n 32    tag, once the session is authenticated; zero before (HELLO,
 *              AUTH and their answers):
 *                BLAKE2b-256(key = session key, bytes 0 .. 16 || D)
 *              where D = BLAKE2b-256(payload), unkeyed ("hash then MAC": the
 *              per-byte work does not depend on the session, so one upload to
 *              many boards hashes its chunks once; rig_frame_encode_digest)
 *   48+n 4     CRC-32/IEEE (line noise; not security): of bytes 0 .. 48+n
 *              in an untagged frame; of the header and the tag (bytes 0 .. 16
 *              and 16+n .. 48+n) in a tagged one, whose payload the tag
 *              covers already
 *
 * The CRC lets a reader on a noisy serial line resynchronise on the next
 * magic; the tag and the strict sequence number make a tampered, replayed,
 * reordered or reflected frame fail (docs/agent.md, threat model). A
 * corrupted payload in a tagged frame fails its tag: the session ends, as
 * a frame the CRC dropped would end it at the next sequence number.
 *
 * The hash is not implemented here: a session is given a BLAKE2b-256
 * function (libsodium's crypto_generichash on the host, the agent's own small
 * one on the board). Why BLAKE2b, and what each key is: docs/agent.md.
 */
#ifndef RIG_FRAME_H
#define RIG_FRAME_H

#include <stddef.h>
#include <stdint.h>

/* 2: RUN_DONE ends with cgroup_peak_kib.
 * 3: tags, proofs and the session key are keyed BLAKE2b-256 (were
 *    HMAC-SHA256), a tag covers the header and the payload's BLAKE2b-256,
 *    and PUT_BEGIN carries the upload digest below (was the file's SHA-256).
 * 4: STOP, and RUN_DONE ends with mean_rss_kib.
 * 5: RIG_FRAME_F_TAGGED; a tagged frame's CRC leaves its payload out (the
 *    per-byte work on a received upload is its BLAKE2b alone, and a
 *    fan-out's sender computes no per-board CRC over the payload). */
#define RIG_FRAME_VERSION 5
#define RIG_FRAME_MAGIC0 0x52 /* 'R' */
#define RIG_FRAME_MAGIC1 0x47 /* 'G' */
#define RIG_FRAME_HEADER 16
#define RIG_FRAME_TAG 32
#define RIG_FRAME_CRC 4
#define RIG_FRAME_OVERHEAD (RIG_FRAME_HEADER + RIG_FRAME_TAG + RIG_FRAME_CRC)
#define RIG_FRAME_MAX_PAYLOAD 65536
#define RIG_FRAME_MAX (RIG_FRAME_MAX_PAYLOAD + RIG_FRAME_OVERHEAD)
#define RIG_FRAME_F_AGENT 0x01
#define RIG_FRAME_F_TAGGED 0x02

#define RIG_FRAME_NONCE 32
#define RIG_FRAME_KEY_MIN 16 /* shortest pre-shared key accepted, bytes */
#define RIG_FRAME_KEY_MAX 64

/* Bounds every request obeys (the agent enforces them, the host respects them). */
#define RIG_FRAME_MAX_NAME 64	  /* a file name in the work directory */
#define RIG_FRAME_MAX_ARGS 64	  /* argv entries, and env entries */
#define RIG_FRAME_MAX_ARG 4096	  /* one argv or env string */
#define RIG_FRAME_MAX_CHUNK 49152 /* file bytes in one PUT_DATA */

enum rig_frame_type {
	/* before authentication */
	RIG_MSG_HELLO = 0x01,	 /* host: u32 version, nonce[32] */
	RIG_MSG_HELLO_OK = 0x81, /* agent: u32 version, str agent_version, nonce[32] */
	RIG_MSG_AUTH = 0x02,	 /* host: proof[32] */
	RIG_MSG_AUTH_OK = 0x82,	 /* agent: proof[32] (mutual) */
	/* after */
	RIG_MSG_FACTS = 0x03,	  /* host: empty */
	RIG_MSG_FACTS_OK = 0x83,  /* agent: u32 n, n x (str key, str value) */
	RIG_MSG_PUT_BEGIN = 0x04, /* host: str name, u64 size, digest[32], u32 mode */
	RIG_MSG_PUT_DATA = 0x05,  /* host: u64 offset, bytes; no answer (streamed) */
	RIG_MSG_PUT_END = 0x06,	  /* host: empty; agent answers OK or ERROR */
	RIG_MSG_RUN = 0x07,	  /* host: see struct rig_frame_run */
	RIG_MSG_OUTPUT = 0x87,	  /* agent: u8 stream (1 out, 2 err), bytes */
	RIG_MSG_RUN_DONE = 0x88,  /* agent: see struct rig_frame_run_done */
	RIG_MSG_KILL = 0x08,	  /* host: empty; kills the running workload */
	RIG_MSG_REMOVE = 0x09,	  /* host: str name */
	RIG_MSG_BYE = 0x0a,	  /* host: empty; agent answers OK and closes */
	RIG_MSG_STOP = 0x0b,	  /* host: empty; SIGTERM to the running workload (a server) */
	RIG_MSG_OK = 0x80,	  /* agent: empty */
	RIG_MSG_ERROR = 0xff,	  /* agent: u32 code, str message */
};

/*
 * The upload digest in PUT_BEGIN, over the PUT_DATA frames exactly as they are
 * sent (their payloads D_0 .. D_n-1 are the frames' payload digests, see the tag):
 *   BLAKE2b-256(RIG_FRAME_PUT_LABEL || u64 size || D_0 || ... || D_n-1)
 * The agent renames an upload into place only when it matches, at no per-byte
 * cost beyond the tags (it folds in the digests the tags already needed).
 */
#define RIG_FRAME_PUT_LABEL "rig-put v3"

/* CRC-32/IEEE (equal to rig_crc32 of the report lines), slicing-by-8 for
 * the frame path's throughput (rig_frame_crc.c). Start with 0. */
uint32_t rig_frame_crc32(uint32_t crc, const void *data, size_t len);

/* Codes carried by RIG_MSG_ERROR. */
enum rig_frame_errcode {
	RIG_FERR_PROTOCOL = 1,	/* malformed, unexpected, out of order */
	RIG_FERR_AUTH = 2,	/* wrong key, or a request before authentication */
	RIG_FERR_TOO_BIG = 3,	/* a length over a bound */
	RIG_FERR_BAD_NAME = 4,	/* a name with '/', "..", a leading '.', bad characters */
	RIG_FERR_IO = 5,	/* the board's file system or a system call failed */
	RIG_FERR_CHECKSUM = 6,	/* upload size or SHA-256 did not match */
	RIG_FERR_NOT_FOUND = 7, /* no such file in the work directory */
	RIG_FERR_BUSY = 8,	/* a run or upload is already in progress */
	RIG_FERR_VERSION = 9,	/* the peer speaks another protocol version */
};

/* A decoded frame: header fields and a pointer into the decoder's buffer. */
struct rig_frame {
	uint8_t type;
	uint8_t flags;
	uint32_t seq;
	uint32_t len;
	const uint8_t *payload;
	const uint8_t *tag; /* RIG_FRAME_TAG bytes */
	const uint8_t *raw; /* the whole frame (header..tag), for MAC checks */
	size_t raw_len;	    /* RIG_FRAME_HEADER + len */
	/* BLAKE2b-256 of the payload, set by rig_frame_accept() on an
	 * authenticated session (the upload digest folds these in) */
	uint8_t digest[32];
};

/* What rig_frame_decoder_push() found. */
enum rig_frame_verdict {
	RIG_FRAME_NEED_MORE = 0, /* all input consumed, no frame yet */
	RIG_FRAME_OK = 1,	 /* a frame whose CRC matched, in *out */
	RIG_FRAME_CORRUPT = 2,	 /* CRC mismatch: skipped to the next magic */
	RIG_FRAME_TOO_BIG = 3,	 /* length over the bound: skipped to the next magic */
	RIG_FRAME_BAD_VERSION = 4,
	RIG_FRAME_NOISE = 5, /* bytes before a magic were dropped (count in .noise) */
};

/*
 * Frame assembly from a byte stream split anywhere. Push-based: never reads,
 * never blocks. The caller provides buf of at least RIG_FRAME_MAX bytes
 * (max_payload may be lowered to bound memory on a small board).
 */
struct rig_frame_decoder {
	uint8_t *buf;
	size_t cap;
	size_t len;
	uint32_t max_payload;
	int have_frame;		  /* the last OK frame is still at the front of buf */
	uint32_t last_bad_len;	  /* the length field of the last TOO_BIG frame */
	uint8_t last_bad_version; /* the version byte of the last BAD_VERSION frame */
	unsigned long frames, corrupt, too_big, bad_version, noise_bytes;
};

void rig_frame_decoder_init(struct rig_frame_decoder *d, uint8_t *buf, size_t cap,
			    uint32_t max_payload);
/*
 * Consumes up to n bytes of data (*used says how many) and returns at the
 * first event: a frame (valid until the next call), a dropped frame, or
 * NEED_MORE when everything was consumed. Call again with the rest.
 */
enum rig_frame_verdict rig_frame_decoder_push(struct rig_frame_decoder *d, const uint8_t *data,
					      size_t n, size_t *used, struct rig_frame *out);

/* Drops a partial frame waiting at the front (its length field may be line
 * noise that happened to follow a magic) and resynchronises on the next
 * magic. For serial readers, after a silence in mid-frame. */
void rig_frame_decoder_skip(struct rig_frame_decoder *d);
/* 1 when bytes of an incomplete frame are buffered. */
int rig_frame_decoder_partial(const struct rig_frame_decoder *d);

/* BLAKE2b-256 of msg into out, keyed with key[0..key_len) when key_len is 1..64,
 * unkeyed when key_len is 0 (RFC 7693; libsodium's crypto_generichash).
 * Supplied by the side that links this file. */
typedef void (*rig_frame_mac_fn)(const uint8_t *key, size_t key_len, const uint8_t *msg,
				 size_t msg_len, uint8_t out[32]);

/*
 * One side of a session: the sequence numbers in each direction and, once
 * authenticated, the session key that tags every frame.
 */
struct rig_frame_session {
	rig_frame_mac_fn mac;
	int is_agent;	 /* 1 on the agent: sets RIG_FRAME_F_AGENT on what it sends */
	int authed;	 /* frames are tagged and checked from now on */
	uint8_t key[32]; /* session key when authed */
	uint32_t tx_seq; /* next seq to send */
	uint32_t rx_seq; /* next seq expected */
};

void rig_frame_session_init(struct rig_frame_session *s, rig_frame_mac_fn mac, int is_agent);

/*
 * Encodes one frame into out (cap at least RIG_FRAME_OVERHEAD + len), taking
 * the next sequence number and tagging it when the session is authenticated.
 * payload may alias out + RIG_FRAME_HEADER (build the payload in place).
 * Returns the frame's length, or 0 when len is over the bound or cap too small.
 */
size_t rig_frame_encode(struct rig_frame_session *s, uint8_t type, const uint8_t *payload,
			uint32_t len, uint8_t *out, size_t cap);
/* The same with the payload's BLAKE2b-256 already computed (digest; NULL:
 * compute it), so the same chunk sent to many boards is hashed once. */
size_t rig_frame_encode_digest(struct rig_frame_session *s, uint8_t type, const uint8_t *payload,
			       uint32_t len, const uint8_t digest[32], uint8_t *out, size_t cap);
/* BLAKE2b-256 of a payload, as the tag needs it. */
void rig_frame_payload_digest(rig_frame_mac_fn mac, const uint8_t *payload, size_t len,
			      uint8_t out[32]);

/* What rig_frame_accept() thinks of a received frame. */
enum rig_frame_check {
	RIG_FRAME_ACCEPT = 0,
	RIG_FRAME_REJECT_SEQ = 1,	/* replayed, reordered or lost frame */
	RIG_FRAME_REJECT_TAG = 2,	/* tag mismatch: tampered, or another key */
	RIG_FRAME_REJECT_DIRECTION = 3, /* a frame reflected back at its sender */
	RIG_FRAME_REJECT_UNAUTHED = 4,	/* before authentication, only the handshake */
};

/* Checks direction, sequence number and (when authenticated) the tag of a
 * frame the decoder returned; on ACCEPT the expected sequence advances and,
 * when authenticated, f->digest holds the payload's BLAKE2b-256. */
enum rig_frame_check rig_frame_accept(struct rig_frame_session *s, struct rig_frame *f);
const char *rig_frame_check_str(enum rig_frame_check c);

/*
 * Handshake proofs, all keyed BLAKE2b-256 with the pre-shared key (16..64
 * bytes, BLAKE2b's key size) over a label and both nonces (host nonce first):
 *   host proof   = B(psk, "rig-agent v3 host"    || host_nonce || agent_nonce)
 *   agent proof  = B(psk, "rig-agent v3 agent"   || host_nonce || agent_nonce)
 *   session key  = B(psk, "rig-agent v3 session" || host_nonce || agent_nonce)
 */
enum rig_frame_proof { RIG_PROOF_HOST, RIG_PROOF_AGENT, RIG_PROOF_SESSION };
void rig_frame_proof(rig_frame_mac_fn mac, enum rig_frame_proof which, const uint8_t *psk,
		     size_t psk_len, const uint8_t host_nonce[RIG_FRAME_NONCE],
		     const uint8_t agent_nonce[RIG_FRAME_NONCE], uint8_t out[32]);
/* Constant-time comparison: 1 when equal. */
int rig_frame_equal(const uint8_t *a, const uint8_t *b, size_t n);
/* Marks the session authenticated with the session key. */
void rig_frame_session_start(struct rig_frame_session *s, const uint8_t key[32]);

/*
 * Payload fields. A writer appends to a caller buffer and remembers overflow
 * (checked once at the end); a reader consumes from a payload and remembers
 * an underflow or a bound violation. Strings are u32 length + bytes (no NUL
 * on the wire); a reader copies them out NUL-terminated or fails.
 */
struct rig_frame_writer {
	uint8_t *p;
	size_t len, cap;
	int overflow;
};
void rig_frame_writer_init(struct rig_frame_writer *w, uint8_t *buf, size_t cap);
void rig_frame_put_u8(struct rig_frame_writer *w, uint8_t v);
void rig_frame_put_u32(struct rig_frame_writer *w, uint32_t v);
void rig_frame_put_u64(struct rig_frame_writer *w, uint64_t v);
void rig_frame_put_bytes(struct rig_frame_writer *w, const void *p, size_t n);
/* u32 length then the bytes */
void rig_frame_put_str(struct rig_frame_writer *w, const char *s);
void rig_frame_put_strn(struct rig_frame_writer *w, const char *s, size_t n);

struct rig_frame_reader {
	const uint8_t *p;
	size_t len, off;
	int bad;
};
void rig_frame_reader_init(struct rig_frame_reader *r, const uint8_t *p, size_t len);
uint8_t rig_frame_get_u8(struct rig_frame_reader *r);
uint32_t rig_frame_get_u32(struct rig_frame_reader *r);
uint64_t rig_frame_get_u64(struct rig_frame_reader *r);
/* Copies exactly n bytes. */
void rig_frame_get_bytes(struct rig_frame_reader *r, void *out, size_t n);
/* Copies a string of at most cap-1 bytes, NUL-terminated; a longer one or
 * one with an embedded NUL marks the reader bad. Returns its length. */
size_t rig_frame_get_str(struct rig_frame_reader *r, char *out, size_t cap);
/* Points at a length-prefixed byte string inside the payload (no copy). */
const uint8_t *rig_frame_get_blob(struct rig_frame_reader *r, size_t *n);
/* 1 when every byte was consumed and nothing went wrong. */
int rig_frame_reader_done(const struct rig_frame_reader *r);

/*
 * A file name the agent accepts: 1..RIG_FRAME_MAX_NAME characters from
 * [A-Za-z0-9._-], not starting with '.', so never "..", never a path.
 * Returns 1 when valid.
 */
int rig_frame_valid_name(const char *name);

/* A RUN request. */
struct rig_frame_run_done {
	int32_t exit_code;    /* exit status, or -1 when killed by a signal */
	int32_t signal;	      /* the signal, or 0 */
	uint8_t timed_out;    /* killed by the agent at the timeout */
	uint8_t killed;	      /* killed because the host asked */
	int64_t startup_ns;   /* exec to the ready line on the board's CLOCK_MONOTONIC; -1: none */
	int64_t wall_ns;      /* exec to exit */
	int64_t peak_rss_kib; /* wait4's ru_maxrss */
	int64_t user_ns, sys_ns;
	uint64_t out_bytes;	 /* stdout bytes the workload wrote */
	uint64_t dropped_bytes;	 /* output not forwarded (over the output bound) */
	int64_t cgroup_peak_kib; /* memory peak of the run's cgroup leaf; -1: none */
	int64_t mean_rss_kib;	 /* mean of the program's RSS sampled every 100 ms; -1: no sample */
};
void rig_frame_put_run_done(struct rig_frame_writer *w, const struct rig_frame_run_done *d);
int rig_frame_get_run_done(struct rig_frame_reader *r, struct rig_frame_run_done *d);

/* Message name for logs ("HELLO", "PUT_DATA", ...); "?" when unknown. */
const char *rig_frame_type_name(uint8_t type);
const char *rig_frame_errcode_name(uint32_t code);

#endif
