using KlingFunctions.Requests;

namespace KlingFunctions.Freepik;

/// <summary>
/// Every Kling model this service drives, as data: paths, fields with their wire names, values and limits. Source:
/// <c>reference/KLING-MODELS.md</c> (Freepik's and Magnific's pages, cited there as [F25], [OLD], [IDX], …). Where it
/// says UNKNOWN, the entry takes the safer reading (the one that cannot make a paid task fail, or send Freepik a
/// field it may refuse) and says so beside it; a correction is one line here (and one in the simulator's own table,
/// <c>FreepikSimulator/KlingEndpoints.cs</c>, written apart from this one so that a wrong wire name fails the tests).
/// Freepik's limit on tasks in flight is one per account, whatever the model: no page documents one per model
/// (the "3 concurrent requests per user" note appears on the 1.6, 2.0 and Elements pages).
/// </summary>
public static class KlingModels
{
    /// <summary>The only model before the catalogue: jobs and requests without a model are this one.</summary>
    public const string OriginalId = "kling-v2-1-std";

    private const string ImageToVideo = "v1/ai/image-to-video/";

    private static readonly string[] FiveOrTen = ["5", "10"];

    /// <summary>Kling 3: "3".."15" seconds, as strings [V3P][FV3S].</summary>
    private static readonly string[] ThreeToFifteen = [.. Enumerable.Range(3, 13).Select(seconds => seconds.ToString(System.Globalization.CultureInfo.InvariantCulture))];

    private static readonly string[] Ratios = ["16:9", "9:16", "1:1"];

    /// <summary>2.1 Master (text-to-video), 2.6 and Elements spell the ratios with names [OLD][M26][FEP].</summary>
    private static readonly Dictionary<string, string> NamedRatios = new(StringComparer.Ordinal)
    {
        ["16:9"] = "widescreen_16_9",
        ["9:16"] = "social_story_9_16",
        ["1:1"] = "square_1_1",
    };

    private static readonly ModelField Prompt = new(VideoFields.Prompt, FieldType.Text) { MaxLength = 2500 };
    private static readonly ModelField NegativePrompt = new(VideoFields.NegativePrompt, FieldType.Text) { MaxLength = 2500 };
    private static readonly ModelField CfgScale = new(VideoFields.CfgScale, FieldType.Number) { Minimum = 0, Maximum = 1, Default = 0.5 };
    private static readonly ModelField StaticMask = new(VideoFields.StaticMask, FieldType.Image);
    private static readonly ModelField DynamicMasks = new(VideoFields.DynamicMasks, FieldType.DynamicMasks);

    /// <summary>"5"/"10" as a string, required by the model (sent as "5" when the caller gives none).</summary>
    private static readonly ModelField StringDuration = new(VideoFields.Duration, FieldType.Text) { Enum = FiveOrTen, Default = "5", SendsDefault = true };

    /// <summary>The model's input image; <paramref name="required"/> false on the models that also make videos from a prompt alone.</summary>
    private static ModelField Image(string wire = VideoFields.Image, bool required = true) => new(VideoFields.Image, FieldType.Image) { Wire = wire, Required = required };

    private static ModelField EndImage(string wire) => new(VideoFields.EndImage, FieldType.Image) { Wire = wire };

    /// <summary>Kling 1.6, 2.0 and 2.1 Std/Pro/Master (image) take the same body as 2.1 Std, masks included or not.</summary>
    private static ModelField[] Classic(bool masks, ModelField? endImage = null)
        => [Image(), .. endImage is null ? Array.Empty<ModelField>() : [endImage], Prompt, NegativePrompt, StringDuration, CfgScale, .. masks ? [StaticMask, DynamicMasks] : Array.Empty<ModelField>()];

    public static IReadOnlyList<KlingModel> All { get; } =
    [
        new()
        {
            Id = OriginalId,
            Name = "Kling 2.1 Standard",
            Description = "Image to video, 5 or 10 s, with motion brush (static and dynamic masks). The default model.",
            CreatePath = ImageToVideo + "kling-v2-1-std",
            StatusPath = ImageToVideo + "kling-v2-1/{task-id}",
            ListPath = ImageToVideo + "kling-v2-1-std",

            // [OLD21S] says prompt is "Required when image is not provided", yet the endpoint is image-to-video and no
            // page shows a text-only 2.1 Std body: the safer reading requires the image (a text-only job goes to a
            // model that documents one).
            Fields = Classic(masks: true),
        },
        new()
        {
            Id = "kling-v2-1-pro",
            Name = "Kling 2.1 Pro",
            Description = "Image to video in higher quality, 5 or 10 s, with an end frame (the only 2.1 tier with one) and motion brush.",
            CreatePath = ImageToVideo + "kling-v2-1-pro",

            // The same status path as 2.1 Std [IDX].
            StatusPath = ImageToVideo + "kling-v2-1/{task-id}",
            ListPath = ImageToVideo + "kling-v2-1-pro",

            // [OLD]: every 2.1 Std field plus image_tail; "at least one of image and image_tail" — an end frame alone is
            // an unusual job whose result no page describes, so the image stays required.
            Fields = Classic(masks: true, EndImage("image_tail")),
        },
        new()
        {
            Id = "kling-v2-1-master",
            Name = "Kling 2.1 Master",
            Description = "The top 2.1 tier, 5 or 10 s: from an image (with motion brush) or from a prompt alone (then with an aspect ratio).",
            CreatePath = ImageToVideo + "kling-v2-1-master",

            // Its own status path, not the shared kling-v2-1 one [IDX].
            StatusPath = ImageToVideo + "kling-v2-1-master/{task-id}",
            ListPath = ImageToVideo + "kling-v2-1-master",

            // oneOf the 2.1 Std image body and a text body with aspect_ratio, which "only works when image is not
            // provided" [OLD]: the ratio is refused on an image job rather than sent where the image schema has none.
            // No default is shown for it (Freepik's is widescreen_16_9): a client that fills in defaults would send it
            // with an image too.
            Fields =
            [
                Image(required: false), Prompt, NegativePrompt, StringDuration, CfgScale, StaticMask, DynamicMasks,
                new(VideoFields.AspectRatio, FieldType.Text) { Enum = Ratios, WireValues = NamedRatios, Modes = JobModes.TextToVideo },
            ],
        },
        new()
        {
            Id = "kling-v2-5-pro",
            Name = "Kling 2.5 Turbo Pro",
            Description = "Image to video, 5 or 10 s, Kling 2.5's faster model. No end frame, masks or aspect ratio.",
            CreatePath = ImageToVideo + "kling-v2-5-pro",
            StatusPath = ImageToVideo + "kling-v2-5-pro/{task-id}",
            ListPath = ImageToVideo + "kling-v2-5-pro",

            // [F25] does not mark image required, but documents no text-to-video body: the image stays required.
            Fields = Classic(masks: false),
        },
        new()
        {
            Id = "kling-v2-6-pro",
            Name = "Kling 2.6 Pro",
            Description = "From an image or a prompt alone, 5 or 10 s, with native audio (generate_audio) and an aspect ratio.",
            CreatePath = ImageToVideo + "kling-v2-6-pro",
            StatusPath = ImageToVideo + "kling-v2-6/{task-id}",

            // [IDX]; [SUM] says kling-v2-6-pro, which conflicts: the index of the official pages wins.
            ListPath = ImageToVideo + "kling-v2-6",

            // [M26]: "Option 1 / Option 2", text or image; duration "enum 5/10" with its type UNKNOWN: sent as a string,
            // as by the rest of the image-to-video family, whose pages show strings. No end frame or masks documented
            // (UNKNOWN), so none are offered. generate_audio has no documented default.
            Fields =
            [
                Image(required: false), Prompt, NegativePrompt, StringDuration, CfgScale,
                new(VideoFields.AspectRatio, FieldType.Text) { Enum = Ratios, WireValues = NamedRatios, Default = "16:9" },
                new(VideoFields.GenerateAudio, FieldType.Boolean),
            ],
        },
        KlingV3("kling-v3-pro", "Kling 3 Pro", "Kling 3 in its higher-quality mode"),
        KlingV3("kling-v3-std", "Kling 3 Standard", "Kling 3 in its standard mode"),
        KlingO1("kling-o1-pro", "Kling O1 Pro", "in O1's higher-quality mode"),
        KlingO1("kling-o1-std", "Kling O1 Standard", "in O1's standard mode"),
        new()
        {
            Id = "kling-v2",
            Name = "Kling 2.0",
            Description = "Legacy: image to video, 5 or 10 s. No end frame or masks.",
            CreatePath = ImageToVideo + "kling-v2",
            StatusPath = ImageToVideo + "kling-v2/{task-id}",
            ListPath = ImageToVideo + "kling-v2",

            // [F20]: image and duration required; prompt, negative_prompt, cfg_scale, webhook_url optional.
            Fields = Classic(masks: false),
        },
        new()
        {
            Id = "kling-pro",
            Name = "Kling 1.6 Pro",
            Description = "Legacy: image to video, 5 or 10 s, with an end frame and motion brush.",
            CreatePath = ImageToVideo + "kling-pro",

            // 1.6 Pro and Std share the status path [IDX].
            StatusPath = ImageToVideo + "kling/{task-id}",
            ListPath = ImageToVideo + "kling-pro",

            // [F16P] marks image required; [TBL] lists only duration: the image stays required.
            Fields = Classic(masks: true, EndImage("image_tail")),
        },
        new()
        {
            Id = "kling-std",
            Name = "Kling 1.6 Standard",
            Description = "Legacy: image to video, 5 or 10 s, with motion brush.",
            CreatePath = ImageToVideo + "kling-std",
            StatusPath = ImageToVideo + "kling/{task-id}",
            ListPath = ImageToVideo + "kling-std",

            // [TBL] gives it 1.6 Pro's fields, but [F16P] says image_tail is "not compatible with standard mode": no end
            // frame is offered, so none is paid for and ignored.
            Fields = Classic(masks: true),
        },
    ];

    /// <summary>The model with this id, or null.</summary>
    public static KlingModel? Find(string? id) => All.FirstOrDefault(model => string.Equals(model.Id, id, StringComparison.Ordinal));

    /// <summary>The model of a job: its own, or for a job started before models existed, <see cref="OriginalId"/>.</summary>
    public static KlingModel OfJob(string? id) => Find(id ?? OriginalId) ?? throw new ArgumentException($"'{id}' is not a model of the catalogue.", nameof(id));

    /// <summary>The ids, comma-separated, for messages.</summary>
    public static string Ids(IEnumerable<KlingModel> models) => string.Join(", ", models.Select(model => model.Id));

    /// <summary>
    /// Kling 3 [V3P][FV3S]: one body for text and image jobs under <c>/v1/ai/video/</c>; the start and end frames are
    /// URLs only (<c>start_image_url</c>, <c>end_image_url</c>), which staging's read links are. multi_prompt, elements,
    /// shot_type, multi_shot and voice_ids are not offered (no field of ours maps to them).
    /// </summary>
    private static KlingModel KlingV3(string id, string name, string mode) => new()
    {
        Id = id,
        Name = name,
        Description = $"{mode}: from an image or a prompt alone, 3 to 15 s, with an end frame, native audio and an aspect ratio.",
        CreatePath = "v1/ai/video/" + id,
        StatusPath = "v1/ai/video/kling-v3/{task-id}",
        ListPath = "v1/ai/video/kling-v3",
        Fields =
        [
            Image("start_image_url", required: false),
            EndImage("end_image_url"),
            Prompt,
            NegativePrompt,

            // Documented default "5" [V3P]: sent anyway, as for every model.
            new(VideoFields.Duration, FieldType.Text) { Enum = ThreeToFifteen, Default = "5", SendsDefault = true },

            // 0–1 in the Pro page's copy [V3P]; one version of the Std page allows up to 2 [BUN]: the narrower range holds for both.
            CfgScale,
            new(VideoFields.AspectRatio, FieldType.Text) { Enum = Ratios, Default = "16:9" },
            new(VideoFields.GenerateAudio, FieldType.Boolean) { Default = true },
        ],
    };

    /// <summary>
    /// Kling O1 [MO1P][SUM]: first-frame to last-frame interpolation with its own names (<c>first_frame</c>,
    /// <c>last_frame</c>) and an integer duration. "Provide at least one frame": the first is required (a last frame
    /// alone is not offered). No negative prompt, cfg_scale or masks.
    /// </summary>
    private static KlingModel KlingO1(string id, string name, string mode) => new()
    {
        Id = id,
        Name = name,
        Description = $"From a first frame to an optional last frame, {mode}, 5 or 10 s, with an aspect ratio.",
        CreatePath = ImageToVideo + id,

        // Pro, Std and their video-reference variants share the status and list paths [IDX].
        StatusPath = ImageToVideo + "kling-o1/{task-id}",
        ListPath = ImageToVideo + "kling-o1",
        Fields =
        [
            Image("first_frame"),
            EndImage("last_frame"),
            Prompt,

            // An integer on the wire [SUM], given by callers as a string like every duration.
            new(VideoFields.Duration, FieldType.Text) { Enum = FiveOrTen, Default = "5", SendsDefault = true, WireInteger = true },
            new(VideoFields.AspectRatio, FieldType.Text) { Enum = Ratios, Default = "16:9" },
        ],
    };
}
