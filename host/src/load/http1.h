/*
 * An HTTP/1.1 response parser for the load generator (RFC 9112): push-based,
 * incremental (a response may arrive split anywhere across reads, and one
 * read may hold several pipelined responses), no allocation, no copying of
 * bodies. It understands status lines, Content-Length, chunked transfer
 * coding (extensions and trailers skipped), close-delimited bodies, the
 * statuses that have no body (1xx, 204, 304), interim 1xx responses, and
 * Connection: close / HTTP/1.0 keep-alive rules. The header section is
 * limited (RIG_HTTP1_MAX_HEADER bytes by default) so a hostile or broken
 * server cannot make it grow; obsolete line folding, bare header names and
 * conflicting Content-Lengths are refused, as RFC 9112 allows.
 */
#ifndef RIG_HTTP1_H
#define RIG_HTTP1_H

#include <stddef.h>
#include <stdint.h>

#define RIG_HTTP1_MAX_HEADER 8192

enum rig_http1_rc {
	RIG_HTTP1_MORE = 0,	   /* every byte consumed, the response is not complete */
	RIG_HTTP1_DONE = 1,	   /* one response complete; see status, keep_alive */
	RIG_HTTP1_E_SYNTAX = -1,   /* malformed status line, header, chunk size */
	RIG_HTTP1_E_TOO_BIG = -2,  /* header section longer than the limit */
	RIG_HTTP1_E_EOF = -3,	   /* the connection closed inside a response */
	RIG_HTTP1_E_OVERFLOW = -4, /* a length that does not fit in 63 bits */
};

struct rig_http1 {
	/* results of the last completed response */
	int status;	   /* 100..999 */
	int keep_alive;	   /* 0: the server will close (Connection: close, HTTP/1.0) */
	uint64_t body_len; /* body bytes (chunked: the decoded length) */
	/* parser state (private) */
	int state, minor, chunked, close_delim, te_seen, cl_seen, conn_close, conn_keep;
	uint64_t remaining, content_length;
	size_t header_bytes, max_header, line_len; /* line_len may exceed sizeof(line) */
	char line[256]; /* the start of the current line; longer lines are checked by prefix */
};

/* Prepares for the first response of a connection. max_header: 0 = default. */
void rig_http1_init(struct rig_http1 *p, size_t max_header);

/*
 * Feeds len bytes. *used is set to the bytes consumed: all of them for
 * MORE, up to the end of the response for DONE (feed the rest again: it is
 * the next, pipelined, response). Errors leave the parser unusable until
 * rig_http1_init (the connection must be closed).
 */
int rig_http1_feed(struct rig_http1 *p, const char *data, size_t len, size_t *used);

/* The connection reached EOF: DONE when a close-delimited body ends here,
 * MORE when nothing of a response had arrived, E_EOF otherwise. */
int rig_http1_eof(struct rig_http1 *p);

/* 1 when some bytes of a response are pending (not at a response boundary). */
int rig_http1_busy(const struct rig_http1 *p);

/* A name for an error code ("syntax", "header too big"...). */
const char *rig_http1_strerror(int rc);

#endif
