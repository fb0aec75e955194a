#!/usr/bin/env bash
# Runs NetPulse end to end on this machine: Azurite, the Functions (dev host) on :7071, the dashboard
# on http://127.0.0.1:5173, and a probe pinging a loopback target list. Installs what it needs first. Ctrl+C stops everything.
# Data lives in .netpulse/ (delete it to start over); mail that would have been sent lands in .netpulse/mail.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/prerequisites.sh

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
data="$PWD/.netpulse"
mkdir -p "$data/azurite" "$data/spool" "$data/mail" "$data/logs"

# Each part runs in its own session (setsid), so Ctrl+C reaches only this script, which then stops
# them in order.
pids=()
cleanup() {
  trap - EXIT INT TERM
  echo; echo "==> stopping"
  # Newest first, each waited for: the dev host releases its blob leases on Azurite as it stops, so
  # Azurite must outlive it.
  for ((i=${#pids[@]}-1; i>=0; i--)); do
    pid=${pids[i]}
    kill "$pid" 2>/dev/null || continue
    for _ in $(seq 1 75); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT INT TERM

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() {
  for _ in $(seq 1 300); do port_open "$1" && return 0; sleep 0.2; done
  echo "!! nothing listens on 127.0.0.1:$1 after 60 s ($2); see $data/logs" >&2; exit 1
}

echo "==> building"
dotnet build NetPulse.sln -c Release -nologo -v q

if port_open 10001; then
  echo "==> Azurite already listens on 127.0.0.1:10000-10002; using it"
else
  echo "==> starting Azurite (data in .netpulse/azurite, log in .netpulse/logs/azurite.log)"
  setsid node tools/azurite/node_modules/azurite/dist/src/azurite.js \
    --location "$data/azurite" --disableTelemetry --skipApiVersionCheck --loose \
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 \
    >"$data/logs/azurite.log" 2>&1 &
  pids+=($!)
  wait_port 10001 Azurite
fi

export AzureWebJobsStorage="UseDevelopmentStorage=true"

if [ -d functions/NetPulse.DevHost ]; then
  echo "==> starting the Functions dev host on http://127.0.0.1:7071 (log in .netpulse/logs/functions.log)"
  # No SMTP host: every alert is written to .netpulse/mail as an .eml file you can open.
  # No sign-in: the API on 127.0.0.1 answers every request (in Azure it needs an Entra ID token).
  NetPulse__Auth__Mode=Open \
  NetPulse__Smtp__Host="" NetPulse__Smtp__PickupFolder="$data/mail" \
  NetPulse__Smtp__From="NetPulse <netpulse@localhost>" NetPulse__Smtp__To="you@localhost" \
  ASPNETCORE_URLS="http://127.0.0.1:7071" \
    setsid bash -c 'cd functions/NetPulse.DevHost/bin/Release/net10.0 && exec dotnet NetPulse.DevHost.dll' \
    >"$data/logs/functions.log" 2>&1 &
  pids+=($!)
  wait_port 7071 "Functions dev host"
fi

echo "==> building and serving the dashboard on http://127.0.0.1:5173 (log in .netpulse/logs/web.log)"
(cd web && npm run build >/dev/null)
# node directly, not npm: killing npm's pid would leave vite running
(cd web && exec setsid node node_modules/vite/bin/vite.js preview --host 127.0.0.1 --port 5173 --strictPort) \
  >"$data/logs/web.log" 2>&1 &
pids+=($!)
wait_port 5173 dashboard

echo "==> NetPulse is running: dashboard http://127.0.0.1:5173, API http://127.0.0.1:7071/api, mail in .netpulse/mail"
echo "    sign-in is OFF (NetPulse__Auth__Mode=Open): the API answers without a token, for this local run only"
echo "==> starting the probe (loopback targets from probe/NetPulse.Probe/targets.json); it prints each batch it sends; Ctrl+C stops everything"
if [ "$(id -u)" -ne 0 ]; then
  echo "    (not root: the probe pings through an ICMP datagram socket where net.ipv4.ping_group_range lets your group in, else through System.Net.NetworkInformation.Ping; it logs which at start; see README 'ICMP permissions')"
fi
probe=(dotnet probe/NetPulse.Probe/bin/Release/net10.0/netpulse-probe.dll)
probe_settings=(--Probe:Spool:Path="$data/spool" --Probe:Id=local-probe)
if [ -d functions/NetPulse.DevHost ]; then
  # The backend takes batches only from registered probes: make the probe's key (kept in .netpulse/spool/probe.key
  # across runs) and register it with the dev host's API, which is open locally.
  echo "==> enrolling the probe and registering its key with http://127.0.0.1:7071/api"
  "${probe[@]}" enroll --register http://127.0.0.1:7071/api "${probe_settings[@]}" | sed 's/^/    /'
fi
# The built binary directly, not "dotnet run": signals then reach the probe itself.
setsid "${probe[@]}" run "${probe_settings[@]}" \
  --Logging:LogLevel:NetPulse.Probe.Sending=Debug --Logging:Console:FormatterName=simple \
  --Logging:Console:FormatterOptions:SingleLine=true --Logging:Console:FormatterOptions:TimestampFormat="HH:mm:ss " &
pids+=($!)
wait "${pids[-1]}"
