/*
 * SHA-256 (FIPS 180-4) in plain portable C, and the chained-hash loop of the
 * cpu and cpu-pure workloads. Static functions in a header: each workload
 * file gets its own copy, so a workload stays one .c file plus rig_wl.c.
 * No heap; the 4 KiB buffer is static (small microcontroller stacks).
 */
#ifndef RIG_WL_SHA256_IMPL_H
#define RIG_WL_SHA256_IMPL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "rig_wl.h"

#define SHA256_SIZE 32
#define SHA256_CHAIN_BUF 4096

/* round constants (FIPS 180-4, 4.2.2) */
static const uint32_t sha256_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t sha256_rotr(uint32_t x, unsigned n) { return (x >> n) | (x << (32 - n)); }

static void sha256_block(uint32_t h[8], const unsigned char *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, hh;

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 =
		    sha256_rotr(w[i - 15], 7) ^ sha256_rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 =
		    sha256_rotr(w[i - 2], 17) ^ sha256_rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
	for (int i = 0; i < 64; i++) {
		uint32_t t1 = hh + (sha256_rotr(e, 6) ^ sha256_rotr(e, 11) ^ sha256_rotr(e, 25)) +
			      ((e & f) ^ (~e & g)) + sha256_k[i] + w[i];
		uint32_t t2 = (sha256_rotr(a, 2) ^ sha256_rotr(a, 13) ^ sha256_rotr(a, 22)) +
			      ((a & b) ^ (a & c) ^ (b & c));
		hh = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	h[0] += a, h[1] += b, h[2] += c, h[3] += d;
	h[4] += e, h[5] += f, h[6] += g, h[7] += hh;
}

/* out = SHA-256(data[0..n)) */
static void sha256(const void *data, size_t n, unsigned char out[SHA256_SIZE])
{
	uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
			 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
	const unsigned char *p = data;
	size_t full = n & ~(size_t)63, r = n - full, end;
	unsigned char tail[128] = {0};
	uint64_t bits = (uint64_t)n * 8;

	for (size_t i = 0; i < full; i += 64)
		sha256_block(h, p + i);
	memcpy(tail, p + full, r);
	tail[r] = 0x80;
	end = r >= 56 ? 128 : 64;
	for (int i = 0; i < 8; i++)
		tail[end - 1 - i] = (unsigned char)(bits >> (8 * i));
	for (size_t i = 0; i < end; i += 64)
		sha256_block(h, tail + i);
	for (int i = 0; i < 8; i++) {
		out[4 * i] = (unsigned char)(h[i] >> 24);
		out[4 * i + 1] = (unsigned char)(h[i] >> 16);
		out[4 * i + 2] = (unsigned char)(h[i] >> 8);
		out[4 * i + 3] = (unsigned char)h[i];
	}
}

/*
 * The cpu workloads: byte i of a 4 KiB buffer starts as (i*131 + 7) mod 256;
 * iteration k hashes the buffer and writes the digest back at offset
 * (k mod 128) * 32. Results: throughput (ops/s, 1 op = one hash),
 * elapsed_ns, check = the last digest's first 4 bytes, big-endian (0 for no
 * iterations). The Go workloads cpu and cpu-pure do exactly this.
 */
static int sha256_chain_workload(const struct rig_wl_io *io, long long iterations)
{
	static unsigned char buf[SHA256_CHAIN_BUF];
	unsigned char d[SHA256_SIZE] = {0};
	uint64_t start, elapsed;

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(i * 131 + 7);
	start = io->now_ns(io->ctx);
	for (long long k = 0; k < iterations; k++) {
		sha256(buf, sizeof(buf), d);
		memcpy(buf + (size_t)(k % 128) * 32, d, sizeof(d));
	}
	elapsed = io->now_ns(io->ctx) - start;

	rig_wl_result_rate(io, "throughput", (uint64_t)iterations, elapsed);
	rig_wl_result_i64(io, "elapsed_ns", (int64_t)elapsed, "ns");
	rig_wl_result_u64(io, "check",
			  (uint64_t)d[0] << 24 | (uint64_t)d[1] << 16 | (uint64_t)d[2] << 8 | d[3],
			  "count");
	return 0;
}

#endif
