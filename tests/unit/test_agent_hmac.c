/* The agent's own SHA-256 / HMAC-SHA256 (firmware/agent/sha256.c) against
 * RFC 4231's test vectors and against libsodium, which the host uses: both
 * sides of a session must compute the same tags. */
#include "rigtest.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "../../firmware/agent/sha256.c"
#include "agent_client.h"

static size_t unhex(const char *h, uint8_t *out)
{
	size_t n = 0;

	for (; h[0] && h[1]; h += 2) {
		unsigned v;
		sscanf(h, "%2x", &v);
		out[n++] = (uint8_t)v;
	}
	return n;
}

static void hex(const uint8_t *p, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

/* RFC 4231 section 4: test cases 1-4, 6, 7 (5 is a truncated tag). */
static void hmac_matches_rfc4231(void **state)
{
	static const struct {
		const char *key, *data, *mac;
	} v[] = {
	    {"0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
	     "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
	    {"4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
	     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
	    {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	     "ddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
	     "ddddddddddddddd",
	     "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
	    {"0102030405060708090a0b0c0d0e0f10111213141516171819",
	     "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdc"
	     "dcdcdcdcdcdcdcd",
	     "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
	    {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	     "aaaaaaa",
	     "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617"
	     "368204b6579204669727374",
	     "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
	    {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	     "aaaaaaa",
	     "5468697320697320612074657374207573696e672061206c6172676572207468616e20626c6f636b2d736"
	     "97a65206b657920616e642061206c6172676572207468616e20626c6f636b2d73697a6520646174612e20"
	     "546865206b6579206e6565647320746f20626520686173686564206265666f7265206265696e672075736"
	     "5642062792074686520484d414320616c676f726974686d2e",
	     "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		uint8_t key[256], data[256], mac[32];
		char got[65];
		size_t kl = unhex(v[i].key, key), dl = unhex(v[i].data, data);

		agent_hmac_sha256(key, kl, data, dl, mac);
		hex(mac, 32, got);
		if (strcmp(got, v[i].mac))
			fail_msg("agent HMAC, RFC 4231 case %zu: got %s, want %s", i, got,
				 v[i].mac);
		rig_agent_hmac(key, kl, data, dl, mac);
		hex(mac, 32, got);
		if (strcmp(got, v[i].mac))
			fail_msg("libsodium HMAC, RFC 4231 case %zu: got %s, want %s", i, got,
				 v[i].mac);
	}
}

/* FIPS 180-2 examples. */
static void sha256_matches_fips_examples(void **state)
{
	uint8_t d[32];
	char got[65];

	agent_sha256("abc", 3, d);
	hex(d, 32, got);
	assert_string_equal(got,
			    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	agent_sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, d);
	hex(d, 32, got);
	assert_string_equal(got,
			    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

/* Random keys, lengths and split points: the agent and libsodium agree. */
static void agent_and_libsodium_agree_on_random_inputs(void **state)
{
	static uint8_t msg[5000];
	uint8_t key[100], a[32], b[32];

	assert_true(sodium_init() >= 0);
	for (int i = 0; i < 300; i++) {
		size_t kl = randombytes_uniform(sizeof(key)) + 1;
		size_t ml = randombytes_uniform(sizeof(msg));
		struct agent_sha256 c;
		size_t cut = ml ? randombytes_uniform((uint32_t)ml) : 0;

		randombytes_buf(key, kl);
		randombytes_buf(msg, ml);
		agent_hmac_sha256(key, kl, msg, ml, a);
		rig_agent_hmac(key, kl, msg, ml, b);
		assert_memory_equal(a, b, 32);
		/* incremental hashing in two pieces equals libsodium's one-shot */
		agent_sha256_init(&c);
		agent_sha256_update(&c, msg, cut);
		agent_sha256_update(&c, msg + cut, ml - cut);
		agent_sha256_final(&c, a);
		crypto_hash_sha256(b, msg, ml);
		assert_memory_equal(a, b, 32);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(hmac_matches_rfc4231),
	    cmocka_unit_test(sha256_matches_fips_examples),
	    cmocka_unit_test(agent_and_libsodium_agree_on_random_inputs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
