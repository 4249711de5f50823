using System.Text.Json.Serialization;

namespace KlingFunctions.Requests;

/// <summary>
/// The fields of Freepik's Kling 2.1 Std create body that describe the video, with their exact JSON names.
/// Shared by what a caller sends us (<see cref="VideoRequest"/>) and what we send Freepik.
/// </summary>
public abstract record KlingVideoParameters
{
    /// <summary>Base64, a data URL, or an absolute https URL.</summary>
    [JsonPropertyName("image")]
    public string? Image { get; init; }

    [JsonPropertyName("prompt")]
    public string? Prompt { get; init; }

    [JsonPropertyName("negative_prompt")]
    public string? NegativePrompt { get; init; }

    /// <summary>"5" or "10" (seconds).</summary>
    [JsonPropertyName("duration")]
    public string? Duration { get; init; }

    /// <summary>0…1; Freepik's default is 0.5.</summary>
    [JsonPropertyName("cfg_scale")]
    public double? CfgScale { get; init; }

    [JsonPropertyName("static_mask")]
    public string? StaticMask { get; init; }

    [JsonPropertyName("dynamic_masks")]
    public IReadOnlyList<DynamicMask>? DynamicMasks { get; init; }
}

public sealed record DynamicMask
{
    [JsonPropertyName("mask")]
    public string? Mask { get; init; }

    [JsonPropertyName("trajectories")]
    public IReadOnlyList<TrajectoryPoint>? Trajectories { get; init; }
}

/// <summary>A point of a motion trajectory, in the image's pixel coordinates.</summary>
public sealed record TrajectoryPoint
{
    [JsonPropertyName("x")]
    public int? X { get; init; }

    [JsonPropertyName("y")]
    public int? Y { get; init; }
}
