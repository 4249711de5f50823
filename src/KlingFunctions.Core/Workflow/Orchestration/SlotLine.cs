using KlingFunctions.Storage;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace KlingFunctions.Workflow.Orchestration;

/// <summary>
/// Waiting in line: the job's place among the jobs waiting for one of the API key's <c>Freepik:MaxConcurrentTasks</c>
/// tasks in flight, the slot it takes, and giving it back. A job giving its slot back wakes the next in line; the
/// recheck interval only bounds the wait when that wake-up is lost.
/// </summary>
internal sealed class SlotLine(RunningJob job)
{
    /// <summary>Past the deadline, for clocks that disagree a little: only then does an unreturned slot lapse.</summary>
    private static readonly TimeSpan SlotLapseMargin = TimeSpan.FromMinutes(1);

    private readonly EventWaiter<string> slotsFreed = new(job.Context, VideoOrchestration.SlotFreedEventName);

    /// <summary>The pool of the Freepik slot the job holds or is in line for, until it gives it back.</summary>
    private string? slotPool;

    /// <summary>A slot being given back while the job goes on (the archive copy); <see cref="GiveBackAsync"/> waits for it.</summary>
    private Task? slotReturn;

    /// <summary>Why the job is in line, for its outcome if the deadline comes first.</summary>
    private string? waitingFor;

    /// <summary>Whether the job holds a slot (or a place in line) now.</summary>
    public bool Holding => slotPool is not null;

    /// <summary>
    /// A slot, waited for in line, in order of arrival, until the deadline (false).
    /// </summary>
    public async Task<bool> TakeAsync()
    {
        var expiresAt = new DateTimeOffset(job.Deadline + SlotLapseMargin, TimeSpan.Zero);
        var recheck = job.Settings.SlotRecheckInterval;
        var request = new SlotRequest(job.Id, job.Input.CreatedAt, expiresAt, (recheck * 3) + SlotLapseMargin);
        for (var asked = 1; ; asked++)
        {
            var grant = await job.Context.CallActivityAsync<SlotGrant>(WorkflowActivities.AcquireFreepikSlot, request, job.IdempotentRetry);
            slotPool = grant.Pool;
            if (grant.Granted)
            {
                job.Report(job.Progress with { Stage = JobStage.Submitting });
                return true;
            }

            if (asked == 1)
            {
                job.Logger.LogInformation("Job {JobId} waits for a Freepik slot: {InUse} of {Limit} in use, place {Place} in line", job.Id, grant.InUse, grant.Limit, grant.Ahead);
            }

            waitingFor = $"one of Freepik's {grant.Limit} concurrent tasks (Freepik:MaxConcurrentTasks; place {grant.Ahead} in line)";
            job.Report(job.Progress with { Stage = JobStage.WaitingForSlot });
            var now = job.Now;
            if (now >= job.Deadline)
            {
                return false;
            }

            await job.NextBeforeAsync(slotsFreed, job.NoLaterThanDeadline(now + recheck));
        }
    }

    /// <summary>
    /// After Freepik's 429 on create <paramref name="attempt"/> (more of the key's tasks in flight than the slots
    /// show: tasks of jobs that timed out, another app on the key): the slot goes back, and the job waits in line
    /// again after <paramref name="retryAfter"/> (else the recheck interval), or not at all when that is past the
    /// deadline (false).
    /// </summary>
    public async Task<bool> BackInLineAsync(int attempt, TimeSpan? retryAfter)
    {
        await GiveBackAsync();
        var backAt = job.Now + (retryAfter ?? job.Settings.SlotRecheckInterval);
        job.Logger.LogWarning("Job {JobId}: Freepik refused create attempt {Attempt} with 429; waiting in line again from {BackAt}", job.Id, attempt, backAt);
        waitingFor = "Freepik to accept another task (it answered 429: too many of this API key's tasks in flight)";
        job.Report(job.Progress with { Stage = JobStage.WaitingForSlot });
        if (backAt >= job.Deadline)
        {
            return false;
        }

        await job.SleepUntilAsync(backAt);
        return true;
    }

    /// <summary>The outcome of a job whose deadline came while it waited in line.</summary>
    public VideoJobResult TimedOut() => new()
    {
        Status = JobStatus.TimedOut,
        Error = new JobError(JobErrorCodes.DeadlineExceeded, $"The job was still waiting for {waitingFor} at its deadline of {job.Settings.Deadline}. Nothing was submitted to Freepik, so nothing was paid."),
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
        if (slotPool is { } pool)
        {
            slotPool = null;
            slotReturn = ReleaseAsync(pool);
        }
    }

    private async Task ReleaseAsync(string pool)
    {
        string[] next;
        try
        {
            next = await job.Context.CallActivityAsync<string[]>(WorkflowActivities.ReleaseFreepikSlot, new SlotRelease(pool, job.Id), job.IdempotentRetry);
        }
        catch (TaskFailedException exception)
        {
            // The job goes on; its slot lapses at its deadline instead.
            job.Logger.LogWarning(exception, "Job {JobId}: its Freepik slot could not be given back; it lapses at the deadline", job.Id);
            return;
        }

        foreach (var jobId in next)
        {
            job.Context.SendEvent(jobId, VideoOrchestration.SlotFreedEventName, pool);
        }
    }
}
