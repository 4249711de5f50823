using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace KlingFunctions.Webhooks;

/// <summary>
/// Standard Webhooks headers for a callback: <c>webhook-id</c>, <c>webhook-timestamp</c> and <c>webhook-signature</c>
/// over the exact body sent. A secret that can be read more than one way (text that is also valid base64, say) is
/// signed under each reading, one <c>v1,…</c> entry each, as the standard allows: the receiver's reading matches one.
/// </summary>
public sealed class CallbackSignature(string secret)
{
    private readonly byte[][] keys = WebhookSignatureVerifier.KeysFor(secret);

    public void AddTo(HttpContent content, string id, DateTimeOffset now, byte[] body)
    {
        var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var macs = new byte[keys.Length * HMACSHA256.HashSizeInBytes];
        WebhookSignature.ComputeMacs(keys, id, timestamp, body, macs);
        var signatures = new StringBuilder();
        for (var i = 0; i < keys.Length; i++)
        {
            signatures.Append(i == 0 ? string.Empty : " ").Append(WebhookSignature.Version).Append(',')
                .Append(Convert.ToBase64String(macs, i * HMACSHA256.HashSizeInBytes, HMACSHA256.HashSizeInBytes));
        }

        content.Headers.Add("webhook-id", id);
        content.Headers.Add("webhook-timestamp", timestamp);
        content.Headers.Add("webhook-signature", signatures.ToString());
    }
}
