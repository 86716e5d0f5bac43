#!/bin/sh
# Builds a static rig-agent for a board architecture with Debian's cross gcc.
#   firmware/agent/build-cross.sh aarch64|armhf|x86_64 OUTPUT
set -eu
arch=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
case "$arch" in
aarch64) cc=aarch64-linux-gnu-gcc ;;
armhf) cc=arm-linux-gnueabihf-gcc ;;
x86_64) cc=gcc ;;
*) echo "build-cross.sh: unknown arch '$arch' (aarch64, armhf, x86_64)" >&2; exit 2 ;;
esac
command -v "$cc" >/dev/null || { echo "build-cross.sh: $cc is not installed (scripts/setup.sh)" >&2; exit 1; }
mkdir -p "$(dirname "$out")"
"$cc" -std=c11 -O2 -Wall -Wextra -Wno-unused-parameter -static -s \
  -I"$here" -I"$here/../protocol" -I"$here/../contain" -o "$out.tmp" \
  "$here/main.c" "$here/log.c" "$here/session.c" "$here/put.c" "$here/run.c" "$here/facts.c" \
  "$here/blake2b.c" "$here/usb_ffs.c" "$here/../protocol/rig_frame.c" "$here/../protocol/rig_frame_crc.c" \
  "$here/../protocol/rig_report.c" \
  "$here/../contain/rig_contain.c" -pthread
mv "$out.tmp" "$out"
