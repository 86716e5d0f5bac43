/* BLAKE2b (RFC 7693): see blake2b.h. */
#include "blake2b.h"

#include <string.h>

static const uint64_t iv[8] = {
    0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 0x3c6ef372fe94f82bULL, 0xa54ff53a5f1d36f1ULL,
    0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL, 0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL,
};

/* RFC 7693 section 2.7, the message word schedule of each round */
static const uint8_t sigma[12][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
    {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
    {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
    {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
    {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
};

static uint64_t ror64(uint64_t x, unsigned n) { return x >> n | x << (64 - n); }

static uint64_t le64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

#define G(a, b, c, d, x, y)                                                                        \
	do {                                                                                       \
		a = a + b + (x);                                                                   \
		d = ror64(d ^ a, 32);                                                              \
		c = c + d;                                                                         \
		b = ror64(b ^ c, 24);                                                              \
		a = a + b + (y);                                                                   \
		d = ror64(d ^ a, 16);                                                              \
		c = c + d;                                                                         \
		b = ror64(b ^ c, 63);                                                              \
	} while (0)

static void compress(struct agent_blake2b *c, const uint8_t *block, int last)
{
	uint64_t m[16], v[16];
	int i;

	for (i = 0; i < 16; i++)
		m[i] = le64(block + 8 * i);
	for (i = 0; i < 8; i++) {
		v[i] = c->h[i];
		v[i + 8] = iv[i];
	}
	v[12] ^= c->t[0];
	v[13] ^= c->t[1];
	if (last)
		v[14] = ~v[14];
	for (i = 0; i < 12; i++) {
		const uint8_t *s = sigma[i];
		G(v[0], v[4], v[8], v[12], m[s[0]], m[s[1]]);
		G(v[1], v[5], v[9], v[13], m[s[2]], m[s[3]]);
		G(v[2], v[6], v[10], v[14], m[s[4]], m[s[5]]);
		G(v[3], v[7], v[11], v[15], m[s[6]], m[s[7]]);
		G(v[0], v[5], v[10], v[15], m[s[8]], m[s[9]]);
		G(v[1], v[6], v[11], v[12], m[s[10]], m[s[11]]);
		G(v[2], v[7], v[8], v[13], m[s[12]], m[s[13]]);
		G(v[3], v[4], v[9], v[14], m[s[14]], m[s[15]]);
	}
	for (i = 0; i < 8; i++)
		c->h[i] ^= v[i] ^ v[i + 8];
}

static void count(struct agent_blake2b *c, size_t n)
{
	c->t[0] += n;
	if (c->t[0] < n)
		c->t[1]++;
}

int agent_blake2b_init(struct agent_blake2b *c, size_t outlen, const uint8_t *key, size_t key_len)
{
	if (outlen == 0 || outlen > AGENT_BLAKE2B_OUT_MAX || key_len > AGENT_BLAKE2B_KEY_MAX)
		return -1;
	memcpy(c->h, iv, sizeof(iv));
	/* parameter block: digest length, key length, fanout 1, depth 1 */
	c->h[0] ^= 0x01010000ULL ^ (uint64_t)key_len << 8 ^ (uint64_t)outlen;
	c->t[0] = c->t[1] = 0;
	c->fill = 0;
	c->outlen = outlen;
	if (key_len) {
		memset(c->block, 0, sizeof(c->block));
		memcpy(c->block, key, key_len);
		c->fill = sizeof(c->block); /* the key is a whole first block */
	}
	return 0;
}

void agent_blake2b_update(struct agent_blake2b *c, const void *data, size_t n)
{
	const uint8_t *p = data;

	/* The last block must be compressed with the final flag, so a full
	 * buffer is only compressed once more input follows. */
	while (n > 0) {
		if (c->fill == sizeof(c->block)) {
			count(c, sizeof(c->block));
			compress(c, c->block, 0);
			c->fill = 0;
		}
		if (c->fill == 0) {
			while (n > sizeof(c->block)) {
				count(c, sizeof(c->block));
				compress(c, p, 0);
				p += sizeof(c->block);
				n -= sizeof(c->block);
			}
		}
		size_t k = sizeof(c->block) - c->fill < n ? sizeof(c->block) - c->fill : n;
		memcpy(c->block + c->fill, p, k);
		c->fill += k, p += k, n -= k;
	}
}

void agent_blake2b_final(struct agent_blake2b *c, uint8_t *out)
{
	uint8_t full[64];

	count(c, c->fill);
	memset(c->block + c->fill, 0, sizeof(c->block) - c->fill);
	compress(c, c->block, 1);
	for (int i = 0; i < 8; i++)
		for (int j = 0; j < 8; j++)
			full[8 * i + j] = (uint8_t)(c->h[i] >> (8 * j));
	memcpy(out, full, c->outlen);
	memset(full, 0, sizeof(full));
	memset(c, 0, sizeof(*c));
}

void agent_blake2b_256(const uint8_t *key, size_t key_len, const uint8_t *msg, size_t msg_len,
		       uint8_t out[32])
{
	struct agent_blake2b c;

	agent_blake2b_init(&c, 32, key, key_len);
	agent_blake2b_update(&c, msg, msg_len);
	agent_blake2b_final(&c, out);
}
