using System.Text.Json.Serialization;

namespace KlingFunctions.Workflow;

[JsonConverter(typeof(JsonStringEnumConverter<JobStage>))]
public enum JobStage
{
    Queued,
    Staging,
    Submitting,
    Generating,
    Archiving,
    Done,
}

[JsonConverter(typeof(JsonStringEnumConverter<JobStatus>))]
public enum JobStatus
{
    Pending,
    Running,
    Completed,
    Failed,
    Canceled,
    TimedOut,
}

/// <summary>The orchestration's custom status: small, secret-free, enough for the job view.</summary>
public sealed record VideoJobProgress
{
    public JobStage Stage { get; init; }

    public string? FreepikTaskId { get; init; }

    public string? FreepikStatus { get; init; }

    public int Polls { get; init; }

    public int Webhooks { get; init; }

    public DateTime UpdatedAt { get; init; }

    /// <summary>
    /// The outcome, once decided: set before the callback is delivered, so that readers see the job finished while
    /// the orchestration still retries a slow callback.
    /// </summary>
    public VideoJobResult? Result { get; init; }
}

/// <summary>An error code a pipeline can branch on, and a message a person can act on.</summary>
public sealed record JobError(string Code, string Message);

/// <summary>Our copy of the video.</summary>
public sealed record ArchivedVideo(string Blob, long Bytes);

/// <summary>The orchestration's output.</summary>
public sealed record VideoJobResult
{
    /// <summary>Completed, Failed or TimedOut.</summary>
    public required JobStatus Status { get; init; }

    public JobError? Error { get; init; }

    public IReadOnlyList<string> VideoUrls { get; init; } = [];

    public ArchivedVideo? Video { get; init; }
}
