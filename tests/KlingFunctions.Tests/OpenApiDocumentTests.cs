using System.Text.Json;
using KlingFunctions.Http;
using KlingFunctions.Http.OpenApi;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace KlingFunctions.Tests;

/// <summary>The OpenAPI document the Functions app serves, against the routes its <c>functions.metadata</c> declares.</summary>
public sealed class OpenApiDocumentTests
{
    [Fact]
    public async Task The_document_describes_exactly_the_HTTP_triggers_with_the_function_names_as_operation_ids()
    {
        using var document = JsonDocument.Parse(await new ApiDocument().GetJsonAsync());

        var described = Operations(document).Select(operation => (operation.Id, operation.Route)).Order();

        Assert.Equal(FunctionsMetadataTests.HttpTriggers().Select(trigger => (trigger.Function, trigger.Route)).Order(), described);
    }

    [Fact]
    public async Task The_document_asks_for_a_function_key_exactly_where_the_Functions_host_checks_one()
    {
        using var document = JsonDocument.Parse(await new ApiDocument().GetJsonAsync());

        var keyed = Operations(document).Where(operation => operation.NeedsKey).Select(operation => operation.Id).Order();

        Assert.Equal(FunctionsMetadataTests.HttpTriggers().Where(trigger => trigger.AuthLevel == "Function").Select(trigger => trigger.Function).Order(), keyed);

        // Required, not optional as in the DevHost's document: the only requirement is the key.
        Assert.All(
            document.RootElement.GetProperty("paths").EnumerateObject().SelectMany(path => path.Value.EnumerateObject()).Select(operation => operation.Value.GetProperty("security")),
            security => Assert.True(security.GetArrayLength() <= 1));
    }

    [Fact]
    public async Task The_trigger_serves_the_document_as_JSON()
    {
        await using var services = new ServiceCollection().AddLogging().AddSingleton<ApiDocument>().BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Response.Body = new MemoryStream();
        var document = services.GetRequiredService<ApiDocument>();

        await (await new OpenApiDocument(document).Run(context.Request, CancellationToken.None)).ExecuteAsync(context);

        Assert.StartsWith("application/json", context.Response.ContentType, StringComparison.Ordinal);
        Assert.Equal(await document.GetJsonAsync(), System.Text.Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray()));
    }

    private static IEnumerable<(string Id, string Route, bool NeedsKey)> Operations(JsonDocument document)
        => from path in document.RootElement.GetProperty("paths").EnumerateObject()
           from operation in path.Value.EnumerateObject()
           select (
               operation.Value.GetProperty("operationId").GetString()!,
               $"{operation.Name.ToUpperInvariant()} {path.Name}",
               operation.Value.TryGetProperty("security", out var security)
                   && security.EnumerateArray().Any(requirement => requirement.TryGetProperty(ApiDocument.FunctionKeyScheme, out _)));
}
