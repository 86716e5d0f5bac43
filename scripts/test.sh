#!/usr/bin/env bash
# Every test: set up what is missing, build with ASan/UBSan and warnings as
# errors (and the release build with warnings as errors), run ctest (unit,
# integration, fuzz-corpus replays, tool checks).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. scripts/env.sh
cmake -S . -B build/test -DCMAKE_BUILD_TYPE=Debug -DRIG_SANITIZE=ON -DRIG_WERROR=ON >/dev/null
cmake --build build/test -j"$(nproc)" >/dev/null
# The release build too, warnings as errors: gcc -O2 warns about things
# (-Wmaybe-uninitialized) that the -O0 test build cannot see.
cmake -S . -B build/release-check -DCMAKE_BUILD_TYPE=Release -DRIG_WERROR=ON >/dev/null
cmake --build build/release-check -j"$(nproc)" >/dev/null
cd build/test
ctest --output-on-failure -j2 "$@"
