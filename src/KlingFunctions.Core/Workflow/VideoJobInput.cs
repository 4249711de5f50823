using KlingFunctions.Requests;

namespace KlingFunctions.Workflow;

/// <summary>
/// The orchestration's input. Small and secret-free: images are blob names or the caller's URLs, never bytes;
/// the settings are captured at start so that a configuration change cannot alter a replay.
/// </summary>
public sealed record VideoJobInput
{
    public required string JobId { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The caller's parameters with <c>image</c> and the masks cleared: they travel as <see cref="Inputs"/>.</summary>
    public required VideoParameters Parameters { get; init; }

    public required JobInputs Inputs { get; init; }

    public string? CallbackUrl { get; init; }

    public required WorkflowSettings Settings { get; init; }
}

/// <summary>The create body's fields without images: what travels through orchestration state.</summary>
public sealed record VideoParameters : KlingVideoParameters
{
    public VideoParameters()
    {
    }

    public VideoParameters(KlingVideoParameters parameters)
        : base(parameters)
    {
    }
}

/// <summary>Where each image of a job is: a blob in the inputs container, or the caller's URL not fetched yet.</summary>
public sealed record JobInputs(InputRef? Image, InputRef? StaticMask, IReadOnlyList<InputRef> DynamicMasks);

/// <summary>One image of a job: exactly one of <see cref="BlobName"/> and <see cref="Url"/> is set.</summary>
public sealed record InputRef(string? BlobName, string? Url)
{
    public static InputRef Blob(string blobName) => new(blobName, null);

    public static InputRef FromUrl(Uri url) => new(null, url.AbsoluteUri);
}
