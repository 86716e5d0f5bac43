# A PostgreSQL server for the farm test and benchmarks, sourced by
# tests/farm/farm_pg.sh and bench/farm_queue_bench.sh: initdb and pg_ctl into a
# directory of the caller's, unix socket only (no TCP port), trust
# authentication, fsync off (a test server: nothing here outlives the run;
# PG_FSYNC=on for a benchmark, as a farm controller runs).
# PostgreSQL refuses root, so as root the server runs as user postgres.
#
#   pg_ok                 0 when a server can be started here, else why
#   pg_up DIR             start one with an empty database rig; URL in pg_url
#   pg_restart DIR        fast shutdown and start on the same data
#   pg_down DIR           stop it (the caller removes DIR)
pg_bin=${RIG_PG_BIN:-/usr/lib/postgresql/15/bin}

pg_as() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

pg_ok() {
  [ -x "$pg_bin/initdb" ] || { echo "PostgreSQL server binaries absent ($pg_bin/initdb; scripts/setup.sh installs postgresql-15)"; return 1; }
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || { echo "root and no user postgres to run the server as"; return 1; }
    command -v runuser >/dev/null || { echo "root and no runuser to run the server as postgres"; return 1; }
  fi
}

pg_start() {
  # idle_in_transaction_session_timeout: a client stopped inside a
  # transaction (a hung host) must not hold its row locks for ever
  pg_as "$pg_bin/pg_ctl" -D "$1/data" -l "$1/log" -w -o \
    "-c listen_addresses='' -k $1 -c fsync=${PG_FSYNC:-off} -c max_connections=300 -c idle_in_transaction_session_timeout=5s" \
    start >/dev/null
}

pg_up() {
  mkdir -p "$1"
  [ "$(id -u)" = 0 ] && chown postgres "$1"
  pg_as "$pg_bin/initdb" -D "$1/data" -U postgres -A trust -E UTF8 --locale=C -N >"$1/initdb.log" 2>&1 ||
    { echo "initdb failed: $(tail -3 "$1/initdb.log")" >&2; return 1; }
  pg_start "$1" || { echo "pg_ctl start failed: $(tail -3 "$1/log")" >&2; return 1; }
  pg_as "$pg_bin/createdb" -h "$1" -U postgres rig || return 1
  pg_url="postgresql:///rig?host=$1&user=postgres"
}

pg_restart() {
  pg_as "$pg_bin/pg_ctl" -D "$1/data" -m fast -w stop >/dev/null && pg_start "$1"
}

pg_down() {
  [ -d "$1/data" ] && pg_as "$pg_bin/pg_ctl" -D "$1/data" -m fast -w stop >/dev/null 2>&1
  return 0
}
