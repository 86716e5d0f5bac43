/* One agent session: frame I/O, the handshake, request dispatch. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "log.h"

#define SERIAL_STALL_MS 1000

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t agent_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int agent_send(struct agent_conn *c, uint8_t type, const uint8_t *payload, uint32_t len)
{
	size_t n = rig_frame_encode(&c->s, type, payload, len, c->tx, sizeof(c->tx)), off = 0;

	if (n == 0 || c->closed)
		return -1;
	while (off < n) {
		ssize_t w = write(c->out_fd, c->tx + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN) {
			struct pollfd p = {.fd = c->out_fd, .events = POLLOUT};
			poll(&p, 1, 1000);
			continue;
		}
		if (w <= 0) {
			c->closed = 1;
			return -1;
		}
		off += (size_t)w;
	}
	return 0;
}

int agent_send_ok(struct agent_conn *c) { return agent_send(c, RIG_MSG_OK, NULL, 0); }

int agent_send_error(struct agent_conn *c, uint32_t code, const char *fmt, ...)
{
	uint8_t p[512];
	char msg[400];
	struct rig_frame_writer w;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	agent_info("error %s: %s", rig_frame_errcode_name(code), msg);
	rig_frame_writer_init(&w, p, sizeof(p));
	rig_frame_put_u32(&w, code);
	rig_frame_put_str(&w, msg);
	return agent_send(c, RIG_MSG_ERROR, p, (uint32_t)w.len);
}

int agent_has_input(struct agent_conn *c)
{
	struct pollfd p = {.fd = c->in_fd, .events = POLLIN};

	return c->in_off < c->in_len || c->dec.have_frame || poll(&p, 1, 0) > 0;
}

/* A frame the decoder dropped: on TCP it means the session is out of step,
 * so answer and end it; on a serial line noise between frames is normal. */
static int dropped(struct agent_conn *c, enum rig_frame_verdict v)
{
	switch (v) {
	case RIG_FRAME_NOISE:
		return 0;
	case RIG_FRAME_TOO_BIG:
		agent_send_error(c, RIG_FERR_TOO_BIG,
				 "frame payload of %lu bytes is over the bound of %lu bytes",
				 (unsigned long)c->dec.last_bad_len,
				 (unsigned long)c->dec.max_payload);
		return -1;
	case RIG_FRAME_CORRUPT:
		if (c->is_tty && !c->s.authed)
			return 0; /* line noise while waiting for a HELLO */
		agent_send_error(c, RIG_FERR_PROTOCOL, "frame with a bad CRC: session ended");
		return -1;
	case RIG_FRAME_BAD_VERSION:
		agent_send_error(
		    c, RIG_FERR_VERSION,
		    "frame of agent protocol %u, this agent speaks %d: use the rig-agent "
		    "built with the same rig as the host (docs/agent.md)",
		    c->dec.last_bad_version, RIG_FRAME_VERSION);
		return -1;
	default:
		return 0;
	}
}

int agent_recv(struct agent_conn *c, struct rig_frame *f, int timeout_ms)
{
	int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;

	for (;;) {
		size_t used;
		enum rig_frame_verdict v;
		enum rig_frame_check chk;

		if (c->closed)
			return -1;
		v = rig_frame_decoder_push(&c->dec, c->inbuf + c->in_off, c->in_len - c->in_off,
					   &used, f);
		c->in_off += used;
		if (v == RIG_FRAME_OK) {
			/* On a serial line a host that lost its session (timeout,
			 * restart) can only start over: a fresh HELLO restarts
			 * ours. On TCP it simply connects again. */
			if (c->is_tty && f->type == RIG_MSG_HELLO &&
			    !(f->flags & RIG_FRAME_F_AGENT) && f->seq == 0 && c->s.rx_seq != 0)
				return 2;
			chk = rig_frame_accept(&c->s, f);
			if (chk == RIG_FRAME_ACCEPT)
				return 1;
			agent_send_error(
			    c, chk == RIG_FRAME_REJECT_UNAUTHED ? RIG_FERR_AUTH : RIG_FERR_PROTOCOL,
			    "%s frame rejected: %s", rig_frame_type_name(f->type),
			    rig_frame_check_str(chk));
			c->closed = 1;
			return -1;
		}
		if (v != RIG_FRAME_NEED_MORE) {
			if (dropped(c, v)) {
				c->closed = 1;
				return -1;
			}
			continue;
		}
		/* need more bytes */
		{
			struct pollfd p = {.fd = c->in_fd, .events = POLLIN};
			int wait = -1, pr;
			ssize_t r;

			if (deadline >= 0) {
				int64_t left = deadline - now_ms();
				wait = left > 0 ? (int)left : 0; /* 0: look once */
			}
			/* On a serial line a frame whose bytes stop coming is
			 * noise (or a cut transfer): after a second of silence in
			 * mid-frame, resynchronise instead of waiting for bytes
			 * that a wrong length field promised. */
			if (c->is_tty && rig_frame_decoder_partial(&c->dec) &&
			    (wait < 0 || wait > SERIAL_STALL_MS))
				wait = SERIAL_STALL_MS;
			pr = poll(&p, 1, wait);
			if (pr < 0 && errno == EINTR)
				continue;
			if (pr == 0 && c->is_tty && rig_frame_decoder_partial(&c->dec)) {
				agent_info("serial: partial frame stalled, resynchronising");
				rig_frame_decoder_skip(&c->dec);
				continue;
			}
			if (pr == 0)
				return 0;
			r = read(c->in_fd, c->inbuf, sizeof(c->inbuf));
			if (r < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (r <= 0) {
				c->closed = 1;
				return -1;
			}
			c->in_off = 0;
			c->in_len = (size_t)r;
		}
	}
}

/* Runs HELLO/AUTH. With have_hello, *fp already holds a HELLO the decoder
 * returned (a restart on a serial line). Returns 0, -1 (session over) or 2
 * (a new HELLO arrived: restart with it, it is in *fp). */
static int handshake(struct agent_conn *c, struct rig_frame *fp, int have_hello)
{
	struct rig_frame f;
	struct rig_frame_reader r;
	struct rig_frame_writer w;
	uint8_t p[256], proof[32], want[32], key[32];
	uint32_t version;
	int rc;

	/* HELLO */
	if (have_hello) {
		f = *fp;
		if (rig_frame_accept(&c->s, &f) != RIG_FRAME_ACCEPT)
			return -1;
	} else {
		rc = agent_recv(c, &f, c->is_tty ? -1 : c->cfg->handshake_timeout_ms);
		if (rc == 2)
			goto restart;
		if (rc <= 0)
			return -1;
	}
	if (f.type != RIG_MSG_HELLO) {
		agent_send_error(c, RIG_FERR_AUTH, "expected HELLO, got %s: authenticate first",
				 rig_frame_type_name(f.type));
		return -1;
	}
	rig_frame_reader_init(&r, f.payload, f.len);
	version = rig_frame_get_u32(&r);
	rig_frame_get_bytes(&r, c->host_nonce, RIG_FRAME_NONCE);
	if (!rig_frame_reader_done(&r)) {
		agent_send_error(c, RIG_FERR_PROTOCOL, "malformed HELLO");
		return -1;
	}
	if (version != RIG_FRAME_VERSION) {
		agent_send_error(c, RIG_FERR_VERSION,
				 "host speaks agent protocol %u, this agent speaks %d", version,
				 RIG_FRAME_VERSION);
		return -1;
	}
	if (getrandom(c->agent_nonce, sizeof(c->agent_nonce), 0) != sizeof(c->agent_nonce)) {
		agent_send_error(c, RIG_FERR_IO, "no randomness for the challenge: %s",
				 strerror(errno));
		return -1;
	}
	rig_frame_writer_init(&w, p, sizeof(p));
	rig_frame_put_u32(&w, RIG_FRAME_VERSION);
	rig_frame_put_str(&w, "rig-agent " AGENT_VERSION);
	rig_frame_put_bytes(&w, c->agent_nonce, RIG_FRAME_NONCE);
	if (agent_send(c, RIG_MSG_HELLO_OK, p, (uint32_t)w.len))
		return -1;

	/* AUTH */
	rc = agent_recv(c, &f, c->cfg->handshake_timeout_ms);
	if (rc == 2)
		goto restart;
	if (rc <= 0)
		return -1;
	if (f.type != RIG_MSG_AUTH || f.len != 32) {
		agent_send_error(c, RIG_FERR_AUTH, "expected AUTH with a 32-byte proof, got %s",
				 rig_frame_type_name(f.type));
		return -1;
	}
	memcpy(proof, f.payload, 32);
	rig_frame_proof(agent_blake2b_256, RIG_PROOF_HOST, c->cfg->psk, c->cfg->psk_len,
			c->host_nonce, c->agent_nonce, want);
	if (!rig_frame_equal(proof, want, 32)) {
		/* A fixed pause makes guessing slow even over a fast link. */
		usleep(200000);
		agent_send_error(c, RIG_FERR_AUTH,
				 "authentication failed: the host's key is not this agent's key");
		return -1;
	}
	rig_frame_proof(agent_blake2b_256, RIG_PROOF_AGENT, c->cfg->psk, c->cfg->psk_len,
			c->host_nonce, c->agent_nonce, proof);
	if (agent_send(c, RIG_MSG_AUTH_OK, proof, 32))
		return -1;
	rig_frame_proof(agent_blake2b_256, RIG_PROOF_SESSION, c->cfg->psk, c->cfg->psk_len,
			c->host_nonce, c->agent_nonce, key);
	rig_frame_session_start(&c->s, key);
	memset(key, 0, sizeof(key));
	agent_info("session authenticated");
	return 0;
restart:
	*fp = f;
	return 2;
}

/* 1 (after answering ERROR) when a frame whose payload is empty carries
 * bytes: every payload is consumed exactly (docs/protocol.md). */
int agent_refuse_payload(struct agent_conn *c, const struct rig_frame *f)
{
	if (f->len == 0)
		return 0;
	agent_send_error(c, RIG_FERR_PROTOCOL,
			 "%s carries %u payload bytes: its payload is empty; request refused",
			 rig_frame_type_name(f->type), (unsigned)f->len);
	return 1;
}

static int dispatch(struct agent_conn *c, const struct rig_frame *f)
{
	switch (f->type) {
	case RIG_MSG_FACTS:
	case RIG_MSG_PUT_END:
	case RIG_MSG_KILL:
	case RIG_MSG_STOP:
	case RIG_MSG_BYE:
		if (agent_refuse_payload(c, f))
			return c->closed ? -1 : 0;
		break;
	default:
		break;
	}
	switch (f->type) {
	case RIG_MSG_FACTS:
		return agent_do_facts(c, f);
	case RIG_MSG_PUT_BEGIN:
		return agent_do_put_begin(c, f);
	case RIG_MSG_PUT_DATA:
		return agent_do_put_data(c, f);
	case RIG_MSG_PUT_END:
		return agent_do_put_end(c, f);
	case RIG_MSG_RUN:
		return agent_do_run(c, f);
	case RIG_MSG_REMOVE:
		return agent_do_remove(c, f);
	case RIG_MSG_KILL:
		/* nothing is running (a run handles its own KILL) */
		return agent_send_ok(c);
	case RIG_MSG_STOP:
		/* a STOP that crossed the program's exit: no answer, so the
		 * host's next request does not get a stray OK */
		return 0;
	case RIG_MSG_BYE:
		agent_send_ok(c);
		return -1;
	default:
		agent_send_error(c, RIG_FERR_PROTOCOL, "unexpected %s (type 0x%02x)",
				 rig_frame_type_name(f->type), f->type);
		return -1;
	}
}

static void reset_session(struct agent_conn *c)
{
	agent_put_abort(c);
	memset(&c->s, 0, sizeof(c->s));
	rig_frame_session_init(&c->s, agent_blake2b_256, 1);
	c->closed = 0;
}

void agent_serve(const struct agent_cfg *cfg, int in_fd, int out_fd, int is_tty)
{
	static struct agent_conn conn; /* large buffers: not on the stack */
	struct agent_conn *c = &conn;
	struct rig_frame f;
	int rc, have_hello = 0;

	memset(c, 0, offsetof(struct agent_conn, rx));
	c->cfg = cfg;
	c->in_fd = in_fd;
	c->out_fd = out_fd;
	c->is_tty = is_tty;
	c->put_fd = -1;
	rig_frame_decoder_init(&c->dec, c->rx, sizeof(c->rx), RIG_FRAME_MAX_PAYLOAD);
	for (;;) {
		reset_session(c);
		rc = handshake(c, &f, have_hello);
		have_hello = 0;
		if (rc == 2) {
			agent_info("new HELLO: session restarted");
			have_hello = 1;
			continue;
		}
		if (rc < 0)
			break;
		for (;;) {
			rc =
			    agent_recv(c, &f, cfg->idle_timeout_ms > 0 ? cfg->idle_timeout_ms : -1);
			if (rc == 0) {
				agent_send_error(c, RIG_FERR_PROTOCOL,
						 "no request for %d ms: session ended",
						 cfg->idle_timeout_ms);
				break;
			}
			if (rc == 2 || rc < 0 || dispatch(c, &f) < 0)
				break;
		}
		if (rc != 2)
			break;
		agent_info("new HELLO: session restarted");
		have_hello = 1;
	}
	agent_put_abort(c);
	memset(&c->s, 0, sizeof(c->s));
}
