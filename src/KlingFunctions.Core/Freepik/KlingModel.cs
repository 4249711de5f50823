using System.Globalization;
using System.Text.Json.Nodes;
using KlingFunctions.Requests;

namespace KlingFunctions.Freepik;

/// <summary>
/// What a caller gives for a field, as <c>GET /api/models</c> names it (its contract also allows <c>integer</c>,
/// which no field of the catalogue needs: every duration is given as a string).
/// </summary>
public static class FieldType
{
    public const string Image = "image";
    public const string Text = "string";
    public const string Number = "number";
    public const string Boolean = "boolean";
    public const string DynamicMasks = "dynamic_masks";
}

/// <summary>The kinds of job a field applies to: with an image (image-to-video), without one (text-to-video), or both.</summary>
[Flags]
public enum JobModes
{
    ImageToVideo = 1,
    TextToVideo = 2,
    Both = ImageToVideo | TextToVideo,
}

/// <summary>
/// One field a model takes: the caller's name (<see cref="VideoFields"/>), the model's name for it on the wire, and
/// the values the model allows. Values are given and checked in the caller's spelling; <see cref="WireValues"/> says
/// how the model spells them.
/// </summary>
public sealed record ModelField(string Name, string Type)
{
    /// <summary>The model's own name for the field in its create body.</summary>
    public string Wire { get; init; } = Name;

    /// <summary>The caller must give it (only <c>image</c>, on the models that make videos from an image only).</summary>
    public bool Required { get; init; }

    /// <summary>The allowed values, in the caller's spelling.</summary>
    public IReadOnlyList<string>? Enum { get; init; }

    /// <summary>The model's spelling of each <see cref="Enum"/> value where it differs; the caller may use it too.</summary>
    public IReadOnlyDictionary<string, string>? WireValues { get; init; }

    public double? Minimum { get; init; }

    public double? Maximum { get; init; }

    /// <summary>In characters (Unicode code points).</summary>
    public int? MaxLength { get; init; }

    /// <summary>What the model does without the field (a string, number or boolean), in the caller's spelling.</summary>
    public object? Default { get; init; }

    /// <summary>The model requires the field, so <see cref="Default"/> is sent when the caller gives none.</summary>
    public bool SendsDefault { get; init; }

    /// <summary>The model takes the value as a JSON integer (the caller still gives <c>duration</c> as a string).</summary>
    public bool WireInteger { get; init; }

    public JobModes Modes { get; init; } = JobModes.Both;

    /// <summary>True when <paramref name="value"/> is one of the allowed values, in either spelling (or there is no list).</summary>
    public bool Allows(string value)
        => Enum is null || Enum.Contains(value, StringComparer.Ordinal) || (WireValues?.Values.Contains(value, StringComparer.Ordinal) ?? false);

    /// <summary>The allowed values for a message: <c>"16:9", "9:16", "1:1" (also widescreen_16_9, …)</c>.</summary>
    public string DescribeValues()
    {
        var values = string.Join(", ", (Enum ?? []).Select(value => $"\"{value}\""));
        return WireValues is { Count: > 0 } spelled ? $"{values} (or as the model spells them: {string.Join(", ", spelled.Values.Select(value => $"\"{value}\""))})" : values;
    }

    /// <summary>The caller's value as the model takes it on the wire.</summary>
    internal JsonNode? ToWire(object value) => value switch
    {
        string text when WireInteger => JsonValue.Create(int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture)),
        string text => JsonValue.Create(WireValues?.GetValueOrDefault(text) ?? text),
        bool flag => JsonValue.Create(flag),
        double number => JsonValue.Create(number),
        JsonNode node => node,
        _ => throw new ArgumentException($"No wire form for a {value.GetType().Name} in field {Name}.", nameof(value)),
    };
}

/// <summary>
/// One Kling model as Freepik serves it: where it is created, polled and listed, and the fields it takes. The same
/// create → task → webhook/poll cycle for all; only these data differ (the catalogue is <see cref="KlingModels"/>).
/// </summary>
public sealed record KlingModel
{
    /// <summary>Our id, the last segment of its create path: <c>kling-v2-1-std</c>.</summary>
    public required string Id { get; init; }

    public required string Name { get; init; }

    public required string Description { get; init; }

    /// <summary>POST, relative to the API's base URL: <c>v1/ai/image-to-video/kling-v2-1-std</c>.</summary>
    public required string CreatePath { get; init; }

    /// <summary>GET with <c>{task-id}</c>; not derivable from the create path (2.1 Std and Pro share one).</summary>
    public required string StatusPath { get; init; }

    /// <summary>GET: the key's tasks of this model.</summary>
    public required string ListPath { get; init; }

    /// <summary>The fields the model takes, in the caller's names; <c>webhook_url</c>, which every model takes, is ours to set.</summary>
    public required IReadOnlyList<ModelField> Fields { get; init; }

    /// <summary>The model makes videos from an image only: a job without one is refused.</summary>
    public bool ImageRequired => Field(VideoFields.Image)?.Required ?? true;

    public ModelField? Field(string name) => Fields.FirstOrDefault(field => field.Name == name);

    /// <summary>The status path of one task.</summary>
    public string StatusPathFor(string taskId) => StatusPath.Replace("{task-id}", Uri.EscapeDataString(taskId), StringComparison.Ordinal);

    /// <summary>
    /// The model's create body: each field the model takes, under its wire name, in its wire form; a field the model
    /// requires but the caller left out gets its default. The images are expected to be URLs Freepik can read by now.
    /// Fields the model does not take were refused when the job started (<see cref="VideoRequestValidator"/>).
    /// </summary>
    public JsonObject CreateBody(KlingVideoParameters parameters, string? webhookUrl)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var body = new JsonObject();
        foreach (var field in Fields)
        {
            if ((ValueOf(parameters, field.Name) ?? (field.SendsDefault ? field.Default : null)) is { } value)
            {
                body[field.Wire] = field.ToWire(value);
            }
        }

        if (webhookUrl is not null)
        {
            body["webhook_url"] = webhookUrl;
        }

        return body;
    }

    /// <summary>The caller's value of a field, or null when it was not given.</summary>
    internal static object? ValueOf(KlingVideoParameters parameters, string field) => field switch
    {
        VideoFields.Image => parameters.Image,
        VideoFields.EndImage => parameters.EndImage,
        VideoFields.Prompt => parameters.Prompt,
        VideoFields.NegativePrompt => parameters.NegativePrompt,
        VideoFields.Duration => parameters.Duration,
        VideoFields.CfgScale => parameters.CfgScale,
        VideoFields.StaticMask => parameters.StaticMask,
        VideoFields.DynamicMasks => parameters.DynamicMasks is { Count: > 0 } masks ? DynamicMasksNode(masks) : null,
        VideoFields.AspectRatio => parameters.AspectRatio,
        VideoFields.GenerateAudio => parameters.GenerateAudio,
        _ => throw new ArgumentException($"'{field}' is not a field of the start request.", nameof(field)),
    };

    private static JsonArray DynamicMasksNode(IReadOnlyList<DynamicMask> masks)
        => [.. masks.Select(mask => (JsonNode)new JsonObject
        {
            ["mask"] = mask.Mask,
            ["trajectories"] = new JsonArray([.. (mask.Trajectories ?? []).Select(point => (JsonNode)new JsonObject { ["x"] = point.X, ["y"] = point.Y })]),
        })];
}
