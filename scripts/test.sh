#!/usr/bin/env bash
# Everything `make test` runs: the format check, then unit and API tests on a test build, then
# the same suites under AddressSanitizer and UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)

step() { printf '\n== %s (%ss)\n' "$1" "$(( $(date +%s) - start ))"; }

build() {
  local dir=$1
  shift
  cmake -S . -B "$dir" -G Ninja "$@" >/dev/null
  ninja -C "$dir" -j "${JOBS:-2}" pomost unit_tests
}

step "format check"
mapfile -t sources < <(find src tests bench -name '*.cc' -o -name '*.h' 2>/dev/null | sort)
clang-format --dry-run --Werror "${sources[@]}"

step "build: test"
build build/test -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPOMOST_TESTING=ON
step "unit tests"
build/test/tests/unit_tests --gtest_brief=1
step "API tests (real binary over HTTP)"
python3 tests/api/run.py --binary build/test/src/pomost

if [[ -z "${POMOST_SKIP_SANITIZERS:-}" ]]; then
  step "build: AddressSanitizer + UndefinedBehaviorSanitizer"
  build build/asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS=-O1 -DPOMOST_TESTING=ON -DPOMOST_SANITIZE=ON
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  step "unit tests under sanitizers"
  build/asan/tests/unit_tests --gtest_brief=1
  step "API tests under sanitizers"
  python3 tests/api/run.py --binary build/asan/src/pomost --sanitized
fi

if [[ -f web/package.json ]]; then
  step "web app: build and browser tests (Debian's Chromium, against build/test)"
  bash scripts/web.sh build
  POMOST_BINARY="$PWD/build/test/src/pomost" bash scripts/web.sh test
fi
step "all tests passed"
