using KlingFunctions.Storage;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace KlingFunctions.Workflow.Orchestration;

/// <summary>
/// Waiting in line: the job's place among the jobs waiting for one of the API key's <c>Freepik:MaxConcurrentTasks</c>
/// tasks in flight, the slot it takes, and giving it back. A job giving its slot back wakes the next in line; rechecks
/// (when the line says, <see cref="RecheckSchedule"/>) only cover a wake-up that never comes. The wait is bounded by
/// <c>Workflow:MaxWaitForSlot</c> from the job's start, 429 waits included.
/// </summary>
internal sealed class SlotLine(RunningJob job)
{
    /// <summary>Past the bounds, for clocks that disagree a little: only then does an unreturned slot or place lapse.</summary>
    private static readonly TimeSpan LapseMargin = TimeSpan.FromMinutes(1);

    /// <summary>The create's retries after 503 (<see cref="TaskCreation"/>) on top of the generation, for a slot's lapse.</summary>
    private static readonly TimeSpan CreateAllowance = TimeSpan.FromMinutes(10);

    private readonly EventWaiter<string> slotsFreed = new(job.Context, VideoOrchestration.SlotFreedEventName);

    /// <summary>The pool the job's slot is taken in: known before it asks, so that whatever an ask wrote is given back there.</summary>
    private string? pool = job.Input.SlotPool;

    /// <summary>The pool's count of arrivals when the job joined the line, once an ask answered.</summary>
    private long? joined;

    /// <summary>Whether the job may hold a slot or a place in line: from its first ask until it gives them back.</summary>
    private bool asked;

    /// <summary>A slot being given back while the job goes on (the archive copy); <see cref="GiveBackAsync"/> waits for it.</summary>
    private Task? slotReturn;

    /// <summary>Why the job is in line, for its outcome if the wait's bound comes first.</summary>
    private string? waitingFor;

    /// <summary>Whether the job holds a slot now.</summary>
    public bool Holding { get; private set; }

    /// <summary>A slot, waited for in line, in order of arrival, until <c>Workflow:MaxWaitForSlot</c> (false).</summary>
    public async Task<bool> TakeAsync()
    {
        var waitUntil = new DateTimeOffset(job.WaitBound + LapseMargin, TimeSpan.Zero);
        var holdFor = job.Settings.Deadline + CreateAllowance + LapseMargin;
        int? ahead = null;
        var woken = false;
        for (var ask = 1; ; ask++)
        {
            job.ThrowIfCancelRequested();
            if (job.Now >= job.WaitBound)
            {
                return false;
            }

            asked = true;
            var grant = await job.Context.CallActivityAsync<SlotGrant>(
                WorkflowActivities.AcquireFreepikSlot,
                new SlotRequest(job.Id, pool, job.Input.CreatedAt, joined, ahead, job.Settings.SlotRecheckInterval, waitUntil, holdFor, woken),
                job.IdempotentRetry);
            pool ??= grant.Pool;
            joined = grant.Joined;
            ahead = grant.Ahead;
            if (grant.Granted)
            {
                Holding = true;

                // A grant that comes at or after the wait's bound (a slow or retried ask) is not used: the job is over.
                if (job.Now >= job.WaitBound)
                {
                    await GiveBackAsync();
                    return false;
                }

                job.Report(job.Progress with { Stage = JobStage.Submitting, Line = null });
                return true;
            }

            if (ask == 1)
            {
                job.Logger.LogInformation("Job {JobId} waits for a Freepik slot: {InUse} of {Limit} in use, {Ahead} ahead in line", job.Id, grant.InUse, grant.Limit, grant.Ahead);
            }

            waitingFor = $"one of Freepik's {grant.Limit} concurrent tasks (Freepik:MaxConcurrentTasks; {grant.Ahead} ahead in line)";
            var now = job.Now;
            job.Report(job.Progress with { Stage = JobStage.WaitingForSlot, Line = new SlotPlace(grant.Ahead, grant.Limit, now) });
            // When the line said to ask again, having kept its place for a while longer (the same rule for grants recorded before it said).
            var until = now + (grant.AskAgainIn ?? RecheckSchedule.After(grant.Ahead, grant.Limit, job.Settings.SlotRecheckInterval));
            woken = await job.NextBeforeAsync(slotsFreed, until < job.WaitBound ? until : job.WaitBound) is not null;
        }
    }

    /// <summary>
    /// After Freepik's 429 on create <paramref name="attempt"/> (more of the key's tasks in flight than the slots
    /// show: tasks of jobs that timed out, another app on the key): the slot goes back, and the job waits in line
    /// again, keeping its place, after <paramref name="retryAfter"/> (else the recheck interval), or not at all when
    /// that is past the wait's bound (false).
    /// </summary>
    public async Task<bool> BackInLineAsync(int attempt, TimeSpan? retryAfter)
    {
        await GiveBackAsync();
        var backAt = job.Now + (retryAfter ?? job.Settings.SlotRecheckInterval);
        job.Logger.LogWarning("Job {JobId}: Freepik refused create attempt {Attempt} with 429; waiting in line again from {BackAt}", job.Id, attempt, backAt);
        waitingFor = "Freepik to accept another task (it answered 429: too many of this API key's tasks in flight)";
        job.Report(job.Progress with { Stage = JobStage.WaitingForSlot, Line = null });
        if (backAt >= job.WaitBound)
        {
            return false;
        }

        await job.SleepUntilAsync(backAt);
        return true;
    }

    /// <summary>The outcome of a job whose wait in line reached <c>Workflow:MaxWaitForSlot</c>.</summary>
    public VideoJobResult WaitExceeded() => new()
    {
        Status = JobStatus.TimedOut,
        Error = new JobError(JobErrorCodes.SlotWaitExceeded, $"The job was still waiting for {waitingFor ?? "a Freepik slot"} after {job.Settings.MaxWaitForSlot} (Workflow:MaxWaitForSlot). Nothing was submitted to Freepik, so nothing was paid."),
    };

    /// <summary>Gives the slot (or the place in line) back, and wakes the jobs that may take it.</summary>
    public async Task GiveBackAsync()
    {
        StartGivingBack();
        if (slotReturn is { } pending)
        {
            slotReturn = null;
            await pending;
        }
    }

    /// <summary>Starts giving the slot back without waiting for it: the release activity runs beside the next one.</summary>
    public void StartGivingBack()
    {
        if (asked && pool is { } slots)
        {
            // A holder's place in line went with its grant: only a job that may still be in line has one to give back.
            var arrived = Holding ? (DateTimeOffset?)null : job.Input.CreatedAt;
            asked = false;
            Holding = false;
            slotReturn = ReleaseAsync(new SlotRelease(slots, job.Id, arrived));
        }
    }

    private async Task ReleaseAsync(SlotRelease release)
    {
        string[] next;
        try
        {
            next = await job.Context.CallActivityAsync<string[]>(WorkflowActivities.ReleaseFreepikSlot, release, job.IdempotentRetry);
        }
        catch (TaskFailedException exception)
        {
            // The job goes on; its slot lapses, and its place in line drops out, by themselves.
            job.Logger.LogWarning(exception, "Job {JobId}: its Freepik slot could not be given back; it lapses", job.Id);
            return;
        }

        foreach (var jobId in next)
        {
            job.Context.SendEvent(jobId, VideoOrchestration.SlotFreedEventName, release.Pool);
        }
    }
}
