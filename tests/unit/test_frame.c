/* Agent frames (firmware/protocol/rig_frame.c): encoding, stream assembly,
 * resynchronisation, bounds, sessions, payload fields, names. */
#include "rigtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent_client.h" /* rig_agent_mac: libsodium */
#include "rig_frame.h"
#include "rig_report.h"

static uint8_t dec_buf[RIG_FRAME_MAX];

static size_t encode(struct rig_frame_session *s, uint8_t type, const char *payload, uint8_t *out)
{
	size_t n = rig_frame_encode(s, type, (const uint8_t *)payload, (uint32_t)strlen(payload),
				    out, RIG_FRAME_MAX);
	assert_true(n > 0);
	return n;
}

static void frame_round_trips(void **state)
{
	static uint8_t buf[RIG_FRAME_MAX];
	struct rig_frame_session host, agent;
	struct rig_frame_decoder d;
	struct rig_frame f;
	size_t n, used;

	rig_frame_session_init(&host, rig_agent_mac, 0);
	rig_frame_session_init(&agent, rig_agent_mac, 1);
	n = encode(&host, RIG_MSG_HELLO, "hello", buf);
	assert_int_equal(n, RIG_FRAME_OVERHEAD + 5);
	rig_frame_decoder_init(&d, dec_buf, sizeof(dec_buf), RIG_FRAME_MAX_PAYLOAD);
	assert_int_equal(rig_frame_decoder_push(&d, buf, n, &used, &f), RIG_FRAME_OK);
	assert_int_equal(used, n);
	assert_int_equal(f.type, RIG_MSG_HELLO);
	assert_int_equal(f.len, 5);
	assert_memory_equal(f.payload, "hello", 5);
	assert_int_equal(rig_frame_accept(&agent, &f), RIG_FRAME_ACCEPT);
}

/* Every split of two frames into two pushes yields both frames in order. */
static void frames_survive_any_split(void **state)
{
	static uint8_t buf[2 * RIG_FRAME_MAX];
	struct rig_frame_session host;
	size_t n;

	rig_frame_session_init(&host, rig_agent_mac, 0);
	n = encode(&host, RIG_MSG_FACTS, "first", buf);
	n += encode(&host, RIG_MSG_REMOVE, "second!", buf + n);
	for (size_t cut = 0; cut <= n; cut++) {
		struct rig_frame_decoder d;
		struct rig_frame f;
		const uint8_t *parts[2] = {buf, buf + cut};
		size_t lens[2] = {cut, n - cut}, used;
		int seen = 0;

		rig_frame_decoder_init(&d, dec_buf, sizeof(dec_buf), RIG_FRAME_MAX_PAYLOAD);
		for (int p = 0; p < 2; p++) {
			size_t off = 0;
			for (;;) {
				enum rig_frame_verdict v = rig_frame_decoder_push(
				    &d, parts[p] + off, lens[p] - off, &used, &f);
				off += used;
				if (v == RIG_FRAME_NEED_MORE)
					break;
				assert_int_equal(v, RIG_FRAME_OK);
				assert_int_equal(f.type,
						 seen == 0 ? RIG_MSG_FACTS : RIG_MSG_REMOVE);
				assert_int_equal(f.seq, (uint32_t)seen);
				seen++;
			}
		}
		assert_int_equal(seen, 2);
	}
}

static enum rig_frame_verdict push_all(struct rig_frame_decoder *d, const uint8_t *p, size_t n,
				       struct rig_frame *f, int *noise)
{
	size_t off = 0, used;

	for (;;) {
		enum rig_frame_verdict v = rig_frame_decoder_push(d, p + off, n - off, &used, f);
		off += used;
		if (v == RIG_FRAME_NOISE) {
			(*noise)++;
			continue;
		}
		if (v != RIG_FRAME_NEED_MORE || off == n)
			return v;
	}
}

static void noise_before_a_frame_is_skipped(void **state)
{
	static uint8_t buf[RIG_FRAME_MAX + 64];
	struct rig_frame_session host;
	struct rig_frame_decoder d;
	struct rig_frame f;
	const char *noise = "[    1.234] console text R R\n";
	size_t k = strlen(noise);
	int nz = 0;

	memcpy(buf, noise, k);
	rig_frame_session_init(&host, rig_agent_mac, 0);
	k += encode(&host, RIG_MSG_FACTS, "", buf + k);
	rig_frame_decoder_init(&d, dec_buf, sizeof(dec_buf), RIG_FRAME_MAX_PAYLOAD);
	assert_int_equal(push_all(&d, buf, k, &f, &nz), RIG_FRAME_OK);
	assert_int_equal(f.type, RIG_MSG_FACTS);
	assert_true(d.noise_bytes > 0);
}

static void bad_crc_is_dropped_and_next_frame_found(void **state)
{
	static uint8_t buf[2 * RIG_FRAME_MAX];
	struct rig_frame_session host;
	struct rig_frame_decoder d;
	struct rig_frame f;
	size_t n1, n;
	int nz = 0;

	rig_frame_session_init(&host, rig_agent_mac, 0);
	n1 = encode(&host, RIG_MSG_FACTS, "abc", buf);
	n = n1 + encode(&host, RIG_MSG_BYE, "", buf + n1);
	buf[RIG_FRAME_HEADER + 1] ^= 0x40; /* a flipped bit in the first payload */
	rig_frame_decoder_init(&d, dec_buf, sizeof(dec_buf), RIG_FRAME_MAX_PAYLOAD);
	assert_int_equal(push_all(&d, buf, n, &f, &nz), RIG_FRAME_CORRUPT);
	assert_int_equal(push_all(&d, NULL, 0, &f, &nz), RIG_FRAME_NEED_MORE);
	assert_int_equal(push_all(&d, buf + n, 0, &f, &nz), RIG_FRAME_NEED_MORE);
	/* the rest of the input: feed everything again from after the bad frame */
	rig_frame_decoder_init(&d, dec_buf, sizeof(dec_buf), RIG_FRAME_MAX_PAYLOAD);
	{
		size_t off = 0, used;
		int got_bye = 0, corrupt = 0;
		for (int i = 0; i < 100 && !got_bye; i++) {
			enum rig_frame_verdict v =
			    rig_frame_decoder_push(&d, buf + off, n - off, &used, &f);
			off += used;
			if (v == RIG_FRAME_CORRUPT)
				corrupt++;
			if (v == RIG_FRAME_OK && f.type == RIG_MSG_BYE)
				got_bye = 1;
		}
		assert_int_equal(corrupt, 1);
		assert_true(got_bye);
	}
}

static void oversized_length_is_refused_without_waiting(void **state)
{
	uint8_t hdr[RIG_FRAME_HEADER] = {RIG_FRAME_MAGIC0,
					 RIG_FRAME_MAGIC1,
					 RIG_FRAME_VERSION,
					 RIG_MSG_PUT_DATA,
					 0,
					 0,
					 0,
					 0,
					 0,
					 0,
					 0,
					 0,
					 0x00,
					 0x01,
					 0x00,
					 0x01}; /* 65537 */
	struct rig_frame_decoder d;
	struct rig_frame f;
	size_t used;

	rig_frame_decoder_init(&d, dec_buf, sizeof(dec_buf), RIG_FRAME_MAX_PAYLOAD);
	assert_int_equal(rig_frame_decoder_push(&d, hdr, sizeof(hdr), &used, &f),
			 RIG_FRAME_TOO_BIG);
	assert_int_equal(d.last_bad_len, 65537);
}

static void smaller_bound_is_honoured(void **state)
{
	static uint8_t buf[RIG_FRAME_MAX];
	struct rig_frame_session host;
	struct rig_frame_decoder d;
	struct rig_frame f;
	char big[200];
	size_t n, used;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	rig_frame_session_init(&host, rig_agent_mac, 0);
	n = encode(&host, RIG_MSG_REMOVE, big, buf);
	rig_frame_decoder_init(&d, dec_buf, sizeof(dec_buf), 100);
	assert_int_equal(rig_frame_decoder_push(&d, buf, n, &used, &f), RIG_FRAME_TOO_BIG);
}

static void other_version_is_refused(void **state)
{
	static uint8_t buf[RIG_FRAME_MAX];
	struct rig_frame_session host;
	struct rig_frame_decoder d;
	struct rig_frame f;
	size_t n, used;

	rig_frame_session_init(&host, rig_agent_mac, 0);
	n = encode(&host, RIG_MSG_HELLO, "x", buf);
	buf[2] = RIG_FRAME_VERSION + 1;
	rig_frame_decoder_init(&d, dec_buf, sizeof(dec_buf), RIG_FRAME_MAX_PAYLOAD);
	assert_int_equal(rig_frame_decoder_push(&d, buf, n, &used, &f), RIG_FRAME_BAD_VERSION);
}

/* Builds an authenticated pair of sessions sharing a key. */
static void authed_pair(struct rig_frame_session *host, struct rig_frame_session *agent)
{
	uint8_t key[32];

	memset(key, 7, sizeof(key));
	rig_frame_session_init(host, rig_agent_mac, 0);
	rig_frame_session_init(agent, rig_agent_mac, 1);
	rig_frame_session_start(host, key);
	rig_frame_session_start(agent, key);
}

static struct rig_frame decode_one(const uint8_t *buf, size_t n)
{
	struct rig_frame_decoder d;
	struct rig_frame f;
	size_t used;

	rig_frame_decoder_init(&d, dec_buf, sizeof(dec_buf), RIG_FRAME_MAX_PAYLOAD);
	assert_int_equal(rig_frame_decoder_push(&d, buf, n, &used, &f), RIG_FRAME_OK);
	return f;
}

static void replayed_frame_is_rejected(void **state)
{
	static uint8_t buf[RIG_FRAME_MAX];
	struct rig_frame_session host, agent;
	struct rig_frame f;
	size_t n;

	authed_pair(&host, &agent);
	n = encode(&host, RIG_MSG_FACTS, "", buf);
	f = decode_one(buf, n);
	assert_int_equal(rig_frame_accept(&agent, &f), RIG_FRAME_ACCEPT);
	f = decode_one(buf, n);
	assert_int_equal(rig_frame_accept(&agent, &f), RIG_FRAME_REJECT_SEQ);
}

static void tampered_tag_is_rejected(void **state)
{
	static uint8_t buf[RIG_FRAME_MAX];
	struct rig_frame_session host, agent;
	struct rig_frame f;
	size_t n;

	authed_pair(&host, &agent);
	n = encode(&host, RIG_MSG_REMOVE, "victim", buf);
	assert_true(buf[4] & RIG_FRAME_F_TAGGED);
	/* change the payload: a tagged frame's CRC leaves it out, so the frame
	 * decodes (an attacker has no CRC to fix, line noise is not caught
	 * there) and the tag refuses it */
	buf[RIG_FRAME_HEADER] = 'W';
	f = decode_one(buf, n);
	assert_int_equal(rig_frame_accept(&agent, &f), RIG_FRAME_REJECT_TAG);
}

static void put_crc(uint8_t *buf, size_t n)
{
	uint32_t crc = rig_crc32(0, buf, n - 4);

	buf[n - 4] = (uint8_t)(crc >> 24), buf[n - 3] = (uint8_t)(crc >> 16);
	buf[n - 2] = (uint8_t)(crc >> 8), buf[n - 1] = (uint8_t)crc;
}

/* Tagged exactly when authenticated: a session frame passed off as
 * untagged (its CRC made over the whole frame again) fails the tag, which
 * covers the flags; an untagged session's peer refuses a tagged frame. */
static void tagged_flag_matches_the_session(void **state)
{
	static uint8_t buf[RIG_FRAME_MAX];
	struct rig_frame_session host, agent, fresh;
	struct rig_frame f;
	size_t n;

	authed_pair(&host, &agent);
	n = encode(&host, RIG_MSG_REMOVE, "victim", buf);
	buf[4] &= (uint8_t)~RIG_FRAME_F_TAGGED;
	put_crc(buf, n);
	f = decode_one(buf, n);
	assert_int_equal(rig_frame_accept(&agent, &f), RIG_FRAME_REJECT_TAG);
	/* the header's CRC still guards a tagged frame's header */
	n = encode(&host, RIG_MSG_REMOVE, "victim", buf);
	buf[8] ^= 1;
	{
		struct rig_frame_decoder d;
		static uint8_t dbuf[RIG_FRAME_MAX];
		size_t used;

		rig_frame_decoder_init(&d, dbuf, sizeof(dbuf), RIG_FRAME_MAX_PAYLOAD);
		assert_int_equal(rig_frame_decoder_push(&d, buf, n, &used, &f), RIG_FRAME_CORRUPT);
	}
	rig_frame_session_init(&fresh, rig_agent_mac, 1);
	n = encode(&host, RIG_MSG_FACTS, "", buf);
	f = decode_one(buf, n);
	assert_int_equal(rig_frame_accept(&fresh, &f), RIG_FRAME_REJECT_UNAUTHED);
}

/* The fuzz target's saved inputs (tests/fuzz/corpus/frame, remade by
 * tests/fuzz/frame_seeds.py after a wire change) are of this version and
 * reach what their names say, so the replay in CI exercises this parser
 * and not only its version check. Each seed: a split byte, then frames. */
static enum rig_frame_check seed_check(const char *name, enum rig_frame_verdict *verdict)
{
	char path[1024];
	const char *src = getenv("RIG_SOURCE_DIR");
	static uint8_t data[4096], dbuf[RIG_FRAME_MAX];
	struct rig_frame_decoder d;
	struct rig_frame_session agent, authed;
	struct rig_frame f;
	uint8_t key[32] = {1};
	size_t n, used, off = 1;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/tests/fuzz/corpus/frame/%s", src ? src : RIG_SOURCE_DIR,
		 name);
	assert_non_null(fp = fopen(path, "rb"));
	n = fread(data, 1, sizeof(data), fp);
	fclose(fp);
	rig_frame_decoder_init(&d, dbuf, sizeof(dbuf), RIG_FRAME_MAX_PAYLOAD);
	rig_frame_session_init(&agent, rig_agent_mac, 1);
	rig_frame_session_init(&authed, rig_agent_mac, 1);
	rig_frame_session_start(&authed, key);
	/* the first frame that decodes; else the first thing that was not noise */
	*verdict = RIG_FRAME_NEED_MORE;
	for (;;) {
		enum rig_frame_verdict v =
		    rig_frame_decoder_push(&d, data + off, n - off, &used, &f);

		off += used;
		if (v == RIG_FRAME_OK) {
			*verdict = v;
			break;
		}
		if (v != RIG_FRAME_NOISE && *verdict == RIG_FRAME_NEED_MORE)
			*verdict = v;
		if (v == RIG_FRAME_NEED_MORE)
			return RIG_FRAME_ACCEPT;
	}
	return (f.flags & RIG_FRAME_F_TAGGED) ? rig_frame_accept(&authed, &f)
					      : rig_frame_accept(&agent, &f);
}

static void saved_fuzz_inputs_are_this_version(void **state)
{
	enum rig_frame_verdict v;

	(void)state;
	assert_int_equal(seed_check("authed-put-data", &v), RIG_FRAME_ACCEPT);
	assert_int_equal(v, RIG_FRAME_OK);
	assert_int_equal(seed_check("tampered-put-data", &v), RIG_FRAME_REJECT_TAG);
	assert_int_equal(seed_check("hello", &v), RIG_FRAME_ACCEPT);
	assert_int_equal(v, RIG_FRAME_OK);
	seed_check("bad-crc", &v);
	assert_int_equal(v, RIG_FRAME_CORRUPT);
	seed_check("too-big", &v);
	assert_int_equal(v, RIG_FRAME_TOO_BIG);
	seed_check("version-2", &v);
	assert_int_equal(v, RIG_FRAME_BAD_VERSION);
	seed_check("run-done", &v);
	assert_int_equal(v, RIG_FRAME_OK);
	seed_check("noise-facts", &v);
	assert_int_equal(v, RIG_FRAME_OK);
}

static void reflected_frame_is_rejected(void **state)
{
	static uint8_t buf[RIG_FRAME_MAX];
	struct rig_frame_session host, agent;
	struct rig_frame f;
	size_t n;

	authed_pair(&host, &agent);
	n = encode(&agent, RIG_MSG_OK, "", buf);
	f = decode_one(buf, n);
	/* the agent's own frame sent back to it */
	assert_int_equal(rig_frame_accept(&agent, &f), RIG_FRAME_REJECT_DIRECTION);
}

static void request_before_auth_is_rejected(void **state)
{
	static uint8_t buf[RIG_FRAME_MAX];
	struct rig_frame_session host, agent;
	struct rig_frame f;
	size_t n;

	rig_frame_session_init(&host, rig_agent_mac, 0);
	rig_frame_session_init(&agent, rig_agent_mac, 1);
	n = encode(&host, RIG_MSG_RUN, "x", buf);
	f = decode_one(buf, n);
	assert_int_equal(rig_frame_accept(&agent, &f), RIG_FRAME_REJECT_UNAUTHED);
}

static void reader_refuses_overruns(void **state)
{
	uint8_t p[] = {0, 0, 0, 9, 'a', 'b'}; /* a 9-byte string with 2 bytes */
	struct rig_frame_reader r;
	char s[16];

	rig_frame_reader_init(&r, p, sizeof(p));
	rig_frame_get_str(&r, s, sizeof(s));
	assert_true(r.bad);
	assert_string_equal(s, "");
	assert_false(rig_frame_reader_done(&r));
}

static void reader_refuses_long_and_nul_strings(void **state)
{
	uint8_t p1[] = {0, 0, 0, 4, 'a', 'b', 'c', 'd'};
	uint8_t p2[] = {0, 0, 0, 3, 'a', 0, 'c'};
	struct rig_frame_reader r;
	char s[4];

	rig_frame_reader_init(&r, p1, sizeof(p1));
	rig_frame_get_str(&r, s, sizeof(s)); /* needs 5 bytes with the NUL */
	assert_true(r.bad);
	rig_frame_reader_init(&r, p2, sizeof(p2));
	rig_frame_get_str(&r, s, sizeof(s));
	assert_true(r.bad);
}

static void writer_and_reader_agree(void **state)
{
	uint8_t p[128];
	struct rig_frame_writer w;
	struct rig_frame_reader r;
	char s[16];

	rig_frame_writer_init(&w, p, sizeof(p));
	rig_frame_put_u8(&w, 0xab);
	rig_frame_put_u32(&w, 0xdeadbeef);
	rig_frame_put_u64(&w, 0x0123456789abcdefull);
	rig_frame_put_str(&w, "name");
	assert_false(w.overflow);
	rig_frame_reader_init(&r, p, w.len);
	assert_int_equal(rig_frame_get_u8(&r), 0xab);
	assert_int_equal(rig_frame_get_u32(&r), 0xdeadbeef);
	assert_true(rig_frame_get_u64(&r) == 0x0123456789abcdefull);
	rig_frame_get_str(&r, s, sizeof(s));
	assert_string_equal(s, "name");
	assert_true(rig_frame_reader_done(&r));
}

static void writer_reports_overflow(void **state)
{
	uint8_t p[6];
	struct rig_frame_writer w;

	rig_frame_writer_init(&w, p, sizeof(p));
	rig_frame_put_str(&w, "toolong");
	assert_true(w.overflow);
}

static void run_done_round_trips(void **state)
{
	uint8_t p[128];
	struct rig_frame_writer w;
	struct rig_frame_reader r;
	struct rig_frame_run_done a = {.exit_code = 3,
				       .signal = 0,
				       .timed_out = 1,
				       .startup_ns = 123456789,
				       .wall_ns = 987654321,
				       .peak_rss_kib = 2048,
				       .user_ns = 5,
				       .sys_ns = 6,
				       .out_bytes = 77,
				       .dropped_bytes = 0},
				  b;

	rig_frame_writer_init(&w, p, sizeof(p));
	rig_frame_put_run_done(&w, &a);
	rig_frame_reader_init(&r, p, w.len);
	assert_int_equal(rig_frame_get_run_done(&r, &b), 0);
	assert_int_equal(b.exit_code, 3);
	assert_int_equal(b.timed_out, 1);
	assert_true(b.startup_ns == 123456789);
	assert_true(b.peak_rss_kib == 2048);
	/* -1 (no ready line) survives the unsigned encoding */
	a.startup_ns = -1;
	rig_frame_writer_init(&w, p, sizeof(p));
	rig_frame_put_run_done(&w, &a);
	rig_frame_reader_init(&r, p, w.len);
	assert_int_equal(rig_frame_get_run_done(&r, &b), 0);
	assert_true(b.startup_ns == -1);
}

static void names_outside_the_work_dir_are_refused(void **state)
{
	static const struct {
		const char *name;
		int ok;
	} cases[] = {
	    {"hello", 1},
	    {"hello-gc.arm64", 1},
	    {"a_b-c.1", 1},
	    {"..", 0},
	    {"../etc/passwd", 0},
	    {"a/b", 0},
	    {"/etc/passwd", 0},
	    {".hidden", 0},
	    {"a..b", 0},
	    {"", 0},
	    {"sp ace", 0},
	    {"new\nline", 0},
	    {"ok.", 1},
	    {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 1},  /* 64 */
	    {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0}, /* 65 */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (rig_frame_valid_name(cases[i].name) != cases[i].ok)
			fail_msg("rig_frame_valid_name(\"%s\") != %d", cases[i].name, cases[i].ok);
	}
}

/* Host and agent derive the same proofs and session key from the same inputs. */
static void proofs_depend_on_key_and_label(void **state)
{
	uint8_t k1[32], k2[32], hn[RIG_FRAME_NONCE], an[RIG_FRAME_NONCE], a[32], b[32], c[32];

	memset(k1, 1, sizeof(k1));
	memset(k2, 2, sizeof(k2));
	memset(hn, 3, sizeof(hn));
	memset(an, 4, sizeof(an));
	rig_frame_proof(rig_agent_mac, RIG_PROOF_HOST, k1, 32, hn, an, a);
	rig_frame_proof(rig_agent_mac, RIG_PROOF_HOST, k2, 32, hn, an, b);
	rig_frame_proof(rig_agent_mac, RIG_PROOF_AGENT, k1, 32, hn, an, c);
	assert_false(rig_frame_equal(a, b, 32));
	assert_false(rig_frame_equal(a, c, 32));
}

/* The frame path's slicing-by-8 CRC is the report lines' bitwise CRC-32. */
static void frame_crc_equals_report_crc(void **state)
{
	static uint8_t buf[4096];
	uint32_t seed = 12345;

	assert_int_equal(rig_frame_crc32(0, "123456789", 9), 0xcbf43926u);
	for (size_t n = 0; n < sizeof(buf); n += 97) {
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			buf[i] = (uint8_t)(seed >> 16);
		}
		assert_int_equal(rig_frame_crc32(0, buf, n), rig_crc32(0, buf, n));
		/* and incrementally */
		assert_int_equal(
		    rig_frame_crc32(rig_frame_crc32(0, buf, n / 2), buf + n / 2, n - n / 2),
		    rig_crc32(0, buf, n));
		/* slicing-by-8 reads 8 bytes a step: every start alignment */
		for (size_t k = 1; k < 8 && k < n; k++)
			assert_int_equal(rig_frame_crc32(0, buf + k, n - k),
					 rig_crc32(0, buf + k, n - k));
	}
	/* table 0 is the CRC of each byte value */
	for (unsigned v = 0; v < 256; v++) {
		uint8_t byte = (uint8_t)v;
		assert_int_equal(rig_frame_crc32(0, &byte, 1), rig_crc32(0, &byte, 1));
	}
}

/* A chunk's digest computed once (rig_frame_encode_digest) gives the same
 * frame as hashing it in place; a frame encoded with a digest of other
 * bytes fails the receiver's tag check (the receiver hashes what came). */
static void precomputed_digest_gives_the_same_tag(void **state)
{
	static uint8_t a[RIG_FRAME_MAX], b[RIG_FRAME_MAX], payload[5000];
	struct rig_frame_session h1, h2, ag;
	uint8_t key[32] = {7}, d[32];
	struct rig_frame_decoder dec;
	static uint8_t dbuf[RIG_FRAME_MAX];
	struct rig_frame f;
	size_t la, lb, used;

	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 31);
	rig_frame_session_init(&h1, rig_agent_mac, 0);
	rig_frame_session_init(&h2, rig_agent_mac, 0);
	rig_frame_session_init(&ag, rig_agent_mac, 1);
	rig_frame_session_start(&h1, key);
	rig_frame_session_start(&h2, key);
	rig_frame_session_start(&ag, key);
	rig_frame_payload_digest(rig_agent_mac, payload, sizeof(payload), d);
	la = rig_frame_encode(&h1, RIG_MSG_PUT_DATA, payload, sizeof(payload), a, sizeof(a));
	lb = rig_frame_encode_digest(&h2, RIG_MSG_PUT_DATA, payload, sizeof(payload), d, b,
				     sizeof(b));
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);
	rig_frame_decoder_init(&dec, dbuf, sizeof(dbuf), RIG_FRAME_MAX_PAYLOAD);
	assert_int_equal(rig_frame_decoder_push(&dec, a, la, &used, &f), RIG_FRAME_OK);
	assert_int_equal(rig_frame_accept(&ag, &f), RIG_FRAME_ACCEPT);
	assert_memory_equal(f.digest, d, 32);
	d[0] ^= 1;
	lb = rig_frame_encode_digest(&h2, RIG_MSG_PUT_DATA, payload, sizeof(payload), d, b,
				     sizeof(b));
	assert_int_equal(rig_frame_decoder_push(&dec, b, lb, &used, &f), RIG_FRAME_OK);
	assert_int_equal(rig_frame_accept(&ag, &f), RIG_FRAME_REJECT_TAG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(frame_crc_equals_report_crc),
	    cmocka_unit_test(precomputed_digest_gives_the_same_tag),
	    cmocka_unit_test(frame_round_trips),
	    cmocka_unit_test(frames_survive_any_split),
	    cmocka_unit_test(noise_before_a_frame_is_skipped),
	    cmocka_unit_test(bad_crc_is_dropped_and_next_frame_found),
	    cmocka_unit_test(oversized_length_is_refused_without_waiting),
	    cmocka_unit_test(smaller_bound_is_honoured),
	    cmocka_unit_test(other_version_is_refused),
	    cmocka_unit_test(replayed_frame_is_rejected),
	    cmocka_unit_test(tampered_tag_is_rejected),
	    cmocka_unit_test(tagged_flag_matches_the_session),
	    cmocka_unit_test(saved_fuzz_inputs_are_this_version),
	    cmocka_unit_test(reflected_frame_is_rejected),
	    cmocka_unit_test(request_before_auth_is_rejected),
	    cmocka_unit_test(reader_refuses_overruns),
	    cmocka_unit_test(reader_refuses_long_and_nul_strings),
	    cmocka_unit_test(writer_and_reader_agree),
	    cmocka_unit_test(writer_reports_overflow),
	    cmocka_unit_test(run_done_round_trips),
	    cmocka_unit_test(names_outside_the_work_dir_are_refused),
	    cmocka_unit_test(proofs_depend_on_key_and_label),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
