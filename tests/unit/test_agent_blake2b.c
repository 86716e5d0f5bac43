/* The agent's own BLAKE2b (firmware/agent/blake2b.c) against RFC 7693's
 * example, the BLAKE2 reference known-answer tests, and libsodium's
 * crypto_generichash, which the host uses: both sides of a session must
 * compute the same tags, proofs and upload digests. */
#include "rigtest.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "../../firmware/agent/blake2b.c"
#include "agent_client.h"

static void hex(const uint8_t *p, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

static void want_hex(const uint8_t *got, size_t n, const char *want, const char *what)
{
	char g[2 * AGENT_BLAKE2B_OUT_MAX + 1];

	hex(got, n, g);
	if (strcmp(g, want))
		fail_msg("%s: got %s, want %s", what, g, want);
}

/* RFC 7693 appendix A: BLAKE2b-512("abc"). */
static void blake2b_matches_rfc7693_example(void **state)
{
	struct agent_blake2b c;
	uint8_t out[64];

	(void)state;
	assert_int_equal(agent_blake2b_init(&c, 64, NULL, 0), 0);
	agent_blake2b_update(&c, "abc", 3);
	agent_blake2b_final(&c, out);
	want_hex(out, 64,
		 "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab7"
		 "92dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923",
		 "BLAKE2b-512(abc)");
}

/* blake2b-kat.txt of the BLAKE2 reference code: key 00..3f, input 00..(n-1);
 * n = 0 is the key block alone compressed as the last block, n = 255 spans
 * a partial final block. */
static void keyed_blake2b_matches_the_reference_kat(void **state)
{
	static const struct {
		size_t n;
		const char *want;
	} v[] = {
	    {0, "10ebb67700b1868efb4417987acf4690ae9d972fb7a590c2f02871799aaa4786b5e996e8f0f4eb9"
		"81fc214b005f42d2ff4233499391653df7aefcbc13fc51568"},
	    {255, "142709d62e28fcccd0af97fad0f8465b971e82201dc51070faa0372aa43e92484be1c1e73ba1"
		  "0906d5d1853db6a4106e0a7bf9800d373d6dee2d46d62ef2a461"},
	};
	uint8_t key[64], in[255], out[64];

	(void)state;
	for (int i = 0; i < 64; i++)
		key[i] = (uint8_t)i;
	for (int i = 0; i < 255; i++)
		in[i] = (uint8_t)i;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct agent_blake2b c;
		agent_blake2b_init(&c, 64, key, 64);
		agent_blake2b_update(&c, in, v[i].n);
		agent_blake2b_final(&c, out);
		want_hex(out, 64, v[i].want, "keyed BLAKE2b-512 KAT");
	}
}

static void bad_lengths_are_refused(void **state)
{
	struct agent_blake2b c;
	uint8_t key[65] = {0};

	(void)state;
	assert_int_equal(agent_blake2b_init(&c, 0, NULL, 0), -1);
	assert_int_equal(agent_blake2b_init(&c, 65, NULL, 0), -1);
	assert_int_equal(agent_blake2b_init(&c, 32, key, 65), -1);
}

/* Random keys (none, 16..64 bytes), messages of 0..70000 bytes around the
 * 128-byte block edges, fed in random splits, against libsodium: the tag
 * function (rig_frame_mac_fn) of both sides. */
static void agent_and_libsodium_agree_on_random_inputs(void **state)
{
	static uint8_t msg[70000];
	static const size_t edge[] = {0, 1, 127, 128, 129, 255, 256, 257, 49160, 70000};

	(void)state;
	assert_true(sodium_init() >= 0);
	for (int i = 0; i < 300; i++) {
		uint8_t key[64], a[32], b[32], c[32];
		size_t kl = i % 3 == 0 ? 0 : 16 + randombytes_uniform(49);
		size_t ml = i < 10 ? edge[i] : randombytes_uniform(sizeof(msg) + 1);
		struct agent_blake2b st;
		size_t off = 0;

		randombytes_buf(key, sizeof(key));
		randombytes_buf(msg, ml);
		agent_blake2b_256(key, kl, msg, ml, a);
		rig_agent_mac(key, kl, msg, ml, b);
		if (memcmp(a, b, 32))
			fail_msg("case %d: key %zu bytes, message %zu bytes: agent and libsodium "
				 "differ",
				 i, kl, ml);
		agent_blake2b_init(&st, 32, key, kl);
		while (off < ml) {
			size_t k = randombytes_uniform(300) + 1;
			if (k > ml - off)
				k = ml - off;
			agent_blake2b_update(&st, msg + off, k);
			off += k;
		}
		agent_blake2b_final(&st, c);
		if (memcmp(a, c, 32))
			fail_msg("case %d: split updates give another digest", i);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(blake2b_matches_rfc7693_example),
	    cmocka_unit_test(keyed_blake2b_matches_the_reference_kat),
	    cmocka_unit_test(bad_lengths_are_refused),
	    cmocka_unit_test(agent_and_libsodium_agree_on_random_inputs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
