/* Host side of the agent protocol: see agent_client.h. */
#include "agent_client.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

struct rig_agent {
	struct rig_transport *t;
	char name[64];
	char version[64];
	struct rig_frame_session s;
	struct rig_frame_decoder dec;
	uint8_t in[16384];
	size_t in_len, in_off;
	uint8_t rx[RIG_FRAME_MAX];
	uint8_t tx[RIG_FRAME_MAX];
	uint8_t pl[RIG_FRAME_MAX_PAYLOAD]; /* payload being built */
};

void rig_agent_mac(const uint8_t *key, size_t key_len, const uint8_t *msg, size_t msg_len,
		   uint8_t out[32])
{
	crypto_generichash(out, 32, msg, msg_len, key_len ? key : NULL, key_len);
}

int rig_agent_load_key(const char *path, uint8_t key[RIG_FRAME_KEY_MAX], size_t *len,
		       struct rig_error *err)
{
	char text[4 * RIG_FRAME_KEY_MAX];
	struct stat sb;
	ssize_t n;
	size_t k = 0, bin_len = 0;
	char hex[2 * RIG_FRAME_KEY_MAX + 1];
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return rig_fail(err, errno == ENOENT ? RIG_ERR_NOT_FOUND : RIG_ERR_IO,
				"agent key file %s: %s", path, strerror(errno));
	if (fstat(fd, &sb) || (sb.st_mode & 077)) {
		close(fd);
		return rig_fail(err, RIG_ERR_INVALID,
				"agent key file %s may be read by group or others (mode %03o): "
				"chmod 600 %s",
				path, (unsigned)(sb.st_mode & 0777), path);
	}
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n < 0)
		return rig_fail(err, RIG_ERR_IO, "agent key file %s: %s", path, strerror(errno));
	for (ssize_t i = 0; i < n; i++) {
		if (text[i] == ' ' || text[i] == '\n' || text[i] == '\r' || text[i] == '\t')
			continue;
		if (k >= sizeof(hex) - 1) {
			k = sizeof(hex); /* too long */
			break;
		}
		hex[k++] = text[i];
	}
	sodium_memzero(text, sizeof(text));
	if (k < sizeof(hex))
		hex[k] = 0;
	rc = k < sizeof(hex) && k % 2 == 0
		 ? sodium_hex2bin(key, RIG_FRAME_KEY_MAX, hex, k, NULL, &bin_len, NULL)
		 : -1;
	sodium_memzero(hex, sizeof(hex));
	if (rc || bin_len < RIG_FRAME_KEY_MIN)
		return rig_fail(err, RIG_ERR_INVALID,
				"agent key file %s: expected %d to %d bytes written as hex digits "
				"(e.g. `head -c32 /dev/urandom | xxd -p -c64`)",
				path, RIG_FRAME_KEY_MIN, RIG_FRAME_KEY_MAX);
	*len = bin_len;
	return 0;
}

/* Sends one frame; digest is the payload's BLAKE2b-256 when already known
 * (a prepared upload chunk), else NULL. payload may be a->tx + header. */
static int send_frame_digest(struct rig_agent *a, uint8_t type, const uint8_t *payload, size_t len,
			     const uint8_t *digest, int timeout_ms, struct rig_error *err)
{
	size_t n = rig_frame_encode_digest(&a->s, type, payload, (uint32_t)len, digest, a->tx,
					   sizeof(a->tx));
	ssize_t w;

	if (n == 0)
		return rig_fail(err, RIG_ERR_INVALID,
				"agent %s: %s payload of %zu bytes is too big", a->name,
				rig_frame_type_name(type), len);
	w = rig_transport_write(a->t, a->tx, n, timeout_ms, err);
	return w < 0 ? (int)w : 0;
}

static int send_frame(struct rig_agent *a, uint8_t type, const uint8_t *payload, size_t len,
		      int timeout_ms, struct rig_error *err)
{
	return send_frame_digest(a, type, payload, len, NULL, timeout_ms, err);
}

/* The next accepted frame, or an error. */
static int recv_frame(struct rig_agent *a, struct rig_frame *f, int timeout_ms,
		      struct rig_error *err)
{
	int64_t deadline = rig_now_ns() + (int64_t)timeout_ms * 1000000;

	for (;;) {
		size_t used;
		enum rig_frame_verdict v = rig_frame_decoder_push(&a->dec, a->in + a->in_off,
								  a->in_len - a->in_off, &used, f);
		enum rig_frame_check chk;
		int64_t left;
		ssize_t r;

		a->in_off += used;
		switch (v) {
		case RIG_FRAME_OK:
			chk = rig_frame_accept(&a->s, f);
			if (chk != RIG_FRAME_ACCEPT)
				return rig_fail(
				    err,
				    chk == RIG_FRAME_REJECT_TAG ? RIG_ERR_AUTH : RIG_ERR_PROTOCOL,
				    "agent %s: %s frame rejected: %s", a->name,
				    rig_frame_type_name(f->type), rig_frame_check_str(chk));
			return 0;
		case RIG_FRAME_NOISE:
			continue; /* console text on a serial line */
		case RIG_FRAME_CORRUPT:
			return rig_fail(err, RIG_ERR_PROTOCOL,
					"agent %s: a frame arrived with a bad CRC (line noise?)",
					a->name);
		case RIG_FRAME_TOO_BIG:
			return rig_fail(err, RIG_ERR_PROTOCOL,
					"agent %s: frame of %u bytes is over the bound", a->name,
					a->dec.last_bad_len);
		case RIG_FRAME_BAD_VERSION:
			return rig_fail(err, RIG_ERR_PROTOCOL,
					"agent %s speaks agent protocol %u, this rig speaks %d: "
					"install the rig-agent built with this rig on the board "
					"(docs/agent.md, \"Using a real Pi\")",
					a->name, a->dec.last_bad_version, RIG_FRAME_VERSION);
		case RIG_FRAME_NEED_MORE:
			break;
		}
		left = (deadline - rig_now_ns()) / 1000000;
		if (left <= 0)
			return rig_fail(err, RIG_ERR_TIMEOUT, "agent %s: no answer within %d ms",
					a->name, timeout_ms);
		r = rig_transport_read(a->t, a->in, sizeof(a->in), (int)left, err);
		if (r == RIG_ERR_TIMEOUT)
			continue;
		if (r < 0)
			return rig_fail(err, RIG_ERR_IO, "agent %s: the link closed (%s)", a->name,
					err ? err->msg : "EOF");
		a->in_off = 0;
		a->in_len = (size_t)r;
	}
}

/* Turns an ERROR frame into an error code with the agent's message. */
static int agent_error(struct rig_agent *a, const struct rig_frame *f, struct rig_error *err)
{
	struct rig_frame_reader r;
	char msg[400];
	uint32_t code;
	int rc;

	rig_frame_reader_init(&r, f->payload, f->len);
	code = rig_frame_get_u32(&r);
	rig_frame_get_str(&r, msg, sizeof(msg));
	switch (code) {
	case RIG_FERR_AUTH:
		rc = RIG_ERR_AUTH;
		break;
	case RIG_FERR_TOO_BIG:
	case RIG_FERR_BAD_NAME:
	case RIG_FERR_BUSY:
		rc = RIG_ERR_INVALID;
		break;
	case RIG_FERR_NOT_FOUND:
		rc = RIG_ERR_NOT_FOUND;
		break;
	case RIG_FERR_IO:
	case RIG_FERR_CHECKSUM:
		rc = RIG_ERR_IO;
		break;
	default:
		rc = RIG_ERR_PROTOCOL;
		break;
	}
	return rig_fail(err, rc, "agent %s refused (%s): %s", a->name, rig_frame_errcode_name(code),
			r.bad ? "(malformed ERROR frame)" : msg);
}

/* Sends a request and waits for `want` (or ERROR). */
static int request(struct rig_agent *a, uint8_t type, const uint8_t *payload, size_t len,
		   uint8_t want, struct rig_frame *reply, int timeout_ms, struct rig_error *err)
{
	int rc = send_frame(a, type, payload, len, timeout_ms, err);

	if (rc)
		return rc;
	if ((rc = recv_frame(a, reply, timeout_ms, err)))
		return rc;
	if (reply->type == RIG_MSG_ERROR)
		return agent_error(a, reply, err);
	if (reply->type != want)
		return rig_fail(err, RIG_ERR_PROTOCOL, "agent %s: answered %s to %s, expected %s",
				a->name, rig_frame_type_name(reply->type),
				rig_frame_type_name(type), rig_frame_type_name(want));
	return 0;
}

int rig_agent_open(struct rig_transport *t, const char *name, const uint8_t *key, size_t key_len,
		   int timeout_ms, struct rig_agent **out, struct rig_error *err)
{
	struct rig_agent *a;
	struct rig_frame f;
	struct rig_frame_reader r;
	struct rig_frame_writer w;
	uint8_t host_nonce[RIG_FRAME_NONCE], agent_nonce[RIG_FRAME_NONCE], proof[32], sk[32];
	uint32_t version;
	int rc;

	if (sodium_init() < 0) {
		rig_transport_close(t);
		return rig_fail(err, RIG_ERR_IO, "libsodium failed to initialise");
	}
	a = rig_xcalloc(1, sizeof(*a));
	a->t = t;
	snprintf(a->name, sizeof(a->name), "%s", name);
	rig_frame_session_init(&a->s, rig_agent_mac, 0);
	rig_frame_decoder_init(&a->dec, a->rx, sizeof(a->rx), RIG_FRAME_MAX_PAYLOAD);
	randombytes_buf(host_nonce, sizeof(host_nonce));

	rig_frame_writer_init(&w, a->pl, sizeof(a->pl));
	rig_frame_put_u32(&w, RIG_FRAME_VERSION);
	rig_frame_put_bytes(&w, host_nonce, sizeof(host_nonce));
	if ((rc = request(a, RIG_MSG_HELLO, a->pl, w.len, RIG_MSG_HELLO_OK, &f, timeout_ms, err)))
		goto fail;
	rig_frame_reader_init(&r, f.payload, f.len);
	version = rig_frame_get_u32(&r);
	rig_frame_get_str(&r, a->version, sizeof(a->version));
	rig_frame_get_bytes(&r, agent_nonce, sizeof(agent_nonce));
	if (!rig_frame_reader_done(&r)) {
		rc = rig_fail(err, RIG_ERR_PROTOCOL, "agent %s: malformed HELLO_OK", a->name);
		goto fail;
	}
	if (version != RIG_FRAME_VERSION) {
		rc = rig_fail(err, RIG_ERR_PROTOCOL,
			      "agent %s speaks agent protocol %u, this rig speaks %d: install the "
			      "rig-agent built with this rig on the board",
			      a->name, version, RIG_FRAME_VERSION);
		goto fail;
	}
	rig_frame_proof(rig_agent_mac, RIG_PROOF_HOST, key, key_len, host_nonce, agent_nonce,
			proof);
	if ((rc = request(a, RIG_MSG_AUTH, proof, 32, RIG_MSG_AUTH_OK, &f, timeout_ms, err)))
		goto fail;
	rig_frame_proof(rig_agent_mac, RIG_PROOF_AGENT, key, key_len, host_nonce, agent_nonce,
			proof);
	if (f.len != 32 || !rig_frame_equal(proof, f.payload, 32)) {
		rc = rig_fail(err, RIG_ERR_AUTH,
			      "agent %s: the agent's proof is wrong: it does not hold our key "
			      "(an impostor, or the wrong board)",
			      a->name);
		goto fail;
	}
	rig_frame_proof(rig_agent_mac, RIG_PROOF_SESSION, key, key_len, host_nonce, agent_nonce,
			sk);
	rig_frame_session_start(&a->s, sk);
	sodium_memzero(sk, sizeof(sk));
	*out = a;
	return 0;
fail:
	rig_transport_close(a->t);
	free(a);
	return rc;
}

const char *rig_agent_version(const struct rig_agent *a) { return a->version; }

int rig_agent_facts(struct rig_agent *a, struct rig_kvlist *facts, struct rig_error *err)
{
	struct rig_frame f;
	struct rig_frame_reader r;
	uint32_t n;
	int rc = request(a, RIG_MSG_FACTS, NULL, 0, RIG_MSG_FACTS_OK, &f, 10000, err);

	if (rc)
		return rc;
	rig_frame_reader_init(&r, f.payload, f.len);
	n = rig_frame_get_u32(&r);
	for (uint32_t i = 0; i < n && !r.bad; i++) {
		char k[64], v[256];
		rig_frame_get_str(&r, k, sizeof(k));
		rig_frame_get_str(&r, v, sizeof(v));
		if (!r.bad)
			rig_kv_set(facts, k, v);
	}
	if (!rig_frame_reader_done(&r))
		return rig_fail(err, RIG_ERR_PROTOCOL, "agent %s: malformed FACTS_OK", a->name);
	return 0;
}

int rig_agent_put_upload(struct rig_agent *a, const struct rig_agent_upload *up, const char *name,
			 uint32_t mode, struct rig_error *err)
{
	struct rig_frame_writer w;
	struct rig_frame f;
	uint8_t *pl = a->tx + RIG_FRAME_HEADER; /* payloads are built in place */
	size_t off = 0;
	int rc;

	rig_frame_writer_init(&w, a->pl, sizeof(a->pl));
	rig_frame_put_str(&w, name);
	rig_frame_put_u64(&w, up->len);
	rig_frame_put_bytes(&w, up->digest, sizeof(up->digest));
	rig_frame_put_u32(&w, mode);
	if (w.overflow)
		return rig_fail(err, RIG_ERR_INVALID, "agent %s: file name too long: %s", a->name,
				name);
	if ((rc = request(a, RIG_MSG_PUT_BEGIN, a->pl, w.len, RIG_MSG_OK, &f, 10000, err)))
		return rc;
	/* Data frames are not answered one by one, so a fast link stays full;
	 * the agent reports any problem at PUT_END. Each chunk's digest was
	 * computed once by the prepared upload, whatever the number of boards. */
	for (size_t i = 0; i < up->n_chunks; i++) {
		size_t n = rig_agent_upload_chunk(up, i, &off);
		rig_frame_writer_init(&w, pl, RIG_FRAME_MAX_PAYLOAD);
		rig_frame_put_u64(&w, off);
		rig_frame_put_bytes(&w, up->data + off, n);
		if ((rc = send_frame_digest(a, RIG_MSG_PUT_DATA, pl, w.len, up->chunk_digest[i],
					    60000, err)))
			return rc;
	}
	return request(a, RIG_MSG_PUT_END, NULL, 0, RIG_MSG_OK, &f, 60000, err);
}

int rig_agent_put(struct rig_agent *a, const char *name, const void *data, size_t len,
		  uint32_t mode, struct rig_error *err)
{
	struct rig_agent_upload *up;
	int rc = rig_agent_upload_prepare(data, len, &up, err);

	if (rc)
		return rc;
	rc = rig_agent_put_upload(a, up, name, mode, err);
	rig_agent_upload_free(up);
	return rc;
}

int rig_agent_put_file(struct rig_agent *a, const char *path, const char *name, uint32_t mode,
		       struct rig_error *err)
{
	struct rig_agent_upload *up;
	int rc = rig_agent_upload_load(path, &up, err);

	if (rc)
		return rc;
	rc = rig_agent_put_upload(a, up, name, mode, err);
	rig_agent_upload_free(up);
	return rc;
}

int rig_agent_remove(struct rig_agent *a, const char *name, struct rig_error *err)
{
	struct rig_frame_writer w;
	struct rig_frame f;

	rig_frame_writer_init(&w, a->pl, sizeof(a->pl));
	rig_frame_put_str(&w, name);
	return request(a, RIG_MSG_REMOVE, a->pl, w.len, RIG_MSG_OK, &f, 10000, err);
}

int rig_agent_run(struct rig_agent *a, const struct rig_agent_run_req *req,
		  struct rig_frame_run_done *done, struct rig_error *err)
{
	struct rig_frame_writer w;
	struct rig_frame f;
	struct rig_frame_reader r;
	/* the agent enforces the timeout; the margin covers the link */
	int wait_ms = req->timeout_ms ? (int)req->timeout_ms + 15000 : 3600 * 1000;
	int killed = 0, stopped = 0, rc;
	int64_t deadline;

	rig_frame_writer_init(&w, a->pl, sizeof(a->pl));
	rig_frame_put_str(&w, req->prog);
	rig_frame_put_u32(&w, (uint32_t)req->n_args);
	for (size_t i = 0; i < req->n_args; i++)
		rig_frame_put_str(&w, req->args[i]);
	rig_frame_put_u32(&w, (uint32_t)req->n_env);
	for (size_t i = 0; i < req->n_env; i++)
		rig_frame_put_str(&w, req->env[i]);
	rig_frame_put_u32(&w, req->timeout_ms);
	rig_frame_put_u64(&w, req->cpu_mask);
	if (w.overflow)
		return rig_fail(err, RIG_ERR_INVALID, "agent %s: RUN request too big", a->name);
	if ((rc = send_frame(a, RIG_MSG_RUN, a->pl, w.len, 10000, err)))
		return rc;
	deadline = rig_now_ns() + (int64_t)wait_ms * 1000000;
	for (;;) {
		int64_t left_ms = (deadline - rig_now_ns()) / 1000000;
		int slice = left_ms < 1 ? 1 : (int)left_ms;

		if (req->stop && !stopped && *req->stop) {
			stopped = 1;
			if ((rc = send_frame(a, RIG_MSG_STOP, NULL, 0, 5000, err)))
				return rc;
		}
		if (req->stop && !stopped && slice > 50)
			slice = 50;
		rc = recv_frame(a, &f, slice, err);
		if (rc == RIG_ERR_TIMEOUT && left_ms > slice)
			continue; /* a slice to look at *stop, not the run's deadline */
		if (rc)
			return rc;
		switch (f.type) {
		case RIG_MSG_OUTPUT:
			if (f.len < 1)
				return rig_fail(err, RIG_ERR_PROTOCOL, "agent %s: empty OUTPUT",
						a->name);
			if (req->on_output && !killed &&
			    req->on_output(req->ctx, f.payload[0], (const char *)f.payload + 1,
					   f.len - 1)) {
				killed = 1;
				if ((rc = send_frame(a, RIG_MSG_KILL, NULL, 0, 5000, err)))
					return rc;
			}
			break;
		case RIG_MSG_RUN_DONE:
			rig_frame_reader_init(&r, f.payload, f.len);
			if (rig_frame_get_run_done(&r, done))
				return rig_fail(err, RIG_ERR_PROTOCOL,
						"agent %s: malformed RUN_DONE", a->name);
			return 0;
		case RIG_MSG_ERROR:
			return agent_error(a, &f, err);
		case RIG_MSG_OK:
			break; /* a KILL or STOP that crossed the program's exit */
		default:
			return rig_fail(err, RIG_ERR_PROTOCOL, "agent %s: unexpected %s during RUN",
					a->name, rig_frame_type_name(f.type));
		}
	}
}

void rig_agent_close(struct rig_agent *a)
{
	struct rig_error e = {0};

	if (!a)
		return;
	if (a->s.authed && send_frame(a, RIG_MSG_BYE, NULL, 0, 1000, &e) == 0) {
		struct rig_frame f;
		recv_frame(a, &f, 1000, &e);
	}
	rig_transport_close(a->t);
	sodium_memzero(&a->s, sizeof(a->s));
	free(a);
}

struct rig_transport *rig_agent_transport(struct rig_agent *a) { return a->t; }

struct rig_frame_session *rig_agent_session(struct rig_agent *a) { return &a->s; }

int rig_agent_recv_frame(struct rig_agent *a, uint8_t *type, uint8_t *buf, size_t cap, size_t *len,
			 int timeout_ms, struct rig_error *err)
{
	struct rig_frame f;
	int rc = recv_frame(a, &f, timeout_ms, err);

	if (rc)
		return rc;
	*type = f.type;
	*len = f.len < cap ? f.len : cap;
	memcpy(buf, f.payload, *len);
	return 0;
}
