// A user-assigned managed identity for a probe that runs where Azure can give it one: an Azure VM,
// or a machine connected with Azure Arc. rbac.bicep lets it add messages to the ping-batch queue and
// nothing else. A probe on a plain LAN box uses the queue SAS or a service principal instead.

@description('Name of the identity.')
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

resource probeIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = probeIdentity.id
output name string = probeIdentity.name
output principalId string = probeIdentity.properties.principalId
output clientId string = probeIdentity.properties.clientId
