#include "rigtest.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "util.h"

static char tmpdir[PATH_MAX];

const char *rigtest_source_dir(void)
{
	const char *s = getenv("RIG_SOURCE_DIR");
	return s && *s ? s : RIG_SOURCE_DIR;
}

const char *rigtest_binary_dir(void)
{
	const char *s = getenv("RIG_BINARY_DIR");
	return s && *s ? s : RIG_BINARY_DIR;
}

const char *rigtest_rig(void)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/host/rig", rigtest_binary_dir());
	if (access(path, X_OK) != 0) {
		fprintf(stderr, "rig binary not built at %s\n", path);
		return NULL;
	}
	return path;
}

long rigtest_sqlite_long(const char *state_dir, const char *sql)
{
	char *out = NULL;
	long v;

	if (rigtest_sh(&out, "sqlite3 '%s/rig.db' \"%s\"", state_dir, sql) != 0)
		fail_msg("sqlite3 failed: %s", sql);
	v = atol(out ? out : "");
	free(out);
	return v;
}

static void cleanup(void)
{
	char cmd[PATH_MAX + 16];

	if (tmpdir[0] && !getenv("RIGTEST_KEEP")) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "rigtest: could not remove %s\n", tmpdir);
	}
}

const char *rigtest_tmpdir(void)
{
	if (!tmpdir[0]) {
		snprintf(tmpdir, sizeof(tmpdir), "%s/rigtest.XXXXXX",
			 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
		if (!mkdtemp(tmpdir))
			abort();
		atexit(cleanup);
	}
	return tmpdir;
}

int rigtest_have(const char *cmd)
{
	char path[PATH_MAX];
	return rig_which(cmd, path, sizeof(path));
}

int rigtest_sh(char **out, const char *fmt, ...)
{
	va_list ap;
	char *cmd;
	struct rig_buf b = {0};
	char tmp[4096];
	size_t n;
	FILE *f;
	int st;

	va_start(ap, fmt);
	if (vasprintf(&cmd, fmt, ap) < 0)
		abort();
	va_end(ap);
	f = popen(cmd, "r");
	free(cmd);
	if (!f)
		return -1;
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
		rig_buf_append(&b, tmp, n);
	st = pclose(f);
	if (out)
		*out = b.data ? b.data : rig_xstrdup("");
	else
		rig_buf_free(&b);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

const char *rigtest_write(const char *dir, const char *name, const char *text)
{
	static char paths[8][PATH_MAX];
	static int next;
	char *p = paths[next++ % 8];
	struct rig_error err = {0};

	snprintf(p, PATH_MAX, "%s/%s", dir, name);
	if (rig_write_file(p, text, strlen(text), &err)) {
		fprintf(stderr, "%s\n", err.msg);
		abort();
	}
	return p;
}

/* 1 when needle occurs in the NUL-separated file /proc/PID/name. */
static int proc_file_has(const char *pid, const char *name, const char *needle)
{
	char path[64], buf[65536];
	size_t nl = strlen(needle);
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/%s", pid, name);
	if ((fd = open(path, O_RDONLY)) < 0)
		return 0;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	for (ssize_t i = 0; n > 0 && i + (ssize_t)nl <= n; i++)
		if (memcmp(buf + i, needle, nl) == 0)
			return 1;
	return 0;
}

static int is_zombie(const char *pid)
{
	char path[64], buf[512], *rp;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	if ((fd = open(path, O_RDONLY)) < 0)
		return 1; /* gone */
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 1;
	buf[n] = '\0';
	rp = strrchr(buf, ')');
	return !rp || rp[1] != ' ' || rp[2] == 'Z' || rp[2] == 'X';
}

int rigtest_procs_with(const char *needle, int *pids, int max_pids)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9' || atoi(e->d_name) == getpid())
			continue;
		if (!proc_file_has(e->d_name, "environ", needle) &&
		    !proc_file_has(e->d_name, "cmdline", needle))
			continue;
		if (is_zombie(e->d_name))
			continue;
		if (pids && n < max_pids)
			pids[n] = atoi(e->d_name);
		n++;
	}
	closedir(d);
	return n;
}

void rigtest_assert_err_has(const struct rig_error *err, const char *part)
{
	if (!strstr(err->msg, part))
		fail_msg("message \"%s\" lacks \"%s\"", err->msg, part);
}
