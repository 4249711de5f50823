using System.Globalization;
using System.Text;
using System.Text.Json;
using KlingFunctions.Freepik;
using KlingFunctions.Http;
using KlingFunctions.Webhooks;
using KlingFunctions.Workflow;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask;
using Grpc.Core;
using Microsoft.DurableTask.Client;
using KlingFunctions.Storage;
using KlingFunctions.Testing;
using Microsoft.DurableTask.Converters;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Moq;

namespace KlingFunctions.Tests.Http;

/// <summary>
/// The HTTP triggers with the app's real service registration, storage on Azurite and a mocked
/// <see cref="DurableTaskClient"/>: each answers as the contract says and touches Durable only as far as it should.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class TriggerTests : IDisposable
{
    private const string JobId = "0123456789abcdef0123456789abcdef";

    private readonly Mock<DurableTaskClient> durable = new("test client");
    private readonly ServiceProvider services;

    private readonly AzuriteFixture azurite;
    private readonly string suffix = Guid.NewGuid().ToString("N")[..12];

    public TriggerTests(AzuriteFixture azurite)
    {
        this.azurite = azurite;
        services = Services();
    }

    /// <summary>As the Functions host provides them: configuration and logging, then the app's own registration.</summary>
    private ServiceProvider Services(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["Storage:InputContainer"] = $"inputs-{suffix}",
            ["Storage:OutputContainer"] = $"videos-{suffix}",
            ["Webhooks:PublicBaseUrl"] = "https://kling.example",
            ["Webhooks:TokenSecret"] = "a-token-secret-of-some-length",
            ["Freepik:ApiKey"] = "a-freepik-key-" + suffix,
        }).AddInMemoryCollection(settings.Select(setting => KeyValuePair.Create(setting.Key, (string?)setting.Value))).Build();

        return new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging()
            .AddKlingFunctionsApp(configuration)
            .BuildServiceProvider();
    }

    private VideoApi Api => services.GetRequiredService<VideoApi>();

    [Theory]
    [InlineData(typeof(KlingFunctions.Pipelines.StartQueuedVideo))]
    [InlineData(typeof(PurgeFinishedJobs))]
    [InlineData(typeof(VideoActivities))]
    public void The_functions_beyond_HTTP_are_activated_from_the_app_registrations(Type function)
        => Assert.NotNull(ActivatorUtilities.CreateInstance(services, function));

    [Fact]
    public async Task GetVideo_answers_404_for_an_unknown_job()
    {
        var status = await ExecuteAsync(await new GetVideo(Api).Run(Request(), JobId, durable.Object, CancellationToken.None));

        Assert.Equal(StatusCodes.Status404NotFound, status);
    }

    [Fact]
    public async Task StartVideo_refuses_an_invalid_request_without_starting_anything()
    {
        var request = Request("""{"duration":"7"}""");

        var status = await ExecuteAsync(await new StartVideo(Api).Run(request, durable.Object, CancellationToken.None));

        Assert.Equal(StatusCodes.Status400BadRequest, status);
        durable.Verify(client => client.ScheduleNewOrchestrationInstanceAsync(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task StartVideo_answers_429_with_Retry_After_at_midnight_once_the_days_creates_are_used_up()
    {
        using var limited = Services(("Freepik:DailyCreateLimit", "0"));
        var context = new DefaultHttpContext { RequestServices = limited };
        context.Request.ContentType = "application/json";
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes("""{"image":"https://images.example.com/cat.png","prompt":"a cat"}"""));
        context.Response.Body = new MemoryStream();

        var result = await new StartVideo(limited.GetRequiredService<VideoApi>()).Run(context.Request, durable.Object, CancellationToken.None);
        await result.ExecuteAsync(context);

        Assert.Equal(StatusCodes.Status429TooManyRequests, context.Response.StatusCode);
        Assert.Equal("application/problem+json", context.Response.ContentType);
        var midnight = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(1), TimeSpan.Zero);
        Assert.Equal(midnight.ToString("R", CultureInfo.InvariantCulture), context.Response.Headers.RetryAfter.ToString());
        using var problem = JsonDocument.Parse(((MemoryStream)context.Response.Body).ToArray());
        Assert.Equal("DailyLimitReached", problem.RootElement.GetProperty("code").GetString());
        durable.Verify(client => client.ScheduleNewOrchestrationInstanceAsync(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task GetModels_answers_the_catalogue_with_the_configured_default()
    {
        var (status, body) = await ReadAsync(new GetModels(services.GetRequiredService<ModelsApi>()).Run(Request()));

        Assert.Equal(StatusCodes.Status200OK, status);
        Assert.Equal("kling-v2-1-std", body.GetProperty("default").GetString());
        Assert.Equal(KlingModels.All.Select(model => model.Id), body.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task GetUsage_answers_today_with_no_limit_when_none_is_set()
    {
        var (status, body) = await ReadAsync(await new GetUsage(services.GetRequiredService<UsageApi>()).Run(Request(), CancellationToken.None));

        Assert.Equal(StatusCodes.Status200OK, status);
        Assert.Equal(DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), body.GetProperty("day").GetString());
        Assert.Equal((JsonValueKind.Null, 0, JsonValueKind.Null), (body.GetProperty("limit").ValueKind, body.GetProperty("used").GetInt32(), body.GetProperty("remaining").ValueKind));
    }

    [Fact]
    public async Task CancelVideo_asks_a_running_job_to_stop_and_answers_202_with_the_job_still_running()
    {
        Instance(OrchestrationRuntimeStatus.Running, new VideoJobProgress { Stage = JobStage.Generating, FreepikTaskId = "task-1", FreepikStatus = "IN_PROGRESS" });

        var (status, body) = await ReadAsync(await new CancelVideo(Api).Run(Request(), JobId, durable.Object, CancellationToken.None));

        // The 202 is the request, not the outcome: the job ends Canceled through its own finish.
        Assert.Equal(StatusCodes.Status202Accepted, status);
        Assert.Equal(("Running", "task-1"), (body.GetProperty("status").GetString(), body.GetProperty("freepik").GetProperty("taskId").GetString()));
        durable.Verify(client => client.RaiseEventAsync(JobId, VideoOrchestration.CancelRequestedEventName, It.Is<object?>(reason => reason is string), It.IsAny<CancellationToken>()), Times.Once);
        durable.Verify(client => client.TerminateInstanceAsync(It.IsAny<string>(), It.IsAny<TerminateInstanceOptions?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task CancelVideo_leaves_the_job_s_Freepik_slot_to_its_own_finish()
    {
        Instance(OrchestrationRuntimeStatus.Running, new VideoJobProgress { Stage = JobStage.Generating });
        var slots = services.GetRequiredService<FreepikSlots>();
        var far = DateTimeOffset.UtcNow.AddHours(1);
        for (var i = 0; i < 4; i++)
        {
            // The job holds one of the three slots; the fourth job waits in line.
            await slots.AcquireAsync(new SlotRequest(i == 0 ? JobId : $"other-{i}", null, DateTimeOffset.UtcNow.AddSeconds(i), null, null, TimeSpan.FromSeconds(30), far, TimeSpan.FromHours(1)), CancellationToken.None);
        }

        await new CancelVideo(Api).Run(Request(), JobId, durable.Object, CancellationToken.None);

        var pool = await slots.ReadAsync(slots.CurrentPool, CancellationToken.None);
        Assert.Contains(pool.Holders, holder => holder.JobId == JobId);
        durable.Verify(client => client.RaiseEventAsync(It.IsAny<string>(), VideoOrchestration.SlotFreedEventName, It.IsAny<object?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Theory]
    [InlineData(OrchestrationRuntimeStatus.Completed, JobStatus.Completed, "Completed")]
    [InlineData(OrchestrationRuntimeStatus.Completed, JobStatus.Canceled, "Canceled")]
    [InlineData(OrchestrationRuntimeStatus.Completed, JobStatus.TimedOut, "TimedOut")]
    [InlineData(OrchestrationRuntimeStatus.Failed, null, "Failed")]
    [InlineData(OrchestrationRuntimeStatus.Terminated, null, "Canceled")]
    public async Task CancelVideo_answers_409_for_an_ended_job_and_asks_nothing(OrchestrationRuntimeStatus runtime, JobStatus? output, string shown)
    {
        Instance(runtime, result: output is { } ended ? new VideoJobResult { Status = ended } : null);

        var (status, body) = await ReadAsync(await new CancelVideo(Api).Run(Request(), JobId, durable.Object, CancellationToken.None));

        Assert.Equal(StatusCodes.Status409Conflict, status);
        Assert.Contains($"is {shown} and cannot be canceled", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        durable.Verify(client => client.RaiseEventAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<CancellationToken>()), Times.Never);
        durable.Verify(client => client.TerminateInstanceAsync(It.IsAny<string>(), It.IsAny<TerminateInstanceOptions?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task CancelVideo_answers_409_for_a_running_job_that_has_reported_its_outcome()
    {
        // The job is in its finish (callback, event) with its outcome in its custom status: that outcome stands.
        Instance(OrchestrationRuntimeStatus.Running, new VideoJobProgress
        {
            Stage = JobStage.Done,
            Result = new VideoJobResult { Status = JobStatus.Completed, VideoUrls = ["https://cdn.example/video.mp4"] },
        });

        var (status, body) = await ReadAsync(await new CancelVideo(Api).Run(Request(), JobId, durable.Object, CancellationToken.None));

        Assert.Equal(StatusCodes.Status409Conflict, status);
        Assert.Contains("is Completed and cannot be canceled", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        durable.Verify(client => client.RaiseEventAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task CancelVideo_answers_404_for_an_unknown_job()
    {
        var status = await ExecuteAsync(await new CancelVideo(Api).Run(Request(), JobId, durable.Object, CancellationToken.None));

        Assert.Equal(StatusCodes.Status404NotFound, status);
        durable.Verify(client => client.RaiseEventAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Theory]
    [InlineData(StatusCode.NotFound)]
    [InlineData(StatusCode.FailedPrecondition)]
    public async Task CancelVideo_answers_409_with_the_outcome_of_a_job_that_ended_between_the_read_and_the_request(StatusCode hostStatus)
    {
        // Read Running, then the host refuses the event (the job finished meanwhile), then read Failed.
        durable.SetupSequence(client => client.GetInstanceAsync(JobId, It.IsAny<bool>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(Metadata(OrchestrationRuntimeStatus.Running, new VideoJobProgress { Stage = JobStage.Generating }, result: null))
            .ReturnsAsync(Metadata(OrchestrationRuntimeStatus.Completed, progress: null, new VideoJobResult { Status = JobStatus.Failed, Error = new JobError(JobErrorCodes.FreepikFailed, "Freepik failed the task.") }));
        durable.Setup(client => client.RaiseEventAsync(JobId, VideoOrchestration.CancelRequestedEventName, It.IsAny<object?>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new RpcException(new Status(hostStatus, "The orchestration instance with the provided instance id is not running.")));

        var (status, body) = await ReadAsync(await new CancelVideo(Api).Run(Request(), JobId, durable.Object, CancellationToken.None));

        Assert.Equal(StatusCodes.Status409Conflict, status);
        Assert.Contains("is Failed and cannot be canceled", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancelVideo_answers_404_for_a_job_purged_between_the_read_and_the_request()
    {
        durable.SetupSequence(client => client.GetInstanceAsync(JobId, It.IsAny<bool>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(Metadata(OrchestrationRuntimeStatus.Running, new VideoJobProgress { Stage = JobStage.Generating }, result: null))
            .ReturnsAsync((OrchestrationMetadata?)null);
        durable.Setup(client => client.RaiseEventAsync(JobId, VideoOrchestration.CancelRequestedEventName, It.IsAny<object?>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new RpcException(new Status(StatusCode.NotFound, "No such instance.")));

        var status = await ExecuteAsync(await new CancelVideo(Api).Run(Request(), JobId, durable.Object, CancellationToken.None));

        Assert.Equal(StatusCodes.Status404NotFound, status);
    }

    [Fact]
    public async Task FreepikWebhook_with_a_wrong_token_is_401_and_raises_nothing()
    {
        Instance(OrchestrationRuntimeStatus.Running);

        var status = await ExecuteAsync(await new FreepikWebhook(Api).Run(Request(Delivery, "token=forged"), JobId, durable.Object, CancellationToken.None));

        Assert.Equal(StatusCodes.Status401Unauthorized, status);
        durable.Verify(client => client.RaiseEventAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task FreepikWebhook_raises_the_update_to_a_running_job()
    {
        Instance(OrchestrationRuntimeStatus.Running);
        var token = services.GetRequiredService<WebhookToken>().Create(JobId);

        var status = await ExecuteAsync(await new FreepikWebhook(Api).Run(Request(Delivery, $"token={token}"), JobId, durable.Object, CancellationToken.None));

        Assert.Equal(StatusCodes.Status202Accepted, status);
        durable.Verify(client => client.RaiseEventAsync(JobId, FreepikTaskUpdate.EventName, It.Is<object?>(update => ((FreepikTaskUpdate)update!).Status == "COMPLETED"), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task FreepikWebhook_to_a_finished_job_is_202_and_raises_nothing()
    {
        Instance(OrchestrationRuntimeStatus.Completed);
        var token = services.GetRequiredService<WebhookToken>().Create(JobId);

        var status = await ExecuteAsync(await new FreepikWebhook(Api).Run(Request(Delivery, $"token={token}"), JobId, durable.Object, CancellationToken.None));

        Assert.Equal(StatusCodes.Status202Accepted, status);
        durable.Verify(client => client.RaiseEventAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task ListVideos_answers_a_page_of_jobs_from_one_Durable_query_with_inputs()
    {
        var input = new VideoJobInput
        {
            JobId = JobId,
            CreatedAt = DateTimeOffset.UtcNow.AddMinutes(-2),
            Parameters = new VideoParameters { Prompt = "a cat turns its head" },
            Inputs = new KlingFunctions.Staging.StagingRequest(JobId, new KlingFunctions.Staging.InputReference(BlobName: $"{JobId}/image.png")),
            Settings = new WorkflowSettings { FirstPoll = TimeSpan.FromSeconds(15), MaxPollInterval = TimeSpan.FromMinutes(2), Deadline = TimeSpan.FromHours(1), ArchiveVideo = true, WebhooksEnabled = true },
        };
        var queries = new List<OrchestrationQuery>();
        durable.Setup(client => client.GetAllInstancesAsync(It.IsAny<OrchestrationQuery>()))
            .Returns((OrchestrationQuery query) =>
            {
                queries.Add(query);
                IReadOnlyList<OrchestrationMetadata> found = query.FetchInputsAndOutputs
                    ? [new OrchestrationMetadata(nameof(VideoOrchestration), JobId) { RuntimeStatus = OrchestrationRuntimeStatus.Running, CreatedAt = input.CreatedAt, LastUpdatedAt = DateTimeOffset.UtcNow, DataConverter = JsonDataConverter.Default, SerializedInput = JsonDataConverter.Default.Serialize(input) }]
                    : [];
                return Pageable.Create((string? _, int? _, CancellationToken _) => Task.FromResult(new Page<OrchestrationMetadata>(found, null)));
            });

        var (status, body) = await ExecuteWithBodyAsync(await new ListVideos(Api).Run(Request(query: "top=5"), durable.Object, CancellationToken.None));

        Assert.Equal(StatusCodes.Status200OK, status);
        using var list = System.Text.Json.JsonDocument.Parse(body);
        var item = Assert.Single(list.RootElement.GetProperty("items").EnumerateArray());
        Assert.Equal(JobId, item.GetProperty("id").GetString());
        Assert.Equal("Running", item.GetProperty("status").GetString());
        Assert.Equal("a cat turns its head", item.GetProperty("prompt").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, list.RootElement.GetProperty("continuationToken").ValueKind);
        durable.Verify(client => client.GetInstanceAsync(It.IsAny<string>(), It.IsAny<bool>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task ListVideos_refuses_a_bad_top_without_asking_Durable()
    {
        var status = await ExecuteAsync(await new ListVideos(Api).Run(Request(query: "top=0"), durable.Object, CancellationToken.None));

        Assert.Equal(StatusCodes.Status400BadRequest, status);
        durable.Verify(client => client.GetAllInstancesAsync(It.IsAny<OrchestrationQuery>()), Times.Never);
    }

    public void Dispose() => services.Dispose();

    private const string Delivery = """{"task_id":"task-1","status":"COMPLETED","generated":["https://cdn.example/video.mp4"]}""";

    private void Instance(OrchestrationRuntimeStatus status, VideoJobProgress? progress = null, VideoJobResult? result = null)
        => durable.Setup(client => client.GetInstanceAsync(JobId, It.IsAny<bool>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(Metadata(status, progress, result));

    /// <summary>The engine's record of the job, with our custom status and output as the orchestration writes them.</summary>
    private static OrchestrationMetadata Metadata(OrchestrationRuntimeStatus status, VideoJobProgress? progress, VideoJobResult? result)
        => new(nameof(VideoOrchestration), JobId)
        {
            RuntimeStatus = status,
            CreatedAt = DateTimeOffset.UtcNow,
            LastUpdatedAt = DateTimeOffset.UtcNow,
            DataConverter = JsonDataConverter.Default,
            SerializedCustomStatus = progress is null ? null : JsonDataConverter.Default.Serialize(progress),
            SerializedOutput = result is null ? null : JsonDataConverter.Default.Serialize(result),
        };

    private HttpRequest Request(string body = "", string query = "")
    {
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Method = HttpMethods.Post;
        context.Request.ContentType = "application/json";
        context.Request.QueryString = new QueryString(query.Length == 0 ? string.Empty : "?" + query);
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        context.Response.Body = new MemoryStream();
        return context.Request;
    }

    /// <summary>Runs the result as the ASP.NET Core integration would, and returns the status code and JSON it wrote.</summary>
    private async Task<(int Status, JsonElement Body)> ReadAsync(IResult result)
    {
        var context = new DefaultHttpContext { RequestServices = services };
        context.Response.Body = new MemoryStream();
        await result.ExecuteAsync(context);
        using var body = JsonDocument.Parse(((MemoryStream)context.Response.Body).ToArray());
        return (context.Response.StatusCode, body.RootElement.Clone());
    }

    /// <summary>Runs the result as the ASP.NET Core integration would, and returns the status code it wrote.</summary>
    private async Task<int> ExecuteAsync(IResult result) => (await ExecuteWithBodyAsync(result)).Status;

    private async Task<(int Status, string Body)> ExecuteWithBodyAsync(IResult result)
    {
        var context = new DefaultHttpContext { RequestServices = services };
        var body = new MemoryStream();
        context.Response.Body = body;
        await result.ExecuteAsync(context);
        return (context.Response.StatusCode, Encoding.UTF8.GetString(body.ToArray()));
    }
}
