using System.Text.Json;
using KlingFunctions.Workflow;

namespace KlingFunctions.Tests;

/// <summary>
/// The <c>functions.metadata</c> the Worker.Sdk built for the Functions host: what the host will actually route and
/// trigger. The HTTP contract of DESIGN.md is public; these tests keep it from drifting.
/// </summary>
public sealed class FunctionsMetadataTests
{
    private static readonly Dictionary<string, JsonElement> Functions = Read();

    [Theory]
    [InlineData("StartVideo", "post", "videos", "Function")]
    [InlineData("GetVideo", "get", "videos/{id}", "Function")]
    [InlineData("CancelVideo", "post", "videos/{id}/cancel", "Function")]
    [InlineData("ListVideos", "get", "videos", "Function")]
    [InlineData("FreepikWebhook", "post", "webhooks/freepik/{id}", "Anonymous")]
    public void Each_route_of_the_HTTP_contract_is_an_HTTP_trigger_with_a_Durable_client(string function, string method, string route, string authLevel)
    {
        var bindings = Bindings(function);

        var trigger = Assert.Single(bindings, binding => binding.GetProperty("type").GetString() == "httpTrigger");
        Assert.Equal([method], trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(route, trigger.GetProperty("route").GetString());
        Assert.Equal(authLevel, trigger.GetProperty("authLevel").GetString());
        Assert.Single(bindings, binding => binding.GetProperty("type").GetString() == "durableClient");
    }

    [Theory]
    [InlineData("Health", "get", "health")]
    [InlineData("OpenApiDocument", "get", "openapi.json")]
    public void The_health_check_and_the_API_document_are_anonymous_HTTP_triggers(string function, string method, string route)
    {
        var trigger = Assert.Single(Bindings(function), binding => binding.GetProperty("type").GetString() == "httpTrigger");

        Assert.Equal([method], trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(route, trigger.GetProperty("route").GetString());
        Assert.Equal("Anonymous", trigger.GetProperty("authLevel").GetString());
    }

    [Theory]
    [InlineData("Studio", "studio")]
    [InlineData("StudioFile", "studio/{file}")]
    public void The_studio_page_and_its_files_are_anonymous_GET_triggers_a_browser_can_open(string function, string route)
    {
        var trigger = Assert.Single(Bindings(function), binding => binding.GetProperty("type").GetString() == "httpTrigger");

        Assert.Equal(["get"], trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(route, trigger.GetProperty("route").GetString());
        Assert.Equal("Anonymous", trigger.GetProperty("authLevel").GetString());
    }

    [Fact]
    public void The_orchestrator_and_every_activity_have_the_names_the_workflow_calls()
    {
        string[] activities = [WorkflowActivities.StageSourceImage, WorkflowActivities.AcquireFreepikSlot, WorkflowActivities.ReleaseFreepikSlot, WorkflowActivities.SubmitVideoTask, WorkflowActivities.GetVideoTaskStatus, WorkflowActivities.ArchiveVideo, WorkflowActivities.NotifyCallback, WorkflowActivities.PublishJobEvent];

        Assert.Equal("orchestrationTrigger", TriggerType(VideoOrchestration.Name));
        Assert.All(activities, activity => Assert.Equal("activityTrigger", TriggerType(activity)));
    }

    [Fact]
    public void Start_requests_come_from_the_configured_queue_of_the_host_storage_with_a_Durable_client()
    {
        var bindings = Bindings("StartQueuedVideo");

        var trigger = Assert.Single(bindings, binding => binding.GetProperty("type").GetString() == "queueTrigger");
        Assert.Equal("%Pipelines:RequestQueue%", trigger.GetProperty("queueName").GetString());

        // No connection named: the host's own AzureWebJobsStorage (identity-based in Azure), whose account Bicep gives the queue role on.
        Assert.False(trigger.TryGetProperty("connection", out _));
        Assert.Single(bindings, binding => binding.GetProperty("type").GetString() == "durableClient");
    }

    [Fact]
    public void Finished_jobs_are_purged_every_hour_by_a_timer_with_a_Durable_client()
    {
        var bindings = Bindings("PurgeFinishedJobs");

        var trigger = Assert.Single(bindings, binding => binding.GetProperty("type").GetString() == "timerTrigger");
        Assert.Equal("0 17 * * * *", trigger.GetProperty("schedule").GetString());
        Assert.False(trigger.TryGetProperty("runOnStartup", out var runOnStartup) && runOnStartup.GetBoolean());
        Assert.Single(bindings, binding => binding.GetProperty("type").GetString() == "durableClient");
    }

    [Fact]
    public void The_app_declares_nothing_beyond_the_contract_the_workflow_the_pipelines_and_the_studio()
        => Assert.Equal(20, Functions.Count);

    /// <summary>The HTTP triggers the Functions host will route, as (function name, METHOD /api/route, auth level).</summary>
    internal static IEnumerable<(string Function, string Route, string AuthLevel)> HttpTriggers()
        => from function in Functions
           from binding in function.Value.GetProperty("bindings").EnumerateArray()
           where binding.GetProperty("type").GetString() == "httpTrigger"
           from method in binding.GetProperty("methods").EnumerateArray()
           select (function.Key, $"{method.GetString()!.ToUpperInvariant()} /api/{binding.GetProperty("route").GetString()}", binding.GetProperty("authLevel").GetString()!);

    private static string? TriggerType(string function) => Assert.Single(Bindings(function)).GetProperty("type").GetString();

    private static List<JsonElement> Bindings(string function)
    {
        Assert.True(Functions.TryGetValue(function, out var metadata), $"functions.metadata has no function {function}.");
        return [.. metadata.GetProperty("bindings").EnumerateArray()];
    }

    private static Dictionary<string, JsonElement> Read()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "functions.metadata")));
        return document.RootElement.EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!, f => f.Clone(), StringComparer.Ordinal);
    }
}
