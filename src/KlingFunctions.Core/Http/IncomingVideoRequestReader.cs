using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KlingFunctions.Requests;
using KlingFunctions.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace KlingFunctions.Http;

/// <summary>A start request as received: the fields, and the images that came as file parts.</summary>
public sealed record IncomingVideoRequest(VideoRequest Request, IReadOnlyDictionary<string, IFormFile> Files);

/// <summary>Either a request to validate, or the answer that ends it (400, 413, 415).</summary>
public sealed record IncomingRead(IncomingVideoRequest? Request, IResult? Problem);

/// <summary>
/// Reads <c>POST /api/videos</c> as JSON or as multipart/form-data. Form fields are turned into the same JSON
/// object a JSON caller would send, so both forms are read, typed and reported by one reader.
/// </summary>
public sealed class IncomingVideoRequestReader(IOptions<ApiOptions> options)
{
    internal static readonly HashSet<string> NumberFields = ["cfg_scale"];
    internal static readonly HashSet<string> JsonFields = ["dynamic_masks"];

    public async Task<IncomingRead> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var api = options.Value;
        if (request.HasJsonContentType())
        {
            // A JSON body is held in memory while it is read: its own, smaller limit. Hosts differ in their body
            // limits (the Functions host allows 100 MB), so it is enforced here, while reading too.
            var limit = Math.Min(api.MaxJsonBytes, api.MaxRequestBytes);
            var tooLarge = Problems.TooLarge(limit, "Api:MaxJsonBytes", "send the images as multipart/form-data file parts, or as https URLs");
            if (request.ContentLength > limit)
            {
                return new IncomingRead(null, tooLarge);
            }

            try
            {
                var read = await VideoRequestReader.ReadAsync(new LimitedReadStream(request.Body, limit), cancellationToken);
                return read.Request is { } json
                    ? new IncomingRead(new IncomingVideoRequest(json, new Dictionary<string, IFormFile>()), null)
                    : new IncomingRead(null, Problems.Validation(read.Errors));
            }
            catch (Exception exception) when (IsTooLarge(exception))
            {
                return new IncomingRead(null, tooLarge);
            }
        }

        if (request.HasFormContentType)
        {
            var limit = api.MaxRequestBytes;
            var tooLarge = Problems.TooLarge(limit, "Api:MaxRequestBytes", "pass large images as https URLs");
            if (request.ContentLength > limit)
            {
                return new IncomingRead(null, tooLarge);
            }

            try
            {
                var form = await request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = limit, ValueLengthLimit = api.MaxFieldBytes }, cancellationToken);

                // The form reader applies its value limit to url-encoded forms only, not to multipart text fields.
                return form.Any(field => Encoding.UTF8.GetByteCount(field.Value.ToString()) > api.MaxFieldBytes)
                    ? new IncomingRead(null, FieldTooLarge(api))
                    : FromForm(form);
            }
            catch (Exception exception) when (IsTooLarge(exception))
            {
                return new IncomingRead(null, tooLarge);
            }
            catch (InvalidDataException exception) when (exception.Message.Contains("value length limit", StringComparison.OrdinalIgnoreCase))
            {
                return new IncomingRead(null, FieldTooLarge(api));
            }
            catch (InvalidDataException exception)
            {
                // What the form reader throws when a multipart section or the body exceeds its limits, or is malformed.
                return new IncomingRead(null, exception.Message.Contains("limit", StringComparison.OrdinalIgnoreCase)
                    ? tooLarge
                    : Problems.BadRequest($"The multipart body could not be read: {exception.Message}"));
            }
        }

        return new IncomingRead(null, Problems.UnsupportedMediaType(request.ContentType));
    }

    /// <summary>A field that is not a file part, holding more than a prompt or a URL could: an image sent as text.</summary>
    private static IResult FieldTooLarge(ApiOptions api)
        => Problems.TooLarge(api.MaxFieldBytes, "Api:MaxFieldBytes", "send images as file parts, not as text fields");

    private static bool IsTooLarge(Exception exception)
        => exception is ContentTooLargeException or BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge };

    private static IncomingRead FromForm(IFormCollection form)
    {
        var body = new JsonObject();
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (name, values) in form)
        {
            var value = values.ToString();
            if (JsonFields.Contains(name))
            {
                try
                {
                    body[name] = JsonNode.Parse(value);
                }
                catch (JsonException)
                {
                    errors[name] = ["must be a JSON array, e.g. [{\"mask\":\"https://…\",\"trajectories\":[{\"x\":1,\"y\":2}]}]."];
                }
            }
            else
            {
                body[name] = NumberFields.Contains(name) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                    ? JsonValue.Create(number)
                    : JsonValue.Create(value);
            }
        }

        var read = VideoRequestReader.Read(JsonSerializer.SerializeToUtf8Bytes(body));
        foreach (var (field, messages) in read.Errors)
        {
            errors[field] = messages;
        }

        return read.Request is { } request && errors.Count == 0
            ? new IncomingRead(new IncomingVideoRequest(request, form.Files.Where(f => f.Length > 0).GroupBy(f => f.Name).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal)), null)
            : new IncomingRead(null, Problems.Validation(errors));
    }
}
