// The storage account that is both NetPulse's data store and the Functions host's own storage:
// the probe's queue and the alerts queue (with the poison queues the runtime fills after
// maxDequeueCount failures), the monitoring tables, the blob container that Flex Consumption
// deploys the app package from, and the probes' list signals (one tiny blob per probe that the app
// rewrites when the probe's managed target list changes; the probe reads it with a read-only SAS).

@description('Name of the storage account (3-24 lowercase letters and digits, globally unique).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Replication of the account.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
])
param skuName string

@description('Queue the probe sends its batches to (the Functions setting PingBatchQueue).')
param pingBatchQueueName string

@description('Name of the queue calm batches go to; nothing polls it, the Minute timer drains it.')
param calmBatchQueueName string

@description('Tables to create up front; the app also creates them on first use.')
param tableNames string[]

@description('Blob container Flex Consumption deploys the app package from.')
param deploymentContainerName string

@description('Blob container of the probes\' list signals (NetPulse TargetListSignals: the table prefix, lowercased, and "probe-lists"); the app also creates it on first use.')
@minLength(3)
@maxLength(63)
param probeListsContainerName string

@description('Allow shared-key signing so an add-only SAS for the ping-batch queue can be issued to the probe. false: the account accepts Entra ID only.')
param allowProbeQueueSas bool

@description('Name of the stored access policy on the ping-batch queue that the probe\'s SAS refers to. infra/probe-queue-policy.sh creates it (permission add, with its expiry) and deletes it to revoke every SAS bound to it.')
@minLength(1)
@maxLength(64)
param probeQueueSasPolicy string

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    accessTier: 'Hot'
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    // The Functions app, the deploying user and the probe's identity all use Entra ID. Shared keys stay
    // on only when the probe gets a SAS (a SAS is signed with the account key).
    allowSharedKeyAccess: allowProbeQueueSas
    defaultToOAuthAuthentication: true
    // The probe sends from a LAN anywhere on the internet, so the endpoints stay public.
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
    encryption: {
      keySource: 'Microsoft.Storage'
      services: {
        blob: { enabled: true }
        queue: { enabled: true, keyType: 'Account' }
        table: { enabled: true, keyType: 'Account' }
      }
    }
  }
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2024-01-01' = {
  parent: storage
  name: 'default'
}

// The runtime moves a message to "<queue>-poison" after maxDequeueCount failures (host.json); creating
// them up front makes them visible (and alertable) before the first failure.
resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2024-01-01' = [
  for queueName in [pingBatchQueueName, '${pingBatchQueueName}-poison', calmBatchQueueName]: {
    parent: queueService
    name: queueName
  }
]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2024-01-01' = {
  parent: storage
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2024-01-01' = [
  for tableName in tableNames: {
    parent: tableService
    name: tableName
  }
]

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2024-01-01' = {
  parent: storage
  name: 'default'
  properties: {
    deleteRetentionPolicy: {
      enabled: true
      days: 7
    }
  }
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

// Private like the rest: a probe reads only its own blob, through the user delegation SAS the app hands it.
resource probeListsContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2024-01-01' = {
  parent: blobService
  name: probeListsContainerName
  properties: {
    publicAccess: 'None'
  }
}

output id string = storage.id
output name string = storage.name
output blobEndpoint string = storage.properties.primaryEndpoints.blob
output queueEndpoint string = storage.properties.primaryEndpoints.queue
output tableEndpoint string = storage.properties.primaryEndpoints.table
output deploymentContainerUrl string = '${storage.properties.primaryEndpoints.blob}${deploymentContainer.name}'
output pingBatchQueueUrl string = '${storage.properties.primaryEndpoints.queue}${pingBatchQueueName}'

// The SAS names a stored access policy and carries no permission or expiry of its own: the policy (add
// only, created by infra/probe-queue-policy.sh) holds both, so deleting or changing the policy revokes or
// shortens every SAS bound to it without rotating the account key. Whoever holds the SAS can put messages
// on this one queue and can neither read, peek, delete nor create anything; a batch still needs the
// probe's own signature to be stored.
var probeQueueSasParameters = {
  canonicalizedResource: '/queue/${storage.name}/${pingBatchQueueName}'
  signedIdentifier: probeQueueSasPolicy
  signedProtocol: 'https'
}

var probeCalmQueueSasParameters = {
  canonicalizedResource: '/queue/${storage.name}/${calmBatchQueueName}'
  signedIdentifier: probeQueueSasPolicy
  signedProtocol: 'https'
}

@description('The calm-batch queue URL with a SAS bound to the policy of the same name on that queue (Probe:Queue:CalmServiceUri). Empty when allowProbeQueueSas is false.')
@secure()
output probeCalmQueueSasUrl string = allowProbeQueueSas
  ? '${storage.properties.primaryEndpoints.queue}${calmBatchQueueName}?${storage.listServiceSAS('2024-01-01', probeCalmQueueSasParameters).serviceSasToken}'
  : ''

@description('The ping-batch queue URL with a SAS bound to the stored access policy probeQueueSasPolicy (Probe:Queue:ServiceUri); it works once infra/probe-queue-policy.sh has created the policy. Empty when allowProbeQueueSas is false.')
@secure()
output probeQueueSasUrl string = allowProbeQueueSas
  ? '${storage.properties.primaryEndpoints.queue}${pingBatchQueueName}?${storage.listServiceSAS('2024-01-01', probeQueueSasParameters).serviceSasToken}'
  : ''
