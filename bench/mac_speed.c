/*
 * mac_speed: what each byte of an authenticated upload costs on this CPU,
 * for the per-byte functions libsodium offers (docs/benchmarks.md, "Per-byte
 * MACs on this machine"): BLAKE2b-256 keyed (the agent's chunk digest
 * today), Poly1305 (crypto_onetimeauth), and AES-256-GCM over associated
 * data only (GMAC; only where the CPU has AES-NI and PCLMUL), each on
 * buffers of the agent's 48 KiB chunk, interleaved round by round.
 *
 *   mac_speed [ROUNDS] [MIB_PER_ROUND]
 *
 * Prints one line per round and function: "ROUND NAME MB/s".
 */
#define _POSIX_C_SOURCE 200809L
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define CHUNK (48 * 1024)

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 5;
	size_t total = (size_t)(argc > 2 ? atoi(argv[2]) : 256) << 20, n = total / CHUNK;
	static unsigned char buf[CHUNK], out[32], key[32], npub[12];
	unsigned long long maclen;
	int gcm;

	if (sodium_init() < 0)
		return 1;
	gcm = crypto_aead_aes256gcm_is_available();
	randombytes_buf(buf, sizeof(buf));
	randombytes_buf(key, sizeof(key));
	for (int r = 1; r <= rounds; r++) {
		double t = now_s();
		for (size_t i = 0; i < n; i++)
			crypto_generichash(out, 32, buf, CHUNK, key, 32);
		printf("%d blake2b-keyed %.0f\n", r, (double)(n * CHUNK) / (now_s() - t) / 1e6);
		t = now_s();
		for (size_t i = 0; i < n; i++)
			crypto_onetimeauth(out, buf, CHUNK, key);
		printf("%d poly1305 %.0f\n", r, (double)(n * CHUNK) / (now_s() - t) / 1e6);
		if (!gcm) {
			printf("%d gmac - (no AES-NI/PCLMUL)\n", r);
			continue;
		}
		t = now_s();
		for (size_t i = 0; i < n; i++)
			crypto_aead_aes256gcm_encrypt_detached(NULL, out, &maclen, NULL, 0, buf,
							       CHUNK, NULL, npub, key);
		printf("%d gmac %.0f\n", r, (double)(n * CHUNK) / (now_s() - t) / 1e6);
		fflush(stdout);
	}
	return 0;
}
