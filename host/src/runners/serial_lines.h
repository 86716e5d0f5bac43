/*
 * Report lines from a byte stream: reads a transport with deadlines, feeds
 * a struct rig_report_parser, queues the valid protocol lines with the time
 * each one arrived, counts the rest (noise, corrupt, overlong, cut) and
 * copies every byte to a console log. Generic: any board whose program
 * talks over a transport (serial, pty, socket, pipe) can use it.
 */
#ifndef RIG_SERIAL_LINES_H
#define RIG_SERIAL_LINES_H

#include <stdint.h>
#include <stdio.h>

#include "error.h"
#include "rig_report.h"
#include "transport.h"

/* A console log keeps at most this much of the board's output, as the host
 * board's log does (RIG_OUTCAP_LOG_BYTES): a board that floods its console
 * cannot fill the disk. */
#define RIG_LINES_LOG_BYTES (16ull << 20)

struct rig_lines_item {
	struct rig_report_line line;
	int64_t at_ns; /* rig_now_ns() when the read holding its '\n' returned */
};

struct rig_lines {
	struct rig_transport *t; /* borrowed */
	struct rig_report_parser parser;
	struct rig_lines_item *queue; /* valid lines not yet taken */
	size_t q_head, q_len, q_cap;
	int64_t chunk_ns; /* arrival time of the chunk being fed */
	FILE *log;	  /* console log, or NULL */
	int log_at_bol;	  /* the log's last byte was '\n' */
	/* Bytes of the board's output a log file takes at most
	 * (RIG_LINES_LOG_BYTES unless changed after rig_lines_init); the rest
	 * is counted, and the log ends with a note of how much was dropped. */
	unsigned long long log_cap;
	unsigned long long log_kept, log_dropped; /* in the current log file */
	char tail[1024];			  /* the last bytes received, a ring */
	size_t tail_pos, tail_len;
	unsigned long long bytes; /* received in total */
	/* Gap between the bytes of a command, microseconds (0: one write).
	 * QEMU's emulated UARTs take input only while their receive FIFO has
	 * room; a burst that finds it full is re-read only at QEMU's next
	 * main-loop wake-up, measured at up to ~1 s. Pacing at about the line
	 * rate avoids that (docs/serial.md). */
	int pace_us;
};

/* Starts reading t (borrowed: the caller closes it after rig_lines_free). */
void rig_lines_init(struct rig_lines *l, struct rig_transport *t);
/* Closes the log and frees the queue. */
void rig_lines_free(struct rig_lines *l);

/* Copies every received byte from now on to path (appended; NULL stops
 * logging), up to log_cap bytes per file; closing a log that was capped
 * writes "## rig: console log capped at N bytes: M bytes dropped" at its
 * end. 0 or RIG_ERR_IO. */
int rig_lines_log_to(struct rig_lines *l, const char *path, struct rig_error *err);
/* Writes "## rig: TEXT" on a line of its own in the console log (resets,
 * commands sent, retries), so the log reads as what happened. */
void rig_lines_mark(struct rig_lines *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Feeds bytes as if they had been read at at_ns (tests and boards that get
 * their bytes elsewhere).
 */
void rig_lines_feed(struct rig_lines *l, const char *data, size_t n, int64_t at_ns);

/*
 * The next valid protocol line, waiting until deadline_ns (rig_now_ns()
 * clock). Returns 0 with *out (and *at_ns when non-NULL), RIG_ERR_TIMEOUT
 * when none came in time, RIG_ERR_IO when the stream ended (the peer closed:
 * an emulator that died); a last line without '\n' is then parsed as it is
 * (noise or corrupt when incomplete). Noise and
 * corrupt lines are counted, logged and skipped. Blocks up to the deadline.
 */
int rig_lines_next(struct rig_lines *l, int64_t deadline_ns, struct rig_lines_item *out,
		   struct rig_error *err);

/* The stream broke (the board was reset): drops queued lines and counts a
 * pending partial line as cut. Returns the number of queued lines dropped. */
size_t rig_lines_cut(struct rig_lines *l);

/* Sends one command line (a '\n' is added) within timeout_ms, and marks
 * it in the log. */
int rig_lines_send(struct rig_lines *l, const char *line, int timeout_ms, struct rig_error *err);

/* Reads and discards whatever is waiting now (no wait). */
void rig_lines_drain(struct rig_lines *l);

/* The last received bytes (up to cap-1), NUL-terminated. */
void rig_lines_tail(const struct rig_lines *l, char *out, size_t cap);

#endif
