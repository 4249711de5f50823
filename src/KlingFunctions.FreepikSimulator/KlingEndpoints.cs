using System.Text.Json.Nodes;
using KlingFunctions.Freepik;

namespace KlingFunctions.FreepikSimulator;

/// <summary>How a field of a create body is checked: its JSON type and the values its page documents.</summary>
internal enum WireKind
{
    Text,
    Number,
    Integer,
    Boolean,

    /// <summary>An http(s) URL or base64: what the image-to-video pages accept for images.</summary>
    ImageOrUrl,

    /// <summary>A publicly accessible URL only (Kling 3's <c>start_image_url</c>, <c>end_image_url</c>).</summary>
    Url,

    /// <summary><c>[{mask, trajectories: [{x, y}]}]</c>.</summary>
    DynamicMasks,
}

internal sealed record WireRule(WireKind Kind)
{
    /// <summary>The documented values (strings, or integers for an integer field).</summary>
    public IReadOnlyList<JsonNode>? Values { get; init; }

    public double? Min { get; init; }

    public double? Max { get; init; }

    public int? MaxLength { get; init; }
}

/// <summary>
/// One Kling endpoint as Freepik documents it (reference/KLING-MODELS.md): its create, status and list paths, every
/// field its create body may carry, and which are required. Written here, apart from the service's own catalogue
/// (<c>Core/Freepik/KlingModels.cs</c>), so that a wrong wire name or value there fails against it, as it would
/// against Freepik. The simulator is strict where Freepik may be lenient: a field a page does not list is a 400.
/// </summary>
internal sealed record KlingEndpoint(string CreatePath, string StatusPath, string ListPath, IReadOnlyDictionary<string, WireRule> Fields)
{
    /// <summary>The model, as the last segment of the create path names it: <c>kling-v2-1-std</c>.</summary>
    public string Model => CreatePath[(CreatePath.LastIndexOf('/') + 1)..];

    /// <summary>The page's rules on which fields must be given, beyond each field's own.</summary>
    public Func<JsonObject, IEnumerable<FreepikInvalidParam>> Requires { get; init; } = _ => [];
}

/// <summary>Every endpoint the simulator serves.</summary>
internal static class KlingEndpoints
{
    private const string ImageToVideo = "/v1/ai/image-to-video/";
    private const string Video = "/v1/ai/video/";
    private const int MaxPrompt = 2500;

    private static readonly WireRule Prompt = new(WireKind.Text) { MaxLength = MaxPrompt };
    private static readonly WireRule Image = new(WireKind.ImageOrUrl);
    private static readonly WireRule Cfg = new(WireKind.Number) { Min = 0, Max = 1 };
    private static readonly WireRule FiveOrTen = new(WireKind.Text) { Values = ["5", "10"] };
    private static readonly WireRule Webhook = new(WireKind.Url);
    private static readonly WireRule NamedRatio = new(WireKind.Text) { Values = ["widescreen_16_9", "social_story_9_16", "square_1_1"] };
    private static readonly WireRule Ratio = new(WireKind.Text) { Values = ["16:9", "9:16", "1:1"] };

    /// <summary>The 2.1 Std body [OLD21S]: image, prompt, negative_prompt, duration, cfg_scale, masks, webhook_url.</summary>
    private static readonly Dictionary<string, WireRule> V21 = new(StringComparer.Ordinal)
    {
        ["image"] = Image,
        ["prompt"] = Prompt,
        ["negative_prompt"] = Prompt,
        ["duration"] = FiveOrTen,
        ["cfg_scale"] = Cfg,
        ["static_mask"] = Image,
        ["dynamic_masks"] = new(WireKind.DynamicMasks),
        ["webhook_url"] = Webhook,
    };

    public static IReadOnlyList<KlingEndpoint> All { get; } =
    [
        // 2.1 Std: duration required; prompt "Required when image is not provided" [OLD21S].
        new(ImageToVideo + "kling-v2-1-std", ImageToVideo + "kling-v2-1/{taskId}", ImageToVideo + "kling-v2-1-std", V21)
        {
            Requires = body => [.. Required(body, "duration"), .. OneOf(body, "image", "prompt")],
        },

        // 2.1 Pro: 2.1 Std plus image_tail; "at least one of image and image_tail" [OLD].
        new(ImageToVideo + "kling-v2-1-pro", ImageToVideo + "kling-v2-1/{taskId}", ImageToVideo + "kling-v2-1-pro", With(V21, ("image_tail", Image)))
        {
            Requires = body => [.. Required(body, "duration"), .. OneOf(body, "image", "image_tail")],
        },

        // 2.1 Master: oneOf the 2.1 Std image body, or a text body with aspect_ratio "only when image is not provided" [OLD].
        new(ImageToVideo + "kling-v2-1-master", ImageToVideo + "kling-v2-1-master/{taskId}", ImageToVideo + "kling-v2-1-master", With(V21, ("aspect_ratio", NamedRatio)))
        {
            Requires = body => [.. Required(body, "duration"), .. body.ContainsKey("image") ? Absent(body, "aspect_ratio", "it only works when image is not provided") : Required(body, "prompt")],
        },

        // 2.5 Pro: no tail, masks or aspect ratio; duration required [F25].
        new(ImageToVideo + "kling-v2-5-pro", ImageToVideo + "kling-v2-5-pro/{taskId}", ImageToVideo + "kling-v2-5-pro", Without(V21, "static_mask", "dynamic_masks"))
        {
            Requires = body => Required(body, "duration"),
        },

        // 2.6 Pro: text or image, aspect_ratio with names, generate_audio; duration "enum 5/10", read as strings [M26].
        new(ImageToVideo + "kling-v2-6-pro", ImageToVideo + "kling-v2-6/{taskId}", ImageToVideo + "kling-v2-6",
            With(Without(V21, "static_mask", "dynamic_masks"), ("aspect_ratio", NamedRatio), ("generate_audio", new(WireKind.Boolean))))
        {
            Requires = body => [.. Required(body, "duration"), .. body.ContainsKey("image") ? [] : Required(body, "prompt")],
        },

        KlingV3("kling-v3-pro"),
        KlingV3("kling-v3-std"),
        KlingO1("kling-o1-pro"),
        KlingO1("kling-o1-std"),

        // 2.0: image and duration required [F20].
        new(ImageToVideo + "kling-v2", ImageToVideo + "kling-v2/{taskId}", ImageToVideo + "kling-v2", Without(V21, "static_mask", "dynamic_masks"))
        {
            Requires = body => Required(body, "image", "duration"),
        },

        // 1.6 Pro: image, image_tail, masks; image and duration required [F16P]. Std: the same without image_tail,
        // "not compatible with standard mode" [F16P].
        new(ImageToVideo + "kling-pro", ImageToVideo + "kling/{taskId}", ImageToVideo + "kling-pro", With(V21, ("image_tail", Image)))
        {
            Requires = body => Required(body, "image", "duration"),
        },
        new(ImageToVideo + "kling-std", ImageToVideo + "kling/{taskId}", ImageToVideo + "kling-std", V21)
        {
            Requires = body => Required(body, "duration"),
        },
    ];

    /// <summary>The original endpoint, Kling 2.1 Std.</summary>
    public static KlingEndpoint Original => All[0];

    /// <summary>
    /// Kling 3 [V3P][FV3S]: URLs for the frames, "3".."15" seconds, audio on by default; prompt required without a start
    /// image. multi_prompt, elements, shot_type, multi_shot and voice_ids are left out: the service never sends them.
    /// </summary>
    private static KlingEndpoint KlingV3(string model) => new(Video + model, Video + "kling-v3/{taskId}", Video + "kling-v3", new Dictionary<string, WireRule>(StringComparer.Ordinal)
    {
        ["prompt"] = Prompt,
        ["negative_prompt"] = Prompt,
        ["start_image_url"] = new(WireKind.Url),
        ["end_image_url"] = new(WireKind.Url),
        ["duration"] = new(WireKind.Text) { Values = [.. Enumerable.Range(3, 13).Select(seconds => (JsonNode)seconds.ToString(System.Globalization.CultureInfo.InvariantCulture))] },
        ["cfg_scale"] = Cfg,
        ["aspect_ratio"] = Ratio,
        ["generate_audio"] = new(WireKind.Boolean),
        ["webhook_url"] = Webhook,
    })
    {
        Requires = body => body.ContainsKey("start_image_url") ? [] : Required(body, "prompt"),
    };

    /// <summary>Kling O1 [MO1P][SUM]: first_frame / last_frame, an integer duration; "provide at least one frame".</summary>
    private static KlingEndpoint KlingO1(string model) => new(ImageToVideo + model, ImageToVideo + "kling-o1/{taskId}", ImageToVideo + "kling-o1", new Dictionary<string, WireRule>(StringComparer.Ordinal)
    {
        ["prompt"] = Prompt,
        ["first_frame"] = Image,
        ["last_frame"] = Image,
        ["aspect_ratio"] = Ratio,
        ["duration"] = new(WireKind.Integer) { Values = [5, 10] },
        ["webhook_url"] = Webhook,
    })
    {
        Requires = body => OneOf(body, "first_frame", "last_frame"),
    };

    private static Dictionary<string, WireRule> With(IReadOnlyDictionary<string, WireRule> fields, params (string Name, WireRule Rule)[] more)
    {
        var result = new Dictionary<string, WireRule>(fields, StringComparer.Ordinal);
        foreach (var (name, rule) in more)
        {
            result[name] = rule;
        }

        return result;
    }

    private static Dictionary<string, WireRule> Without(IReadOnlyDictionary<string, WireRule> fields, params string[] names)
        => fields.Where(field => !names.Contains(field.Key)).ToDictionary(StringComparer.Ordinal);

    private static IEnumerable<FreepikInvalidParam> Required(JsonObject body, params string[] names)
        => names.Where(name => !body.ContainsKey(name)).Select(name => new FreepikInvalidParam(name, $"Field '{name}' is required"));

    private static IEnumerable<FreepikInvalidParam> OneOf(JsonObject body, string first, string second)
        => body.ContainsKey(first) || body.ContainsKey(second) ? [] : [new FreepikInvalidParam(first, $"Field '{first}' is required when '{second}' is not provided")];

    private static IEnumerable<FreepikInvalidParam> Absent(JsonObject body, string name, string why)
        => body.ContainsKey(name) ? [new FreepikInvalidParam(name, $"Field '{name}' is not allowed here: {why}")] : [];
}
