#!/usr/bin/env bash
# Installs the Debian 12 packages tierhub needs to build, test and run. Idempotent.
set -euo pipefail
pkgs=(
  build-essential cmake ninja-build pkg-config git
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  librocksdb-dev libabsl-dev libgtest-dev libgmock-dev
  libssl-dev openssl python3 python3-grpcio python3-grpc-tools libxlsxwriter-dev libjemalloc-dev
  # The web console (docs/CONSOLE.md) and its tests: browser, WebDriver, promtool, and a CJK
  # font so that the screenshots show Chinese.
  libcpp-httplib-dev libargon2-dev libjs-chart.js
  chromium chromium-driver python3-selenium prometheus fonts-wqy-zenhei
)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#pkgs[@]} packages present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
