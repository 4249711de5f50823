// Durable Task Scheduler: the managed Durable Functions backend, used when durableBackend is
// 'DurableTaskScheduler'. The app reaches it with its managed identity (Durable Task Data Contributor).
@description('Name of the scheduler (3-64 letters, digits and hyphens).')
param name string

@description('Azure region.')
param location string

@description('Tags for the resources.')
param tags object = {}

@description('Name of the task hub the app uses.')
param taskHubName string

@description('Scheduler SKU.')
@allowed([
  'Consumption'
  'Dedicated'
])
param skuName string

@description('IP ranges allowed to call the scheduler; an empty list denies all traffic.')
param ipAllowlist string[]

resource scheduler 'Microsoft.DurableTask/schedulers@2025-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    sku: {
      name: skuName
      // Dedicated is billed per capacity unit; Consumption has none.
      capacity: skuName == 'Dedicated' ? 1 : null
    }
    ipAllowlist: ipAllowlist
  }
}

resource taskHub 'Microsoft.DurableTask/schedulers/taskHubs@2025-11-01' = {
  parent: scheduler
  name: taskHubName
}

output name string = scheduler.name
output endpoint string = scheduler.properties.endpoint
