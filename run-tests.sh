#!/usr/bin/env bash
# Runs every NetPulse test, installing what they need first. CI calls exactly this (.ci/run).
# Tests that need root (network namespaces, raw ICMP) run when this runs as root and skip, saying why, otherwise.
set -euo pipefail
cd "$(dirname "$0")"
prerequisites_started=$SECONDS
source scripts/prerequisites.sh
stage_first=$SECONDS

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Each stage's wall time, printed at the end: where the run's minutes go (the aim is well under 15).
stage_names=() stage_seconds=() stage_started=$SECONDS run_started=$SECONDS
stage() {
  if ((${#stage_names[@]} > 0)); then stage_seconds+=($((SECONDS - stage_started))); fi
  stage_names+=("$1") stage_started=$SECONDS
  echo "==> $1"
}
stage_times() {
  stage_seconds+=($((SECONDS - stage_started)))
  echo "==> stage times (wall, s); prerequisites before the first stage: $((stage_first - prerequisites_started)) s"
  for i in "${!stage_names[@]}"; do printf '    %5d  %s\n' "${stage_seconds[$i]}" "${stage_names[$i]}"; done
  printf '    %5d  in all, after prerequisites\n' $((SECONDS - run_started))
}

stage "build (warnings are errors)"
dotnet build NetPulse.sln -c Release -nologo -v q

stage "formatting (dotnet format --verify-no-changes)"
dotnet format NetPulse.sln --verify-no-changes --no-restore -v q

stage "Bicep build and lint (infra/)"
scripts/bicep-check.sh

stage "dashboard: type-check and unit tests"
(cd web && npm run typecheck && npm test)

stage "probe release artifacts: linux-x64 Native AOT, linux-arm64 self-contained; sizes and start-up (artifacts/probe)"
need_native_aot_toolchain
need_pdf_tools
scripts/publish-probe.sh

mkdir -p artifacts/test-results
dotnet_test() {
  dotnet test "$@" -c Release --no-build -nologo \
    --logger "trx" --results-directory artifacts/test-results \
    --logger "console;verbosity=minimal"
}

stage ".NET tests: contract, probe, storage, detection, alerts, reports, API, hosts (projects in parallel)"
dotnet_test NetPulse.sln --filter "FullyQualifiedName!~NetPulse.Probe.IntegrationTests&FullyQualifiedName!~NetPulse.EndToEnd&FullyQualifiedName!~NetPulse.Containers"

# The wire tests time pings to a fraction of a millisecond and the end-to-end tests time alerts, so neither runs
# beside a CPU-bound stage. Both mostly wait (on the network, outages and the probe's windows): side by side they kept
# two cores about 30 % busy (measured), so they run together, and the end-to-end classes all at once
# (its xunit.runner.json). The end-to-end output is kept apart and printed after, so the two do not interleave.
stage ".NET tests: the probe on the wire (network namespaces, fping, a real probe killed mid-write) beside end to end (probe + dev host + Azurite + SMTP sink + namespaces)"
need_path_tools
end_to_end_log=artifacts/test-results/end-to-end.log
dotnet_test tests/NetPulse.EndToEnd.Tests/NetPulse.EndToEnd.Tests.csproj > "$end_to_end_log" 2>&1 &
end_to_end_pid=$!
wire_status=0 end_to_end_status=0
dotnet_test tests/NetPulse.Probe.IntegrationTests/NetPulse.Probe.IntegrationTests.csproj || wire_status=$?
wait "$end_to_end_pid" || end_to_end_status=$?
echo "==> end to end (ran beside the wire tests):"
cat "$end_to_end_log"
if ((wire_status != 0 || end_to_end_status != 0)); then
  echo "==> failed: the wire tests exited $wire_status, the end-to-end tests $end_to_end_status" >&2
  exit 1
fi

stage ".NET tests: containers (images built on a local Debian base, the probe with NET_RAW, compose.yaml under podman)"
need_container_tools
dotnet_test tests/NetPulse.Containers.Tests/NetPulse.Containers.Tests.csproj
podman images --filter 'reference=localhost/netpulse-*:local' --format '    image {{.Repository}}:{{.Tag}} {{.Size}}'

stage "dashboard end to end (Debian Chromium against the dev host; screenshots in artifacts/web-e2e)"
(cd web && NETPULSE_E2E_RESULTS="$PWD/../artifacts/web-e2e" npm run test:e2e)
stage_times
