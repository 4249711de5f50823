using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace KlingFunctions.FreepikSimulator.Tests;

public class CallCountTests
{
    private static readonly FreepikSimulatorOptions Options = new()
    {
        InProgressAfter = TimeSpan.FromSeconds(10),
        CompletedAfter = TimeSpan.FromSeconds(30),
    };

    [Fact]
    public async Task Calls_count_creates_statuses_lists_downloads_and_webhooks()
    {
        var time = new FakeTimeProvider();
        await using var sim = await FreepikSimulatorServer.StartAsync(Options, time, CancellationToken.None);
        await using var receiver = await WebhookReceiver.StartAsync();
        using var client = sim.CreateClient();
        var taskId = await FreepikApi.CreateTaskAsync(client, webhookUrl: receiver.Url);
        using var rejected = await FreepikApi.PostCreateAsync(client, new Dictionary<string, string>());
        time.Advance(TimeSpan.FromSeconds(30));
        await receiver.NextAsync(3);

        await FreepikApi.GetTaskAsync(client, taskId);
        var task = await FreepikApi.GetTaskAsync(client, taskId);
        using var unknown = await client.GetAsync(FreepikApi.StatusPath("unknown"));
        using var list = await client.GetAsync(FreepikApi.CreatePath);
        await client.GetByteArrayAsync(FreepikApi.Generated(task)[0]);
        var calls = sim.Calls;

        Assert.Equal(HttpStatusCode.BadRequest, rejected.StatusCode);
        Assert.Equal((2, 1), (calls.CreateAttempts, calls.TasksCreated));
        Assert.Equal((3, 2, 1), (calls.StatusCalls, calls.StatusCallsFor(taskId), calls.StatusCallsFor("unknown")));
        Assert.Equal((1, 1, 3), (calls.ListCalls, calls.VideoDownloads, calls.WebhooksSent));
    }

    [Fact]
    public async Task Concurrent_creates_each_get_their_own_task_and_are_all_counted()
    {
        await using var sim = await FreepikSimulatorServer.StartAsync(Options, new FakeTimeProvider(), CancellationToken.None);
        using var client = sim.CreateClient();

        var ids = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => FreepikApi.CreateTaskAsync(client, $"cat {i}")));

        Assert.Equal(200, ids.Distinct().Count());
        Assert.Equal((200, 200, 200), (sim.Calls.CreateAttempts, sim.Calls.TasksCreated, sim.Tasks.Count));
    }
}
