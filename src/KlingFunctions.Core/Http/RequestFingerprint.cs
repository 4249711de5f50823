using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using KlingFunctions.Staging;
using KlingFunctions.Workflow;

namespace KlingFunctions.Http;

/// <summary>
/// What makes two start requests the same request, for the Idempotency-Key (IETF draft "The Idempotency-Key HTTP
/// Header Field": a key reused with a different payload is refused): SHA-256 over the parameters, the callback URL
/// and every image as sent (a file part's bytes, a text value's characters), read in chunks, never copied whole.
/// </summary>
public static class RequestFingerprint
{
    private const int ChunkChars = 16 * 1024;

    public static async Task<string> OfAsync(IncomingVideoRequest incoming, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var request = incoming.Request;
        hash.AppendData(JsonSerializer.SerializeToUtf8Bytes(new { parameters = VideoParameters.WithoutImages(request), callback = request.CallbackUrl }));

        await AppendImageAsync(hash, incoming, InputFields.Image, request.Image, cancellationToken);
        await AppendImageAsync(hash, incoming, InputFields.StaticMask, request.StaticMask, cancellationToken);
        for (var i = 0; i < (request.DynamicMasks?.Count ?? 0); i++)
        {
            await AppendImageAsync(hash, incoming, InputFields.DynamicMask(i), request.DynamicMasks![i].Mask, cancellationToken);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static async Task AppendImageAsync(IncrementalHash hash, IncomingVideoRequest incoming, string field, string? value, CancellationToken cancellationToken)
    {
        hash.AppendData(Encoding.UTF8.GetBytes($"\n{field}:"));
        if (incoming.Files.TryGetValue(field, out var file))
        {
            await using var content = file.OpenReadStream();
            var buffer = new byte[81920];
            int read;
            while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }
        }
        else if (value is not null)
        {
            var bytes = new byte[Encoding.UTF8.GetMaxByteCount(ChunkChars)];
            for (var start = 0; start < value.Length; start += ChunkChars)
            {
                var written = Encoding.UTF8.GetBytes(value.AsSpan(start, Math.Min(ChunkChars, value.Length - start)), bytes);
                hash.AppendData(bytes, 0, written);
            }
        }
    }
}
