namespace KlingFunctions.Workflow;

/// <summary>
/// The client port: start, read, raise an event to and terminate a video job (an orchestration instance whose
/// id is the job id). The Functions app adapts <c>DurableTaskClient</c>; the DevHost implements it in memory.
/// </summary>
public interface IVideoJobClient
{
    /// <summary>Starts the orchestration with <paramref name="jobId"/> as its instance id.</summary>
    /// <returns>False when an instance with that id already exists (nothing was started).</returns>
    Task<bool> StartAsync(string jobId, VideoJobInput input, CancellationToken cancellationToken);

    /// <returns>Null when there is no such job.</returns>
    Task<VideoJobSnapshot?> GetAsync(string jobId, CancellationToken cancellationToken);

    Task<RaiseEventOutcome> RaiseEventAsync(string jobId, string eventName, object payload, CancellationToken cancellationToken);

    Task TerminateAsync(string jobId, string reason, CancellationToken cancellationToken);

    /// <summary>The host's own management URLs for the job (Durable's status/terminate/raise-event), when it has any.</summary>
    IReadOnlyDictionary<string, string>? ManagementUrls(string jobId);
}

public enum RaiseEventOutcome
{
    Raised,
    NotFound,

    /// <summary>The job has finished: the event changes nothing.</summary>
    NotRunning,
}

/// <summary>Durable's runtime status, reduced to what a job view needs.</summary>
public enum JobRuntimeStatus
{
    Pending,
    Running,
    Completed,
    Failed,
    Terminated,
}

/// <summary>What the host knows about a job: its runtime state plus our custom status and output.</summary>
public sealed record VideoJobSnapshot(
    string JobId,
    JobRuntimeStatus RuntimeStatus,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastUpdatedAt,
    VideoJobProgress? Progress,
    VideoJobResult? Result,
    string? FailureMessage);
