using KlingFunctions.Storage;
using KlingFunctions.Workflow;

namespace KlingFunctions.Http;

/// <summary>Turns what the host knows about a job into the job view, with a fresh read link to our video copy.</summary>
public sealed class JobViewFactory(BlobReadUrls readUrls, LateDeliveries late)
{
    public async Task<JobView> CreateAsync(VideoJobSnapshot snapshot, CancellationToken cancellationToken)
    {
        var result = snapshot.RuntimeStatus switch
        {
            // The outcome is known before the orchestration ends (it may still be delivering the callback).
            JobRuntimeStatus.Pending or JobRuntimeStatus.Running => snapshot.Progress?.Result,
            JobRuntimeStatus.Completed => snapshot.Result ?? new VideoJobResult { Status = JobStatus.Completed },
            JobRuntimeStatus.Terminated => new VideoJobResult
            {
                Status = JobStatus.Canceled,
                Error = new JobError(JobErrorCodes.Canceled, snapshot.FailureMessage ?? "The job was canceled."),
            },
            _ => new VideoJobResult
            {
                Status = JobStatus.Failed,
                Error = new JobError(JobErrorCodes.InternalError, snapshot.FailureMessage ?? "The workflow failed unexpectedly."),
            },
        };
        var status = result?.Status ?? (snapshot.RuntimeStatus == JobRuntimeStatus.Pending ? JobStatus.Pending : JobStatus.Running);
        var view = await CreateAsync(snapshot.JobId, status, snapshot.Progress, result, snapshot.CreatedAt, snapshot.LastUpdatedAt, cancellationToken, snapshot.Model);
        return snapshot.RuntimeStatus == JobRuntimeStatus.Completed && LateDeliveryKeeper.EndedWithoutVideo(result)
            ? view with { Late = await late.GetAsync(snapshot.JobId, cancellationToken) }
            : view;
    }

    /// <summary>The view of a job from the orchestration's own record of it: what a callback receives.</summary>
    /// <param name="model">The job's model from its input, for a job that has reported no progress yet.</param>
    public async Task<JobView> CreateAsync(string jobId, JobStatus status, VideoJobProgress? progress, VideoJobResult? result, DateTimeOffset createdAt, DateTimeOffset updatedAt, CancellationToken cancellationToken, string? model = null)
    {
        var videoUrl = result?.Video is { } video ? await readUrls.ForVideoAsync(video.Blob, cancellationToken) : null;
        return JobView.From(jobId, status, progress, result, createdAt, updatedAt, videoUrl, model);
    }
}
