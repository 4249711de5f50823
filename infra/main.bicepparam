// Parameters for `azd up` and `az deployment sub create`, read from environment variables
// (azd passes its environment's values: `azd env set NAME value`).
using 'main.bicep'

param environmentName = readEnvironmentVariable('AZURE_ENV_NAME', 'kling')
param location = readEnvironmentVariable('AZURE_LOCATION', 'eastus2')
param resourceGroupName = readEnvironmentVariable('AZURE_RESOURCE_GROUP', '')
param principalId = readEnvironmentVariable('AZURE_PRINCIPAL_ID', '')
param principalType = readEnvironmentVariable('AZURE_PRINCIPAL_TYPE', 'User')

// Required: the deployment stops here with a clear message when FREEPIK_API_KEY is not set.
param freepikApiKey = readEnvironmentVariable('FREEPIK_API_KEY')
param freepikWebhookSecret = readEnvironmentVariable('FREEPIK_WEBHOOK_SECRET', '')
// azd generates and keeps one (azure.yaml preprovision hook); empty: a new one on every deployment.
param webhookTokenSecret = readEnvironmentVariable('WEBHOOK_TOKEN_SECRET', '')

param inputRetentionDays = int(readEnvironmentVariable('INPUT_RETENTION_DAYS', '3'))
param videoRetentionDays = int(readEnvironmentVariable('VIDEO_RETENTION_DAYS', '0'))
param keyVaultPurgeProtection = bool(readEnvironmentVariable('KEY_VAULT_PURGE_PROTECTION', 'false'))
