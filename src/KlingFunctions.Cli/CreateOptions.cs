namespace KlingFunctions.Cli;

/// <summary>What <c>kling create</c> sends: the image (a file or an https URL) and Freepik's fields.</summary>
public sealed record CreateOptions
{
    public required string Image { get; init; }

    public required string Prompt { get; init; }

    public string? Duration { get; init; }

    public string? NegativePrompt { get; init; }

    public double? CfgScale { get; init; }

    public FileInfo? StaticMask { get; init; }

    public FileInfo? DynamicMask { get; init; }

    /// <summary>The dynamic mask's trajectory, in the image's pixels.</summary>
    public IReadOnlyList<(int X, int Y)> Trajectory { get; init; } = [];

    public Uri? CallbackUrl { get; init; }

    public string? IdempotencyKey { get; init; }
}
