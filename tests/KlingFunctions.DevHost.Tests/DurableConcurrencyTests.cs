using System.Text.Json;
using DurableTask.Core;
using KlingFunctions.DevHost.Azurite;
using KlingFunctions.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace KlingFunctions.DevHost.Tests;

/// <summary>
/// The DevHost's Durable worker runs as many activities and orchestrations at once as the Functions host does with
/// the app's host.json, on either engine: the in-memory backend's own limit, the core count, queued 1,000 jobs'
/// archive copies for seconds (BENCHMARKS.md).
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class DurableConcurrencyTests(AzuriteFixture azurite)
{
    [Fact]
    public void By_default_the_DevHost_allows_what_host_json_allows_Durable_Functions()
    {
        var durableTask = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "host.json")))
            .RootElement.GetProperty("extensions").GetProperty("durableTask");

        var concurrency = DevHostSettings.From(new ConfigurationBuilder().Build()).Concurrency;

        Assert.Equal(durableTask.GetProperty("maxConcurrentActivityFunctions").GetInt32(), concurrency.Activities);
        Assert.Equal(durableTask.GetProperty("maxConcurrentOrchestratorFunctions").GetInt32(), concurrency.Orchestrations);
    }

    [Theory]
    [InlineData("InMemory")]
    [InlineData("AzureStorage")]
    public async Task Both_engines_hand_the_configured_limits_to_the_worker(string engine)
    {
        await using var host = await CreateAsync(new()
        {
            ["DevHost:Engine"] = engine,
            ["DevHost:MaxConcurrentActivityFunctions"] = "7",
            ["DevHost:MaxConcurrentOrchestratorFunctions"] = "9",
        });

        // What DurableTask.Core's dispatchers read when they start.
        var service = host.App.Services.GetRequiredService<IOrchestrationService>();
        Assert.Equal((7, 9), (service.MaxConcurrentTaskActivityWorkItems, service.MaxConcurrentTaskOrchestrationWorkItems));
    }

    [Fact]
    public async Task A_limit_below_one_stops_the_start_naming_the_setting()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => CreateAsync(new() { ["DevHost:MaxConcurrentActivityFunctions"] = "0" }));

        Assert.Contains("DevHost:MaxConcurrentActivityFunctions", error.Message, StringComparison.Ordinal);
    }

    private async Task<DevHostApplication> CreateAsync(Dictionary<string, string?> settings)
    {
        settings["Storage:ConnectionString"] = azurite.ConnectionString;
        settings["DevHost:TaskHub"] = TestDevHost.NewTaskHub();
        settings["DevHost:Telemetry"] = "None";
        return await DevHostApplication.CreateAsync([], builder => builder.Configuration.AddInMemoryCollection(settings), CancellationToken.None);
    }
}
