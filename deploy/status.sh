#!/usr/bin/env bash
# One line per demo node: running or not, link to the parent, pending changes and lag.
set -uo pipefail
source "$(dirname "$0")/cluster.sh"
printf '%-10s %-7s %-8s %-22s %-10s %8s %7s\n' NODE REGION PROCESS "UPLINK" STATE PENDING LAG_S
for node in "${NODES[@]}"; do
  region=$(config_value "$node" region_code)
  pidfile=$OUT/$node.pid
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then proc=running; else proc=down; fi
  if [ "$proc" = running ] && json=$(ctl_ops "$node" status --json 2>/dev/null); then
    read -r parent state pending lag < <(/usr/bin/python3 -c '
import json, sys
s = json.load(sys.stdin); u = s.get("upward", {})
print(u.get("peer_node_id", "-") or "-", u.get("state", "LINK_STATE_ROOT")[11:].lower() or "-",
      u.get("pending_changes", 0), round(u.get("lag_seconds", 0), 1))' <<<"$json")
  else
    parent=- state=- pending=- lag=-
  fi
  printf '%-10s %-7s %-8s %-22s %-10s %8s %7s\n' "$node" "$region" "$proc" "$parent" "$state" "$pending" "$lag"
done
