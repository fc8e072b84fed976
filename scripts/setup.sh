#!/usr/bin/env bash
# Installs every Debian package that building, testing and benchmarking Pomost needs.
# Idempotent and quiet when everything is already there. Boost comes as the versioned 1.81
# packages: the unversioned libboost-*-dev (1.74) conflicts with them.
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config make git
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev sqlite3 libsodium-dev libssl-dev libpq-dev libcurl4-openssl-dev
  postgresql-15 postgresql-client-15
  libhowardhinnant-date-dev tzdata
  libcli11-dev libspdlog-dev libfmt-dev libtomlplusplus-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang-format clang-tidy
  python3 openssl wrk
  nodejs chromium fonts-dejavu-core
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

# Vite 7 needs Node.js 20.19 or newer (the nodejs package of this image's NodeSource source).
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'; then
  echo "setup: Node.js $(node --version 2>/dev/null || echo missing) is too old for the web app; need >= 20.19" >&2
  exit 1
fi
