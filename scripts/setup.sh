#!/usr/bin/env bash
# Installs every Debian package that building, testing and benchmarking Pomost needs.
# Idempotent and quiet when everything is already there. Boost comes as the versioned 1.81
# packages: the unversioned libboost-*-dev (1.74) conflicts with them.
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config make git
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev sqlite3 libsodium-dev libssl-dev libpq-dev
  postgresql-15 postgresql-client-15
  libhowardhinnant-date-dev tzdata
  libcli11-dev libspdlog-dev libfmt-dev libtomlplusplus-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang-format clang-tidy
  python3 openssl wrk
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
