/*
 * The command layer: option tables (declared once, parsed and printed as help
 * from the same table) and the context every command receives. Only this
 * layer and main() print errors for people and choose exit codes.
 */
#ifndef RIG_CLI_H
#define RIG_CLI_H

#include <stdio.h>

#include "error.h"
#include "util.h"

enum rig_opt_type {
	RIG_OPT_END = 0,
	RIG_OPT_FLAG,	  /* int, set to 1 */
	RIG_OPT_STRING,	  /* const char *, the argument as given */
	RIG_OPT_COUNT,	  /* long long, whole number within [min, max], k/M suffixes */
	RIG_OPT_DURATION, /* long long milliseconds: 500ms, 2s, 1m */
	RIG_OPT_LIST,	  /* struct rig_strv, comma-separated, may repeat */
};

struct rig_opt {
	char short_name;       /* 0: none */
	const char *long_name; /* without "--" */
	enum rig_opt_type type;
	void *value;
	const char *argh; /* argument name for help: "N", "LIST" */
	const char *help;
	long long min, max; /* RIG_OPT_COUNT only */
};

struct rig_store;
struct rig_toolchains;

struct rig_ctx {
	const char *source_dir; /* rig_data_dir(): boards/, firmware/, host/toolchains.yaml */
	char boards_dir[1024];
	char state_dir[1024]; /* .rig/ of the project directory: db, cache, logs */
	const char
	    *db_path; /* --db or RIG_STORE (a file or postgresql:// URL), or state_dir/rig.db */
	int is_tty;   /* stdout is a terminal */
	int progress; /* stderr is a terminal: progress lines */
	const char *format; /* --format for data commands */
	struct rig_strv toolchain_files;
};

/* Parses argv[1..] against opts; positional arguments go to rest. Returns 0,
 * 1 when --help was asked (help already printed to stdout), or
 * RIG_ERR_INVALID with a message naming the option and the value. */
int rig_parse_options(int argc, char **argv, const struct rig_opt *opts, const char *usage,
		      struct rig_strv *rest, struct rig_error *err);
void rig_print_options(FILE *f, const char *usage, const struct rig_opt *opts);

/* Splits a comma list ("gc,gccgo") into sv (appending). Empty items are
 * kept: "" gives one, "," two (rig_names_check_list refuses them). */
void rig_split_list(const char *s, struct rig_strv *sv);

/* The boards of ctx->boards_dir (file names without .yaml), sorted, appended
 * to out; returns how many. */
int rig_ctx_boards(const struct rig_ctx *ctx, struct rig_strv *out);
/* A --boards list: no empty or repeated item; an item that is not a path to
 * a board file is a valid name of a board in boards_dir (the message lists
 * them). Returns 0 or RIG_ERR_INVALID / RIG_ERR_NOT_FOUND. */
int rig_ctx_check_boards(const struct rig_ctx *ctx, const char *option,
			 const struct rig_strv *items, struct rig_error *err);

/* The store file: --db, else state_dir/rig.db (written into buf). */
const char *rig_ctx_db_file(const struct rig_ctx *ctx, char *buf, size_t cap);
/* Opens the store and loads toolchains for commands that need them. */
int rig_ctx_open_store(struct rig_ctx *ctx, struct rig_store **out, struct rig_error *err);
/* Opens the store for reading only (results, export): works on a read-only
 * file or directory and creates nothing. */
int rig_ctx_open_store_read(struct rig_ctx *ctx, struct rig_store **out, struct rig_error *err);
int rig_ctx_load_toolchains(struct rig_ctx *ctx, struct rig_toolchains **out,
			    struct rig_error *err);

/* Commands: each returns the process exit code. */
int cmd_doctor(int argc, char **argv, struct rig_ctx *ctx);
int cmd_build(int argc, char **argv, struct rig_ctx *ctx);
int cmd_run(int argc, char **argv, struct rig_ctx *ctx);
int cmd_bench(int argc, char **argv, struct rig_ctx *ctx);
int cmd_results(int argc, char **argv, struct rig_ctx *ctx);
int cmd_export(int argc, char **argv, struct rig_ctx *ctx);
int cmd_boards(int argc, char **argv, struct rig_ctx *ctx);
int cmd_wasm(int argc, char **argv, struct rig_ctx *ctx);
int cmd_usb(int argc, char **argv, struct rig_ctx *ctx);
int cmd_load(int argc, char **argv, struct rig_ctx *ctx);
int cmd_wasi_test(int argc, char **argv, struct rig_ctx *ctx);
int cmd_history(int argc, char **argv, struct rig_ctx *ctx);
int cmd_compare(int argc, char **argv, struct rig_ctx *ctx);
int cmd_gate(int argc, char **argv, struct rig_ctx *ctx);
int cmd_report(int argc, char **argv, struct rig_ctx *ctx);
int cmd_farm(int argc, char **argv, struct rig_ctx *ctx);
int cmd_submit(int argc, char **argv, struct rig_ctx *ctx);
int cmd_worker(int argc, char **argv, struct rig_ctx *ctx);
int cmd_db(int argc, char **argv, struct rig_ctx *ctx);

/* --boards, --workloads, --profiles and --baseline (NULL: not given) must
 * name what the store holds: 0, or RIG_ERR_NOT_FOUND / RIG_ERR_INVALID with
 * a message listing what is stored (rig results, export, report). */
int rig_cli_check_filters(struct rig_store *store, const struct rig_strv *boards,
			  const struct rig_strv *workloads, const struct rig_strv *profiles,
			  const char *baseline, struct rig_error *err);

/* --alpha: 0 and *out set (unchanged when s is NULL), or 2 after printing
 * the error. */
int rig_cli_alpha(const char *s, double *out);

#endif
