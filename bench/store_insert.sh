#!/bin/sh
# Store throughput on SQLite and PostgreSQL (bench/store_insert.c): samples
# per second written one transaction each, jobs per second through the
# queue with W workers. The PostgreSQL server is started here (initdb into
# a temporary directory, unix socket only, as user postgres when root; the
# default fsync=on, synchronous_commit=on, as on a farm controller), and
# stopped at the end. Row counts are checked with sqlite3 and psql, and the
# wall time of each run with /usr/bin/time. Not a test: numbers go to
# docs/benchmarks.md by hand.
#
# usage: bench/store_insert.sh [BUILD_DIR] [SAMPLES] [JOBS] [WORKERS]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
n=${2:-2000}
jobs=${3:-2000}
workers=${4:-2}
pgbin=${RIG_PG_BIN:-/usr/lib/postgresql/15/bin}
[ -x "$pgbin/initdb" ] || { echo "store_insert: no PostgreSQL at $pgbin" >&2; exit 77; }
tmp=$(mktemp -d /tmp/rig-pg-bench.XXXXXX)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$tmp"
trap 'as_pg "$pgbin/pg_ctl" -D "$tmp/data" -m fast -w stop >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT

cmake --build "$build" -j2 --target rigcore >/dev/null
flags=$(sed -n 's/^C_FLAGS = //p' "$build/host/CMakeFiles/rigcore.dir/flags.make" | tr -d '\n')
cc -std=c11 -D_GNU_SOURCE $flags $(find "$root/host/src" -name "*.h" -printf "-I%h\n" | sort -u) \
	"$root/bench/store_insert.c" "$build/host/librigcore.a" "$build/firmware/librig_protocol.a" \
	"$build/firmware/librig_contain.a" "$build/wasm-runner/librig_wasm.a" \
	$(pkg-config --libs libpq sqlite3 libfyaml libelf libsodium libserialport jansson libusb-1.0) \
	-lpthread -lm -o "$tmp/store_insert"

as_pg "$pgbin/initdb" -D "$tmp/data" -U postgres -A trust --locale=C -E UTF8 >/dev/null
as_pg "$pgbin/pg_ctl" -D "$tmp/data" -l "$tmp/pg.log" -o "-c listen_addresses='' -k $tmp" -w start >/dev/null
as_pg "$pgbin/createdb" -h "$tmp" rig
url="postgresql:///rig?host=$tmp&user=postgres"

echo "# store_insert: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)"
echo "# $("$pgbin/postgres" --version); SQLite $(sqlite3 --version | cut -d' ' -f1); samples=$n jobs=$jobs workers=$workers"
for store in "$tmp/rig.db" "$url"; do
	/usr/bin/time -f "# wall %e s (/usr/bin/time)" "$tmp/store_insert" "$store" "$n" "$jobs" "$workers"
done
echo "# rows: sqlite3 samples=$(sqlite3 "$tmp/rig.db" 'select count(*) from samples') metrics=$(sqlite3 "$tmp/rig.db" 'select count(*) from metrics') jobs done=$(sqlite3 "$tmp/rig.db" "select count(*) from jobs where state='done'")"
echo "# rows: psql samples=$(psql "$url" -Atc 'select count(*) from samples') metrics=$(psql "$url" -Atc 'select count(*) from metrics') jobs done=$(psql "$url" -Atc "select count(*) from jobs where state='done'")"
