#include "rigtest.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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
