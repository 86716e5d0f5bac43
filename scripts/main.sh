#!/usr/bin/env bash
# The main job: set up what is missing, build rig, and bench the default
# matrix (hello/cpu/alloc x gc, gc-stripped, gccgo, gccgo-static, C, and
# TinyGo/Gollvm rows skipped when absent) on the host and the emulated
# microcontroller. Extra arguments go to `rig bench`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. scripts/env.sh
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/release -j"$(nproc)" >/dev/null
echo "main: build/release/host/rig bench $*" >&2
exec build/release/host/rig bench "$@"
