namespace KlingFunctions.Requests;

/// <summary>
/// How a caller handed us an image or mask: an absolute https URL, a data URL, or bare base64.
/// Parsing never decodes the payload; <see cref="DecodedLength"/> is computed from its length.
/// </summary>
public sealed record ImageSource
{
    private ImageSource(Uri? url, string? base64)
    {
        Url = url;
        Base64 = base64;
    }

    /// <summary>Set when the caller gave an https URL.</summary>
    public Uri? Url { get; }

    /// <summary>The base64 payload without any data-URL prefix, when the caller gave bytes.</summary>
    public string? Base64 { get; }

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

            // The declared media type is ignored: staging trusts the bytes, not what the caller says they are.
            return TryBase64(trimmed[(comma + 1)..], out source, out error);
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

            source = new ImageSource(url, null);
            return true;
        }

        return TryBase64(trimmed, out source, out error);
    }

    private static bool TryBase64(string payload, out ImageSource? source, out string? error)
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

        source = new ImageSource(null, payload);
        return true;
    }
}
