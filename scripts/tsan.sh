#!/usr/bin/env bash
# Builds with ThreadSanitizer into build-tsan and runs every test there (or those matching
# the ctest regex given: scripts/tsan.sh 'Exchange|Store'). A data race fails its test (TSan
# exits 66); every report is also kept in build-tsan/tsan-reports/. Suppressions, each with
# its reason, are in tests/tsan/suppressions.txt. Debian's Abseil is not instrumented, so
# tests/tsan/absl_sync_tsan.cc is preloaded to show TSan its locks. Heavy: a cold build takes
# the better part of an hour on two cores; JOBS sets the build's parallelism (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build-tsan}
JOBS=${JOBS:-2}
if [[ ! -f "$BUILD_DIR/build.ninja" ]]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DTIERHUB_TSAN=ON >/dev/null
fi
# TSAN_BUILD_TARGETS="absl_sync_tsan common_test" builds only those (with a REGEX to match).
# shellcheck disable=SC2086
ninja -C "$BUILD_DIR" -j "$JOBS" ${TSAN_BUILD_TARGETS:-}
reports="$PWD/$BUILD_DIR/tsan-reports"
rm -rf "$reports"
mkdir -p "$reports"
export LD_PRELOAD="$PWD/$BUILD_DIR/tests/tsan/libabsl_sync_tsan.so"
export TSAN_OPTIONS="suppressions=$PWD/tests/tsan/suppressions.txt:halt_on_error=0:exitcode=66:second_deadlock_stack=1:history_size=4:log_path=$reports/tsan"
set +e
ctest --test-dir "$BUILD_DIR" --output-on-failure -j 1 ${1:+-R "$1"}
rc=$?
set -e
count=$(cat "$reports"/tsan.* 2>/dev/null | grep -c '^WARNING: ThreadSanitizer' || true)
echo "tsan_reports=$count"
echo "reports_dir=$reports"
exit "$rc"
