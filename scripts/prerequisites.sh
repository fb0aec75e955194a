#!/usr/bin/env bash
# Installs what NetPulse's local run and tests need on a clean Debian machine, skipping what is there.
# Sourced by run-local.sh and run-tests.sh; safe to run again.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

need_debian_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "==> installing Debian packages: ${missing[*]}"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      echo "!! not root and no sudo: install these yourself: ${missing[*]}" >&2; return 1
    fi
  fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

need_npm_packages() {
  local dir="$1"
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    echo "==> npm ci in ${dir#"$repo_root"/}"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# Native AOT publish of the probe (scripts/publish-probe.sh): the ILCompiler links with clang and needs zlib.
# The ILCompiler itself is a NuGet package that the SDK restores at publish time.
need_native_aot_toolchain() {
  need_debian_packages clang zlib1g-dev
}

check_tools() {
  command -v dotnet >/dev/null 2>&1 || { echo "!! the .NET 10 SDK is required: https://dot.net/download" >&2; exit 1; }
  command -v node >/dev/null 2>&1 || need_debian_packages nodejs npm
}

check_tools
# iproute2: network namespaces for outage tests; fping: the peer the probe is measured against;
# iputils-ping: ping; procps: ps for the benchmark; ca-certificates for NuGet;
# chromium: the dashboard's browser tests; fonts-dejavu-core: text in report chart images.
need_debian_packages iproute2 fping iputils-ping procps ca-certificates chromium fonts-dejavu-core jq
need_npm_packages "$repo_root/tools/azurite"
need_npm_packages "$repo_root/web"
need_native_aot_toolchain
