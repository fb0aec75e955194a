// The Key Vault that holds the SMTP password. Access is by Azure RBAC only (no access policies): the
// Function App's identity gets "Key Vault Secrets User" in rbac.bicep and reads the secret through a
// Key Vault reference in its app settings, so the password never appears in the app's configuration.

@description('Name of the Key Vault (3-24 letters, digits and hyphens, globally unique).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Name of the secret that holds the SMTP password.')
param smtpPasswordSecretName string

@description('Write the SMTP password secret: true when NetPulse signs in to the SMTP server (an SMTP user is set).')
param storeSmtpPassword bool

@description('The SMTP password.')
@secure()
param smtpPassword string

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    // Soft delete cannot be turned off, and purge protection means nobody (a leaked deployer credential
    // included) can destroy the SMTP secret for good before the retention ends. It cannot be turned off
    // again either: a deleted environment's vault name is free after these 7 days (infra/README.md).
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource smtpPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = if (storeSmtpPassword) {
  parent: vault
  name: smtpPasswordSecretName
  properties: {
    value: smtpPassword
    contentType: 'text/plain'
  }
}

output id string = vault.id
output name string = vault.name

@description('URI of the SMTP password secret without a version, so a Key Vault reference follows rotation; empty when none is stored.')
output smtpCredentialUri string = storeSmtpPassword ? smtpPasswordSecret!.properties.secretUri : ''
