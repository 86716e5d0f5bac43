#!/usr/bin/env bash
# The main job: set up what is missing, build rig, and bench the default
# matrix (hello/cpu/alloc x gc, gc-stripped, gccgo, gccgo-static, C, and
# TinyGo/Gollvm rows skipped when absent) on the host and the emulated
# microcontroller, then write the HTML report (.rig/report.html, its path
# printed). Extra arguments go to `rig bench`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. scripts/env.sh
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/release -j"$(nproc)" >/dev/null
echo "main: build/release/host/rig bench $*" >&2
rc=0
build/release/host/rig bench "$@" || rc=$?
# the morning report of what is stored (docs/report.md), whatever the bench's status
if build/release/host/rig report -o .rig/report.html; then
  echo "main: report: $(pwd)/.rig/report.html" >&2
fi
exit "$rc"
