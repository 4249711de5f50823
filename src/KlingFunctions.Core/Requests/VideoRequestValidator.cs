using System.Globalization;
using System.Net;

namespace KlingFunctions.Requests;

/// <summary>
/// Checks a <see cref="VideoRequest"/> against every constraint Freepik documents for the Kling 2.1 Std create
/// call that can be checked without fetching anything, so bad input fails before any money is spent.
/// Pixel sizes, aspect ratios and formats need the image itself: staging checks those.
/// </summary>
public static class VideoRequestValidator
{
    /// <summary>Freepik: "The image file size cannot exceed 10MB"; masks follow the image's requirements.</summary>
    public const long MaxImageBytes = 10 * 1024 * 1024;

    /// <summary>Freepik: prompt and negative_prompt "cannot exceed 2500 characters".</summary>
    public const int MaxPromptLength = 2500;

    internal static readonly string[] Durations = ["5", "10"];

    private static readonly HashSet<string> NoUploads = [];
    private static readonly Dictionary<string, ReadOnlyMemory<byte>> NoTexts = [];

    /// <summary>Returns every problem at once, keyed by JSON field name.</summary>
    /// <param name="uploads">
    /// Fields whose image came as a multipart file part (<c>image</c>, <c>dynamic_masks[0].mask</c>): present,
    /// with their bytes checked where they are stored.
    /// </param>
    /// <param name="texts">
    /// Image fields whose value was read as UTF-8 from the body rather than into the request's strings (a JSON body's
    /// images, see <c>JsonImageValues</c>): checked like the strings.
    /// </param>
    public static RequestErrors Validate(VideoRequest request, IReadOnlySet<string>? uploads = null, IReadOnlyDictionary<string, ReadOnlyMemory<byte>>? texts = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new RequestErrors();
        texts ??= NoTexts;
        if (texts.Count > 0)
        {
            uploads = new HashSet<string>([.. uploads ?? NoUploads, .. texts.Keys], StringComparer.Ordinal);
        }

        uploads ??= NoUploads;

        CheckDuration(request.Duration, errors);
        CheckCfgScale(request.CfgScale, errors);
        CheckPrompts(request, uploads, errors);
        CheckImages(request, uploads, texts, errors);
        CheckCallbackUrl(request.CallbackUrl, errors);

        return errors;
    }

    private static void CheckDuration(string? duration, RequestErrors errors)
    {
        if (duration is null)
        {
            errors.Add("duration", "duration is required: \"5\" or \"10\" (seconds, as a string).");
        }
        else if (!Durations.Contains(duration, StringComparer.Ordinal))
        {
            errors.Add("duration", $"duration must be \"5\" or \"10\" (seconds, as a string); got {Excerpt.Of(duration)}.");
        }
    }

    private static void CheckCfgScale(double? cfgScale, RequestErrors errors)
    {
        // Negated so that NaN, which compares false with everything, is rejected too.
        if (cfgScale is { } value && !(value is >= 0 and <= 1))
        {
            errors.Add("cfg_scale", $"cfg_scale must be between 0 and 1; got {value.ToString(CultureInfo.InvariantCulture)}.");
        }
    }

    private static void CheckPrompts(VideoRequest request, IReadOnlySet<string> uploads, RequestErrors errors)
    {
        CheckLength("prompt", request.Prompt, errors);
        CheckLength("negative_prompt", request.NegativePrompt, errors);

        if (request.Image is null && !uploads.Contains("image") && string.IsNullOrWhiteSpace(request.Prompt))
        {
            errors.Add("prompt", "prompt is required when no image is given.");
        }
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
        CheckImage("image", request.Image, texts, errors);
        CheckImage("static_mask", request.StaticMask, texts, errors);

        var masks = request.DynamicMasks ?? [];
        for (var i = 0; i < masks.Count; i++)
        {
            CheckDynamicMask($"dynamic_masks[{i}]", masks[i], uploads, texts, errors);
        }

        var hasImage = request.Image is not null || uploads.Contains("image");
        if (!hasImage && (request.StaticMask is not null || uploads.Contains("static_mask") || masks.Count > 0))
        {
            errors.Add("image", "image is required when static_mask or dynamic_masks is given: masks mark areas of the image.");
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
        const string field = "callback_url";
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
