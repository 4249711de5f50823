using System.Text.Json;

namespace KlingFunctions.Infra.Tests;

[Collection(CompiledInfra.Name)]
public sealed class SecurityTests(InfraFixture infra)
{
    private Snapshot Deployment => infra.Defaults;

    [Fact]
    public void Storage_account_accepts_only_https_tls_1_2_and_entra_id()
    {
        var properties = Deployment.Resource("Microsoft.Storage/storageAccounts").GetProperty("properties");

        Assert.True(properties.GetProperty("supportsHttpsTrafficOnly").GetBoolean());
        Assert.Equal("TLS1_2", properties.GetProperty("minimumTlsVersion").GetString());
        Assert.False(properties.GetProperty("allowBlobPublicAccess").GetBoolean());
        Assert.False(properties.GetProperty("allowSharedKeyAccess").GetBoolean());
        Assert.True(properties.GetProperty("defaultToOAuthAuthentication").GetBoolean());
    }

    [Fact]
    public void Containers_for_the_package_inputs_and_videos_are_private()
    {
        var containers = Deployment.OfType("Microsoft.Storage/storageAccounts/blobServices/containers").ToList();

        Assert.Equal(
            ["app-package", "inputs", "videos"],
            containers.Select(container => ArmTemplate.Text(container, "name").Split('/')[^1]).Order());
        Assert.All(containers, container =>
            Assert.Equal("None", container.GetProperty("properties").GetProperty("publicAccess").GetString()));
    }

    [Fact]
    public void Event_grid_topic_takes_cloud_events_over_tls_1_2_with_entra_id_only()
    {
        var properties = Deployment.Resource("Microsoft.EventGrid/topics").GetProperty("properties");

        Assert.Equal("CloudEventSchemaV1_0", properties.GetProperty("inputSchema").GetString());
        Assert.True(properties.GetProperty("disableLocalAuth").GetBoolean());
        Assert.Equal("1.2", properties.GetProperty("minimumTlsVersionAllowed").GetString());
    }

    [Fact]
    public void Key_vault_authorizes_with_rbac_and_keeps_deleted_secrets()
    {
        var properties = Deployment.Resource("Microsoft.KeyVault/vaults").GetProperty("properties");

        Assert.True(properties.GetProperty("enableRbacAuthorization").GetBoolean());
        Assert.True(properties.GetProperty("enableSoftDelete").GetBoolean());
        // Key Vault rejects an explicit false, so "off" must be null.
        Assert.Equal(JsonValueKind.Null, properties.GetProperty("enablePurgeProtection").ValueKind);
    }

    [Fact]
    public void Key_vault_purge_protection_follows_its_parameter()
    {
        var properties = infra.Customized.Resource("Microsoft.KeyVault/vaults").GetProperty("properties");

        Assert.True(properties.GetProperty("enablePurgeProtection").GetBoolean());
    }

    [Fact]
    public void Application_insights_accepts_only_entra_id_telemetry_into_log_analytics()
    {
        var properties = Deployment.Resource("Microsoft.Insights/components").GetProperty("properties");
        var workspace = Deployment.Resource("Microsoft.OperationalInsights/workspaces");

        Assert.True(properties.GetProperty("DisableLocalAuth").GetBoolean());
        Assert.Equal(ArmTemplate.Text(workspace, "id"), properties.GetProperty("WorkspaceResourceId").GetString());
    }

    [Fact]
    public void Function_app_is_https_only_with_tls_1_2_and_no_ftp()
    {
        var properties = Deployment.Resource("Microsoft.Web/sites").GetProperty("properties");
        var siteConfig = properties.GetProperty("siteConfig");

        Assert.True(properties.GetProperty("httpsOnly").GetBoolean());
        Assert.Equal("1.2", siteConfig.GetProperty("minTlsVersion").GetString());
        Assert.Equal("1.2", siteConfig.GetProperty("scmMinTlsVersion").GetString());
        Assert.Equal("Disabled", siteConfig.GetProperty("ftpsState").GetString());
    }

    [Fact]
    public void Basic_publishing_credentials_are_off_for_ftp_and_scm()
    {
        var policies = Deployment.OfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies").ToList();

        Assert.Equal(["ftp", "scm"], policies.Select(policy => ArmTemplate.Text(policy, "name").Split('/')[^1]).Order());
        Assert.All(policies, policy => Assert.False(policy.GetProperty("properties").GetProperty("allow").GetBoolean()));
    }

    [Fact]
    public void Function_app_runs_dotnet_isolated_10_on_a_flex_consumption_plan()
    {
        var plan = Deployment.Resource("Microsoft.Web/serverfarms");
        var site = Deployment.Resource("Microsoft.Web/sites");
        var config = site.GetProperty("properties").GetProperty("functionAppConfig");

        Assert.Equal("FC1", plan.GetProperty("sku").GetProperty("name").GetString());
        Assert.Equal("FlexConsumption", plan.GetProperty("sku").GetProperty("tier").GetString());
        Assert.True(plan.GetProperty("properties").GetProperty("reserved").GetBoolean());
        Assert.Equal("functionapp,linux", ArmTemplate.Text(site, "kind"));
        Assert.Equal(ArmTemplate.Text(plan, "id"), site.GetProperty("properties").GetProperty("serverFarmId").GetString());
        Assert.Equal("dotnet-isolated", config.GetProperty("runtime").GetProperty("name").GetString());
        Assert.Equal("10.0", config.GetProperty("runtime").GetProperty("version").GetString());
        Assert.Equal(100, config.GetProperty("scaleAndConcurrency").GetProperty("maximumInstanceCount").GetInt32());
        Assert.Equal(2048, config.GetProperty("scaleAndConcurrency").GetProperty("instanceMemoryMB").GetInt32());
    }

    [Fact]
    public void Deployment_package_is_read_from_its_container_with_the_user_assigned_identity()
    {
        var identityId = ArmTemplate.Text(Deployment.Resource("Microsoft.ManagedIdentity/userAssignedIdentities"), "id");
        var storage = Deployment.Resource("Microsoft.Web/sites").GetProperty("properties")
            .GetProperty("functionAppConfig").GetProperty("deployment").GetProperty("storage");

        Assert.Equal("blobContainer", storage.GetProperty("type").GetString());
        Assert.EndsWith("'app-package')]", storage.GetProperty("value").GetString(), StringComparison.Ordinal);
        Assert.Equal("UserAssignedIdentity", storage.GetProperty("authentication").GetProperty("type").GetString());
        Assert.Equal(identityId, storage.GetProperty("authentication").GetProperty("userAssignedIdentityResourceId").GetString());
    }

    [Fact]
    public void Function_app_resolves_key_vault_references_with_its_user_assigned_identity()
    {
        var identityId = ArmTemplate.Text(Deployment.Resource("Microsoft.ManagedIdentity/userAssignedIdentities"), "id");
        var site = Deployment.Resource("Microsoft.Web/sites");

        Assert.Equal("UserAssigned", site.GetProperty("identity").GetProperty("type").GetString());
        Assert.Equal([identityId], site.GetProperty("identity").GetProperty("userAssignedIdentities").EnumerateObject().Select(identity => identity.Name));
        Assert.Equal(identityId, site.GetProperty("properties").GetProperty("keyVaultReferenceIdentity").GetString());
    }

    [Fact]
    public void Function_app_carries_the_azd_service_name_of_azure_yaml()
    {
        var azureYaml = File.ReadAllText(InfraFixture.AzureYamlPath).ReplaceLineEndings("\n");
        var tag = Deployment.Resource("Microsoft.Web/sites").GetProperty("tags").GetProperty("azd-service-name").GetString();

        Assert.Equal("api", tag);
        Assert.Contains($"services:\n  {tag}:\n    project: ./src/KlingFunctions\n    language: dotnet\n    host: function\n", azureYaml, StringComparison.Ordinal);
    }
}
