using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using KlingFunctions.Http;

namespace KlingFunctions.Pipelines;

/// <summary>
/// One queue message read as a start request: its JSON body, the idempotency key its job is started under, and the
/// text to put back on the queue to try it again (the same request under the same key).
/// </summary>
/// <remarks>
/// Producers send either encoding, and both are read: base64 of the JSON (what the Functions host reads by default, and
/// .NET producers with <c>QueueMessageEncoding.Base64</c>), or the JSON text itself (what <c>@azure/storage-queue</c> for
/// JavaScript, the Python SDK and <c>az storage message put</c> send unless told otherwise). A JSON object never reads as
/// base64 (<c>{</c> and <c>"</c> are not in its alphabet), so the two cannot be mistaken for each other.
/// </remarks>
public sealed record QueuedRequest(ReadOnlyMemory<byte> Json, string IdempotencyKey, string? IdempotencyKeyError, string Resendable)
{
    public const string IdempotencyKeyField = "idempotency_key";

    /// <summary>The key of a message without an <c>idempotency_key</c>: its own id, so a message delivered twice makes one job.</summary>
    public static string MessageKey(string messageId) => $"queue-message:{messageId}";

    public static QueuedRequest Read(string messageText, string messageId)
    {
        ArgumentNullException.ThrowIfNull(messageText);
        var json = Decode(messageText);
        var key = MessageKey(messageId);
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(json);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            // Not JSON (or not UTF-8): the starter says so, as for an HTTP body.
            return new QueuedRequest(json, key, null, AsText(json, messageText));
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return new QueuedRequest(json, key, null, AsText(json, messageText));
        }

        var text = Encoding.UTF8.GetString(json.Span);
        if (!root.TryGetProperty(IdempotencyKeyField, out var given))
        {
            // The copy to put back names the key this delivery used, so that it reaches the same job, not a second one.
            return new QueuedRequest(json, key, null, WithKey(text, key));
        }

        key = given.ValueKind == JsonValueKind.String ? given.GetString()! : "";
        var error = key.Length == 0 ? "must be a non-empty string."
            : key.Length > JobIds.MaxIdempotencyKeyLength ? JobIds.KeyTooLong
            : null;
        return new QueuedRequest(json, key, error, text);
    }

    /// <summary>The message's bytes: base64-decoded when the whole text is base64, else the text's UTF-8.</summary>
    internal static ReadOnlyMemory<byte> Decode(string messageText)
    {
        var trimmed = messageText.AsSpan().Trim();
        if (trimmed.Length > 0 && Base64.IsValid(trimmed, out var length))
        {
            var bytes = new byte[length];
            if (Convert.TryFromBase64Chars(trimmed, bytes, out var written))
            {
                return bytes.AsMemory(0, written);
            }
        }

        return Encoding.UTF8.GetBytes(messageText);
    }

    /// <summary>What a message that is no request decoded to, readable when it is text; else the message as received.</summary>
    private static string AsText(ReadOnlyMemory<byte> decoded, string messageText)
    {
        try
        {
            return Strict.GetString(decoded.Span);
        }
        catch (DecoderFallbackException)
        {
            return messageText;
        }
    }

    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary><paramref name="json"/>, an object, with <c>"idempotency_key"</c> as its first property; the rest as it was.</summary>
    private static string WithKey(string json, string key)
    {
        var open = json.IndexOf('{', StringComparison.Ordinal);
        var empty = json.AsSpan(open + 1).TrimStart().StartsWith("}", StringComparison.Ordinal);
        var property = $"\"{IdempotencyKeyField}\":{JsonSerializer.Serialize(key, ApiJson.Options)}{(empty ? "" : ",")}";
        return json.Insert(open + 1, property);
    }
}
