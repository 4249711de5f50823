using System.Text.Json;

namespace KlingFunctions.Infra.Tests;

[Collection(CompiledInfra.Name)]
public sealed class StorageLifecycleTests(InfraFixture infra)
{
    [Fact]
    public void Staged_inputs_are_deleted_after_three_days_and_videos_are_kept_by_default()
    {
        var rules = DeleteRules(infra.Defaults);

        Assert.Equal(new Dictionary<string, int> { ["inputs/"] = 3 }, rules);
    }

    [Fact]
    public void Retention_days_for_inputs_and_videos_follow_their_parameters()
    {
        var rules = DeleteRules(infra.Customized);

        Assert.Equal(new Dictionary<string, int> { ["inputs/"] = 5, ["videos/"] = 30 }, rules);
    }

    [Fact]
    public void Deleted_blobs_can_be_recovered_for_a_week()
    {
        var properties = infra.Defaults.Resource("Microsoft.Storage/storageAccounts/blobServices").GetProperty("properties");

        Assert.True(properties.GetProperty("deleteRetentionPolicy").GetProperty("enabled").GetBoolean());
        Assert.Equal(7, properties.GetProperty("deleteRetentionPolicy").GetProperty("days").GetInt32());
    }

    private static Dictionary<string, int> DeleteRules(Snapshot deployment) =>
        deployment.Resource("Microsoft.Storage/storageAccounts/managementPolicies")
            .GetProperty("properties").GetProperty("policy").GetProperty("rules").EnumerateArray()
            .ToDictionary(
                rule => Assert.Single(rule.GetProperty("definition").GetProperty("filters").GetProperty("prefixMatch").EnumerateArray()).GetString()!,
                rule => DeleteAfterDays(rule.GetProperty("definition")));

    private static int DeleteAfterDays(JsonElement definition) =>
        definition.GetProperty("actions").GetProperty("baseBlob").GetProperty("delete")
            .GetProperty("daysAfterModificationGreaterThan").GetInt32();
}
