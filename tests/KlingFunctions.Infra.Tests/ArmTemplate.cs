using System.Text.Json;

namespace KlingFunctions.Infra.Tests;

/// <summary>Reads compiled ARM JSON in both shapes Bicep emits: a resource array, or (languageVersion 2.0) an object of symbolic names.</summary>
public static class ArmTemplate
{
    public static IEnumerable<JsonElement> Resources(JsonElement template)
    {
        var resources = template.GetProperty("resources");
        var all = resources.ValueKind == JsonValueKind.Array
            ? resources.EnumerateArray()
            : resources.EnumerateObject().Select(resource => resource.Value);
        return all.Where(resource => !(resource.TryGetProperty("existing", out var existing) && existing.GetBoolean()));
    }

    public static IEnumerable<JsonElement> OfType(JsonElement template, string type) =>
        Resources(template).Where(resource => resource.GetProperty("type").GetString() == type);

    public static string Text(JsonElement element, string property) => element.GetProperty(property).GetString()!;
}
