using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace KlingFunctions.Webhooks;

/// <summary>
/// Verifies Freepik webhook signatures for one secret, with its possible keys worked out once.
/// Freepik's own examples disagree on how the dashboard secret is encoded (raw UTF-8 in most, base64 in one,
/// Standard Webhooks' <c>whsec_</c> + base64, and hex seen by a production client), so every plausible reading
/// is tried as a key. Thread-safe.
/// </summary>
public sealed class WebhookSignatureVerifier
{
    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    private readonly byte[][] keys;
    private readonly TimeSpan tolerance;

    public WebhookSignatureVerifier(string secret)
        : this(secret, WebhookSignature.DefaultTolerance)
    {
    }

    public WebhookSignatureVerifier(string secret, TimeSpan tolerance)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        ArgumentOutOfRangeException.ThrowIfLessThan(tolerance, TimeSpan.Zero);
        keys = KeysFor(secret);
        this.tolerance = tolerance;
    }

    /// <summary>Checks one delivery; never throws for malformed headers.</summary>
    /// <param name="body">The raw request body, byte for byte as received.</param>
    public WebhookVerification Verify(string? id, string? timestamp, string? signatureHeader, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(id) || string.IsNullOrWhiteSpace(timestamp) || string.IsNullOrWhiteSpace(signatureHeader))
        {
            return new(WebhookVerificationReason.MissingHeaders);
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return new(WebhookVerificationReason.BadTimestamp);
        }

        if ((now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > tolerance)
        {
            return new(WebhookVerificationReason.Expired);
        }

        Span<byte> macs = stackalloc byte[keys.Length * HMACSHA256.HashSizeInBytes];
        WebhookSignature.ComputeMacs(keys, id, timestamp, body, macs);

        Span<byte> signature = stackalloc byte[HMACSHA256.HashSizeInBytes];
        var matched = false;
        foreach (var range in signatureHeader.AsSpan().Split(' '))
        {
            if (!WebhookSignature.TryReadSignature(signatureHeader.AsSpan(range), signature))
            {
                continue;
            }

            for (var i = 0; i < keys.Length; i++)
            {
                // No early exit: the time taken does not reveal which key or entry matched.
                matched |= CryptographicOperations.FixedTimeEquals(
                    macs.Slice(i * HMACSHA256.HashSizeInBytes, HMACSHA256.HashSizeInBytes), signature);
            }
        }

        return new(matched ? WebhookVerificationReason.Valid : WebhookVerificationReason.NoMatchingSignature);
    }

    /// <summary>
    /// Every key a secret may stand for: where it decodes, base64 (with or without <c>whsec_</c>), then its UTF-8
    /// bytes, then hex. In the order a Standard Webhooks receiver reads a secret: signatures are sent in this order,
    /// and the reference library (StandardWebhooks 1.1.2) matches a list of them reliably only on its first entry.
    /// </summary>
    internal static byte[][] KeysFor(string secret)
    {
        var keys = new List<byte[]>();
        if (secret.StartsWith(WebhookSignature.SecretPrefix, StringComparison.Ordinal)
            && TryFromBase64(secret[WebhookSignature.SecretPrefix.Length..], out var prefixed))
        {
            keys.Add(prefixed);
        }

        if (TryFromBase64(secret, out var decoded))
        {
            keys.Add(decoded);
        }

        keys.Add(Encoding.UTF8.GetBytes(secret));

        if (secret.Length % 2 == 0 && !secret.AsSpan().ContainsAnyExcept(HexDigits))
        {
            keys.Add(Convert.FromHexString(secret));
        }

        return [.. keys.DistinctBy(Convert.ToBase64String)];
    }

    private static bool TryFromBase64(string value, out byte[] bytes)
    {
        bytes = [];
        if (value.Length == 0 || !System.Buffers.Text.Base64.IsValid(value))
        {
            return false;
        }

        bytes = Convert.FromBase64String(value);
        return bytes.Length > 0;
    }
}
