using System.Text.Json;

namespace KlingFunctions.Http;

/// <summary>The API's JSON: camelCase with string enums, whatever the hosting framework's defaults are.</summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
