#!/usr/bin/env bash
# Creates, renews or revokes the stored access policy that the probe's queue SAS refers to, on both queues
# a probe sends to (ping-batches for urgent batches, ping-batches-calm for calm ones), and prints a SAS URL
# bound to it for each (Probe__Queue__ServiceUri, Probe__Queue__CalmServiceUri). The SAS carries only the policy's name: permission (add) and expiry live in the
# policy, so deleting the policy revokes every SAS bound to it within 30 seconds, without rotating the
# storage account key. Bicep cannot create the policy (it is a data-plane setting of the queue), hence
# this step after `az deployment group create`.
#
#   infra/probe-queue-policy.sh <resource-group> [--policy probe-send] [--expiry 2027-12-31T00:00Z]
#   infra/probe-queue-policy.sh <resource-group> --revoke [--policy probe-send]
#
# The caller needs the right to list the account keys (Owner or Contributor on the resource group): the
# Azure CLI signs the policy request with the account key. After a revoke, deploy again with
# probeQueueSasPolicy=<another name> and run this script with that name to issue a new SAS.
set -euo pipefail

usage() {
  sed -n '8,9p' "$0" | sed 's/^# *//' >&2
  exit 2
}

[ $# -ge 1 ] || usage
resource_group="$1"
shift
policy=probe-send
expiry="$(date -u -d '+1 year' +%Y-%m-%dT%H:%MZ)"
revoke=false
while [ $# -gt 0 ]; do
  case "$1" in
    --policy) policy="${2:?--policy needs a name}"; shift 2 ;;
    --expiry) expiry="${2:?--expiry needs a UTC time like 2027-12-31T00:00Z}"; shift 2 ;;
    --revoke) revoke=true; shift ;;
    *) echo "probe-queue-policy: unknown argument $1" >&2; usage ;;
  esac
done

queues=(ping-batches ping-batches-calm)
account="$(az deployment group show -g "$resource_group" -n netpulse --query properties.outputs.storageAccountName.value -o tsv)"
if [ -z "$account" ]; then
  echo "probe-queue-policy: no deployment \"netpulse\" with a storageAccountName output in $resource_group" >&2
  exit 1
fi

for queue in "${queues[@]}"; do
  if "$revoke"; then
    az storage queue policy delete --account-name "$account" --queue-name "$queue" --name "$policy" --auth-mode key -o none
    echo "Deleted policy $policy on $account/$queue: every SAS bound to it stops working within 30 seconds."
    continue
  fi

  if [ "$(az storage queue policy show --account-name "$account" --queue-name "$queue" --name "$policy" --auth-mode key --query permission -o tsv 2>/dev/null || true)" = "" ]; then
    az storage queue policy create --account-name "$account" --queue-name "$queue" --name "$policy" \
      --permissions a --expiry "$expiry" --auth-mode key -o none
    echo "Created policy $policy on $account/$queue: add only, until $expiry." >&2
  else
    az storage queue policy update --account-name "$account" --queue-name "$queue" --name "$policy" \
      --permissions a --expiry "$expiry" --auth-mode key -o none
    echo "Renewed policy $policy on $account/$queue: add only, until $expiry." >&2
  fi

  sas="$(az storage queue generate-sas --account-name "$account" --name "$queue" --policy-name "$policy" \
    --https-only --auth-mode key -o tsv)"
  echo "https://$account.queue.core.windows.net/$queue?$sas"
done
