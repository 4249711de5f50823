using System.Text;

namespace KlingFunctions.Requests;

/// <summary>
/// How a caller handed us an image or mask: an absolute https URL, a data URL, or bare base64.
/// Parsing never decodes the payload; <see cref="DecodedLength"/> is computed from its length. The payload is kept as
/// UTF-8 where it lies (a request body's bytes), so a 10 MB image in base64 never becomes a 27 MB UTF-16 string.
/// </summary>
public sealed record ImageSource
{
    private ImageSource(Uri? url, ReadOnlyMemory<byte> base64)
    {
        Url = url;
        Base64 = base64;
    }

    /// <summary>Set when the caller gave an https URL.</summary>
    public Uri? Url { get; }

    /// <summary>The base64 payload as UTF-8, without any data-URL prefix, when the caller gave bytes (empty for URLs).</summary>
    public ReadOnlyMemory<byte> Base64 { get; }

    /// <summary>The exact number of bytes the base64 payload decodes to (0 for URLs).</summary>
    public long DecodedLength
    {
        get
        {
            var base64 = Base64.Span;
            var length = base64.Length;
            var padding = length > 0 && base64[^1] == '=' ? (length > 1 && base64[^2] == '=' ? 2 : 1) : 0;
            return (length / 4 * 3L) - padding;
        }
    }

    /// <summary>Reads <paramref name="value"/> as an https URL, a data URL or bare base64.</summary>
    /// <returns>False, with a message naming what is wrong, when it is none of these.</returns>
    public static bool TryParse(string value, out ImageSource? source, out string? error)
        => TryParse(Encoding.UTF8.GetBytes(value), out source, out error);

    /// <summary>The same, over the UTF-8 of the value (unescaped): the payload stays in <paramref name="value"/>.</summary>
    public static bool TryParse(ReadOnlyMemory<byte> value, out ImageSource? source, out string? error)
    {
        source = null;
        error = null;
        var trimmed = Trim(value);
        var span = trimmed.Span;

        if (span.IsEmpty)
        {
            error = "must not be empty.";
            return false;
        }

        var payload = PayloadStart(span);
        if (payload < 0)
        {
            error = "is a data URL without a ';base64,' payload.";
            return false;
        }

        if (payload > 0)
        {
            // The declared media type is ignored: staging trusts the bytes, not what the caller says they are.
            return TryBase64(trimmed[payload..], out source, out error);
        }

        if (span.IndexOf("://"u8) >= 0)
        {
            if (!Uri.TryCreate(Encoding.UTF8.GetString(span), UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
            {
                error = "is not a valid absolute https URL.";
                return false;
            }

            if (url.Scheme != Uri.UriSchemeHttps)
            {
                error = "must be an https URL (http is not accepted).";
                return false;
            }

            source = new ImageSource(url, ReadOnlyMemory<byte>.Empty);
            return true;
        }

        return TryBase64(trimmed, out source, out error);
    }

    /// <summary>Where the base64 payload starts: after a data URL's <c>;base64,</c>, else at 0; -1 for a data URL without one.</summary>
    internal static int PayloadStart(ReadOnlySpan<byte> value)
    {
        if (value.Length < 5 || !Ascii.EqualsIgnoreCase(value[..5], "data:"u8))
        {
            return 0;
        }

        var comma = value.IndexOf((byte)',');
        return comma >= 7 && Ascii.EqualsIgnoreCase(value[(comma - 7)..comma], ";base64"u8) ? comma + 1 : -1;
    }

    private static bool TryBase64(ReadOnlyMemory<byte> payload, out ImageSource? source, out string? error)
    {
        source = null;
        error = null;
        var span = payload.Span;
        // Whitespace would make DecodedLength wrong, and no encoder emits it inside a JSON string.
        if (span.IsEmpty || span.Length % 4 != 0 || span.IndexOfAny(" \t\r\n"u8) >= 0 || !System.Buffers.Text.Base64.IsValid(span))
        {
            error = "is neither an absolute https URL nor valid base64.";
            return false;
        }

        source = new ImageSource(null, payload);
        return true;
    }

    /// <summary>What <see cref="string.Trim()"/> removes (Unicode white space), at both ends of UTF-8.</summary>
    private static ReadOnlyMemory<byte> Trim(ReadOnlyMemory<byte> value)
    {
        var span = value.Span;
        var start = 0;
        while (start < span.Length && Rune.DecodeFromUtf8(span[start..], out var rune, out var size) == System.Buffers.OperationStatus.Done && Rune.IsWhiteSpace(rune))
        {
            start += size;
        }

        var end = span.Length;
        while (end > start && Rune.DecodeLastFromUtf8(span[start..end], out var rune, out var size) == System.Buffers.OperationStatus.Done && Rune.IsWhiteSpace(rune))
        {
            end -= size;
        }

        return value[start..end];
    }
}
