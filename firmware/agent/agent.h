/*
 * rig-agent: serves rig's agent frames (firmware/protocol/rig_frame.h) on a
 * Linux board, over TCP and over a serial tty. One process per connection;
 * each connection is one session: HELLO, AUTH, then requests.
 * Threat model and choices: docs/agent.md.
 */
#ifndef RIG_AGENT_H
#define RIG_AGENT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "rig_frame.h"
#include "blake2b.h"

#define AGENT_VERSION "0.1.0"

/* Fixed by the command line, then read-only. */
struct agent_cfg {
	uint8_t psk[RIG_FRAME_KEY_MAX];
	size_t psk_len;
	char workdir[512];
	int workdir_fd;		   /* O_PATH|O_DIRECTORY: every file op is relative to it */
	uint64_t max_file_bytes;   /* largest upload */
	uint64_t max_output_bytes; /* workload output forwarded per run */
	int handshake_timeout_ms;  /* HELLO and AUTH must arrive within this */
	int idle_timeout_ms;	   /* between requests; 0: none (serial) */
	int drop_privs;		   /* running as root: workloads run as run_uid */
	uid_t run_uid;
	gid_t run_gid;
	uint64_t rlimit_as_bytes; /* RLIMIT_AS for workloads; 0: unlimited */
	uint64_t rlimit_fsize_bytes;
	/* --facts-root (tests only, docs/farm.md): a directory whose files
	 * shadow the kernel's for FACTS (DIR/sys/class/thermal/..., DIR/proc/...),
	 * so a test can make one agent report a hot SoC, throttling or another
	 * governor; "" (the default): the kernel's own files only */
	char facts_root[256];
};

/* One session over one byte stream (a socket or a tty). */
struct agent_conn {
	const struct agent_cfg *cfg;
	int in_fd, out_fd;
	int is_tty;
	struct rig_frame_session s;
	struct rig_frame_decoder dec;
	uint8_t host_nonce[RIG_FRAME_NONCE], agent_nonce[RIG_FRAME_NONCE];
	uint8_t inbuf[16384];
	size_t in_len, in_off;
	int closed; /* the peer went away, or a fatal protocol error was answered */
	/* upload in progress */
	int put_fd; /* -1 when none */
	char put_name[RIG_FRAME_MAX_NAME + 1];
	char put_tmp[RIG_FRAME_MAX_NAME + 32];
	uint64_t put_size, put_got;
	int64_t put_t0_ns; /* when PUT_BEGIN was taken (CLOCK_MONOTONIC) */
	uint32_t put_mode;
	uint8_t put_want[32];
	struct agent_blake2b put_hash; /* the upload digest (RIG_FRAME_PUT_LABEL) */
	uint32_t put_errcode; /* first error seen in PUT_DATA, answered at PUT_END */
	char put_errmsg[200];
	uint8_t rx[RIG_FRAME_MAX];
	uint8_t tx[RIG_FRAME_MAX];
};

/* CLOCK_MONOTONIC in ns (session.c). */
int64_t agent_mono_ns(void);

/* Frame I/O (session.c). */

/* Waits up to timeout_ms (< 0: forever) for the next accepted frame. Returns
 * 1 with *f, 0 on timeout, -1 when the session is over (EOF, or a rejected
 * frame already answered with ERROR). */
int agent_recv(struct agent_conn *c, struct rig_frame *f, int timeout_ms);
/* 1 when a complete frame is already buffered or bytes are waiting. */
int agent_has_input(struct agent_conn *c);
/* Sends one frame. -1 when the peer is gone. */
int agent_send(struct agent_conn *c, uint8_t type, const uint8_t *payload, uint32_t len);
int agent_send_ok(struct agent_conn *c);
int agent_send_error(struct agent_conn *c, uint32_t code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* For requests whose payload is empty: 0 when it is, else answers ERROR
 * (protocol) and returns 1; the request must then not be carried out. */
int agent_refuse_payload(struct agent_conn *c, const struct rig_frame *f);
/* Runs one session to its end on in_fd/out_fd (which the caller closes). */
void agent_serve(const struct agent_cfg *cfg, int in_fd, int out_fd, int is_tty);

/* USB gadget mode (usb_ffs.c): the vendor interface rig's usb-bulk link
 * looks for (host/src/parts/link/link_usb_bulk.c uses the same numbers). */
#define RIG_AGENT_USB_SUBCLASS 0x52 /* 'R' */
#define RIG_AGENT_USB_PROTOCOL 0x01
#define RIG_AGENT_USB_NAME "rig-agent"

/* Opens DIR/ep0 of a mounted FunctionFS instance and writes the function's
 * descriptors and strings (before the gadget's UDC is bound). Returns the
 * ep0 fd, or -1 after printing why. */
int agent_usb_ffs_open(const char *dir);
/* Serves sessions on the function for ever (returns only when it cannot
 * start). ep0 from agent_usb_ffs_open. */
void agent_usb_ffs_serve(const struct agent_cfg *cfg, const char *dir, int ep0);

/* Requests (facts.c, put.c, run.c). Each answers the host itself and returns
 * -1 only when the session must end. */
int agent_do_facts(struct agent_conn *c, const struct rig_frame *f);
int agent_do_put_begin(struct agent_conn *c, const struct rig_frame *f);
int agent_do_put_data(struct agent_conn *c, const struct rig_frame *f);
int agent_do_put_end(struct agent_conn *c, const struct rig_frame *f);
void agent_put_abort(struct agent_conn *c);
int agent_do_remove(struct agent_conn *c, const struct rig_frame *f);
int agent_do_run(struct agent_conn *c, const struct rig_frame *f);

#endif
