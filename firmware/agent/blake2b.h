/*
 * BLAKE2b (RFC 7693) for rig-agent: the frame tags, handshake proofs and
 * upload digests of agent protocol 3 (docs/agent.md, "Why BLAKE2b").
 *
 * The host uses libsodium's crypto_generichash, which is this function. The
 * agent is a static binary cross-built for aarch64 and armhf, and Debian
 * ships libsodium.a only for the host architecture, so the agent carries
 * this small portable implementation (as it carried SHA-256 before);
 * tests/unit/test_agent_blake2b.c checks it against the RFC 7693 vector and
 * against libsodium on random keys, messages and splits.
 */
#ifndef RIG_AGENT_BLAKE2B_H
#define RIG_AGENT_BLAKE2B_H

#include <stddef.h>
#include <stdint.h>

#define AGENT_BLAKE2B_KEY_MAX 64
#define AGENT_BLAKE2B_OUT_MAX 64

struct agent_blake2b {
	uint64_t h[8];
	uint64_t t[2];
	uint8_t block[128];
	size_t fill;
	size_t outlen;
};

/* outlen 1..64 bytes; key_len 0..64 (0: unkeyed). Returns 0, -1 on a bad
 * length. */
int agent_blake2b_init(struct agent_blake2b *c, size_t outlen, const uint8_t *key, size_t key_len);
void agent_blake2b_update(struct agent_blake2b *c, const void *data, size_t n);
/* Writes c->outlen bytes and wipes the state. */
void agent_blake2b_final(struct agent_blake2b *c, uint8_t *out);
/* Keyed (key_len > 0) or plain BLAKE2b-256 of msg: the signature of
 * rig_frame_mac_fn. */
void agent_blake2b_256(const uint8_t *key, size_t key_len, const uint8_t *msg, size_t msg_len,
		       uint8_t out[32]);

#endif
