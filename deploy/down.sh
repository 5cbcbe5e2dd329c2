#!/usr/bin/env bash
# Stops the demo cluster (SIGTERM: each node finishes in-flight batches and flushes).
#   deploy/down.sh           stop, keep data      deploy/down.sh --purge   stop and delete out/demo
set -euo pipefail
source "$(dirname "$0")/cluster.sh"
for (( i=${#NODES[@]}-1; i>=0; i-- )); do
  node=${NODES[$i]}
  pidfile=$OUT/$node.pid
  [ -f "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "down: $node did not stop in 10 s; killing" >&2
      kill -KILL "$pid"
    fi
    echo "down: $node stopped"
  fi
  rm -f "$pidfile"
done
if [ "${1:-}" = "--purge" ]; then rm -rf "$OUT"; echo "down: removed $OUT"; fi
