using System.Buffers;
using System.Text.Json;
using KlingFunctions.Staging;

namespace KlingFunctions.Http;

/// <summary>
/// Takes the image values (<c>image</c>, <c>end_image</c>, <c>static_mask</c>, <c>dynamic_masks[i].mask</c>) out of a JSON start
/// request with a <see cref="Utf8JsonReader"/>, before it is read into a <see cref="Requests.VideoRequest"/>: each
/// string stays where it lies in the body as UTF-8 (unescaped into a pooled buffer only when the caller escaped it,
/// as System.Text.Json's default encoder does with every '+'), and the rest of the body, with <c>null</c> in its place,
/// is read as before. A 10 MB image in base64 so never becomes a 27 MB UTF-16 string.
/// </summary>
internal static class JsonImageValues
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

    /// <summary>The body without its image strings (Others), and those strings by field; null when the body is not valid JSON.</summary>
    /// <param name="rented">Collects the pooled buffers the unescaped values live in; the caller returns them.</param>
    public static (ReadOnlyMemory<byte> Others, Dictionary<string, ReadOnlyMemory<byte>> Images)? Split(ReadOnlyMemory<byte> json, List<byte[]> rented)
    {
        var images = new Dictionary<string, ReadOnlyMemory<byte>>(StringComparer.Ordinal);
        var rest = new ArrayBufferWriter<byte>(Math.Clamp(json.Length, 1, 4096));
        var copied = 0;
        var reader = new Utf8JsonReader(json.Span, ReaderOptions);
        string? field = null;
        var inMasks = false;
        var maskIndex = -1;
        try
        {
            while (reader.Read())
            {
                var depth = reader.CurrentDepth;
                if (inMasks && depth == 2 && reader.TokenType is not (JsonTokenType.EndObject or JsonTokenType.EndArray or JsonTokenType.PropertyName))
                {
                    maskIndex++;
                }

                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName when depth == 1:
                        field = reader.ValueTextEquals(InputFields.Image) ? InputFields.Image
                            : reader.ValueTextEquals(InputFields.EndImage) ? InputFields.EndImage
                            : reader.ValueTextEquals(InputFields.StaticMask) ? InputFields.StaticMask
                            : reader.ValueTextEquals("dynamic_masks"u8) ? "dynamic_masks"
                            : null;
                        continue;
                    case JsonTokenType.PropertyName when depth == 3 && inMasks:
                        field = reader.ValueTextEquals("mask"u8) ? InputFields.DynamicMask(maskIndex) : null;
                        continue;
                    case JsonTokenType.StartArray when depth == 1 && field == "dynamic_masks":
                        inMasks = true;
                        maskIndex = -1;
                        break;
                    case JsonTokenType.EndArray when depth == 1:
                        inMasks = false;
                        break;
                    case JsonTokenType.String when field is not null and not "dynamic_masks" && !images.ContainsKey(field):
                        images[field] = Value(ref reader, json, rented);
                        var start = (int)reader.TokenStartIndex;
                        rest.Write(json.Span[copied..start]);
                        rest.Write("null"u8);
                        copied = (int)reader.BytesConsumed;
                        break;
                }

                field = null;
            }
        }
        catch (JsonException)
        {
            return null;
        }

        rest.Write(json.Span[copied..]);
        return (rest.WrittenMemory, images);
    }

    private static ReadOnlyMemory<byte> Value(ref Utf8JsonReader reader, ReadOnlyMemory<byte> json, List<byte[]> rented)
    {
        if (!reader.ValueIsEscaped)
        {
            return json.Slice((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length);
        }

        var buffer = ImageBuffers.Pool.Rent(reader.ValueSpan.Length);
        rented.Add(buffer);
        return buffer.AsMemory(0, reader.CopyString(buffer));
    }
}
