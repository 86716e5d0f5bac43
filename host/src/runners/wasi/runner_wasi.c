/*
 * Runner wasi: a WebAssembly runtime on this machine runs the module as a
 * local process, measured like a host program (rig_measure_exec: startup to
 * the ready line, wall, wait4 peak RSS and CPU of the runtime process).
 * What rig knows of each runtime (names, versions, the floor module) is in
 * wasi_runtime.c. Board file section (`runner: {kind: wasi, ...}`, or the
 * wasi board's `wasi:`):
 *
 *   wasi:
 *     runtime: node        # node | wasmtime | wamr | iwasm | wasmer | wazero
 *     command: node        # the runtime's executable (default: its usual name)
 *     compiler: wamrc      # AOT compiler for runtimes that need one (wamr)
 *     compile_args: [-O0]  # extra arguments for the compile step
 *     precompile: false    # compile ahead (wasmtime compile, wamrc) in prepare;
 *                          # startup then excludes compilation, compile_ns has it
 *     compile_cache: false # wasmtime: keep its on-disk compile cache (default
 *                          # off: -C cache=n, so startup includes compiling)
 *     profile: node20      # boards/wasm-profiles/P.yaml: modules it cannot load
 *                          # are skipped with the reason
 *     env: [K=V]           # the module's environment (nothing is inherited)
 *     preopen: true        # a scratch directory preopened as guest_dir
 *     guest_dir: /work
 *     floor: true          # measure the floor module in open()
 *     floor_samples: 5
 *     skip_workloads:      # workloads that need what WASI preview 1 lacks
 *       http: "no sockets in WASI preview 1"
 *
 * The floor: wasm-runner/floor/floor.wasm prints the ready and done lines
 * and nothing else. open() runs it floor_samples times; its medians go into
 * the board facts (board.wasi.floor.*) and every sample gets
 * startup_above_floor_ns, wall_above_floor_ns and peak_rss_above_floor_kib
 * beside the totals, so a module's own cost shows apart from the runtime's.
 *
 * Per-sample metrics besides the host ones: compile_ns and instantiate_ns
 * (Node: timed by our driver wasm-runner/node/run.mjs; precompiling
 * runtimes: the compile step), runtime_boot_ns (Node: process start to the
 * driver's first line), linear_memory_bytes (Node: the exported memory at
 * the end), module_code_bytes/module_data_bytes/module_custom_bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "board.h"
#include "log.h"
#include "measure.h"
#include "paths.h"
#include "toolchain.h"
#include "wasi_cmdline.h"
#include "wasi_runtime.h"
#include "wasi_serve.h"
#include "wasm_module.h"
#include "wasm_profile.h"

const char *rig_wasi_source_dir(void)
{
	return rig_data_dir();
}

static int load_skips(struct rig_board *b, const struct rig_cfg *cfg, struct rig_cfg_node *sec,
		      struct wasi_priv *wp, struct rig_error *err)
{
	struct rig_cfg_node *sk = rig_cfg_get(cfg, sec, "skip_workloads");
	size_t n = sk ? rig_cfg_map_len(sk) : 0;

	if (sk && n == 0 && rig_cfg_seq_len(sk) > 0)
		return rig_fail(
		    err, RIG_ERR_PARSE,
		    "%s:%d: field 'wasi/skip_workloads': expected a mapping of workload -> reason",
		    b->file, rig_cfg_line(sk));
	for (size_t i = 0; i < n; i++) {
		struct rig_cfg_node *val;
		const char *wl = rig_cfg_map_key(sk, i, &val);
		char why[200];
		int rc;

		if (!wl || (rc = rig_cfg_str(cfg, sk, wl, 1, NULL, why, sizeof(why), err)))
			return wl ? rc
				  : rig_fail(err, RIG_ERR_PARSE,
					     "%s:%d: field 'wasi/skip_workloads': bad key", b->file,
					     rig_cfg_line(sk));
		rig_kv_set(&wp->skip_workloads, wl, why);
	}
	return 0;
}

static int wasi_configure(struct rig_board *b, const struct rig_cfg *cfg,
			  struct rig_cfg_node *sec, struct rig_error *err)
{
	static const char *const keys[] = {"runtime",	     "command",
					   "compiler",	     "precompile",
					   "profile",	     "env",
					   "preopen",	     "guest_dir",
					   "floor",	     "floor_samples",
					   "skip_workloads", "compile_cache",
					   "compile_args",   NULL};
	static const char *const names[] = {"node",   "wasmtime", "wamr", "iwasm",
					    "wasmer", "wazero",	  NULL};
	struct wasi_priv *wp = rig_xcalloc(1, sizeof(*wp));
	int rc;

	b->runner.priv = wp;
	if (!sec)
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:%d: field 'wasi' is required for kind wasi (at least wasi: "
				"{runtime: node})",
				b->file, rig_cfg_line(rig_cfg_root(cfg)));
	if ((rc = rig_part_known_keys(cfg, sec, keys, err)) ||
	    (rc = rig_cfg_enum(cfg, sec, "runtime", 1, names, 0, &wp->rt, err)))
		return rc;
	if ((rc = rig_cfg_str(cfg, sec, "command", 0, rig_wasi_runtimes[wp->rt].exe, wp->exe,
			      sizeof(wp->exe), err)) ||
	    (rc = rig_cfg_str(cfg, sec, "compiler", 0,
			      rig_wasi_runtimes[wp->rt].compiler ? rig_wasi_runtimes[wp->rt].compiler : "",
			      wp->compiler_exe, sizeof(wp->compiler_exe), err)) ||
	    (rc = rig_cfg_bool(cfg, sec, "precompile", 0, rig_wasi_runtimes[wp->rt].needs_precompile,
			       &wp->precompile, err)) ||
	    (rc = rig_cfg_str(cfg, sec, "profile", 0, "", wp->profile_name,
			      sizeof(wp->profile_name), err)) ||
	    (rc = rig_cfg_strv(cfg, sec, "env", 0, &wp->env, err)) ||
	    (rc = rig_cfg_strv(cfg, sec, "compile_args", 0, &wp->compile_args, err)) ||
	    (rc = rig_cfg_bool(cfg, sec, "preopen", 0, 1, &wp->preopen, err)) ||
	    (rc = rig_cfg_str(cfg, sec, "guest_dir", 0, "/work", wp->guest_dir,
			      sizeof(wp->guest_dir), err)) ||
	    (rc = rig_cfg_bool(cfg, sec, "floor", 0, 1, &wp->floor, err)) ||
	    (rc = rig_cfg_bool(cfg, sec, "compile_cache", 0, 0, &wp->compile_cache, err)) ||
	    (rc = rig_cfg_int(cfg, sec, "floor_samples", 0, 5, 1, 1000, &wp->floor_samples, err)))
		return rc;
	if (wp->precompile && !rig_wasi_runtimes[wp->rt].can_precompile)
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:%d: field 'wasi/precompile': runtime %s has no separate "
				"compile step rig knows",
				b->file, rig_cfg_line(rig_cfg_get(cfg, sec, "precompile")),
				rig_wasi_runtimes[wp->rt].name);
	if (!wp->precompile && rig_wasi_runtimes[wp->rt].needs_precompile)
		return rig_fail(
		    err, RIG_ERR_PARSE,
		    "%s:%d: field 'wasi/precompile': runtime %s only runs precompiled modules",
		    b->file, rig_cfg_line(rig_cfg_get(cfg, sec, "precompile")),
		    rig_wasi_runtimes[wp->rt].name);
	if ((rc = load_skips(b, cfg, sec, wp, err)))
		return rc;
	for (size_t i = 0; i < wp->env.n; i++)
		if (!strchr(wp->env.v[i], '=') || wp->env.v[i][0] == '=')
			return rig_fail(
			    err, RIG_ERR_PARSE, "%s:%d: field 'wasi/env': expected K=V, got \"%s\"",
			    b->file, rig_cfg_line(rig_cfg_get(cfg, sec, "env")), wp->env.v[i]);
	if (wp->guest_dir[0] != '/')
		return rig_fail(
		    err, RIG_ERR_PARSE,
		    "%s:%d: field 'wasi/guest_dir': expected an absolute guest path, got \"%s\"",
		    b->file, rig_cfg_line(rig_cfg_get(cfg, sec, "guest_dir")), wp->guest_dir);
	/* Load the profile now: a typo in it is a board-file error. */
	if (wp->profile_name[0]) {
		char dir[PATH_MAX];
		const char *slash = strrchr(b->file, '/');
		snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - b->file) : 1,
			 slash ? b->file : ".");
		if ((rc = rig_wasm_profile_load(wp->profile_name, dir, &wp->profile, err)))
			return rc;
	}
	return 0;
}

/* 1 when path is a script ("#!"), not a native executable. */
static int make_scratch(struct rig_board *b, struct wasi_priv *wp, struct rig_error *err)
{
	int rc;

	if (b->workdir[0]) {
		snprintf(wp->scratch, sizeof(wp->scratch), "%s/wasi", b->workdir);
	} else {
		char tmpl[] = "/tmp/rig-wasi-XXXXXX";
		if (!mkdtemp(tmpl))
			return rig_fail(err, RIG_ERR_IO,
					"board %s: cannot create a scratch directory in /tmp",
					b->name);
		snprintf(wp->scratch, sizeof(wp->scratch), "%s", tmpl);
		wp->scratch_is_tmp = 1;
	}
	snprintf(wp->preopen_dir, sizeof(wp->preopen_dir), "%s/preopen", wp->scratch);
	if ((rc = rig_mkdirs(wp->preopen_dir, err)))
		return rc;
	return 0;
}

/* Node >= 20: node:wasi without a flag and WASI.getImportObject(). */
static int wasi_open(struct rig_board *b, struct rig_error *err)
{
	struct wasi_priv *wp = b->runner.priv;
	const struct rt_desc *rd = &rig_wasi_runtimes[wp->rt];
	char found[PATH_MAX];
	int rc;

	if (!rig_which(wp->exe, found, sizeof(found)))
		return rig_fail(err, RIG_ERR_SKIPPED,
				"board %s: runtime %s is not installed (%s not found; %s)", b->name,
				rd->name, wp->exe, rd->install);
	snprintf(wp->exe, sizeof(wp->exe), "%s", found);
	rig_wasi_resolve_wrapper(wp->exe, sizeof(wp->exe), wp->exe_wrapper, sizeof(wp->exe_wrapper));
	if (!rig_wasi_first_line(wp->exe, rd->version_arg, wp->version, sizeof(wp->version)))
		return rig_fail(err, RIG_ERR_SKIPPED,
				"board %s: `%s %s` failed: the %s install is broken (%s)", b->name,
				wp->exe, rd->version_arg, rd->name, rd->install);
	if (wp->precompile && wp->compiler_exe[0]) {
		if (!rig_which(wp->compiler_exe, found, sizeof(found)))
			return rig_fail(
			    err, RIG_ERR_SKIPPED,
			    "board %s: the AOT compiler %s for %s is not installed (%s)", b->name,
			    wp->compiler_exe, rd->name, rd->install);
		snprintf(wp->compiler_exe, sizeof(wp->compiler_exe), "%s", found);
		rig_wasi_resolve_wrapper(wp->compiler_exe, sizeof(wp->compiler_exe), wp->compiler_wrapper,
				sizeof(wp->compiler_wrapper));
		rig_wasi_first_line(wp->compiler_exe, "version", wp->compiler_version,
			   sizeof(wp->compiler_version));
	}
	if (wp->rt == RT_NODE && (rc = rig_wasi_check_node(b, wp, err)))
		return rc;
	if ((rc = make_scratch(b, wp, err)))
		return rc;
	if (wp->floor && (rc = rig_wasi_measure_floor(b, wp, err)))
		return rc;
	return 0;
}

static int wasi_facts(struct rig_board *b, struct rig_kvlist *facts, struct rig_error *err)
{
	struct wasi_priv *wp = b->runner.priv;

	rig_kv_set(facts, "board.wasi.runtime", rig_wasi_runtimes[wp->rt].name);
	rig_kv_set(facts, "board.wasi.runtime_version", wp->version);
	rig_kv_set(facts, "board.wasi.runtime_path", wp->exe);
	if (wp->exe_wrapper[0])
		rig_kv_set(facts, "board.wasi.runtime_wrapper", wp->exe_wrapper);
	if (wp->precompile && wp->compiler_exe[0]) {
		rig_kv_set(facts, "board.wasi.compiler_path", wp->compiler_exe);
		rig_kv_set(facts, "board.wasi.compiler_version", wp->compiler_version);
	}
	rig_kv_set(facts, "board.wasi.precompile", wp->precompile ? "yes" : "no");
	if (wp->compile_args.n) {
		char *j = rig_strv_join_quoted(&wp->compile_args);
		rig_kv_set(facts, "board.wasi.compile_args", j);
		free(j);
	}
	if (wp->profile)
		rig_kv_set(facts, "board.wasi.profile", wp->profile->name);
	if (wp->fl.have) {
		rig_kv_setf(facts, "board.wasi.floor.startup_ns", "%.0f", wp->fl.startup_ns);
		rig_kv_setf(facts, "board.wasi.floor.wall_ns", "%.0f", wp->fl.wall_ns);
		rig_kv_setf(facts, "board.wasi.floor.peak_rss_kib", "%.0f", wp->fl.peak_rss_kib);
		rig_kv_setf(facts, "board.wasi.floor.samples", "%lld", wp->fl.samples);
	}
	return 0;
}

/* A module this runtime cannot load is skipped with the profile's reasons. */
static int wasi_supports(struct rig_board *b, const struct rig_artifact *a, struct rig_error *err)
{
	struct wasi_priv *wp = b->runner.priv;
	struct rig_wasm_module *m;
	struct rig_error e = {0};
	struct rig_wasm_check c;
	char why[400];
	const char *reason = a->workload[0] ? rig_kv_get(&wp->skip_workloads, a->workload) : NULL;
	int rc = 0;

	if (reason)
		return rig_fail(err, RIG_ERR_SKIPPED, "workload %s cannot run under WASI on %s: %s",
				a->workload, b->name, reason);
	if (rig_wasm_load(a->path, &m, &e))
		return rig_fail(err, RIG_ERR_SKIPPED, "%s is not a loadable WebAssembly module: %s",
				a->path, e.msg);
	if (wp->profile) {
		rig_wasm_check(m, wp->profile, &c);
		if (c.problems)
			rc = rig_fail(err, RIG_ERR_SKIPPED, "runtime profile %s cannot load it: %s",
				      wp->profile->name,
				      rig_wasm_check_summary(&c, why, sizeof(why)));
		rig_wasm_check_free(&c);
	}
	rig_wasm_free(m);
	return rc;
}

/* gc's GOOS=js modules need the wasm_exec.js of the Go that built them:
 * $(go env GOROOT)/lib/wasm (Go >= 1.24). */
int rig_wasi_prepare_module(struct rig_board *b, const char *path, struct rig_error *err)
{
	struct wasi_priv *wp = b->runner.priv;
	struct rig_wasm_module *m;
	struct rig_proc_result res = {0};
	const char *base;
	int rc;

	if (strcmp(wp->prepared_src, path) == 0)
		return 0;
	if ((rc = rig_wasm_load(path, &m, err)))
		return rc == RIG_ERR_PARSE ? RIG_ERR_SKIPPED : rc;
	wp->code_bytes = m->code_bytes;
	wp->data_bytes = m->data_bytes;
	wp->custom_bytes = m->custom_bytes;
	wp->needs_gojs = 0;
	for (size_t i = 0; i < m->n_imports; i++)
		if (strcmp(m->imports[i].module, "gojs") == 0)
			wp->needs_gojs = 1;
	rig_wasm_free(m);
	wp->compile_ns = 0;
	if (wp->needs_gojs && wp->rt == RT_NODE && (rc = rig_wasi_find_wasm_exec(wp, path, err)))
		return rc;
	if (!wp->precompile) {
		snprintf(wp->run_path, sizeof(wp->run_path), "%s", path);
		snprintf(wp->prepared_src, sizeof(wp->prepared_src), "%s", path);
		return 0;
	}
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	snprintf(wp->run_path, sizeof(wp->run_path), "%s/%.*s.cwasm", wp->scratch,
		 (int)strcspn(base, "."), base);
	{
		struct rig_strv av = {0};
		rig_strv_push(&av, wp->rt == RT_WASMTIME ? wp->exe : wp->compiler_exe);
		rig_strv_push(&av, "compile");
		for (size_t i = 0; i < wp->compile_args.n; i++)
			rig_strv_push(&av, wp->compile_args.v[i]);
		rig_strv_push(&av, path);
		rig_strv_push(&av, "-o");
		rig_strv_push(&av, wp->run_path);
		rc = rig_run_capture(av.v, NULL, NULL, 600000, &res, err);
		rig_strv_free(&av);
	}
	if (rc) {
		rig_proc_result_free(&res);
		return rc;
	}
	if (!res.exited || res.status != 0) {
		rc = rig_fail(err, RIG_ERR_SKIPPED,
			      "%s: ahead-of-time compile failed (exit %d): %.300s", path,
			      res.status, res.out.data ? res.out.data : "");
		rig_proc_result_free(&res);
		return rc;
	}
	wp->compile_ns = (double)res.wall_ns;
	rig_proc_result_free(&res);
	snprintf(wp->prepared_src, sizeof(wp->prepared_src), "%s", path);
	return 0;
}

static int wasi_prepare(struct rig_board *b, const struct rig_artifact *a, struct rig_error *err)
{
	return rig_wasi_prepare_module(b, a->path, err);
}

/* The runtime's command line: the same module arguments, environment and
 * preopened directories whatever the runtime spells them as. metrics: where
 * the Node driver writes its timings, or NULL. */
static void build_argv(struct wasi_priv *wp, const struct rig_wasi_call *c, const char *metrics,
		       struct rig_strv *av)
{
	/* The PyPI wamr (3.0.0-dev) hands its own process environment to the
	 * guest besides --env: the guest must see only the env given (the
	 * board file's contract; the WASI test suite's environ_sizes_get-no-
	 * variables checks it), so it starts from an empty one. */
	if (wp->rt == RT_WAMR) {
		rig_strv_push(av, "env");
		rig_strv_push(av, "-i");
	}
	rig_strv_push(av, wp->exe);
	switch (wp->rt) {
	case RT_NODE:
		rig_strv_push(av, "--no-warnings");
		rig_strv_push(av, wp->driver);
		if (metrics) {
			rig_strv_push(av, "--metrics");
			rig_strv_push(av, metrics);
		}
		for (size_t i = 0; i < c->n_dirs; i++) {
			rig_strv_push(av, "--dir");
			rig_strv_pushf(av, "%s:%s", c->dirs[i].host, c->dirs[i].guest);
		}
		for (size_t i = 0; i < c->n_env; i++) {
			rig_strv_push(av, "--env");
			rig_strv_push(av, c->env[i]);
		}
		if (wp->needs_gojs) {
			rig_strv_push(av, "--wasm-exec");
			rig_strv_push(av, wp->wasm_exec);
		}
		rig_strv_push(av, "--");
		break;
	case RT_WASMTIME:
		rig_strv_push(av, "run");
		if (!wp->compile_cache && !wp->precompile) {
			/* wasmtime caches compiled code in ~/.cache/wasmtime: after
			 * the warm-up every "JIT" start would be a cache load */
			rig_strv_push(av, "-C");
			rig_strv_push(av, "cache=n");
		}
		for (size_t i = 0; i < c->n_dirs; i++) {
			rig_strv_push(av, "--dir");
			rig_strv_pushf(av, "%s::%s", c->dirs[i].host, c->dirs[i].guest);
		}
		for (size_t i = 0; i < c->n_env; i++) {
			rig_strv_push(av, "--env");
			rig_strv_push(av, c->env[i]);
		}
		if (wp->precompile)
			rig_strv_push(av, "--allow-precompiled");
		break;
	case RT_WAMR:
		rig_strv_push(av, "run");
		for (size_t i = 0; i < c->n_dirs; i++) {
			rig_strv_push(av, "--map-dir");
			rig_strv_pushf(av, "%s::%s", c->dirs[i].host, c->dirs[i].guest);
		}
		for (size_t i = 0; i < c->n_env; i++) {
			rig_strv_push(av, "--env");
			rig_strv_push(av, c->env[i]);
		}
		break;
	case RT_IWASM:
		/* iwasm's --map-dir is GUEST::HOST, the other way round */
		for (size_t i = 0; i < c->n_dirs; i++)
			rig_strv_pushf(av, "--map-dir=%s::%s", c->dirs[i].guest, c->dirs[i].host);
		for (size_t i = 0; i < c->n_env; i++)
			rig_strv_pushf(av, "--env=%s", c->env[i]);
		break;
	case RT_WASMER:
		rig_strv_push(av, "run");
		for (size_t i = 0; i < c->n_dirs; i++) {
			rig_strv_push(av, "--mapdir");
			rig_strv_pushf(av, "%s:%s", c->dirs[i].guest, c->dirs[i].host);
		}
		for (size_t i = 0; i < c->n_env; i++) {
			rig_strv_push(av, "--env");
			rig_strv_push(av, c->env[i]);
		}
		break;
	case RT_WAZERO:
		rig_strv_push(av, "run");
		for (size_t i = 0; i < c->n_dirs; i++)
			rig_strv_pushf(av, "-mount=%s:%s", c->dirs[i].host, c->dirs[i].guest);
		for (size_t i = 0; i < c->n_env; i++)
			rig_strv_pushf(av, "-env=%s", c->env[i]);
		if (c->listen)
			rig_strv_pushf(av, "-listen=%s", c->listen);
		break;
	}
	rig_strv_push(av, c->module);
	if (wp->rt == RT_WASMER)
		rig_strv_push(av, "--");
	for (size_t i = 0; i < c->n_args; i++)
		rig_strv_push(av, c->args[i]);
}

int rig_wasi_is_board(const struct rig_board *b) { return b && b->runner.ops == &rig_runner_wasi_ops; }

int rig_wasi_cmdline(struct rig_board *b, const struct rig_wasi_call *call, struct rig_strv *av,
		     struct rig_error *err)
{
	struct wasi_priv *wp;
	struct rig_wasi_call c;
	int rc;

	if (!rig_wasi_is_board(b) || !b->runner.priv)
		return rig_fail(err, RIG_ERR_INVALID, "board %s is not a WASI board (kind wasi)",
				b ? b->name : "(none)");
	wp = b->runner.priv;
	for (size_t i = 0; i < call->n_env; i++) {
		const char *eq = strchr(call->env[i], '=');
		if (!eq || eq == call->env[i])
			return rig_fail(err, RIG_ERR_INVALID,
					"board %s: environment entry \"%s\" is not K=V", b->name,
					call->env[i]);
	}
	for (size_t i = 0; i < call->n_dirs; i++)
		if (call->dirs[i].guest[0] != '/')
			return rig_fail(err, RIG_ERR_INVALID,
					"board %s: guest directory \"%s\" is not absolute", b->name,
					call->dirs[i].guest);
	if ((rc = rig_wasi_prepare_module(b, call->module, err)))
		return rc;
	c = *call;
	c.module = wp->run_path;
	build_argv(wp, &c, NULL, av);
	return 0;
}

/* "name value" lines written by run.mjs. */
static void read_driver_metrics(const char *path, struct rig_sample *out)
{
	static const struct {
		const char *key, *metric, *unit;
	} map[] = {
	    {"compile_ns", "compile_ns", "ns"},
	    {"instantiate_ns", "instantiate_ns", "ns"},
	    {"node_boot_ns", "runtime_boot_ns", "ns"},
	    {"linear_memory_bytes", "linear_memory_bytes", "bytes"},
	};
	char *text = NULL, *line, *save = NULL;
	size_t len;

	if (rig_read_file(path, &text, &len, NULL))
		return;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char key[64];
		double v;
		if (sscanf(line, "%63s %lf", key, &v) != 2)
			continue;
		for (size_t i = 0; i < RIG_ARRAY_SIZE(map); i++)
			if (strcmp(key, map[i].key) == 0)
				rig_sample_set(out, map[i].metric, v, map[i].unit);
	}
	free(text);
}

/* A server's load runs as the bench asked; its stop is a request. */
struct serve_ctx {
	const struct rig_exec_service *inner;
	const char *listen;
};

static void serve_during(void *ctx, const volatile sig_atomic_t *gone)
{
	struct serve_ctx *sc = ctx;

	sc->inner->during(sc->inner->ctx, gone);
}

static int serve_stop(void *ctx)
{
	struct serve_ctx *sc = ctx;

	return rig_wasi_serve_stop(sc->listen, 3000);
}

int rig_wasi_run_module(struct rig_board *b, const char *module, long long iterations,
			long long timeout_ms, const char *log_path,
			const struct rig_run_service *svc, struct rig_sample *out,
			struct rig_error *err)
{
	struct wasi_priv *wp = b->runner.priv;
	struct serve_ctx sc = {svc ? &svc->exec : NULL, svc ? svc->listen : NULL};
	struct rig_exec_service serve = {.during = serve_during, .stop = serve_stop, .ctx = &sc};
	struct rig_exec_req ex = {0};
	struct rig_strv av = {0};
	char iters[32], metrics[PATH_MAX + 32];
	int rc;

	snprintf(metrics, sizeof(metrics), "%s/metrics.txt", wp->scratch);
	unlink(metrics);
	if (iterations > 0)
		snprintf(iters, sizeof(iters), "%lld", iterations);
	{
		char *args[] = {iters};
		struct rig_wasi_dir dir = {wp->guest_dir, wp->preopen_dir};
		struct rig_wasi_call c = {.module = module,
					  .args = args,
					  .n_args = iterations > 0,
					  .env = wp->env.v,
					  .n_env = wp->env.n,
					  .dirs = &dir,
					  .n_dirs = wp->preopen ? 1 : 0,
					  .listen = svc ? svc->listen : NULL};
		build_argv(wp, &c, metrics, &av);
	}
	ex.argv = av.v;
	ex.cpu = -1;
	ex.timeout_ms = timeout_ms > 0 ? timeout_ms : b->timeout_ms;
	ex.log_path = log_path;
	ex.need_done = 1;
	if (svc)
		ex.service = &serve;
	rc = rig_measure_exec(&ex, out, err);
	rig_strv_free(&av);
	if (rc)
		return rc == RIG_ERR_NOT_FOUND ? RIG_ERR_SKIPPED : rc;
	if (wp->rt == RT_NODE)
		read_driver_metrics(metrics, out);
	if (wp->precompile && wp->compile_ns > 0)
		rig_sample_set(out, "compile_ns", wp->compile_ns, "ns");
	return 0;
}

static void add_above_floor(struct wasi_priv *wp, struct rig_sample *s)
{
	static const struct {
		const char *metric, *above, *unit;
	} m[] = {
	    {"startup_ns", "startup_above_floor_ns", "ns"},
	    {"wall_ns", "wall_above_floor_ns", "ns"},
	    {"peak_rss_kib", "peak_rss_above_floor_kib", "KiB"},
	};
	const double floor[] = {wp->fl.startup_ns, wp->fl.wall_ns, wp->fl.peak_rss_kib};
	double v;

	if (!wp->fl.have || !s->ok)
		return;
	for (size_t i = 0; i < RIG_ARRAY_SIZE(m); i++)
		if (rig_sample_get(s, m[i].metric, &v))
			rig_sample_set(s, m[i].above, v - floor[i], m[i].unit);
}

static int wasi_run(struct rig_board *b, const struct rig_run_req *req, struct rig_sample *out,
		    struct rig_error *err)
{
	struct wasi_priv *wp = b->runner.priv;
	const char *refusal = req->service ? rig_wasi_serve_refusal(wp->rt) : NULL;
	int rc;

	if (refusal) {
		rig_sample_fail(out, "%s cannot serve under load: %s", b->name, refusal);
		return 0;
	}
	if (strcmp(wp->prepared_src, req->art->path) != 0) {
		rc = rig_wasi_prepare_module(b, req->art->path, err);
		if (rc == RIG_ERR_SKIPPED) {
			rig_sample_fail(out, "%s", err->msg);
			return 0;
		}
		if (rc)
			return rc;
	}
	if ((rc = rig_wasi_run_module(b, wp->run_path, req->iterations, req->timeout_ms,
				      req->log_path, req->service, out, err)))
		return rc;
	rig_sample_set(out, "module_code_bytes", (double)wp->code_bytes, "bytes");
	rig_sample_set(out, "module_data_bytes", (double)wp->data_bytes, "bytes");
	rig_sample_set(out, "module_custom_bytes", (double)wp->custom_bytes, "bytes");
	add_above_floor(wp, out);
	return 0;
}

static void wasi_close(struct rig_board *b)
{
	struct wasi_priv *wp = b->runner.priv;
	char *argv[] = {"rm", "-rf", wp->scratch, NULL};
	struct rig_proc_result res = {0};

	if (wp->scratch_is_tmp && wp->scratch[0]) {
		rig_run_capture(argv, NULL, NULL, 20000, &res, NULL);
		rig_proc_result_free(&res);
		wp->scratch[0] = '\0';
	}
	wp->prepared_src[0] = '\0';
}

static void wasi_destroy(struct rig_board *b)
{
	struct wasi_priv *wp = b->runner.priv;

	if (!wp)
		return;
	rig_wasm_profile_free(wp->profile);
	rig_strv_free(&wp->env);
	rig_strv_free(&wp->compile_args);
	rig_kv_free(&wp->skip_workloads);
	free(wp);
	b->runner.priv = NULL;
}

const struct rig_runner_ops rig_runner_wasi_ops = {
    .kind = "wasi",
    /* servers on the runtimes that pass a listening socket (wasi_serve.c);
     * the others fail the sample with the runtime's reason */
    .serves = RIG_SERVICE_NET,
    .configure = wasi_configure,
    .open = wasi_open,
    .close = wasi_close,
    .facts = wasi_facts,
    .supports = wasi_supports,
    .prepare = wasi_prepare,
    .run = wasi_run,
    .destroy = wasi_destroy,
};

