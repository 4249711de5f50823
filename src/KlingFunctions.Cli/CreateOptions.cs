namespace KlingFunctions.Cli;

/// <summary>What <c>kling create</c> sends: the model, the image and end frame (files or https URLs) and the video's fields.</summary>
public sealed record CreateOptions
{
    /// <summary>Null: the service's default model.</summary>
    public string? Model { get; init; }

    /// <summary>Null: a video from the prompt alone (on the models that make one).</summary>
    public string? Image { get; init; }

    /// <summary>The last frame, for the models that take one.</summary>
    public string? EndImage { get; init; }

    public required string Prompt { get; init; }

    /// <summary>Null: the model's default.</summary>
    public string? Duration { get; init; }

    public string? NegativePrompt { get; init; }

    public double? CfgScale { get; init; }

    public string? AspectRatio { get; init; }

    public bool? GenerateAudio { get; init; }

    public FileInfo? StaticMask { get; init; }

    public FileInfo? DynamicMask { get; init; }

    /// <summary>The dynamic mask's trajectory, in the image's pixels.</summary>
    public IReadOnlyList<(int X, int Y)> Trajectory { get; init; } = [];

    public Uri? CallbackUrl { get; init; }

    public string? IdempotencyKey { get; init; }
}
