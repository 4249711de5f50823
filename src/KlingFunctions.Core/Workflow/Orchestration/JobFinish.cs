using KlingFunctions.Storage;
using KlingFunctions.Telemetry;
using Microsoft.Extensions.Logging;

namespace KlingFunctions.Workflow.Orchestration;

/// <summary>
/// Finishing: our copy of a finished video, then the one ending every job goes through, expected or not: the
/// outcome is reported, the slot given back, the caller called back and the completion event published.
/// </summary>
internal sealed class JobFinish(RunningJob job, SlotLine line)
{
    /// <summary>A completed job's video copied into the videos container, when <c>Workflow:ArchiveVideo</c> is on.</summary>
    public async Task<VideoJobResult> ArchiveAsync(VideoJobResult result)
    {
        if (result.Status != JobStatus.Completed || !job.Settings.ArchiveVideo)
        {
            return result;
        }

        job.Report(job.Progress with { Stage = JobStage.Archiving });
        string? failure;
        try
        {
            var archived = await job.Context.CallActivityAsync<ArchiveResult>(
                WorkflowActivities.ArchiveVideo, new ArchiveRequest(job.Id, result.VideoUrls[0]), job.IdempotentRetry);
            if (archived is { Succeeded: true, BlobName: { } blob })
            {
                return result with { Video = new ArchivedVideo(blob, archived.Bytes) };
            }

            failure = archived.Error;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            failure = exception.Message;
        }

        // The video exists and its Freepik URL is in the result: the job completed, only our copy is missing.
        job.Logger.LogError("Job {JobId}: archiving the video failed: {Reason}", job.Id, failure);
        return result with { Error = new JobError(JobErrorCodes.ArchiveFailed, $"The video was generated but could not be copied to storage ({failure}); videoUrls holds Freepik's URL.") };
    }

    public async Task<VideoJobResult> FinishAsync(VideoJobResult outcome)
    {
        var result = outcome.Bounded();
        job.Report(job.Progress with { Stage = JobStage.Done, Result = result });

        // Every ending gives the slot back, however the job got here; the outcome is shown without waiting for it.
        await line.GiveBackAsync();
        job.Logger.LogInformation("Job {JobId} finished {Status} {ErrorCode}", job.Id, result.Status, result.Error?.Code ?? "without error");
        if (!job.Context.IsReplaying)
        {
            // Metrics are I/O-free, and recorded once: replays of this episode skip them, as the logger does.
            KlingTelemetry.JobFinished(result.Status, result.Error?.Code, job.Now - job.Input.CreatedAt.UtcDateTime);
        }

        if (job.Input.CallbackUrl is not null)
        {
            try
            {
                await job.Context.CallActivityAsync<bool>(
                    WorkflowActivities.NotifyCallback,
                    new CallbackRequest(job.Input.CallbackUrl, job.Id, result, job.Progress, job.Input.CreatedAt),
                    job.IdempotentRetry);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The job's outcome stands; a caller that missed the callback can still read the job.
                job.Logger.LogWarning(exception, "Job {JobId}: the callback could not be delivered", job.Id);
            }
        }

        await PublishEventAsync(result);
        return result;
    }

    /// <summary>The completion event, with Durable's retries; like the callback, a failure leaves the outcome as it is.</summary>
    private async Task PublishEventAsync(VideoJobResult result)
    {
        if (!job.Settings.PublishEvents)
        {
            return;
        }

        try
        {
            await job.Context.CallActivityAsync<bool>(WorkflowActivities.PublishJobEvent, new JobEventRequest(job.Id, result, job.Progress, job.Input.CreatedAt), job.IdempotentRetry);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            job.Logger.LogWarning(exception, "Job {JobId}: the completion event could not be published", job.Id);
        }
    }
}
