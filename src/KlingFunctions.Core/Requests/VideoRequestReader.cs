using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace KlingFunctions.Requests;

/// <summary>
/// Reads a JSON body into a <see cref="VideoRequest"/>. Malformed JSON and values of the wrong type become
/// field → messages errors (all of them, not just the first), never exceptions. Names are case-sensitive,
/// unknown properties are ignored, except <c>webhook_url</c>, which is ours to set.
/// </summary>
public static class VideoRequestReader
{
    /// <summary>The serializer options for request bodies: exact, case-sensitive names; no duplicate properties.</summary>
    public static JsonSerializerOptions SerializerOptions { get; } = CreateOptions();

    private static readonly JsonDocumentOptions DocumentOptions = new() { AllowDuplicateProperties = false };

    public static async Task<VideoRequestReadResult> ReadAsync(Stream body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            using var document = await JsonDocument.ParseAsync(body, DocumentOptions, cancellationToken);
            return Read(document);
        }
        catch (JsonException exception)
        {
            return NotJson(exception);
        }
    }

    public static VideoRequestReadResult Read(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body, DocumentOptions);
            return Read(document);
        }
        catch (JsonException exception)
        {
            return NotJson(exception);
        }
    }

    private static VideoRequestReadResult Read(JsonDocument document)
    {
        var errors = new RequestErrors();
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors.Add(RequestErrors.Body, $"The body must be a JSON object; got {Describe(root)}.");
            return new VideoRequestReadResult(null, errors.Errors);
        }

        if (root.TryGetProperty("webhook_url", out _))
        {
            errors.Add("webhook_url", "webhook_url cannot be set: this service sets it to its own webhook endpoint. Use callback_url to be told when the video is done.");
        }

        CheckObject(root, SerializerOptions.GetTypeInfo(typeof(VideoRequest)), path: "", errors);
        return errors.IsValid
            ? new VideoRequestReadResult(root.Deserialize<VideoRequest>(SerializerOptions), errors.Errors)
            : new VideoRequestReadResult(null, errors.Errors);
    }

    // Checks types against the model's own serialization metadata, so every mismatch is reported at once
    // (the serializer stops at the first) and the deserialization that follows cannot fail.
    private static void CheckObject(JsonElement element, JsonTypeInfo typeInfo, string path, RequestErrors errors)
    {
        foreach (var property in element.EnumerateObject())
        {
            var info = typeInfo.Properties.FirstOrDefault(p => p.Name == property.Name);
            // null means "not given" for every field; whether a field is required is the validator's call.
            if (info is not null && property.Value.ValueKind != JsonValueKind.Null)
            {
                var field = path.Length == 0 ? property.Name : $"{path}.{property.Name}";
                CheckValue(property.Value, SerializerOptions.GetTypeInfo(info.PropertyType), field, errors);
            }
        }
    }

    private static void CheckValue(JsonElement element, JsonTypeInfo typeInfo, string field, RequestErrors errors)
    {
        var (matches, expected) = typeInfo.Kind switch
        {
            JsonTypeInfoKind.Object => (element.ValueKind == JsonValueKind.Object, "an object"),
            JsonTypeInfoKind.Enumerable => (element.ValueKind == JsonValueKind.Array, "an array"),
            _ => CheckPrimitive(element, Nullable.GetUnderlyingType(typeInfo.Type) ?? typeInfo.Type),
        };

        if (!matches)
        {
            errors.Add(field, $"{field} must be {expected}; got {Describe(element)}.");
        }
        else if (typeInfo.Kind == JsonTypeInfoKind.Object)
        {
            CheckObject(element, typeInfo, field, errors);
        }
        else if (typeInfo.Kind == JsonTypeInfoKind.Enumerable)
        {
            var itemInfo = SerializerOptions.GetTypeInfo(typeInfo.ElementType!);
            var index = 0;
            foreach (var item in element.EnumerateArray())
            {
                CheckValue(item, itemInfo, $"{field}[{index++}]", errors);
            }
        }
    }

    private static (bool Matches, string Expected) CheckPrimitive(JsonElement element, Type type)
        => type == typeof(string) ? (element.ValueKind == JsonValueKind.String, "a string")
            : type == typeof(int) ? (element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out _), "an integer")
            : type == typeof(double) ? (element.ValueKind == JsonValueKind.Number && element.TryGetDouble(out _), "a number")
            : type == typeof(bool) ? (element.ValueKind is JsonValueKind.True or JsonValueKind.False, "true or false")
            : throw new NotSupportedException($"VideoRequest has a property of type {type}, which the reader cannot check.");

    private static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string {Excerpt.Of(element.GetString()!)}",
        JsonValueKind.Number => Excerpt.Raw(element.GetRawText()),
        _ => element.GetRawText(),
    };

    private static VideoRequestReadResult NotJson(JsonException exception)
    {
        var errors = new RequestErrors();
        // The first sentence of the parser's message says what is wrong ("'}' is an invalid start of a value");
        // the rest advises on reader options the caller cannot change. Its positions are 0-based.
        var reason = exception.Message.Split(". ", 2)[0].Split(" LineNumber:", 2)[0].Trim().TrimEnd('.');
        var where = exception is { LineNumber: { } line, BytePositionInLine: { } position }
            ? string.Create(CultureInfo.InvariantCulture, $" (line {line + 1}, byte {position + 1})")
            : "";
        errors.Add(RequestErrors.Body, $"The body is not valid JSON: {reason}{where}.");
        return new VideoRequestReadResult(null, errors.Errors);
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.General)
        {
            AllowDuplicateProperties = false,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        };
        options.MakeReadOnly();
        return options;
    }
}
