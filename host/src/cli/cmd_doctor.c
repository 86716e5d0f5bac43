/* rig doctor: what is present, with versions, and what to install. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "cli.h"
#include "hostenv.h"
#include "log.h"
#include "paths.h"
#include "toolchain.h"
#include "transport_serial.h"
#include "usb.h"

struct tool {
	const char *name;
	const char *version_arg;
	const char *purpose;
	const char *install;
};

static const struct tool tools[] = {
    {"qemu-system-arm", "--version", "emulated Cortex-M boards", "apt-get install qemu-system-arm"},
    {"qemu-system-aarch64", "--version", "emulated Raspberry Pi (arm64)",
     "apt-get install qemu-system-arm"},
    {"qemu-aarch64", "--version", "running arm64 binaries on this machine",
     "apt-get install qemu-user"},
    {"qemu-arm", "--version", "running armhf binaries on this machine",
     "apt-get install qemu-user"},
    {"node", "--version", "WASI runtime (node:wasi)", "apt-get install nodejs"},
    {"iwasm", "--version", "WASI runtime (WAMR)", "pip install wamr-bin (see docs/wasm.md)"},
    {"wasmtime", "--version", "WASI runtime", "install wasmtime"},
    {"wasmer", "--version", "WASI runtime", "install wasmer"},
    {"wazero", "version", "WASI runtime", "go install github.com/tetratelabs/wazero/cmd/wazero"},
    {"hyperfine", "--version", "benchmark cross-check", "apt-get install hyperfine"},
    {"wasm-objdump", "--version", "wasm section cross-check", "apt-get install wabt"},
    {"benchstat", NULL, "reading `rig export --format benchfmt`",
     "go install golang.org/x/perf/cmd/benchstat@latest"},
    {"arm-none-eabi-size", "--version", "flash size cross-check",
     "apt-get install binutils-arm-none-eabi"},
};

static void first_line(const char *cmd, const char *arg, char *out, size_t cap)
{
	char *argv[3] = {(char *)cmd, (char *)arg, NULL};
	struct rig_proc_result res;

	snprintf(out, cap, "present");
	if (!arg)
		return;
	if (rig_run_capture(argv, NULL, NULL, 10000, &res, NULL) == 0) {
		size_t n = strcspn(res.out.data, "\r\n");
		if (n)
			snprintf(out, cap, "%.*s", (int)n, res.out.data);
		rig_proc_result_free(&res);
	}
}

static void doctor_toolchains(struct rig_ctx *ctx, int *missing)
{
	static const struct rig_target targets[] = {
	    {"linux", "x86_64", ""},  {"linux", "aarch64", ""},		{"linux", "arm", "armv7"},
	    {"wasip1", "wasm32", ""}, {"none", "thumb", "lm3s6965evb"},
	};
	struct rig_toolchains *tcs = NULL;
	struct rig_error err = {0};

	printf("toolchains (per target):\n");
	if (rig_ctx_load_toolchains(ctx, &tcs, &err)) {
		printf("  ! %s\n", err.msg);
		(*missing)++;
		return;
	}
	for (size_t i = 0; i < rig_toolchain_count(tcs); i++) {
		const char *name = rig_toolchain_name(tcs, i);
		int go_said = 0;

		for (size_t t = 0; t < RIG_ARRAY_SIZE(targets); t++) {
			struct rig_tc_info info;
			char tk[64];

			snprintf(tk, sizeof(tk), "%s/%s%s%s", targets[t].os, targets[t].arch,
				 targets[t].variant[0] ? "/" : "", targets[t].variant);
			if (rig_toolchain_detect(tcs, name, &targets[t], &info, &err))
				continue;
			if (strstr(info.reason, "cannot build for"))
				continue;
			if (info.present) {
				printf("  ok  %-8s %-24s %s\n", name, tk, info.version);
			} else {
				printf("  --  %-8s %-24s skipped: %s\n", name, tk, info.reason);
				(*missing)++;
			}
			/* the Go a toolchain runs itself (TinyGo's `go env`), said once */
			if (info.go_why[0] && !go_said && info.go_dir[0]) {
				printf("      %-8s runs Go %s\n", name, info.go_why);
				go_said = 1;
			}
		}
	}
	printf("profiles:");
	for (size_t i = 0; i < rig_profile_count(tcs); i++)
		printf(" %s%s", rig_profile_name(tcs, i),
		       rig_profile_is_default(tcs, rig_profile_name(tcs, i)) ? "*" : "");
	printf("   (* = in the default matrix)\n");
	rig_toolchains_free(tcs);
}

static void doctor_serial(void)
{
	struct rig_kvlist ports = {0};
	struct rig_error err = {0};

	printf("serial ports:\n");
	if (rig_serial_list(&ports, &err)) {
		printf("  !   cannot enumerate: %s\n", err.msg);
		return;
	}
	if (!ports.n)
		printf(
		    "  --  none found (USB-serial adapters appear here with VID:PID and serial)\n");
	for (size_t i = 0; i < ports.n; i++)
		printf("  ok  %-20s %s\n", ports.v[i].key, ports.v[i].value);
	rig_kv_free(&ports);
}

int cmd_doctor(int argc, char **argv, struct rig_ctx *ctx)
{
	struct rig_strv rest = {0};
	struct rig_error err = {0};
	struct rig_kvlist host = {0};
	int missing = 0, rc;
	const struct rig_opt opts[] = {{0}};

	rc = rig_parse_options(argc, argv, opts, "rig doctor", &rest, &err);
	rig_strv_free(&rest);
	if (rc == 1)
		return 0;
	if (rc) {
		rig_err("%s", err.msg);
		return 2;
	}
	printf("rig %s, data from %s (%s)", RIG_VERSION, ctx->source_dir, rig_data_dir_origin());
	if (rig_lib_dir())
		printf(", helpers from %s", rig_lib_dir());
	printf("\n\n");
	rig_hostenv_collect(&host, "");
	printf("host: %s, %s cores, governor %s, %s\n", rig_kv_get(&host, "cpu_model"),
	       rig_kv_get(&host, "cores"), rig_kv_get(&host, "governor"),
	       rig_kv_get(&host, "kernel"));
	if (strcmp(rig_kv_get(&host, "debug_info"), "yes") == 0)
		printf(
		    "  !   /usr/lib/debug holds debug info: gccgo programs read it at their first "
		    "sampled allocation and start 20-40x slower (85-185 ms instead of ~4 ms); "
		    "results record debug_info=yes\n");
	rig_kv_free(&host);
	printf("\n");
	doctor_toolchains(ctx, &missing);
	printf("\ntools:\n");
	for (size_t i = 0; i < RIG_ARRAY_SIZE(tools); i++) {
		char path[512], ver[256];

		if (!rig_which(tools[i].name, path, sizeof(path))) {
			printf("  --  %-20s missing (%s): %s\n", tools[i].name, tools[i].purpose,
			       tools[i].install);
			missing++;
			continue;
		}
		first_line(path, tools[i].version_arg, ver, sizeof(ver));
		printf("  ok  %-20s %s\n", tools[i].name, ver);
	}
	printf("\n");
	doctor_serial();
	{
		char msg[256];
		int ok = rig_usb_doctor(msg, sizeof(msg));
#ifdef RIG_HAVE_LIBUSB
		printf("usb (libusb %s):\n", "available");
#else
		printf("usb (built without libusb):\n");
#endif
		printf("  %s  %s\n", ok ? "ok" : "--", msg);
	}
	printf("\n%d item%s missing or skipped; rows that need them are skipped with the reason.\n",
	       missing, missing == 1 ? "" : "s");
	return 0;
}
