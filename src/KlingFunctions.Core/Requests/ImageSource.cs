namespace KlingFunctions.Requests;

/// <summary>
/// How a caller handed us an image or mask: an absolute https URL, a data URL, or bare base64.
/// Parsing never decodes the payload; <see cref="DecodedLength"/> is computed from its length.
/// </summary>
public sealed record ImageSource
{
    private ImageSource(Uri? url, string? base64, string? declaredMediaType)
    {
        Url = url;
        Base64 = base64;
        DeclaredMediaType = declaredMediaType;
    }

    /// <summary>Set when the caller gave a URL (https, or http when the caller allowed it).</summary>
    public Uri? Url { get; }

    /// <summary>The base64 payload without any data-URL prefix, when the caller gave bytes.</summary>
    public string? Base64 { get; }

    /// <summary>The media type a data URL claimed; informative only, staging trusts the bytes.</summary>
    public string? DeclaredMediaType { get; }

    public bool IsUrl => Url is not null;

    /// <summary>The exact number of bytes the base64 payload decodes to (0 for URLs).</summary>
    public long DecodedLength
    {
        get
        {
            if (Base64 is null)
            {
                return 0;
            }

            var length = Base64.Length;
            var padding = length > 0 && Base64[^1] == '=' ? (length > 1 && Base64[^2] == '=' ? 2 : 1) : 0;
            return (length / 4 * 3L) - padding;
        }
    }

    /// <summary>Reads <paramref name="value"/> as an https URL, a data URL or bare base64.</summary>
    /// <returns>False, with a message naming what is wrong, when it is none of these.</returns>
    public static bool TryParse(string value, out ImageSource? source, out string? error)
    {
        source = null;
        error = null;
        var trimmed = value.Trim();

        if (trimmed.Length == 0)
        {
            error = "must not be empty.";
            return false;
        }

        if (trimmed.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            var comma = trimmed.IndexOf(',', StringComparison.Ordinal);
            if (comma < 0 || !trimmed.AsSpan(0, comma).EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
            {
                error = "is a data URL without a ';base64,' payload.";
                return false;
            }

            var mediaType = trimmed[5..(comma - ";base64".Length)];
            return TryBase64(trimmed[(comma + 1)..], mediaType.Length == 0 ? null : mediaType, out source, out error);
        }

        if (trimmed.Contains("://", StringComparison.Ordinal))
        {
            if (!Uri.TryCreate(trimmed, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
            {
                error = "is not a valid absolute https URL.";
                return false;
            }

            if (url.Scheme != Uri.UriSchemeHttps)
            {
                error = "must be an https URL (http is not accepted).";
                return false;
            }

            source = new ImageSource(url, null, null);
            return true;
        }

        return TryBase64(trimmed, null, out source, out error);
    }

    /// <summary>Decodes the base64 payload.</summary>
    public byte[] DecodeBytes()
        => Base64 is null
            ? throw new InvalidOperationException("This image source is a URL, not bytes.")
            : Convert.FromBase64String(Base64);

    private static bool TryBase64(string payload, string? mediaType, out ImageSource? source, out string? error)
    {
        source = null;
        error = null;
        // Whitespace would make DecodedLength wrong, and no encoder emits it inside a JSON string.
        if (payload.Length == 0 || payload.Length % 4 != 0 || payload.AsSpan().IndexOfAny(" \t\r\n") >= 0
            || !System.Buffers.Text.Base64.IsValid(payload.AsSpan()))
        {
            error = "is neither an absolute https URL nor valid base64.";
            return false;
        }

        source = new ImageSource(null, payload, mediaType);
        return true;
    }
}
