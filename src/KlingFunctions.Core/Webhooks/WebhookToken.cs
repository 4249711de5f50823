using System.Buffers.Text;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KlingFunctions.Webhooks;

/// <summary>
/// The token in a job's webhook URL: HMAC-SHA256 of the job id, base64url without padding. Only we can make it,
/// so a webhook call carrying it was given its URL by us, for that job.
/// </summary>
public sealed class WebhookToken(IOptions<WebhookOptions> options, IConfiguration configuration, ILogger<WebhookToken> logger)
{
    internal const string ApiKeySetting = "Freepik:ApiKey";

    private static readonly byte[] DerivationLabel = "KlingFunctions webhook token v1"u8.ToArray();

    private readonly string? _publicBaseUrl = options.Value.PublicBaseUrl?.TrimEnd('/') is { Length: > 0 } url ? url : null;
    private readonly byte[] _key = KeyFor(options.Value, configuration, logger);

    public string Create(string jobId)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        return Base64Url.EncodeToString(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(jobId)));
    }

    /// <summary>True when <paramref name="token"/> is the one <see cref="Create"/> makes for the job; constant time.</summary>
    public bool IsValid(string jobId, string? token)
    {
        if (string.IsNullOrEmpty(jobId) || string.IsNullOrEmpty(token))
        {
            return false;
        }

        var expected = Create(jobId);
        return CryptographicOperations.FixedTimeEquals(
            MemoryMarshal.AsBytes(expected.AsSpan()),
            MemoryMarshal.AsBytes(token.AsSpan()));
    }

    /// <summary>
    /// <c>{PublicBaseUrl}/api/webhooks/freepik/{jobId}?token={token}</c>, or null when no public base URL is set
    /// (polling only). Send it as <see cref="Uri.AbsoluteUri"/>, which keeps the escaping of the job id.
    /// </summary>
    public Uri? WebhookUrlFor(string jobId)
        => _publicBaseUrl is null
            ? null
            : new Uri($"{_publicBaseUrl}/api/webhooks/freepik/{Uri.EscapeDataString(jobId)}?token={Create(jobId)}");

    private static byte[] KeyFor(WebhookOptions options, IConfiguration configuration, ILogger logger)
    {
        if (!string.IsNullOrEmpty(options.TokenSecret))
        {
            return Encoding.UTF8.GetBytes(options.TokenSecret);
        }

        // Without a secret of its own, the API key is the one secret every instance and every restart shares,
        // so tokens made by one instance still verify on another; a random key would break that on scale-out.
        if (configuration[ApiKeySetting] is { Length: > 0 } apiKey)
        {
            logger.LogInformation("Webhooks:TokenSecret is not set; webhook URL tokens are derived from {Setting}", ApiKeySetting);
            return HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(apiKey), 32, salt: [], info: DerivationLabel);
        }

        if (!string.IsNullOrEmpty(options.PublicBaseUrl))
        {
            logger.LogWarning(
                "Neither Webhooks:TokenSecret nor {Setting} is set; webhook URL tokens use a random key of this process, "
                + "so webhooks for jobs submitted before a restart or by another instance will be rejected and those jobs rely on polling",
                ApiKeySetting);
        }

        return RandomNumberGenerator.GetBytes(32);
    }
}
