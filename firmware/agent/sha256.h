/*
 * SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104) for rig-agent.
 *
 * The host uses libsodium for both. The agent is a static binary cross-built
 * for aarch64 and armhf, and Debian ships libsodium.a only for the host
 * architecture (libsodium-dev:arm64 needs multiarch installs on every
 * developer machine), so the agent carries this small, well-known
 * construction instead. tests/unit/test_agent_hmac.c checks it against the
 * RFC 4231 vectors and against libsodium on random inputs (docs/agent.md).
 */
#ifndef RIG_AGENT_SHA256_H
#define RIG_AGENT_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct agent_sha256 {
	uint32_t h[8];
	uint64_t bytes;
	uint8_t block[64];
	size_t fill;
};

void agent_sha256_init(struct agent_sha256 *c);
void agent_sha256_update(struct agent_sha256 *c, const void *data, size_t n);
void agent_sha256_final(struct agent_sha256 *c, uint8_t out[32]);
void agent_sha256(const void *data, size_t n, uint8_t out[32]);
/* HMAC-SHA256 with a key of any length; the signature of rig_frame_hmac_fn. */
void agent_hmac_sha256(const uint8_t *key, size_t key_len, const uint8_t *msg, size_t msg_len,
		       uint8_t out[32]);

#endif
