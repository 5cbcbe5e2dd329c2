#!/usr/bin/env bash
# Formats (or with --check, checks) every C++ file of ours with clang-format.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=(-i)
[ "${1:-}" = "--check" ] && mode=(--dry-run --Werror)
git ls-files --cached --others --exclude-standard '*.cc' '*.h' |
  while read -r f; do [ -f "$f" ] && echo "$f"; done | xargs -r clang-format "${mode[@]}"
