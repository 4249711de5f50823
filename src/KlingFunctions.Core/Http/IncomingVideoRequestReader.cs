using System.Globalization;
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
    private static readonly HashSet<string> NumberFields = ["cfg_scale"];
    private static readonly HashSet<string> JsonFields = ["dynamic_masks"];

    public async Task<IncomingRead> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var limit = options.Value.MaxRequestBytes;
        if (request.ContentLength > limit)
        {
            return new IncomingRead(null, Problems.TooLarge(limit));
        }

        try
        {
            if (request.HasJsonContentType())
            {
                // Hosts differ in their own body limits (the Functions host allows 100 MB): enforce ours here.
                var read = await VideoRequestReader.ReadAsync(new LimitedReadStream(request.Body, limit), cancellationToken);
                return read.Request is { } json
                    ? new IncomingRead(new IncomingVideoRequest(json, new Dictionary<string, IFormFile>()), null)
                    : new IncomingRead(null, Problems.Validation(read.Errors));
            }

            if (request.HasFormContentType)
            {
                var form = await request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = limit, ValueLengthLimit = (int)Math.Min(limit, int.MaxValue) }, cancellationToken);
                return FromForm(form);
            }
        }
        catch (Exception exception) when (exception is ContentTooLargeException
            || exception is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
        {
            return new IncomingRead(null, Problems.TooLarge(limit));
        }
        catch (InvalidDataException exception)
        {
            // What the form reader throws when a multipart section or the body exceeds its limits.
            return new IncomingRead(null, exception.Message.Contains("limit", StringComparison.OrdinalIgnoreCase)
                ? Problems.TooLarge(limit)
                : Problems.BadRequest($"The multipart body could not be read: {exception.Message}"));
        }

        return new IncomingRead(null, Problems.UnsupportedMediaType(request.ContentType));
    }

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
