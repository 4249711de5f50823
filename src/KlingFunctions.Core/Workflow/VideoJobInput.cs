using KlingFunctions.Requests;
using KlingFunctions.Staging;

namespace KlingFunctions.Workflow;

/// <summary>
/// The orchestration's input. Small and secret-free: images are blob names or the caller's URLs, never bytes;
/// the settings are captured at start so that a configuration change cannot alter a replay.
/// </summary>
public sealed record VideoJobInput
{
    public required string JobId { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>
    /// The caller's parameters with the images cleared (they travel as <see cref="Inputs"/>), and with the job's model
    /// (null only in jobs started before models existed: <see cref="Freepik.KlingModels.OriginalId"/>).
    /// </summary>
    public required VideoParameters Parameters { get; init; }

    /// <summary>The job's images as blob names (bytes the caller sent) or the caller's URLs (fetched in staging).</summary>
    public required StagingRequest Inputs { get; init; }

    public string? CallbackUrl { get; init; }

    /// <summary>With an Idempotency-Key: the request's fingerprint, so that the key reused with another request is refused.</summary>
    public string? RequestFingerprint { get; init; }

    public required WorkflowSettings Settings { get; init; }

    /// <summary>
    /// The Freepik slots this job's creates count against: the API key's pool when it started, so that the job gives
    /// its slot back where it took it even when the key changes. Null in jobs started before it was recorded: the pool
    /// the first grant names.
    /// </summary>
    public string? SlotPool { get; init; }
}

/// <summary>The request's fields without images: what travels through orchestration state.</summary>
public sealed record VideoParameters : KlingVideoParameters
{
    public VideoParameters()
    {
    }

    public VideoParameters(KlingVideoParameters parameters)
        : base(parameters)
    {
    }

    /// <summary>The caller's parameters with the images cleared; dynamic masks keep their trajectories.</summary>
    public static VideoParameters WithoutImages(KlingVideoParameters parameters) => new(parameters)
    {
        Image = null,
        EndImage = null,
        StaticMask = null,
        DynamicMasks = parameters.DynamicMasks?.Select(mask => mask with { Mask = null }).ToList(),
    };
}
