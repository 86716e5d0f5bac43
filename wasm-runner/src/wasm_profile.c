/* Runtime profiles and the module check: see wasm_profile.h. */
#include "wasm_profile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

#define WASM_PAGE_BYTES 65536ull

/* The calls WASI preview 0 ("wasi_unstable") and preview 1 share. */
#define WASI_COMMON_CALLS                                                                          \
	"args_get", "args_sizes_get", "environ_get", "environ_sizes_get", "clock_res_get",         \
	    "clock_time_get", "fd_advise", "fd_allocate", "fd_close", "fd_datasync",               \
	    "fd_fdstat_get", "fd_fdstat_set_flags", "fd_fdstat_set_rights", "fd_filestat_get",     \
	    "fd_filestat_set_size", "fd_filestat_set_times", "fd_pread", "fd_prestat_get",         \
	    "fd_prestat_dir_name", "fd_pwrite", "fd_read", "fd_readdir", "fd_renumber", "fd_seek", \
	    "fd_sync", "fd_tell", "fd_write", "path_create_directory", "path_filestat_get",        \
	    "path_filestat_set_times", "path_link", "path_open", "path_readlink",                  \
	    "path_remove_directory", "path_rename", "path_symlink", "path_unlink_file",            \
	    "poll_oneoff", "proc_exit", "proc_raise", "sched_yield", "random_get", "sock_recv",    \
	    "sock_send", "sock_shutdown",

/* WASI preview 1 (witx of wasi_snapshot_preview1, 46 functions). */
static const char *const wasi_preview1[] = {WASI_COMMON_CALLS "sock_accept", NULL};

/* WASI "unstable" (preview 0): the same calls, before sock_accept existed. */
static const char *const wasi_unstable[] = {WASI_COMMON_CALLS NULL};

/* gc's GOOS=js imports, as Go's lib/wasm/wasm_exec.js provides them. */
static const char *const gojs[] = {
    "debug",
    "runtime.wasmExit",
    "runtime.wasmWrite",
    "runtime.resetMemoryDataView",
    "runtime.nanotime1",
    "runtime.walltime",
    "runtime.scheduleTimeoutEvent",
    "runtime.clearTimeoutEvent",
    "runtime.getRandomData",
    "syscall/js.finalizeRef",
    "syscall/js.stringVal",
    "syscall/js.valueGet",
    "syscall/js.valueSet",
    "syscall/js.valueDelete",
    "syscall/js.valueIndex",
    "syscall/js.valueSetIndex",
    "syscall/js.valueCall",
    "syscall/js.valueInvoke",
    "syscall/js.valueNew",
    "syscall/js.valueLength",
    "syscall/js.valuePrepareString",
    "syscall/js.valueLoadString",
    "syscall/js.valueInstanceOf",
    "syscall/js.copyBytesToGo",
    "syscall/js.copyBytesToJS",
    NULL,
};

const char *const *rig_wasm_known_imports(const char *module)
{
	if (strcmp(module, "wasi_snapshot_preview1") == 0)
		return wasi_preview1;
	if (strcmp(module, "wasi_unstable") == 0)
		return wasi_unstable;
	if (strcmp(module, "gojs") == 0)
		return gojs;
	return NULL;
}

static int load_imports(const struct rig_cfg *cfg, struct rig_wasm_profile *p,
			struct rig_error *err)
{
	struct rig_cfg_node *imp = rig_cfg_get(cfg, NULL, "imports");
	size_t n;

	if (!imp)
		return 0;
	n = rig_cfg_map_len(imp);
	if (n == 0 && rig_cfg_seq_len(imp) > 0)
		return rig_fail(
		    err, RIG_ERR_PARSE,
		    "%s:%d: field 'imports': expected a mapping of import module -> function list",
		    p->file, rig_cfg_line(imp));
	p->imports = rig_xcalloc(n ? n : 1, sizeof(*p->imports));
	for (size_t i = 0; i < n; i++) {
		struct rig_wasm_profile_imports *pi = &p->imports[i];
		struct rig_cfg_node *val;
		const char *key = rig_cfg_map_key(imp, i, &val);
		const char *const *known;
		int rc;

		if (!key || strlen(key) >= sizeof(pi->module) || strchr(key, '/'))
			return rig_fail(err, RIG_ERR_PARSE,
					"%s:%d: field 'imports': expected an import module name "
					"(no '/', under 64 characters), got \"%s\"",
					p->file, rig_cfg_line(val), key ? key : "");
		snprintf(pi->module, sizeof(pi->module), "%s", key);
		p->n_imports = i + 1;
		if ((rc = rig_cfg_strv(cfg, imp, key, 1, &pi->fields, err)))
			return rc;
		if (pi->fields.n == 1 && strcmp(pi->fields.v[0], "all") == 0) {
			known = rig_wasm_known_imports(key);
			if (!known)
				return rig_fail(err, RIG_ERR_PARSE,
						"%s:%d: field 'imports/%s': 'all' is only known "
						"for wasi_snapshot_preview1, wasi_unstable and "
						"gojs: list the functions",
						p->file, rig_cfg_line(val), key);
			rig_strv_free(&pi->fields);
			for (; *known; known++)
				rig_strv_push(&pi->fields, *known);
		}
	}
	return 0;
}

static int load_features(const struct rig_cfg *cfg, struct rig_wasm_profile *p,
			 struct rig_error *err)
{
	struct rig_strv fv = {0};
	int rc = rig_cfg_strv(cfg, NULL, "features", 0, &fv, err);

	for (size_t i = 0; !rc && i < fv.n; i++) {
		unsigned bit = rig_wasm_feature_bit(fv.v[i]);
		if (!bit) {
			char known[400] = "";
			for (unsigned k = 0; rig_wasm_feature_name(k); k++)
				snprintf(known + strlen(known), sizeof(known) - strlen(known),
					 "%s%s", k ? ", " : "", rig_wasm_feature_name(k));
			rc = rig_fail(err, RIG_ERR_PARSE,
				      "%s:%d: field 'features': unknown feature \"%s\" (known: %s)",
				      p->file, rig_cfg_line(rig_cfg_get(cfg, NULL, "features")),
				      fv.v[i], known);
		}
		p->features |= bit;
	}
	rig_strv_free(&fv);
	return rc;
}

static int load_memory(const struct rig_cfg *cfg, struct rig_wasm_profile *p, struct rig_error *err)
{
	static const char *const keys[] = {"max_bytes", "max_pages", "require_max", NULL};
	struct rig_cfg_node *mem = rig_cfg_get(cfg, NULL, "memory");
	long long bytes, pages;
	int rc;

	p->memory_max_bytes = -1;
	if (!mem)
		return 0;
	if ((rc = rig_cfg_known_keys(cfg, mem, keys, err)) ||
	    (rc = rig_cfg_int(cfg, mem, "max_bytes", 0, -1, 0, 1ll << 34, &bytes, err)) ||
	    (rc = rig_cfg_int(cfg, mem, "max_pages", 0, -1, 0, 65536, &pages, err)) ||
	    (rc = rig_cfg_bool(cfg, mem, "require_max", 0, 0, &p->memory_require_max, err)))
		return rc;
	if (bytes >= 0 && pages >= 0)
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:%d: field 'memory': give max_bytes or max_pages, not both",
				p->file, rig_cfg_line(mem));
	p->memory_max_bytes = bytes >= 0   ? bytes
			      : pages >= 0 ? pages * (long long)WASM_PAGE_BYTES
					   : -1;
	return 0;
}

static int load_cfg(const struct rig_cfg *cfg, struct rig_wasm_profile **out, struct rig_error *err)
{
	static const char *const keys[] = {"name",     "description", "runtime", "imports",
					   "features", "memory",      NULL};
	struct rig_wasm_profile *p = rig_xcalloc(1, sizeof(*p));
	const char *path = rig_cfg_path(cfg);
	const char *base;
	int rc;

	if (!path)
		path = "profile";
	base = strrchr(path, '/');
	if (rig_snprintf(p->file, sizeof(p->file), "%s", path))
		p->file[0] = '\0';
	base = base ? base + 1 : path;
	snprintf(p->name, sizeof(p->name), "%.*s", (int)strcspn(base, "."), base);
	if ((rc = rig_cfg_known_keys(cfg, NULL, keys, err)) ||
	    (rc = rig_cfg_str(cfg, NULL, "name", 0, p->name, p->name, sizeof(p->name), err)) ||
	    (rc = rig_cfg_str(cfg, NULL, "description", 0, "", p->description,
			      sizeof(p->description), err)) ||
	    (rc = rig_cfg_str(cfg, NULL, "runtime", 0, "", p->runtime, sizeof(p->runtime), err)) ||
	    (rc = load_imports(cfg, p, err)) || (rc = load_features(cfg, p, err)) ||
	    (rc = load_memory(cfg, p, err))) {
		rig_wasm_profile_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

int rig_wasm_profile_load(const char *name_or_path, const char *boards_dir,
			  struct rig_wasm_profile **out, struct rig_error *err)
{
	char path[PATH_MAX];
	struct rig_cfg *cfg;
	int rc;

	*out = NULL;
	if (strchr(name_or_path, '/') || strstr(name_or_path, ".yaml"))
		rc = rig_snprintf(path, sizeof(path), "%s", name_or_path);
	else
		rc = rig_snprintf(path, sizeof(path), "%s/wasm-profiles/%s.yaml", boards_dir,
				  name_or_path);
	if (rc)
		return rig_fail(err, RIG_ERR_INVALID, "profile name too long: %s", name_or_path);
	rc = rig_cfg_load(path, &cfg, err);
	if (rc == RIG_ERR_NOT_FOUND)
		return rig_fail(err, rc, "no WebAssembly runtime profile '%s': %s does not exist",
				name_or_path, path);
	if (rc)
		return rc;
	rc = load_cfg(cfg, out, err);
	rig_cfg_free(cfg);
	return rc;
}

int rig_wasm_profile_load_string(const char *name, const char *text, size_t len,
				 struct rig_wasm_profile **out, struct rig_error *err)
{
	struct rig_cfg *cfg;
	int rc;

	*out = NULL;
	if ((rc = rig_cfg_load_string(name, text, len, &cfg, err)))
		return rc;
	rc = load_cfg(cfg, out, err);
	rig_cfg_free(cfg);
	return rc;
}

void rig_wasm_profile_free(struct rig_wasm_profile *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_imports; i++)
		rig_strv_free(&p->imports[i].fields);
	free(p->imports);
	free(p);
}

static const struct rig_wasm_profile_imports *profile_module(const struct rig_wasm_profile *p,
							     const char *module)
{
	for (size_t i = 0; i < p->n_imports; i++)
		if (strcmp(p->imports[i].module, module) == 0)
			return &p->imports[i];
	return NULL;
}

static int strv_has(const struct rig_strv *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return 1;
	return 0;
}

static void fmt_bytes(uint64_t b, char *buf, size_t cap)
{
	if (b >= 1024 * 1024 && b % (1024 * 1024) == 0)
		snprintf(buf, cap, "%llu MiB", (unsigned long long)(b >> 20));
	else if (b >= 1024 * 1024)
		snprintf(buf, cap, "%.1f MiB", (double)b / (1024.0 * 1024.0));
	else if (b >= 1024)
		snprintf(buf, cap, "%llu KiB", (unsigned long long)(b >> 10));
	else
		snprintf(buf, cap, "%llu bytes", (unsigned long long)b);
}

static void check_imports(const struct rig_wasm_module *m, const struct rig_wasm_profile *p,
			  struct rig_wasm_check *c)
{
	for (size_t i = 0; i < m->n_imports; i++) {
		const struct rig_wasm_import *im = &m->imports[i];
		const struct rig_wasm_profile_imports *pm = profile_module(p, im->module);
		char sig[200] = "";
		char *entry;

		if (pm && strv_has(&pm->fields, im->name))
			continue;
		if (im->kind == RIG_WASM_EXT_FUNC && im->type_index < m->n_types)
			rig_wasm_format_type(&m->types[im->type_index], sig, sizeof(sig));
		entry = rig_xasprintf("%s.%s (%s%s%s)%s", im->module, im->name,
				      rig_wasm_extern_name(im->kind), sig[0] ? " " : "", sig,
				      pm ? "" : ": the runtime provides no such import module");
		if (!strv_has(&c->missing_imports, entry))
			rig_strv_push(&c->missing_imports, entry);
		free(entry);
	}
}

static void check_memory(const struct rig_wasm_module *m, const struct rig_wasm_profile *p,
			 struct rig_wasm_check *c)
{
	char a[32], b[32];

	if (m->n_memories == 0)
		return;
	c->initial_memory_bytes = m->memories[0].limits.min * WASM_PAGE_BYTES;
	c->max_memory_bytes =
	    m->memories[0].limits.has_max ? m->memories[0].limits.max * WASM_PAGE_BYTES : 0;
	if (p->memory_max_bytes < 0)
		return;
	fmt_bytes((uint64_t)p->memory_max_bytes, b, sizeof(b));
	for (size_t i = 0; i < m->n_memories; i++) {
		const struct rig_wasm_limits *l = &m->memories[i].limits;
		uint64_t init = l->min * WASM_PAGE_BYTES;

		fmt_bytes(init, a, sizeof(a));
		if (init > (uint64_t)p->memory_max_bytes)
			rig_strv_pushf(&c->memory_problems,
				       "memory %zu: initial size %s (%llu pages) exceeds the "
				       "runtime's %s budget",
				       i, a, (unsigned long long)l->min, b);
		else if (!l->has_max && p->memory_require_max)
			rig_strv_pushf(
			    &c->memory_problems,
			    "memory %zu declares no maximum, but the runtime needs one within %s",
			    i, b);
		else if (l->has_max && l->max * WASM_PAGE_BYTES > (uint64_t)p->memory_max_bytes) {
			fmt_bytes(l->max * WASM_PAGE_BYTES, a, sizeof(a));
			if (p->memory_require_max)
				rig_strv_pushf(
				    &c->memory_problems,
				    "memory %zu: maximum %s exceeds the runtime's %s budget", i, a,
				    b);
			else
				rig_strv_pushf(&c->notes,
					       "memory %zu may grow to %s, past the %s budget "
					       "(memory.grow fails there)",
					       i, a, b);
		} else if (!l->has_max)
			rig_strv_pushf(
			    &c->notes,
			    "memory %zu has no maximum: growth past %s fails at run time", i, b);
	}
}

void rig_wasm_check(const struct rig_wasm_module *m, const struct rig_wasm_profile *p,
		    struct rig_wasm_check *c)
{
	memset(c, 0, sizeof(*c));
	check_imports(m, p, c);
	for (unsigned k = 0; rig_wasm_feature_name(k); k++)
		if ((m->features & (1u << k)) && !(p->features & (1u << k)))
			rig_strv_push(&c->unsupported_features, rig_wasm_feature_name(k));
	check_memory(m, p, c);
	c->memory_fits = c->memory_problems.n == 0;
	c->problems = c->missing_imports.n + c->unsupported_features.n + c->memory_problems.n;
}

void rig_wasm_check_free(struct rig_wasm_check *c)
{
	rig_strv_free(&c->missing_imports);
	rig_strv_free(&c->unsupported_features);
	rig_strv_free(&c->memory_problems);
	rig_strv_free(&c->notes);
}

char *rig_wasm_check_summary(const struct rig_wasm_check *c, char *buf, size_t cap)
{
	size_t n = 0;

	if (!cap)
		return buf;
	buf[0] = '\0';
#define PUT(...)                                                                                   \
	do {                                                                                       \
		if (n < cap)                                                                       \
			n += (size_t)snprintf(buf + n, cap - n, __VA_ARGS__);                      \
	} while (0)
	if (c->missing_imports.n) {
		PUT("%zu missing import%s (", c->missing_imports.n,
		    c->missing_imports.n == 1 ? "" : "s");
		for (size_t i = 0; i < c->missing_imports.n; i++)
			PUT("%s%.*s", i ? ", " : "", (int)strcspn(c->missing_imports.v[i], " "),
			    c->missing_imports.v[i]);
		PUT(")");
	}
	if (c->unsupported_features.n) {
		PUT("%sunsupported feature%s ", n ? "; " : "",
		    c->unsupported_features.n == 1 ? "" : "s");
		for (size_t i = 0; i < c->unsupported_features.n; i++)
			PUT("%s%s", i ? ", " : "", c->unsupported_features.v[i]);
	}
	for (size_t i = 0; i < c->memory_problems.n; i++)
		PUT("%s%s", n ? "; " : "", c->memory_problems.v[i]);
#undef PUT
	return buf;
}
