/*
 * The request/response command of rig's MCU firmware (request latency
 * under load, docs/load.md "MCU boards"). One line each way:
 *
 *   request  "hash SEQ N\n"                        SEQ < 2^32, N <= 4096
 *   answer   "@rig result hash.SEQ W count*CRC\n"  (a report line)
 *
 * W is the first 4 bytes, big-endian, of the SHA-256 of N bytes whose byte
 * i is (131 i + 7 + SEQ) mod 256: the board does real work per request, and
 * the host can check each answer (it computes W with its own SHA-256). The
 * sequence number in the result's name pairs an answer with its request,
 * so a late answer to a timed-out request is never taken for the next.
 * A request the firmware refuses gets "error: ..." and "@rig done 2".
 * Shared by the firmware and the host; no heap, no stdio.
 */
#ifndef RIG_HASHREQ_H
#define RIG_HASHREQ_H

#include <stddef.h>
#include <stdint.h>

#include "rig_report.h"

#define RIG_HASHREQ_MAX_BYTES 4096

/* The request line for (seq, n), '\n' included, into buf; returns its
 * length, 0 when cap is too small or n is over the bound. */
size_t rig_hashreq_format_request(char *buf, size_t cap, uint32_t seq, uint32_t n);

/* The report-line name of the answer to seq: "hash.SEQ" (cap >= 16). */
void rig_hashreq_name(char *buf, size_t cap, uint32_t seq);

/* The request's input: byte i of buf[0..n) = (131 i + 7 + seq) mod 256. */
void rig_hashreq_fill(unsigned char *buf, uint32_t seq, uint32_t n);

/*
 * Reads an answer from a valid report line: 1 with *seq and *word when it
 * is a result named "hash.SEQ" (SEQ decimal without leading zeros, below
 * 2^32) with unit "count" and a value that is an integer below 2^32; 0 for
 * any other line.
 */
int rig_hashreq_parse_answer(const struct rig_report_line *l, uint32_t *seq, uint32_t *word);

#endif
