#!/usr/bin/env bash
# Fuzzes one target of tests/fuzz for a while with libFuzzer (Debian's clang, ASan + UBSan):
#   scripts/fuzz.sh TARGET SECONDS      e.g. scripts/fuzz.sh csv_list 300
#   scripts/fuzz.sh all SECONDS         each target in turn, SECONDS each
# Targets: csv_list csv_readings node_config change_codec push_batch. Builds into build-fuzz
# (configured here, -DTIERHUB_FUZZ=ON). New inputs go to build-fuzz/corpus/TARGET (the seeds
# in tests/fuzz/corpus/TARGET are read, never written); a crash leaves crash-* in
# build-fuzz/artifacts/TARGET/. Copy a crash input into the seed corpus with its fix, so that
# the ordinary CTest FuzzCorpus.TARGET keeps it fixed. Prints name=value lines at the end.
# FUZZ_NO_BUILD=1 runs the fuzzer as built (while another build runs in build-fuzz).
set -euo pipefail
cd "$(dirname "$0")/.."
TARGETS=(csv_list csv_readings node_config change_codec push_batch)
if [[ $# -ne 2 ]]; then
  echo "usage: $0 TARGET|all SECONDS   (targets: ${TARGETS[*]})" >&2
  exit 2
fi
target=$1
seconds=$2
if [[ "$target" == all ]]; then
  for t in "${TARGETS[@]}"; do "$0" "$t" "$seconds"; done
  exit 0
fi
BUILD_DIR=${BUILD_DIR:-build-fuzz}
JOBS=${JOBS:-2}
if [[ ! -f "$BUILD_DIR/build.ninja" ]]; then
  CC=clang CXX=clang++ cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DTIERHUB_FUZZ=ON >/dev/null
fi
[[ -n "${FUZZ_NO_BUILD:-}" ]] || ninja -C "$BUILD_DIR" -j "$JOBS" "${target}_fuzzer"
corpus="$BUILD_DIR/corpus/$target"
artifacts="$BUILD_DIR/artifacts/$target"
mkdir -p "$corpus" "$artifacts"
log="$BUILD_DIR/fuzz-$target.log"
stamp="$BUILD_DIR/fuzz-$target.started"
touch "$stamp"
set +e
ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  "$BUILD_DIR/tests/fuzz/${target}_fuzzer" -max_total_time="$seconds" -timeout=20 \
  -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 -artifact_prefix="$artifacts/" \
  "$corpus" "tests/fuzz/corpus/$target" 2>"$log"
rc=$?
set -e
execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
# Only this run's: the directory keeps earlier runs' inputs until they are moved to the corpus.
crashes=$(find "$artifacts" -type f -newer "$stamp" \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
echo "target=$target"
echo "seconds=$seconds"
echo "executions=${execs:-0}"
echo "exit_code=$rc"
echo "new_artifacts=$crashes"
echo "log=$log"
exit "$rc"
