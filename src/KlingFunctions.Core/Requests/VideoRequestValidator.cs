using System.Globalization;
using System.Net;
using KlingFunctions.Freepik;

namespace KlingFunctions.Requests;

/// <summary>
/// Checks a <see cref="VideoRequest"/> against every constraint of its model's create call that can be checked
/// without fetching anything (the catalogue, <see cref="KlingModels"/>), so bad input fails before any money is spent:
/// a field the model does not take is refused, naming the models that take it, and a value outside the model's
/// values or range names the allowed ones. Nothing is dropped silently. Pixel sizes, aspect ratios and formats need
/// the image itself: staging checks those.
/// </summary>
public static class VideoRequestValidator
{
    /// <summary>Freepik: "The image file size cannot exceed 10MB"; masks and end frames follow the image's requirements.</summary>
    public const long MaxImageBytes = 10 * 1024 * 1024;

    /// <summary>Freepik: prompt and negative_prompt "cannot exceed 2500 characters".</summary>
    public const int MaxPromptLength = 2500;

    private static readonly HashSet<string> NoUploads = [];
    private static readonly Dictionary<string, ReadOnlyMemory<byte>> NoTexts = [];

    /// <summary>The fields a caller may give, in the order their problems are reported.</summary>
    private static readonly string[] ModelFields =
    [
        VideoFields.Image, VideoFields.EndImage, VideoFields.Prompt, VideoFields.NegativePrompt, VideoFields.Duration, VideoFields.CfgScale,
        VideoFields.StaticMask, VideoFields.DynamicMasks, VideoFields.AspectRatio, VideoFields.GenerateAudio,
    ];

    /// <summary>Returns every problem at once, keyed by JSON field name.</summary>
    /// <param name="defaultModel">The model of a request that names none (<c>Freepik:DefaultModel</c>).</param>
    /// <param name="uploads">
    /// Fields whose image came as a multipart file part (<c>image</c>, <c>dynamic_masks[0].mask</c>): present,
    /// with their bytes checked where they are stored.
    /// </param>
    /// <param name="texts">
    /// Image fields whose value was read as UTF-8 from the body rather than into the request's strings (a JSON body's
    /// images, see <c>JsonImageValues</c>): checked like the strings.
    /// </param>
    public static RequestErrors Validate(VideoRequest request, string defaultModel, IReadOnlySet<string>? uploads = null, IReadOnlyDictionary<string, ReadOnlyMemory<byte>>? texts = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new RequestErrors();
        texts ??= NoTexts;
        if (texts.Count > 0)
        {
            uploads = new HashSet<string>([.. uploads ?? NoUploads, .. texts.Keys], StringComparer.Ordinal);
        }

        uploads ??= NoUploads;

        CheckPromptLengths(request, errors);
        CheckImages(request, uploads, texts, errors);
        CheckCallbackUrl(request.CallbackUrl, errors);
        if (KlingModels.Find(request.Model ?? defaultModel) is { } model)
        {
            CheckAgainst(model, request, uploads, errors);
        }
        else
        {
            errors.Add(VideoFields.Model, $"model must be one of {KlingModels.Ids(KlingModels.All)} (GET /api/models); got {Excerpt.Of(request.Model ?? defaultModel)}.");
        }

        return errors;
    }

    /// <summary>The model's own rules: the fields it takes, for the kind of job this is, with its values and limits.</summary>
    private static void CheckAgainst(KlingModel model, VideoRequest request, IReadOnlySet<string> uploads, RequestErrors errors)
    {
        var hasImage = Given(request, VideoFields.Image, uploads);
        var mode = hasImage ? JobModes.ImageToVideo : JobModes.TextToVideo;
        foreach (var name in ModelFields.Where(name => Given(request, name, uploads)))
        {
            if (model.Field(name) is not { } field)
            {
                var takers = KlingModels.All.Where(other => other.Field(name) is not null).ToList();
                errors.Add(name, $"{name} is not taken by {model.Id} ({model.Name}); the models that take it: {KlingModels.Ids(takers)}.");
            }
            else if (!field.Modes.HasFlag(mode))
            {
                errors.Add(name, hasImage
                    ? $"{name} is taken by {model.Id} only for a video from a prompt alone (without image)."
                    : $"{name} is taken by {model.Id} only for a video from an image.");
            }
            else if (field.Type is not (FieldType.Image or FieldType.DynamicMasks) && KlingModel.ValueOf(request, name) is { } value)
            {
                CheckValue(model, field, value, errors);
            }
        }

        if (!hasImage && model.ImageRequired)
        {
            var textModels = KlingModels.All.Where(other => !other.ImageRequired).ToList();
            errors.Add(VideoFields.Image, $"image is required: {model.Id} ({model.Name}) makes a video from an image; the models that also make one from a prompt alone: {KlingModels.Ids(textModels)}.");
        }
        else if (!hasImage && string.IsNullOrWhiteSpace(request.Prompt))
        {
            errors.Add(VideoFields.Prompt, "prompt is required when no image is given: the video is made from the prompt alone.");
        }
    }

    private static void CheckValue(KlingModel model, ModelField field, object value, RequestErrors errors)
    {
        if (value is string text && field.Enum is not null && !field.Allows(text))
        {
            errors.Add(field.Name, $"{field.Name} must be one of {field.DescribeValues()} for {model.Id}; got {Excerpt.Of(text)}.");
        }

        // Negated so that NaN, which compares false with everything, is rejected too.
        if (value is double number && !(number >= (field.Minimum ?? double.NegativeInfinity) && number <= (field.Maximum ?? double.PositiveInfinity)))
        {
            errors.Add(field.Name, string.Create(CultureInfo.InvariantCulture, $"{field.Name} must be between {field.Minimum} and {field.Maximum} for {model.Id}; got {number}."));
        }
    }

    /// <summary>True when the caller gave the field: a value, or an image as a file part or text (an empty list of dynamic masks is none).</summary>
    private static bool Given(VideoRequest request, string field, IReadOnlySet<string> uploads)
        => field == VideoFields.DynamicMasks ? request.DynamicMasks is { Count: > 0 } : uploads.Contains(field) || KlingModel.ValueOf(request, field) is not null;

    /// <summary>The same limit on every model that takes a prompt (the catalogue's <see cref="ModelField.MaxLength"/>).</summary>
    private static void CheckPromptLengths(VideoRequest request, RequestErrors errors)
    {
        CheckLength(VideoFields.Prompt, request.Prompt, errors);
        CheckLength(VideoFields.NegativePrompt, request.NegativePrompt, errors);
    }

    private static void CheckLength(string field, string? text, RequestErrors errors)
    {
        if (text is null || text.Length <= MaxPromptLength)
        {
            return;
        }

        // Freepik counts "characters": count code points, so an emoji counts once, not as two UTF-16 units.
        var characters = text.EnumerateRunes().Count();
        if (characters > MaxPromptLength)
        {
            errors.Add(field, $"{field} must be at most {MaxPromptLength} characters; got {characters}.");
        }
    }

    private static void CheckImages(VideoRequest request, IReadOnlySet<string> uploads, IReadOnlyDictionary<string, ReadOnlyMemory<byte>> texts, RequestErrors errors)
    {
        CheckImage(VideoFields.Image, request.Image, texts, errors);
        CheckImage(VideoFields.EndImage, request.EndImage, texts, errors);
        CheckImage(VideoFields.StaticMask, request.StaticMask, texts, errors);

        var masks = request.DynamicMasks ?? [];
        for (var i = 0; i < masks.Count; i++)
        {
            CheckDynamicMask($"dynamic_masks[{i}]", masks[i], uploads, texts, errors);
        }

        if (Given(request, VideoFields.Image, uploads))
        {
            return;
        }

        if (Given(request, VideoFields.StaticMask, uploads) || masks.Count > 0)
        {
            errors.Add(VideoFields.Image, "image is required when static_mask or dynamic_masks is given: masks mark areas of the image.");
        }

        if (Given(request, VideoFields.EndImage, uploads))
        {
            errors.Add(VideoFields.Image, "image is required when end_image is given: the video goes from the image to the end frame.");
        }
    }

    private static void CheckDynamicMask(string field, DynamicMask? mask, IReadOnlySet<string> uploads, IReadOnlyDictionary<string, ReadOnlyMemory<byte>> texts, RequestErrors errors)
    {
        if (mask is null)
        {
            errors.Add(field, $"{field} must be an object with a mask and trajectories; got null.");
            return;
        }

        if (mask.Mask is null && !uploads.Contains($"{field}.mask"))
        {
            errors.Add($"{field}.mask", $"{field}.mask is required: each dynamic mask needs a mask image.");
        }
        else
        {
            CheckImage($"{field}.mask", mask.Mask, texts, errors);
        }

        var points = mask.Trajectories;
        if (points is null || points.Count == 0)
        {
            errors.Add($"{field}.trajectories", $"{field}.trajectories must have at least one point with x and y.");
            return;
        }

        for (var i = 0; i < points.Count; i++)
        {
            var point = $"{field}.trajectories[{i}]";
            if (points[i] is not { } p)
            {
                errors.Add(point, $"{point} must be an object with integer x and y; got null.");
                continue;
            }

            CheckCoordinate($"{point}.x", p.X, errors);
            CheckCoordinate($"{point}.y", p.Y, errors);
        }
    }

    private static void CheckCoordinate(string field, int? value, RequestErrors errors)
    {
        if (value is null)
        {
            errors.Add(field, $"{field} is required: each trajectory point needs integer x and y.");
        }
        else if (value < 0)
        {
            errors.Add(field, $"{field} must be a pixel coordinate of 0 or more; got {value.Value.ToString(CultureInfo.InvariantCulture)}.");
        }
    }

    private static void CheckImage(string field, string? value, IReadOnlyDictionary<string, ReadOnlyMemory<byte>> texts, RequestErrors errors)
    {
        ImageSource? source;
        string? error;
        bool parsed;
        if (value is not null)
        {
            parsed = ImageSource.TryParse(value, out source, out error);
        }
        else if (texts.TryGetValue(field, out var text))
        {
            parsed = ImageSource.TryParse(text, out source, out error);
        }
        else
        {
            return;
        }

        if (!parsed)
        {
            errors.Add(field, $"{field} {error}");
        }
        else if (source!.DecodedLength > MaxImageBytes)
        {
            errors.Add(field, string.Create(
                CultureInfo.InvariantCulture,
                $"{field} must be at most 10 MB ({MaxImageBytes:N0} bytes); its base64 decodes to {source.DecodedLength:N0} bytes."));
        }
    }

    private static void CheckCallbackUrl(string? value, RequestErrors errors)
    {
        const string field = VideoFields.CallbackUrl;
        if (value is null)
        {
            return;
        }

        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http") || url.Host.Length == 0)
        {
            errors.Add(field, $"{field} must be an absolute https URL; got {Excerpt.Of(value)}.");
        }
        else if (url.Scheme == Uri.UriSchemeHttp && !IsLoopback(url))
        {
            // Only the authority is echoed: the rest of a callback URL may carry the caller's own token.
            errors.Add(field, $"{field} must use https (http only for localhost, 127.0.0.0/8 and ::1); got http://{url.Authority}.");
        }
    }

    private static bool IsLoopback(Uri url)
        => url.IdnHost.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(url.IdnHost, out var address) && IPAddress.IsLoopback(address));
}
