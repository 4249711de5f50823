// Key Vault in RBAC mode holding the app's secrets. The app reads them through Key Vault references
// resolved by the platform with the user-assigned identity (Key Vault Secrets User), so no secret
// value is ever stored in an app setting.
@description('Name of the Key Vault (3-24 characters).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags for the resources.')
param tags object = {}

@description('Turn on purge protection. Irreversible: the vault name stays taken until the soft-delete period ends.')
param enablePurgeProtection bool

@description('Freepik API key.')
@secure()
param freepikApiKey string

@description('Freepik webhook signing secret; empty: no secret is stored (webhook signatures are not checked).')
@secure()
param freepikWebhookSecret string

@description('HMAC key for the token in webhook URLs.')
@secure()
param webhookTokenSecret string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
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
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    // Key Vault rejects an explicit false: the property is either true or absent.
    enablePurgeProtection: enablePurgeProtection ? true : null
    // App Service resolves Key Vault references over the public endpoint unless the app is in a VNet.
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource apiKey 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'freepik-api-key'
  properties: {
    value: freepikApiKey
  }
}

resource webhookSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(freepikWebhookSecret)) {
  parent: vault
  name: 'freepik-webhook-secret'
  properties: {
    value: freepikWebhookSecret
  }
}

resource tokenSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'webhook-token-secret'
  properties: {
    value: webhookTokenSecret
  }
}

output name string = vault.name
// Versionless URIs: the app picks up a rotated secret without a redeployment.
output apiKeyUri string = apiKey.properties.secretUri
output webhookSecretUri string = webhookSecret.?properties.secretUri ?? ''
output tokenSecretUri string = tokenSecret.properties.secretUri
