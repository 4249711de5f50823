namespace KlingFunctions.Workflow;

/// <summary>What raising an event to a job came to.</summary>
public enum RaiseEventOutcome
{
    Raised,
    NotFound,

    /// <summary>The job has finished: the event changes nothing.</summary>
    NotRunning,

    /// <summary>The job is running and already past what the event says (a duplicate, stale or foreign update).</summary>
    Unchanged,
}

/// <summary>What raising an event came to, and the job as last read (null when there is no such job, or when it was not read again).</summary>
public readonly record struct RaisedUpdate(RaiseEventOutcome Outcome, VideoJobSnapshot? Job);

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
/// <param name="Model">The job's model, from its input: shown before the orchestration has reported any progress.</param>
public sealed record VideoJobSnapshot(
    string JobId,
    JobRuntimeStatus RuntimeStatus,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastUpdatedAt,
    VideoJobProgress? Progress,
    VideoJobResult? Result,
    string? FailureMessage,
    string? RequestFingerprint = null,
    string? Model = null)
{
    /// <summary>The caller's prompt, as the job recorded it.</summary>
    public string? Prompt { get; init; }
}
