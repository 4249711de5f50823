using System.Collections.Concurrent;
using KlingFunctions.FreepikSimulator;
using KlingFunctions.Testing;

namespace KlingFunctions.DevHost.Tests;

/// <summary>
/// Freepik's limit on concurrent tasks, end to end: the simulator answers 429 beyond its limit, as Freepik does,
/// and counts the tasks in flight; jobs wait in line for a slot instead of failing.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class ConcurrencyTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Ten_jobs_at_once_all_complete_with_never_more_tasks_in_flight_than_the_limit()
    {
        // Rechecks far apart: jobs in line get going because finishing jobs wake them.
        await using var host = await TestDevHost.StartAsync(azurite, Limits(app: 3, freepik: 3, recheck: "00:00:20"));

        var ids = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => host.StartAsync($"burst {i}")));
        var seen = new ConcurrentBag<(string?, string?)>();
        var views = await Task.WhenAll(ids.Select(id => WaitWatchingAsync(host, id, seen)));

        Assert.All(views, view => Assert.Equal("Completed", view.Status));
        Assert.Contains(("Pending", "WaitingForSlot"), seen);
        var calls = host.Simulator.Calls;
        Assert.Equal((10, 0), (calls.TasksCreated, calls.CreatesRefusedAtLimit));
        Assert.InRange(calls.MaxTasksInFlight, 1, 3);
    }

    [Fact]
    public async Task When_Freepik_allows_fewer_tasks_than_configured_its_429s_put_jobs_back_in_line_without_failing_them()
    {
        // One create attempt only: a 429 that used up an attempt would fail the job.
        var settings = Limits(app: 3, freepik: 2, recheck: "00:00:00.500");
        settings["Workflow:MaxSubmitAttempts"] = "1";
        await using var host = await TestDevHost.StartAsync(azurite, settings);

        var ids = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => host.StartAsync($"crowded {i}")));
        var views = await Task.WhenAll(ids.Select(host.WaitUntilFinishedAsync));

        Assert.All(views, view => Assert.Equal("Completed", view.GetProperty("status").GetString()));
        var calls = host.Simulator.Calls;
        Assert.True(calls.CreatesRefusedAtLimit > 0, "The simulator never refused a create: the test did not exercise the 429s.");
        Assert.Equal((6, 2), (calls.TasksCreated, calls.MaxTasksInFlight));
    }

    [Fact]
    public async Task Canceling_the_job_that_holds_the_only_slot_lets_the_next_in_line_go_at_once()
    {
        await using var host = await TestDevHost.StartAsync(azurite, Limits(app: 1, freepik: 2, recheck: "00:10:00"));
        host.Simulator.Script("slow", new TaskScript { InProgressAfter = TimeSpan.FromMilliseconds(100), CompletedAfter = TimeSpan.FromMinutes(5) });
        var holder = await host.StartAsync("slow");
        await TestDevHost.EventuallyAsync(() => host.Simulator.Calls.TasksCreated == 1);
        var next = await host.StartAsync("next");
        await TestDevHost.EventuallyAsync(async () => (await host.GetAsync(next)).GetProperty("stage").GetString() == "WaitingForSlot");

        using var cancel = await host.Client.PostAsync($"/api/videos/{holder}/cancel", null);
        var view = await host.WaitUntilFinishedAsync(next);

        // The canceled job gives its slot back in its own finish, which wakes the next in line (rechecks are 10 minutes apart).
        Assert.Equal(System.Net.HttpStatusCode.Accepted, cancel.StatusCode);
        Assert.Equal("Completed", view.GetProperty("status").GetString());
        Assert.Equal("Canceled", (await host.WaitUntilFinishedAsync(holder)).GetProperty("status").GetString());
        Assert.Equal(Microsoft.DurableTask.Client.OrchestrationRuntimeStatus.Completed, await host.OrchestrationEndedAsync(holder));
    }

    [Fact]
    public async Task A_job_canceled_in_line_ends_Canceled_without_a_Freepik_task()
    {
        await using var host = await TestDevHost.StartAsync(azurite, Limits(app: 1, freepik: 2, recheck: "00:10:00"));
        host.Simulator.Script("slow", new TaskScript { InProgressAfter = TimeSpan.FromMilliseconds(100), CompletedAfter = TimeSpan.FromMinutes(5) });
        var holder = await host.StartAsync("slow");
        await TestDevHost.EventuallyAsync(() => host.Simulator.Calls.TasksCreated == 1);
        var waiting = await host.StartAsync("waiting");
        await TestDevHost.EventuallyAsync(async () => (await host.GetAsync(waiting)).GetProperty("stage").GetString() == "WaitingForSlot");

        using var cancel = await host.Client.PostAsync($"/api/videos/{waiting}/cancel", null);
        var view = await host.WaitUntilFinishedAsync(waiting);

        Assert.Equal(System.Net.HttpStatusCode.Accepted, cancel.StatusCode);
        Assert.Equal(("Canceled", "Canceled"), (view.GetProperty("status").GetString(), view.GetProperty("error").GetProperty("code").GetString()));
        Assert.False(view.TryGetProperty("freepik", out _));
        Assert.Equal(1, host.Simulator.Calls.TasksCreated);
        Assert.Equal("Running", (await host.GetAsync(holder)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_job_that_waited_in_line_longer_than_the_deadline_still_completes_for_the_deadline_counts_from_its_create()
    {
        // One task at a time, 4 s each, a deadline of 6 s: the third job waits about 8 s in line.
        var settings = Limits(app: 1, freepik: 1, recheck: "00:00:20");
        settings["Workflow:Deadline"] = "00:00:06";
        await using var host = await TestDevHost.StartAsync(azurite, settings);
        host.Simulator.Script("steady", new TaskScript { InProgressAfter = TimeSpan.FromMilliseconds(200), CompletedAfter = TimeSpan.FromSeconds(4) });

        var prompts = Enumerable.Range(0, 3).Select(i => $"steady {i}").ToList();
        var ids = await Task.WhenAll(prompts.Select(prompt => host.StartAsync(prompt)));
        var views = await Task.WhenAll(ids.Select(host.WaitUntilFinishedAsync));

        Assert.All(views, view => Assert.Equal("Completed", view.GetProperty("status").GetString()));
        var calls = host.Simulator.Calls;
        Assert.Equal((3, 3, 0, 1), (calls.CreateAttempts, calls.TasksCreated, calls.CreatesRefusedAtLimit, calls.MaxTasksInFlight));
        var last = host.Simulator.Tasks.MaxBy(task => task.CreatedAt)!;
        var lastView = views[prompts.IndexOf(last.Prompt!)];
        Assert.True(
            last.CreatedAt - lastView.GetProperty("createdAt").GetDateTimeOffset() > TimeSpan.FromSeconds(6),
            $"The last job waited only {last.CreatedAt - lastView.GetProperty("createdAt").GetDateTimeOffset()} in line: the test did not outlast the deadline.");
    }

    [Fact]
    public async Task A_job_that_reaches_MaxWaitForSlot_ends_TimedOut_SlotWaitExceeded_and_nothing_is_created_for_it()
    {
        var settings = Limits(app: 1, freepik: 1, recheck: "00:00:20");
        settings["Workflow:MaxWaitForSlot"] = "00:00:03";
        await using var host = await TestDevHost.StartAsync(azurite, settings);
        host.Simulator.Script("slow", new TaskScript { InProgressAfter = TimeSpan.FromMilliseconds(100), CompletedAfter = TimeSpan.FromMinutes(5) });
        var holder = await host.StartAsync("slow");
        await TestDevHost.EventuallyAsync(() => host.Simulator.Calls.TasksCreated == 1);

        var waiting = await host.StartAsync("waiting");
        var view = await host.WaitUntilFinishedAsync(waiting);

        Assert.Equal(("TimedOut", "SlotWaitExceeded"), (view.GetProperty("status").GetString(), view.GetProperty("error").GetProperty("code").GetString()));
        Assert.Contains("Workflow:MaxWaitForSlot", view.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.False(view.TryGetProperty("freepik", out _));
        Assert.Equal((1, 1), (host.Simulator.Calls.CreateAttempts, host.Simulator.Calls.TasksCreated));
        Assert.Equal(Microsoft.DurableTask.Client.OrchestrationRuntimeStatus.Completed, await host.OrchestrationEndedAsync(waiting));
        Assert.Equal("Running", (await host.GetAsync(holder)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_job_in_line_shows_how_many_are_ahead_of_it_of_how_many_slots_and_when_it_last_checked()
    {
        await using var host = await TestDevHost.StartAsync(azurite, Limits(app: 1, freepik: 1, recheck: "00:00:20"));
        host.Simulator.Script("slow", new TaskScript { InProgressAfter = TimeSpan.FromMilliseconds(100), CompletedAfter = TimeSpan.FromMinutes(5) });
        var holder = await host.StartAsync("slow");
        await TestDevHost.EventuallyAsync(() => host.Simulator.Calls.TasksCreated == 1);

        var first = await host.StartAsync("first in line");
        await TestDevHost.EventuallyAsync(async () => (await host.GetAsync(first)).TryGetProperty("line", out _));
        var second = await host.StartAsync("second in line");
        await TestDevHost.EventuallyAsync(async () => (await host.GetAsync(second)).TryGetProperty("line", out _));
        var firstView = await host.GetAsync(first);
        var secondView = await host.GetAsync(second);

        Assert.Equal(("Pending", "WaitingForSlot"), (secondView.GetProperty("status").GetString(), secondView.GetProperty("stage").GetString()));
        Assert.Equal((0, 1), Place(firstView));
        Assert.Equal((1, 1), Place(secondView));
        var checkedAt = secondView.GetProperty("line").GetProperty("checkedAt").GetDateTimeOffset();
        Assert.InRange(checkedAt, secondView.GetProperty("createdAt").GetDateTimeOffset(), DateTimeOffset.UtcNow);
        Assert.False((await host.GetAsync(holder)).TryGetProperty("line", out _));
    }

    private static (int Ahead, int Limit) Place(System.Text.Json.JsonElement view)
    {
        var line = view.GetProperty("line");
        return (line.GetProperty("ahead").GetInt32(), line.GetProperty("limit").GetInt32());
    }

    private static Dictionary<string, string?> Limits(int app, int freepik, string recheck) => new()
    {
        ["Freepik:MaxConcurrentTasks"] = app.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["FreepikSimulator:MaxConcurrentTasks"] = freepik.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Workflow:SlotRecheckInterval"] = recheck,
    };

    /// <summary>Reads the job until it has finished, noting every (status, stage) it showed on the way.</summary>
    private static async Task<(string? Status, string? Stage)> WaitWatchingAsync(TestDevHost host, string id, ConcurrentBag<(string?, string?)> seen)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (true)
        {
            var view = await host.GetAsync(id);
            var shown = (view.GetProperty("status").GetString(), view.GetProperty("stage").GetString());
            seen.Add(shown);
            if (shown.Item1 is not ("Pending" or "Running"))
            {
                return shown;
            }

            await Task.Delay(50, patience.Token);
        }
    }
}
