using System.Text.Json.Nodes;
using KlingFunctions.Requests;
using KlingFunctions.Staging;
using Microsoft.OpenApi;

namespace KlingFunctions.Http.OpenApi;

/// <summary>
/// The schema of <c>POST /api/videos</c> as multipart/form-data, derived from what <see cref="IncomingVideoRequestReader"/>
/// accepts: every JSON field of <see cref="VideoRequest"/> as a form field (numbers parsed, <c>dynamic_masks</c> as
/// JSON text), the image fields also as file parts, and <c>dynamic_masks[i].mask</c> file parts. Written for generators:
/// one schema per field (a file part and a text field are both a string on the wire) and no pattern properties, whose
/// index signature would make every field a string (openapi-typescript could not type <c>cfg_scale: 0.5</c>).
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
            Required = new HashSet<string>(StringComparer.Ordinal) { InputFields.Image },
            Properties = properties,
            Description = $"The JSON body's fields as form fields. A dynamic mask may come as a file part named {InputFields.DynamicMask(0)} (for dynamic_masks[0]; and so on), which then needs no mask in dynamic_masks.",
        };
    }

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

        return new OpenApiSchema
        {
            Type = IncomingVideoRequestReader.NumberFields.Contains(name) ? JsonSchemaType.Number : JsonSchemaType.String,
            Enum = name == "duration" ? [.. VideoRequestValidator.Durations.Select(value => (JsonNode)JsonValue.Create(value))] : null,
        };
    }
}
