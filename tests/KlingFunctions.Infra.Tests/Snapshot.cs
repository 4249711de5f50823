using System.Text.Json;

namespace KlingFunctions.Infra.Tests;

/// <summary>
/// What `bicep snapshot` predicts a deployment creates: every resource of main.bicep and its modules with
/// parameters, names and conditions evaluated. Values known only at deployment time (another resource's
/// properties, secure parameters) stay ARM expressions such as "[reference('…/vaults/kv-…/secrets/…').secretUri]".
/// </summary>
public sealed class Snapshot(JsonElement root)
{
    public JsonElement Root { get; } = root;

    public IEnumerable<JsonElement> Resources =>
        Root.GetProperty("predictedResources").EnumerateArray();

    public IEnumerable<JsonElement> OfType(string type) =>
        Resources.Where(resource => string.Equals(resource.GetProperty("type").GetString(), type, StringComparison.OrdinalIgnoreCase));

    public JsonElement Resource(string type) => Assert.Single(OfType(type));

    public JsonElement Resource(string type, string nameSuffix) =>
        Assert.Single(OfType(type), resource => resource.GetProperty("name").GetString()!.EndsWith(nameSuffix, StringComparison.Ordinal));

    public IReadOnlyDictionary<string, string> AppSettings =>
        Resource("Microsoft.Web/sites/config", "/appsettings").GetProperty("properties").EnumerateObject()
            .ToDictionary(setting => setting.Name, setting => setting.Value.GetString()!);

    /// <summary>Role assignments as (scope resource id, role definition GUID, principal id, principal type).</summary>
    public IReadOnlyList<RoleAssignment> RoleAssignments =>
        OfType("Microsoft.Authorization/roleAssignments").Select(RoleAssignment.From).ToList();
}

public sealed record RoleAssignment(string Scope, string Name, string RoleId, string PrincipalId, string PrincipalType, string? Condition)
{
    private const string Marker = "/providers/Microsoft.Authorization/roleAssignments/";

    public static RoleAssignment From(JsonElement resource)
    {
        var id = resource.GetProperty("id").GetString()!;
        var properties = resource.GetProperty("properties");
        var roleDefinitionId = properties.GetProperty("roleDefinitionId").GetString()!;
        return new RoleAssignment(
            id[..id.IndexOf(Marker, StringComparison.Ordinal)],
            resource.GetProperty("name").GetString()!,
            roleDefinitionId[(roleDefinitionId.LastIndexOf('/') + 1)..],
            properties.GetProperty("principalId").GetString()!,
            properties.GetProperty("principalType").GetString()!,
            resource.TryGetProperty("condition", out var condition) ? condition.GetString() : null);
    }
}
