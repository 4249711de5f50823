namespace KlingFunctions.Infra.Tests;

[Collection(CompiledInfra.Name)]
public sealed class AppSettingsTests(InfraFixture infra)
{
    private const string KeyVaultReference = "format('@Microsoft.KeyVault(SecretUri={0})'";

    private IReadOnlyDictionary<string, string> Settings => infra.Defaults.AppSettings;

    private string IdentityId => ArmTemplate.Text(infra.Defaults.Resource("Microsoft.ManagedIdentity/userAssignedIdentities"), "id");

    private string ClientId => $"reference('{IdentityId}', '2023-01-31').clientId";

    [Theory]
    [InlineData("Freepik__ApiKey")]
    [InlineData("Freepik__WebhookSecret")]
    [InlineData("Freepik__BaseUrl")]
    [InlineData("Webhooks__PublicBaseUrl")]
    [InlineData("Webhooks__TokenSecret")]
    [InlineData("Storage__ServiceUri")]
    [InlineData("Storage__ClientId")]
    [InlineData("Storage__InputContainer")]
    [InlineData("Storage__OutputContainer")]
    [InlineData("Workflow__Deadline")]
    [InlineData("Workflow__MaxWaitForSlot")]
    [InlineData("Pipelines__RequestQueue")]
    [InlineData("Pipelines__QueueServiceUri")]
    [InlineData("Events__TopicEndpoint")]
    public void App_gets_the_configuration_name_it_reads(string name)
    {
        Assert.Contains(name, Settings.Keys);
    }

    [Theory]
    [InlineData("Freepik__ApiKey", "freepik-api-key")]
    [InlineData("Webhooks__TokenSecret", "webhook-token-secret")]
    public void Secret_setting_is_a_key_vault_reference_to_its_secret(string name, string secret)
    {
        var value = Settings[name];

        Assert.Contains(KeyVaultReference, value, StringComparison.Ordinal);
        Assert.Contains($"/secrets/{secret}'", value, StringComparison.Ordinal);
    }

    [Fact]
    public void Webhook_secret_setting_is_a_key_vault_reference_or_empty()
    {
        var value = Settings["Freepik__WebhookSecret"];

        Assert.StartsWith("[if(empty(", value, StringComparison.Ordinal);
        Assert.Contains("'freepik-webhook-secret'", value, StringComparison.Ordinal);
        Assert.Contains(", '', format('@Microsoft.KeyVault(SecretUri={0})', ", value, StringComparison.Ordinal);
    }

    [Fact]
    public void No_setting_and_no_resource_outside_key_vault_holds_a_secret_value()
    {
        var everything = infra.Customized.Root.GetRawText() + infra.Defaults.Root.GetRawText();

        Assert.DoesNotContain(InfraFixture.ApiKey, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(InfraFixture.WebhookSecret, everything, StringComparison.Ordinal);
        Assert.All(Settings.Values.Concat(infra.Customized.AppSettings.Values), value =>
        {
            Assert.DoesNotContain("AccountKey", value, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("SharedAccessSignature", value, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("InstrumentationKey=", value, StringComparison.OrdinalIgnoreCase);
        });
    }

    [Fact]
    public void AzureWebJobsStorage_connects_with_the_managed_identity()
    {
        var account = ArmTemplate.Text(infra.Defaults.Resource("Microsoft.Storage/storageAccounts"), "name");

        Assert.DoesNotContain("AzureWebJobsStorage", Settings.Keys);
        Assert.Equal(account, Settings["AzureWebJobsStorage__accountName"]);
        Assert.Equal("managedidentity", Settings["AzureWebJobsStorage__credential"]);
        Assert.Equal($"[{ClientId}]", Settings["AzureWebJobsStorage__clientId"]);
    }

    [Fact]
    public void App_blob_client_uses_the_account_endpoint_and_the_managed_identity()
    {
        var account = ArmTemplate.Text(infra.Defaults.Resource("Microsoft.Storage/storageAccounts"), "id");

        Assert.Equal($"[reference('{account}', '2023-05-01').primaryEndpoints.blob]", Settings["Storage__ServiceUri"]);
        Assert.Equal($"[{ClientId}]", Settings["Storage__ClientId"]);
        Assert.Equal("inputs", Settings["Storage__InputContainer"]);
        Assert.Equal("videos", Settings["Storage__OutputContainer"]);
    }

    [Fact]
    public void Completion_events_go_to_the_deployed_topic_with_the_identity_and_no_key()
    {
        var topic = ArmTemplate.Text(infra.Defaults.Resource("Microsoft.EventGrid/topics"), "id");

        Assert.Equal($"[reference('{topic}', '2025-02-15').endpoint]", Settings["Events__TopicEndpoint"]);
        Assert.DoesNotContain("Events__TopicKey", Settings.Keys);
        Assert.Equal($"[{ClientId}]", Settings["AZURE_CLIENT_ID"]);
    }

    [Fact]
    public void The_queue_trigger_reads_the_request_queue_that_storage_has()
    {
        var account = ArmTemplate.Text(infra.Defaults.Resource("Microsoft.Storage/storageAccounts"), "id");
        var queues = infra.Defaults.OfType("Microsoft.Storage/storageAccounts/queueServices/queues").Select(queue => ArmTemplate.Text(queue, "name").Split('/')[^1]);

        Assert.Equal("video-requests", Settings["Pipelines__RequestQueue"]);
        Assert.Equal(["video-requests", "video-requests-poison"], queues.Order());
        Assert.Equal($"[reference('{account}', '2023-05-01').primaryEndpoints.queue]", Settings["Pipelines__QueueServiceUri"]);
    }

    [Fact]
    public void Application_insights_telemetry_authenticates_with_the_managed_identity()
    {
        Assert.Equal(
            $"[format('Authorization=AAD;ClientId={{0}}', {ClientId})]",
            Settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
    }

    [Fact]
    public void Webhooks_point_at_the_app_own_host_name()
    {
        var site = ArmTemplate.Text(infra.Defaults.Resource("Microsoft.Web/sites"), "name");

        Assert.Equal($"https://{site}.azurewebsites.net", Settings["Webhooks__PublicBaseUrl"]);
    }

    [Fact]
    public void Freepik_and_workflow_settings_have_their_defaults()
    {
        Assert.Equal("https://api.freepik.com", Settings["Freepik__BaseUrl"]);
        Assert.Equal("01:00:00", Settings["Workflow__Deadline"]);
        Assert.Equal("7.00:00:00", Settings["Workflow__MaxWaitForSlot"]);
    }
}
