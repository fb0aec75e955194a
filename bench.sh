#!/usr/bin/env bash
# Prints NetPulse's benchmark figures (see README "Benchmarks"). Run on a quiet machine, as root
# (the probe's raw-socket path and fping at 1 ms spacing need it).
#   ./bench.sh probe [seconds=60] [targets=1000]
set -euo pipefail
cd "$(dirname "$0")"
source scripts/prerequisites.sh
dotnet build NetPulse.sln -c Release -nologo -v q >/dev/null
exec dotnet run --project tests/NetPulse.Benchmarks -c Release --no-build -- "$@"
