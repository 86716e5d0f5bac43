/*
 * The WASI test suite's test specifications (wasi-testsuite
 * doc/specification.md): NAME.json beside NAME.wasm, in the legacy form
 *
 *   {"args": [], "env": {}, "root": null, "exit_code": 0, "stdout": "", "stderr": ""}
 *
 * or the operation-based form
 *
 *   {"proposals": [], "operations": [{"type": "run", ...}, {"type": "wait"}]}
 *
 * Both are read into one list of operations (legacy: run, read stdout
 * when "stdout" is given, read stderr when "stderr" is, wait), validated by
 * the specification's four rules. A stream without a read is not checked:
 * the suite's tests need that (rust/stdio writes to stderr and names no
 * "stderr"), though the document's table shows "" defaults. What
 * this executor cannot do (the sockets and http proposals; connect, send,
 * recv) is kept in `unsupported` with the reason, not refused: the test is
 * then reported "not supported".
 *
 * JSON is read with jansson. Unknown fields are refused (a misspelt
 * "exit_cod" must not pass silently); messages name the file, the field
 * path ("operations[1].exit_code") and the value.
 */
#ifndef RIG_WASI_SPEC_H
#define RIG_WASI_SPEC_H

#include <stddef.h>

#include "error.h"
#include "util.h"

enum rig_wasi_op_type {
	RIG_WASI_OP_RUN,
	RIG_WASI_OP_WAIT,
	RIG_WASI_OP_READ,
	RIG_WASI_OP_CONNECT,
	RIG_WASI_OP_SEND,
	RIG_WASI_OP_RECV,
};

struct rig_wasi_op {
	enum rig_wasi_op_type type;
	/* run */
	struct rig_strv args;
	struct rig_strv env; /* "K=V", in the file's order */
	char *root;	     /* directory relative to the test's, preopened as "/"; or NULL */
	/* wait */
	int exit_code;
	/* read: "stdout" or "stderr"; connect/send/recv: the connection id */
	char id[64];
	/* read/send/recv: bytes (JSON strings, UTF-8) */
	char *payload;
	size_t payload_len;
	/* connect: tcp, udp or http */
	char protocol[8];
};

struct rig_wasi_spec {
	int legacy;		   /* 1: read from the legacy form */
	int is_default;		   /* 1: no .json: the default specification */
	struct rig_strv proposals; /* "http", "sockets" */
	struct rig_wasi_op *ops;
	size_t n_ops;
	char unsupported[256]; /* non-empty: why rig cannot run this test */
};

/* The default specification (no NAME.json): run with no arguments, env or
 * root, wait for exit code 0; output not checked. */
void rig_wasi_spec_default(struct rig_wasi_spec *out);

/*
 * Parses a specification from text (len bytes; need not be NUL-terminated);
 * name is used in messages. Returns 0 with *out filled (free with
 * rig_wasi_spec_free), or RIG_ERR_PARSE naming name:line:column for bad
 * JSON and name + field path + value for a bad field or a broken rule.
 * On error *out is left empty (safe to free).
 */
int rig_wasi_spec_parse(const char *name, const char *text, size_t len, struct rig_wasi_spec *out,
			struct rig_error *err);

/* Reads path (NAME.json); RIG_ERR_NOT_FOUND when it does not exist. */
int rig_wasi_spec_load(const char *path, struct rig_wasi_spec *out, struct rig_error *err);

void rig_wasi_spec_free(struct rig_wasi_spec *s);

#endif
