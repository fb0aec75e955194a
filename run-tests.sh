#!/usr/bin/env bash
# Runs every NetPulse test, installing what they need first. CI calls exactly this (.ci/run).
# Tests that need root (network namespaces, raw ICMP) run when this runs as root and skip, saying why, otherwise.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/prerequisites.sh

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

echo "==> build (warnings are errors)"
dotnet build NetPulse.sln -c Release -nologo -v q

echo "==> formatting (dotnet format --verify-no-changes)"
dotnet format NetPulse.sln --verify-no-changes --no-restore -v q

echo "==> Bicep build and lint (infra/)"
scripts/bicep-check.sh

echo "==> dashboard: type-check and unit tests"
(cd web && npm run typecheck && npm test)

echo "==> probe release artifacts: linux-x64 Native AOT, linux-arm64 self-contained; sizes and start-up (artifacts/probe)"
need_native_aot_toolchain
need_pdf_tools
scripts/publish-probe.sh

mkdir -p artifacts/test-results
dotnet_test() {
  dotnet test "$@" -c Release --no-build -nologo \
    --logger "trx" --results-directory artifacts/test-results \
    --logger "console;verbosity=minimal"
}

echo "==> .NET tests: contract, probe, storage, detection, alerts, reports, API, hosts (projects in parallel)"
dotnet_test NetPulse.sln --filter "FullyQualifiedName!~NetPulse.Probe.IntegrationTests&FullyQualifiedName!~NetPulse.EndToEnd&FullyQualifiedName!~NetPulse.Containers"

# The wire tests time pings to a fraction of a millisecond and the end-to-end tests time alerts: each runs alone,
# so their bounds hold on two cores without a parallel test project stealing the CPU they measure.
echo "==> .NET tests: the probe on the wire (network namespaces, fping, a real probe killed mid-write)"
need_path_tools
dotnet_test tests/NetPulse.Probe.IntegrationTests/NetPulse.Probe.IntegrationTests.csproj

echo "==> .NET tests: end to end (probe + dev host + Azurite + SMTP sink + namespaces)"
dotnet_test tests/NetPulse.EndToEnd.Tests/NetPulse.EndToEnd.Tests.csproj

echo "==> .NET tests: containers (images built on a local Debian base, the probe with NET_RAW, compose.yaml under podman)"
need_container_tools
dotnet_test tests/NetPulse.Containers.Tests/NetPulse.Containers.Tests.csproj
podman images --filter 'reference=localhost/netpulse-*:local' --format '    image {{.Repository}}:{{.Tag}} {{.Size}}'

echo "==> dashboard end to end (Debian Chromium against the dev host; screenshots in artifacts/web-e2e)"
(cd web && NETPULSE_E2E_RESULTS="$PWD/../artifacts/web-e2e" npm run test:e2e)
