#!/usr/bin/env bash
# Moves every poisoned message of a NetPulse queue back onto it, after the cause was fixed
# (README, "Poisoned batches"): POST <api-base-url>/admin/queues/<queue>/redrive as an Admin.
#   scripts/redrive.sh https://<functionAppName>.azurewebsites.net/api ping-batches
#   scripts/redrive.sh http://127.0.0.1:7071/api ping-batches          (a local run: no token needed)
# The bearer token (an Entra ID access token with the Admin role) comes from NETPULSE_API_TOKEN, e.g.
#   export NETPULSE_API_TOKEN="$(az account get-access-token --scope api://<authApiClientId>/access_as_user --query accessToken -o tsv)"
# Prints how many messages moved and how many remain; exits 1 with the API's problem detail on a refusal.
set -euo pipefail

if [ "$#" -ne 2 ] || [ -z "$1" ] || [ -z "$2" ]; then
  echo "usage: $0 <api-base-url> <queue>   e.g. $0 https://func-netpulse-home-abc.azurewebsites.net/api ping-batches" >&2
  exit 2
fi
base="${1%/}"
queue="$2"
case "$base" in
  http://* | https://*) ;;
  *) echo "!! '$base' is no URL: give the API's base, e.g. https://<functionAppName>.azurewebsites.net/api" >&2; exit 2 ;;
esac
if ! [[ "$queue" =~ ^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$ ]]; then
  echo "!! '$queue' is no queue name; GET $base/admin/queues lists the queues (e.g. ping-batches, not ping-batches-poison)" >&2
  exit 2
fi
command -v curl >/dev/null || { echo "!! curl is not installed" >&2; exit 2; }

auth=()
if [ -n "${NETPULSE_API_TOKEN:-}" ]; then
  auth=(-H "Authorization: Bearer $NETPULSE_API_TOKEN")
fi

body="$(mktemp)"
trap 'rm -f "$body"' EXIT
status="$(curl -sS -o "$body" -w '%{http_code}' -X POST "${auth[@]}" "$base/admin/queues/$queue/redrive")" || {
  echo "!! could not reach $base (curl failed above)" >&2
  exit 1
}

# The answer is JSON: the outcome, or a problem document whose detail says what is wrong.
field() { sed -n "s/.*\"$1\":\\(\"[^\"]*\"\\|[0-9]*\\).*/\\1/p" "$body" | tr -d '"'; }
case "$status" in
  200)
    echo "moved $(field moved) messages from $(field poisonQueue) back to $(field queue); about $(field remaining) remain there"
    ;;
  401)
    echo "!! 401: $(field detail)" >&2
    [ -n "${NETPULSE_API_TOKEN:-}" ] || echo "   set NETPULSE_API_TOKEN to an access token with the Admin role" >&2
    exit 1
    ;;
  *)
    detail="$(field detail)"
    echo "!! $status: ${detail:-$(head -c 300 "$body")}" >&2
    exit 1
    ;;
esac
