#include "hostenv.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "rig_contain.h"

static int read_line(const char *path, char *out, size_t cap)
{
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (!fgets(out, (int)cap, f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	out[strcspn(out, "\n")] = '\0';
	return 0;
}

static void cpu_model(char *out, size_t cap)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[512];

	snprintf(out, cap, "unknown");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		/* x86 "model name", arm "Model" / "CPU part" */
		if (strncmp(line, "model name", 10) == 0 || strncmp(line, "Model", 5) == 0) {
			char *c = strchr(line, ':');
			if (c) {
				c++;
				while (*c == ' ' || *c == '\t')
					c++;
				c[strcspn(c, "\n")] = '\0';
				snprintf(out, cap, "%s", c);
				break;
			}
		}
	}
	fclose(f);
}

static int dir_has_files(const char *path, int depth)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int found = 0;

	if (!d)
		return 0;
	while (!found && (e = readdir(d))) {
		char sub[1024];
		if (e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		if (e->d_type == DT_DIR) {
			if (depth < 4)
				found = dir_has_files(sub, depth + 1);
		} else {
			found = 1;
		}
	}
	closedir(d);
	return found;
}

int rig_hostenv_has_debug_info(void) { return dir_has_files("/usr/lib/debug", 0); }

void rig_hostenv_collect(struct rig_kvlist *f, const char *p)
{
	struct utsname u;
	char buf[512], key[128];
	double la[3];
	FILE *m;

#define KEY(k) (snprintf(key, sizeof(key), "%s%s", p ? p : "", k), key)
	cpu_model(buf, sizeof(buf));
	rig_kv_set(f, KEY("cpu_model"), buf);
	rig_kv_setf(f, KEY("cores"), "%ld", sysconf(_SC_NPROCESSORS_ONLN));
	if (read_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", buf, sizeof(buf)))
		snprintf(buf, sizeof(buf), "unknown (no cpufreq)");
	rig_kv_set(f, KEY("governor"), buf);
	if (uname(&u) == 0) {
		rig_kv_setf(f, KEY("kernel"), "%s %s %s", u.sysname, u.release, u.machine);
		rig_kv_set(f, KEY("hostname"), u.nodename);
	}
	if (getloadavg(la, 3) == 3)
		rig_kv_setf(f, KEY("loadavg"), "%.2f %.2f %.2f", la[0], la[1], la[2]);
	m = fopen("/proc/meminfo", "r");
	if (m) {
		long kib = 0;
		if (fscanf(m, "MemTotal: %ld kB", &kib) == 1)
			rig_kv_setf(f, KEY("mem_total_kib"), "%ld", kib);
		fclose(m);
	}
	rig_kv_set(f, KEY("debug_info"), rig_hostenv_has_debug_info() ? "yes" : "no");
	/* how measured programs are contained here (each sample says what it
	 * got in rig run; docs/reliability.md) */
	rig_kv_set(f, KEY("containment"), rig_contain_describe(rig_contain_probe()));
	if (read_line("/sys/class/dmi/id/sys_vendor", buf, sizeof(buf)) == 0)
		rig_kv_set(f, KEY("vendor"), buf);
#undef KEY
}
