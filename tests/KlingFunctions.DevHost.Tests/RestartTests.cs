using System.Net.Http.Json;
using System.Text.Json;
using KlingFunctions.FreepikSimulator;
using KlingFunctions.Testing;

namespace KlingFunctions.DevHost.Tests;

/// <summary>
/// Jobs live in the Azure Storage backend, not in the DevHost: a job waiting for Freepik survives the DevHost
/// stopping (or being killed) and is finished by the next one, and Freepik sees exactly one create. The simulator
/// runs on its own here, so that it outlives the DevHost as Freepik would.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class RestartTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task A_job_waiting_for_Freepik_survives_a_DevHost_stop_and_start()
    {
        await using var simulator = await SlowSimulatorAsync();
        var settings = Settings(simulator);

        string id;
        await using (var first = await TestDevHost.StartAsync(azurite, settings))
        {
            id = await first.StartAsync("survives a restart");
            await WaitUntilGeneratingAsync(first.Client, id);
        }

        await using var second = await TestDevHost.StartAsync(azurite, settings);
        var view = await second.WaitUntilFinishedAsync(id);

        Assert.Equal("Completed", view.GetProperty("status").GetString());
        Assert.Equal((1, 1), (simulator.Calls.CreateAttempts, simulator.Calls.TasksCreated));
    }

    [Fact]
    public async Task A_job_waiting_for_Freepik_survives_a_killed_DevHost_process()
    {
        await using var simulator = await SlowSimulatorAsync();
        var settings = Settings(simulator);
        settings["Storage:ConnectionString"] = azurite.ConnectionString;

        string id;
        await using (var doomed = await DevHostProcess.StartAsync(settings))
        {
            using var response = await doomed.Client.PostAsJsonAsync("/api/videos", TestDevHost.Request("survives kill -9"));
            id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
            await WaitUntilGeneratingAsync(doomed.Client, id);
            await doomed.KillAsync();
        }

        await using var next = await DevHostProcess.StartAsync(settings);
        var view = await FinishedAsync(next.Client, id);

        Assert.Equal("Completed", view.GetProperty("status").GetString());
        Assert.Equal((1, 1), (simulator.Calls.CreateAttempts, simulator.Calls.TasksCreated));
    }

    [Fact]
    public async Task A_slot_held_and_a_place_in_line_survive_a_DevHost_stop_and_start()
    {
        await using var simulator = await SlowSimulatorAsync(maxConcurrentTasks: 1);
        var settings = Settings(simulator);
        settings["Freepik:MaxConcurrentTasks"] = "1";
        settings["Workflow:SlotRecheckInterval"] = "00:00:01";

        string holder, waiting;
        await using (var first = await TestDevHost.StartAsync(azurite, settings))
        {
            holder = await first.StartAsync("holds the slot");
            await WaitUntilGeneratingAsync(first.Client, holder);
            waiting = await first.StartAsync("waits in line");
            await TestDevHost.EventuallyAsync(async () => (await first.GetAsync(waiting)).GetProperty("stage").GetString() == "WaitingForSlot");
        }

        await using var second = await TestDevHost.StartAsync(azurite, settings);
        var views = await Task.WhenAll(second.WaitUntilFinishedAsync(holder), second.WaitUntilFinishedAsync(waiting));

        Assert.All(views, view => Assert.Equal("Completed", view.GetProperty("status").GetString()));
        Assert.Equal((2, 2, 0, 1), (simulator.Calls.CreateAttempts, simulator.Calls.TasksCreated, simulator.Calls.CreatesRefusedAtLimit, simulator.Calls.MaxTasksInFlight));

        // Exactly one create each: every job's task is a task of its own prompt.
        Assert.Equal(
            ["holds the slot", "waits in line"],
            views.Select(view => simulator.Simulation.FindTask(view.GetProperty("freepik").GetProperty("taskId").GetString()!)?.Prompt).Order());
    }

    /// <summary>Freepik takes 4 s, long enough for the DevHost to go away while the job waits.</summary>
    private static Task<FreepikSimulatorServer> SlowSimulatorAsync(int? maxConcurrentTasks = null)
        => FreepikSimulatorServer.StartAsync(
            new FreepikSimulatorOptions { ApiKey = TestDevHost.NewApiKey(), InProgressAfter = TimeSpan.FromMilliseconds(200), CompletedAfter = TimeSpan.FromSeconds(4), MaxConcurrentTasks = maxConcurrentTasks },
            CancellationToken.None);

    /// <summary>One task hub for both DevHosts; no webhooks (the first DevHost's address is gone), polls every 2 s.</summary>
    private static Dictionary<string, string?> Settings(FreepikSimulatorServer simulator) => new(TestDevHost.UsingSimulator(simulator))
    {
        ["DevHost:TaskHub"] = TestDevHost.NewTaskHub(),
        ["DevHost:MaxQueuePollingInterval"] = "00:00:00.100",

        // A message taken by a queue read the stop cancels (an activity's result sent just then) is back this soon.
        ["DevHost:QueueVisibilityTimeout"] = "00:00:10",
        ["Workflow:FirstPoll"] = "00:00:02",
        ["Workflow:MaxPollInterval"] = "00:00:02",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    /// <summary>Waits until the job reports Generating: the orchestration has recorded its task id and armed its poll timer.</summary>
    private static async Task WaitUntilGeneratingAsync(HttpClient client, string id)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while ((await client.GetFromJsonAsync<JsonElement>($"/api/videos/{id}", patience.Token)).GetProperty("stage").GetString() != "Generating")
        {
            await Task.Delay(50, patience.Token);
        }
    }

    private static async Task<JsonElement> FinishedAsync(HttpClient client, string id)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (true)
        {
            var view = await client.GetFromJsonAsync<JsonElement>($"/api/videos/{id}", patience.Token);
            if (view.GetProperty("status").GetString() is not ("Pending" or "Running"))
            {
                return view;
            }

            await Task.Delay(100, patience.Token);
        }
    }
}
