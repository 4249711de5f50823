using KlingFunctions.Freepik;
using Microsoft.Extensions.Logging;

namespace KlingFunctions.Workflow.Orchestration;

/// <summary>
/// Waiting for the result: Freepik's webhooks, with status polls on a durable timer as a safety net, until the task
/// is terminal, a poll shows it cannot become so, or the deadline; then what the task's end means for the job.
/// Webhooks are untrusted and at-least-once: duplicates are ignored, statuses only move forward, and a terminal
/// status that no signature vouches for is confirmed with Freepik first.
/// </summary>
internal sealed class ResultWait(RunningJob job)
{
    private readonly HashSet<string> deliveries = new(StringComparer.Ordinal);
    private JobError? pollError;
    private int notFoundInARow;

    /// <summary>The earliest time of the next poll that Freepik's last <c>Retry-After</c> allows.</summary>
    private DateTime pollNotBefore = DateTime.MinValue;

    public async Task<FreepikTask> WaitForTerminalStatusAsync(FreepikTask task, DateTimeOffset submittedAt)
    {
        while (!task.Status.IsTerminal && pollError is null)
        {
            var now = job.Now;
            if (now >= job.Deadline)
            {
                break;
            }

            var scheduled = now + PollSchedule.DelayBefore(job.Progress.Polls, job.Settings);
            var next = scheduled > pollNotBefore ? scheduled : pollNotBefore;
            if (await job.NextBeforeAsync(job.Updates, job.NoLaterThanDeadline(next)) is { } delivered)
            {
                task = await ApplyAsync(task, delivered, submittedAt);
                continue;
            }

            // The poll at the deadline is the last chance: a video that finished in time is not given up.
            task = Apply(task, await PollAsync(task, submittedAt));
        }

        return task;
    }

    /// <summary>What the task's end means for the job, before the video is copied.</summary>
    public async Task<VideoJobResult> OutcomeAsync(FreepikTask task)
    {
        if (pollError is not null)
        {
            return VideoJobResult.Failed(pollError);
        }

        if (task.Status == FreepikTaskStatus.Failed)
        {
            return VideoJobResult.Failed(new JobError(JobErrorCodes.FreepikFailed, $"Freepik reported task {task.TaskId} as FAILED (Freepik gives no reason)."));
        }

        if (task.Status != FreepikTaskStatus.Completed)
        {
            return new VideoJobResult
            {
                Status = JobStatus.TimedOut,
                Error = new JobError(JobErrorCodes.DeadlineExceeded, $"Freepik task {task.TaskId} was still {task.Status.Value} at the deadline of {job.Settings.Deadline}. Its id is kept: the video may still be fetched later."),
            };
        }

        if (!HasVideo(task))
        {
            // The webhook may have been sent before the URL was filled in: ask once before failing a paid video.
            var polled = await PollAsync(task, new DateTimeOffset(job.Now, TimeSpan.Zero));
            if (polled.Task is { } fresh && fresh.Status == FreepikTaskStatus.Completed && HasVideo(fresh))
            {
                task = fresh;
            }
        }

        return HasVideo(task)
            ? new VideoJobResult { Status = JobStatus.Completed, VideoUrls = task.Generated }
            : VideoJobResult.Failed(new JobError(JobErrorCodes.EmptyResult, $"Freepik reported task {task.TaskId} as COMPLETED without a video URL."));
    }

    /// <summary>
    /// One status poll. No durable retry policy: the Freepik client already retries GETs, and a poll that fails
    /// anyway is simply followed by the next one, so stacking retries would only multiply requests.
    /// </summary>
    public async Task<FreepikResult> PollAsync(FreepikTask task, DateTimeOffset submittedAt)
    {
        try
        {
            return await job.Context.CallActivityAsync<FreepikResult>(WorkflowActivities.GetVideoTaskStatus, new StatusRequest(task.TaskId, submittedAt));
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            job.Logger.LogWarning("Job {JobId}: polling task {TaskId} failed ({Reason}); the next poll will try again", job.Id, task.TaskId, exception.Message);
            return new FreepikResult { Outcome = FreepikOutcome.Transient, Message = exception.Message };
        }
    }

    /// <summary>Statuses only move forward, and the first terminal status wins: stale and out-of-order updates change nothing.</summary>
    public FreepikTask Advance(FreepikTask current, FreepikTask next)
    {
        if (current.Status.IsTerminal || next.Status.Rank < current.Status.Rank)
        {
            return current;
        }

        if (!next.Status.IsKnown)
        {
            job.Logger.LogWarning("Job {JobId}: Freepik reported the unknown status {Status}; still waiting", job.Id, next.Status.Value);
        }

        job.Logger.Log(next.Status == current.Status ? LogLevel.Debug : LogLevel.Information, "Job {JobId}: Freepik task {TaskId} is {Status}", job.Id, next.TaskId, next.Status.Value);
        job.Report(job.Progress with { FreepikStatus = next.Status.Value });
        return next;
    }

    /// <summary>
    /// A webhook delivery. A terminal status that no signature vouches for (the URL's token alone can leak
    /// through request logs) ends nothing by itself: one status poll asks Freepik, and its answer counts instead.
    /// </summary>
    private async Task<FreepikTask> ApplyAsync(FreepikTask current, FreepikTaskUpdate delivered, DateTimeOffset submittedAt)
    {
        var isNew = delivered.DeliveryId is null || deliveries.Add(delivered.DeliveryId);
        job.Report(job.Progress with { Webhooks = job.Progress.Webhooks + 1 });
        if (!isNew || !string.Equals(delivered.TaskId, current.TaskId, StringComparison.Ordinal))
        {
            job.Logger.LogInformation("Job {JobId} ignored a duplicate or foreign webhook for task {TaskId}", job.Id, delivered.TaskId);
            return current;
        }

        var next = delivered.ToTask();
        if (next.Status.IsTerminal && !delivered.Verified && !current.Status.IsTerminal)
        {
            job.Logger.LogInformation("Job {JobId}: an unsigned webhook says task {TaskId} is {Status}; asking Freepik", job.Id, current.TaskId, next.Status.Value);
            return Apply(current, await PollAsync(current, submittedAt));
        }

        return Advance(current, next);
    }

    private FreepikTask Apply(FreepikTask current, FreepikResult polled)
    {
        job.Report(job.Progress with { Polls = job.Progress.Polls + 1 });

        // Freepik asked for patience (429 or 503 with Retry-After): the next poll waits at least that long.
        pollNotBefore = polled.RetryAfter is { } retryAfter ? job.Now + retryAfter : DateTime.MinValue;

        // Freepik has been seen to answer 404 for a while after create: one 404 is not a lost task.
        notFoundInARow = polled.Outcome == FreepikOutcome.NotFound ? notFoundInARow + 1 : 0;

        // Freepik lost the task or our key stopped working: waiting longer cannot help.
        pollError = polled.Outcome switch
        {
            FreepikOutcome.NotFound when notFoundInARow >= VideoOrchestration.NotFoundPollsBeforeGivingUp => new JobError(JobErrorCodes.FreepikTaskNotFound, $"Freepik answered 404 for task {current.TaskId} {notFoundInARow} times in a row."),
            FreepikOutcome.Unauthorized => new JobError(JobErrorCodes.FreepikUnauthorized, $"Freepik refused the API key while polling task {current.TaskId}: {polled.Message}. Check Freepik:ApiKey."),
            FreepikOutcome.Rejected => new JobError(JobErrorCodes.FreepikRejected, $"Freepik rejected the status request for task {current.TaskId}: {polled.Describe()}"),
            _ => null,
        };
        return polled.Outcome == FreepikOutcome.Accepted && polled.Task is not null ? Advance(current, polled.Task) : current;
    }

    private static bool HasVideo(FreepikTask task) => task.Generated.Count > 0 && !string.IsNullOrWhiteSpace(task.Generated[0]);
}
