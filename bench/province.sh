#!/usr/bin/env bash
# bench/run province (docs/BENCHMARKS.md, "The whole province"): the 144 nodes of
# deploy/guangdong (province, 21 cities, 122 counties and districts) as real tierhubd processes
# on this machine (deploy/guangdong/up-local.sh), every county loading --per-county synthetic
# enterprises (with their equipment) at once, 4 loaders at a time. Prints name=value lines:
# how long the start took, how long until the province held every county's last change
# (converge_s: from the first load to the province's watermark of every county equal to that
# county's own_origin_seq), whether the province's records of each county equal the county's
# own (digest of ent/91<county>, digests_equal of 122), and the memory of the 144 processes.
#   bench/province.sh [--per-county N (default 1000)] [--keep]   (bench/run province builds first)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
per_county=1000 keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --per-county=*) per_county=${1#--per-county=} ;;
    --per-county) per_county=${2:?--per-county needs a number}; shift ;;
    --keep) keep=1 ;;
    *) echo "usage: bench/province.sh [--per-county N] [--keep]" >&2; exit 2 ;;
  esac
  shift
done
export BUILD_DIR=${BUILD_DIR:-$root/build-release}
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
log() { echo "province: $*" >&2; }

"$root/deploy/guangdong/up-local.sh" --purge >/dev/null 2>&1 || true
started=$(now)
log "starting 144 nodes"
"$root/deploy/guangdong/up-local.sh" >/dev/null
start_s=$(since "$started")
trap '[ "$keep" = 1 ] || "$root/deploy/guangdong/up-local.sh" --purge >/dev/null 2>&1 || true' EXIT

out=$root/out/guangdong
export OUT=$out CONFIG_DIR=$out/configs NODES_LIST=""
# shellcheck source=../deploy/cluster.sh
source "$root/deploy/cluster.sh"
mapfile -t counties < <(grep -l '^tier: REGION_LEVEL_COUNTY' "$CONFIG_DIR"/*.textproto |
  xargs -n1 basename | sed 's/\.textproto$//' | sort)
province=gd-440000
log "${#counties[@]} counties load $per_county enterprises each"
loaded=$(now)
running=0
for node in "${counties[@]}"; do
  ctl_as_node "$node" load-synthetic --region="$(config_value "$node" region_code)" \
    --count="$per_county" >/dev/null &
  running=$((running + 1))
  if [ "$running" -ge 4 ]; then wait -n; running=$((running - 1)); fi
done
wait
load_s=$(since "$loaded")
log "loaded in $load_s s; waiting for the province"

# Each county's own_origin_seq, then the province's watermarks until they all match.
declare -A want
for node in "${counties[@]}"; do
  want[$node]=$(ctl_ops "$node" status --json |
    /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin).get("own_origin_seq", 0))')
done
behind=${#counties[@]}
while [ "$behind" -gt 0 ]; do
  marks=$(ctl_ops "$province" status --json)
  behind=0
  for node in "${counties[@]}"; do
    have=$(/usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1]).get("watermarks", {}).get(sys.argv[2], 0))' "$marks" "$node")
    [ "$have" = "${want[$node]}" ] || behind=$((behind + 1))
  done
  if [ "$behind" -gt 0 ]; then
    log "$behind counties not yet complete at the province ($(since "$loaded") s)"
    sleep 2
  fi
  if awk -v s="$(since "$loaded")" 'BEGIN { exit !(s > 1800) }'; then
    echo "province: not converged after 30 minutes" >&2
    exit 1
  fi
done
converge_s=$(since "$loaded")

equal=0
for node in "${counties[@]}"; do
  prefix=ent/91$(config_value "$node" region_code)
  a=$(ctl_ops "$node" digest --prefix="$prefix" --json)
  b=$(ctl_ops "$province" digest --prefix="$prefix" --json)
  [ "$a" = "$b" ] && equal=$((equal + 1)) || log "digest of $prefix differs: $node $a, province $b"
done

rss_total=0 rss_max=0 hwm_max=0 rss_province=0
for pidfile in "$out"/*.pid; do
  pid=$(cat "$pidfile")
  rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
  hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status")
  rss_total=$((rss_total + rss))
  [ "$rss" -gt "$rss_max" ] && rss_max=$rss
  [ "$hwm" -gt "$hwm_max" ] && hwm_max=$hwm
  [ "$(basename "$pidfile" .pid)" = "$province" ] && rss_province=$hwm
done
nodes=$(ls "$out"/*.pid | wc -l)
echo "nodes=$nodes"
echo "counties=${#counties[@]}"
echo "enterprises_per_county=$per_county"
echo "start_s=$start_s"
echo "load_s=$load_s"
echo "converge_s=$converge_s"
echo "digests_equal=$equal"
echo "rss_total_mb=$((rss_total / 1024))"
echo "rss_max_mb=$((rss_max / 1024))"
echo "peak_rss_max_mb=$((hwm_max / 1024))"
echo "peak_rss_province_mb=$((rss_province / 1024))"
