// The one storage account: Functions host and Durable state (AzureWebJobsStorage), the Flex deployment
// package, staged inputs and archived videos. Entra ID only: shared keys are off, so no connection
// string or account key exists to leak; the app signs its SAS URLs with a user delegation key.
@description('Name of the storage account (3-24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags for the resources.')
param tags object = {}

@description('Container that holds the Flex Consumption deployment package.')
param deploymentContainerName string

@description('Container for staged source images (Storage:InputContainer).')
param inputContainerName string

@description('Container for archived videos (Storage:OutputContainer).')
param outputContainerName string

@description('Queue of start requests (Pipelines:RequestQueue); its poison queue is {name}-poison.')
param requestQueueName string

@description('Days after which staged inputs are deleted.')
@minValue(1)
param inputRetentionDays int

@description('Days after which archived videos are deleted; 0 keeps them forever.')
@minValue(0)
param videoRetentionDays int

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    supportsHttpsTrafficOnly: true
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowCrossTenantReplication: false
    // Freepik downloads the staged image through a short-lived SAS URL, so the endpoint stays reachable.
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    // A paid video deleted by mistake can be recovered for a week.
    deleteRetentionPolicy: {
      enabled: true
      days: 7
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: 7
    }
  }
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource inputContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: inputContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource outputContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: outputContainerName
  properties: {
    publicAccess: 'None'
  }
}

var deleteStagedInputs = {
  name: 'delete-staged-inputs'
  enabled: true
  type: 'Lifecycle'
  definition: {
    filters: {
      blobTypes: [
        'blockBlob'
      ]
      prefixMatch: [
        '${inputContainerName}/'
      ]
    }
    actions: {
      baseBlob: {
        delete: {
          daysAfterModificationGreaterThan: inputRetentionDays
        }
      }
    }
  }
}

var deleteOldVideos = {
  name: 'delete-old-videos'
  enabled: true
  type: 'Lifecycle'
  definition: {
    filters: {
      blobTypes: [
        'blockBlob'
      ]
      prefixMatch: [
        '${outputContainerName}/'
      ]
    }
    actions: {
      baseBlob: {
        delete: {
          daysAfterModificationGreaterThan: videoRetentionDays
        }
      }
    }
  }
}

resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    policy: {
      rules: videoRetentionDays > 0 ? [deleteStagedInputs, deleteOldVideos] : [deleteStagedInputs]
    }
  }
}

// Pipelines put start requests here; invalid ones are moved to the poison queue beside it.
resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource requestQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queueService
  name: requestQueueName
}

resource poisonQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queueService
  name: '${requestQueueName}-poison'
}

output name string = storage.name
output blobEndpoint string = storage.properties.primaryEndpoints.blob
output queueEndpoint string = storage.properties.primaryEndpoints.queue
output deploymentContainerUrl string = '${storage.properties.primaryEndpoints.blob}${deploymentContainer.name}'
