using System.Net;
using KlingFunctions.Freepik;
using Microsoft.Extensions.Time.Testing;

namespace KlingFunctions.FreepikSimulator.Tests;

public sealed class ScriptedFaultTests : IAsyncLifetime
{
    private static readonly FreepikSimulatorOptions Options = new()
    {
        InProgressAfter = TimeSpan.FromSeconds(10),
        CompletedAfter = TimeSpan.FromSeconds(30),
    };

    private readonly FakeTimeProvider time = new();
    private FreepikSimulatorServer sim = null!;
    private HttpClient client = null!;

    public async Task InitializeAsync()
    {
        sim = await FreepikSimulatorServer.StartAsync(Options, time, CancellationToken.None);
        client = sim.CreateClient();
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await sim.DisposeAsync();
    }

    [Fact]
    public async Task A_task_scripted_to_fail_ends_FAILED_without_generated()
    {
        sim.ScriptNext(new TaskScript { Ending = TaskEnding.Failed });
        var taskId = await FreepikApi.CreateTaskAsync(client);

        time.Advance(TimeSpan.FromSeconds(30));
        var task = await FreepikApi.GetTaskAsync(client, taskId);

        Assert.Equal("FAILED", task.GetProperty("status").GetString());
        Assert.Empty(FreepikApi.Generated(task));
    }

    [Fact]
    public async Task A_task_scripted_without_video_ends_COMPLETED_with_empty_generated()
    {
        sim.ScriptNext(new TaskScript { Ending = TaskEnding.CompletedWithoutVideo });
        var taskId = await FreepikApi.CreateTaskAsync(client);

        time.Advance(TimeSpan.FromSeconds(30));
        var task = await FreepikApi.GetTaskAsync(client, taskId);

        Assert.Equal("COMPLETED", task.GetProperty("status").GetString());
        Assert.Empty(FreepikApi.Generated(task));
    }

    [Fact]
    public async Task A_script_can_set_its_own_timings()
    {
        sim.ScriptNext(new TaskScript { InProgressAfter = TimeSpan.FromSeconds(1), CompletedAfter = TimeSpan.FromSeconds(2) });
        var taskId = await FreepikApi.CreateTaskAsync(client);

        time.Advance(TimeSpan.FromSeconds(2));
        var task = await FreepikApi.GetTaskAsync(client, taskId);

        Assert.Equal("COMPLETED", task.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_429_burst_on_create_sends_Retry_After_then_creates_one_task()
    {
        sim.Script("burst", new TaskScript { CreateFaults = [ResponseFault.Status(429, times: 2, retryAfter: TimeSpan.FromSeconds(3))] });
        List<HttpResponseMessage> responses = [];

        for (var i = 0; i < 3; i++)
        {
            responses.Add(await FreepikApi.PostCreateAsync(client, FreepikApi.Body("a burst of cats")));
        }

        Assert.Equal([HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests, HttpStatusCode.OK], responses.Select(r => r.StatusCode));
        Assert.Equal(TimeSpan.FromSeconds(3), responses[0].Headers.RetryAfter?.Delta);
        Assert.Equal((3, 1), (sim.Calls.CreateAttempts, sim.Calls.TasksCreated));
        responses.ForEach(response => response.Dispose());
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    public async Task A_failure_on_create_before_the_task_exists_creates_nothing(int statusCode)
    {
        sim.ScriptNext(new TaskScript { CreateFaults = [ResponseFault.Status(statusCode)] });

        using var response = await FreepikApi.PostCreateAsync(client, FreepikApi.Body());

        Assert.Equal(statusCode, (int)response.StatusCode);
        Assert.Equal((1, 0), (sim.Calls.CreateAttempts, sim.Calls.TasksCreated));
        Assert.Empty(sim.Tasks);
    }

    [Fact]
    public async Task A_500_after_the_task_was_created_leaves_the_task_running()
    {
        sim.ScriptNext(new TaskScript { CreateFaults = [ResponseFault.CreatedThenStatus(500)] });

        using var response = await FreepikApi.PostCreateAsync(client, FreepikApi.Body());
        time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(FreepikTaskStatus.InProgress, Assert.Single(sim.Tasks).Status);
    }

    [Fact]
    public async Task A_slow_create_creates_the_task_before_the_client_gives_up()
    {
        sim.ScriptNext(new TaskScript { CreateFaults = [ResponseFault.Slow(TimeSpan.FromMinutes(5))] });
        using var giveUp = new CancellationTokenSource();

        var create = FreepikApi.PostCreateAsync(client, FreepikApi.Body(), giveUp.Token);
        while (sim.Calls.TasksCreated == 0)
        {
            await Task.Delay(10);
        }

        await giveUp.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => create);
        Assert.Single(sim.Tasks);
    }

    [Fact]
    public async Task Status_failures_are_answered_in_order_then_the_status()
    {
        sim.ScriptNext(new TaskScript
        {
            StatusFaults = [ResponseFault.Status(500), ResponseFault.Status(503, retryAfter: TimeSpan.FromSeconds(7)), ResponseFault.Status(429)],
        });
        var taskId = await FreepikApi.CreateTaskAsync(client);
        List<HttpResponseMessage> responses = [];

        for (var i = 0; i < 4; i++)
        {
            responses.Add(await client.GetAsync(FreepikApi.StatusPath(taskId)));
        }

        Assert.Equal(
            [HttpStatusCode.InternalServerError, HttpStatusCode.ServiceUnavailable, HttpStatusCode.TooManyRequests, HttpStatusCode.OK],
            responses.Select(r => r.StatusCode));
        Assert.Equal(TimeSpan.FromSeconds(7), responses[1].Headers.RetryAfter?.Delta);
        responses.ForEach(response => response.Dispose());
    }

    [Fact]
    public async Task A_slow_status_answer_holds_only_the_scripted_request()
    {
        sim.ScriptNext(new TaskScript { StatusFaults = [ResponseFault.Slow(TimeSpan.FromMinutes(5))] });
        var taskId = await FreepikApi.CreateTaskAsync(client);
        using var giveUp = new CancellationTokenSource();

        var slow = client.GetAsync(FreepikApi.StatusPath(taskId), giveUp.Token);
        while (sim.Calls.StatusCallsFor(taskId) == 0)
        {
            await Task.Delay(10);
        }

        using var second = await client.GetAsync(FreepikApi.StatusPath(taskId));
        var slowWasPending = !slow.IsCompleted;
        await giveUp.CancelAsync();

        Assert.True(slowWasPending);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => slow);
    }

    [Fact]
    public async Task Status_is_404_for_the_scripted_time_after_create()
    {
        sim.ScriptNext(new TaskScript { NotFoundFor = TimeSpan.FromSeconds(20) });
        var taskId = await FreepikApi.CreateTaskAsync(client);

        using var early = await client.GetAsync(FreepikApi.StatusPath(taskId));
        time.Advance(TimeSpan.FromSeconds(20));
        using var later = await client.GetAsync(FreepikApi.StatusPath(taskId));

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.OK), (early.StatusCode, later.StatusCode));
    }

    [Fact]
    public async Task ScriptNext_applies_to_the_next_task_only()
    {
        sim.ScriptNext(new TaskScript { Ending = TaskEnding.Failed });
        var first = await FreepikApi.CreateTaskAsync(client);
        var second = await FreepikApi.CreateTaskAsync(client);

        time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(
            (FreepikTaskStatus.Failed, FreepikTaskStatus.Completed),
            (sim.Simulation.FindTask(first)!.Status, sim.Simulation.FindTask(second)!.Status));
    }

    [Fact]
    public async Task A_prompt_script_applies_to_every_matching_prompt_and_no_other()
    {
        sim.Script("doomed", new TaskScript { Ending = TaskEnding.Failed });
        var doomed = await FreepikApi.CreateTaskAsync(client, "a doomed cat");
        var alsoDoomed = await FreepikApi.CreateTaskAsync(client, "another doomed cat");
        var fine = await FreepikApi.CreateTaskAsync(client, "a happy cat");

        time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(
            [FreepikTaskStatus.Failed, FreepikTaskStatus.Failed, FreepikTaskStatus.Completed],
            new[] { doomed, alsoDoomed, fine }.Select(id => sim.Simulation.FindTask(id)!.Status));
    }

    [Fact]
    public async Task The_first_matching_script_wins()
    {
        sim.Script("cat", new TaskScript { Ending = TaskEnding.Failed });
        sim.Script("black cat", new TaskScript { Ending = TaskEnding.CompletedWithoutVideo });
        var taskId = await FreepikApi.CreateTaskAsync(client, "a black cat");

        time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(FreepikTaskStatus.Failed, sim.Simulation.FindTask(taskId)!.Status);
    }
}
