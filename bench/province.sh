#!/usr/bin/env bash
# bench/run province (docs/BENCHMARKS.md, "The whole province"): the 144 nodes of
# deploy/guangdong (province, 21 cities, 122 counties and districts) as real tierhubd processes
# on this machine (deploy/guangdong/up-local.sh), every county loading its share of
# --enterprises synthetic enterprises (with their equipment), 4 loaders at a time. Prints
# name=value lines: how long the start took, how long until the province held every county's
# last change (province_converge_s: from the first load to the province's watermark of every
# county equal to that county's own_origin_seq), changes/s, the province's CPU per change,
# whether the province's records of each county equal the county's own (digest of
# ent/91<county>: digests_equal of 122, which together are the union of the counties' writes),
# and the memory of the 144 processes.
#   bench/province.sh [--enterprises N (default 200000)] [--keep]   (bench/run province builds)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
enterprises=200000 keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --enterprises=*) enterprises=${1#--enterprises=} ;;
    --enterprises) enterprises=${2:?--enterprises needs a number}; shift ;;
    --keep) keep=1 ;;
    *) echo "usage: bench/province.sh [--enterprises N] [--keep]" >&2; exit 2 ;;
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
per_county=$(((enterprises + ${#counties[@]} - 1) / ${#counties[@]}))
# User + system CPU seconds of a process so far.
cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); print ($12 + $13) / hz }' "/proc/$1/stat"; }
province_pid=$(cat "$out/$province.pid")
log "${#counties[@]} counties load $per_county enterprises each"
cpu_before=$(cpu_of "$province_pid")
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
cpu_after=$(cpu_of "$province_pid")
changes=0
for node in "${counties[@]}"; do changes=$((changes + want[$node])); done

equal=0
for node in "${counties[@]}"; do
  prefix=ent/91$(config_value "$node" region_code)
  a=$(ctl_ops "$node" digest --prefix="$prefix" --json)
  b=$(ctl_ops "$province" digest --prefix="$prefix" --json)
  [ "$a" = "$b" ] && equal=$((equal + 1)) || log "digest of $prefix differs: $node $a, province $b"
done

rss_total=0 rss_province=0 peaks=()
for pidfile in "$out"/*.pid; do
  pid=$(cat "$pidfile")
  rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
  hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status")
  rss_total=$((rss_total + rss))
  peaks+=("$hwm")
  [ "$(basename "$pidfile" .pid)" = "$province" ] && rss_province=$hwm
done
mapfile -t sorted < <(printf '%s\n' "${peaks[@]}" | sort -n)
peak_max=${sorted[-1]}
peak_median=${sorted[$((${#sorted[@]} / 2))]}
nodes=$(ls "$out"/*.pid | wc -l)
echo "nodes=$nodes"
echo "counties=${#counties[@]}"
echo "enterprises=$((per_county * ${#counties[@]}))"
echo "enterprises_per_county=$per_county"
echo "start_s=$start_s"
echo "load_s=$load_s"
echo "changes_total=$changes"
echo "province_converge_s=$converge_s"
echo "changes_per_s_to_province=$(awk -v c="$changes" -v s="$converge_s" 'BEGIN { printf "%.0f", c / s }')"
echo "province_cpu_us_per_change=$(awk -v a="$cpu_before" -v b="$cpu_after" -v c="$changes" 'BEGIN { printf "%.1f", (b - a) * 1e6 / c }')"
echo "digests_equal=$equal"
echo "rss_total_mb=$((rss_total / 1024))"
echo "peak_rss_max_mb=$((peak_max / 1024))"
echo "peak_rss_median_mb=$((peak_median / 1024))"
echo "peak_rss_province_mb=$((rss_province / 1024))"
