using System.Net;
using System.Text.Json;
using KlingFunctions.DevHost.Azurite;
using KlingFunctions.Http;
using KlingFunctions.Testing;
using KlingFunctions.Workflow;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace KlingFunctions.DevHost.Tests;

/// <summary><c>GET /api/openapi.json</c>, the interactive reference and <c>GET /api/health</c>, as a caller sees them.</summary>
[Collection(UsesAzurite.Name)]
public sealed class ApiDescriptionTests(AzuriteFixture azurite)
{
    private static readonly string[] SecretSettings = ["Freepik:ApiKey", "Freepik:WebhookSecret", "Webhooks:TokenSecret"];

    [Fact]
    public async Task The_document_describes_exactly_the_API_routes_the_DevHost_maps()
    {
        await using var host = await TestDevHost.StartAsync(azurite);

        using var document = await ReadDocumentAsync(host);

        var mapped = host.Host.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(endpoint => endpoint.RoutePattern.RawText!.StartsWith(KlingApiEndpoints.Prefix + "/", StringComparison.Ordinal)
                && !endpoint.RoutePattern.RawText.StartsWith(DevHostApplication.ApiReferencePath, StringComparison.Ordinal))
            .SelectMany(endpoint => endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Select(method => $"{method} {endpoint.RoutePattern.RawText}"))
            .Order(StringComparer.Ordinal);
        var described = document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(operation => $"{operation.Name.ToUpperInvariant()} {path.Name}"))
            .Order(StringComparer.Ordinal);
        Assert.Equal(mapped, described);
    }

    [Fact]
    public async Task The_document_is_OpenAPI_3_1_with_both_bodies_the_job_view_problems_and_the_error_codes()
    {
        await using var host = await TestDevHost.StartAsync(azurite);

        using var document = await ReadDocumentAsync(host);
        var root = document.RootElement;

        Assert.StartsWith("3.1.", root.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        var start = root.GetProperty("paths").GetProperty("/api/videos").GetProperty("post");
        var content = start.GetProperty("requestBody").GetProperty("content");
        Assert.Equal("#/components/schemas/VideoRequest", content.GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        var multipart = content.GetProperty("multipart/form-data").GetProperty("schema");
        Assert.Equal("binary", multipart.GetProperty("properties").GetProperty("image").GetProperty("format").GetString());
        Assert.Equal("number", multipart.GetProperty("properties").GetProperty("cfg_scale").GetProperty("type").GetString());
        Assert.False(multipart.TryGetProperty("patternProperties", out _));
        Assert.Equal("/", root.GetProperty("servers")[0].GetProperty("url").GetString());
        Assert.Equal("uri-reference", start.GetProperty("responses").GetProperty("202").GetProperty("headers").GetProperty("Location").GetProperty("schema").GetProperty("format").GetString());
        Assert.Contains(start.GetProperty("parameters").EnumerateArray(), parameter => parameter.GetProperty("name").GetString() == "Idempotency-Key");
        Assert.Equal("#/components/schemas/JobView", start.GetProperty("responses").GetProperty("202").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        foreach (var status in new[] { "400", "413", "415", "422" })
        {
            Assert.True(start.GetProperty("responses").GetProperty(status).GetProperty("content").TryGetProperty("application/problem+json", out _), $"{status} is not a problem response");
        }

        // Who may call what: the key on the API (optional on the DevHost, which checks none), nobody's on the rest.
        Assert.Equal(2, start.GetProperty("security").GetArrayLength());
        Assert.True(start.GetProperty("responses").TryGetProperty("401", out _));
        foreach (var anonymous in new[] { "/api/health", "/api/openapi.json" })
        {
            Assert.Equal(0, root.GetProperty("paths").GetProperty(anonymous).GetProperty("get").GetProperty("security").GetArrayLength());
        }

        Assert.Equal(0, root.GetProperty("paths").GetProperty("/api/webhooks/freepik/{id}").GetProperty("post").GetProperty("security").GetArrayLength());

        var schemas = root.GetProperty("components").GetProperty("schemas");
        Assert.Equal("string", schemas.GetProperty("JobStatus").GetProperty("type").GetString());
        Assert.Equal("string", schemas.GetProperty("JobStage").GetProperty("type").GetString());
        Assert.Equal(
            ["Pending", "Running", "Completed", "Failed", "Canceled", "TimedOut"],
            schemas.GetProperty("JobStatus").GetProperty("enum").EnumerateArray().Select(value => value.GetString()));
        Assert.Equal(
            typeof(JobErrorCodes).GetFields().Select(field => field.GetRawConstantValue() as string),
            schemas.GetProperty("JobError").GetProperty("properties").GetProperty("code").GetProperty("enum").EnumerateArray().Select(value => value.GetString()));
        Assert.True(schemas.GetProperty("JobView").GetProperty("properties").TryGetProperty("videoUrls", out _));
    }

    [Fact]
    public async Task The_interactive_reference_reads_the_same_document()
    {
        await using var host = await TestDevHost.StartAsync(azurite);

        using var response = await host.Client.GetAsync(new Uri(DevHostApplication.ApiReferencePath, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"\"url\":\"{KlingApiEndpoints.DocumentPath.TrimStart('/')}\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Offline: the system's fonts, and nothing that needs Scalar's servers.
        var page = await response.Content.ReadAsStringAsync();
        foreach (var setting in new[] { "\"withDefaultFonts\":false", "\"hideClientButton\":true", "\"telemetry\":false", "\"showDeveloperTools\":\"never\"", "\"agent\":{\"disabled\":true}", "\"mcp\":{\"disabled\":true}" })
        {
            Assert.Contains(setting, page, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("https://", page, StringComparison.Ordinal);

        // Its script comes from the DevHost itself (embedded in Scalar.AspNetCore), so the page works offline.
        using var script = await host.Client.GetAsync(new Uri(DevHostApplication.ApiReferencePath + "/scalar.js", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
    }

    [Fact]
    public async Task Health_reports_storage_and_Durable_reachable_and_the_configuration_without_a_secret()
    {
        await using var host = await TestDevHost.StartAsync(azurite);

        using var response = await host.Client.GetAsync(new Uri("/api/health", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var health = JsonDocument.Parse(text);
        Assert.Equal("Healthy", health.RootElement.GetProperty("status").GetString());
        Assert.Equal("Healthy", health.RootElement.GetProperty("checks").GetProperty("storage").GetProperty("status").GetString());
        Assert.Equal("Healthy", health.RootElement.GetProperty("checks").GetProperty("durable").GetProperty("status").GetString());
        var configuration = health.RootElement.GetProperty("configuration");
        Assert.True(configuration.GetProperty("freepik").GetProperty("apiKeySet").GetBoolean());
        Assert.True(configuration.GetProperty("webhooks").GetProperty("enabled").GetBoolean());
        Assert.Equal("ConnectionString", configuration.GetProperty("storage").GetProperty("authentication").GetString());
        Assert.Equal("00:00:30", configuration.GetProperty("workflow").GetProperty("deadline").GetString());
        Assert.Equal("7.00:00:00", configuration.GetProperty("workflow").GetProperty("maxWaitForSlot").GetString());
        foreach (var secret in SecretSettings.Select(key => host.Host.App.Configuration[key]).OfType<string>())
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("AccountKey", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Health_is_503_and_names_storage_when_the_account_does_not_answer()
    {
        var nobody = AzuriteProcess.FreePort();
        await using var host = await TestDevHost.StartAsync(azurite, new Dictionary<string, string?>
        {
            ["DevHost:Engine"] = "InMemory",
            ["Storage:ConnectionString"] = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=c2VjcmV0;BlobEndpoint=http://127.0.0.1:{nobody}/devstoreaccount1;",
        });

        using var response = await host.Client.GetAsync(new Uri("/api/health", UriKind.Relative));
        using var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("Unhealthy", health.RootElement.GetProperty("checks").GetProperty("storage").GetProperty("status").GetString());
        Assert.Equal("Healthy", health.RootElement.GetProperty("checks").GetProperty("durable").GetProperty("status").GetString());
    }

    private static async Task<JsonDocument> ReadDocumentAsync(TestDevHost host)
    {
        using var response = await host.Client.GetAsync(new Uri(KlingApiEndpoints.DocumentPath, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }
}
