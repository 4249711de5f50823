using System.Collections.Concurrent;
using KlingFunctions.DevHost.Azurite;
using KlingFunctions.Freepik;
using KlingFunctions.Staging;
using KlingFunctions.Storage;
using KlingFunctions.Workflow;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;

namespace KlingFunctions.Core.Tests.Workflow;

/// <summary>
/// The Durable Task engine itself, in process (durabletask-dotnet's <see cref="DurableTaskTestHost"/>: the in-memory
/// backend behind the gRPC sidecar, the real worker and client, real replays), running the real
/// <see cref="VideoOrchestration"/>. Only the activities are scripted, per job, so that each test decides what
/// staging, Freepik and storage answer; one engine serves every test, each test with jobs of its own.
/// </summary>
public sealed class WorkflowEngine : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, JobScript> scripts = new(StringComparer.Ordinal);
    private DurableTaskTestHost? host;

    public DurableTaskClient Client => host?.Client ?? throw new InvalidOperationException("The engine has not started.");

    public async Task InitializeAsync()
        => host = await DurableTaskTestHost.StartAsync(
            tasks => tasks
                .AddOrchestrator<VideoOrchestration>(VideoOrchestration.Name)
                .AddActivityFunc<StagingRequest, StagingResult>(WorkflowActivities.StageSourceImage, (context, input) => Script(context).Run(WorkflowActivities.StageSourceImage, input, Script(context).Stage))
                .AddActivityFunc<SlotRequest, SlotGrant>(WorkflowActivities.AcquireFreepikSlot, (context, input) => Script(context).Run(WorkflowActivities.AcquireFreepikSlot, input, Script(context).AcquireSlot))
                .AddActivityFunc<SlotRelease, string[]>(WorkflowActivities.ReleaseFreepikSlot, (context, input) => Script(context).Run(WorkflowActivities.ReleaseFreepikSlot, input, Script(context).ReleaseSlot))
                .AddActivityFunc<SubmitRequest, FreepikResult>(WorkflowActivities.SubmitVideoTask, (context, input) => Script(context).Run(WorkflowActivities.SubmitVideoTask, input, Script(context).Submit))
                .AddActivityFunc<StatusRequest, FreepikResult>(WorkflowActivities.GetVideoTaskStatus, (context, input) => Script(context).Run(WorkflowActivities.GetVideoTaskStatus, input, Script(context).Status))
                .AddActivityFunc<ArchiveRequest, ArchiveResult>(WorkflowActivities.ArchiveVideo, (context, input) => Script(context).Run(WorkflowActivities.ArchiveVideo, input, Script(context).Archive))
                .AddActivityFunc<CallbackRequest, bool>(WorkflowActivities.NotifyCallback, (context, input) => Script(context).Run(WorkflowActivities.NotifyCallback, input, Script(context).Callback))
                .AddActivityFunc<JobEventRequest, bool>(WorkflowActivities.PublishJobEvent, (context, input) => Script(context).Run(WorkflowActivities.PublishJobEvent, input, Script(context).PublishEvent)),
            new DurableTaskTestHostOptions { Port = AzuriteProcess.FreePort() });

    /// <summary>Starts a job whose activities answer as <paramref name="script"/> says.</summary>
    public async Task<string> StartAsync(JobScript script, WorkflowSettings settings, string? callbackUrl = null, VideoParameters? parameters = null)
    {
        var jobId = Guid.NewGuid().ToString("N");
        scripts[jobId] = script;
        var input = new VideoJobInput
        {
            JobId = jobId,
            CreatedAt = DateTimeOffset.UtcNow,
            Parameters = parameters ?? new VideoParameters { Prompt = "a cat surfing", Duration = "5" },
            Inputs = new StagingRequest(jobId, InputReference.Blob($"{jobId}/image.png")),
            CallbackUrl = callbackUrl,
            Settings = settings,
            SlotPool = JobScript.SlotPool,
        };
        await Client.ScheduleNewOrchestrationInstanceAsync(VideoOrchestration.Name, input, new StartOrchestrationOptions(jobId));
        return jobId;
    }

    /// <summary>Waits for the job to finish and returns its output and last custom status.</summary>
    public async Task<(VideoJobResult Result, VideoJobProgress Progress)> FinishedAsync(string jobId)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var instance = await Client.WaitForInstanceCompletionAsync(jobId, getInputsAndOutputs: true, patience.Token);
        Assert.True(instance.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"The orchestration ended {instance.RuntimeStatus}: {instance.FailureDetails?.ErrorMessage}");
        return (instance.ReadOutputAs<VideoJobResult>()!, instance.ReadCustomStatusAs<VideoJobProgress>()!);
    }

    /// <summary>Waits until the job reports <paramref name="stage"/>.</summary>
    public async Task<VideoJobProgress> ReachedAsync(string jobId, JobStage stage)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            if ((await Client.GetInstanceAsync(jobId, getInputsAndOutputs: true, patience.Token))?.ReadCustomStatusAs<VideoJobProgress>() is { } progress && progress.Stage >= stage)
            {
                return progress;
            }

            await Task.Delay(20, patience.Token);
        }
    }

    public Task RaiseAsync(string jobId, FreepikTaskUpdate update) => Client.RaiseEventAsync(jobId, FreepikTaskUpdate.EventName, update);

    /// <summary>What <c>POST /api/videos/{id}/cancel</c> does to a running job.</summary>
    public Task CancelAsync(string jobId) => Client.RaiseEventAsync(jobId, VideoOrchestration.CancelRequestedEventName, "Canceled by the caller.");

    public async Task DisposeAsync()
    {
        if (host is not null)
        {
            await host.DisposeAsync();
        }
    }

    private JobScript Script(TaskActivityContext context) => scripts[context.InstanceId];
}

/// <summary>What one job's activities answer; by default a job that stages, submits and then waits.</summary>
public sealed class JobScript
{
    public const string TaskId = "task-1";
    public const string VideoUrl = "https://cdn.example/video.mp4";

    private readonly ConcurrentQueue<(string Activity, DateTimeOffset At, object Input)> calls = new();

    public Func<StagingRequest, StagingResult> Stage { get; init; } = request => new StagingResult(
        new StagedImage("image", request.Image!.BlobName!, ImageFormat.Png, 640, 480, 1000), null, [], []);

    public const string SlotPool = "pool-1";

    public Func<SlotRequest, SlotGrant> AcquireSlot { get; init; } = _ => Granted;

    public Func<SlotRelease, string[]> ReleaseSlot { get; init; } = _ => [];

    public static SlotGrant Granted { get; } = new(SlotPool, true, 0, 1, 3, 1);

    public static SlotGrant InLine(int ahead) => new(SlotPool, false, ahead, 3, 3, 1);

    public Func<SubmitRequest, FreepikResult> Submit { get; init; } = _ => Accepted("CREATED");

    public Func<StatusRequest, FreepikResult> Status { get; init; } = _ => Polled("IN_PROGRESS");

    public Func<ArchiveRequest, ArchiveResult> Archive { get; init; } = request => new ArchiveResult($"{request.JobId}.mp4", 1234, null);

    public Func<CallbackRequest, bool> Callback { get; init; } = _ => true;

    public Func<JobEventRequest, bool> PublishEvent { get; init; } = _ => true;

    /// <summary>Fast timing for tests: polls within milliseconds, retries within milliseconds.</summary>
    public static WorkflowSettings Settings(bool webhooks) => new()
    {
        FirstPoll = TimeSpan.FromMilliseconds(50),
        MaxPollInterval = TimeSpan.FromMilliseconds(100),
        Deadline = TimeSpan.FromSeconds(30),
        ArchiveVideo = true,
        WebhooksEnabled = webhooks,
        ActivityRetryInterval = TimeSpan.FromMilliseconds(20),
        UnknownOutcomeGrace = TimeSpan.FromMilliseconds(300),
        SlotRecheckInterval = TimeSpan.FromMilliseconds(100),
    };

    public int CallsTo(string activity) => calls.Count(call => call.Activity == activity);

    public IReadOnlyList<TInput> InputsOf<TInput>(string activity) => [.. calls.Where(call => call.Activity == activity).Select(call => (TInput)call.Input)];

    /// <summary>When each call to <paramref name="activity"/> began.</summary>
    public IReadOnlyList<DateTimeOffset> TimesOf(string activity) => [.. calls.Where(call => call.Activity == activity).Select(call => call.At)];

    public static FreepikResult Accepted(string status) => new() { Outcome = FreepikOutcome.Accepted, Task = new FreepikTask(TaskId, new FreepikTaskStatus(status), []) };

    public static FreepikResult Polled(string status, params string[] generated)
        => new() { Outcome = FreepikOutcome.Accepted, Task = new FreepikTask(TaskId, new FreepikTaskStatus(status), generated) };

    /// <summary>A delivery whose signature was verified (<c>Freepik:WebhookSecret</c> set), as most tests want.</summary>
    public static FreepikTaskUpdate Update(string status, string deliveryId, params string[] generated) => new(deliveryId, TaskId, status, generated, Verified: true);

    /// <summary>A delivery that only passed the URL token check: no signature vouches for it.</summary>
    public static FreepikTaskUpdate UnsignedUpdate(string status, string deliveryId, params string[] generated) => new(deliveryId, TaskId, status, generated);

    internal Task<TOutput> Run<TInput, TOutput>(string activity, TInput input, Func<TInput, TOutput> answer)
        where TInput : notnull
    {
        calls.Enqueue((activity, DateTimeOffset.UtcNow, input));
        return Task.FromResult(answer(input));
    }
}

[CollectionDefinition(Name)]
public sealed class UsesWorkflowEngine : ICollectionFixture<WorkflowEngine>
{
    public const string Name = "Workflow engine";
}
