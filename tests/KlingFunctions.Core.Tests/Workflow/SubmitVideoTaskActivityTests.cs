using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using KlingFunctions.Core.Tests.Fixtures;
using KlingFunctions.Freepik;
using KlingFunctions.Staging;
using KlingFunctions.Storage;
using KlingFunctions.Testing;
using KlingFunctions.Webhooks;
using KlingFunctions.Workflow;
using KlingFunctions.Workflow.Activities;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Moq;

namespace KlingFunctions.Core.Tests.Workflow;

/// <summary>
/// The paid call under every order of failures, on Azurite: Durable may run the activity again after any of them,
/// and the storage client may repeat a write whose answer it lost. Freepik must see at most one create per attempt,
/// and an attempt that may have reached it is never reported as "nothing was sent".
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class SubmitVideoTaskActivityTests(AzuriteFixture azurite)
{
    private static readonly FreepikResult Created = new() { Outcome = FreepikOutcome.Accepted, StatusCode = 200, Task = new FreepikTask("task-1", FreepikTaskStatus.Created, []) };

    private readonly string jobId = Guid.NewGuid().ToString("N");
    private readonly Mock<IFreepikClient> freepik = Freepik();
    private readonly StorageFaults faults = new();

    private static Mock<IFreepikClient> Freepik()
    {
        var freepik = new Mock<IFreepikClient>();
        freepik.Setup(client => client.CreateTaskAsync(It.IsAny<FreepikCreateTask>(), It.IsAny<CancellationToken>())).ReturnsAsync(Created);
        return freepik;
    }

    private int Creates => freepik.Invocations.Count(call => call.Method.Name == nameof(IFreepikClient.CreateTaskAsync));

    [Fact]
    public async Task A_first_run_claims_the_attempt_sends_one_create_and_records_it()
    {
        await using var services = Services();

        var result = await Activity(services).RunAsync(Request(), CancellationToken.None);
        var rerun = await Activity(services).RunAsync(Request(), CancellationToken.None);

        Assert.Equal(("task-1", "task-1"), (result.Task?.TaskId, rerun.Task?.TaskId));
        Assert.Equal(1, Creates);
    }

    [Fact]
    public async Task A_rerun_after_a_crash_between_the_claim_and_the_record_reports_an_unknown_outcome_and_sends_nothing()
    {
        // Whether the earlier run died before its POST or after it, the ledger holds a claim without an outcome.
        await using var services = Services();
        await services.GetRequiredService<SubmitLedger>().ClaimAsync(jobId, 1, "the-crashed-run", CancellationToken.None);

        var rerun = await Activity(services).RunAsync(Request(), CancellationToken.None);

        Assert.Equal(FreepikOutcome.OutcomeUnknown, rerun.Outcome);
        Assert.Equal(0, Creates);
    }

    [Fact]
    public async Task A_rerun_after_the_response_was_recorded_answers_from_the_record()
    {
        await using var services = Services();
        var ledger = services.GetRequiredService<SubmitLedger>();
        await ledger.ClaimAsync(jobId, 1, "the-crashed-run", CancellationToken.None);
        await ledger.RecordAsync(jobId, 1, "the-crashed-run", Created with { Task = Created.Task! with { TaskId = "task-7" } }, CancellationToken.None);

        var rerun = await Activity(services).RunAsync(Request(), CancellationToken.None);

        Assert.Equal("task-7", rerun.Task?.TaskId);
        Assert.Equal(0, Creates);
    }

    [Fact]
    public async Task A_claim_whose_answer_was_lost_is_recognised_as_the_runs_own_and_the_create_is_sent_once()
    {
        await using var services = Services();
        faults.LoseTheAnswerToTheNextClaim = true;

        var result = await Activity(services).RunAsync(Request(), CancellationToken.None);

        Assert.True(faults.AnswerLost);
        Assert.Equal((FreepikOutcome.Accepted, 1), (result.Outcome, Creates));
    }

    [Fact]
    public async Task A_ledger_record_that_cannot_be_read_is_an_unknown_outcome_not_a_reason_to_send()
    {
        await using var services = Services();
        await services.GetRequiredService<SubmitLedger>().ClaimAsync(jobId, 1, "the-crashed-run", CancellationToken.None);
        faults.FailReads = true;

        var rerun = await Activity(services).RunAsync(Request(), CancellationToken.None);

        Assert.Equal(FreepikOutcome.OutcomeUnknown, rerun.Outcome);
        Assert.Equal(0, Creates);
    }

    [Fact]
    public async Task A_claim_that_cannot_be_written_sends_nothing_and_may_be_tried_again()
    {
        await using var services = Services();
        faults.FailClaims = true;

        var result = await Activity(services).RunAsync(Request(), CancellationToken.None);

        Assert.Equal((FreepikOutcome.Transient, 0), (result.Outcome, Creates));
    }

    [Fact]
    public async Task A_record_that_cannot_be_written_after_the_create_still_returns_the_task()
    {
        await using var services = Services();
        faults.FailRecords = true;

        var result = await Activity(services).RunAsync(Request(), CancellationToken.None);

        Assert.Equal(("task-1", 1), (result.Task?.TaskId, Creates));
    }

    [Fact]
    public async Task A_create_past_the_days_limit_is_refused_before_anything_is_sent_and_a_rerun_answers_the_same()
    {
        await using var services = Services(limit: 1);
        await services.GetRequiredService<DailyCreates>().ReserveAsync("another-job/1", "kling-v2-1-std", CancellationToken.None);

        var result = await Activity(services).RunAsync(Request(), CancellationToken.None);
        var rerun = await Activity(services).RunAsync(Request(), CancellationToken.None);

        Assert.Equal((FreepikOutcome.DailyLimitReached, FreepikOutcome.DailyLimitReached, 0), (result.Outcome, rerun.Outcome, Creates));
        Assert.Contains("Freepik:DailyCreateLimit", result.Message, StringComparison.Ordinal);
        Assert.Equal(1, (await services.GetRequiredService<DailyCreates>().ReadAsync(CancellationToken.None)).Used);
    }

    [Fact]
    public async Task A_create_counts_once_against_the_day_however_often_the_activity_runs()
    {
        await using var services = Services(limit: 5);

        await Activity(services).RunAsync(Request(), CancellationToken.None);
        await Activity(services).RunAsync(Request(), CancellationToken.None);
        var usage = await services.GetRequiredService<DailyCreates>().ReadAsync(CancellationToken.None);

        Assert.Equal((1, 4), (usage.Used, usage.Remaining));
        Assert.Equal(1, usage.ByModel["kling-v3-std"]);
    }

    [Theory]
    [InlineData(FreepikOutcome.Transient)]
    [InlineData(FreepikOutcome.Rejected)]
    [InlineData(FreepikOutcome.Unauthorized)]
    public async Task A_create_Freepik_certainly_did_not_make_is_not_counted(FreepikOutcome outcome)
    {
        await using var services = Services(limit: 5);
        freepik.Setup(client => client.CreateTaskAsync(It.IsAny<FreepikCreateTask>(), It.IsAny<CancellationToken>())).ReturnsAsync(new FreepikResult { Outcome = outcome, StatusCode = 503 });

        await Activity(services).RunAsync(Request(), CancellationToken.None);

        Assert.Equal(0, (await services.GetRequiredService<DailyCreates>().ReadAsync(CancellationToken.None)).Used);
    }

    [Fact]
    public async Task A_create_whose_outcome_is_unknown_counts()
    {
        await using var services = Services(limit: 5);
        freepik.Setup(client => client.CreateTaskAsync(It.IsAny<FreepikCreateTask>(), It.IsAny<CancellationToken>())).ReturnsAsync(new FreepikResult { Outcome = FreepikOutcome.OutcomeUnknown });

        await Activity(services).RunAsync(Request(), CancellationToken.None);

        Assert.Equal(1, (await services.GetRequiredService<DailyCreates>().ReadAsync(CancellationToken.None)).Used);
    }

    [Fact]
    public async Task The_create_goes_to_the_jobs_model_with_the_models_own_field_names()
    {
        await using var services = Services();
        FreepikCreateTask? sent = null;
        freepik.Setup(client => client.CreateTaskAsync(It.IsAny<FreepikCreateTask>(), It.IsAny<CancellationToken>())).Callback((FreepikCreateTask task, CancellationToken _) => sent = task).ReturnsAsync(Created);

        await Activity(services).RunAsync(Request() with { Staged = Request().Staged with { EndImage = new StagedImage("end_image", $"{jobId}/end_image.png", ImageFormat.Png, 640, 480, 1000) } }, CancellationToken.None);

        Assert.Equal("v1/ai/video/kling-v3-std", sent!.Model.CreatePath);
        Assert.Equal(["start_image_url", "end_image_url", "prompt", "duration"], sent.Body.Select(property => property.Key));
        Assert.Contains($"{jobId}/end_image.png?", sent.Body["end_image_url"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private SubmitRequest Request() => new(
        jobId,
        new StagingResult(new StagedImage("image", $"{jobId}/image.png", ImageFormat.Png, 640, 480, 1000), null, [], []),
        new VideoParameters { Model = "kling-v3-std", Prompt = "a cat", Duration = "5" });

    private SubmitVideoTaskActivity Activity(ServiceProvider services) => new(
        freepik.Object,
        services.GetRequiredService<BlobReadUrls>(),
        new WebhookToken(Options.Create(new WebhookOptions()), services.GetRequiredService<IConfiguration>(), NullLogger<WebhookToken>.Instance),
        services.GetRequiredService<SubmitLedger>(),
        services.GetRequiredService<DailyCreates>(),
        NullLogger<SubmitVideoTaskActivity>.Instance);

    private ServiceProvider Services(int? limit = null) => StagingServices.Create(azurite, services => services
        .AddSingleton<SubmitLedger>()
        .AddSingleton<DailyCreates>()
        .Configure<FreepikOptions>(options => options.DailyCreateLimit = limit)
        .AddSingleton(provider =>
        {
            var options = new BlobClientOptions { Retry = { MaxRetries = 2, Delay = TimeSpan.FromMilliseconds(1) } };
            options.AddPolicy(faults, HttpPipelinePosition.PerRetry);
            return new BlobServiceClient(azurite.ConnectionString, options);
        }));

    /// <summary>Faults of the storage network, on the ledger's blobs only, below the storage client's retries.</summary>
    private sealed class StorageFaults : HttpPipelinePolicy
    {
        public bool LoseTheAnswerToTheNextClaim { get; set; }

        public bool AnswerLost { get; private set; }

        public bool FailReads { get; set; }

        public bool FailClaims { get; set; }

        public bool FailRecords { get; set; }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
            => throw new NotSupportedException("The ledger is used asynchronously.");

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            var request = message.Request;
            var ledgerBlob = request.Uri.Path.Contains("/submit-", StringComparison.Ordinal);
            var claim = request.Method == RequestMethod.Put && request.Headers.TryGetValue("If-None-Match", out _);
            if (ledgerBlob && ((FailReads && request.Method == RequestMethod.Get) || (FailClaims && claim) || (FailRecords && request.Method == RequestMethod.Put && !claim)))
            {
                throw new IOException("connection reset by the test");
            }

            await ProcessNextAsync(message, pipeline);
            if (ledgerBlob && claim && LoseTheAnswerToTheNextClaim)
            {
                // The write happened; its answer does not arrive, so the client writes again.
                LoseTheAnswerToTheNextClaim = false;
                AnswerLost = true;
                throw new IOException("connection reset by the test after the write");
            }
        }
    }
}
