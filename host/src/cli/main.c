/* rig: build Go and C programs with several compilers, run them on boards,
 * measure, keep the numbers, compare. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "log.h"
#include "paths.h"

#define NEED_NOTHING 0
/* Flags of a command. By default a command may read rig's data (toolchains,
 * boards, workload sources: paths.h) and refuses to start without it. */
#define NO_DATA 1 /* reads only the store or its arguments */

struct rig_cmd {
	const char *name;
	int (*fn)(int argc, char **argv, struct rig_ctx *ctx);
	const char *summary;
	int flags; /* NO_DATA */
};

static const struct rig_cmd commands[] = {
    {"doctor", cmd_doctor, "show which toolchains, emulators, runtimes and ports are present"},
    {"boards", cmd_boards, "list board files and check them"},
    {"build", cmd_build, "build workloads with toolchain profiles for a board"},
    {"run", cmd_run, "run one workload on one board and print its samples"},
    {"bench", cmd_bench, "measure the matrix of workloads x profiles x boards"},
    {"results", cmd_results, "show stored results with statistics", NO_DATA},
    {"export", cmd_export, "export results as json, csv, benchfmt or openmetrics", NO_DATA},
    {"history", cmd_history, "one metric of a cell over every run, with change points", NO_DATA},
    {"compare", cmd_compare, "compare two sets of runs (labels, commits, runs, latest)", NO_DATA},
    {"gate", cmd_gate, "CI regression gate: current runs vs a baseline under a policy file",
     NO_DATA},
    {"report", cmd_report, "write the store as one self-contained HTML file with charts", NO_DATA},
    {"wasm", cmd_wasm, "inspect and check WebAssembly modules"},
    {"usb", cmd_usb, "list USB devices by port path, with the board file matching each"},
    {"load", cmd_load, "put an HTTP/1.1 server under load (closed or constant-rate)", NO_DATA},
    {"farm", cmd_farm, "the farm: board leases and states (status), release --force, log"},
    {"submit", cmd_submit, "queue bench jobs, one per board, for rig worker"},
    {"worker", cmd_worker, "take jobs from the queue and run them (a farm host)"},
    {"db", cmd_db, "the store: migrate (create or upgrade the schema), status", NO_DATA},
    {"wasi-test", cmd_wasi_test, "run the WASI test suite (or a module) on WASI boards"},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: rig [--db FILE|URL] [--state-dir DIR] [--boards-dir DIR]\n"
		   "           [--toolchains-file FILE] [-v|-q] COMMAND [ARGS]\n\n"
		   "commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(
	    f,
	    "\n`rig COMMAND --help` shows a command's options.\n"
	    "Environment: RIG_DEBUG=0..4 sets the log level; RIG_STORE is --db's default\n"
	    "(a file, or postgresql://... for a PostgreSQL store); RIG_DATA_DIR overrides where\n"
	    "rig reads its toolchains, boards and workload sources (default: ../share/rig\n"
	    "next to the rig binary, or the source tree of a build-tree rig).\n");
}

int main(int argc, char **argv)
{
	struct rig_ctx ctx = {0};
	const char *state_dir = ".rig", *boards_dir = NULL;
	int i;

	rig_log_init();
	signal(SIGPIPE, SIG_IGN);
	ctx.source_dir = rig_data_dir();
	if (getenv("RIG_STORE") && *getenv("RIG_STORE"))
		ctx.db_path = getenv("RIG_STORE");
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--db") == 0 && i + 1 < argc)
			ctx.db_path = argv[++i];
		else if (strcmp(a, "--state-dir") == 0 && i + 1 < argc)
			state_dir = argv[++i];
		else if (strcmp(a, "--boards-dir") == 0 && i + 1 < argc)
			boards_dir = argv[++i];
		else if (strcmp(a, "--toolchains-file") == 0 && i + 1 < argc)
			rig_strv_push(&ctx.toolchain_files, argv[++i]);
		else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0)
			rig_log_set_level(rig_log_level() + 1);
		else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0)
			rig_log_set_level(RIG_LOG_WARN);
		else if (strcmp(a, "--version") == 0) {
			printf("rig %s\n", RIG_VERSION);
			return 0;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "rig: unknown or incomplete option '%s'\n\n", a);
			usage(stderr);
			return 2;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	/* Absolute: builds and boards run in other directories. */
	if (state_dir[0] != '/') {
		char cwd[900];
		if (!getcwd(cwd, sizeof(cwd))) {
			fprintf(stderr, "rig: cannot read the current directory\n");
			return 1;
		}
		snprintf(ctx.state_dir, sizeof(ctx.state_dir), "%s/%s", cwd, state_dir);
	} else {
		snprintf(ctx.state_dir, sizeof(ctx.state_dir), "%s", state_dir);
	}
	snprintf(ctx.boards_dir, sizeof(ctx.boards_dir), "%s", boards_dir ? boards_dir : "");
	if (!boards_dir)
		snprintf(ctx.boards_dir, sizeof(ctx.boards_dir), "%s/boards", ctx.source_dir);
	ctx.is_tty = isatty(1);
	ctx.progress = isatty(2);
	if (strcmp(argv[i], "help") == 0) {
		if (i + 1 < argc) {
			char *hargv[] = {argv[i + 1], "--help", NULL};
			for (size_t c = 0; c < sizeof(commands) / sizeof(commands[0]); c++)
				if (strcmp(commands[c].name, argv[i + 1]) == 0)
					return commands[c].fn(2, hargv, &ctx);
		}
		usage(stdout);
		return 0;
	}
	for (size_t c = 0; c < sizeof(commands) / sizeof(commands[0]); c++) {
		if (strcmp(commands[c].name, argv[i]) == 0) {
			int rc;

			if (!(commands[c].flags & NO_DATA) && !rig_data_dir_origin()) {
				fprintf(
				    stderr,
				    "rig: cannot find rig's data (toolchains, boards, workload "
				    "sources): %s.\nInstall rig (cmake --install BUILD --prefix "
				    "P) or set RIG_DATA_DIR to a directory holding "
				    "host/toolchains.yaml.\n",
				    rig_data_dir_searched());
				rig_strv_free(&ctx.toolchain_files);
				return 1;
			}
			rc = commands[c].fn(argc - i, argv + i, &ctx);
			rig_strv_free(&ctx.toolchain_files);
			return rc;
		}
	}
	fprintf(stderr, "rig: '%s' is not a rig command (see rig --help)\n", argv[i]);
	return 2;
}
