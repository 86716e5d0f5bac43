/* The WASI conformance executor: see wasitest.h. */
#include "wasitest.h"

#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "tree.h"
#include "wasi_cmdline.h"

static const char *const verdict_names[] = {
    [RIG_WASI_PASS] = "pass", [RIG_WASI_FAIL] = "fail",	  [RIG_WASI_TIMEOUT] = "timeout",
    [RIG_WASI_SKIP] = "skip", [RIG_WASI_ERROR] = "error",
};
_Static_assert(RIG_ARRAY_SIZE(verdict_names) == RIG_WASI_VERDICT_COUNT_,
	       "a name for every verdict");

const char *rig_wasi_verdict_name(enum rig_wasi_verdict v)
{
	return (unsigned)v < RIG_WASI_VERDICT_COUNT_ ? verdict_names[v] : "?";
}

int rig_wasi_verdict_parse(const char *name)
{
	for (int i = 0; i < RIG_WASI_VERDICT_COUNT_; i++)
		if (name && strcmp(name, verdict_names[i]) == 0)
			return i;
	return -1;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* ---- finding suites ---- */

static void suite_name(const char *dir, char *out, size_t cap)
{
	char path[PATH_MAX];
	json_t *root, *name;

	snprintf(out, cap, "%s", dir);
	if (rig_snprintf(path, sizeof(path), "%s/manifest.json", dir) || !rig_file_exists(path))
		return;
	root = json_load_file(path, 0, NULL);
	name = root ? json_object_get(root, "name") : NULL;
	if (json_is_string(name) && json_string_length(name) > 0)
		snprintf(out, cap, "%s", json_string_value(name));
	else
		rig_warn("%s: no \"name\" string: the suite is named by its directory", path);
	json_decref(root);
}

/* The first run of >= 7 hex digits after "at " in text. */
static int hex_after_at(const char *text, char *out, size_t cap)
{
	for (const char *p = strstr(text, " at "); p; p = strstr(p + 1, " at ")) {
		const char *h = p + 4;
		size_t n = 0;
		while (isxdigit((unsigned char)h[n]))
			n++;
		if (n >= 7 && n < cap && !isalnum((unsigned char)h[n])) {
			snprintf(out, cap, "%.*s", (int)n, h);
			return 1;
		}
	}
	return 0;
}

void rig_wasi_suite_commit(const char *dir, char *out, size_t cap)
{
	char *argv[] = {"git", "-C", (char *)dir, "rev-parse", "HEAD", NULL};
	struct rig_proc_result res = {0};
	char path[PATH_MAX], d[PATH_MAX];

	out[0] = '\0';
	if (rig_run_capture_split(argv, NULL, NULL, 10000, 4096, &res, NULL) == 0 && res.exited &&
	    res.status == 0 && strlen(res.out.data) >= 40) {
		snprintf(out, cap, "%.40s", res.out.data);
		rig_proc_result_free(&res);
		return;
	}
	rig_proc_result_free(&res);
	snprintf(d, sizeof(d), "%s", dir);
	for (int up = 0; up < 6 && d[0]; up++) {
		char *text = NULL, *slash;
		size_t len;
		if (!rig_snprintf(path, sizeof(path), "%s/README.md", d) &&
		    rig_read_file(path, &text, &len, NULL) == 0) {
			int ok = hex_after_at(text, out, cap);
			free(text);
			if (ok)
				return;
		}
		slash = strrchr(d, '/');
		if (!slash || slash == d)
			break;
		*slash = '\0';
	}
}

static void suite_init(struct rig_wasi_suite *s, const char *dir)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->dir, sizeof(s->dir), "%s", dir);
	suite_name(dir, s->name, sizeof(s->name));
	rig_wasi_suite_commit(dir, s->commit, sizeof(s->commit));
}

static void push_suite(struct rig_wasi_suite **v, size_t *n, const struct rig_wasi_suite *s)
{
	*v = rig_xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = *s;
}

static int find_in(const char *dir, int depth, struct rig_wasi_suite **v, size_t *n,
		   struct rig_error *err)
{
	struct rig_strv names = {0}, tests = {0};
	int rc;

	if ((rc = rig_tree_list(dir, &names, err)))
		return rc;
	for (size_t i = 0; i < names.n; i++)
		if (ends_with(names.v[i], ".wasm") && strlen(names.v[i]) > 5)
			rig_strv_pushf(&tests, "%.*s", (int)(strlen(names.v[i]) - 5), names.v[i]);
	if (tests.n) {
		struct rig_wasi_suite s;
		suite_init(&s, dir);
		s.tests = tests;
		push_suite(v, n, &s);
		rig_strv_free(&names);
		return 0;
	}
	for (size_t i = 0; i < names.n && !rc && depth < 8; i++) {
		char sub[PATH_MAX];
		if (names.v[i][0] == '.' || ends_with(names.v[i], ".dir") ||
		    ends_with(names.v[i], ".cleanup"))
			continue;
		if (rig_snprintf(sub, sizeof(sub), "%s/%s", dir, names.v[i]) || !is_dir(sub))
			continue;
		rc = find_in(sub, depth + 1, v, n, err);
	}
	rig_strv_free(&names);
	return rc;
}

int rig_wasi_suites_find(const char *path, struct rig_wasi_suite **v, size_t *n,
			 struct rig_error *err)
{
	size_t before = *n;
	int rc;

	if (ends_with(path, ".wasm") && rig_file_exists(path) && !is_dir(path)) {
		struct rig_wasi_suite s;
		const char *slash = strrchr(path, '/');
		const char *base = slash ? slash + 1 : path;
		char dir[PATH_MAX];

		snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) : 1,
			 slash ? path : ".");
		if (slash == path)
			snprintf(dir, sizeof(dir), "/");
		memset(&s, 0, sizeof(s));
		snprintf(s.dir, sizeof(s.dir), "%s", dir);
		snprintf(s.name, sizeof(s.name), "user");
		rig_strv_pushf(&s.tests, "%.*s", (int)(strlen(base) - 5), base);
		push_suite(v, n, &s);
		return 0;
	}
	if (!is_dir(path))
		return rig_fail(err, RIG_ERR_NOT_FOUND,
				"%s: not a directory of *.wasm tests nor a .wasm module", path);
	if ((rc = find_in(path, 0, v, n, err)))
		return rc;
	if (*n == before)
		return rig_fail(err, RIG_ERR_NOT_FOUND, "%s: no *.wasm test below it", path);
	return 0;
}

void rig_wasi_suites_free(struct rig_wasi_suite *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		rig_strv_free(&v[i].tests);
	free(v);
}

/* ---- comparing output ---- */

/* s[0..n) as a quoted, escaped string of at most ~100 characters. */
static void show(const char *s, size_t n, char *out, size_t cap)
{
	size_t k = 0;

	if (cap < 8) {
		out[0] = '\0';
		return;
	}
	out[k++] = '"';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (k + 10 >= cap) {
			k += (size_t)snprintf(out + k, cap - k, "...");
			break;
		}
		if (c == '\n')
			k += (size_t)snprintf(out + k, cap - k, "\\n");
		else if (c == '"' || c == '\\')
			k += (size_t)snprintf(out + k, cap - k, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			k += (size_t)snprintf(out + k, cap - k, "\\x%02x", c);
		else
			out[k++] = (char)c;
	}
	out[k++] = '"';
	out[k] = '\0';
}

/* Length of the line at s (up to and including its '\n'). */
static size_t line_len(const char *s, size_t left)
{
	const char *nl = memchr(s, '\n', left);
	return nl ? (size_t)(nl - s) + 1 : left;
}

int rig_wasitest_diff(const char *stream, const char *got, size_t got_len, const char *want,
		      size_t want_len, char *diff, size_t cap)
{
	size_t gi = 0, wi = 0;
	char a[160], b[160];

	diff[0] = '\0';
	if (got_len == want_len && memcmp(got, want, got_len) == 0)
		return 0;
	for (int line = 1;; line++) {
		size_t gl = gi < got_len ? line_len(got + gi, got_len - gi) : 0;
		size_t wl = wi < want_len ? line_len(want + wi, want_len - wi) : 0;

		if (gl == 0 && wl == 0)
			break; /* unreachable: the texts differ */
		if (gl == wl && memcmp(got + gi, want + wi, gl) == 0) {
			gi += gl;
			wi += wl;
			continue;
		}
		show(got + gi, gl, a, sizeof(a));
		show(want + wi, wl, b, sizeof(b));
		if (gl == 0)
			snprintf(diff, cap, "%s line %d: missing, expected %s", stream, line, b);
		else if (wl == 0)
			snprintf(diff, cap, "%s line %d: unexpected %s", stream, line, a);
		else
			snprintf(diff, cap, "%s line %d: got %s, expected %s", stream, line, a, b);
		return 1;
	}
	snprintf(diff, cap, "%s differs", stream);
	return 1;
}

/* ---- running one test ---- */

static void add_reason(struct rig_wasitest_result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void add_reason(struct rig_wasitest_result *r, const char *fmt, ...)
{
	size_t n = strlen(r->reason);
	va_list ap;

	if (n && n + 2 < sizeof(r->reason))
		n += (size_t)snprintf(r->reason + n, sizeof(r->reason) - n, "; ");
	if (n >= sizeof(r->reason))
		return;
	va_start(ap, fmt);
	vsnprintf(r->reason + n, sizeof(r->reason) - n, fmt, ap);
	va_end(ap);
}

/* The expectations of one run: the ops from its run to the next run. */
struct segment {
	const struct rig_wasi_op *run;
	int exit_code;
	int has_out, has_err;
	struct rig_buf out, err;
};

static size_t segment_at(const struct rig_wasi_spec *spec, size_t i, struct segment *sg)
{
	memset(sg, 0, sizeof(*sg));
	sg->run = &spec->ops[i++];
	for (; i < spec->n_ops && spec->ops[i].type != RIG_WASI_OP_RUN; i++) {
		const struct rig_wasi_op *op = &spec->ops[i];
		if (op->type == RIG_WASI_OP_WAIT)
			sg->exit_code = op->exit_code;
		else if (op->type == RIG_WASI_OP_READ && strcmp(op->id, "stderr") == 0) {
			sg->has_err = 1;
			rig_buf_append(&sg->err, op->payload, op->payload_len);
		} else if (op->type == RIG_WASI_OP_READ) {
			sg->has_out = 1;
			rig_buf_append(&sg->out, op->payload, op->payload_len);
		}
	}
	if (!sg->out.data)
		rig_buf_append(&sg->out, "", 0);
	if (!sg->err.data)
		rig_buf_append(&sg->err, "", 0);
	return i;
}

/* Makes work/root a fresh copy of dir/root (once per root per test). */
static int fresh_root(const char *dir, const char *root, const char *work, char *copied, size_t cap,
		      char *host, size_t hcap, struct rig_error *err)
{
	char src[PATH_MAX];
	int rc;

	/* a suite's root is relative to the test's directory; a user's
	 * (--root) may be absolute */
	if (rig_snprintf(host, hcap, "%s/root", work) ||
	    (root[0] == '/' ? rig_snprintf(src, sizeof(src), "%s", root)
			    : rig_snprintf(src, sizeof(src), "%s/%s", dir, root)))
		return rig_fail(err, RIG_ERR_IO, "%s/%s: path too long", dir, root);
	if (strcmp(copied, root) == 0)
		return 0;
	if (!is_dir(src))
		return rig_fail(err, RIG_ERR_NOT_FOUND,
				"the specification's root \"%s\" is not a directory (%s)", root,
				src);
	if ((rc = rig_tree_remove(host, err)) || (rc = rig_tree_copy(src, host, err)))
		return rc;
	snprintf(copied, cap, "%s", root);
	return 0;
}

static void keep_text(char **dst, const struct rig_buf *b)
{
	free(*dst);
	*dst = rig_xstrdup(b->data ? b->data : "");
}

/* The first lines of what the runtime printed, for a run that exited
 * wrongly: a panic message or a trap says why. */
static void stderr_excerpt(struct rig_wasitest_result *r, const char *text, size_t len)
{
	char shown[240];
	size_t n = 0;

	while (len && (*text == '\n' || *text == '\r')) {
		text++;
		len--;
	}
	for (int lines = 0; n < len && lines < 2; lines++)
		n += line_len(text + n, len - n);
	show(text, n, shown, sizeof(shown));
	add_reason(r, "stderr: %s", shown);
}

/* Runs one segment; returns 0 to go on, 1 when the verdict is settled. */
static int run_segment(struct rig_board *b, const char *dir, const char *wasm, const char *work,
		       const struct segment *sg, const struct rig_wasitest_opts *o, char *copied,
		       size_t ccap, struct rig_wasitest_result *r)
{
	struct rig_wasi_dir pre = {"/", NULL};
	char host[PATH_MAX];
	struct rig_strv av = {0};
	struct rig_proc_result res = {0};
	struct rig_error e = {0};
	char diff[512];
	int rc, settled = 0;

	if (sg->run->root) {
		if ((rc = fresh_root(dir, sg->run->root, work, copied, ccap, host, sizeof(host),
				     &e))) {
			r->verdict = RIG_WASI_ERROR;
			add_reason(r, "cannot prepare the root: %s", e.msg);
			return 1;
		}
		pre.host = host;
	}
	struct rig_wasi_call call = {
	    .module = wasm,
	    .args = sg->run->args.v,
	    .n_args = sg->run->args.n,
	    .env = sg->run->env.v,
	    .n_env = sg->run->env.n,
	    .dirs = &pre,
	    .n_dirs = pre.host ? 1 : 0,
	};
	if ((rc = rig_wasi_cmdline(b, &call, &av, &e))) {
		/* an ahead-of-time compiler that rejects a valid test module is the
		 * runtime failing it */
		r->verdict = rc == RIG_ERR_SKIPPED ? RIG_WASI_FAIL : RIG_WASI_ERROR;
		add_reason(r, "%s", e.msg);
		rig_strv_free(&av);
		return 1;
	}
	{
		char *q = rig_strv_join_quoted(&av);
		snprintf(r->argv, sizeof(r->argv), "%s", q);
		free(q);
	}
	rig_dbg("%s: %s", b->name, r->argv);
	rc = rig_run_capture_split(av.v, work, NULL, (int)o->timeout_ms,
				   o->max_output_bytes ? o->max_output_bytes : 1 << 20, &res, &e);
	rig_strv_free(&av);
	if (rc) {
		r->verdict = RIG_WASI_ERROR;
		add_reason(r, "the runtime did not start: %s", e.msg);
		rig_proc_result_free(&res);
		return 1;
	}
	r->wall_ns += res.wall_ns;
	r->exit_status = res.exited ? res.status : 128 + res.status;
	keep_text(&r->out_text, &res.out);
	keep_text(&r->err_text, &res.err);
	if (res.timed_out) {
		r->verdict = RIG_WASI_TIMEOUT;
		add_reason(r, "no exit within %lld ms (killed)", o->timeout_ms);
		settled = 1;
	} else {
		if (!res.exited)
			add_reason(r, "the runtime was killed by signal %d, expected exit code %d",
				   res.status, sg->exit_code);
		else if (res.status != sg->exit_code)
			add_reason(r, "exit code %d, expected %d", res.status, sg->exit_code);
		if ((!res.exited || res.status != sg->exit_code) && res.err.len)
			stderr_excerpt(r, res.err.data, res.err.len);
		if (res.truncated)
			add_reason(r, "more than %zu bytes of output",
				   o->max_output_bytes ? o->max_output_bytes : (size_t)1 << 20);
		if (sg->has_out &&
		    rig_wasitest_diff("stdout", res.out.data, res.out.len, sg->out.data,
				      sg->out.len, diff, sizeof(diff))) {
			add_reason(r, "stdout differs");
			if (!r->first_diff[0])
				snprintf(r->first_diff, sizeof(r->first_diff), "%s", diff);
		}
		if (sg->has_err &&
		    rig_wasitest_diff("stderr", res.err.data, res.err.len, sg->err.data,
				      sg->err.len, diff, sizeof(diff))) {
			add_reason(r, "stderr differs");
			if (!r->first_diff[0])
				snprintf(r->first_diff, sizeof(r->first_diff), "%s", diff);
		}
		if (r->reason[0]) {
			r->verdict = RIG_WASI_FAIL;
			settled = 1;
		}
	}
	rig_proc_result_free(&res);
	return settled;
}

/* Anything in work/ besides root/ was written outside the guest's root. */
static void check_escapes(const char *work, struct rig_wasitest_result *r)
{
	struct rig_strv names = {0};
	struct rig_error e = {0};
	char list[200] = "";
	size_t n = 0, found = 0;

	if (rig_tree_list(work, &names, &e))
		return;
	for (size_t i = 0; i < names.n; i++) {
		if (strcmp(names.v[i], "root") == 0)
			continue;
		found++;
		if (n < sizeof(list))
			n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s", n ? ", " : "",
					      names.v[i]);
	}
	if (found) {
		if (r->verdict == RIG_WASI_PASS)
			r->verdict = RIG_WASI_FAIL;
		add_reason(r, "wrote outside its root: %s (in %s)", list, work);
	}
	rig_strv_free(&names);
}

int rig_wasitest_run(struct rig_board *b, const char *dir, const char *name,
		     const struct rig_wasi_spec *spec, const struct rig_wasitest_opts *o,
		     struct rig_wasitest_result *out, struct rig_error *err)
{
	char work[PATH_MAX], wasm[PATH_MAX], copied[PATH_MAX] = "";
	int rc;

	memset(out, 0, sizeof(*out));
	out->verdict = RIG_WASI_PASS;
	if (spec->unsupported[0]) {
		out->verdict = RIG_WASI_SKIP;
		add_reason(out, "%s", spec->unsupported);
		return 0;
	}
	if (rig_snprintf(work, sizeof(work), "%s/%s", o->work_dir, name) ||
	    rig_snprintf(wasm, sizeof(wasm), "%s/%s.wasm", dir, name))
		return rig_fail(err, RIG_ERR_IO, "%s/%s: path too long", o->work_dir, name);
	if ((rc = rig_tree_remove(work, err)))
		return rc;
	if (mkdir(work, 0755))
		return rig_fail(err, RIG_ERR_IO, "%s: %s", work, strerror(errno));
	for (size_t i = 0; i < spec->n_ops;) {
		struct segment sg;
		int settled;

		if (spec->ops[i].type != RIG_WASI_OP_RUN) {
			i++;
			continue;
		}
		i = segment_at(spec, i, &sg);
		settled = run_segment(b, dir, wasm, work, &sg, o, copied, sizeof(copied), out);
		rig_buf_free(&sg.out);
		rig_buf_free(&sg.err);
		if (settled)
			break;
	}
	check_escapes(work, out);
	if (out->verdict == RIG_WASI_PASS || !o->keep_failed) {
		struct rig_error e = {0};
		if (rig_tree_remove(work, &e))
			rig_warn("%s", e.msg);
	}
	return 0;
}

void rig_wasitest_result_free(struct rig_wasitest_result *r)
{
	free(r->out_text);
	free(r->err_text);
	r->out_text = r->err_text = NULL;
}
