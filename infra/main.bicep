// KlingFunctions on Azure: a Flex Consumption function app with Durable Functions, secure by default.
// Deploy with `azd up` or `az deployment sub create` (README "Deploy to Azure").
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Environment name (azd\'s AZURE_ENV_NAME): names the resource group and seeds resource names.')
param environmentName string

@minLength(1)
@description('Azure region of every resource. Pick one that offers Flex Consumption.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Resource group name; empty: rg-<environmentName>.')
param resourceGroupName string = ''

@description('Optional deployer principal id (azd: AZURE_PRINCIPAL_ID) that gets blob data access for debugging; empty: none.')
param principalId string = ''

@description('Kind of principalId.')
@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
param principalType string = 'User'

@description('Freepik API key; stored in Key Vault, read by the app through a Key Vault reference.')
@minLength(1)
@secure()
param freepikApiKey string

@description('Freepik webhook signing secret from the Freepik dashboard; empty: signatures are not checked (the URL token still is).')
@secure()
param freepikWebhookSecret string = ''

@description('HMAC key for the token in webhook URLs; empty: webhookTokenSecretFallback is used.')
@secure()
param webhookTokenSecret string = ''

// newGuid() is only allowed as a parameter default, hence this second parameter. It changes on every
// deployment: set webhookTokenSecret (azd does, see azure.yaml) to keep in-flight webhook URLs valid.
@description('Generated fallback for webhookTokenSecret. Do not set it.')
@secure()
param webhookTokenSecretFallback string = newGuid()

@description('Freepik API base URL.')
param freepikBaseUrl string = 'https://api.freepik.com'

@description('How long a job\'s generation may take, from its Freepik create, before it times out (TimeSpan).')
param workflowDeadline string = '01:00:00'

@description('How long a job may wait in line for a Freepik slot, from its creation, before it times out (TimeSpan).')
param workflowMaxWaitForSlot string = '7.00:00:00'

@description('Days after which staged input images are deleted.')
@minValue(1)
param inputRetentionDays int = 3

@description('Days after which archived videos are deleted; 0 keeps them forever.')
@minValue(0)
param videoRetentionDays int = 0

@description('Most instances the app scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Memory of each instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Turn on Key Vault purge protection (recommended in production; irreversible).')
param keyVaultPurgeProtection bool = false

var serviceName = 'api'
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var functionAppName = 'func-${serviceName}-${resourceToken}'
// Names known before deployment, so role assignment names do not wait on module outputs (what-if).
var identityName = 'id-${serviceName}-${resourceToken}'
var storageAccountName = 'st${resourceToken}'
var applicationInsightsName = 'appi-${resourceToken}'
var keyVaultName = 'kv-${resourceToken}'
var inputContainerName = 'inputs'
var outputContainerName = 'videos'
var requestQueueName = 'video-requests'
var eventGridTopicName = 'evgt-${resourceToken}'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: empty(resourceGroupName) ? 'rg-${environmentName}' : resourceGroupName
  location: location
  tags: tags
}

module identity 'app/identity.bicep' = {
  scope: rg
  name: 'identity'
  params: {
    name: identityName
    location: location
    tags: tags
  }
}

module monitoring 'app/monitoring.bicep' = {
  scope: rg
  name: 'monitoring'
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: applicationInsightsName
    location: location
    tags: tags
  }
}

module storage 'app/storage.bicep' = {
  scope: rg
  name: 'storage'
  params: {
    name: storageAccountName
    location: location
    tags: tags
    deploymentContainerName: 'app-package'
    inputContainerName: inputContainerName
    outputContainerName: outputContainerName
    requestQueueName: requestQueueName
    inputRetentionDays: inputRetentionDays
    videoRetentionDays: videoRetentionDays
  }
}

module events 'app/events.bicep' = {
  scope: rg
  name: 'events'
  params: {
    name: eventGridTopicName
    location: location
    tags: tags
  }
}

module keyVault 'app/keyvault.bicep' = {
  scope: rg
  name: 'keyvault'
  params: {
    name: keyVaultName
    location: location
    tags: tags
    enablePurgeProtection: keyVaultPurgeProtection
    freepikApiKey: freepikApiKey
    freepikWebhookSecret: freepikWebhookSecret
    webhookTokenSecret: empty(webhookTokenSecret) ? webhookTokenSecretFallback : webhookTokenSecret
  }
}

module roles 'app/roles.bicep' = {
  scope: rg
  name: 'roles'
  params: {
    identityName: identityName
    storageAccountName: storageAccountName
    applicationInsightsName: applicationInsightsName
    keyVaultName: keyVaultName
    eventGridTopicName: eventGridTopicName
    deployerPrincipalId: principalId
    deployerPrincipalType: principalType
  }
  dependsOn: [
    identity
    monitoring
    storage
    keyVault
    events
  ]
}

module api 'app/api.bicep' = {
  scope: rg
  name: 'api'
  params: {
    name: functionAppName
    planName: 'plan-${resourceToken}'
    location: location
    tags: tags
    serviceName: serviceName
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    storageBlobEndpoint: storage.outputs.blobEndpoint
    storageQueueEndpoint: storage.outputs.queueEndpoint
    requestQueueName: requestQueueName
    eventsTopicEndpoint: events.outputs.endpoint
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    inputContainerName: inputContainerName
    outputContainerName: outputContainerName
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    apiKeyUri: keyVault.outputs.apiKeyUri
    webhookSecretUri: keyVault.outputs.webhookSecretUri
    tokenSecretUri: keyVault.outputs.tokenSecretUri
    freepikBaseUrl: freepikBaseUrl
    workflowDeadline: workflowDeadline
    workflowMaxWaitForSlot: workflowMaxWaitForSlot
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
  }
  // The app resolves Key Vault references and reaches storage at its first start: grant the roles first.
  dependsOn: [
    roles
  ]
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
output SERVICE_API_NAME string = api.outputs.name
output SERVICE_API_URI string = 'https://${api.outputs.defaultHostName}'
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_EVENTGRID_TOPIC_ENDPOINT string = events.outputs.endpoint
