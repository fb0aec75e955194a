#!/usr/bin/env bash
# Prints NetPulse's benchmark figures (see README "Benchmarks"). Run on a quiet machine, as root
# (the probe's raw-socket path and fping at 1 ms spacing need it).
#   ./bench.sh probe [seconds=60] [targets=1000]
#   ./bench.sh wire [repetitions=200]   (wire format v1 vs v2: sizes and encode/decode time; no root needed)
#   ./bench.sh retention [targets=5]   (stored bytes per target-day, steady size and US$ a month for 100 targets, a 400-day chart; no root needed)
#   ./bench.sh logs [minutes=30] [quiet]   (log records, bytes and Application Insights GB and US$ a month at host.json's levels;
#                                           quiet: a calm hour with no dashboard and no malformed message, the cost benchmark's trace model)
set -euo pipefail
cd "$(dirname "$0")"
source scripts/prerequisites.sh
need_native_aot_toolchain  # the probe benchmark publishes the Native AOT binary
dotnet build NetPulse.sln -c Release -nologo -v q >/dev/null
exec dotnet run --project tests/NetPulse.Benchmarks -c Release --no-build -- "$@"
