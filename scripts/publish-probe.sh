#!/usr/bin/env bash
# Publishes the probe's release artifacts into artifacts/probe/<rid>/ and prints each one's size and the x64
# probe's start-up time.
#   scripts/publish-probe.sh [rid...]        default: linux-x64 linux-arm64
#   NETPULSE_ARM64_AOT=1 scripts/publish-probe.sh linux-arm64
#
# linux-x64: Native AOT (one native file; needs clang and zlib1g-dev: scripts/prerequisites.sh installs them).
# linux-arm64: self-contained, trimmed, single file, running on the JIT. Native AOT for arm64 needs a cross
# linker and an arm64 zlib (Debian: gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu zlib1g-dev:arm64 after
# `dpkg --add-architecture arm64`); with those installed, NETPULSE_ARM64_AOT=1 publishes it as Native AOT too.
# It is opt-in because a second AOT compile would double this step's time in CI.
# Debug symbols (.dbg, .pdb) go to artifacts/probe/symbols/<rid>/, not into the artifact.
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
project=probe/NetPulse.Probe/NetPulse.Probe.csproj
rids=("$@")
[ ${#rids[@]} -eq 0 ] && rids=(linux-x64 linux-arm64)

host_rid="linux-$(uname -m | sed 's/x86_64/x64/; s/aarch64/arm64/')"

publish() {
  local rid="$1" out="artifacts/probe/$1" kind
  local args=(-c Release -r "$rid" -nologo -v q -o "$out")
  if [ "$rid" = "$host_rid" ] || { [ "$rid" = linux-arm64 ] && [ "${NETPULSE_ARM64_AOT:-0}" = 1 ]; }; then
    command -v clang >/dev/null 2>&1 || { echo "!! Native AOT needs clang and zlib1g-dev: run scripts/prerequisites.sh" >&2; exit 1; }
    kind="Native AOT"
  else
    kind="self-contained, trimmed, single file (JIT)"
    args+=(-p:PublishAot=false --self-contained -p:PublishTrimmed=true -p:PublishSingleFile=true)
  fi

  rm -rf "$out"
  local started=$SECONDS
  dotnet publish "$project" "${args[@]}"
  mkdir -p "artifacts/probe/symbols/$rid"
  find "$out" -maxdepth 1 \( -name '*.dbg' -o -name '*.pdb' \) -exec mv -t "artifacts/probe/symbols/$rid" {} +
  printf '==> %-12s %s: %s MiB binary, %s MiB folder (published in %d s)\n' "$rid" "$kind" \
    "$(awk "BEGIN { printf \"%.1f\", $(stat -c %s "$out/netpulse-probe") / 1048576 }")" \
    "$(du -sk "$out" | awk '{ printf "%.1f", $1 / 1024 }')" $((SECONDS - started))
}

# Start-up: time to --version's exit, to `status`'s (configuration, host and spool read), and to the first round of
# pings (a `ping` of loopback, which builds the ICMP engine and waits for one reply).
startup() {
  local binary="artifacts/probe/$host_rid/netpulse-probe" spool
  [ -x "$binary" ] || return 0
  spool="$(mktemp -d)"
  ms() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s%N); echo $(((t1 - t0) / 1000000)); }
  best() { local b=999999 t; for _ in 1 2 3; do t=$(ms "$@"); [ "$t" -lt "$b" ] && b=$t; done; echo "$b"; }
  printf '==> %s start-up (best of 3): --version %s ms, status %s ms, first ping round (ping 127.0.0.1 -c 1) %s ms\n' \
    "$host_rid" "$(best "$binary" --version)" "$(best "$binary" status "--Probe:Spool:Path=$spool")" \
    "$(best "$binary" ping 127.0.0.1 -c 1)"
  rm -rf "$spool"
}

for rid in "${rids[@]}"; do
  publish "$rid"
done
startup
