using System.Globalization;
using System.Text.Json.Nodes;
using KlingFunctions.Freepik;
using KlingFunctions.Requests;
using KlingFunctions.Staging;
using Microsoft.OpenApi;

namespace KlingFunctions.Http.OpenApi;

/// <summary>
/// The schema of <c>POST /api/videos</c> as multipart/form-data, derived from what <see cref="IncomingVideoRequestReader"/>
/// accepts: every JSON field of <see cref="VideoRequest"/> as a form field (numbers and booleans parsed,
/// <c>dynamic_masks</c> as JSON text), the image fields also as file parts, and <c>dynamic_masks[i].mask</c> file parts.
/// Written for generators: one schema per field (a file part and a text field are both a string on the wire) and no
/// pattern properties, whose index signature would make every field a string (openapi-typescript could not type
/// <c>cfg_scale: 0.5</c>).
/// </summary>
internal static class MultipartForm
{
    public static OpenApiSchema Schema()
    {
        var properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
        foreach (var property in VideoRequestReader.SerializerOptions.GetTypeInfo(typeof(VideoRequest)).Properties)
        {
            properties[property.Name] = Field(property.Name);
        }

        return new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Properties = properties,
            Description = $"The JSON body's fields as form fields. A dynamic mask may come as a file part named {InputFields.DynamicMask(0)} (for dynamic_masks[0]; and so on), which then needs no mask in dynamic_masks.",
        };
    }

    /// <summary>The model field: an enum of the catalogue's ids, one line per model in its description.</summary>
    public static void DescribeModel(OpenApiSchema schema)
    {
        SetEnum(schema, KlingModels.All.Select(model => model.Id));
        schema.Description = "The Kling model (default: Freepik:DefaultModel, kling-v2-1-std unless configured; GET /api/models lists each model's fields):\n"
            + string.Join("\n", KlingModels.All.Select(model => $"- {model.Id}: {model.Name}. {model.Description}"));
    }

    /// <summary>The duration field: every model's values ("5" and "10" on most, "3" to "15" on Kling 3).</summary>
    public static void DescribeDuration(OpenApiSchema schema)
    {
        SetEnum(schema, KlingModels.All.SelectMany(model => model.Field(VideoFields.Duration)?.Enum ?? []).Distinct().OrderBy(seconds => int.Parse(seconds, CultureInfo.InvariantCulture)));
        schema.Description = "Seconds, as a string; each model takes its own values (GET /api/models); without one, the model's default (\"5\").";
    }

    /// <summary><paramref name="values"/> as the schema's enum, and null too where the schema allows it (no value: the default).</summary>
    private static void SetEnum(OpenApiSchema schema, IEnumerable<string> values)
        // A JSON null is a null JsonNode.
        => schema.Enum = [.. values.Select(value => (JsonNode)JsonValue.Create(value)), .. schema.Type?.HasFlag(JsonSchemaType.Null) == true ? [null!] : Array.Empty<JsonNode>()];

    private static OpenApiSchema Field(string name)
    {
        if (InputFields.IsImageField(name))
        {
            return new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Format = "binary",
                Description = "A file part (JPEG or PNG), or a text field with what JSON takes: base64, a data URL or an https URL.",
            };
        }

        if (IncomingVideoRequestReader.JsonFields.Contains(name))
        {
            return new OpenApiSchema { Type = JsonSchemaType.String, ContentMediaType = ApiDocument.Json, Description = "The JSON array, as text." };
        }

        var schema = new OpenApiSchema
        {
            Type = IncomingVideoRequestReader.NumberFields.Contains(name) ? JsonSchemaType.Number
                : IncomingVideoRequestReader.BooleanFields.Contains(name) ? JsonSchemaType.Boolean
                : JsonSchemaType.String,
        };
        if (name == VideoFields.Model)
        {
            DescribeModel(schema);
        }
        else if (name == VideoFields.Duration)
        {
            DescribeDuration(schema);
        }

        return schema;
    }
}
