using System.Text.Json.Serialization;

namespace KlingFunctions.Requests;

/// <summary>
/// The fields that describe the video, with the caller's JSON names (<see cref="VideoFields"/>): one shape for every
/// model. Shared by what a caller sends us (<see cref="VideoRequest"/>) and what travels through the job's state; the
/// model catalogue turns them into the chosen model's own body on the wire (<see cref="Freepik.KlingModel.CreateBody"/>).
/// The fields added with the catalogue are left out of the JSON while unset, so a request or a job of before keeps
/// the fingerprint and state it had.
/// </summary>
public abstract record KlingVideoParameters
{
    /// <summary>The catalogue id of the model (<c>kling-v2-1-std</c>); unset in a request: <c>Freepik:DefaultModel</c>.</summary>
    [JsonPropertyName(VideoFields.Model)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Model { get; init; }

    /// <summary>Base64, a data URL, or an absolute https URL.</summary>
    [JsonPropertyName(VideoFields.Image)]
    public string? Image { get; init; }

    /// <summary>The last frame, for the models that take one: base64, a data URL, or an absolute https URL.</summary>
    [JsonPropertyName(VideoFields.EndImage)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? EndImage { get; init; }

    [JsonPropertyName(VideoFields.Prompt)]
    public string? Prompt { get; init; }

    [JsonPropertyName(VideoFields.NegativePrompt)]
    public string? NegativePrompt { get; init; }

    /// <summary>Seconds, as a string ("5"); each model has its own values.</summary>
    [JsonPropertyName(VideoFields.Duration)]
    public string? Duration { get; init; }

    /// <summary>0…1; Freepik's default is 0.5.</summary>
    [JsonPropertyName(VideoFields.CfgScale)]
    public double? CfgScale { get; init; }

    [JsonPropertyName(VideoFields.StaticMask)]
    public string? StaticMask { get; init; }

    [JsonPropertyName(VideoFields.DynamicMasks)]
    public IReadOnlyList<DynamicMask>? DynamicMasks { get; init; }

    /// <summary><c>16:9</c>, <c>9:16</c> or <c>1:1</c> (or the model's own spelling, e.g. <c>widescreen_16_9</c>).</summary>
    [JsonPropertyName(VideoFields.AspectRatio)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? AspectRatio { get; init; }

    [JsonPropertyName(VideoFields.GenerateAudio)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? GenerateAudio { get; init; }
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
