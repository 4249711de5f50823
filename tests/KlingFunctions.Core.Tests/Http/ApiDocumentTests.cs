using System.Text.Json;
using KlingFunctions.Http.OpenApi;

namespace KlingFunctions.Core.Tests.Http;

public sealed class ApiDocumentTests
{
    [Fact]
    public async Task The_document_is_generated_once_per_process_and_is_the_same_every_time()
    {
        var document = new ApiDocument();

        var json = await document.GetJsonAsync();

        Assert.Same(json, await document.GetJsonAsync());
        Assert.Equal(json, await new ApiDocument().GetJsonAsync());
        using var parsed = JsonDocument.Parse(json);
        Assert.Equal("KlingFunctions", parsed.RootElement.GetProperty("info").GetProperty("title").GetString());
    }
}
