using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace KlingFunctions.FreepikSimulator.Tests;

public class ConcurrencyLimitTests
{
    [Fact]
    public async Task A_create_beyond_MaxConcurrentTasks_is_answered_429_until_a_task_finishes()
    {
        var time = new FakeTimeProvider();
        var options = new FreepikSimulatorOptions { MaxConcurrentTasks = 2, InProgressAfter = TimeSpan.FromSeconds(1), CompletedAfter = TimeSpan.FromSeconds(5) };
        await using var sim = await FreepikSimulatorServer.StartAsync(options, time, CancellationToken.None);
        using var client = sim.CreateClient();
        await FreepikApi.CreateTaskAsync(client);
        time.Advance(TimeSpan.FromSeconds(2));
        await FreepikApi.CreateTaskAsync(client);

        using var refused = await FreepikApi.PostCreateAsync(client, FreepikApi.Body());
        time.Advance(TimeSpan.FromSeconds(3));
        using var accepted = await FreepikApi.PostCreateAsync(client, FreepikApi.Body());

        Assert.Equal((HttpStatusCode.TooManyRequests, HttpStatusCode.OK), (refused.StatusCode, accepted.StatusCode));
        Assert.Equal((3, 1, 2), (sim.Simulation.Calls.TasksCreated, sim.Simulation.Calls.CreatesRefusedAtLimit, sim.Simulation.Calls.MaxTasksInFlight));
        Assert.Equal([1, 2, 1, 2], sim.Simulation.InFlightHistory.Select(change => change.Count));
    }

    [Fact]
    public async Task Without_a_limit_every_valid_create_makes_a_task()
    {
        await using var sim = await FreepikSimulatorServer.StartAsync(new FreepikSimulatorOptions(), new FakeTimeProvider(), CancellationToken.None);
        using var client = sim.CreateClient();

        for (var i = 0; i < 5; i++)
        {
            await FreepikApi.CreateTaskAsync(client);
        }

        Assert.Equal((5, 0, 5), (sim.Simulation.Calls.TasksCreated, sim.Simulation.Calls.CreatesRefusedAtLimit, sim.Simulation.Calls.MaxTasksInFlight));
    }
}
