using System.Net.Http.Headers;
using System.Text.Json;

namespace KlingFunctions.Http;

/// <summary>
/// A JSON request body with a <c>Content-Length</c>. <c>JsonContent</c> streams without one (chunked), and many
/// webhook receivers, and signature checks over "the exact body", read only a body whose length is declared.
/// </summary>
public static class JsonBody
{
    public static ByteArrayContent Of<T>(T value, JsonSerializerOptions options) => Of(JsonSerializer.SerializeToUtf8Bytes(value, options));

    public static ByteArrayContent Of(byte[] utf8Json)
        => new(utf8Json) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" } } };
}
