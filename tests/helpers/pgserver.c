/* A temporary PostgreSQL server for tests: see pgserver.h. */
#include "pgserver.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef RIG_HAVE_LIBPQ
#include <libpq-fe.h>
#endif

/* Runs argv as the server's user (postgres when we are root), output to
 * log; returns the exit status. */
static int run_as(const struct rigtest_pg *pg, char *const argv[], const char *log)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd;

		/* first the user, so the log is the server's to write */
		if (geteuid() == 0) {
			struct passwd *pw = getpwnam("postgres");

			if (!pw || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0)
				_exit(126);
		}
		if ((fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644)) >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void log_tail(const struct rigtest_pg *pg, const char *what, char *reason, size_t cap)
{
	char path[600], buf[400] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/log", pg->dir);
	if ((f = fopen(path, "r"))) {
		size_t n;
		fseek(f, -(long)(sizeof(buf) - 1), SEEK_END);
		n = fread(buf, 1, sizeof(buf) - 1, f);
		buf[n] = '\0';
		fclose(f);
	}
	snprintf(reason, cap, "%s failed; log %s: %s", what, path, buf);
}

static int pg_ctl(struct rigtest_pg *pg, const char *action)
{
	char bin[600], data[600], log[600], opts[700];
	char *argv[12];
	int k = 0;

	snprintf(bin, sizeof(bin), "%s/pg_ctl", pg->bin);
	snprintf(data, sizeof(data), "%s/data", pg->dir);
	snprintf(log, sizeof(log), "%s/log", pg->dir);
	snprintf(opts, sizeof(opts), "-c listen_addresses='' -k %s -c fsync=off", pg->dir);
	argv[k++] = bin;
	argv[k++] = (char *)action;
	argv[k++] = "-D";
	argv[k++] = data;
	argv[k++] = "-w";
	if (strcmp(action, "start") == 0) {
		argv[k++] = "-l";
		argv[k++] = log;
		argv[k++] = "-o";
		argv[k++] = opts;
	} else {
		argv[k++] = "-m";
		argv[k++] = "fast";
	}
	argv[k] = NULL;
	return run_as(pg, argv, log);
}

int rigtest_pg_newdb(struct rigtest_pg *pg, const char *name, char *url, size_t cap)
{
#ifdef RIG_HAVE_LIBPQ
	char conn[700], sql[200];
	PGconn *c;
	PGresult *r;
	int ok;

	snprintf(conn, sizeof(conn), "host=%s dbname=postgres user=postgres", pg->dir);
	c = PQconnectdb(conn);
	if (PQstatus(c) != CONNECTION_OK) {
		PQfinish(c);
		return -1;
	}
	snprintf(sql, sizeof(sql), "CREATE DATABASE \"%s\"", name);
	r = PQexec(c, sql);
	ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	PQfinish(c);
	snprintf(url, cap, "postgresql:///%s?host=%s&user=postgres", name, pg->dir);
	return ok ? 0 : -1;
#else
	return -1;
#endif
}

int rigtest_pg_start(struct rigtest_pg *pg, char *reason, size_t cap)
{
	const char *bin = getenv("RIG_PG_BIN");
	char initdb[600], data[600], log[600];
	struct passwd *pw = NULL;

	memset(pg, 0, sizeof(*pg));
#ifndef RIG_HAVE_LIBPQ
	snprintf(reason, cap, "rig was built without libpq (install libpq-dev)");
	return -1;
#endif
	snprintf(pg->bin, sizeof(pg->bin), "%s", bin && *bin ? bin : "/usr/lib/postgresql/15/bin");
	snprintf(initdb, sizeof(initdb), "%s/initdb", pg->bin);
	if (access(initdb, X_OK) != 0) {
		snprintf(reason, cap,
			 "PostgreSQL server binaries absent (%s; scripts/setup.sh installs "
			 "postgresql-15)",
			 initdb);
		return -1;
	}
	if (geteuid() == 0 && !(pw = getpwnam("postgres"))) {
		snprintf(reason, cap,
			 "running as root and there is no user postgres to run the "
			 "server as (PostgreSQL refuses root)");
		return -1;
	}
	snprintf(pg->dir, sizeof(pg->dir), "/tmp/rig-pg-XXXXXX");
	if (!mkdtemp(pg->dir)) {
		snprintf(reason, cap, "mkdtemp: %s", strerror(errno));
		return -1;
	}
	if (pw && chown(pg->dir, pw->pw_uid, pw->pw_gid) != 0) {
		snprintf(reason, cap, "chown %s: %s", pg->dir, strerror(errno));
		return -1;
	}
	snprintf(data, sizeof(data), "%s/data", pg->dir);
	snprintf(log, sizeof(log), "%s/log", pg->dir);
	{
		char *argv[] = {initdb,	 "-D", data,   "-U",	     "postgres", "-A",
				"trust", "-E", "UTF8", "--locale=C", "-N",	 NULL};
		if (run_as(pg, argv, log) != 0) {
			log_tail(pg, "initdb", reason, cap);
			return -1;
		}
	}
	if (pg_ctl(pg, "start") != 0) {
		log_tail(pg, "pg_ctl start", reason, cap);
		return -1;
	}
	pg->running = 1;
	if (rigtest_pg_newdb(pg, "rig", pg->url, sizeof(pg->url)) != 0) {
		log_tail(pg, "CREATE DATABASE rig", reason, cap);
		rigtest_pg_stop(pg);
		return -1;
	}
	return 0;
}

int rigtest_pg_restart(struct rigtest_pg *pg)
{
	if (pg_ctl(pg, "stop") != 0)
		return -1;
	return pg_ctl(pg, "start") == 0 ? 0 : -1;
}

void rigtest_pg_stop(struct rigtest_pg *pg)
{
	char cmd[700];

	if (pg->running)
		pg_ctl(pg, "stop");
	pg->running = 0;
	if (pg->dir[0] && strncmp(pg->dir, "/tmp/rig-pg-", 12) == 0) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", pg->dir);
		if (system(cmd) != 0)
			fprintf(stderr, "pgserver: could not remove %s\n", pg->dir);
	}
}
