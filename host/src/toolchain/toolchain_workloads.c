/* The workloads the rig tree has sources for: see rig_workloads_list(). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "paths.h"
#include "toolchain.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* 1 when the file at path has a C main function (the C workloads do; the
 * support files next to them do not). */
static int has_main(const char *path)
{
	char *text = NULL;
	size_t len = 0;
	int yes;

	if (rig_read_file(path, &text, &len, NULL))
		return 0;
	yes = strstr(text, "int main(") != NULL;
	free(text);
	return yes;
}

static int has_marker(const char *path, const char *marker);

static void add(struct rig_strv *out, const char *name)
{
	if (rig_name_ok(name) && !rig_strv_has(out, name))
		rig_strv_push(out, name);
}

int rig_workloads_list(const char *source_root, struct rig_strv *out)
{
	char *dir;
	DIR *d;
	struct dirent *e;

	if (!source_root)
		source_root = rig_data_dir();
	dir = rig_xasprintf("%s/firmware/workloads/go", source_root);
	d = opendir(dir);
	while (d && (e = readdir(d))) {
		char *main_go = rig_xasprintf("%s/%s/main.go", dir, e->d_name);
		if (e->d_name[0] != '.' && rig_file_exists(main_go))
			add(out, e->d_name);
		free(main_go);
	}
	if (d)
		closedir(d);
	free(dir);
	dir = rig_xasprintf("%s/firmware/workloads/c", source_root);
	d = opendir(dir);
	while (d && (e = readdir(d))) {
		size_t l = strlen(e->d_name);
		char *path;

		if (l < 3 || strcmp(e->d_name + l - 2, ".c") != 0)
			continue;
		path = rig_xasprintf("%s/%s", dir, e->d_name);
		if (has_main(path) || has_marker(path, "rig:console-service")) {
			char *name = rig_xasprintf("%.*s", (int)(l - 2), e->d_name);
			add(out, name);
			free(name);
		}
		free(path);
	}
	if (d)
		closedir(d);
	free(dir);
	if (out->n)
		qsort(out->v, out->n, sizeof(char *), cmp_str);
	return (int)out->n;
}

/* 1 when the first 4 KiB of path hold marker. */
static int has_marker(const char *path, const char *marker)
{
	char buf[4096];
	size_t n;
	FILE *f = fopen(path, "r");

	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strstr(buf, marker) != NULL;
}

int rig_workload_is_service(const char *source_root, const char *name)
{
	char *go, *c;
	int yes;

	if (!rig_name_ok(name))
		return 0;
	if (!source_root)
		source_root = rig_data_dir();
	go = rig_xasprintf("%s/firmware/workloads/go/%s/main.go", source_root, name);
	c = rig_xasprintf("%s/firmware/workloads/c/%s.c", source_root, name);
	yes = has_marker(c, "rig:console-service")			      ? RIG_SERVICE_CONSOLE
	      : has_marker(go, "rig:service") || has_marker(c, "rig:service") ? RIG_SERVICE_NET
									      : 0;
	free(go);
	free(c);
	return yes;
}
