/*
 * The host side of rig's agent protocol (firmware/protocol/rig_frame.h):
 * authenticates to a rig-agent over any transport (TCP, a serial line, a
 * VM's UART socket) and makes its requests. One struct rig_agent is one
 * session; nothing global. Every call blocks at most its timeout.
 */
#ifndef RIG_AGENT_CLIENT_H
#define RIG_AGENT_CLIENT_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "agent_upload.h"
#include "error.h"
#include "rig_frame.h"
#include "transport.h"
#include "util.h"

struct rig_agent;

/* BLAKE2b-256 (keyed when key_len > 0) through libsodium's crypto_generichash,
 * as a rig_frame_mac_fn. */
void rig_agent_mac(const uint8_t *key, size_t key_len, const uint8_t *msg, size_t msg_len,
		   uint8_t out[32]);

/*
 * Reads a pre-shared key file: hex digits (whitespace ignored), 16..64
 * bytes. Refuses a file that group or others may read (chmod 600), so a key
 * never sits world-readable. Returns 0 with the key in key[0..*len), or
 * RIG_ERR_NOT_FOUND / RIG_ERR_INVALID naming the file.
 */
int rig_agent_load_key(const char *path, uint8_t key[RIG_FRAME_KEY_MAX], size_t *len,
		       struct rig_error *err);

/*
 * Runs the handshake over t (ownership passes to the agent object, also on
 * failure): HELLO, challenge, AUTH with the key, and checks the agent's own
 * proof (an impostor without the key is refused too). name is used in
 * messages. Returns 0, RIG_ERR_AUTH (wrong key, either side),
 * RIG_ERR_PROTOCOL, RIG_ERR_TIMEOUT, RIG_ERR_IO.
 */
int rig_agent_open(struct rig_transport *t, const char *name, const uint8_t *key, size_t key_len,
		   int timeout_ms, struct rig_agent **out, struct rig_error *err);

/* "rig-agent 0.1.0", from HELLO_OK. */
const char *rig_agent_version(const struct rig_agent *a);

/* Board facts as key/value pairs appended to facts. */
int rig_agent_facts(struct rig_agent *a, struct rig_kvlist *facts, struct rig_error *err);

/*
 * Uploads data as `name` in the agent's work directory (mode e.g. 0755),
 * in tagged chunks, with its upload digest (rig_frame.h); the agent renames
 * it into place only when size and digest match. Returns 0 or the agent's
 * refusal (RIG_ERR_INVALID for a bad name or size, RIG_ERR_IO for a digest
 * mismatch, ...). Hashes data first: to send the same bytes to many boards,
 * prepare them once (agent_upload.h) and use rig_agent_put_upload.
 */
int rig_agent_put(struct rig_agent *a, const char *name, const void *data, size_t len,
		  uint32_t mode, struct rig_error *err);
/* A prepared upload (hashed once, sent to any number of sessions; up is only
 * read, so threads may share it). Blocks until the agent's answer to PUT_END. */
int rig_agent_put_upload(struct rig_agent *a, const struct rig_agent_upload *up, const char *name,
			 uint32_t mode, struct rig_error *err);
/* The same from a local file. */
int rig_agent_put_file(struct rig_agent *a, const char *path, const char *name, uint32_t mode,
		       struct rig_error *err);
int rig_agent_remove(struct rig_agent *a, const char *name, struct rig_error *err);

/* Called with each piece of workload output as it arrives (stream 1 stdout,
 * 2 stderr). Return nonzero to have the agent kill the workload. */
typedef int (*rig_agent_output_fn)(void *ctx, int stream, const char *data, size_t len);

struct rig_agent_run_req {
	const char *prog;	 /* a file in the work directory */
	const char *const *args; /* argv[1..], n_args of them */
	size_t n_args;
	const char *const *env; /* "K=V", n_env of them */
	size_t n_env;
	uint32_t timeout_ms;	       /* the agent kills it after this; 0: none */
	uint64_t cpu_mask;	       /* CPU affinity; 0: any */
	rig_agent_output_fn on_output; /* may be NULL */
	void *ctx;
	/* a server's stop: once *stop is nonzero (set from another thread)
	 * the agent is sent STOP, which passes SIGTERM to the program; looked
	 * at every 50 ms. NULL: never. */
	const volatile sig_atomic_t *stop;
};

/*
 * Runs a program on the board and waits for it (up to timeout_ms plus a
 * margin for the link). *done gets the board's measurements. Returns 0 when
 * it ran (whatever its exit status), or an error when it could not start or
 * the link failed.
 */
int rig_agent_run(struct rig_agent *a, const struct rig_agent_run_req *req,
		  struct rig_frame_run_done *done, struct rig_error *err);

/* Says BYE (best effort), closes the transport, frees. NULL is fine. */
void rig_agent_close(struct rig_agent *a);

/* For tests: the transport and the session, to send hand-made frames. */
struct rig_transport *rig_agent_transport(struct rig_agent *a);
struct rig_frame_session *rig_agent_session(struct rig_agent *a);
/* Receives one frame (any type): 0 with *type and a copy of the payload in
 * buf (at most cap bytes, *len), or an error. An ERROR frame is returned as
 * such, not turned into an error code. */
int rig_agent_recv_frame(struct rig_agent *a, uint8_t *type, uint8_t *buf, size_t cap, size_t *len,
			 int timeout_ms, struct rig_error *err);

#endif
