#!/usr/bin/env bash
# Starts the demo cluster: every node in deploy/demo/ as its own tierhubd process on loopback,
# with mutual TLS from a development CA (out/demo/certs). Idempotent: running nodes are kept.
#   deploy/up.sh            start (build first: ./scripts/build.sh)
# Logs: out/demo/<node>.log. Stop with deploy/down.sh, look with deploy/status.sh.
set -euo pipefail
source "$(dirname "$0")/cluster.sh"
[ -x "$TIERHUBD" ] || { echo "up: $TIERHUBD not built; run ./scripts/build.sh" >&2; exit 1; }
mkdir -p "$OUT/certs"
cd "$ROOT"

for node in "${NODES[@]}"; do
  [ -f "$OUT/certs/$node.pem" ] ||
    "$ROOT/deploy/dev-ca.sh" "$OUT/certs" node "$node" "$(config_value "$node" region_code)" >/dev/null
done
[ -f "$OUT/certs/ops-440000-demo.pem" ] || "$ROOT/deploy/dev-ca.sh" "$OUT/certs" ops 440000 demo >/dev/null
for dept in MIIT DRC ECO SAMR MEM NEA; do
  [ -f "$OUT/certs/$dept-440000-clerk.pem" ] ||
    "$ROOT/deploy/dev-ca.sh" "$OUT/certs" dept "$dept" 440000 clerk >/dev/null
done

# The consoles' demo logins (docs/CONSOLE.md) and the metrics token, before any node reads them.
if [ ! -f "$OUT/web-users" ]; then
  echo "demo-2019" | "$TIERHUBCTL" web-user add demo ops:440000:demo --accounts="$OUT/web-users" \
    --password-stdin >/dev/null
  echo "demo-2019" | "$TIERHUBCTL" web-user add foshan ops:440600:foshan \
    --accounts="$OUT/web-users" --password-stdin >/dev/null
fi
[ -f "$OUT/metrics-token" ] || openssl rand -hex 24 >"$OUT/metrics-token"

for node in "${NODES[@]}"; do
  pidfile=$OUT/$node.pid
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    echo "up: $node already running (pid $(cat "$pidfile"))"
    continue
  fi
  mkdir -p "$OUT/$node"
  nohup "$TIERHUBD" --config="$CONFIG_DIR/$node.textproto" >>"$OUT/$node.log" 2>&1 &
  echo $! >"$pidfile"
  ok=""
  for _ in $(seq 1 100); do
    if ctl_ops "$node" health >/dev/null 2>&1; then ok=1; break; fi
    kill -0 "$(cat "$pidfile")" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$ok" ]; then
    echo "up: $node did not start; last lines of $OUT/$node.log:" >&2
    tail -n 5 "$OUT/$node.log" >&2
    exit 1
  fi
  echo "up: $node ($(config_value "$node" region_code)) serving at $(config_value "$node" listen_address)"
done
