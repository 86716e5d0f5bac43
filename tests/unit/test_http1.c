/* The HTTP/1.1 response parser: one table of responses with what each must
 * give, fed whole and one byte at a time. */
#include "rigtest.h"

#include <string.h>

#include "http1.h"

struct want {
	int status;
	uint64_t body;
	int keep;
};

struct case_ {
	const char *name, *text;
	int n; /* complete responses expected */
	struct want w[4];
	int final; /* the last rc: MORE, DONE (at EOF) or an error */
	size_t max_header;
};

static const struct case_ cases[] = {
    {"content-length",
     "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
     1,
     {{200, 5, 1}},
     RIG_HTTP1_MORE,
     0},
    {"pipelined",
     "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\naHTTP/1.1 404 Not Found\r\n"
     "Content-Length: 2\r\n\r\nbb",
     2,
     {{200, 1, 1}, {404, 2, 1}},
     RIG_HTTP1_MORE,
     0},
    {"chunked with extension and trailer",
     "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3;x=y\r\nabc\r\nA\r\n0123456789"
     "\r\n0\r\nX-Trailer: 1\r\n\r\n",
     1,
     {{200, 13, 1}},
     RIG_HTTP1_MORE,
     0},
    {"no body on 204 and 304",
     "HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 304 Not Modified\r\n"
     "Content-Length: 10\r\n\r\n",
     2,
     {{204, 0, 1}, {304, 0, 1}},
     RIG_HTTP1_MORE,
     0},
    {"interim 100 skipped",
     "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\n"
     "Content-Length: 0\r\n\r\n",
     1,
     {{201, 0, 1}},
     RIG_HTTP1_MORE,
     0},
    {"connection close",
     "HTTP/1.1 500 Oops\r\nConnection: keep-alive, close\r\n"
     "Content-Length: 0\r\n\r\n",
     1,
     {{500, 0, 0}},
     RIG_HTTP1_MORE,
     0},
    {"http/1.0 closes unless keep-alive",
     "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n",
     1,
     {{200, 0, 0}},
     RIG_HTTP1_MORE,
     0},
    {"close-delimited body ends at eof",
     "HTTP/1.1 200 OK\r\n\r\nuntil close",
     1,
     {{200, 11, 0}},
     RIG_HTTP1_DONE,
     0},
    {"eof inside a body",
     "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc",
     0,
     {{0}},
     RIG_HTTP1_E_EOF,
     0},
    {"oversize header section",
     "HTTP/1.1 200 OK\r\nX-Long: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaa\r\n\r\n",
     0,
     {{0}},
     RIG_HTTP1_E_TOO_BIG,
     64},
    {"obsolete folding refused",
     "HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n",
     0,
     {{0}},
     RIG_HTTP1_E_SYNTAX,
     0},
    {"conflicting lengths refused",
     "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
     0,
     {{0}},
     RIG_HTTP1_E_SYNTAX,
     0},
    {"huge length refused",
     "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
     0,
     {{0}},
     RIG_HTTP1_E_OVERFLOW,
     0},
    {"not http/1", "HTTP/2 200\r\n\r\n", 0, {{0}}, RIG_HTTP1_E_SYNTAX, 0},
    {"bare LF line ends",
     "HTTP/1.1 200 OK\nContent-Length: 2\n\nok",
     1,
     {{200, 2, 1}},
     RIG_HTTP1_MORE,
     0},
};

/* Parses text in pieces of `step` bytes (0: whole); checks the case. */
static void run_case(const struct case_ *c, size_t step)
{
	struct rig_http1 p;
	size_t len = strlen(c->text), off = 0;
	int n = 0, rc = RIG_HTTP1_MORE;

	rig_http1_init(&p, c->max_header);
	while (off < len && rc >= 0) {
		size_t piece = step && len - off > step ? step : len - off, pos = 0;
		while (pos < piece) {
			size_t used;
			rc = rig_http1_feed(&p, c->text + off + pos, piece - pos, &used);
			pos += used;
			if (rc < 0)
				break;
			if (rc == RIG_HTTP1_DONE) {
				if (n >= c->n)
					fail_msg("%s: more responses than %d", c->name, c->n);
				if (p.status != c->w[n].status || p.body_len != c->w[n].body ||
				    p.keep_alive != c->w[n].keep)
					fail_msg("%s (step %zu): response %d is %d/%llu/%d",
						 c->name, step, n, p.status,
						 (unsigned long long)p.body_len, p.keep_alive);
				n++;
			}
		}
		off += piece;
	}
	if (rc >= 0) {
		rc = rig_http1_eof(&p);
		if (rc == RIG_HTTP1_DONE) {
			if (p.status != c->w[n].status || p.body_len != c->w[n].body)
				fail_msg("%s: close-delimited response is %d/%llu", c->name,
					 p.status, (unsigned long long)p.body_len);
			n++;
		}
	}
	if (n != c->n || rc != c->final)
		fail_msg("%s (step %zu): %d responses, last rc %d (%s); want %d, %d", c->name, step,
			 n, rc, rig_http1_strerror(rc), c->n, c->final);
}

static void responses_parse_whole_and_split(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		run_case(&cases[i], 0);
		run_case(&cases[i], 1);
		run_case(&cases[i], 7);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(responses_parse_whole_and_split),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
