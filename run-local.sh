#!/usr/bin/env bash
# Runs NetPulse end to end on this machine: Azurite, the Functions (dev host) on :7071, the dashboard
# on http://127.0.0.1:5173, and a probe pinging a loopback target list. Installs what it needs first. Ctrl+C stops everything.
# Data lives in .netpulse/ (delete it to start over); mail that would have been sent lands in .netpulse/mail.
#
# Settings (environment), defaults as shown:
#   NETPULSE_AZURITE_PORT=10000   Azurite's blob port; queue and table take the next two
#   NETPULSE_AZURITE_BLOB_PORT / NETPULSE_AZURITE_QUEUE_PORT / NETPULSE_AZURITE_TABLE_PORT  each one on its own
#   NETPULSE_API_PORT=7071        the Functions dev host (HTTP API under /api)
#   NETPULSE_WEB_PORT=5173        the dashboard
#   NETPULSE_USE_RUNNING_AZURITE=1  use an Azurite already listening on those ports (refused otherwise)
#   NETPULSE_DATA=.netpulse       where the run keeps its data and logs
#
# Every part is confirmed as itself before the next starts: its process alive, owning its port, and its own answer
# (Azurite's Server header, the dev host's /api/health, the dashboard's page). A port already taken, or a part that
# exits, stops the run with the part's name, the reason and the end of its log.
set -euo pipefail
cd "$(dirname "$0")"
run_started=$SECONDS

fail() { echo "!! $*" >&2; exit 1; }

port_setting() { # name default: a port from the environment, checked
  local value=${!1:-$2}
  [[ $value =~ ^[0-9]+$ ]] && [ "$value" -ge 1 ] && [ "$value" -le 65535 ] ||
    fail "$1 must be a port between 1 and 65535, not '$value'"
  echo "$value"
}
azurite_base=$(port_setting NETPULSE_AZURITE_PORT 10000)
blob_port=$(port_setting NETPULSE_AZURITE_BLOB_PORT "$azurite_base")
queue_port=$(port_setting NETPULSE_AZURITE_QUEUE_PORT $((azurite_base + 1)))
table_port=$(port_setting NETPULSE_AZURITE_TABLE_PORT $((azurite_base + 2)))
api_port=$(port_setting NETPULSE_API_PORT 7071)
web_port=$(port_setting NETPULSE_WEB_PORT 5173)
[ "$(printf '%s\n' "$blob_port" "$queue_port" "$table_port" "$api_port" "$web_port" | sort -u | wc -l)" -eq 5 ] ||
  fail "the ports must differ: Azurite $blob_port/$queue_port/$table_port, API $api_port, dashboard $web_port"
data=$(mkdir -p "${NETPULSE_DATA:-.netpulse}" && cd "${NETPULSE_DATA:-.netpulse}" && pwd)

# --- who listens where ------------------------------------------------------------------------------------------
listening() { [ -n "$(ss -ltnH "sport = :$1" 2>/dev/null)" ]; }
listener_pids() { { ss -ltnpH "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u; } || true; }
owns_port() { listener_pids "$2" | grep -qx "$1"; }
describe_pid() { printf 'pid %s (%s)' "$1" "$(tr '\0\n' '  ' <"/proc/$1/cmdline" 2>/dev/null | cut -c1-160 | sed 's/ $//')"; }
describe_listener() {
  local pids; pids=$(listener_pids "$1")
  [ -n "$pids" ] || { echo "a process this user cannot see"; return; }
  for pid in $pids; do describe_pid "$pid"; echo; done | paste -sd ';' | sed 's/;/; /g'
}
# Where an Azurite keeps its data: its --location (-l), else its working directory (Azurite's default).
azurite_location() {
  local pid=$1 prev="" arg
  while IFS= read -r -d '' arg; do
    case $prev in --location|-l) echo "$arg"; return ;; esac
    case $arg in --location=*) echo "${arg#*=}"; return ;; esac
    prev=$arg
  done <"/proc/$pid/cmdline"
  echo "$(readlink "/proc/$pid/cwd" 2>/dev/null || echo '?') (its working directory)"
}

# A plain HTTP/1.0 GET over bash's /dev/tcp: the status, headers and body, or nothing when no one answers.
http_get() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1:%s\r\n\r\n' "$2" "$1" >&3
    timeout 5 cat <&3) 2>/dev/null || true
}
azurite_answers() { http_get "$1" "/devstoreaccount1?comp=list" | grep -qi "^Server: Azurite-$2"; }
devhost_answers() { http_get "$api_port" /api/health | grep -q '"status":"ok"'; }
dashboard_answers() { http_get "$web_port" /config.json | grep -q "127.0.0.1:$api_port/api"; }

# --- every port checked before anything is installed, built or started ------------------------------------------
use_running_azurite=""
for port_and_name in "$blob_port:blob:NETPULSE_AZURITE_BLOB_PORT" "$queue_port:queue:NETPULSE_AZURITE_QUEUE_PORT" "$table_port:table:NETPULSE_AZURITE_TABLE_PORT"; do
  IFS=: read -r port service setting <<<"$port_and_name"
  listening "$port" || continue
  if azurite_answers "$port" "${service^}"; then
    pid=$(listener_pids "$port" | head -1)
    whose=${pid:+"$(describe_pid "$pid"), data in $(azurite_location "$pid")"}
    whose=${whose:-"a process this user cannot see, so whose data it holds is unknown"}
    if [ "${NETPULSE_USE_RUNNING_AZURITE:-}" = 1 ]; then
      use_running_azurite="$whose"
      continue
    fi
    fail "Azurite: 127.0.0.1:$port ($setting) is taken by an Azurite already running: $whose.
   NetPulse would read and write that one's tables and queues. Stop it, move this run with NETPULSE_AZURITE_PORT=<base>
   (three ports), or set NETPULSE_USE_RUNNING_AZURITE=1 to use it as it is."
  fi
  fail "Azurite: 127.0.0.1:$port ($setting) is already taken by $(describe_listener "$port"), which is not Azurite.
   Stop it, or move Azurite with NETPULSE_AZURITE_PORT=<base> (three ports)."
done
if [ -n "$use_running_azurite" ]; then
  for port_and_name in "$blob_port:Blob" "$queue_port:Queue" "$table_port:Table"; do
    azurite_answers "${port_and_name%%:*}" "${port_and_name#*:}" ||
      fail "Azurite: NETPULSE_USE_RUNNING_AZURITE=1, but no Azurite ${port_and_name#*:} service answers on 127.0.0.1:${port_and_name%%:*}"
  done
fi
listening "$api_port" &&
  fail "the Functions dev host cannot start: 127.0.0.1:$api_port (NETPULSE_API_PORT) is already taken by $(describe_listener "$api_port").
   Stop it, or run on another port: NETPULSE_API_PORT=<port> ./run-local.sh"
listening "$web_port" &&
  fail "the dashboard cannot start: 127.0.0.1:$web_port (NETPULSE_WEB_PORT) is already taken by $(describe_listener "$web_port").
   Stop it, or run on another port: NETPULSE_WEB_PORT=<port> ./run-local.sh"

source scripts/prerequisites.sh
prerequisites_done=$SECONDS

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
mkdir -p "$data/azurite" "$data/spool" "$data/mail" "$data/logs"

# --- the parts: started in their own sessions (setsid), so Ctrl+C reaches only this script, which stops them -----
names=() pids=() logs=()
stopping=""
cleanup() {
  [ -n "$stopping" ] && return
  stopping=1
  [ ${#pids[@]} -gt 0 ] || return 0
  echo; echo "==> stopping"
  # Newest first, each waited for: the dev host releases its blob leases on Azurite as it stops, so
  # Azurite must outlive it.
  for ((i=${#pids[@]}-1; i>=0; i--)); do
    pid=${pids[i]}
    kill "$pid" 2>/dev/null || continue
    for _ in $(seq 1 75); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  done
  [ -z "${first_batch_watch:-}" ] || kill "$first_batch_watch" 2>/dev/null || true
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM

# A part that ended: its name, exit code, the line that says why, and the end of its log; then the run stops.
part_ended() { # index exit-code what
  local name=${names[$1]} pid=${pids[$1]} log=${logs[$1]} reason
  reason=$({ grep -iE 'address already in use|EADDRINUSE|unhandled|exception|error|fail' "$log" 2>/dev/null || true; } | head -1 | cut -c1-300)
  echo "!! $name (pid $pid) $3 with exit code $2${reason:+: $reason}" >&2
  echo "   the end of its log ($log):" >&2
  tail -n 20 "$log" 2>/dev/null | sed 's/^/     /' >&2
  exit 1
}

start_part() { # name log command...: starts it in the background and records it
  local name=$1 log=$2; shift 2
  setsid "$@" >"$log" 2>&1 &
  names+=("$name") pids+=($!) logs+=("$log")
}

# Waits until the newest part owns its ports and answers as itself; stops the run if it exits or never answers.
confirm_part() { # seconds check ports...
  local seconds=$1 check=$2; shift 2
  local i=$((${#pids[@]} - 1)) deadline=$((SECONDS + seconds)) port owner
  while :; do
    if ! kill -0 "${pids[i]}" 2>/dev/null; then
      local code=0; wait "${pids[i]}" || code=$?
      part_ended "$i" "$code" "exited while starting"
    fi
    owner=1
    for port in "$@"; do owns_port "${pids[i]}" "$port" || owner=""; done
    [ -n "$owner" ] && $check && return 0
    if [ $SECONDS -ge $deadline ]; then
      for port in "$@"; do
        owns_port "${pids[i]}" "$port" || ! listening "$port" ||
          fail "${names[i]}: 127.0.0.1:$port was taken by $(describe_listener "$port") while it started"
      done
      part_ended "$i" "(still running)" "did not answer on 127.0.0.1:$* within $seconds s"
    fi
    sleep 0.2
  done
}

# --- build: only what the run needs, and only when a source changed --------------------------------------------
# One build of the dev host and the probe (tools/local-run.slnf), not of the whole solution with its tests.
build_stamp="$data/logs/build.stamp"
if [ ! -f "$build_stamp" ] || [ -n "$(find functions probe Directory.Build.props Directory.Packages.props global.json \
     \( -name bin -o -name obj \) -prune -o -type f -newer "$build_stamp" -print -quit)" ]; then
  echo "==> building the dev host and the probe (log in $data/logs/build.log)"
  dotnet build tools/local-run.slnf -c Release -nologo -v q >"$data/logs/build.log" 2>&1 ||
    { tail -n 30 "$data/logs/build.log" >&2; fail "the build failed; the whole log is $data/logs/build.log"; }
  touch "$build_stamp"
else
  echo "==> the dev host and the probe are built and no source changed since: no build"
fi
dotnet_done=$SECONDS

# The dashboard is rebuilt only when a source is newer than web/dist (the tests type-check it; vite builds it here).
if [ ! -f web/dist/index.html ] || [ -n "$(find web/src web/public web/index.html web/redirect.html web/vite.config.ts \
     web/package-lock.json -newer web/dist/index.html -print -quit)" ]; then
  echo "==> building the dashboard (web/dist)"
  (cd web && node node_modules/vite/bin/vite.js build --logLevel warn) >"$data/logs/web-build.log" 2>&1 ||
    { tail -n 30 "$data/logs/web-build.log" >&2; fail "the dashboard build failed; see $data/logs/web-build.log"; }
else
  echo "==> the dashboard in web/dist is newer than its sources: no build"
fi
web_done=$SECONDS

# --- Azurite -----------------------------------------------------------------------------------------------------
storage="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$blob_port/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue_port/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table_port/devstoreaccount1;"
azurite_all_answer() {
  azurite_answers "$blob_port" Blob && azurite_answers "$queue_port" Queue && azurite_answers "$table_port" Table
}
if [ -n "$use_running_azurite" ]; then
  echo "==> using the Azurite already running on 127.0.0.1:$blob_port-$table_port (NETPULSE_USE_RUNNING_AZURITE=1): $use_running_azurite"
else
  echo "==> starting Azurite $(node -p 'require("./tools/azurite/node_modules/azurite/package.json").version') on Node $(node --version) at 127.0.0.1:$blob_port/$queue_port/$table_port (data in $data/azurite)"
  start_part "Azurite" "$data/logs/azurite.log" node tools/azurite/node_modules/azurite/dist/src/azurite.js \
    --location "$data/azurite" --disableTelemetry --skipApiVersionCheck --loose \
    --blobHost 127.0.0.1 --blobPort "$blob_port" --queueHost 127.0.0.1 --queuePort "$queue_port" \
    --tableHost 127.0.0.1 --tablePort "$table_port"
  confirm_part 60 azurite_all_answer "$blob_port" "$queue_port" "$table_port"
fi

# --- the Functions dev host --------------------------------------------------------------------------------------
echo "==> starting the Functions dev host on http://127.0.0.1:$api_port (log in $data/logs/functions.log)"
# No SMTP host: every alert is written to $data/mail as an .eml file you can open.
# No sign-in: the API on 127.0.0.1 answers every request (in Azure it needs an Entra ID token).
AzureWebJobsStorage="$storage" NetPulse__Auth__Mode=Open \
NetPulse__Smtp__Host="" NetPulse__Smtp__PickupFolder="$data/mail" \
NetPulse__Smtp__From="NetPulse <netpulse@localhost>" NetPulse__Smtp__To="you@localhost" \
NetPulse__Api__AllowedOrigins="http://127.0.0.1:$web_port,http://localhost:$web_port" \
ASPNETCORE_URLS="http://127.0.0.1:$api_port" \
  start_part "the Functions dev host" "$data/logs/functions.log" \
    bash -c 'cd functions/NetPulse.DevHost/bin/Release/net10.0 && exec dotnet NetPulse.DevHost.dll'
confirm_part 90 devhost_answers "$api_port"

# --- the dashboard ----------------------------------------------------------------------------------------------
echo "==> serving the dashboard on http://127.0.0.1:$web_port (log in $data/logs/web.log)"
printf '{\n  "apiBaseUrl": "http://127.0.0.1:%s/api",\n  "refreshSeconds": 5,\n  "auth": null\n}\n' "$api_port" >web/dist/config.json
# node directly, not npm: stopping npm's pid would leave vite running
start_part "the dashboard (vite preview)" "$data/logs/web.log" \
  bash -c 'cd web && exec node node_modules/vite/bin/vite.js preview --host 127.0.0.1 --port "$0" --strictPort' "$web_port"
confirm_part 60 dashboard_answers "$web_port"

echo "==> NetPulse is running: dashboard http://127.0.0.1:$web_port, API http://127.0.0.1:$api_port/api, mail in $data/mail"
echo "    sign-in is OFF (NetPulse__Auth__Mode=Open): the API answers without a token, for this local run only"

# --- the probe --------------------------------------------------------------------------------------------------
echo "==> starting the probe (loopback targets from probe/NetPulse.Probe/targets.json); it prints each batch it sends; Ctrl+C stops everything"
if [ "$(id -u)" -ne 0 ]; then
  echo "    (not root: the probe pings through an ICMP datagram socket where net.ipv4.ping_group_range lets your group in, else through System.Net.NetworkInformation.Ping; it logs which at start; see README 'ICMP permissions')"
fi
probe=(dotnet probe/NetPulse.Probe/bin/Release/net10.0/netpulse-probe.dll)
probe_settings=(--Probe:Spool:Path="$data/spool" --Probe:Id=local-probe --Probe:Queue:ConnectionString="$storage")
# The backend takes batches only from registered probes: make the probe's key (kept in $data/spool/probe.key
# across runs) and register it with the dev host's API, which is open locally.
echo "==> enrolling the probe and registering its key with http://127.0.0.1:$api_port/api"
"${probe[@]}" enroll --register "http://127.0.0.1:$api_port/api" "${probe_settings[@]}" | sed 's/^/    /'
# The built binary directly, not "dotnet run": signals then reach the probe itself. Its output goes to the terminal
# and to its log.
setsid "${probe[@]}" run "${probe_settings[@]}" \
  --Logging:LogLevel:NetPulse.Probe.Sending=Debug --Logging:Console:FormatterName=simple \
  --Logging:Console:FormatterOptions:SingleLine=true --Logging:Console:FormatterOptions:TimestampFormat="HH:mm:ss " \
  > >(tee "$data/logs/probe.log") 2>&1 &
names+=("the probe") pids+=($!) logs+=("$data/logs/probe.log")

# The time from the start of this run to the first batch stored (on the first run after a clone: the whole setup).
first_run_file="$data/logs/first-run.txt"
(
  for _ in $(seq 1 600); do
    if http_get "$api_port" /api/targets | sed '1,/^\r\?$/d' | jq -e '.probes[]? | select(.probeId == "local-probe" and .lastSeenAt != null)' >/dev/null 2>&1; then
      total=$((SECONDS - run_started))
      line="first batch stored $((total / 60)) min $((total % 60)) s after run-local.sh started (prerequisites $((prerequisites_done - run_started)) s, .NET build $((dotnet_done - prerequisites_done)) s, dashboard build $((web_done - dotnet_done)) s, start and first batch $((SECONDS - web_done)) s)"
      echo "==> $line"
      [ -f "$first_run_file" ] || echo "$(date -u +%FT%TZ) first run: $line" >"$first_run_file"
      exit 0
    fi
    sleep 1
  done
) &
first_batch_watch=$!

# Until Ctrl+C: a part that ends stops the run, naming it.
while :; do
  ended=""
  code=0
  wait -n -p ended "${pids[@]}" || code=$?
  [ -n "$ended" ] || continue
  for i in "${!pids[@]}"; do
    [ "${pids[i]}" = "$ended" ] && part_ended "$i" "$code" "stopped"
  done
done
