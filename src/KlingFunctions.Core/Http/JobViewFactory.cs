using KlingFunctions.Storage;
using KlingFunctions.Workflow;

namespace KlingFunctions.Http;

/// <summary>Turns what the host knows about a job into the job view, with a fresh read link to our video copy.</summary>
public sealed class JobViewFactory(BlobReadUrls readUrls, LateDeliveries late)
{
    public async Task<JobView> CreateAsync(VideoJobSnapshot snapshot, CancellationToken cancellationToken)
    {
        var (status, result) = Outcome(snapshot);
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

    /// <summary>The job as a line of the jobs list: status and stage as its view has them, without reading anything more.</summary>
    public static JobSummary Summarize(VideoJobSnapshot snapshot)
    {
        var (status, result) = Outcome(snapshot);
        var view = JobView.From(snapshot.JobId, status, snapshot.Progress, result, snapshot.CreatedAt, snapshot.LastUpdatedAt, videoUrl: null, snapshot.Model);
        return new JobSummary(view.Id, view.Status, view.Stage, view.Model, view.CreatedAt, view.UpdatedAt, JobSummary.Cut(snapshot.Prompt));
    }

    /// <summary>
    /// The engine statuses of the jobs that can read as <paramref name="status"/>: a job that is Running for the engine
    /// reads Pending in line for a Freepik slot, and already has its outcome (any ending, Canceled too) while its finish
    /// gives the slot back, calls back and publishes; a completed orchestration's output is its outcome, Canceled
    /// included; and a terminated one (Durable's terminate, the last resort) keeps the outcome it had reported, or
    /// reads Canceled. Only Failed comes from a failed orchestration.
    /// </summary>
    public static IReadOnlyCollection<JobRuntimeStatus> RuntimeStatusesFor(JobStatus status) => status switch
    {
        JobStatus.Pending => [JobRuntimeStatus.Pending, JobRuntimeStatus.Running],
        JobStatus.Running => [JobRuntimeStatus.Running],
        JobStatus.Completed or JobStatus.TimedOut or JobStatus.Canceled => [JobRuntimeStatus.Completed, JobRuntimeStatus.Running, JobRuntimeStatus.Terminated],
        JobStatus.Failed => [JobRuntimeStatus.Completed, JobRuntimeStatus.Failed, JobRuntimeStatus.Running, JobRuntimeStatus.Terminated],
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown job status."),
    };

    /// <summary>The job's status and outcome from what the engine says about the orchestration.</summary>
    private static (JobStatus Status, VideoJobResult? Result) Outcome(VideoJobSnapshot snapshot)
    {
        var result = snapshot.RuntimeStatus switch
        {
            // The outcome is known before the orchestration ends (it may still be delivering the callback).
            JobRuntimeStatus.Pending or JobRuntimeStatus.Running => snapshot.Progress?.Result,
            JobRuntimeStatus.Completed => snapshot.Result ?? new VideoJobResult { Status = JobStatus.Completed },
            // Durable's terminate, the last resort for an orchestration that does not answer: it ran no finish (no
            // callback, no event, the slot lapses at its bound). An outcome reported before it stands.
            JobRuntimeStatus.Terminated => snapshot.Progress?.Result ?? new VideoJobResult
            {
                Status = JobStatus.Canceled,
                Error = new JobError(JobErrorCodes.Canceled, snapshot.FailureMessage ?? "The job was terminated (Durable's terminate): it ran no finish, so no callback or event was sent for it."),
            },
            _ => new VideoJobResult
            {
                Status = JobStatus.Failed,
                Error = new JobError(JobErrorCodes.InternalError, snapshot.FailureMessage ?? "The workflow failed unexpectedly."),
            },
        };
        return (result?.Status ?? (snapshot.RuntimeStatus == JobRuntimeStatus.Pending ? JobStatus.Pending : JobStatus.Running), result);
    }
}
