// The Function App's app settings. Deployed after rbac.bicep so the managed identity already holds
// its storage roles and "Key Vault Secrets User" when the host starts and resolves the Key Vault
// reference. The names are the ones NetPulse.Monitoring binds (see local.settings.sample.json):
// "__" in an app setting name is ":" in .NET configuration. Flex Consumption sets the runtime and
// the package location itself (functionAppConfig): FUNCTIONS_WORKER_RUNTIME,
// FUNCTIONS_EXTENSION_VERSION and WEBSITE_RUN_FROM_PACKAGE must not be set here.

@description('Name of the Function App the settings belong to.')
param functionAppName string

@description('Service endpoints of the storage account (https://<account>.<service>.core.windows.net/).')
param storageEndpoints {
  blob: string
  queue: string
  table: string
}

@description('Application Insights connection string.')
param applicationInsightsConnectionString string

@description('Origins allowed to call the HTTP API from a browser: the same list as the Function App\'s CORS setting.')
param corsAllowedOrigins string[]

@description('Sign-in: the tenant whose tokens the API accepts and the API app registration\'s client id (tokens for api://<it>).')
param auth {
  tenantId: string
  apiClientId: string
}

@description('Queue the probe sends its batches to.')
param pingBatchQueueName string

@description('Name of the calm-batch queue the Minute timer drains.')
param calmBatchQueueName string

@description('Prefix of the monitoring table names (empty for none).')
param tablePrefix string

@description('Batches whose window starts longer ago than this (d.hh:mm:ss, 1 to 400 days) are refused.')
param backlogLimit string

@description('How long data is kept and how much one retention run may delete: NetPulse:Retention in the README (raw <= minute rollups <= hour rollups).')
param retention {
  rawDays: int
  minuteRollupDays: int
  hourRollupYears: int
  maxChangesPerRun: int
  maxRunTime: string
} = {
  rawDays: 35
  minuteRollupDays: 400
  hourRollupYears: 5
  maxChangesPerRun: 50000
  maxRunTime: '00:03:00'
}

@description('Caps on what one probe may send (a batch over one is refused) and per-instance cache sizes: NetPulse:Limits in the README.')
param limits {
  maxTargetsPerProbe: int
  maxTargetNamesPerDay: int
  maxSequenceJump: int
  maxCachedProbes: int
  maxCachedTargetFigures: int
} = {
  maxTargetsPerProbe: 500
  maxTargetNamesPerDay: 1000
  maxSequenceJump: 1000000
  maxCachedProbes: 1000
  maxCachedTargetFigures: 20000
}

@description('Registered probes: the most that may be registered, and how long and for how many an instance caches their keys, unknown ids and target-list versions (a revoke or a list change made on another instance takes effect within these times; on the same instance at once): NetPulse:Probes in the README.')
param probes {
  maxProbes: int
  keyCacheDuration: string
  unknownProbeCacheDuration: string
  targetListCacheDuration: string
  keyCacheSize: int
} = {
  maxProbes: 50
  keyCacheDuration: '00:10:00'
  unknownProbeCacheDuration: '00:00:30'
  targetListCacheDuration: '00:05:00'
  keyCacheSize: 1000
}

@description('Weekly and monthly evidence packs: NetPulse:Evidence in the README (recipients empty: the report recipients, NetPulse:Smtp:To).')
param evidence {
  enabled: bool
  weekly: bool
  monthly: bool
  recipients: string
  catchUpWeeks: int
  catchUpMonths: int
  maxPacksPerRun: int
} = {
  enabled: true
  weekly: true
  monthly: true
  recipients: ''
  catchUpWeeks: 4
  catchUpMonths: 1
  maxPacksPerRun: 6
}

@description('Table of per-target alert state.')
param alertStateTableName string

@description('Table of alert notices (the outbox) with their per-channel delivery state.')
param alertOutboxTableName string

@description('NCRONTAB schedules (six fields, seconds first, UTC): the one timer (minute) and the jobs it runs.')
param schedules {
  minute: string
  calmBatches: string
  compaction: string
  watchdog: string
  poisonWatch: string
  alertDelivery: string
  report: string
  retention: string
  evidence: string
}

@description('IANA time zone of the times in emails and of report days.')
param timeZone string

@description('Alert email settings. passwordSecretUri: Key Vault secret URI of the password, or empty for none.')
param smtp {
  host: string
  port: int
  security: ('None' | 'StartTls' | 'SslOnConnect')
  user: string
  from: string
  to: string
  passwordSecretUri: string
}

@description('When alerts repeat and how long they are retried: cooldown, reminder interval, retry horizon and attempt timeout as hh:mm:ss (or d.hh:mm:ss).')
param alerts {
  cooldown: string
  reminderInterval: string
  retryHorizon: string
  attemptTimeout: string
}

@description('Incident detection: default thresholds (a target\'s own thresholds from the probe config win); spans as hh:mm:ss.')
param detection {
  latencyThresholdMs: int
  latencyOpenAfter: string
  lossThresholdPercent: int
  downAfterFailedRounds: int
  upAfterGoodRounds: int
  alertFreshness: string
}

@description('A probe whose newest batch is older than this is silent (hh:mm:ss).')
param probeSilentAfter string

@description('Compaction folds rounds older than this (hh:mm:ss).')
param compactionSettleDelay string

@description('Daily reports: days back a run catches up, delay after local midnight (hh:mm:ss), charts per email.')
param reports {
  catchUpDays: int
  settleDelay: string
  maxChartsPerEmail: int
}

resource functionApp 'Microsoft.Web/sites@2024-11-01' existing = {
  name: functionAppName
}

resource appSettings 'Microsoft.Web/sites/config@2024-11-01' = {
  parent: functionApp
  name: 'appsettings'
  properties: {
    // Identity-based connection of the host and of NetPulse's own storage clients (StorageClients):
    // no account key anywhere. No clientId: the system-assigned identity signs in.
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__blobServiceUri: storageEndpoints.blob
    AzureWebJobsStorage__queueServiceUri: storageEndpoints.queue
    AzureWebJobsStorage__tableServiceUri: storageEndpoints.table

    APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
    // The host sends telemetry with its managed identity (Monitoring Metrics Publisher, rbac.bicep).
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD'

    // Trigger bindings (%Setting% in the trigger attributes): the host resolves these before the worker starts.
    PingBatchQueue: pingBatchQueueName
    NetPulse__Storage__CalmBatchQueueName: calmBatchQueueName
    MinuteSchedule: schedules.minute
    CalmBatchSchedule: schedules.calmBatches
    CompactionSchedule: schedules.compaction
    WatchdogSchedule: schedules.watchdog
    PoisonWatchSchedule: schedules.poisonWatch
    AlertDeliverySchedule: schedules.alertDelivery
    ReportSchedule: schedules.report
    RetentionSchedule: schedules.retention
    EvidenceSchedule: schedules.evidence

    NetPulse__TimeZone: timeZone
    NetPulse__Storage__TablePrefix: tablePrefix
    NetPulse__Storage__BacklogLimit: backlogLimit
    NetPulse__Retention__RawDays: string(retention.rawDays)
    NetPulse__Retention__MinuteRollupDays: string(retention.minuteRollupDays)
    NetPulse__Retention__HourRollupYears: string(retention.hourRollupYears)
    NetPulse__Retention__MaxChangesPerRun: string(retention.maxChangesPerRun)
    NetPulse__Retention__MaxRunTime: retention.maxRunTime
    NetPulse__Limits__MaxTargetsPerProbe: string(limits.maxTargetsPerProbe)
    NetPulse__Limits__MaxTargetNamesPerDay: string(limits.maxTargetNamesPerDay)
    NetPulse__Limits__MaxSequenceJump: string(limits.maxSequenceJump)
    NetPulse__Limits__MaxCachedProbes: string(limits.maxCachedProbes)
    NetPulse__Limits__MaxCachedTargetFigures: string(limits.maxCachedTargetFigures)
    NetPulse__Probes__MaxProbes: string(probes.maxProbes)
    NetPulse__Probes__KeyCacheDuration: probes.keyCacheDuration
    NetPulse__Probes__UnknownProbeCacheDuration: probes.unknownProbeCacheDuration
    NetPulse__Probes__TargetListCacheDuration: probes.targetListCacheDuration
    NetPulse__Probes__KeyCacheSize: string(probes.keyCacheSize)
    // The platform's CORS (siteConfig.cors, functions.bicep) answers browsers in Azure; this copy keeps the app's
    // own setting (applied by the dev host) saying the same, so settings copied from Azure to a local run agree.
    NetPulse__Api__AllowedOrigins: join(corsAllowedOrigins, ',')

    // Every route but health and openapi.json needs an Entra ID access token with the Reader or Admin app role; the HTTP
    // triggers are anonymous to the host (no function key reaches a browser). Required is explicit: the app refuses to
    // start with sign-in neither configured nor set Open, and Open is for a local run only.
    NetPulse__Auth__Mode: 'Required'
    NetPulse__Auth__TenantId: auth.tenantId
    NetPulse__Auth__ApiClientId: auth.apiClientId

    NetPulse__Smtp__Host: smtp.host
    NetPulse__Smtp__Port: string(smtp.port)
    NetPulse__Smtp__Security: smtp.security
    NetPulse__Smtp__User: smtp.user
    // A Key Vault reference: the platform resolves it with the app's identity; the value never lands here.
    NetPulse__Smtp__Password: empty(smtp.passwordSecretUri) ? '' : '@Microsoft.KeyVault(SecretUri=${smtp.passwordSecretUri})'
    NetPulse__Smtp__From: smtp.from
    NetPulse__Smtp__To: smtp.to

    NetPulse__Alerts__Cooldown: alerts.cooldown
    NetPulse__Alerts__ReminderInterval: alerts.reminderInterval
    NetPulse__Alerts__StateTable: alertStateTableName
    NetPulse__Alerts__OutboxTable: alertOutboxTableName
    NetPulse__Alerts__RetryHorizon: alerts.retryHorizon
    NetPulse__Alerts__AttemptTimeout: alerts.attemptTimeout

    NetPulse__Detection__LatencyThresholdMs: string(detection.latencyThresholdMs)
    NetPulse__Detection__LatencyOpenAfter: detection.latencyOpenAfter
    NetPulse__Detection__LossThresholdPercent: string(detection.lossThresholdPercent)
    NetPulse__Detection__DownAfterFailedRounds: string(detection.downAfterFailedRounds)
    NetPulse__Detection__UpAfterGoodRounds: string(detection.upAfterGoodRounds)
    NetPulse__Detection__AlertFreshness: detection.alertFreshness

    NetPulse__Watchdog__SilentAfter: probeSilentAfter
    NetPulse__Compaction__SettleDelay: compactionSettleDelay

    NetPulse__Reports__CatchUpDays: string(reports.catchUpDays)
    NetPulse__Reports__SettleDelay: reports.settleDelay
    NetPulse__Reports__MaxChartsPerEmail: string(reports.maxChartsPerEmail)

    NetPulse__Evidence__Enabled: string(evidence.enabled)
    NetPulse__Evidence__Weekly: string(evidence.weekly)
    NetPulse__Evidence__Monthly: string(evidence.monthly)
    NetPulse__Evidence__Recipients: evidence.recipients
    NetPulse__Evidence__CatchUpWeeks: string(evidence.catchUpWeeks)
    NetPulse__Evidence__CatchUpMonths: string(evidence.catchUpMonths)
    NetPulse__Evidence__MaxPacksPerRun: string(evidence.maxPacksPerRun)
  }
}
