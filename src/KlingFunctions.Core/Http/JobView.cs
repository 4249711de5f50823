using System.Text.Json.Serialization;
using KlingFunctions.Freepik;
using KlingFunctions.Storage;
using KlingFunctions.Workflow;

namespace KlingFunctions.Http;

/// <summary>The job as callers see it (DESIGN.md "Job view"): a public contract, extended but never renamed.</summary>
public sealed record JobView
{
    public required string Id { get; init; }

    /// <summary>The job's model (<c>GET /api/models</c>).</summary>
    public required string Model { get; init; }

    public required JobStatus Status { get; init; }

    public required JobStage Stage { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public FreepikView? Freepik { get; init; }

    public IReadOnlyList<string> VideoUrls { get; init; } = [];

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public VideoView? Video { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JobError? Error { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>
    /// While the job waits in line for a Freepik slot (stage <c>WaitingForSlot</c>): how many jobs are ahead of it, of
    /// how many tasks the API key runs at once, as of the job's last check.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public LineView? Line { get; init; }

    public int Polls { get; init; }

    public int Webhooks { get; init; }

    /// <summary>
    /// What Freepik reported after the job had ended without a video (<c>SubmitOutcomeUnknown</c>,
    /// <c>DeadlineExceeded</c>, <c>Canceled</c> after its create): a video may have been made after all.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public LateDelivery? Late { get; init; }

    /// <summary>Durable Functions' own management URLs, on the Functions app's start answer with <c>Api:ExposeManagementUrls</c> only.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? Management { get; init; }

    /// <summary>Builds the view from what the orchestration reported; <paramref name="videoUrl"/> is a fresh read link to our copy.</summary>
    /// <param name="model">The job's model from its input, for a job that has reported no progress yet.</param>
    public static JobView From(string id, JobStatus status, VideoJobProgress? progress, VideoJobResult? result, DateTimeOffset createdAt, DateTimeOffset updatedAt, Uri? videoUrl, string? model = null)
    {
        var stage = progress?.Stage ?? JobStage.Queued;

        // A job in line for a Freepik slot has nothing under way yet: it is Pending, like a job not started.
        var waiting = status is JobStatus.Running && stage is JobStage.WaitingForSlot;
        var shown = waiting ? JobStatus.Pending : status;
        return new JobView
        {
            Id = id,
            Model = progress?.Model ?? model ?? KlingModels.OriginalId,
            Status = shown,
            Stage = shown is JobStatus.Pending && stage is not JobStage.WaitingForSlot ? JobStage.Queued : stage,
            Freepik = progress?.FreepikTaskId is { } taskId ? new FreepikView(taskId, progress.FreepikStatus) : null,
            VideoUrls = result?.VideoUrls ?? [],
            Video = result?.Video is { } video ? new VideoView(videoUrl?.AbsoluteUri, video.Blob, video.Bytes) : null,
            Error = result?.Error,
            Line = waiting && progress?.Line is { } place ? new LineView(place.Ahead, place.Limit, new DateTimeOffset(place.CheckedAt, TimeSpan.Zero)) : null,
            CreatedAt = createdAt,
            UpdatedAt = progress is not null && progress.UpdatedAt > updatedAt.UtcDateTime ? new DateTimeOffset(progress.UpdatedAt, TimeSpan.Zero) : updatedAt,
            Polls = progress?.Polls ?? 0,
            Webhooks = progress?.Webhooks ?? 0,
        };
    }
}

public sealed record FreepikView(string TaskId, string? Status);

/// <summary>A waiting job's place in line.</summary>
/// <param name="Ahead">Jobs ahead of it in line (0: it takes the next free slot).</param>
/// <param name="Limit">The API key's Freepik tasks at once (<c>Freepik:MaxConcurrentTasks</c>).</param>
/// <param name="CheckedAt">When the job last asked for a slot.</param>
public sealed record LineView(int Ahead, int Limit, DateTimeOffset CheckedAt);

public sealed record VideoView(string? Url, string Blob, long Bytes);
