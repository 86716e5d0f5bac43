# Sourced by rig's scripts: puts a Go >= 1.21 on PATH when the machine has
# one (PATH first, then /usr/local/go, then Debian's golang-1.2x packages).
rig_go_ok() {
  command -v go >/dev/null 2>&1 || return 1
  v=$(go env GOVERSION 2>/dev/null | sed 's/^go//')
  major=${v%%.*}; rest=${v#*.}; minor=${rest%%.*}
  [ -n "$major" ] && [ "$major" -ge 1 ] 2>/dev/null && { [ "$major" -gt 1 ] || [ "${minor:-0}" -ge 21 ]; }
}
if ! rig_go_ok; then
  for d in /usr/local/go/bin /usr/lib/go-1.23/bin /usr/lib/go-1.22/bin /usr/lib/go-1.21/bin; do
    if [ -x "$d/go" ]; then PATH="$d:$PATH"; export PATH; rig_go_ok && break; fi
  done
fi
