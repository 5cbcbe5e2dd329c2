#!/usr/bin/env bash
# The demo: installs what is needed, builds, starts a real cluster on loopback (the province,
# Foshan with three districts, Guangzhou with one, Dongguan without counties; one tierhubd
# process each, mutual TLS), loads a clearly synthetic data set at the cities and counties,
# waits until the province holds all of it, and prints the sync picture.
#   ./scripts/demo.sh            leave the cluster running (stop with deploy/down.sh)
#   ./scripts/demo.sh --down     stop it at the end
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh
./deploy/down.sh --purge >/dev/null 2>&1 || true
./deploy/up.sh
source deploy/cluster.sh

echo
echo "== loading synthetic enterprises and equipment at the cities and counties"
declare -A COUNT=([chancheng]=120 [nanhai]=160 [shunde]=220 [zengcheng]=90 [dongguan]=180)
expected=0
for node in chancheng nanhai shunde zengcheng dongguan; do
  ctl_as_node "$node" load-synthetic --region="$(config_value "$node" region_code)" \
    --count="${COUNT[$node]}"
  expected=$((expected + COUNT[$node]))
done

echo
echo "== waiting for the province to hold all $expected enterprises"
for _ in $(seq 1 300); do
  have=$(ctl_ops gd records --prefix=ent/ --json --limit=0 | grep -c '"KEY"' || true)
  [ "$have" -ge "$expected" ] && break
  sleep 0.2
done
echo "province holds $have enterprises"

echo
echo "== sync status of every node"
./deploy/status.sh
echo
echo "== the province's links"
ctl_ops gd status

cat <<MSG

The cluster is running. Try, from $(pwd):
  source deploy/cluster.sh
  ctl_ops gd status                        # the province's links and counters
  ctl_ops foshan records --prefix=eqp/     # equipment Foshan holds
  ctl_ops gd conflicts                     # concurrent edits, if any
  ./deploy/status.sh                       # one line per node
  ./deploy/down.sh                         # stop (add --purge to delete out/demo)
MSG
if [ "${1:-}" = "--down" ]; then ./deploy/down.sh; fi
