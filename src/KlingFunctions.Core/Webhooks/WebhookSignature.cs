using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace KlingFunctions.Webhooks;

/// <summary>
/// Standard Webhooks signatures as Freepik sends them (docs.freepik.com/webhooks): HMAC-SHA256 over
/// <c>"{webhook-id}.{webhook-timestamp}.{raw body}"</c>, base64, in a space-separated list of <c>v1,&lt;sig&gt;</c>
/// pairs so a secret can be rotated.
/// </summary>
public static class WebhookSignature
{
    /// <summary>How far a delivery's timestamp may be from now, either way, before it counts as a replay.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    internal const string SecretPrefix = "whsec_";

    internal const string Version = "v1";

    /// <summary>Checks one delivery. Prefer a <see cref="WebhookSignatureVerifier"/> kept per secret on hot paths.</summary>
    public static WebhookVerification Verify(
        string secret, string? id, string? timestamp, string? signatureHeader, ReadOnlySpan<byte> body, DateTimeOffset now)
        => new WebhookSignatureVerifier(secret).Verify(id, timestamp, signatureHeader, body, now);

    /// <summary>
    /// Signs a delivery the way Standard Webhooks senders do: a <c>whsec_</c> secret is base64-decoded,
    /// any other secret is used as its UTF-8 bytes.
    /// </summary>
    /// <returns>The <c>webhook-signature</c> header value, <c>v1,&lt;base64&gt;</c>.</returns>
    public static string Sign(string secret, string id, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        ArgumentException.ThrowIfNullOrEmpty(id);

        var key = secret.StartsWith(SecretPrefix, StringComparison.Ordinal)
            ? Convert.FromBase64String(secret[SecretPrefix.Length..])
            : Encoding.UTF8.GetBytes(secret);

        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        ComputeMacs([key], id, timestamp.ToString(CultureInfo.InvariantCulture), body, mac);
        return $"{Version},{Convert.ToBase64String(mac)}";
    }

    /// <summary>HMAC-SHA256 of <c>"{id}.{timestamp}.{body}"</c> under each key, written one after another.</summary>
    internal static void ComputeMacs(IReadOnlyList<byte[]> keys, string id, string timestamp, ReadOnlySpan<byte> body, Span<byte> macs)
    {
        var prefixLength = Encoding.UTF8.GetByteCount(id) + Encoding.UTF8.GetByteCount(timestamp) + 2;
        var buffer = ArrayPool<byte>.Shared.Rent(prefixLength + body.Length);
        try
        {
            var content = WriteSignedContent(buffer, id, timestamp, body);
            for (var i = 0; i < keys.Count; i++)
            {
                HMACSHA256.HashData(keys[i], content, macs.Slice(i * HMACSHA256.HashSizeInBytes, HMACSHA256.HashSizeInBytes));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads one <c>v1,&lt;base64&gt;</c> entry; other versions and malformed entries are skipped.</summary>
    internal static bool TryReadSignature(ReadOnlySpan<char> entry, Span<byte> signature)
    {
        var comma = entry.IndexOf(',');
        if (comma < 0 || !entry[..comma].SequenceEqual(Version))
        {
            return false;
        }

        var encoded = entry[(comma + 1)..];
        return Base64.IsValid(encoded, out var length)
            && length == HMACSHA256.HashSizeInBytes
            && Convert.TryFromBase64Chars(encoded, signature, out var written)
            && written == HMACSHA256.HashSizeInBytes;
    }

    private static ReadOnlySpan<byte> WriteSignedContent(byte[] buffer, string id, string timestamp, ReadOnlySpan<byte> body)
    {
        var written = Encoding.UTF8.GetBytes(id, buffer);
        buffer[written++] = (byte)'.';
        written += Encoding.UTF8.GetBytes(timestamp, buffer.AsSpan(written));
        buffer[written++] = (byte)'.';
        body.CopyTo(buffer.AsSpan(written));
        return buffer.AsSpan(0, written + body.Length);
    }
}
