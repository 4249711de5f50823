using System.Text.Encodings.Web;
using System.Text.Json;

namespace KlingFunctions.Http;

/// <summary>The API's JSON: camelCase with string enums, whatever the hosting framework's defaults are.</summary>
public static class ApiJson
{
    /// <summary>
    /// Relaxed escaping keeps SAS URLs readable (<c>&amp;</c>, not <c>\u0026</c>); the API serves
    /// application/json, never HTML, so nothing here is embedded in a page.
    /// </summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
