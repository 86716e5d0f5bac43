/*
 * The WASI runner's private parts, shared by runner_wasi.c (board-file
 * section, prepare, run) and wasi_runtime.c (what rig knows of each
 * runtime: executables, versions, wrappers, the Node checks, the floor).
 */
#ifndef RIG_WASI_RUNTIME_H
#define RIG_WASI_RUNTIME_H

#include <limits.h>
#include <stdint.h>

#include "board.h"
#include "wasm_profile.h"

enum wasi_rt { RT_NODE, RT_WASMTIME, RT_WAMR, RT_IWASM, RT_WASMER, RT_WAZERO, RT_COUNT_ };

/* What rig knows of each runtime's command line. */
struct rt_desc {
	const char *name;
	const char *exe;	 /* default executable */
	const char *version_arg; /* prints "name version" on its first line */
	const char *compiler;	 /* AOT compiler, or NULL */
	int needs_precompile;	 /* cannot run a .wasm directly */
	int can_precompile;
	const char *install; /* how to get it */
};

extern const struct rt_desc rig_wasi_runtimes[RT_COUNT_];


struct floor_stats {
	int have;
	long long samples;
	double startup_ns, wall_ns, peak_rss_kib;
};

struct wasi_priv {
	int rt;
	char exe[PATH_MAX], compiler_exe[PATH_MAX];
	char exe_wrapper[PATH_MAX], compiler_wrapper[PATH_MAX]; /* what PATH gave, if resolved */
	char version[160], compiler_version[160];
	char profile_name[96];
	struct rig_wasm_profile *profile;
	struct rig_strv env, compile_args;
	struct rig_kvlist skip_workloads; /* workload -> why it cannot run here */
	int preopen, precompile, floor, compile_cache;
	long long floor_samples;
	char guest_dir[64];
	char driver[PATH_MAX];	  /* node: run.mjs */
	char wasm_exec[PATH_MAX]; /* node: Go's wasm_exec.js, found when needed */
	char scratch[PATH_MAX], preopen_dir[PATH_MAX + 16];
	int scratch_is_tmp;
	/* the artifact prepare() made ready */
	char prepared_src[PATH_MAX], run_path[PATH_MAX + 64];
	double compile_ns;
	int needs_gojs;
	uint64_t code_bytes, data_bytes, custom_bytes;
	struct floor_stats fl;
};


/* rig's data directory (rig_data_dir(), paths.h): wasm-runner/ is there. */
const char *rig_wasi_source_dir(void);
/* The first line a program prints for arg (its version): 1, or 0 when it
 * printed nothing. */
int rig_wasi_first_line(const char *exe, const char *arg, char *out, size_t cap);
/* exe names a script wrapper (pip's console script): replaces exe with the
 * binary it runs where that can be found, keeping the wrapper's path. */
int rig_wasi_resolve_wrapper(char *exe, size_t cap, char *wrapper, size_t wcap);
/* Node must have node:wasi's getImportObject (Node >= 20). */
int rig_wasi_check_node(struct rig_board *b, struct wasi_priv *wp, struct rig_error *err);
/* Runs the floor module floor_samples times; medians into wp->fl. */
int rig_wasi_measure_floor(struct rig_board *b, struct wasi_priv *wp, struct rig_error *err);
/* Finds Go's wasm_exec.js for a js/wasm module under Node. */
int rig_wasi_find_wasm_exec(struct wasi_priv *wp, const char *module, struct rig_error *err);
/* Makes a module ready to run (copy, AOT compile): wp->run_path. */
int rig_wasi_prepare_module(struct rig_board *b, const char *path, struct rig_error *err);
/* Runs a prepared module once through rig-exec; with svc (not NULL) as a
 * server under load, passed a listening socket on svc->listen and stopped
 * with a stop request (wasi_serve.h). */
int rig_wasi_run_module(struct rig_board *b, const char *module, long long iterations,
			long long timeout_ms, const char *log_path,
			const struct rig_run_service *svc, struct rig_sample *out,
			struct rig_error *err);

#endif
