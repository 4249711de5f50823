using KlingFunctions.Freepik;
using KlingFunctions.Staging;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace KlingFunctions.Workflow.Orchestration;

/// <summary>
/// Creating the Freepik task, once the job holds a slot. Tries the create again only when it certainly did not
/// reach Freepik (429, 503, refused): anything ambiguous comes back as <see cref="FreepikOutcome.OutcomeUnknown"/>,
/// so no video is paid twice; after an unknown outcome the task may still show itself through its webhook.
/// </summary>
internal sealed class TaskCreation(RunningJob job, SlotLine line)
{
    /// <summary>The wait between create attempts when Freepik sent no <c>Retry-After</c>.</summary>
    private static readonly TimeSpan SubmitBackoff = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Takes a slot, then creates the task. No durable retry policy here: it would retry exceptions, which are
    /// ambiguous too. A 429 sends the job back in line without using up an attempt. Null when the wait in line reached
    /// its bound first. The generation's clock starts at the first create Freepik does not refuse with 429.
    /// </summary>
    public async Task<FreepikResult?> SubmitAsync(StagingResult staged)
    {
        var request = new SubmitRequest(job.Id, staged, job.Input.Parameters);
        var counted = 0;
        for (var attempt = 1; ; attempt++)
        {
            if (!line.Holding && !await line.TakeAsync())
            {
                return null;
            }

            job.ThrowIfCancelRequested();
            if (counted == 0)
            {
                job.StartGenerationClock();
            }

            FreepikResult result;
            try
            {
                result = await job.Context.CallActivityAsync<FreepikResult>(WorkflowActivities.SubmitVideoTask, request with { Attempt = attempt });
            }
            catch (TaskFailedException exception)
            {
                // The activity may have failed after its POST went out: that is an unknown outcome, not "nothing sent".
                job.Logger.LogError(exception, "Job {JobId}: create attempt {Attempt} failed unexpectedly", job.Id, attempt);
                return new FreepikResult { Outcome = FreepikOutcome.OutcomeUnknown, Message = "the create step failed unexpectedly" };
            }

            if (result is { Outcome: FreepikOutcome.Transient, StatusCode: 429 })
            {
                if (!await line.BackInLineAsync(attempt, result.RetryAfter))
                {
                    return null;
                }

                continue;
            }

            counted++;
            if (result.Outcome != FreepikOutcome.Transient || counted >= job.Settings.MaxSubmitAttempts)
            {
                return result;
            }

            var retryAt = job.Now + (result.RetryAfter ?? SubmitBackoff * counted);
            if (retryAt >= job.Deadline)
            {
                return result;
            }

            job.Logger.LogWarning("Job {JobId}: Freepik is unavailable ({Message}); create attempt {Attempt} retries at {RetryAt}", job.Id, result.Message, attempt, retryAt);
            await job.SleepUntilAsync(retryAt);
        }
    }

    /// <summary>
    /// After an unknown create outcome the task may exist, and its webhooks carry this job's own URL: a delivery
    /// within <see cref="WorkflowSettings.UnknownOutcomeGrace"/> names the task, which the job adopts. An unsigned
    /// delivery is believed only once Freepik confirms the task exists.
    /// </summary>
    public async Task<FreepikTask?> AdoptAsync(FreepikResult submitted, DateTimeOffset submittedAt, ResultWait results)
    {
        var until = job.NoLaterThanDeadline(job.Now + job.Settings.UnknownOutcomeGrace);
        job.Logger.LogWarning("Job {JobId}: the create's outcome is unknown ({Message}); waiting until {Until} for a webhook that names its task", job.Id, submitted.Message, until);
        while (job.Now < until && await job.NextBeforeAsync(job.Updates, until) is { } delivered)
        {
            job.Report(job.Progress with { Webhooks = job.Progress.Webhooks + 1 });
            var candidate = new FreepikTask(delivered.TaskId, FreepikTaskStatus.Created, []);
            if (delivered.Verified)
            {
                return results.Advance(candidate, delivered.ToTask());
            }

            var polled = await results.PollAsync(candidate, submittedAt);
            job.Report(job.Progress with { Polls = job.Progress.Polls + 1 });
            if (polled is { Outcome: FreepikOutcome.Accepted, Task: { } confirmed })
            {
                return results.Advance(candidate, confirmed);
            }

            job.Logger.LogWarning("Job {JobId}: an unsigned webhook named task {TaskId}, which Freepik did not confirm ({Outcome}); not adopted", job.Id, delivered.TaskId, polled.Outcome);
        }

        return null;
    }

    /// <summary>Why a create that produced no task failed the job.</summary>
    public JobError SubmitError(FreepikResult result) => result.Outcome switch
    {
        FreepikOutcome.Rejected => new JobError(JobErrorCodes.FreepikRejected, $"Freepik rejected the request: {result.Describe()}"),
        FreepikOutcome.Unauthorized => new JobError(JobErrorCodes.FreepikUnauthorized, $"Freepik refused the API key: {result.Message}. Check Freepik:ApiKey."),
        FreepikOutcome.DailyLimitReached => new JobError(JobErrorCodes.DailyLimitReached, result.Message ?? "The day's Freepik creates reached Freepik:DailyCreateLimit; nothing was sent or paid."),
        FreepikOutcome.OutcomeUnknown => new JobError(JobErrorCodes.SubmitOutcomeUnknown, $"The create call may or may not have reached Freepik ({result.Message}). It is not retried, to avoid paying twice; {(job.Settings.WebhooksEnabled ? $"no webhook named its task within {job.Settings.UnknownOutcomeGrace}. A later one is shown as 'late'; otherwise " : string.Empty)}check Freepik's task list before resubmitting."),
        _ => new JobError(JobErrorCodes.FreepikUnavailable, $"Freepik stayed unavailable: {result.Message}"),
    };
}
