using System.Net;
using System.Text;
using KlingFunctions.Freepik;
using Microsoft.Extensions.Time.Testing;

namespace KlingFunctions.FreepikSimulator.Tests;

public class LifecycleTests
{
    private static readonly FreepikSimulatorOptions Timings = new()
    {
        InProgressAfter = TimeSpan.FromSeconds(10),
        CompletedAfter = TimeSpan.FromSeconds(30),
    };

    [Fact]
    public async Task Create_answers_a_new_task_id_with_status_CREATED()
    {
        await using var sim = await FreepikSimulatorServer.StartAsync(Timings, new FakeTimeProvider(), CancellationToken.None);
        using var client = sim.CreateClient();

        using var response = await FreepikApi.PostCreateAsync(client, FreepikApi.Body());
        var data = await FreepikApi.DataAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(Guid.TryParse(data.GetProperty("task_id").GetString(), out _));
        Assert.Equal("CREATED", data.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_task_moves_through_IN_PROGRESS_to_COMPLETED_on_the_configured_timings()
    {
        var time = new FakeTimeProvider();
        await using var sim = await FreepikSimulatorServer.StartAsync(Timings, time, CancellationToken.None);
        using var client = sim.CreateClient();
        var taskId = await FreepikApi.CreateTaskAsync(client);
        List<string?> seen = [(await FreepikApi.GetTaskAsync(client, taskId)).GetProperty("status").GetString()];

        time.Advance(TimeSpan.FromSeconds(9));
        seen.Add((await FreepikApi.GetTaskAsync(client, taskId)).GetProperty("status").GetString());
        time.Advance(TimeSpan.FromSeconds(1));
        seen.Add((await FreepikApi.GetTaskAsync(client, taskId)).GetProperty("status").GetString());
        time.Advance(TimeSpan.FromSeconds(20));
        var completed = await FreepikApi.GetTaskAsync(client, taskId);
        seen.Add(completed.GetProperty("status").GetString());

        Assert.Equal(["CREATED", "CREATED", "IN_PROGRESS", "COMPLETED"], seen);
        Assert.Equal([$"{sim.BaseUri}videos/{taskId}.mp4"], FreepikApi.Generated(completed));
    }

    [Fact]
    public async Task A_task_completes_on_real_timers_with_a_downloadable_mp4()
    {
        await using var sim = await FreepikSimulatorServer.StartAsync(
            new FreepikSimulatorOptions { InProgressAfter = TimeSpan.FromMilliseconds(20), CompletedAfter = TimeSpan.FromMilliseconds(60) },
            CancellationToken.None);
        using var client = sim.CreateClient();
        var taskId = await FreepikApi.CreateTaskAsync(client);

        var task = await FreepikApi.GetTaskAsync(client, taskId);
        while (task.GetProperty("status").GetString() != "COMPLETED")
        {
            await Task.Delay(20);
            task = await FreepikApi.GetTaskAsync(client, taskId);
        }

        var video = await client.GetByteArrayAsync(FreepikApi.Generated(task)[0]);

        Assert.True(video.Length > 1000);
        Assert.Equal("ftyp", Encoding.ASCII.GetString(video, 4, 4));
    }

    [Fact]
    public async Task The_video_is_served_as_video_mp4_without_an_api_key()
    {
        var time = new FakeTimeProvider();
        await using var sim = await FreepikSimulatorServer.StartAsync(Timings, time, CancellationToken.None);
        using var client = sim.CreateClient();
        var taskId = await FreepikApi.CreateTaskAsync(client);
        time.Advance(TimeSpan.FromSeconds(30));
        using var anonymous = new HttpClient();

        using var response = await anonymous.GetAsync(new Uri(sim.BaseUri, $"videos/{taskId}.mp4"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("video/mp4", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_video_is_not_found_before_the_task_completes()
    {
        await using var sim = await FreepikSimulatorServer.StartAsync(Timings, new FakeTimeProvider(), CancellationToken.None);
        using var client = sim.CreateClient();
        var taskId = await FreepikApi.CreateTaskAsync(client);

        using var response = await client.GetAsync($"/videos/{taskId}.mp4");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Status_of_an_unknown_task_is_404_Not_found()
    {
        await using var sim = await FreepikSimulatorServer.StartAsync(CancellationToken.None);
        using var client = sim.CreateClient();

        using var response = await client.GetAsync(FreepikApi.StatusPath(Guid.NewGuid().ToString()));
        var body = await FreepikApi.JsonAsync(response);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("Not found", body.GetProperty("message").GetString());
    }

    [Fact]
    public async Task List_answers_every_task_with_its_status()
    {
        var time = new FakeTimeProvider();
        await using var sim = await FreepikSimulatorServer.StartAsync(Timings, time, CancellationToken.None);
        using var client = sim.CreateClient();
        var first = await FreepikApi.CreateTaskAsync(client, "first");
        time.Advance(TimeSpan.FromSeconds(10));
        var second = await FreepikApi.CreateTaskAsync(client, "second");

        using var response = await client.GetAsync(FreepikApi.CreatePath);
        var listed = (await FreepikApi.DataAsync(response)).EnumerateArray()
            .ToDictionary(task => task.GetProperty("task_id").GetString()!, task => task.GetProperty("status").GetString());

        Assert.Equal(new Dictionary<string, string?> { [first] = "IN_PROGRESS", [second] = "CREATED" }, listed);
    }

    [Fact]
    public async Task Tasks_expose_prompt_status_and_webhook_url()
    {
        await using var sim = await FreepikSimulatorServer.StartAsync(Timings, new FakeTimeProvider(), CancellationToken.None);
        using var client = sim.CreateClient();

        var taskId = await FreepikApi.CreateTaskAsync(client, "a dog runs", "https://hooks.example.com/in");

        var task = Assert.Single(sim.Tasks);
        Assert.Equal((taskId, "a dog runs", FreepikTaskStatus.Created, "https://hooks.example.com/in"), (task.TaskId, task.Prompt, task.Status, task.WebhookUrl));
    }
}
