/* The WASI test suite's JSON specifications: see wasi_spec.h. */
#include "wasi_spec.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where a value sits, for messages: "operations[2].env.K". */
struct where {
	const char *file;
	char path[160];
};

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	default:
		return "null";
	}
}

static int bad(struct rig_error *err, const struct where *w, const char *field, const char *what,
	       const json_t *v)
{
	char shown[80] = "";

	if (v && json_is_string(v))
		snprintf(shown, sizeof(shown), " \"%.60s\"", json_string_value(v));
	else if (v && json_is_integer(v))
		snprintf(shown, sizeof(shown), " %lld", (long long)json_integer_value(v));
	return rig_fail(err, RIG_ERR_PARSE, "%s: field '%s%s%s': expected %s, got %s%s", w->file,
			w->path, w->path[0] ? "." : "", field, what, v ? type_name(v) : "nothing",
			shown);
}

static int ops_push(struct rig_wasi_spec *s, enum rig_wasi_op_type t, struct rig_wasi_op **op)
{
	s->ops = rig_xrealloc(s->ops, (s->n_ops + 1) * sizeof(*s->ops));
	*op = &s->ops[s->n_ops++];
	memset(*op, 0, sizeof(**op));
	(*op)->type = t;
	return 0;
}

static void set_payload(struct rig_wasi_op *op, const char *p, size_t n)
{
	free(op->payload);
	op->payload = rig_xmalloc(n + 1);
	memcpy(op->payload, p, n);
	op->payload[n] = '\0';
	op->payload_len = n;
}

static int get_args(const json_t *v, const struct where *w, const char *field, struct rig_strv *out,
		    struct rig_error *err)
{
	size_t i;
	json_t *a;

	if (!json_is_array(v))
		return bad(err, w, field, "an array of strings", v);
	json_array_foreach(v, i, a)
	{
		char f[64];
		if (!json_is_string(a)) {
			snprintf(f, sizeof(f), "%s[%zu]", field, i);
			return bad(err, w, f, "a string", a);
		}
		rig_strv_push(out, json_string_value(a));
	}
	return 0;
}

static int get_env(const json_t *v, const struct where *w, const char *field, struct rig_strv *out,
		   struct rig_error *err)
{
	const char *k;
	json_t *val;

	if (!json_is_object(v))
		return bad(err, w, field, "an object of NAME: \"value\"", v);
	json_object_foreach((json_t *)v, k, val)
	{
		char f[128];
		snprintf(f, sizeof(f), "%s.%.100s", field, k);
		if (!k[0] || strchr(k, '='))
			return rig_fail(err, RIG_ERR_PARSE,
					"%s: field '%s%s%s': an environment name must be non-empty "
					"and without '=', got \"%.60s\"",
					w->file, w->path, w->path[0] ? "." : "", field, k);
		if (!json_is_string(val))
			return bad(err, w, f, "a string", val);
		rig_strv_pushf(out, "%s=%s", k, json_string_value(val));
	}
	return 0;
}

/* root: relative to the test's directory, and inside it. */
static int get_root(const json_t *v, const struct where *w, const char *field, char **out,
		    struct rig_error *err)
{
	const char *r, *p;

	if (json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return bad(err, w, field, "a directory name or null", v);
	r = json_string_value(v);
	if (!r[0] || r[0] == '/')
		return bad(err, w, field, "a directory relative to the test's", v);
	for (p = r; *p;) {
		size_t n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return bad(err, w, field, "a directory inside the suite (no '..')", v);
		p += n;
		p += *p == '/';
	}
	*out = rig_xstrdup(r);
	return 0;
}

static int get_exit(const json_t *v, const struct where *w, const char *field, int *out,
		    struct rig_error *err)
{
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 255)
		return bad(err, w, field, "an exit code 0..255", v);
	*out = (int)json_integer_value(v);
	return 0;
}

static int get_string(const json_t *v, const struct where *w, const char *field, char *out,
		      size_t cap, struct rig_error *err)
{
	if (!json_is_string(v) || json_string_length(v) >= cap)
		return bad(err, w, field, "a short string", v);
	snprintf(out, cap, "%s", json_string_value(v));
	return 0;
}

static int add_read(struct rig_wasi_spec *s, const char *id, const json_t *v, const struct where *w,
		    const char *field, struct rig_error *err)
{
	struct rig_wasi_op *op;

	if (v && !json_is_string(v))
		return bad(err, w, field, "a string", v);
	ops_push(s, RIG_WASI_OP_READ, &op);
	snprintf(op->id, sizeof(op->id), "%s", id);
	if (v)
		set_payload(op, json_string_value(v), json_string_length(v));
	else
		set_payload(op, "", 0);
	return 0;
}

static int parse_legacy(const json_t *root, const char *file, struct rig_wasi_spec *s,
			struct rig_error *err)
{
	struct where w = {file, ""};
	struct rig_wasi_op *run, *wait;
	const char *k;
	json_t *v;
	int rc;

	json_object_foreach((json_t *)root, k, v)
	{
		if (strcmp(k, "args") && strcmp(k, "env") && strcmp(k, "root") &&
		    strcmp(k, "exit_code") && strcmp(k, "stdout") && strcmp(k, "stderr"))
			return rig_fail(err, RIG_ERR_PARSE,
					"%s: unknown field '%.60s' (legacy form: args, env, root, "
					"exit_code, stdout, stderr; or proposals, operations)",
					file, k);
	}
	s->legacy = 1;
	ops_push(s, RIG_WASI_OP_RUN, &run);
	if ((v = json_object_get(root, "args")) && (rc = get_args(v, &w, "args", &run->args, err)))
		return rc;
	if ((v = json_object_get(root, "env")) && (rc = get_env(v, &w, "env", &run->env, err)))
		return rc;
	if ((v = json_object_get(root, "root")) && (rc = get_root(v, &w, "root", &run->root, err)))
		return rc;
	/* A stream is checked only when the file names it: the suite's own
	 * tests rely on that (rust/stdio writes to stderr and gives no
	 * "stderr"; the runtimes' CI passes it), whatever the document's
	 * table of defaults says. */
	if ((v = json_object_get(root, "stdout")) &&
	    (rc = add_read(s, "stdout", v, &w, "stdout", err)))
		return rc;
	if ((v = json_object_get(root, "stderr")) &&
	    (rc = add_read(s, "stderr", v, &w, "stderr", err)))
		return rc;
	ops_push(s, RIG_WASI_OP_WAIT, &wait);
	if ((v = json_object_get(root, "exit_code")) &&
	    (rc = get_exit(v, &w, "exit_code", &wait->exit_code, err)))
		return rc;
	return 0;
}

/* Fields each operation type may have (besides "type"). */
static int op_field_ok(enum rig_wasi_op_type t, const char *k)
{
	static const char *const f[][4] = {
	    [RIG_WASI_OP_RUN] = {"args", "env", "root", NULL},
	    [RIG_WASI_OP_WAIT] = {"exit_code", NULL},
	    [RIG_WASI_OP_READ] = {"id", "payload", NULL},
	    [RIG_WASI_OP_CONNECT] = {"id", "protocol_type", NULL},
	    [RIG_WASI_OP_SEND] = {"id", "payload", NULL},
	    [RIG_WASI_OP_RECV] = {"id", "payload", NULL},
	};
	for (size_t i = 0; f[t][i]; i++)
		if (strcmp(f[t][i], k) == 0)
			return 1;
	return 0;
}

static int parse_op(const json_t *o, size_t idx, const char *file, struct rig_wasi_spec *s,
		    struct rig_error *err)
{
	static const char *const names[] = {"run", "wait", "read", "connect", "send", "recv"};
	struct where w = {file, ""};
	struct rig_wasi_op *op;
	const json_t *t = json_object_get(o, "type");
	const char *k;
	json_t *v;
	int type = -1, rc;

	snprintf(w.path, sizeof(w.path), "operations[%zu]", idx);
	if (!json_is_object(o))
		return rig_fail(err, RIG_ERR_PARSE,
				"%s: field 'operations[%zu]': expected an "
				"object, got %s",
				file, idx, type_name(o));
	if (!json_is_string(t))
		return bad(err, &w, "type", "one of run, wait, read, connect, send, recv", t);
	for (size_t i = 0; i < RIG_ARRAY_SIZE(names); i++)
		if (strcmp(json_string_value(t), names[i]) == 0)
			type = (int)i;
	if (type < 0)
		return bad(err, &w, "type", "one of run, wait, read, connect, send, recv", t);
	json_object_foreach((json_t *)o, k, v)
	{
		if (strcmp(k, "type") && !op_field_ok((enum rig_wasi_op_type)type, k))
			return rig_fail(err, RIG_ERR_PARSE,
					"%s: field 'operations[%zu]': unknown field '%.60s' for "
					"a %s operation",
					file, idx, k, names[type]);
	}
	ops_push(s, (enum rig_wasi_op_type)type, &op);
	switch (op->type) {
	case RIG_WASI_OP_RUN:
		if ((v = json_object_get(o, "args")) &&
		    (rc = get_args(v, &w, "args", &op->args, err)))
			return rc;
		if ((v = json_object_get(o, "env")) && (rc = get_env(v, &w, "env", &op->env, err)))
			return rc;
		if ((v = json_object_get(o, "root")) &&
		    (rc = get_root(v, &w, "root", &op->root, err)))
			return rc;
		break;
	case RIG_WASI_OP_WAIT:
		if ((v = json_object_get(o, "exit_code")) &&
		    (rc = get_exit(v, &w, "exit_code", &op->exit_code, err)))
			return rc;
		break;
	case RIG_WASI_OP_READ:
		snprintf(op->id, sizeof(op->id), "stdout");
		if ((v = json_object_get(o, "id")) &&
		    (rc = get_string(v, &w, "id", op->id, sizeof(op->id), err)))
			return rc;
		if (strcmp(op->id, "stdout") && strcmp(op->id, "stderr"))
			return bad(err, &w, "id", "stdout or stderr", v);
		break;
	case RIG_WASI_OP_CONNECT:
		snprintf(op->id, sizeof(op->id), "server");
		snprintf(op->protocol, sizeof(op->protocol), "tcp");
		if ((v = json_object_get(o, "id")) &&
		    (rc = get_string(v, &w, "id", op->id, sizeof(op->id), err)))
			return rc;
		if ((v = json_object_get(o, "protocol_type")) &&
		    (rc = get_string(v, &w, "protocol_type", op->protocol, sizeof(op->protocol),
				     err)))
			return rc;
		if (strcmp(op->protocol, "tcp") && strcmp(op->protocol, "udp") &&
		    strcmp(op->protocol, "http"))
			return bad(err, &w, "protocol_type", "tcp, udp or http", v);
		break;
	case RIG_WASI_OP_SEND:
	case RIG_WASI_OP_RECV:
		if ((rc = get_string(json_object_get(o, "id"), &w, "id", op->id, sizeof(op->id),
				     err)))
			return rc;
		break;
	}
	if (op->type == RIG_WASI_OP_READ || op->type == RIG_WASI_OP_SEND ||
	    op->type == RIG_WASI_OP_RECV) {
		v = json_object_get(o, "payload");
		if (v && !json_is_string(v))
			return bad(err, &w, "payload", "a string", v);
		if (v)
			set_payload(op, json_string_value(v), json_string_length(v));
		else
			set_payload(op, "", 0);
	}
	return 0;
}

/* The specification's validation rules 1-4. */
static int validate(const char *file, struct rig_wasi_spec *s, struct rig_error *err)
{
	static const char *const names[] = {"run", "wait", "read", "connect", "send", "recv"};
	struct rig_strv conns = {0};
	int running = 0, seen_run = 0, rc = 0;

	for (size_t i = 0; i < s->n_ops && !rc; i++) {
		struct rig_wasi_op *op = &s->ops[i];
		switch (op->type) {
		case RIG_WASI_OP_RUN:
			if (running)
				rc =
				    rig_fail(err, RIG_ERR_PARSE,
					     "%s: operations[%zu]: a run before the previous run's "
					     "wait (each run must be paired with a wait)",
					     file, i);
			running = seen_run = 1;
			break;
		case RIG_WASI_OP_WAIT:
			if (!running)
				rc = rig_fail(err, RIG_ERR_PARSE,
					      "%s: operations[%zu]: a wait without a run before it",
					      file, i);
			running = 0;
			break;
		default:
			if (!seen_run) {
				rc = rig_fail(err, RIG_ERR_PARSE,
					      "%s: operations[%zu]: a %s operation must come after "
					      "a run",
					      file, i, names[op->type]);
				break;
			}
			if (op->type == RIG_WASI_OP_CONNECT) {
				if (rig_strv_has(&conns, op->id))
					rc =
					    rig_fail(err, RIG_ERR_PARSE,
						     "%s: operations[%zu]: connection id \"%s\" is "
						     "already used by an earlier connect",
						     file, i, op->id);
				rig_strv_push(&conns, op->id);
			} else if ((op->type == RIG_WASI_OP_SEND || op->type == RIG_WASI_OP_RECV) &&
				   !rig_strv_has(&conns, op->id)) {
				rc =
				    rig_fail(err, RIG_ERR_PARSE,
					     "%s: operations[%zu]: %s on connection \"%s\" that no "
					     "earlier connect made",
					     file, i, names[op->type], op->id);
			}
			if (!rc && op->type != RIG_WASI_OP_READ && !s->unsupported[0])
				snprintf(s->unsupported, sizeof(s->unsupported),
					 "operation '%s' (a network peer) is not supported: rig "
					 "runs WASI preview 1, which has no sockets",
					 names[op->type]);
		}
	}
	if (!rc && running)
		rc = rig_fail(err, RIG_ERR_PARSE,
			      "%s: the last run has no wait (each run must be paired with a wait)",
			      file);
	rig_strv_free(&conns);
	return rc;
}

static int parse_ops_form(const json_t *root, const char *file, struct rig_wasi_spec *s,
			  struct rig_error *err)
{
	struct where w = {file, ""};
	const json_t *ops = json_object_get(root, "operations");
	const json_t *props = json_object_get(root, "proposals");
	const char *k;
	json_t *v;
	size_t i;
	int rc;

	json_object_foreach((json_t *)root, k, v)
	{
		if (strcmp(k, "operations") && strcmp(k, "proposals"))
			return rig_fail(err, RIG_ERR_PARSE,
					"%s: unknown field '%.60s' beside 'operations' (the "
					"operation-based form has proposals and operations only)",
					file, k);
	}
	if (props && (rc = get_args(props, &w, "proposals", &s->proposals, err)))
		return rc;
	for (i = 0; i < s->proposals.n; i++) {
		if (strcmp(s->proposals.v[i], "http") && strcmp(s->proposals.v[i], "sockets"))
			return rig_fail(err, RIG_ERR_PARSE,
					"%s: field 'proposals[%zu]': expected http or sockets, got "
					"\"%.60s\"",
					file, i, s->proposals.v[i]);
		if (!s->unsupported[0])
			snprintf(s->unsupported, sizeof(s->unsupported),
				 "needs the %s proposal: not supported (WASI preview 1 only)",
				 s->proposals.v[i]);
	}
	if (!ops) {
		struct rig_wasi_op *op;
		ops_push(s, RIG_WASI_OP_RUN, &op);
		ops_push(s, RIG_WASI_OP_WAIT, &op);
	} else if (!json_is_array(ops)) {
		return bad(err, &w, "operations", "an array of operations", ops);
	} else {
		json_array_foreach(ops, i, v)
		{
			if ((rc = parse_op(v, i, file, s, err)))
				return rc;
		}
	}
	if (s->n_ops == 0)
		return rig_fail(err, RIG_ERR_PARSE,
				"%s: field 'operations' is empty (at least a "
				"run and a wait)",
				file);
	return validate(file, s, err);
}

int rig_wasi_spec_parse(const char *name, const char *text, size_t len, struct rig_wasi_spec *out,
			struct rig_error *err)
{
	json_error_t je;
	json_t *root;
	int rc;

	memset(out, 0, sizeof(*out));
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return rig_fail(err, RIG_ERR_PARSE, "%s:%d:%d: %s", name, je.line, je.column,
				je.text);
	if (!json_is_object(root))
		rc = rig_fail(err, RIG_ERR_PARSE, "%s: expected a JSON object at the top, got %s",
			      name, type_name(root));
	else if (json_object_get(root, "operations") || json_object_get(root, "proposals"))
		rc = parse_ops_form(root, name, out, err);
	else
		rc = parse_legacy(root, name, out, err);
	json_decref(root);
	if (rc)
		rig_wasi_spec_free(out);
	return rc;
}

void rig_wasi_spec_default(struct rig_wasi_spec *out)
{
	struct rig_error e = {0};

	/* the legacy defaults: no arguments, no env, no root, exit 0 */
	if (rig_wasi_spec_parse("(default)", "{}", 2, out, &e))
		abort();
	out->is_default = 1;
}

int rig_wasi_spec_load(const char *path, struct rig_wasi_spec *out, struct rig_error *err)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!rig_file_exists(path))
		return rig_fail(err, RIG_ERR_NOT_FOUND, "%s: no such specification", path);
	if ((rc = rig_read_file(path, &text, &len, err)))
		return rc;
	rc = rig_wasi_spec_parse(path, text, len, out, err);
	free(text);
	return rc;
}

void rig_wasi_spec_free(struct rig_wasi_spec *s)
{
	for (size_t i = 0; i < s->n_ops; i++) {
		rig_strv_free(&s->ops[i].args);
		rig_strv_free(&s->ops[i].env);
		free(s->ops[i].root);
		free(s->ops[i].payload);
	}
	free(s->ops);
	rig_strv_free(&s->proposals);
	memset(s, 0, sizeof(*s));
}
