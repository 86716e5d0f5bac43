#!/bin/sh
# Rebuilds the seed corpus of the ELF fuzz target (tests/fuzz/corpus/elf/):
# small real ELF files from the compilers on this machine, heads of larger
# ones, and a non-ELF file. A developer tool; the corpus is committed.
set -eu
out=${1:-$(dirname "$0")/../fuzz/corpus/elf}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
cat > "$tmp/hello.c" <<'C'
#include <stdio.h>
int g = 3; static char big[10000]; __thread int tl; __thread int tld = 5;
int main(void){ big[0]=1; tl=tld; printf("hi %d\n", g+big[1]+tl); return 0; }
C
cat > "$tmp/o.c" <<'C'
int x = 1; static int y[64]; int f(void){return x + y[3];}
C
gcc -O2 -s -o "$out/x86_64-dynamic-stripped" "$tmp/hello.c"
gcc -O2 -c -o "$out/x86_64-relocatable.o" "$tmp/o.c"
gcc -O2 -static -o "$tmp/static" "$tmp/hello.c"
head -c 6000 "$tmp/static" > "$out/x86_64-static-head-6000"
head -c 64 "$out/x86_64-dynamic-stripped" > "$out/header-only-64"
if command -v aarch64-linux-gnu-gcc >/dev/null; then
	aarch64-linux-gnu-gcc -O2 -s -Wl,-z,max-page-size=4096 -Wl,-z,common-page-size=4096 \
		-o "$out/aarch64-dynamic-stripped" "$tmp/hello.c"
fi
if command -v arm-none-eabi-gcc >/dev/null; then
	arm-none-eabi-gcc -O2 -nostdlib -mthumb -mcpu=cortex-m3 -Wl,-e,f \
		-o "$out/thumb-bare-metal" "$tmp/o.c"
	arm-none-eabi-gcc -O2 -mthumb -mcpu=cortex-m0 -c -o "$out/thumb-relocatable.o" "$tmp/o.c"
fi
go=$(command -v go || echo /usr/local/go/bin/go)
if [ -x "$go" ]; then
	printf 'package main\nimport "fmt"\nfunc main(){ fmt.Println("hi") }\n' > "$tmp/hg.go"
	(cd "$tmp" && GOTOOLCHAIN=local CGO_ENABLED=0 "$go" build -o hg hg.go)
	head -c 4096 "$tmp/hg" > "$out/go-head-4k"
fi
printf '#!/bin/sh\necho not elf\n' > "$out/not-elf.sh"
ls -l "$out"
