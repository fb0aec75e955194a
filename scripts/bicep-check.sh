#!/usr/bin/env bash
# Compiles and lints the Azure infrastructure (infra/) with the Bicep CLI, offline. Fails on any error
# or warning, so the Bicep stays lint-clean; infra/bicepconfig.json raises the linter rules to errors.
#   1. bicep lint every .bicep file, and bicep build infra/main.bicep (modules compile with it)
#   2. infra/main.parameters.json against main.bicep: unknown or mistyped parameters fail
#   3. a local evaluation (bicep snapshot) of the whole deployment with placeholder ids, then a check
#      that every setting in local.settings.sample.json reaches the Function App's app settings
# The Bicep CLI comes from NuGet (Azure.Bicep.CommandLine.linux-x64, a self-contained executable),
# restored by the restore-only project tools/bicep/BicepCli.proj, which also pins its version.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "!! bicep-check needs Linux x86_64 (the NuGet package it uses is Azure.Bicep.CommandLine.linux-x64)" >&2
  exit 1
fi

tool_project=tools/bicep/BicepCli.proj
dotnet restore "$tool_project" -nologo -v q >/dev/null
package_root="$(dotnet msbuild "$tool_project" -nologo -getProperty:NuGetPackageRoot)"
bicep_version="$(dotnet msbuild "$tool_project" -nologo -getProperty:BicepVersion)"
bicep="${package_root%/}/azure.bicep.commandline.linux-x64/${bicep_version}/tools/bicep"
if [ ! -f "$bicep" ]; then
  echo "!! restore of $tool_project did not produce $bicep" >&2
  exit 1
fi
# NuGet does not keep the executable bit on every platform.
[ -x "$bicep" ] || chmod +x "$bicep"
echo "==> Bicep CLI $("$bicep" --version | sed 's/^Bicep CLI version //')"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failed=0

# Runs one bicep command; prints its diagnostics; counts a non-zero exit or any warning as a failure.
check() {
  local what="$1"
  shift
  local output status=0
  output="$("$bicep" "$@" 2>&1 >/dev/null)" || status=$?
  # The decompiler always prints a banner that is no diagnostic.
  output="$(printf '%s\n' "$output" | grep -v -e '^WARNING: Decompilation is a best-effort process' \
    -e '^You may need to fix warnings and errors' -e '^If you would like to report any issues' -e '^$' || true)"
  if [ "$status" -ne 0 ] || [ -n "$output" ]; then
    echo "!! $what"
    [ -z "$output" ] || printf '%s\n' "$output" | sed 's/^/   /'
    failed=1
    return 1
  fi
  echo "ok $what"
}

echo "==> lint and build"
check "lint infra/**/*.bicep" lint --no-restore --pattern 'infra/**/*.bicep' || true
check "build infra/main.bicep" build --no-restore --stdout infra/main.bicep || true

echo "==> parameters file"
# decompile-params writes a .bicepparam bound to main.bicep; build-params then type-checks every value.
if check "decompile infra/main.parameters.json" decompile-params infra/main.parameters.json \
  --bicep-file "$repo_root/infra/main.bicep" --outfile "$work/main.bicepparam"; then
  check "infra/main.parameters.json matches main.bicep" build-params --no-restore --stdout "$work/main.bicepparam" || true
fi

echo "==> evaluation"
[ "$failed" -eq 0 ] || echo "-- skipped until the errors above are fixed"
# Placeholder subscription, tenant and group: the template functions, names, loops and conditions are
# evaluated here as Azure Resource Manager would, without Azure.
if [ "$failed" -eq 0 ] && check "snapshot of the deployment (placeholder ids)" snapshot "$work/main.bicepparam" --mode overwrite \
  --subscription-id 00000000-0000-0000-0000-000000000001 --tenant-id 00000000-0000-0000-0000-000000000002 \
  --resource-group rg-netpulse-check --location westeurope --deployment-name bicep-check; then
  snapshot="$work/main.snapshot.json"
  # Settings that Azure provides in another way, or that only a local run uses:
  #   AzureWebJobsStorage       identity-based in Azure: AzureWebJobsStorage__credential and __*ServiceUri
  #   FUNCTIONS_WORKER_RUNTIME  Flex Consumption takes the runtime from functionAppConfig (and refuses this setting)
  #   NetPulse__Smtp__PickupFolder  only used without an SMTP host; in Azure the host is required
  #   NetPulse__Smtp__Timeout   the default (30 s) applies
  #   NetPulse__Alerts__Channels__*, __Routes__*  an installation's own channels and routes; none means one email channel for all
  #   NetPulse__Detection__Down{MinDuration,RandomRunOdds,MaxDuration}, NetPulse__Maintenance__*, AcknowledgeLinkLifetime
  #                             the defaults apply; an app setting changes them
  #   NetPulse__Shares__*       the share links' bounds: the defaults apply; an app setting changes them
  #   NetPulse__Alerts__{AcknowledgeKey,PublicApiBaseUrl,DashboardBaseUrl}  links in notices are off until an operator sets
  #                             them (the key as a Key Vault reference; README "Acknowledging an incident")
  not_in_azure=" AzureWebJobsStorage FUNCTIONS_WORKER_RUNTIME NetPulse__Smtp__PickupFolder NetPulse__Smtp__Timeout NetPulse__Alerts__Channels__email__Type NetPulse__Alerts__Routes__0__Channels__0 NetPulse__Detection__DownMinDuration NetPulse__Detection__DownRandomRunOdds NetPulse__Detection__DownMaxDuration NetPulse__Alerts__AcknowledgeKey NetPulse__Alerts__PublicApiBaseUrl NetPulse__Alerts__DashboardBaseUrl NetPulse__Alerts__AcknowledgeLinkLifetime NetPulse__Maintenance__CacheDuration NetPulse__Maintenance__MaxDuration NetPulse__Maintenance__MaxWindows NetPulse__Shares__DefaultLifetime NetPulse__Shares__MaxLifetime NetPulse__Shares__DefaultHistory NetPulse__Shares__ReadsPerMinute NetPulse__Shares__MaxActiveLinks "
  missing=()
  while IFS= read -r setting; do
    [[ "$not_in_azure" == *" $setting "* ]] && continue
    grep -q "\"$setting\":" "$snapshot" || missing+=("$setting")
  done < <(sed -n '/"Values"/,/}/p' local.settings.sample.json | sed 1d | grep -oE '^[[:space:]]*"[A-Za-z0-9_]+"[[:space:]]*:' | tr -d ' \t":')
  if [ ${#missing[@]} -gt 0 ]; then
    echo "!! settings in local.settings.sample.json that the Function App would not get in Azure: ${missing[*]}"
    echo "   add them to infra/app/functions-settings.bicep (or, if Azure needs none, to not_in_azure in scripts/bicep-check.sh)"
    failed=1
  else
    echo "ok every setting of local.settings.sample.json is in the Function App's app settings"
  fi
fi

echo "==> hardening"
# Settings that keep a deployed NetPulse safe to leave alone; each line is a jq test on the evaluated
# deployment that must print true. A change that drops one fails here, not in a review.
harden() {
  local what="$1" snapshot="$2" test="$3"
  if [ "$(jq -r "$test" "$snapshot" 2>&1)" = "true" ]; then
    echo "ok $what"
  else
    echo "!! $what (jq: $test)"
    failed=1
  fi
}
if [ "$failed" -eq 0 ]; then
  resources='.predictedResources[]'
  harden "Function App: FTP off" "$snapshot" \
    "[$resources | select(.type == \"Microsoft.Web/sites\") | .properties.siteConfig.ftpsState == \"Disabled\"] | all and length == 1"
  harden "Function App: basic publishing credentials off (ftp and scm)" "$snapshot" \
    "[$resources | select(.type == \"Microsoft.Web/sites/basicPublishingCredentialsPolicies\") | select(.properties.allow == false) | .name | split(\"/\")[1]] | sort == [\"ftp\", \"scm\"]"
  harden "Function App: HTTPS only, TLS 1.2" "$snapshot" \
    "[$resources | select(.type == \"Microsoft.Web/sites\") | .properties.httpsOnly == true and .properties.siteConfig.minTlsVersion == \"1.2\"] | all"
  harden "Key Vault: RBAC only, purge protection on" "$snapshot" \
    "[$resources | select(.type == \"Microsoft.KeyVault/vaults\") | .properties.enablePurgeProtection == true and .properties.enableRbacAuthorization == true] | all and length == 1"
  harden "Application Insights: local (key) authentication off" "$snapshot" \
    "[$resources | select(.type == \"Microsoft.Insights/components\") | .properties.DisableLocalAuth == true] | all and length == 1"
  # A batch in a poison queue must reach a person: the metric alert on the app's PoisonMessages metric exists,
  # is on, fires above 0 and mails the one action group, which has at least one address.
  harden "poison queues: an alert on PoisonMessages > 0 mails the action group" "$snapshot" \
    "([$resources | select(.type == \"Microsoft.Insights/actionGroups\")] as \$groups | [$resources | select(.type == \"Microsoft.Insights/metricAlerts\" and .properties.enabled == true) | select(.properties.criteria.allOf | any(.metricName == \"PoisonMessages\" and .operator == \"GreaterThan\" and .threshold == 0)) | .properties.actions[].actionGroupId] as \$targets | (\$groups | length) == 1 and (\$groups[0].properties.emailReceivers | length) > 0 and (\$targets | length) == 1 and (\$targets[0] | ascii_downcase | endswith(\"/providers/microsoft.insights/actiongroups/\" + (\$groups[0].name | ascii_downcase))))"
  harden "storage: no public blobs, HTTPS only, TLS 1.2" "$snapshot" \
    "[$resources | select(.type == \"Microsoft.Storage/storageAccounts\") | .properties.allowBlobPublicAccess == false and .properties.supportsHttpsTrafficOnly == true and .properties.minimumTlsVersion == \"TLS1_2\"] | all and length == 1"
  # Shared keys exist only to sign the probe's SAS: with the SAS off they must be off too.
  sed 's/^param enableProbeQueueSas = .*/param enableProbeQueueSas = false/' "$work/main.bicepparam" > "$work/nosas.bicepparam"
  grep -q '^param enableProbeQueueSas = false' "$work/nosas.bicepparam" || echo "param enableProbeQueueSas = false" >> "$work/nosas.bicepparam"
  if check "snapshot with enableProbeQueueSas=false" snapshot "$work/nosas.bicepparam" --mode overwrite \
    --subscription-id 00000000-0000-0000-0000-000000000001 --tenant-id 00000000-0000-0000-0000-000000000002 \
    --resource-group rg-netpulse-check --location westeurope --deployment-name bicep-check; then
    harden "storage: shared-key access off when no probe uses a SAS" "$work/nosas.snapshot.json" \
      "[$resources | select(.type == \"Microsoft.Storage/storageAccounts\") | .properties.allowSharedKeyAccess == false] | all and length == 1"
  fi
  # The SAS must name the stored access policy and carry no permission or expiry of its own (a SAS that
  # does cannot be revoked without rotating the account key). Outputs are not evaluated: read the template.
  "$bicep" build --no-restore --stdout infra/main.bicep > "$work/main.json"
  harden "probe SAS: bound to a stored access policy, no permission or expiry of its own" "$work/main.json" \
    "([.. | strings | select(test(\"listServiceSAS\"))] | length) > 0 and ([.. | objects | select(has(\"canonicalizedResource\"))] as \$sas | (\$sas | length) > 0 and (\$sas | all(has(\"signedIdentifier\") and (has(\"signedExpiry\") or has(\"signedPermission\") | not))))"
fi

if [ "$failed" -ne 0 ]; then
  echo "!! Bicep check failed" >&2
  exit 1
fi
echo "==> Bicep check passed"
