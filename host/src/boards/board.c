/* Board files: the fields every board has, the target checks, and the
 * table of board kinds (presets of parts: boards/presets.c). */
#include "board.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elfsize.h"
#include "select.h"

static const struct rig_board_ops *const backends[] = {
    &rig_board_host_ops,   &rig_board_qemu_ops, &rig_board_agent_ops, &rig_board_wasi_ops,
    &rig_board_serial_ops, &rig_board_null_ops, &rig_board_parts_ops,
};

const struct rig_board_ops *rig_board_ops_find(const char *kind)
{
	for (size_t i = 0; i < RIG_ARRAY_SIZE(backends); i++)
		if (strcmp(backends[i]->kind, kind) == 0)
			return backends[i];
	return NULL;
}

int rig_arch_elf_machine(const char *arch)
{
	if (strcmp(arch, "x86_64") == 0)
		return EM_X86_64;
	if (strcmp(arch, "aarch64") == 0)
		return EM_AARCH64;
	if (strcmp(arch, "arm") == 0 || strcmp(arch, "thumb") == 0)
		return EM_ARM;
	if (strcmp(arch, "riscv64") == 0 || strcmp(arch, "riscv32") == 0)
		return EM_RISCV;
	return 0;
}

/* Fields every board file may have; backends add their own section. */
static const char *const common_keys[] = {
    "name",
    "kind",
    "description",
    "emulated",
    "target",
    "timeout",
    "ready_timeout",
    "retries",
    "samples",
    "warmup",
    "ram_kib",
    "toolchains",
    "iterations",
    "tags",
    "health",
    /* the board's USB identity (usb/usb_board.h) */
    "usb",
    /* the parts (parts/part.h) */
    "power",
    "link",
    "runner",
    /* the presets' legacy sections (boards/presets.c) */
    "host",
    "qemu",
    "agent",
    "wasi",
    "serial",
    "reset",
    "flash",
    "usb",
    NULL,
};

static int load_target(struct rig_board *b, const struct rig_cfg *cfg, struct rig_error *err)
{
	static const char *const tkeys[] = {"os", "arch", "variant", NULL};
	struct rig_cfg_node *t = rig_cfg_get(cfg, NULL, "target");
	int rc;

	if (!t)
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:%d: field 'target' is required (os and arch, e.g. {os: linux, "
				"arch: x86_64})",
				b->file, rig_cfg_line(rig_cfg_root(cfg)));
	if ((rc = rig_cfg_known_keys(cfg, t, tkeys, err)))
		return rc;
	if ((rc = rig_cfg_str(cfg, t, "os", 1, NULL, b->target.os, sizeof(b->target.os), err)))
		return rc;
	if ((rc =
		 rig_cfg_str(cfg, t, "arch", 1, NULL, b->target.arch, sizeof(b->target.arch), err)))
		return rc;
	return rig_cfg_str(cfg, t, "variant", 0, "", b->target.variant, sizeof(b->target.variant),
			   err);
}

static int load_iterations(struct rig_board *b, const struct rig_cfg *cfg, struct rig_error *err)
{
	struct rig_cfg_node *m = rig_cfg_get(cfg, NULL, "iterations");
	size_t n = rig_cfg_map_len(m);
	int rc;

	if (m && !rig_cfg_is_map(m))
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:%d: field 'iterations': expected a mapping workload: count",
				b->file, rig_cfg_line(m));
	for (size_t i = 0; i < n; i++) {
		const char *w = rig_cfg_map_key(m, i, NULL);
		long long v;
		char key[96];

		if (!w)
			continue;
		snprintf(key, sizeof(key), "%s", w);
		if ((rc = rig_cfg_int(cfg, m, key, 1, 0, 1, 1000000000000LL, &v, err)))
			return rc;
		rig_kv_setf(&b->iterations, w, "%lld", v);
	}
	return 0;
}

void rig_board_expand_path(const char *in, const char *board_file, char *out, size_t cap)
{
	const char *home = getenv("HOME");
	const char *cache = getenv("RIG_CACHE_DIR");

	if (strncmp(in, "~/", 2) == 0) {
		snprintf(out, cap, "%s/%s", home ? home : "", in + 2);
	} else if (strncmp(in, "{cache}/", 8) == 0) {
		if (cache && *cache)
			snprintf(out, cap, "%s/%s", cache, in + 8);
		else
			snprintf(out, cap, "%s/.cache/rig/%s", home ? home : "", in + 8);
	} else if (in[0] == '/' || in[0] == 0) {
		snprintf(out, cap, "%s", in);
	} else {
		const char *slash = strrchr(board_file, '/');
		int dl = slash ? (int)(slash - board_file) : 1;
		snprintf(out, cap, "%.*s/%s", dl, slash ? board_file : ".", in);
	}
}

long long rig_board_iterations(const struct rig_board *b, const char *workload)
{
	const char *v = rig_kv_get(&b->iterations, workload);
	return v ? atoll(v) : 0;
}

static int resolve_path(const char *name_or_path, const char *boards_dir, char *out, size_t cap)
{
	if (strchr(name_or_path, '/') || strstr(name_or_path, ".yaml"))
		return rig_snprintf(out, cap, "%s", name_or_path);
	return rig_snprintf(out, cap, "%s/%s.yaml", boards_dir, name_or_path);
}

int rig_board_load(const char *name_or_path, const char *boards_dir, struct rig_board **out,
		   struct rig_error *err)
{
	struct rig_board *b = rig_xcalloc(1, sizeof(*b));
	struct rig_cfg *cfg = NULL;
	char kind[32], defname[64];
	const char *base;
	int rc;

	if (resolve_path(name_or_path, boards_dir, b->file, sizeof(b->file))) {
		free(b);
		return rig_fail(err, RIG_ERR_INVALID, "board name too long: %s", name_or_path);
	}
	rc = rig_cfg_load(b->file, &cfg, err);
	if (rc == RIG_ERR_NOT_FOUND) {
		rig_fail(err, rc, "no board '%s': %s does not exist (see `rig boards`)",
			 name_or_path, b->file);
		goto fail;
	}
	if (rc)
		goto fail;
	if ((rc = rig_cfg_known_keys(cfg, NULL, common_keys, err)))
		goto fail;
	base = strrchr(b->file, '/');
	base = base ? base + 1 : b->file;
	snprintf(b->name, sizeof(b->name), "%.*s", (int)strcspn(base, "."), base);
	snprintf(defname, sizeof(defname), "%s", b->name);
	if ((rc = rig_cfg_name(cfg, NULL, "name", "board", defname, b->name, sizeof(b->name),
			       err)) ||
	    (rc = rig_cfg_str(cfg, NULL, "kind", !rig_cfg_get(cfg, NULL, "runner"), "parts", kind,
			      sizeof(kind), err)) ||
	    (rc = rig_cfg_str(cfg, NULL, "description", 0, "", b->description,
			      sizeof(b->description), err)) ||
	    (rc = rig_cfg_bool(cfg, NULL, "emulated", 0, 0, &b->emulated, err)) ||
	    (rc = load_target(b, cfg, err)) ||
	    (rc = rig_cfg_duration_ms(cfg, NULL, "timeout", 0, 60000, 3600000, &b->timeout_ms,
				      err)) ||
	    (rc = rig_cfg_duration_ms(cfg, NULL, "ready_timeout", 0, 10000, 600000,
				      &b->ready_timeout_ms, err)) ||
	    (rc = rig_cfg_int(cfg, NULL, "retries", 0, 2, 0, 100, &b->retries, err)) ||
	    (rc = rig_cfg_int(cfg, NULL, "samples", 0, 10, 1, 100000, &b->samples, err)) ||
	    (rc = rig_cfg_int(cfg, NULL, "warmup", 0, 2, 0, 10000, &b->warmup, err)) ||
	    (rc = rig_cfg_int(cfg, NULL, "ram_kib", 0, 0, 1, 1LL << 32, &b->ram_kib, err)) ||
	    (rc = rig_cfg_strv(cfg, NULL, "toolchains", 0, &b->toolchains, err)))
		goto fail;
	if ((rc = load_iterations(b, cfg, err)) || (rc = rig_board_tags_read(cfg, &b->tags, err)) ||
	    (rc = rig_board_health_read(cfg, &b->health, err)))
		goto fail;
	b->ops = rig_board_ops_find(kind);
	if (!b->ops) {
		rc = rig_fail(err, RIG_ERR_PARSE,
			      "%s:%d: field 'kind': expected one of host, qemu, agent, wasi, "
			      "serial, null, parts, got \"%s\"",
			      b->file, rig_cfg_line(rig_cfg_get(cfg, NULL, "kind")), kind);
		goto fail;
	}
	if (b->ops->configure && (rc = b->ops->configure(b, cfg, err)))
		goto fail;
	rig_cfg_free(cfg);
	*out = b;
	return 0;
fail:
	rig_cfg_free(cfg);
	if (b->ops && b->ops->destroy)
		b->ops->destroy(b);
	rig_strv_free(&b->toolchains);
	rig_strv_free(&b->tags);
	rig_kv_free(&b->iterations);
	free(b);
	return rc;
}

void rig_board_free(struct rig_board *b)
{
	if (!b)
		return;
	if (b->ops->destroy)
		b->ops->destroy(b);
	rig_strv_free(&b->toolchains);
	rig_strv_free(&b->tags);
	rig_kv_free(&b->iterations);
	free(b);
}

int rig_board_supports(struct rig_board *b, const struct rig_artifact *a, struct rig_error *err)
{
	int want;

	if (strcmp(a->target.os, b->target.os) || strcmp(a->target.arch, b->target.arch))
		return rig_fail(err, RIG_ERR_SKIPPED, "built for %s/%s, board %s is %s/%s",
				a->target.os, a->target.arch, b->name, b->target.os,
				b->target.arch);
	/* The ELF header is the truth: `GOARCH=arm64 go build -compiler=gccgo`
	 * without GCCGO silently builds for the host. */
	want = rig_arch_elf_machine(b->target.arch);
	if (want && a->sizes.elf_machine && a->sizes.elf_machine != want)
		return rig_fail(err, RIG_ERR_SKIPPED,
				"%s is an ELF for %s, but board %s needs %s: the toolchain built "
				"for the wrong machine",
				a->path, rig_elf_machine_name(a->sizes.elf_machine), b->name,
				rig_elf_machine_name(want));
	if (b->ops->supports)
		return b->ops->supports(b, a, err);
	return 0;
}
