// The Functions app on a Flex Consumption plan. Every connection is identity-based and every secret is
// a Key Vault reference, so no app setting holds a key or a password.
@description('Name of the function app; also its host name <name>.azurewebsites.net.')
param name string

@description('Name of the Flex Consumption plan.')
param planName string

@description('Azure region.')
param location string

@description('Tags for the plan; the app also gets azd-service-name.')
param tags object = {}

@description('Service name in azure.yaml; azd finds the app by this tag.')
param serviceName string

@description('Resource id of the user-assigned identity.')
param identityId string

@description('Client id of the user-assigned identity.')
param identityClientId string

@description('Name of the storage account (AzureWebJobsStorage, deployment package, inputs, videos).')
param storageAccountName string

@description('Blob endpoint of the storage account.')
param storageBlobEndpoint string

@description('Queue endpoint of the storage account.')
param storageQueueEndpoint string

@description('Queue of start requests.')
param requestQueueName string

@description('Endpoint of the Event Grid topic for completion events.')
param eventsTopicEndpoint string

@description('URL of the blob container that holds the deployment package.')
param deploymentContainerUrl string

@description('Container for staged source images.')
param inputContainerName string

@description('Container for archived videos.')
param outputContainerName string

@description('Application Insights connection string.')
param applicationInsightsConnectionString string

@description('Key Vault secret URI of the Freepik API key.')
param apiKeyUri string

@description('Key Vault secret URI of the Freepik webhook secret; empty: none.')
param webhookSecretUri string

@description('Key Vault secret URI of the webhook token secret.')
param tokenSecretUri string

@description('Freepik API base URL.')
param freepikBaseUrl string

@description('How long a job\'s generation may take, from its Freepik create, before it times out (TimeSpan, e.g. 01:00:00).')
param workflowDeadline string

@description('How long a job may wait in line for a Freepik slot, from its creation, before it times out (TimeSpan, e.g. 7.00:00:00).')
param workflowMaxWaitForSlot string

@description('Most instances the app scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int

@description('Memory of each instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
    }
  }
}

resource ftp 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: app
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scm 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: app
  name: 'scm'
  properties: {
    allow: false
  }
}

// AzureWebJobsStorage is also the Durable Functions backend (Azure Storage provider: queues, tables, blobs).
var settings = {
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD;ClientId=${identityClientId}'
  // DefaultAzureCredential in the app picks the user-assigned identity.
  AZURE_CLIENT_ID: identityClientId
  Freepik__BaseUrl: freepikBaseUrl
  Freepik__ApiKey: '@Microsoft.KeyVault(SecretUri=${apiKeyUri})'
  // Computed from the name, not read from the app, so the settings do not depend on the app's own output.
  Webhooks__PublicBaseUrl: 'https://${name}.azurewebsites.net'
  // Empty when no signing secret was given: the app then checks only the URL token.
  Freepik__WebhookSecret: empty(webhookSecretUri) ? '' : '@Microsoft.KeyVault(SecretUri=${webhookSecretUri})'
  Webhooks__TokenSecret: '@Microsoft.KeyVault(SecretUri=${tokenSecretUri})'
  Storage__ServiceUri: storageBlobEndpoint
  Storage__ClientId: identityClientId
  Storage__InputContainer: inputContainerName
  Storage__OutputContainer: outputContainerName
  Workflow__Deadline: workflowDeadline
  Workflow__MaxWaitForSlot: workflowMaxWaitForSlot
  // The queue trigger reads it from the host storage (AzureWebJobsStorage); the app writes invalid messages to its poison queue.
  Pipelines__RequestQueue: requestQueueName
  Pipelines__QueueServiceUri: storageQueueEndpoint
  // Published with the identity (AZURE_CLIENT_ID); no key: the topic has local auth off.
  Events__TopicEndpoint: eventsTopicEndpoint
}

resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: app
  name: 'appsettings'
  properties: settings
}

output name string = app.name
output defaultHostName string = app.properties.defaultHostName
