#include "paths.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>
#include <unistd.h>

#include "fileio.h"
#include "xalloc.h"

/* Installed layout relative to the binary's directory. */
#define SHARE_REL "/../share/rig"
#define LIB_REL "/../lib/rig"
/* A data directory is one that holds this. */
#define DATA_MARKER "/host/toolchains.yaml"

static struct {
	char exe_dir[PATH_MAX]; /* "" when /proc/self/exe is unreadable */
	int in_build_tree;
	char data[PATH_MAX];
	const char *data_origin;
	char searched[3 * PATH_MAX + 200];
	char lib[PATH_MAX]; /* the installed helper directory, or where it would be */
	int have_lib;
} paths;
static once_flag paths_once = ONCE_FLAG_INIT;

/* realpath() of p into out, or "" when it does not resolve. */
static void real(const char *p, char out[PATH_MAX])
{
	if (!realpath(p, out))
		out[0] = '\0';
}

/* 1 when dir + rel names an existing file. */
static int has(const char *dir, const char *rel)
{
	char p[PATH_MAX];

	return rig_snprintf(p, sizeof(p), "%s%s", dir, rel) == 0 && rig_file_exists(p);
}

/* Canonical form of dir + rel when it exists, else the plain concatenation. */
static void join_real(const char *dir, const char *rel, char out[PATH_MAX])
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s%s", dir, rel);
	real(p, out);
	if (!out[0])
		snprintf(out, PATH_MAX, "%s", p);
}

static void find_exe(void)
{
	char exe[PATH_MAX], build[PATH_MAX];
	size_t n;

	real("/proc/self/exe", exe);
	if (exe[0] && strrchr(exe, '/')) {
		*strrchr(exe, '/') = '\0';
		snprintf(paths.exe_dir, sizeof(paths.exe_dir), "%s", exe[0] ? exe : "/");
	}
#ifdef RIG_BINARY_DIR
	real(RIG_BINARY_DIR, build);
#else
	build[0] = '\0';
#endif
	n = strlen(build);
	paths.in_build_tree = n > 0 && paths.exe_dir[0] && strncmp(paths.exe_dir, build, n) == 0 &&
			      (paths.exe_dir[n] == '/' || paths.exe_dir[n] == '\0');
}

static int from_env(const char *var)
{
	const char *s = getenv(var);

	if (!s || !*s)
		return 0;
	snprintf(paths.data, sizeof(paths.data), "%s", s);
	paths.data_origin = var;
	return 1;
}

static void find_data(void)
{
	const char *src = "";

	if (from_env("RIG_DATA_DIR") || from_env("RIG_SOURCE_DIR"))
		return;
	if (paths.exe_dir[0] && has(paths.exe_dir, SHARE_REL DATA_MARKER)) {
		join_real(paths.exe_dir, SHARE_REL, paths.data);
		paths.data_origin = "installed";
		return;
	}
#ifdef RIG_SOURCE_DIR
	src = RIG_SOURCE_DIR;
	if (paths.in_build_tree && has(src, DATA_MARKER)) {
		snprintf(paths.data, sizeof(paths.data), "%s", src);
		paths.data_origin = "build tree";
		return;
	}
#endif
	/* nothing: name where an installed rig keeps it */
	join_real(paths.exe_dir[0] ? paths.exe_dir : ".", SHARE_REL, paths.data);
	snprintf(paths.searched, sizeof(paths.searched),
		 "RIG_DATA_DIR and RIG_SOURCE_DIR are unset, %s has no host/toolchains.yaml, "
		 "and rig runs from %s, not from the build tree of %s",
		 paths.data, paths.exe_dir[0] ? paths.exe_dir : "an unknown directory",
		 src[0] ? src : "its sources");
}

static void find_lib(void)
{
	join_real(paths.exe_dir[0] ? paths.exe_dir : ".", LIB_REL, paths.lib);
	paths.have_lib = paths.exe_dir[0] && has(paths.exe_dir, LIB_REL "/rig-exec");
}

static void resolve(void)
{
	find_exe();
	find_data();
	find_lib();
}

const char *rig_data_dir(void)
{
	call_once(&paths_once, resolve);
	return paths.data;
}

const char *rig_data_dir_origin(void)
{
	call_once(&paths_once, resolve);
	return paths.data_origin;
}

const char *rig_data_dir_searched(void)
{
	call_once(&paths_once, resolve);
	if (!paths.searched[0])
		return paths.data_origin ? paths.data_origin : "";
	return paths.searched;
}

const char *rig_lib_dir(void)
{
	call_once(&paths_once, resolve);
	return paths.have_lib ? paths.lib : NULL;
}

static int executable(const char *p, char *out, size_t cap)
{
	return access(p, X_OK) == 0 && rig_snprintf(out, cap, "%s", p) == 0;
}

int rig_exec_path(char *out, size_t cap)
{
	const char *env = getenv("RIG_EXEC");
	char p[PATH_MAX];

	call_once(&paths_once, resolve);
	if (env && *env)
		return executable(env, out, cap);
	if (paths.have_lib && rig_snprintf(p, sizeof(p), "%s/rig-exec", paths.lib) == 0 &&
	    executable(p, out, cap))
		return 1;
#ifdef RIG_EXEC_PATH
	if (paths.in_build_tree && executable(RIG_EXEC_PATH, out, cap))
		return 1;
#endif
	return paths.exe_dir[0] && rig_snprintf(p, sizeof(p), "%s/rig-exec", paths.exe_dir) == 0 &&
	       executable(p, out, cap);
}

int rig_agent_path(const char *suffix, char *out, size_t cap)
{
	call_once(&paths_once, resolve);
#ifdef RIG_BINARY_DIR
	if (!paths.have_lib && paths.in_build_tree) {
		snprintf(out, cap, "%s/firmware/agent/rig-agent%s", RIG_BINARY_DIR, suffix);
		return rig_file_exists(out);
	}
#endif
	snprintf(out, cap, "%s/rig-agent%s", paths.lib, suffix);
	return rig_file_exists(out);
}
