// NetPulse on Azure, in one resource group: the storage account (probe and alert queues, monitoring
// tables, the Functions package), the Function App on Flex Consumption with a managed identity,
// Application Insights, a Key Vault for the SMTP password, the Static Web App for the dashboard, and
// what the probe needs to send batches. Deploy with infra/README.md.
targetScope = 'resourceGroup'

metadata description = 'NetPulse: network monitor backend (Azure Functions, Storage queues and tables) and dashboard (Static Web App).'

// ---------- where and what ----------

@description('Short name of this installation (letters and digits, e.g. "home" or "prod"): part of every resource name.')
@minLength(2)
@maxLength(12)
param environmentName string

@description('Region of every resource except the Static Web App. It must offer the Flex Consumption plan.')
param location string = resourceGroup().location

@description('Region of the Static Web App\'s management resource (Static Web Apps exist in these regions only; content is served globally).')
@allowed([
  'centralus'
  'eastasia'
  'eastus2'
  'westeurope'
  'westus2'
])
param staticWebAppLocation string = 'westeurope'

@description('Tags added to every resource.')
param tags object = {}

@description('Replication of the storage account.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
])
param storageSku string = 'Standard_LRS'

@description('Prefix of the monitoring table names (NetPulse:Storage:TablePrefix); empty for none. Letters and digits, starting with a letter.')
@maxLength(30)
param tablePrefix string = ''

@description('Memory per Function App instance in MB. Execution time is billed per GB-s with a 1 s minimum per burst, and a 10 s batch is its own burst: 512 MB costs a quarter of 2048 MB and is ample for this workload.')
@allowed([
  512
  2048
  4096
])
param functionInstanceMemoryMB int = 512

@description('Most instances the Function App scales out to.')
@minValue(1)
@maxValue(1000)
param functionMaximumInstanceCount int = 40

@description('Browser origins allowed to call the API besides the Static Web App (e.g. "http://localhost:5173" for a local dashboard).')
param additionalCorsOrigins string[] = []

@description('Days Log Analytics keeps logs.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

// ---------- alert email ----------

@description('Who gets alert and report emails: addresses separated by commas (NetPulse:Smtp:To).')
@minLength(3)
param alertRecipients string

@description('The sender, e.g. "NetPulse <netpulse@example.org>" (NetPulse:Smtp:From).')
@minLength(3)
param smtpFrom string

@description('SMTP server host name (NetPulse:Smtp:Host).')
@minLength(1)
param smtpHost string

@description('SMTP server port: 587 for StartTls, 465 for SslOnConnect.')
@minValue(1)
@maxValue(65535)
param smtpPort int = 587

@description('Transport security of the SMTP connection.')
@allowed([
  'None'
  'StartTls'
  'SslOnConnect'
])
param smtpSecurity string = 'StartTls'

@description('SMTP user name; empty when the server needs no sign-in. Set smtpPassword with it.')
param smtpUser string = ''

@description('SMTP password, stored in Key Vault and read by the app through a Key Vault reference. Give it on the command line, never in a parameters file. Ignored when smtpUser is empty.')
@secure()
param smtpPassword string = ''

@description('IANA time zone of email times and report days, e.g. "Europe/Berlin" (NetPulse:TimeZone).')
param timeZone string = 'UTC'

@description('No second "opened" mail for the same target and incident type within this span (hh:mm:ss).')
param alertCooldown string = '00:15:00'

@description('An incident still open this long after its last mail gets a reminder (hh:mm:ss).')
param alertReminderInterval string = '04:00:00'

@description('How long a notice is retried on a failing channel before it is marked undelivered (d.hh:mm:ss).')
param alertRetryHorizon string = '1.00:00:00'

@description('How long one delivery attempt on one channel may take (hh:mm:ss).')
param alertAttemptTimeout string = '00:00:10'

// ---------- incident thresholds (a target's own thresholds in the probe config win) ----------

@description('Median RTT in ms above which a target is slow.')
@minValue(1)
@maxValue(60000)
param latencyThresholdMs int = 150

@description('How long the median RTT must stay above the threshold before a latency incident opens (hh:mm:ss).')
param latencyOpenAfter string = '00:01:00'

@description('Packet loss in percent above which a target is lossy.')
@minValue(1)
@maxValue(100)
param lossThresholdPercent int = 5

@description('Consecutive failed rounds that open a down incident.')
@minValue(1)
@maxValue(1000)
param downAfterFailedRounds int = 3

@description('Consecutive good rounds that resolve a down incident.')
@minValue(1)
@maxValue(1000)
param upAfterGoodRounds int = 2

@description('An incident that ended longer ago than this when ingestion finds it (a late backlog) is announced in one summary mail, not one mail each (hh:mm:ss).')
param alertFreshness string = '00:10:00'

@description('A probe whose newest batch is older than this is silent (hh:mm:ss).')
param probeSilentAfter string = '00:05:00'

@description('A batch whose window starts longer ago than this is refused; the probe spools through outages shorter than it (d.hh:mm:ss, 1 to 400 days).')
param backlogLimit string = '30.00:00:00'

@description('Most probes that may be registered (NetPulse:Probes:MaxProbes); revoked ones do not count.')
@minValue(1)
@maxValue(10000)
param maxProbes int = 50

// ---------- timer schedules (NCRONTAB, six fields with seconds first, UTC) ----------
// One timer function (Minute) ticks on minuteSchedule and runs each job whose own schedule came due since its last
// tick: one singleton lease and one execution a minute instead of one per job.

@description('The one timer (function Minute) that runs the scheduled jobs below: their finest cadence.')
param minuteSchedule string = '0 * * * * *'

@description('The CalmBatches job: takes calm probes\' batches off the calm-batch queue, which nothing polls. Keep it every minute at second 0: calm probes time their batches to arrive just before it.')
param calmBatchSchedule string = '0 * * * * *'

@description('Compaction of finished hours into packed entities and rollups. Hourly at minute 5, after the settle delay: each run rewrites the hour that ended and the current one\'s first minutes (entity group transactions); readers merge the up to about 65 minutes of batches after the compaction point.')
param compactionSchedule string = '0 5 * * * *'

@description('Compaction folds rounds older than this; a later batch reaching further back has its hours compacted again (hh:mm:ss).')
param compactionSettleDelay string = '00:02:00'

@description('The probe-silent watchdog.')
param watchdogSchedule string = '0 * * * * *'

@description('The poison-queue watch: reports each poison queue\'s depth as the metric of the poison alert rule, which evaluates every 5 minutes.')
param poisonWatchSchedule string = '0 */5 * * * *'

@description('DeliverAlerts: retries of outbox notices (back-off up to 3 minutes), reminders and escalations. Every minute, so a notice goes out within 5 minutes of its channel coming back.')
param alertDeliverySchedule string = '0 * * * * *'

@description('The daily report run. Hourly, because a report day ends at local midnight of timeZone while timers run on UTC: each run reports the days that have ended and are not yet reported.')
param reportSchedule string = '0 15 * * * *'

@description('The retention job: deletes rounds, minute and hour rollups past NetPulse:Retention in bounded steps. Hourly at minute 40, away from compaction and the report.')
param retentionSchedule string = '0 40 * * * *'

@description('The evidence job: builds, stores and mails the weekly and monthly packs of the periods that ended. Hourly at minute 25, after the daily report.')
param evidenceSchedule string = '0 25 * * * *'

@description('How many finished days back each report run looks for days not yet reported or emailed (a missed run); 1-31.')
@minValue(1)
@maxValue(31)
param reportCatchUpDays int = 7

@description('A report day is built this long after its local midnight, so batches on their way are in it (hh:mm:ss).')
param reportSettleDelay string = '00:10:00'

@description('Latency charts (inline PNGs) per report email, worst-graded targets first; 0-200.')
@minValue(0)
@maxValue(200)
param reportMaxChartsPerEmail int = 20

// ---------- sign-in (Entra ID): infra/register-app.sh creates both app registrations and prints these ----------

@description('Directory (tenant) id whose users sign in to the dashboard and whose tokens the API accepts. Default: the tenant of this deployment.')
@minLength(36)
@maxLength(36)
param authTenantId string = tenant().tenantId

@description('Application (client) id of the "NetPulse API" app registration (app roles Reader and Admin, scope access_as_user); register-app.sh prints it.')
@minLength(36)
@maxLength(36)
param authApiClientId string

@description('Application (client) id of the "NetPulse dashboard" app registration (single-page application, redirect URI the Static Web App\'s URL); register-app.sh prints it.')
@minLength(36)
@maxLength(36)
param authSpaClientId string

// ---------- access for the deploying principal and the probe ----------

@description('Object id of the user or principal that deploys and runs NetPulse locally against this account (`az ad signed-in-user show --query id -o tsv`); gets the storage data roles so no account key is needed. Empty for none.')
param deployerPrincipalId string = ''

@description('Kind of principal deployerPrincipalId is.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param deployerPrincipalType string = 'User'

@description('Issue the probe an add-only SAS for the ping-batch queue (output probeQueueSasUrl). This keeps shared-key signing enabled on the storage account; false turns it off and the probe signs in with Entra ID (probeServicePrincipalId or createProbeIdentity).')
param enableProbeQueueSas bool = true

@description('Stored access policy on the ping-batch queue that the probe\'s SAS refers to (permission and expiry live in the policy; infra/probe-queue-policy.sh creates and revokes it). Give a new name to issue a SAS after a revoke.')
@minLength(1)
@maxLength(64)
param probeQueueSasPolicy string = 'probe-send'

@description('Object id of a service principal the probe signs in as (DefaultAzureCredential with AZURE_TENANT_ID, AZURE_CLIENT_ID and a secret or certificate); gets Storage Queue Data Message Sender on the ping-batch queue only. Empty for none.')
param probeServicePrincipalId string = ''

@description('Create a user-assigned managed identity for a probe on an Azure VM or an Azure Arc-enabled server, with Storage Queue Data Message Sender on the ping-batch queue only.')
param createProbeIdentity bool = false

// ---------- names ----------

// Queue and table names are the ones NetPulse.Monitoring uses (TriggerSettings, MonitoringTables,
// AlertOptions; "reports" holds the daily reports): changing one here means changing its setting too.
// The app creates its tables on first use as well; creating them here makes them visible at once.
var pingBatchQueueName = 'ping-batches'
// Calm batches: nothing polls it; the Minute timer's CalmBatches job takes them (NetPulse:Storage:CalmBatchQueueName).
var calmBatchQueueName = 'ping-batches-calm'
var alertStateTableName = 'alertstate'
var alertOutboxTableName = 'alertoutbox'
var monitoringTableNames = map(['batches', 'samples', 'rollups', 'targets', 'incidents', 'reports'], table => '${tablePrefix}${table}')
var deploymentContainerName = 'app-package'
var smtpPasswordSecretName = 'smtp-password'
// User and password go together (SmtpOptions): no user, no sign-in, no secret.
var storeSmtpPassword = !empty(smtpUser)

var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName))
var compactName = toLower(replace(environmentName, '-', ''))
var allTags = union(tags, {
  application: 'netpulse'
  environment: environmentName
})
var names = {
  storage: take('st${compactName}${resourceToken}', 24)
  keyVault: take('kv-${compactName}-${resourceToken}', 24)
  logAnalytics: 'log-netpulse-${environmentName}-${resourceToken}'
  applicationInsights: 'appi-netpulse-${environmentName}-${resourceToken}'
  plan: 'plan-netpulse-${environmentName}-${resourceToken}'
  functionApp: 'func-netpulse-${environmentName}-${resourceToken}'
  staticWebApp: 'stapp-netpulse-${environmentName}-${resourceToken}'
  probeIdentity: 'id-netpulse-probe-${environmentName}-${resourceToken}'
  actionGroup: 'ag-netpulse-${environmentName}-${resourceToken}'
  poisonAlert: 'alert-netpulse-poison-${environmentName}-${resourceToken}'
}

// ---------- resources ----------

module storage 'app/storage.bicep' = {
  name: '${deployment().name}-storage'
  params: {
    name: names.storage
    location: location
    tags: allTags
    skuName: storageSku
    pingBatchQueueName: pingBatchQueueName
    calmBatchQueueName: calmBatchQueueName
    tableNames: concat(monitoringTableNames, ['${tablePrefix}${alertStateTableName}', '${tablePrefix}${alertOutboxTableName}'])
    deploymentContainerName: deploymentContainerName
    probeListsContainerName: '${toLower(tablePrefix)}probe-lists'
    allowProbeQueueSas: enableProbeQueueSas
    probeQueueSasPolicy: probeQueueSasPolicy
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: '${deployment().name}-monitoring'
  params: {
    logAnalyticsName: names.logAnalytics
    applicationInsightsName: names.applicationInsights
    location: location
    tags: allTags
    retentionInDays: logRetentionInDays
  }
}

// Mail alertRecipients when a batch is poisoned (the app's PoisonMessages metric above 0).
module alerts 'app/alerts.bicep' = {
  name: '${deployment().name}-alerts'
  params: {
    tags: allTags
    actionGroupName: names.actionGroup
    alertRuleName: names.poisonAlert
    applicationInsightsId: monitoring.outputs.applicationInsightsId
    recipients: alertRecipients
  }
}

module keyVault 'app/keyvault.bicep' = {
  name: '${deployment().name}-keyvault'
  params: {
    name: names.keyVault
    location: location
    tags: allTags
    smtpPasswordSecretName: smtpPasswordSecretName
    storeSmtpPassword: storeSmtpPassword
    smtpPassword: smtpPassword
  }
}

module staticWebApp 'app/staticwebapp.bicep' = {
  name: '${deployment().name}-staticwebapp'
  params: {
    name: names.staticWebApp
    location: staticWebAppLocation
    tags: allTags
  }
}

// The dashboard's origins: the Function App's CORS setting and the API's own setting list the same ones.
var dashboardOrigins = concat([staticWebApp.outputs.url], additionalCorsOrigins)

module functionApp 'app/functions.bicep' = {
  name: '${deployment().name}-functions'
  params: {
    name: names.functionApp
    planName: names.plan
    location: location
    tags: allTags
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    instanceMemoryMB: functionInstanceMemoryMB
    maximumInstanceCount: functionMaximumInstanceCount
    corsAllowedOrigins: dashboardOrigins
  }
}

module probeIdentity 'app/probe-identity.bicep' = if (createProbeIdentity) {
  name: '${deployment().name}-probe-identity'
  params: {
    name: names.probeIdentity
    location: location
    tags: allTags
  }
}

module rbac 'app/rbac.bicep' = {
  name: '${deployment().name}-rbac'
  // Names, not outputs, so What-If can see the scopes; hence the explicit order (storage comes
  // before the Function App already).
  dependsOn: [
    keyVault
    monitoring
  ]
  params: {
    storageAccountName: names.storage
    pingBatchQueueName: pingBatchQueueName
    calmBatchQueueName: calmBatchQueueName
    keyVaultName: names.keyVault
    applicationInsightsName: names.applicationInsights
    // Known only once the Function App exists; What-If cannot predict these assignments' names.
    #disable-next-line what-if-short-circuiting
    functionAppPrincipalId: functionApp.outputs.principalId
    deployerPrincipalId: deployerPrincipalId
    deployerPrincipalType: deployerPrincipalType
    probePrincipals: concat(
      createProbeIdentity ? [{ principalId: probeIdentity!.outputs.principalId, principalType: 'ServicePrincipal' }] : [],
      empty(probeServicePrincipalId) ? [] : [{ principalId: probeServicePrincipalId, principalType: 'ServicePrincipal' }]
    )
  }
}

module functionSettings 'app/functions-settings.bicep' = {
  name: '${deployment().name}-functions-settings'
  // After the role assignments: the host's first start signs in to storage and resolves the Key Vault
  // reference with the roles already in place.
  dependsOn: [
    functionApp
    rbac
  ]
  params: {
    functionAppName: names.functionApp
    storageEndpoints: {
      blob: storage.outputs.blobEndpoint
      queue: storage.outputs.queueEndpoint
      table: storage.outputs.tableEndpoint
    }
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    corsAllowedOrigins: dashboardOrigins
    auth: {
      tenantId: authTenantId
      apiClientId: authApiClientId
    }
    pingBatchQueueName: pingBatchQueueName
    calmBatchQueueName: calmBatchQueueName
    tablePrefix: tablePrefix
    alertStateTableName: alertStateTableName
    alertOutboxTableName: alertOutboxTableName
    schedules: {
      minute: minuteSchedule
      calmBatches: calmBatchSchedule
      compaction: compactionSchedule
      watchdog: watchdogSchedule
      poisonWatch: poisonWatchSchedule
      alertDelivery: alertDeliverySchedule
      report: reportSchedule
      retention: retentionSchedule
      evidence: evidenceSchedule
    }
    timeZone: timeZone
    smtp: {
      host: smtpHost
      port: smtpPort
      security: smtpSecurity
      user: smtpUser
      from: smtpFrom
      to: alertRecipients
      passwordSecretUri: keyVault.outputs.smtpCredentialUri
    }
    alerts: {
      cooldown: alertCooldown
      reminderInterval: alertReminderInterval
      retryHorizon: alertRetryHorizon
      attemptTimeout: alertAttemptTimeout
    }
    detection: {
      latencyThresholdMs: latencyThresholdMs
      latencyOpenAfter: latencyOpenAfter
      lossThresholdPercent: lossThresholdPercent
      downAfterFailedRounds: downAfterFailedRounds
      upAfterGoodRounds: upAfterGoodRounds
      alertFreshness: alertFreshness
    }
    probeSilentAfter: probeSilentAfter
    compactionSettleDelay: compactionSettleDelay
    backlogLimit: backlogLimit
    probes: {
      maxProbes: maxProbes
      keyCacheDuration: '00:10:00'
      unknownProbeCacheDuration: '00:00:30'
      targetListCacheDuration: '00:05:00'
      keyCacheSize: 1000
    }
    reports: {
      catchUpDays: reportCatchUpDays
      settleDelay: reportSettleDelay
      maxChartsPerEmail: reportMaxChartsPerEmail
    }
  }
}

// ---------- outputs ----------

output resourceGroupName string = resourceGroup().name
output functionAppName string = functionApp.outputs.name
output functionAppUrl string = functionApp.outputs.url
output staticWebAppName string = staticWebApp.outputs.name
output staticWebAppUrl string = staticWebApp.outputs.url
output storageAccountName string = storage.outputs.name
output keyVaultName string = keyVault.outputs.name
output applicationInsightsName string = monitoring.outputs.applicationInsightsName

@description('The probe\'s Probe:Queue:ServiceUri when it signs in with Entra ID (service principal or managed identity).')
output pingBatchQueueUrl string = storage.outputs.pingBatchQueueUrl

@description('The probe\'s Probe:Queue:ServiceUri with an add-only SAS; empty when enableProbeQueueSas is false. Secure: kept out of the deployment history (infra/README.md shows how to read it).')
@secure()
output probeQueueSasUrl string = storage.outputs.probeQueueSasUrl

@description('The calm-batch queue URL with a SAS bound to the same policy (Probe:Queue:CalmServiceUri): calm batches go there, urgent ones to probeQueueSasUrl. Empty when enableProbeQueueSas is false.')
@secure()
output probeCalmQueueSasUrl string = storage.outputs.probeCalmQueueSasUrl

@description('The dashboard\'s config.json auth.tenantId: the tenant users sign in to.')
output authTenantId string = authTenantId

@description('The dashboard\'s config.json auth.clientId: the SPA app registration users sign in with.')
output authSpaClientId string = authSpaClientId

@description('The dashboard\'s config.json auth.scope: the delegated scope its access tokens are requested for.')
output authApiScope string = 'api://${authApiClientId}/access_as_user'

@description('Client id of the probe\'s user-assigned identity (AZURE_CLIENT_ID on the probe\'s machine); empty unless createProbeIdentity.')
output probeIdentityClientId string = createProbeIdentity ? probeIdentity!.outputs.clientId : ''
