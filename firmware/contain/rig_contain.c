/* Process containment for a measured program: see rig_contain.h. */
#define _GNU_SOURCE
#include "rig_contain.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef PR_SET_CHILD_SUBREAPER
#define PR_SET_CHILD_SUBREAPER 36
#endif
#ifndef PR_GET_CHILD_SUBREAPER
#define PR_GET_CHILD_SUBREAPER 37
#endif

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void nap_ms(int ms)
{
	struct timespec ts = {0, (long)ms * 1000000};

	nanosleep(&ts, NULL);
}

static int path_join(char *out, size_t cap, const char *a, const char *b)
{
	size_t la = strlen(a);
	int n;

	while (la > 1 && a[la - 1] == '/')
		la--;
	while (*b == '/')
		b++;
	n = snprintf(out, cap, "%.*s%s%s", (int)la, a, *b ? "/" : "", b);
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/* The caller's cgroup path in the v2 hierarchy (want_v1_memory 0) or in the
 * v1 memory hierarchy (1), from /proc/self/cgroup. */
static int own_cgroup(int want_v1_memory, char *out, size_t cap)
{
	char line[1024];
	FILE *f = fopen("/proc/self/cgroup", "re");
	int found = 0;

	if (!f)
		return -1;
	while (!found && fgets(line, sizeof(line), f)) {
		char *ctl = strchr(line, ':'), *path;

		if (!ctl || !(path = strchr(ctl + 1, ':')))
			continue;
		*path++ = '\0';
		*ctl++ = '\0';
		path[strcspn(path, "\n")] = '\0';
		if (!want_v1_memory && strcmp(line, "0") == 0 && *ctl == '\0')
			found = 1;
		if (want_v1_memory) {
			char *save = NULL;
			for (char *t = strtok_r(ctl, ",", &save); t; t = strtok_r(NULL, ",", &save))
				if (strcmp(t, "memory") == 0)
					found = 1;
		}
		if (found && snprintf(out, cap, "%s", path) >= (int)cap)
			found = 0;
	}
	fclose(f);
	return found ? 0 : -1;
}

/* Where the hierarchy is mounted (mount point and the mount's root inside
 * the hierarchy), from /proc/self/mountinfo. */
static int hierarchy_mount(int want_v1_memory, char *mnt, size_t mcap, char *root, size_t rcap)
{
	char line[2048];
	FILE *f = fopen("/proc/self/mountinfo", "re");
	int found = 0;

	if (!f)
		return -1;
	while (!found && fgets(line, sizeof(line), f)) {
		char *field[6], *save = NULL, *sep = strstr(line, " - ");
		char *fstype, *opts;
		int n = 0;

		if (!sep)
			continue;
		*sep = '\0';
		fstype = strtok_r(sep + 3, " ", &save);
		(void)strtok_r(NULL, " ", &save); /* source */
		opts = strtok_r(NULL, " \n", &save);
		if (!fstype)
			continue;
		if (want_v1_memory ? strcmp(fstype, "cgroup") != 0 : strcmp(fstype, "cgroup2") != 0)
			continue;
		if (want_v1_memory) {
			int mem = 0;
			char *s2 = NULL;
			for (char *t = opts ? strtok_r(opts, ",", &s2) : NULL; t;
			     t = strtok_r(NULL, ",", &s2))
				if (strcmp(t, "memory") == 0)
					mem = 1;
			if (!mem)
				continue;
		}
		save = NULL;
		for (char *t = strtok_r(line, " ", &save); t && n < 6;
		     t = strtok_r(NULL, " ", &save))
			field[n++] = t;
		if (n < 5)
			continue;
		/* fields: id parent major:minor root mount-point ... */
		if (snprintf(root, rcap, "%s", field[3]) < (int)rcap &&
		    snprintf(mnt, mcap, "%s", field[4]) < (int)mcap)
			found = 1;
	}
	fclose(f);
	return found ? 0 : -1;
}

/* The directory of the caller's own cgroup in one hierarchy. */
static int own_cgroup_dir(int want_v1_memory, char *out, size_t cap)
{
	char path[512], mnt[512], root[512];
	size_t rl;

	if (own_cgroup(want_v1_memory, path, sizeof(path)) ||
	    hierarchy_mount(want_v1_memory, mnt, sizeof(mnt), root, sizeof(root)))
		return -1;
	rl = strlen(root);
	if (strcmp(root, "/") == 0)
		rl = 0;
	else if (strncmp(path, root, rl) != 0 || (path[rl] != '/' && path[rl] != '\0'))
		return -1; /* our cgroup is outside what is mounted here */
	return path_join(out, cap, mnt, path + rl);
}

static int file_ok(const char *dir, const char *file, int mode)
{
	char p[400];

	return path_join(p, sizeof(p), dir, file) == 0 && access(p, mode) == 0;
}

/* mkdir, replacing an empty leftover of the same name (a reused pid). */
static int make_leaf(const char *parent, const char *name, char *out, size_t cap)
{
	if (path_join(out, cap, parent, name))
		return -1;
	if (mkdir(out, 0755) == 0)
		return 0;
	if (errno == EEXIST && rmdir(out) == 0 && mkdir(out, 0755) == 0)
		return 0;
	out[0] = '\0';
	return -1;
}

static void make_leaves(struct rig_contain *c, const char *name)
{
	char dir[320];

	if (own_cgroup_dir(0, dir, sizeof(dir)) == 0 &&
	    make_leaf(dir, name, c->cg2, sizeof(c->cg2)) == 0) {
		if (file_ok(c->cg2, "cgroup.kill", W_OK) && file_ok(c->cg2, "cgroup.procs", W_OK)) {
			c->uses |= RIG_CONTAIN_CGROUP2;
			if (file_ok(c->cg2, "memory.peak", R_OK))
				c->uses |= RIG_CONTAIN_MEM_V2;
		} else {
			rmdir(c->cg2);
			c->cg2[0] = '\0';
		}
	}
	if (!(c->uses & RIG_CONTAIN_MEM_V2) && own_cgroup_dir(1, dir, sizeof(dir)) == 0 &&
	    make_leaf(dir, name, c->mem1, sizeof(c->mem1)) == 0) {
		if (file_ok(c->mem1, "memory.max_usage_in_bytes", R_OK) &&
		    file_ok(c->mem1, "cgroup.procs", W_OK)) {
			c->uses |= RIG_CONTAIN_MEM_V1;
		} else {
			rmdir(c->mem1);
			c->mem1[0] = '\0';
		}
	}
}

void rig_contain_init(struct rig_contain *c, const char *name)
{
	memset(c, 0, sizeof(*c));
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0)
		c->uses |= RIG_CONTAIN_SUBREAPER;
	make_leaves(c, name);
}

/* Async-signal-safe: open, write, close. */
static int write_str(const char *dir, const char *file, const char *s)
{
	char p[400];
	size_t dl = strlen(dir), fl = strlen(file), sl = strlen(s);
	int fd, ok;

	if (dl + 1 + fl + 1 > sizeof(p))
		return -1;
	memcpy(p, dir, dl);
	p[dl] = '/';
	memcpy(p + dl + 1, file, fl + 1);
	fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ok = write(fd, s, sl) == (ssize_t)sl;
	close(fd);
	return ok ? 0 : -1;
}

unsigned rig_contain_enter(const struct rig_contain *c)
{
	unsigned got = c->uses & RIG_CONTAIN_SUBREAPER;

	if ((c->uses & RIG_CONTAIN_CGROUP2) && write_str(c->cg2, "cgroup.procs", "0") == 0)
		got |= RIG_CONTAIN_CGROUP2 | (c->uses & RIG_CONTAIN_MEM_V2);
	if ((c->uses & RIG_CONTAIN_MEM_V1) && write_str(c->mem1, "cgroup.procs", "0") == 0)
		got |= RIG_CONTAIN_MEM_V1;
	return got;
}

/* SIGKILL to every child of the caller; returns how many were signalled.
 * /proc/PID/task/TID/children lists them directly where the kernel has it
 * (CONFIG_PROC_CHILDREN); else every /proc/N/stat is read for its ppid. */
static int kill_children(void)
{
	char p[300], buf[4096];
	pid_t self = getpid();
	int fd, n = 0;
	DIR *d;
	struct dirent *e;

	snprintf(p, sizeof(p), "/proc/%d/task/%d/children", (int)self, (int)self);
	if ((fd = open(p, O_RDONLY | O_CLOEXEC)) >= 0) {
		ssize_t len = read(fd, buf, sizeof(buf) - 1);
		char *s = buf, *end;

		close(fd);
		if (len >= 0) {
			buf[len] = '\0';
			for (;;) {
				long v = strtol(s, &end, 10);
				if (end == s)
					break;
				if (v > 0 && kill((pid_t)v, SIGKILL) == 0)
					n++;
				s = end;
			}
			/* a full buffer may have cut the list: the caller loops */
			return n;
		}
	}
	if (!(d = opendir("/proc")))
		return 0;
	while ((e = readdir(d))) {
		char *rp;
		long ppid;
		ssize_t len;

		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(p, sizeof(p), "/proc/%s/stat", e->d_name);
		if ((fd = open(p, O_RDONLY | O_CLOEXEC)) < 0)
			continue;
		len = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (len <= 0)
			continue;
		buf[len] = '\0';
		/* "pid (comm) state ppid ...": comm may hold spaces and ')' */
		if (!(rp = strrchr(buf, ')')) || sscanf(rp + 1, " %*c %ld", &ppid) != 1)
			continue;
		if (ppid == self && kill((pid_t)atol(e->d_name), SIGKILL) == 0)
			n++;
	}
	closedir(d);
	return n;
}

int rig_contain_kill_all(struct rig_contain *c, pid_t main_pid, int *status, struct rusage *ru)
{
	int64_t give_up = mono_ms() + 5000;
	int got_main = 0;

	for (;;) {
		int st, reaped = 0;
		struct rusage r;
		pid_t p;

		if (c->uses & RIG_CONTAIN_CGROUP2)
			write_str(c->cg2, "cgroup.kill", "1");
		while ((p = wait4(-1, &st, WNOHANG, &r)) > 0) {
			reaped++;
			if (p == main_pid && main_pid > 0) {
				got_main = 1;
				if (status)
					*status = st;
				if (ru)
					*ru = r;
			}
		}
		if (p < 0 && errno == ECHILD)
			break; /* no child left: everything is gone and reaped */
		if (p < 0 && errno == EINTR)
			continue;
		kill_children();
		if (mono_ms() >= give_up)
			break;
		if (!reaped)
			nap_ms(1);
	}
	return got_main;
}

static int64_t read_i64(const char *dir, const char *file)
{
	char p[400], buf[64];
	ssize_t n;
	int fd;

	if (path_join(p, sizeof(p), dir, file) || (fd = open(p, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return strtoll(buf, NULL, 10);
}

int64_t rig_contain_peak_kib(const struct rig_contain *c)
{
	int64_t b = -1;

	if (c->uses & RIG_CONTAIN_MEM_V2)
		b = read_i64(c->cg2, "memory.peak");
	else if (c->uses & RIG_CONTAIN_MEM_V1)
		b = read_i64(c->mem1, "memory.max_usage_in_bytes");
	return b < 0 ? -1 : b / 1024;
}

/* rmdir, retried briefly: the kernel may still be letting go of a reaped
 * task's cgroup (EBUSY). */
static void remove_leaf(char *dir)
{
	if (!dir[0])
		return;
	for (int i = 0; i < 100 && rmdir(dir) && errno == EBUSY; i++)
		nap_ms(2);
	dir[0] = '\0';
}

void rig_contain_fini(struct rig_contain *c)
{
	remove_leaf(c->cg2);
	remove_leaf(c->mem1);
	c->uses &= RIG_CONTAIN_SUBREAPER;
}

const char *rig_contain_describe(unsigned bits)
{
	if (bits & RIG_CONTAIN_CGROUP2) {
		if (bits & RIG_CONTAIN_MEM_V2)
			return "cgroup2+memory";
		return bits & RIG_CONTAIN_MEM_V1 ? "cgroup2+memory-v1" : "cgroup2";
	}
	if (bits & RIG_CONTAIN_SUBREAPER)
		return bits & RIG_CONTAIN_MEM_V1 ? "subreaper+memory-v1" : "subreaper";
	return "none";
}

unsigned rig_contain_probe(void)
{
	struct rig_contain c;
	char name[64];
	int v = 0;

	memset(&c, 0, sizeof(c));
	/* the caller is not made a subreaper: only asked whether it could be */
	if (prctl(PR_GET_CHILD_SUBREAPER, &v, 0, 0, 0) == 0)
		c.uses |= RIG_CONTAIN_SUBREAPER;
	snprintf(name, sizeof(name), "rig-probe-%d", (int)getpid());
	make_leaves(&c, name);
	v = (int)c.uses;
	rig_contain_fini(&c);
	return (unsigned)v;
}
