// The Event Grid topic that receives a CloudEvent for every finished video job (Events:TopicEndpoint).
// Entra ID only: local auth (access keys, SAS) is off, so the app publishes with its managed identity.
@description('Name of the Event Grid topic.')
param name string

@description('Azure region.')
param location string

@description('Tags for the topic.')
param tags object = {}

resource topic 'Microsoft.EventGrid/topics@2025-02-15' = {
  name: name
  location: location
  tags: tags
  properties: {
    inputSchema: 'CloudEventSchemaV1_0'
    disableLocalAuth: true
    minimumTlsVersionAllowed: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

output name string = topic.name
output endpoint string = topic.properties.endpoint
