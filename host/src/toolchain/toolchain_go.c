/* The Go a toolchain runs itself. TinyGo 0.33 calls `go env` from PATH and
 * refuses any Go outside 1.19..1.23 ("requires go version 1.19 through 1.23,
 * got go1.26"); GOROOT alone does not help. A toolchain with a `go:` field
 * gets the Go chosen here first on its PATH, for its version command and its
 * builds, and the build record says which. */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "toolchain_internal.h"

/* "1.23" -> 23; -1 unless it is 1.N. */
static int go_minor_of(const char *s)
{
	char *end;
	long minor;

	if (strncmp(s, "1.", 2) != 0)
		return -1;
	minor = strtol(s + 2, &end, 10);
	if (end == s + 2 || minor < 0 || minor > 999 || (*end && *end != '.'))
		return -1;
	return (int)minor;
}

int tc_go_load(const struct rig_cfg *cfg, struct rig_cfg_node *node, struct tc_go_need *need,
	       struct rig_error *err)
{
	static const char *const keys[] = {"min", "max", "search", "install", NULL};
	struct rig_cfg_node *g = rig_cfg_get(cfg, node, "go");
	char min[16], max[16];
	int rc;

	memset(need, 0, sizeof(*need));
	if (!g)
		return 0;
	if (!rig_cfg_is_map(g))
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:%d: field 'go': expected {min: \"1.19\", max: \"1.23\", "
				"search: [dirs], install: text}",
				rig_cfg_path(cfg), rig_cfg_line(g));
	if ((rc = rig_cfg_known_keys(cfg, g, keys, err)) ||
	    (rc = rig_cfg_str(cfg, g, "min", 1, NULL, min, sizeof(min), err)) ||
	    (rc = rig_cfg_str(cfg, g, "max", 1, NULL, max, sizeof(max), err)) ||
	    (rc = rig_cfg_strv(cfg, g, "search", 0, &need->search, err)) ||
	    (rc = rig_cfg_str(cfg, g, "install", 0, "https://go.dev/dl/", need->install,
			      sizeof(need->install), err)))
		return rc;
	need->min_minor = go_minor_of(min);
	need->max_minor = go_minor_of(max);
	if (need->min_minor < 0 || need->max_minor < need->min_minor)
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:%d: field 'go': min \"%s\" and max \"%s\" must be Go versions "
				"1.N with min <= max",
				rig_cfg_path(cfg), rig_cfg_line(g), min, max);
	snprintf(need->range, sizeof(need->range), "%s to %s", min, max);
	need->set = 1;
	return 0;
}

void tc_go_free(struct tc_go_need *need) { rig_strv_free(&need->search); }

/* `go env GOVERSION` of the go in dir ("go1.23.5" into ver); 0 on success.
 * GOTOOLCHAIN=local: a go.mod elsewhere must not make it fetch another Go. */
static int go_version_in(const char *dir, char *ver, size_t cap)
{
	char *go = rig_xasprintf("%s/go", dir);
	char *argv[] = {go, "env", "GOVERSION", NULL};
	char *env[] = {"GOTOOLCHAIN=local", NULL};
	struct rig_proc_result res;
	int rc = -1;

	if (rig_file_exists(go) && rig_run_capture(argv, "/", env, 10000, &res, NULL) == 0) {
		size_t n = strcspn(res.out.data, "\r\n");
		if (res.exited && res.status == 0 && n > 2 && strncmp(res.out.data, "go", 2) == 0) {
			snprintf(ver, cap, "%.*s", (int)n, res.out.data);
			rc = 0;
		}
		rig_proc_result_free(&res);
	}
	free(go);
	return rc;
}

static int in_range(const struct tc_go_need *need, const char *ver)
{
	int m = go_minor_of(ver + 2);
	return m >= need->min_minor && m <= need->max_minor;
}

/* Expands one search entry (a glob; a leading ~/ is $HOME) into dirs. */
static void search_dirs(const char *pattern, struct rig_strv *dirs)
{
	const char *home = getenv("HOME");
	char *pat = strncmp(pattern, "~/", 2) == 0 && home
			? rig_xasprintf("%s/%s", home, pattern + 2)
			: rig_xstrdup(pattern);
	glob_t g;

	if (glob(pat, GLOB_NOSORT, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++)
			if (!rig_strv_has(dirs, g.gl_pathv[i]))
				rig_strv_push(dirs, g.gl_pathv[i]);
		globfree(&g);
	}
	free(pat);
}

void tc_go_pick(struct toolchain *tc)
{
	struct tc_go_need *need = &tc->go;
	struct tc_go_pick *pick = &tc->go_pick;
	struct rig_buf seen = {0};
	struct rig_strv dirs = {0};
	char path_go[512], ver[32], path_ver[32] = "";
	int best_minor = -1, best_patch = -1;

	if (!need->set || pick->done)
		return;
	memset(pick, 0, sizeof(*pick));
	pick->done = 1;
	if (rig_which("go", path_go, sizeof(path_go))) {
		char *slash = strrchr(path_go, '/');
		char dir[512];

		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path_go), path_go);
		if (go_version_in(dir, path_ver, sizeof(path_ver)) == 0 &&
		    in_range(need, path_ver)) {
			pick->found = 1;
			snprintf(pick->dir, sizeof(pick->dir), "%s", dir);
			snprintf(pick->version, sizeof(pick->version), "%s", path_ver);
			snprintf(pick->why, sizeof(pick->why),
				 "%s at %s: the go on PATH, within %s", path_ver, path_go,
				 need->range);
			return;
		}
	}
	for (size_t i = 0; i < need->search.n; i++)
		search_dirs(need->search.v[i], &dirs);
	for (size_t i = 0; i < dirs.n; i++) {
		char *dot;
		int minor, patch;

		if (go_version_in(dirs.v[i], ver, sizeof(ver)))
			continue;
		rig_buf_appendf(&seen, "%s%s (%s)", seen.len ? ", " : "", ver, dirs.v[i]);
		if (!in_range(need, ver))
			continue;
		minor = go_minor_of(ver + 2);
		dot = strchr(ver + 4, '.');
		patch = dot ? atoi(dot + 1) : 0;
		if (minor > best_minor || (minor == best_minor && patch > best_patch)) {
			best_minor = minor, best_patch = patch;
			pick->found = 1;
			snprintf(pick->dir, sizeof(pick->dir), "%s", dirs.v[i]);
			snprintf(pick->version, sizeof(pick->version), "%s", ver);
		}
	}
	if (pick->found)
		snprintf(pick->why, sizeof(pick->why),
			 "%s at %s/go: the newest within %s (the go on PATH is %s)", pick->version,
			 pick->dir, need->range,
			 path_ver[0] ? path_ver : "absent or does not answer `go env`");
	else
		snprintf(pick->why, sizeof(pick->why),
			 "%s needs a Go from %s first on PATH (it runs `go env` and refuses "
			 "others); the go on PATH is %s%s%s; found elsewhere: %s; install %s",
			 tc->name, need->range, path_ver[0] ? path_ver : "absent",
			 path_ver[0] ? " at " : "", path_ver[0] ? path_go : "",
			 seen.len ? seen.data : "none", need->install);
	rig_buf_free(&seen);
	rig_strv_free(&dirs);
}
