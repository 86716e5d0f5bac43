/*
 * HTTP/1.1 test servers for the load generator's tests: real sockets on
 * loopback, served by a thread of the test process. Each mode misbehaves
 * in one way the generator must count.
 */
#ifndef RIG_TESTSERVER_H
#define RIG_TESTSERVER_H

enum ts_mode {
	TS_OK = 0,    /* 200 "Hello, World!", keep-alive */
	TS_STALL,     /* like OK, but after `stall_after` responses sleeps stall_ms once */
	TS_RESET,     /* reads a request, then resets the connection (RST) */
	TS_ERROR_500, /* 500 to every request */
	TS_SILENT,    /* reads requests, never answers */
	TS_CLOSE,     /* answers with Connection: close, then closes */
};

struct testserver;

/* Starts a server on 127.0.0.1 on a free port; NULL on failure. */
struct testserver *ts_start(enum ts_mode mode, int stall_after, int stall_ms);
int ts_port(const struct testserver *ts);
/* Responses sent so far. */
long ts_answered(const struct testserver *ts);
/* Stops the thread, closes every socket. */
void ts_stop(struct testserver *ts);

#endif
