/*
 * Error codes shared by every host module. Functions return 0 or a positive
 * count on success and one of these (negative) on failure; the detail goes
 * into a struct rig_error the caller passes, so nothing is lost on the way up.
 * Only main() and the command layer print and exit.
 */
#ifndef RIG_ERROR_H
#define RIG_ERROR_H

#include <stddef.h>

enum rig_err {
	RIG_OK = 0,
	RIG_ERR_IO = -1,	    /* a system call failed; detail has errno text */
	RIG_ERR_INVALID = -2,	    /* bad argument or input */
	RIG_ERR_PARSE = -3,	    /* a file did not parse; detail names file:line */
	RIG_ERR_NOT_FOUND = -4,	    /* a file, board, tool or record is absent */
	RIG_ERR_NOT_SUPPORTED = -5, /* the backend cannot do this */
	RIG_ERR_TIMEOUT = -6,	    /* a deadline passed */
	RIG_ERR_NO_MEM = -7,
	RIG_ERR_BUILD = -8,	/* a compiler ran and failed */
	RIG_ERR_CRASH = -9,	/* the program under test crashed or exited non-zero */
	RIG_ERR_PROTOCOL = -10, /* the peer broke the report or agent protocol */
	RIG_ERR_AUTH = -11,	/* authentication failed */
	RIG_ERR_STORE = -12,	/* the SQLite store reported an error */
	RIG_ERR_SKIPPED = -13,	/* the combination cannot run here; reason in detail */
	RIG_ERR_INTERRUPTED = -14,
	RIG_ERR_FENCED = -15, /* the board's lease was lost: another worker holds it now */
	RIG_ERR_BUSY = -16,   /* a board is leased by someone else (until its expiry) */
	RIG_ERR_STORE_LOST = -17, /* the store's server cannot be reached now (restarting?) */
	RIG_ERR_COUNT_ = 18 /* keep last: number of codes, checked in error.c */
};

/* Name ("RIG_ERR_IO") and one-line message for a code. Never NULL. */
const char *rig_err_name(int code);
const char *rig_strerror(int code);

/* Where a failure's detail goes. Zero-initialise; msg is always NUL-terminated. */
struct rig_error {
	int code;
	char msg[512];
};

/* Sets err (when non-NULL) and returns code, so callers write
 * `return rig_fail(err, RIG_ERR_PARSE, "%s:%d: ...", ...);` */
int rig_fail(struct rig_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
