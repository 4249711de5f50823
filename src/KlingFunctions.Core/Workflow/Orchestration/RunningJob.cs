using System.Diagnostics.CodeAnalysis;
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
        Deadline = input.CreatedAt.UtcDateTime + input.Settings.Deadline;
        IdempotentRetry = TaskOptions.FromRetryPolicy(new RetryPolicy(
            input.Settings.ActivityRetryAttempts, input.Settings.ActivityRetryInterval, backoffCoefficient: 2, maxRetryInterval: MaxActivityRetryInterval));
        Progress = new VideoJobProgress { Stage = JobStage.Staging, UpdatedAt = Now };
        Updates = new EventWaiter<FreepikTaskUpdate>(context, FreepikTaskUpdate.EventName);
    }

    public TaskOrchestrationContext Context { get; }

    public VideoJobInput Input { get; }

    public string Id => Input.JobId;

    public WorkflowSettings Settings => Input.Settings;

    public ILogger Logger { get; }

    /// <summary>When the job stops waiting for anything: its creation plus <c>Workflow:Deadline</c>.</summary>
    public DateTime Deadline { get; }

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

    public void Report(VideoJobProgress next)
    {
        Progress = next.Bounded() with { UpdatedAt = Now };
        Context.SetCustomStatus(Progress);
    }

    /// <summary>A durable timer until <paramref name="at"/>, after which <see cref="Now"/> is never before it.</summary>
    public async Task SleepUntilAsync(DateTime at)
    {
        await Context.CreateTimer(at, CancellationToken.None);
        firedAt = at;
    }

    /// <summary>The next event of a kind, or null when the durable timer for <paramref name="until"/> fires first.</summary>
    public async Task<T?> NextBeforeAsync<T>(EventWaiter<T> events, DateTime until)
        where T : class
    {
        var delivered = await events.NextBeforeAsync(until);
        if (delivered is null)
        {
            firedAt = until;
        }

        return delivered;
    }

    /// <summary>The earlier of <paramref name="at"/> and the deadline.</summary>
    public DateTime NoLaterThanDeadline(DateTime at) => at < Deadline ? at : Deadline;
}
