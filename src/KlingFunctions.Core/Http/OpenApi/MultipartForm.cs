using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using KlingFunctions.Freepik;
using KlingFunctions.Requests;
using KlingFunctions.Staging;
using Microsoft.OpenApi;

namespace KlingFunctions.Http.OpenApi;

/// <summary>
/// The schema of <c>POST /api/videos</c> as multipart/form-data, derived from what <see cref="IncomingVideoRequestReader"/>
/// accepts: every JSON field of <see cref="VideoRequest"/> as a form field (numbers parsed, <c>dynamic_masks</c> as
/// JSON text), the image fields also as file parts, and <c>dynamic_masks[i].mask</c> file parts.
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
            PatternProperties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
            {
                [$"^{Regex.Escape(InputFields.DynamicMask(0)).Replace("0", "[0-9]+", StringComparison.Ordinal)}$"] = File("A dynamic mask as a file part (JPEG or PNG, the image's aspect ratio); dynamic_masks[i] then needs no mask of its own."),
            },
        };
    }

    /// <summary>The model field: an enum of the catalogue's ids (and null where the schema allows it: the default), one line per model in its description.</summary>
    public static void DescribeModel(OpenApiSchema schema)
    {
        // A JSON null is a null JsonNode.
        schema.Enum = [.. KlingModels.All.Select(model => (JsonNode)JsonValue.Create(model.Id)), .. schema.Type?.HasFlag(JsonSchemaType.Null) == true ? [null!] : Array.Empty<JsonNode>()];
        schema.Description = "The Kling model (default: Freepik:DefaultModel, kling-v2-1-std unless configured; GET /api/models lists each model's fields):\n"
            + string.Join("\n", KlingModels.All.Select(model => $"- {model.Id}: {model.Name}. {model.Description}"));
    }

    private static OpenApiSchema Field(string name)
    {
        if (name == VideoFields.Model)
        {
            var schema = new OpenApiSchema { Type = JsonSchemaType.String };
            DescribeModel(schema);
            return schema;
        }

        if (name is InputFields.Image or InputFields.EndImage or InputFields.StaticMask)
        {
            return new OpenApiSchema
            {
                Description = "A file part (JPEG or PNG), or the same text as in JSON: base64, a data URL or an https URL.",
                OneOf = [File(null), new OpenApiSchema { Type = JsonSchemaType.String }],
            };
        }

        if (IncomingVideoRequestReader.JsonFields.Contains(name))
        {
            return new OpenApiSchema { Type = JsonSchemaType.String, ContentMediaType = ApiDocument.Json, Description = "The JSON array, as text." };
        }

        return new OpenApiSchema
        {
            Type = IncomingVideoRequestReader.NumberFields.Contains(name) ? JsonSchemaType.Number
                : IncomingVideoRequestReader.BooleanFields.Contains(name) ? JsonSchemaType.Boolean
                : JsonSchemaType.String,
        };
    }

    private static OpenApiSchema File(string? description)
        => new() { Type = JsonSchemaType.String, Format = "binary", Description = description };
}
