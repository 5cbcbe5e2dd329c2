#!/usr/bin/env bash
# The long partition soak, run on purpose (docs/FAULTS.md): at least 100 SIGKILLs and 10
# partitions of real tierhubd processes, then the exact-state check. Figures go to stdout as
# name=value lines, progress to stderr; exit 0 only if the state is exact.
#
#   tests/system/partition_soak.sh [--kills=100 --partitions=10 --writes=200 --seed=N
#                      --min_partition_seconds=3 --max_partition_seconds=25]
#
# Builds tierhub_partition_soak and tierhubd in $TIERHUB_BUILD (default: build, configured as
# in the README) with at most $TIERHUB_JOBS (2) jobs.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${TIERHUB_BUILD:-$root/build}
jobs=${TIERHUB_JOBS:-2}
if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja >&2
fi
ninja -C "$build" -j"$jobs" tierhub_partition_soak tierhubd >&2
exec "$build/tests/system/tierhub_partition_soak" --kills=100 --partitions=10 "$@"
