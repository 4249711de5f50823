using KlingFunctions.Freepik;
using KlingFunctions.Storage;
using KlingFunctions.Workflow;
using Microsoft.Extensions.Logging;

namespace KlingFunctions.Http;

/// <summary>
/// A webhook for a job that ended without a video (<c>SubmitOutcomeUnknown</c>, <c>DeadlineExceeded</c>, or
/// <c>Canceled</c> after its create: the task runs on) may announce a video Freepik made and was paid for: it is kept and shown in the job view as <c>late</c>. Only what Freepik
/// vouches for is kept: a signed delivery, or else Freepik's own answer to one status request.
/// </summary>
public sealed class LateDeliveryKeeper(LateDeliveries late, IFreepikClient freepik, TimeProvider time, ILogger<LateDeliveryKeeper> logger)
{
    public static bool EndedWithoutVideo(VideoJobResult? result)
        => result?.Error?.Code is JobErrorCodes.SubmitOutcomeUnknown or JobErrorCodes.DeadlineExceeded or JobErrorCodes.Canceled;

    public async Task KeepIfLateAsync(VideoJobSnapshot job, FreepikTaskUpdate update, CancellationToken cancellationToken)
    {
        // A job that timed out knows its task; one whose create was unknown takes the task its own URL was given.
        if (!EndedWithoutVideo(job.Result)
            || (job.Progress?.FreepikTaskId is { } own && !string.Equals(own, update.TaskId, StringComparison.Ordinal)))
        {
            return;
        }

        var task = update.ToTask();
        if (!update.Verified)
        {
            var polled = await freepik.GetTaskAsync(KlingModels.OfJob(job.Model), update.TaskId, job.CreatedAt, cancellationToken);
            if (polled is not { Outcome: FreepikOutcome.Accepted, Task: { } confirmed })
            {
                logger.LogWarning("Late webhook for job {JobId} names task {TaskId}, which Freepik did not confirm ({Outcome}); not kept", job.JobId, update.TaskId, polled.Outcome);
                return;
            }

            task = confirmed;
        }

        await late.KeepAsync(job.JobId, new LateDelivery(task.TaskId, task.Status.Value, task.Generated, time.GetUtcNow()), cancellationToken);
        logger.LogWarning("Job {JobId} ended without a video, and Freepik now reports task {TaskId} as {Status}: kept as late", job.JobId, task.TaskId, task.Status.Value);
    }
}
