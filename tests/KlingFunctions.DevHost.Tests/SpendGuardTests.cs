using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KlingFunctions.FreepikSimulator;
using KlingFunctions.Testing;

namespace KlingFunctions.DevHost.Tests;

/// <summary>
/// The spend guard (<c>Freepik:DailyCreateLimit</c>) through the DevHost: the day's creates are counted in storage,
/// so two hosts on one storage account and one Freepik key share them; past the limit nothing starts, and a job
/// that would pass it ends before its create.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class SpendGuardTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Two_hosts_on_one_storage_share_the_days_creates_and_refuse_a_start_past_the_limit_with_429_until_midnight()
    {
        await using var simulator = await StartSimulatorAsync();
        var settings = Settings(simulator, limit: 2);
        await using var first = await TestDevHost.StartAsync(azurite, settings);
        await using var second = await TestDevHost.StartAsync(azurite, settings);

        var onFirst = await first.WaitUntilFinishedAsync(await first.StartAsync("on the first host"));
        var onSecond = await second.WaitUntilFinishedAsync(await second.StartAsync("on the second host"));
        using var refused = await first.PostAsync(TestDevHost.Request("one too many"));
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        var usages = await Task.WhenAll(first.Client.GetFromJsonAsync<JsonElement>("/api/usage"), second.Client.GetFromJsonAsync<JsonElement>("/api/usage"));

        Assert.Equal(("Completed", "Completed"), (onFirst.GetProperty("status").GetString(), onSecond.GetProperty("status").GetString()));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var midnight = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(1), TimeSpan.Zero);
        Assert.Equal(midnight, refused.Headers.RetryAfter?.Date);
        Assert.Equal(("DailyLimitReached", 2, 2), (problem.GetProperty("code").GetString(), problem.GetProperty("limit").GetInt32(), problem.GetProperty("used").GetInt32()));
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        Assert.All(usages, usage => Assert.Equal(
            $$$"""{"day":"{{{today}}}","limit":2,"used":2,"remaining":0,"byModel":{"kling-v2-1-std":2}}""",
            usage.GetRawText()));
        Assert.Equal(2, simulator.Calls.TasksCreated);
    }

    [Fact]
    public async Task A_job_that_started_under_the_limit_but_would_pass_it_fails_DailyLimitReached_before_any_create()
    {
        await using var simulator = await StartSimulatorAsync();
        var settings = Settings(simulator, limit: 2);
        settings["Freepik:MaxConcurrentTasks"] = "1";
        await using var host = await TestDevHost.StartAsync(azurite, settings);

        // The first job holds the only slot for a while, with one of the day's two creates; two more start meanwhile
        // (one create is left, so both are accepted) and wait in line: the first of them takes the last create.
        simulator.Script("holds the slot", new TaskScript { CompletedAfter = TimeSpan.FromSeconds(3) });
        var holder = await host.StartAsync("holds the slot");
        await TestDevHost.EventuallyAsync(() => simulator.Calls.TasksCreated == 1);
        var waiting = await Task.WhenAll(host.StartAsync("waits in line 1"), host.StartAsync("waits in line 2"));
        var views = await Task.WhenAll(waiting.Prepend(holder).Select(host.WaitUntilFinishedAsync));

        Assert.Equal(2, views.Count(view => view.GetProperty("status").GetString() == "Completed"));
        var refused = Assert.Single(views, view => view.GetProperty("status").GetString() == "Failed");
        Assert.Equal("DailyLimitReached", refused.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("nothing was sent or paid", refused.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.False(refused.TryGetProperty("freepik", out _));
        Assert.Equal((2, 2), (simulator.Calls.CreateAttempts, simulator.Calls.TasksCreated));
    }

    [Fact]
    public async Task Without_a_limit_usage_counts_the_days_creates_by_model_with_no_limit_or_remaining()
    {
        await using var host = await TestDevHost.StartAsync(azurite);
        var request = TestDevHost.Request("a counted create");
        request["model"] = "kling-v2-5-pro";

        using var started = await host.PostAsync(request);
        await host.WaitUntilFinishedAsync((await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!);
        var usage = await host.Client.GetFromJsonAsync<JsonElement>("/api/usage");

        Assert.Equal((JsonValueKind.Null, 1, JsonValueKind.Null), (usage.GetProperty("limit").ValueKind, usage.GetProperty("used").GetInt32(), usage.GetProperty("remaining").ValueKind));
        Assert.Equal(1, usage.GetProperty("byModel").GetProperty("kling-v2-5-pro").GetInt32());
    }

    /// <summary>A Freepik account of its own, so no other test's creates count against this one's day.</summary>
    private static Task<FreepikSimulatorServer> StartSimulatorAsync()
        => FreepikSimulatorServer.StartAsync(
            new FreepikSimulatorOptions { ApiKey = TestDevHost.NewApiKey(), InProgressAfter = TimeSpan.FromMilliseconds(200), CompletedAfter = TimeSpan.FromMilliseconds(600) },
            CancellationToken.None);

    private static Dictionary<string, string?> Settings(FreepikSimulatorServer simulator, int limit)
    {
        var settings = TestDevHost.UsingSimulator(simulator);
        settings["Freepik:DailyCreateLimit"] = limit.ToString(CultureInfo.InvariantCulture);
        settings["Workflow:FirstPoll"] = "00:00:00.100";
        settings["Workflow:MaxPollInterval"] = "00:00:00.250";
        return settings;
    }
}
