#!/bin/sh
# Installed rig without its source tree (ctest "install/bench-without-source"):
#   check_install.sh CMAKE BUILD_DIR SOURCE_DIR
# Installs BUILD_DIR into a temporary prefix, copies the prefix to a new path
# (and removes the original, so nothing can point back to it), then, in a
# mount namespace where SOURCE_DIR and BUILD_DIR are hidden under empty
# tmpfs mounts, from another directory and with RIG_SOURCE_DIR, RIG_DATA_DIR,
# RIG_BINARY_DIR and RIG_EXEC unset, runs
#   rig bench --boards host -w hello -t c -n 3
# (the C workload is compiled from P/share/rig at bench time) and checks that
# `rig results` shows the row and that the state went to the current
# directory, not into the prefix. Also checks that a rig binary copied alone
# refuses data commands with a message naming RIG_DATA_DIR, and reads its
# data from RIG_DATA_DIR when that is set.
# Exits 77 (skipped) when a mount namespace cannot be made here.
set -eu
cmake=$1
build=$(cd "$2" && pwd -P)
src=$(cd "$3" && pwd -P)

fail() {
	echo "FAIL: $*"
	exit 1
}

if ! command -v unshare >/dev/null 2>&1; then
	echo "SKIPPED: unshare (util-linux) is not installed: cannot hide the source tree"
	exit 77
fi
# As root a plain mount namespace; otherwise one inside a user namespace
# (tmpfs may be mounted there when unprivileged user namespaces are enabled).
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
	ns="unshare -m"
elif unshare -rm true 2>/dev/null; then
	ns="unshare -rm"
else
	echo "SKIPPED: no mount namespace allowed here (unshare -m and unshare -rm both refused):" \
		"cannot hide the source tree"
	exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rig-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
case "$tmp/" in "$src"/* | "$build"/*) fail "temporary directory $tmp is inside the tree it must hide" ;; esac

"$cmake" --install "$build" --prefix "$tmp/first" >"$tmp/install.log" 2>&1 ||
	fail "cmake --install failed: $(cat "$tmp/install.log")"
for f in bin/rig lib/rig/rig-exec lib/rig/rig-agent share/rig/host/toolchains.yaml \
	share/rig/boards/host.yaml share/rig/firmware/workloads/c/hello.c \
	share/rig/firmware/protocol/rig_report.c; do
	[ -e "$tmp/first/$f" ] || fail "the install has no $f"
done
cp -a "$tmp/first" "$tmp/moved"
rm -rf "$tmp/first"
prefix=$tmp/moved
mkdir "$tmp/work" "$tmp/alone"
cp "$prefix/bin/rig" "$tmp/alone/rig"
touch "$tmp/stamp"

# Everything below runs with the trees hidden. Exit codes: 0 ok, 1 failed.
cat >"$tmp/inside.sh" <<'INSIDE'
set -eu
src=$1 build=$2 prefix=$3 tmp=$4
mount -t tmpfs -o size=1m rig-hidden-source "$src"
case "$build/" in "$src"/*) ;; *) mount -t tmpfs -o size=1m rig-hidden-build "$build" ;; esac
if [ -e "$src/host/toolchains.yaml" ] || [ -e "$build/CMakeCache.txt" ]; then
	echo "FAIL: the source tree is still visible"
	exit 1
fi
unset RIG_SOURCE_DIR RIG_DATA_DIR RIG_BINARY_DIR RIG_EXEC
cd "$tmp/work"
echo "+ $prefix/bin/rig bench --boards host -w hello -t c -n 3 (in $PWD)"
if ! "$prefix/bin/rig" bench --boards host -w hello -t c -n 3 >bench.out 2>bench.err; then
	cat bench.out bench.err
	echo "FAIL: rig bench exited non-zero"
	exit 1
fi
cat bench.out
"$prefix/bin/rig" results >results.out 2>results.err || {
	cat results.err
	echo "FAIL: rig results exited non-zero"
	exit 1
}
cat results.out
# the row: board, workload, profile, 3 samples
if ! grep -q "$(printf '^host\thello\tc\t3\t')" results.out; then
	echo "FAIL: rig results has no 'host hello c 3' row"
	exit 1
fi
[ -f .rig/rig.db ] || { echo "FAIL: no .rig/rig.db in the current directory"; exit 1; }
if "$tmp/alone/rig" boards >alone.out 2>&1; then
	echo "FAIL: a rig without share/rig listed boards:"; cat alone.out; exit 1
fi
grep -q RIG_DATA_DIR alone.out || { echo "FAIL: no hint at RIG_DATA_DIR:"; cat alone.out; exit 1; }
RIG_DATA_DIR=$prefix/share/rig "$tmp/alone/rig" boards >alone-data.out 2>&1 || {
	echo "FAIL: rig boards with RIG_DATA_DIR set failed:"; cat alone-data.out; exit 1
}
grep -q '^ *host ' alone-data.out || { echo "FAIL: RIG_DATA_DIR's boards not listed:"; cat alone-data.out; exit 1; }
exit 0
INSIDE
$ns sh "$tmp/inside.sh" "$src" "$build" "$prefix" "$tmp" || fail "see above"
written=$(find "$prefix" -newer "$tmp/stamp" | head -n 5)
[ -z "$written" ] || fail "rig wrote into its prefix (state belongs in the current directory): $written"
echo "ok: installed rig benched hello/c on host from $prefix with the source tree hidden"
