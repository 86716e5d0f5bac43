/* Fuzz target: the WASI test suite's specification reader (NAME.json,
 * legacy and operation-based forms). Any input must return cleanly; a
 * refusal must name the file; an accepted specification must be what the
 * executor relies on: every run paired with a wait, reads after a run,
 * ids and payloads terminated, roots relative and without "..", env
 * entries K=V with a non-empty K. Seeds and saved inputs:
 * tests/fuzz/corpus/wasi_spec/. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wasi_spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_accepted(const struct rig_wasi_spec *s)
{
	int running = 0, seen_run = 0;

	if (s->n_ops == 0)
		abort();
	for (size_t i = 0; i < s->n_ops; i++) {
		const struct rig_wasi_op *op = &s->ops[i];
		if (memchr(op->id, '\0', sizeof(op->id)) == NULL)
			abort();
		switch (op->type) {
		case RIG_WASI_OP_RUN:
			if (running)
				abort();
			running = seen_run = 1;
			if (op->root &&
			    (op->root[0] == '/' || op->root[0] == '\0' ||
			     strcmp(op->root, "..") == 0 || strncmp(op->root, "../", 3) == 0 ||
			     strstr(op->root, "/../")))
				abort();
			for (size_t k = 0; k < op->env.n; k++)
				if (op->env.v[k][0] == '=' || !strchr(op->env.v[k], '='))
					abort();
			break;
		case RIG_WASI_OP_WAIT:
			if (!running || op->exit_code < 0 || op->exit_code > 255)
				abort();
			running = 0;
			break;
		default:
			if (!seen_run)
				abort();
			if (op->type == RIG_WASI_OP_READ && strcmp(op->id, "stdout") &&
			    strcmp(op->id, "stderr"))
				abort();
			if (op->type != RIG_WASI_OP_CONNECT &&
			    (!op->payload || op->payload[op->payload_len] != '\0'))
				abort();
			if (op->type != RIG_WASI_OP_READ && !s->unsupported[0])
				abort();
		}
	}
	if (running)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rig_wasi_spec s;
	struct rig_error err = {0};

	if (rig_wasi_spec_parse("fuzz.json", (const char *)data, size, &s, &err) == 0)
		check_accepted(&s);
	else if (!strstr(err.msg, "fuzz.json") || s.n_ops != 0)
		abort();
	rig_wasi_spec_free(&s);
	return 0;
}
