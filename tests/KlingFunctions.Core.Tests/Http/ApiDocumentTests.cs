using System.Text.Json;
using KlingFunctions.Freepik;
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

    [Fact]
    public async Task The_model_is_an_enum_of_the_catalogue_with_one_line_per_model_in_JSON_and_multipart()
    {
        using var document = JsonDocument.Parse(await new ApiDocument().GetJsonAsync());
        var root = document.RootElement;
        var json = root.GetProperty("components").GetProperty("schemas").GetProperty("VideoRequest").GetProperty("properties").GetProperty("model");
        var multipart = root.GetProperty("paths").GetProperty("/api/videos").GetProperty("post").GetProperty("requestBody").GetProperty("content")
            .GetProperty("multipart/form-data").GetProperty("schema").GetProperty("properties").GetProperty("model");
        var ids = KlingModels.All.Select(model => model.Id).ToList();

        // In JSON, null (or no model) is the default model.
        Assert.Equal([.. ids, null], json.GetProperty("enum").EnumerateArray().Select(value => value.ValueKind == JsonValueKind.Null ? null : value.GetString()));
        Assert.Equal(ids, multipart.GetProperty("enum").EnumerateArray().Select(value => value.GetString()));
        var lines = json.GetProperty("description").GetString()!.Split('\n');
        Assert.All(ids, id => Assert.Single(lines, line => line.StartsWith($"- {id}: ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_models_and_the_usage_are_described_and_a_start_past_the_days_limit_is_429()
    {
        using var document = JsonDocument.Parse(await new ApiDocument().GetJsonAsync());
        var paths = document.RootElement.GetProperty("paths");

        Assert.Equal("GetModels", paths.GetProperty("/api/models").GetProperty("get").GetProperty("operationId").GetString());
        Assert.Equal("GetUsage", paths.GetProperty("/api/usage").GetProperty("get").GetProperty("operationId").GetString());
        Assert.True(paths.GetProperty("/api/videos").GetProperty("post").GetProperty("responses").TryGetProperty("429", out _));
        var codes = document.RootElement.GetProperty("components").GetProperty("schemas").GetProperty("JobError").GetProperty("properties").GetProperty("code").GetProperty("enum");
        Assert.Contains("DailyLimitReached", codes.EnumerateArray().Select(code => code.GetString()));
    }

    [Fact]
    public async Task The_job_view_describes_the_place_in_line_and_the_codes_include_SlotWaitExceeded()
    {
        using var document = JsonDocument.Parse(await new ApiDocument().GetJsonAsync());
        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");

        Assert.True(schemas.GetProperty("JobView").GetProperty("properties").TryGetProperty("line", out _));
        Assert.Equal(["ahead", "limit", "checkedAt"], schemas.GetProperty("LineView").GetProperty("properties").EnumerateObject().Select(property => property.Name));
        var codes = schemas.GetProperty("JobError").GetProperty("properties").GetProperty("code").GetProperty("enum");
        Assert.Contains("SlotWaitExceeded", codes.EnumerateArray().Select(code => code.GetString()));
    }
}
