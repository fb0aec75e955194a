// Who may do what, all through Azure RBAC (no keys):
// - the Function App's identity: data roles on the storage account (queues, tables, the host's and
//   the deployment package's blobs), Key Vault Secrets User on the vault, Monitoring Metrics
//   Publisher on Application Insights;
// - the deploying principal (optional): the same storage data roles, so a local run or a test
//   against this account signs in with `az login` and needs no account key, and Key Vault Secrets
//   Officer to rotate the SMTP password;
// - the probe's principals (optional): Storage Queue Data Message Sender on the ping-batch queue
//   only: they can add batches and nothing else.
// Assignment names are guid(scope, principal, role): stable across redeployments, so a redeploy
// changes nothing.

@description('Name of the storage account.')
param storageAccountName string

@description('Name of the queue the probe sends to.')
param pingBatchQueueName string

@description('Name of the queue calm batches go to.')
param calmBatchQueueName string

@description('Name of the Key Vault.')
param keyVaultName string

@description('Name of the Application Insights component.')
param applicationInsightsName string

@description('Object id of the Function App\'s system-assigned identity.')
param functionAppPrincipalId string

@description('Object id of the principal that deploys and runs NetPulse locally against this account; empty for none.')
param deployerPrincipalId string

@description('Kind of the deploying principal.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param deployerPrincipalType string

@description('Principals the probe signs in as (a user-assigned identity, a service principal); each may only add messages to the ping-batch queue.')
param probePrincipals {
  principalId: string
  principalType: ('User' | 'Group' | 'ServicePrincipal')
}[]

// Built-in role definition ids (the same in every tenant).
// Storage Blob Data Owner: the Functions host's blobs (timer and singleton leases), the deployment package, and
// the probes' list signals; it includes generateUserDelegationKey, with which the app signs each probe's
// read-only SAS for its own signal blob (no account key needed: shared-key access may stay off).
var storageBlobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
// Storage Blob Data Contributor: read and write blobs, without ACL management; enough for a person.
var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
// Storage Queue Data Contributor: create queues, peek, receive, send and delete messages. It includes
// everything "Storage Queue Data Message Processor" grants, so that role is not assigned as well.
var storageQueueDataContributor = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
// Storage Queue Data Message Sender: add messages, nothing else (the probe).
var storageQueueDataMessageSender = 'c6a89b2d-59bc-44d0-9896-0f6e12d7b80a'
// Storage Table Data Contributor: create tables, read and write entities.
var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
// Key Vault Secrets User: read secret values (resolving the app's Key Vault reference).
var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'
// Key Vault Secrets Officer: manage secrets (the deployer rotates the SMTP password).
var keyVaultSecretsOfficer = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
// Monitoring Metrics Publisher: send telemetry to Application Insights with an Entra ID token.
var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'

var functionApp = {
  principalId: functionAppPrincipalId
  principalType: 'ServicePrincipal'
}
var deployer = {
  principalId: deployerPrincipalId
  principalType: deployerPrincipalType
}
var hasDeployer = !empty(deployerPrincipalId)

var storageGrants = concat(
  [{ principal: functionApp, roles: [storageBlobDataOwner, storageQueueDataContributor, storageTableDataContributor] }],
  hasDeployer ? [{ principal: deployer, roles: [storageBlobDataContributor, storageQueueDataContributor, storageTableDataContributor] }] : []
)
var storageAssignments = flatten(map(storageGrants, grant => map(grant.roles, role => {
  principalId: grant.principal.principalId
  principalType: grant.principal.principalType
  roleDefinitionId: role
})))

var keyVaultAssignments = concat(
  [{ principalId: functionApp.principalId, principalType: functionApp.principalType, roleDefinitionId: keyVaultSecretsUser }],
  hasDeployer ? [{ principalId: deployer.principalId, principalType: deployer.principalType, roleDefinitionId: keyVaultSecretsOfficer }] : []
)

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: storageAccountName

  resource queueService 'queueServices' existing = {
    name: 'default'

    resource pingBatchQueue 'queues' existing = {
      name: pingBatchQueueName
    }

    resource calmBatchQueue 'queues' existing = {
      name: calmBatchQueueName
    }
  }
}

resource keyVault 'Microsoft.KeyVault/vaults@2024-11-01' existing = {
  name: keyVaultName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource storageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for assignment in storageAssignments: {
    name: guid(storage.id, assignment.principalId, assignment.roleDefinitionId)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', assignment.roleDefinitionId)
      principalId: assignment.principalId
      principalType: assignment.principalType
    }
  }
]

// Scoped to the queue itself, not the account: a leaked probe credential reaches this queue only.
resource probeSenderRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for probe in probePrincipals: {
    name: guid(storage::queueService::pingBatchQueue.id, probe.principalId, storageQueueDataMessageSender)
    scope: storage::queueService::pingBatchQueue
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageQueueDataMessageSender)
      principalId: probe.principalId
      principalType: probe.principalType
    }
  }
]

// The same on the calm-batch queue, where a calm probe puts the batches the Minute timer takes.
resource probeCalmSenderRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for probe in probePrincipals: {
    name: guid(storage::queueService::calmBatchQueue.id, probe.principalId, storageQueueDataMessageSender)
    scope: storage::queueService::calmBatchQueue
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageQueueDataMessageSender)
      principalId: probe.principalId
      principalType: probe.principalType
    }
  }
]

resource keyVaultRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for assignment in keyVaultAssignments: {
    name: guid(keyVault.id, assignment.principalId, assignment.roleDefinitionId)
    scope: keyVault
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', assignment.roleDefinitionId)
      principalId: assignment.principalId
      principalType: assignment.principalType
    }
  }
]

resource telemetryRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, functionApp.principalId, monitoringMetricsPublisher)
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
    principalId: functionApp.principalId
    principalType: functionApp.principalType
  }
}
