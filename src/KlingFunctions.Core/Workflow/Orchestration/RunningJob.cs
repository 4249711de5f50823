using System.Diagnostics.CodeAnalysis;
using KlingFunctions.Freepik;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

// Every logger the orchestration and its chapters use is RunningJob.Logger, made by context.CreateReplaySafeLogger();
// the analyzer treats any ILogger it does not see created in the method itself as unsafe.
[assembly: SuppressMessage("Orchestration", "DURABLE0010", Scope = "namespaceanddescendants", Target = "~N:KlingFunctions.Workflow.Orchestration", Justification = "RunningJob.Logger is context.CreateReplaySafeLogger().")]
[assembly: SuppressMessage("Orchestration", "DURABLE0010", Scope = "type", Target = "~T:KlingFunctions.Workflow.VideoOrchestration", Justification = "RunningJob.Logger is context.CreateReplaySafeLogger().")]

namespace KlingFunctions.Workflow.Orchestration;

/// <summary>
/// The job as one execution of its orchestration sees it: the input, the progress it reports (the custom status),
/// its clock and its log; what every chapter of the story shares. Deterministic and replay-safe: time only from the
/// context, no I/O, no DI, no random ids; Durable rebuilds this state by replaying the history into a fresh instance.
/// </summary>
internal sealed class RunningJob
{
    private static readonly TimeSpan MaxActivityRetryInterval = TimeSpan.FromMinutes(2);

    /// <summary>The latest time a fired timer was set for: see <see cref="Now"/>.</summary>
    private DateTime firedAt = DateTime.MinValue;

    public RunningJob(TaskOrchestrationContext context, VideoJobInput input)
    {
        Context = context;
        Input = input;
        Logger = context.CreateReplaySafeLogger<VideoOrchestration>();
        WaitBound = input.CreatedAt.UtcDateTime + input.Settings.MaxWaitForSlot;
        IdempotentRetry = TaskOptions.FromRetryPolicy(new RetryPolicy(
            input.Settings.ActivityRetryAttempts, input.Settings.ActivityRetryInterval, backoffCoefficient: 2, maxRetryInterval: MaxActivityRetryInterval));
        Progress = new VideoJobProgress { Stage = JobStage.Staging, Model = input.Parameters.Model ?? KlingModels.OriginalId, UpdatedAt = Now };
        Updates = new EventWaiter<FreepikTaskUpdate>(context, FreepikTaskUpdate.EventName);

        // One waiter for the whole job: every wait races it, so a cancel stops the job at whichever wait it is in.
        CancelRequested = context.WaitForExternalEvent<string>(VideoOrchestration.CancelRequestedEventName);
    }

    public TaskOrchestrationContext Context { get; }

    public VideoJobInput Input { get; }

    public string Id => Input.JobId;

    public WorkflowSettings Settings => Input.Settings;

    public ILogger Logger { get; }

    /// <summary>When the job stops waiting in line for a Freepik slot: its creation plus <c>Workflow:MaxWaitForSlot</c>.</summary>
    public DateTime WaitBound { get; }

    /// <summary>
    /// When the job stops waiting for its video: its Freepik create plus <c>Workflow:Deadline</c>
    /// (<see cref="StartGenerationClock"/>); no bound before it.
    /// </summary>
    public DateTime Deadline { get; private set; } = DateTime.MaxValue;

    /// <summary>The caller's cancel request (<c>POST /api/videos/{id}/cancel</c>), with its reason, once it arrives.</summary>
    public Task<string> CancelRequested { get; }

    /// <summary>
    /// For activities whose every step is idempotent (reading, copying, re-uploading the same blob): Durable
    /// retries them itself, with exponential backoff on durable timers, so a retry survives a restart.
    /// </summary>
    public TaskOptions IdempotentRetry { get; }

    /// <summary>What the job last reported: the custom status that the job view is built from.</summary>
    public VideoJobProgress Progress { get; private set; }

    /// <summary>Freepik's task updates (webhooks), with the one waiter the whole job uses.</summary>
    public EventWaiter<FreepikTaskUpdate> Updates { get; }

    /// <summary>
    /// The orchestration's clock, which never runs behind a timer that has fired. The Azure Storage backend
    /// delivers timers up to about a second early, with <c>CurrentUtcDateTime</c> still before their fire time:
    /// a loop that re-arms a timer "until the deadline" would spin, polling each time, until the clock passed it.
    /// </summary>
    public DateTime Now => Context.CurrentUtcDateTime > firedAt ? Context.CurrentUtcDateTime : firedAt;

    /// <summary>The generation's clock starts at the create: from here the job waits at most <c>Workflow:Deadline</c>.</summary>
    public void StartGenerationClock() => Deadline = Now + Settings.Deadline;

    /// <summary>Stops the job with <see cref="JobCanceledException"/> when its cancel request has arrived.</summary>
    public void ThrowIfCancelRequested()
    {
        if (CancelRequested.IsCompleted)
        {
            throw new JobCanceledException(CancelRequested.Result);
        }
    }

    public void Report(VideoJobProgress next)
    {
        Progress = next.Bounded() with { UpdatedAt = Now };
        Context.SetCustomStatus(Progress);
    }

    /// <summary>
    /// A durable timer until <paramref name="at"/>, after which <see cref="Now"/> is never before it; a cancel request
    /// ends it early (<see cref="JobCanceledException"/>).
    /// </summary>
    public async Task SleepUntilAsync(DateTime at)
    {
        using var timerCancellation = new CancellationTokenSource();
        var timer = Context.CreateTimer(at, timerCancellation.Token);
        if (await Task.WhenAny(timer, CancelRequested) != timer)
        {
            timerCancellation.Cancel();
            ThrowIfCancelRequested();
        }

        firedAt = at;
    }

    /// <summary>
    /// The next event of a kind, or null when the durable timer for <paramref name="until"/> fires first; a cancel
    /// request ends the wait (<see cref="JobCanceledException"/>).
    /// </summary>
    public async Task<T?> NextBeforeAsync<T>(EventWaiter<T> events, DateTime until)
        where T : class
    {
        var delivered = await events.NextBeforeAsync(until, CancelRequested);
        ThrowIfCancelRequested();
        if (delivered is null)
        {
            firedAt = until;
        }

        return delivered;
    }

    /// <summary>The earlier of <paramref name="at"/> and the deadline.</summary>
    public DateTime NoLaterThanDeadline(DateTime at) => at < Deadline ? at : Deadline;
}
