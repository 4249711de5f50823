using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using KlingFunctions.Freepik;
using KlingFunctions.Requests;
using KlingFunctions.Staging;
using KlingFunctions.Workflow;

namespace KlingFunctions.Http;

/// <summary>
/// What makes two start requests the same request, for the Idempotency-Key (IETF draft "The Idempotency-Key HTTP
/// Header Field": a key reused with a different payload is refused): SHA-256 over the parameters, the callback URL
/// and every image as sent: a text value's UTF-8, or the SHA-256 of a file part's bytes, taken while it was stored.
/// What models added (the model, an end frame) counts only when it is not what every request of before was, so a key
/// used before the catalogue existed still names its job with the same request.
/// </summary>
public static class RequestFingerprint
{
    public static string Of(IncomingVideoRequest incoming)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        return Of(incoming.Request, incoming.Files.DigestOf, incoming.Texts);
    }

    /// <param name="fileDigest">The SHA-256 of the field's file part, or null when it came as text or not at all.</param>
    /// <param name="texts">The image fields given as text, as UTF-8.</param>
    public static string Of(VideoRequest request, Func<string, byte[]?> fileDigest, IReadOnlyDictionary<string, ReadOnlyMemory<byte>> texts)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(fileDigest);
        ArgumentNullException.ThrowIfNull(texts);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var parameters = VideoParameters.WithoutImages(request);
        if (parameters.Model == KlingModels.OriginalId)
        {
            parameters = parameters with { Model = null };
        }

        hash.AppendData(JsonSerializer.SerializeToUtf8Bytes(new { parameters, callback = request.CallbackUrl }));

        void AppendImage(string field)
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"\n{field}:"));
            if (fileDigest(field) is { } digest)
            {
                hash.AppendData(Encoding.UTF8.GetBytes("sha256:"));
                hash.AppendData(digest);
            }
            else if (texts.TryGetValue(field, out var text))
            {
                hash.AppendData(text.Span);
            }
        }

        AppendImage(InputFields.Image);
        if (request.EndImage is not null || fileDigest(InputFields.EndImage) is not null || texts.ContainsKey(InputFields.EndImage))
        {
            AppendImage(InputFields.EndImage);
        }

        AppendImage(InputFields.StaticMask);
        for (var i = 0; i < (request.DynamicMasks?.Count ?? 0); i++)
        {
            AppendImage(InputFields.DynamicMask(i));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
