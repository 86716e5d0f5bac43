/*
 * A real PostgreSQL server for tests: initdb and pg_ctl into a temporary
 * directory, listening on a unix socket there only (no TCP port), trust
 * authentication, fsync off. PostgreSQL refuses to run as root, so when the
 * test is root the server runs as the user postgres (the directory is
 * chowned to it). Binaries from RIG_PG_BIN or /usr/lib/postgresql/15/bin.
 */
#ifndef RIGTEST_PGSERVER_H
#define RIGTEST_PGSERVER_H

#include <stddef.h>

struct rigtest_pg {
	char bin[512];	/* the server's binaries */
	char dir[512];	/* data in dir/data, socket in dir */
	char url[1024]; /* postgresql:// URL of the database "rig" */
	int running;
};

/* Starts a server with an empty database "rig". 0, or -1 with why in
 * reason (binaries absent, initdb or start failed: the log's tail). */
int rigtest_pg_start(struct rigtest_pg *pg, char *reason, size_t cap);
/* A new empty database name on the server; its URL in url. 0 or -1. */
int rigtest_pg_newdb(struct rigtest_pg *pg, const char *name, char *url, size_t cap);
/* Stops the server (fast shutdown) and starts it again on the same data:
 * open connections break. 0 or -1. */
int rigtest_pg_restart(struct rigtest_pg *pg);
/* Stops the server and removes its directory. */
void rigtest_pg_stop(struct rigtest_pg *pg);

#endif
