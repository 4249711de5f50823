namespace KlingFunctions.Infra.Tests;

[Collection(CompiledInfra.Name)]
public sealed class RoleAssignmentTests(InfraFixture infra)
{
    private const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string StorageBlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    private const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";
    private const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";
    private const string EventGridDataSender = "d5a91429-5739-47e2-a06b-3470a27159e7";

    // Queue and Table Data Contributor are for Durable Functions, whose Azure Storage backend keeps work
    // items in queues and history in tables: every deployment needs them, whatever its parameters.
    [Fact]
    public void App_identity_gets_storage_monitoring_key_vault_and_event_grid_roles_with_default_and_custom_parameters()
    {
        Assert.All(new[] { infra.Defaults, infra.Customized }, deployment => Assert.Equal(
            new[]
            {
                (Scope(deployment, "Microsoft.Insights/components"), MonitoringMetricsPublisher),
                (Scope(deployment, "Microsoft.KeyVault/vaults"), KeyVaultSecretsUser),
                (Scope(deployment, "Microsoft.EventGrid/topics"), EventGridDataSender),
                (Scope(deployment, "Microsoft.Storage/storageAccounts"), StorageTableDataContributor),
                (Scope(deployment, "Microsoft.Storage/storageAccounts"), StorageQueueDataContributor),
                (Scope(deployment, "Microsoft.Storage/storageAccounts"), StorageBlobDataOwner),
            }.Order(),
            AppRoles(deployment).Order()));
    }

    [Fact]
    public void App_role_assignments_name_the_user_assigned_identity_as_a_service_principal()
    {
        var identityId = ArmTemplate.Text(infra.Defaults.Resource("Microsoft.ManagedIdentity/userAssignedIdentities"), "id");

        Assert.All(infra.Defaults.RoleAssignments, assignment =>
        {
            Assert.Equal($"[reference('{identityId}', '2023-01-31').principalId]", assignment.PrincipalId);
            Assert.Equal("ServicePrincipal", assignment.PrincipalType);
        });
    }

    [Fact]
    public void Deployer_gets_no_role_when_no_principal_id_is_given()
    {
        Assert.DoesNotContain(infra.Defaults.RoleAssignments, assignment => assignment.PrincipalType != "ServicePrincipal");
    }

    [Fact]
    public void Deployer_gets_blob_data_contributor_on_the_storage_account_when_a_principal_id_is_given()
    {
        var deployer = Assert.Single(infra.Customized.RoleAssignments, assignment => assignment.PrincipalId == InfraFixture.DeployerPrincipalId);

        Assert.Equal(StorageBlobDataContributor, deployer.RoleId);
        Assert.Equal(Scope(infra.Customized, "Microsoft.Storage/storageAccounts"), deployer.Scope);
        Assert.Equal("User", deployer.PrincipalType);
    }

    [Fact]
    public void Role_assignments_are_named_by_the_guid_of_scope_principal_and_role()
    {
        var assignments = ArmTemplate.OfType(infra.Templates["app/roles.json"], "Microsoft.Authorization/roleAssignments").ToList();

        Assert.Equal(7, assignments.Count);
        Assert.All(assignments, assignment =>
        {
            var scope = ArmTemplate.Text(assignment, "scope");
            var roleDefinitionId = assignment.GetProperty("properties").GetProperty("roleDefinitionId").GetString()!;
            const string Prefix = "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', ";
            Assert.StartsWith(Prefix, roleDefinitionId, StringComparison.Ordinal);
            var role = roleDefinitionId[Prefix.Length..^2];
            var principal = scope.Contains("storageAccounts", StringComparison.Ordinal) && role == "variables('storageBlobDataContributor')"
                ? "parameters('deployerPrincipalId')"
                : "resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', parameters('identityName'))";

            Assert.Equal($"[guid({scope[1..^1]}, {principal}, {role})]", ArmTemplate.Text(assignment, "name"));
        });
    }

    private static IEnumerable<(string Scope, string RoleId)> AppRoles(Snapshot deployment) =>
        deployment.RoleAssignments
            .Where(assignment => assignment.PrincipalType == "ServicePrincipal")
            .Select(assignment => (assignment.Scope, assignment.RoleId));

    private static string Scope(Snapshot deployment, string type) => ArmTemplate.Text(deployment.Resource(type), "id");
}
