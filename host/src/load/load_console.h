/*
 * Request latency over a console (rig bench --load on an MCU board;
 * docs/load.md, "MCU boards"): the firmware's hash requests
 * (firmware/protocol/rig_hashreq.h) sent on the board's console under the
 * models of load.h — closed (the next request as soon as the answer
 * arrived) or constant rate (request k due at start + k / rate, its latency
 * from that intended time: coordinated omission corrected; the uncorrected
 * figure from the actual send) — one request in flight, as a UART carries
 * one conversation.
 *
 * The result is a struct rig_load_result like the network load's: the same
 * histograms, per-second series, error classes and backlog, so the bench
 * stores and prints an MCU row as it does an HTTP one. Error classes here:
 * write (the request could not be sent; the run ends), timeout (no answer within
 * timeout_ms), read (a wrong digest, a refusal "@rig done N", the board
 * reset itself, the console closed). connect and status stay 0.
 */
#ifndef RIG_LOAD_CONSOLE_H
#define RIG_LOAD_CONSOLE_H

#include <stdint.h>

#include "load.h"
#include "serial_lines.h"

/*
 * Runs the load on l (the firmware is ready and waits for commands).
 * bytes: hashed per request, 0..4096. o->url, connections, threads,
 * pipeline, h2c and cpus are not used. Returns 0 when it ran (failed
 * requests are counted in r), RIG_ERR_INVALID for bad options. Blocks for
 * warm-up + duration (plus at most timeout_ms). r is the caller's:
 * rig_load_result_free.
 */
int rig_load_console_run(struct rig_lines *l, const struct rig_load_opts *o, int bytes,
			 struct rig_load_result *r, struct rig_error *err);

/* The answer the firmware must give to (seq, bytes): the first 4 bytes,
 * big-endian, of the SHA-256 of rig_hashreq_fill's input, computed here
 * with libsodium (not the firmware's SHA-256). */
uint32_t rig_load_console_expected(uint32_t seq, int bytes);

#endif
