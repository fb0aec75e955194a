#!/usr/bin/env bash
# Creates, or brings up to date, NetPulse's two Entra ID app registrations with the Azure CLI, and prints the
# values infra/main.bicep takes (authTenantId, authApiClientId, authSpaClientId). Bicep cannot do this: app
# registrations live in Microsoft Graph, not in Azure Resource Manager.
#
#   "NetPulse API (<env>)"        the HTTP API: Application ID URI api://<its client id>, v2 access tokens,
#                                  app roles Reader and Admin (the "roles" claim), delegated scope access_as_user;
#                                  its enterprise application requires a role assignment, so nobody else signs in.
#   "NetPulse dashboard (<env>)"  the dashboard, a single-page application (MSAL.js, auth code flow with PKCE):
#                                  redirect URIs of the Static Web App, pre-authorised for access_as_user.
#
# Run it again at any time: it finds both registrations by name and updates them, keeping their ids.
# Typical order: run it once (prints the ids), deploy main.bicep with them, then run it again with
# --redirect-uri "<staticWebAppUrl output>/redirect.html" so the dashboard may sign in from its real URL
# (redirect.html is the dashboard's MSAL return page).
#
# Needs: Azure CLI 2.37 or later (Microsoft Graph), signed in (az login) as a user who may create app
# registrations in the tenant (the default for members, or the Application Developer role), and jq.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: infra/register-app.sh [--environment NAME] [--redirect-uri URL]... [--assign-me Reader|Admin|none]

  --environment NAME   the installation's name, as main.bicep's environmentName (default: home);
                       part of both display names
  --redirect-uri URL   the dashboard's sign-in return page, e.g. the Static Web App's
                       https://<name>.azurestaticapps.net/redirect.html (output staticWebAppUrl + /redirect.html)
                       or http://localhost:5173/redirect.html for a dashboard run locally against a signed-in
                       API; repeat for several; added to
                       the ones already registered
  --assign-me ROLE     give the signed-in user this NetPulse role (default: Admin); none to skip.
                       Others get theirs in the portal: Enterprise applications, "NetPulse API (<env>)",
                       Users and groups
EOF
}

environment=home
redirect_uris=()
assign_me=Admin
while [ $# -gt 0 ]; do
  case "$1" in
    --environment) environment="${2:?--environment needs a name}"; shift 2 ;;
    --redirect-uri) redirect_uris+=("${2:?--redirect-uri needs a URL}"); shift 2 ;;
    --assign-me) assign_me="${2:?--assign-me needs Reader, Admin or none}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "!! unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done

if ! [[ "$environment" =~ ^[A-Za-z0-9-]{2,12}$ ]]; then
  echo "!! --environment must be main.bicep's environmentName: 2-12 letters, digits or hyphens, not '$environment'" >&2
  exit 2
fi
case "$assign_me" in
  Reader|Admin|none) ;;
  *) echo "!! --assign-me must be Reader, Admin or none, not '$assign_me'" >&2; exit 2 ;;
esac
for uri in ${redirect_uris[@]+"${redirect_uris[@]}"}; do
  # A SPA redirect URI is https, or http on localhost only (Entra ID refuses others); no quotes may break the JSON below.
  if ! [[ "$uri" =~ ^(https://[^\"[:space:]]+|http://(localhost|127\.0\.0\.1)(:[0-9]+)?(/[^\"[:space:]]*)?)$ ]]; then
    echo "!! --redirect-uri '$uri' must be an https URL (or http://localhost:<port>)" >&2
    exit 2
  fi
done

for tool in az jq; do
  command -v "$tool" >/dev/null || { echo "!! $tool is not installed" >&2; exit 1; }
done

api_name="NetPulse API ($environment)"
spa_name="NetPulse dashboard ($environment)"
scope_value=access_as_user
graph=https://graph.microsoft.com/v1.0

tenant_id="$(az account show --query tenantId -o tsv)" || { echo "!! not signed in: run az login" >&2; exit 1; }

new_id() { if command -v uuidgen >/dev/null; then uuidgen; else cat /proc/sys/kernel/random/uuid; fi; }

# The client (application) id of the registration with this display name; created, single-tenant, when missing.
ensure_app() {
  local name="$1" app_id
  # An exact match: --display-name would match by prefix.
  app_id="$(az ad app list --filter "displayName eq '$name'" --query '[0].appId' -o tsv)"
  if [ -z "$app_id" ]; then
    app_id="$(az ad app create --display-name "$name" --sign-in-audience AzureADMyOrg --query appId -o tsv)"
    echo "==> created app registration '$name' ($app_id)" >&2
  else
    echo "==> updating app registration '$name' ($app_id)" >&2
  fi
  printf '%s\n' "$app_id"
}

# The enterprise application (service principal) of a registration: what roles are assigned on.
ensure_service_principal() {
  local app_id="$1" sp_id
  sp_id="$(az ad sp list --filter "appId eq '$app_id'" --query '[0].id' -o tsv)"
  [ -n "$sp_id" ] || sp_id="$(az ad sp create --id "$app_id" --query id -o tsv)"
  printf '%s\n' "$sp_id"
}

# An existing id (app role or scope) of the API registration, or a new one: ids must not change on a re-run.
id_of() {
  local query="$1" id
  id="$(az ad app show --id "$api_app_id" --query "$query" -o tsv)"
  [ -n "$id" ] || id="$(new_id)"
  printf '%s\n' "$id"
}

patch_app() {
  local app_id="$1" body="$2" object_id
  object_id="$(az ad app show --id "$app_id" --query id -o tsv)"
  az rest --method PATCH --uri "$graph/applications/$object_id" --headers 'Content-Type=application/json' --body "$body" >/dev/null
}

api_app_id="$(ensure_app "$api_name")"
spa_app_id="$(ensure_app "$spa_name")"

reader_role_id="$(id_of "appRoles[?value=='Reader'].id | [0]")"
admin_role_id="$(id_of "appRoles[?value=='Admin'].id | [0]")"
scope_id="$(id_of "api.oauth2PermissionScopes[?value=='$scope_value'].id | [0]")"

echo "==> API: Application ID URI api://$api_app_id, roles Reader and Admin, scope $scope_value, v2 tokens" >&2
az ad app update --id "$api_app_id" --identifier-uris "api://$api_app_id"
# The API's roles and scope. The scope must exist before an app can be pre-authorised for it, hence two PATCHes.
api_manifest() {
  jq -n --arg reader "$reader_role_id" --arg admin "$admin_role_id" --arg scope "$scope_id" --arg scopeValue "$scope_value" \
    --argjson preAuthorized "$1" '{
    appRoles: [
      { id: $reader, value: "Reader", displayName: "Reader", isEnabled: true, allowedMemberTypes: ["User"],
        description: "Sees targets, latency, incidents, reports and exports in the NetPulse dashboard." },
      { id: $admin, value: "Admin", displayName: "Admin", isEnabled: true, allowedMemberTypes: ["User"],
        description: "Everything a Reader may, and changes: rebuilds reports, registers and revokes probes." }
    ],
    api: {
      requestedAccessTokenVersion: 2,
      oauth2PermissionScopes: [
        { id: $scope, value: $scopeValue, type: "User", isEnabled: true,
          adminConsentDisplayName: "Use NetPulse as the signed-in user",
          adminConsentDescription: "Lets the NetPulse dashboard call the NetPulse API as the signed-in user, with the NetPulse role of that user.",
          userConsentDisplayName: "Use NetPulse as you",
          userConsentDescription: "Lets the NetPulse dashboard call the NetPulse API as you." }
      ],
      preAuthorizedApplications: $preAuthorized
    }
  }'
}
patch_app "$api_app_id" "$(api_manifest '[]')"
# The dashboard may request access_as_user without a consent prompt.
patch_app "$api_app_id" "$(api_manifest "$(jq -n --arg spa "$spa_app_id" --arg scope "$scope_id" '[{ appId: $spa, delegatedPermissionIds: [$scope] }]')")"

api_sp_id="$(ensure_service_principal "$api_app_id")"
# Only users (or groups) with a NetPulse role may sign in to the API at all; the API checks the role again.
az ad sp update --id "$api_sp_id" --set appRoleAssignmentRequired=true

echo "==> dashboard: single-page application, may request $scope_value" >&2
existing_uris="$(az ad app show --id "$spa_app_id" --query 'spa.redirectUris' -o json)"
patch_app "$spa_app_id" "$(jq -n --argjson existing "${existing_uris:-[]}" --arg api "$api_app_id" --arg scope "$scope_id" '{
  spa: { redirectUris: (($existing // []) + $ARGS.positional | unique) },
  requiredResourceAccess: [ { resourceAppId: $api, resourceAccess: [ { id: $scope, type: "Scope" } ] } ]
}' --args ${redirect_uris[@]+"${redirect_uris[@]}"})"
ensure_service_principal "$spa_app_id" >/dev/null

if [ "$assign_me" != none ]; then
  me="$(az ad signed-in-user show --query id -o tsv)"
  role_id="$reader_role_id"; [ "$assign_me" = Admin ] && role_id="$admin_role_id"
  assigned="$(az rest --method GET --uri "$graph/servicePrincipals/$api_sp_id/appRoleAssignedTo" \
    --query "value[?principalId=='$me' && appRoleId=='$role_id'] | length(@)" -o tsv)"
  if [ "$assigned" = 0 ]; then
    az rest --method POST --uri "$graph/servicePrincipals/$api_sp_id/appRoleAssignedTo" --headers 'Content-Type=application/json' \
      --body "$(jq -n --arg me "$me" --arg sp "$api_sp_id" --arg role "$role_id" '{principalId: $me, resourceId: $sp, appRoleId: $role}')" >/dev/null
    echo "==> gave you the NetPulse role $assign_me" >&2
  fi
fi

registered_uris="$(az ad app show --id "$spa_app_id" --query 'spa.redirectUris' -o tsv | paste -sd ' ' -)"
cat <<EOF

NetPulse sign-in is registered in tenant $tenant_id.
  dashboard redirect URIs: ${registered_uris:-none yet: run again with --redirect-uri <staticWebAppUrl>}

Deployment parameters (infra/main.bicep):
  authTenantId=$tenant_id
  authApiClientId=$api_app_id
  authSpaClientId=$spa_app_id

The dashboard's config.json (also the deployment outputs authTenantId, authSpaClientId, authApiScope):
  "auth": { "clientId": "$spa_app_id", "tenantId": "$tenant_id", "scope": "api://$api_app_id/$scope_value" }
EOF
