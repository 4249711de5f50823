using System.Text.Json.Serialization;

namespace KlingFunctions.Workflow;

[JsonConverter(typeof(JsonStringEnumConverter<JobStage>))]
public enum JobStage
{
    Queued,
    Staging,

    /// <summary>In line for one of Freepik's concurrent tasks (<c>Freepik:MaxConcurrentTasks</c>); the job reads Pending.</summary>
    WaitingForSlot,
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

/// <summary>
/// The orchestration's custom status: small, secret-free, enough for the job view. Bounded, because the Azure
/// Storage backend retries an instance whose custom status exceeds its table limit (about 32K characters) forever.
/// </summary>
public sealed record VideoJobProgress
{
    private const int MaxTaskIdLength = 128;
    private const int MaxStatusLength = 64;

    public JobStage Stage { get; init; }

    /// <summary>The job's model (<see cref="Freepik.KlingModels"/>), for every view of the job, callback and event.</summary>
    public string? Model { get; init; }

    public string? FreepikTaskId { get; init; }

    public string? FreepikStatus { get; init; }

    public int Polls { get; init; }

    public int Webhooks { get; init; }

    public DateTime UpdatedAt { get; init; }

    /// <summary>While the job waits in line for a Freepik slot: where it stood at its last check.</summary>
    public SlotPlace? Line { get; init; }

    /// <summary>
    /// The outcome, once decided: set before the callback is delivered, so that readers see the job finished while
    /// the orchestration still retries a slow callback.
    /// </summary>
    public VideoJobResult? Result { get; init; }

    /// <summary>This progress with every field that comes from outside (Freepik, webhooks) cut to its limit.</summary>
    public VideoJobProgress Bounded() => this with
    {
        FreepikTaskId = Limits.Cut(FreepikTaskId, MaxTaskIdLength),
        FreepikStatus = Limits.Cut(FreepikStatus, MaxStatusLength),
        Result = Result?.Bounded(),
    };
}

/// <summary>A waiting job's place in line for one of the API key's <paramref name="Limit"/> Freepik tasks, as of <paramref name="CheckedAt"/>.</summary>
/// <param name="Ahead">Jobs ahead of it (0: it takes the next free slot).</param>
public sealed record SlotPlace(int Ahead, int Limit, DateTime CheckedAt);

/// <summary>An error code a pipeline can branch on, and a message a person can act on.</summary>
public sealed record JobError(string Code, string Message);

/// <summary>Our copy of the video.</summary>
public sealed record ArchivedVideo(string Blob, long Bytes);

/// <summary>The orchestration's output.</summary>
public sealed record VideoJobResult
{
    /// <summary>Completed, Failed, TimedOut or Canceled.</summary>
    public required JobStatus Status { get; init; }

    public JobError? Error { get; init; }

    public IReadOnlyList<string> VideoUrls { get; init; } = [];

    public ArchivedVideo? Video { get; init; }

    public static VideoJobResult Failed(JobError error) => new() { Status = JobStatus.Failed, Error = error };

    /// <summary>This result within the custom status' budget: Freepik's messages and URLs are not ours to size.</summary>
    public VideoJobResult Bounded() => this with
    {
        Error = Error is null ? null : Error with { Message = Limits.Cut(Error.Message, Limits.MaxMessageLength)! },
        VideoUrls = [.. VideoUrls.Where(url => url.Length <= Limits.MaxUrlLength).Take(Limits.MaxVideoUrls)],
    };
}

/// <summary>Sizes that keep a job's custom status far below the backend's limit, whatever Freepik sends.</summary>
internal static class Limits
{
    public const int MaxMessageLength = 2000;

    /// <summary>Freepik sends one video (<c>generated[0]</c> is the mp4); a few more are kept, oversized URLs are not.</summary>
    public const int MaxVideoUrls = 4;

    public const int MaxUrlLength = 4096;

    public static string? Cut(string? value, int length) => value is null || value.Length <= length ? value : value[..length] + "…";
}
