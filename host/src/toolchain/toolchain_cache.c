/* What a build's cache key is made of, and the cache of version detection
 * results (one run of the version command per toolchain and target). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "toolchain_internal.h"

struct name_list {
	char **v;
	size_t n;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void hash_dir(struct rig_buf *acc, const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct name_list names = {0};

	if (!d || depth > 8) {
		if (d)
			closedir(d);
		return;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || strcmp(e->d_name, "build") == 0)
			continue;
		names.v = rig_xrealloc(names.v, (names.n + 1) * sizeof(char *));
		names.v[names.n++] = rig_xstrdup(e->d_name);
	}
	closedir(d);
	if (names.n)
		qsort(names.v, names.n, sizeof(char *), cmp_str);
	for (size_t i = 0; i < names.n; i++) {
		char *p = rig_xasprintf("%s/%s", dir, names.v[i]);
		struct stat st;

		if (lstat(p, &st) != 0) {
			/* vanished while we looked */
		} else if (S_ISDIR(st.st_mode)) {
			hash_dir(acc, p, depth + 1);
		} else if (S_ISREG(st.st_mode) && st.st_size < (64 << 20)) {
			char h[65];
			if (rig_sha256_file(p, h, NULL) == 0)
				rig_buf_appendf(acc, "%s %s\n", h, p);
		}
		free(p);
		free(names.v[i]);
	}
	free(names.v);
}

void tc_sources_hash(struct rig_toolchains *tcs, const char *root)
{
	struct rig_buf acc = {0};
	char *dir;

	if (tcs->sources_hash[0] && strcmp(tcs->sources_root, root) == 0)
		return;
	snprintf(tcs->sources_root, sizeof(tcs->sources_root), "%s", root);
	dir = rig_xasprintf("%s/firmware", root);
	hash_dir(&acc, dir, 0);
	free(dir);
	rig_sha256_hex(acc.data ? acc.data : "", acc.len, tcs->sources_hash);
	rig_buf_free(&acc);
}
void tc_cache_key(const struct rig_toolchains *tcs, const char *cmd, const char *envs,
		  const char *dir, const char *version, const char *target_key, const char *profile,
		  char key[65])
{
	struct rig_buf keyin = {0};

	rig_buf_appendf(&keyin, "v1\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n", tcs->sources_hash, cmd, envs,
			dir, version, target_key, profile);
	rig_sha256_hex(keyin.data, keyin.len, key);
	rig_buf_free(&keyin);
}

int tc_detect_cached(const struct rig_toolchains *tcs, const char *toolchain,
		     const char *target_key, struct rig_tc_info *info)
{
	for (size_t i = 0; i < tcs->n_dc; i++) {
		if (strcmp(tcs->dc[i].toolchain, toolchain) == 0 &&
		    strcmp(tcs->dc[i].target_key, target_key) == 0) {
			*info = tcs->dc[i].info;
			return 1;
		}
	}
	return 0;
}

void tc_detect_remember(struct rig_toolchains *tcs, const char *toolchain, const char *target_key,
			const struct rig_tc_info *info)
{
	tcs->dc = rig_xrealloc(tcs->dc, (tcs->n_dc + 1) * sizeof(*tcs->dc));
	snprintf(tcs->dc[tcs->n_dc].toolchain, sizeof(tcs->dc[0].toolchain), "%s", toolchain);
	snprintf(tcs->dc[tcs->n_dc].target_key, sizeof(tcs->dc[0].target_key), "%s", target_key);
	tcs->dc[tcs->n_dc].info = *info;
	tcs->n_dc++;
}
