using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KlingFunctions.Requests;
using KlingFunctions.Staging;
using KlingFunctions.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace KlingFunctions.Http;

/// <summary>
/// A start request as received: the fields; the images that came as file parts, stored as they arrived; and the
/// images given as text (base64, a data URL or an https URL), as UTF-8 where they lie in the request body.
/// </summary>
public sealed record IncomingVideoRequest(VideoRequest Request, IncomingImages Files, IReadOnlyDictionary<string, ReadOnlyMemory<byte>> Texts);

/// <summary>
/// Either a request to validate, or the answer that ends it (400, 413, 415). Disposing it returns the pooled memory
/// the request body, and so its image texts, live in.
/// </summary>
public sealed class IncomingRead(IncomingVideoRequest? request, IResult? problem, List<byte[]> rented) : IDisposable
{
    public IncomingVideoRequest? Request { get; } = request;

    public IResult? Problem { get; } = problem;

    public void Dispose()
    {
        foreach (var buffer in rented)
        {
            ImageBuffers.Pool.Return(buffer);
        }

        rented.Clear();
    }
}

/// <summary>
/// Reads <c>POST /api/videos</c> as JSON or as multipart/form-data, in one pass over the body: file parts go
/// straight to their blobs (<see cref="IncomingImages"/>), a JSON body is read into pooled memory and its image
/// strings are left there (<see cref="JsonImageValues"/>). Form fields are turned into the same JSON object a JSON
/// caller would send, so both forms are read, typed and reported by one reader.
/// </summary>
public sealed class IncomingVideoRequestReader(IOptions<ApiOptions> options)
{
    private const int FirstBufferBytes = 16 * 1024;
    private const int MultipartBufferBytes = 64 * 1024;
    internal static readonly HashSet<string> NumberFields = [VideoFields.CfgScale];
    internal static readonly HashSet<string> BooleanFields = [VideoFields.GenerateAudio];
    internal static readonly HashSet<string> JsonFields = [VideoFields.DynamicMasks];

    public async Task<IncomingRead> ReadAsync(HttpRequest request, IncomingImages files, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var api = options.Value;
        var rented = new List<byte[]>();
        if (request.HasJsonContentType())
        {
            // A JSON body is held in memory while it is read: its own, smaller limit. Hosts differ in their body
            // limits (the Functions host allows 100 MB), so it is enforced here, while reading too.
            var limit = Math.Min(api.MaxJsonBytes, api.MaxRequestBytes);
            var tooLarge = Problems.TooLarge(limit, "Api:MaxJsonBytes", "send the images as multipart/form-data file parts, or as https URLs");
            if (request.ContentLength > limit)
            {
                return new IncomingRead(null, tooLarge, rented);
            }

            try
            {
                // A large body's image is stored while the body still arrives; a small one's after, in one PUT.
                var streamed = request.ContentLength >= StreamedJsonImage.MinBodyBytes ? files.StreamJsonImage() : null;
                var body = await ReadPooledAsync(new LimitedReadStream(request.Body, limit), request.ContentLength, rented, streamed, cancellationToken);
                return ReadJson(body, files, rented);
            }
            catch (Exception exception) when (IsTooLarge(exception))
            {
                return new IncomingRead(null, tooLarge, rented);
            }
        }

        // multipart/form-data only: an urlencoded form cannot carry file parts (its images would be text fields of at most
        // Api:MaxFieldBytes), and the contract offers JSON for text.
        if (MultipartBoundary(request) is { } boundary)
        {
            if (boundary.Length == 0)
            {
                return new IncomingRead(null, Problems.BadRequest("A multipart/form-data body needs the boundary parameter in its Content-Type."), rented);
            }

            var limit = api.MaxRequestBytes;
            var tooLarge = Problems.TooLarge(limit, "Api:MaxRequestBytes", "pass large images as https URLs");
            if (request.ContentLength > limit)
            {
                return new IncomingRead(null, tooLarge, rented);
            }

            try
            {
                var fields = await ReadMultipartAsync(new LimitedReadStream(request.Body, limit), boundary, files, api, cancellationToken);
                return fields is null
                    ? new IncomingRead(null, FieldTooLarge(api), rented)
                    : FromForm(fields, files, rented);
            }
            catch (Exception exception) when (IsTooLarge(exception))
            {
                return new IncomingRead(null, tooLarge, rented);
            }
            catch (InvalidDataException exception) when (exception.Message.Contains("value length limit", StringComparison.OrdinalIgnoreCase))
            {
                return new IncomingRead(null, FieldTooLarge(api), rented);
            }
            catch (InvalidDataException exception)
            {
                // What the multipart reader throws when a section or the body exceeds its limits, or is malformed.
                return new IncomingRead(null, exception.Message.Contains("limit", StringComparison.OrdinalIgnoreCase)
                    ? tooLarge
                    : Problems.BadRequest($"The multipart body could not be read: {exception.Message}"), rented);
            }
            catch (IOException exception) when (exception is not ContentTooLargeException && !cancellationToken.IsCancellationRequested)
            {
                // The body ended before its closing boundary.
                return new IncomingRead(null, Problems.BadRequest($"The multipart body ended before its closing boundary ({exception.Message.Split(',')[0]}); send it again, whole."), rented);
            }
        }

        return new IncomingRead(null, Problems.UnsupportedMediaType(request.ContentType), rented);
    }

    /// <summary>A JSON start request already in memory (a queue message), read as the body of <c>POST /api/videos</c> is.</summary>
    public static IncomingRead ReadJson(ReadOnlyMemory<byte> json, IncomingImages files) => ReadJson(json, files, []);

    private static IncomingRead ReadJson(ReadOnlyMemory<byte> body, IncomingImages files, List<byte[]> rented)
    {
        var (read, texts) = Read(body, rented);
        return read.Request is { } json
            ? new IncomingRead(new IncomingVideoRequest(json, files, texts), null, rented)
            : new IncomingRead(null, Problems.Validation(read.Errors), rented);
    }

    /// <summary>A field that is not a file part, holding more than a prompt or a URL could: an image sent as text.</summary>
    private static IResult FieldTooLarge(ApiOptions api)
        => Problems.TooLarge(api.MaxFieldBytes, "Api:MaxFieldBytes", "send images as file parts, not as text fields");

    private static bool IsTooLarge(Exception exception)
    {
        // A limit hit while the SDK reads a file part reaches us wrapped.
        for (Exception? current = exception; current is not null; current = current is AggregateException { InnerExceptions.Count: 1 } single ? single.InnerExceptions[0] : current.InnerException)
        {
            if (current is ContentTooLargeException or BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The whole body in one pooled buffer (the limited stream throws past the limit), shown to <paramref name="streamed"/> as it grows.</summary>
    private static async Task<ReadOnlyMemory<byte>> ReadPooledAsync(Stream body, long? declared, List<byte[]> rented, StreamedJsonImage? streamed, CancellationToken cancellationToken)
    {
        var buffer = ImageBuffers.Pool.Rent(declared is > 0 and < int.MaxValue ? (int)declared.Value + 1 : FirstBufferBytes);
        rented.Add(buffer);
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                var larger = ImageBuffers.Pool.Rent(buffer.Length * 2);
                buffer.AsSpan().CopyTo(larger);
                rented.Add(larger);
                buffer = larger;
            }

            var read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                return buffer.AsMemory(0, length);
            }

            length += read;
            if (streamed is not null)
            {
                await streamed.ReceivedAsync(buffer.AsMemory(0, length), cancellationToken);
            }
        }
    }

    /// <summary>Reads a JSON start request with its image strings taken out first, so none becomes a string.</summary>
    private static (VideoRequestReadResult Read, IReadOnlyDictionary<string, ReadOnlyMemory<byte>> Texts) Read(ReadOnlyMemory<byte> json, List<byte[]> rented)
    {
        // Malformed JSON is read whole, so that its error names the same place in the body the caller sent.
        return JsonImageValues.Split(json, rented) is { } split
            ? (VideoRequestReader.Read(split.Others), split.Images)
            : (VideoRequestReader.Read(json), new Dictionary<string, ReadOnlyMemory<byte>>());
    }

    /// <summary>The boundary of a multipart/form-data body ("" when it has none); null for any other media type.</summary>
    private static string? MultipartBoundary(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var boundary = HeaderUtilities.RemoveQuotes(type.Boundary);
        return StringSegment.IsNullOrEmpty(boundary) ? "" : boundary.ToString();
    }

    /// <summary>Each file part to its blob as it arrives; text fields, each up to <c>Api:MaxFieldBytes</c>. Null when one is longer.</summary>
    private static async Task<Dictionary<string, StringValues>?> ReadMultipartAsync(Stream body, string boundary, IncomingImages files, ApiOptions api, CancellationToken cancellationToken)
    {
        // Read in 64 KiB pieces, not the default 4 KiB: a 10 MB file part is 160 reads from Kestrel, not 2,560.
        var reader = new MultipartReader(boundary, body, MultipartBufferBytes) { BodyLengthLimit = api.MaxRequestBytes };
        var fields = new KeyValueAccumulator();
        while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
            {
                throw new InvalidDataException($"Form section has invalid Content-Disposition value: {section.ContentDisposition}");
            }

            var name = HeaderUtilities.RemoveQuotes(disposition.Name).ToString();
            if (disposition.IsFileDisposition())
            {
                await files.AddAsync(name, section.Body, cancellationToken);
                continue;
            }

            // A text field, as the form reader has it: form-data with a name and no file name.
            if (!disposition.IsFormDisposition())
            {
                throw new InvalidDataException($"Form section has invalid Content-Disposition value: {section.ContentDisposition}");
            }

            // Not disposed: that would dispose the section's stream, which the multipart reader still drains.
            var value = new LimitedReadStream(section.Body, api.MaxFieldBytes);
            try
            {
                using var text = new StreamReader(value, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1024, leaveOpen: true);
                fields.Append(name, await text.ReadToEndAsync(cancellationToken));
            }
            catch (ContentTooLargeException) when (value.BytesRead > api.MaxFieldBytes)
            {
                return null;
            }
        }

        return fields.GetResults();
    }

    private static IncomingRead FromForm(Dictionary<string, StringValues> form, IncomingImages files, List<byte[]> rented)
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
                // A value that does not parse stays a string, and the reader reports it as the wrong type.
                body[name] = NumberFields.Contains(name) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? JsonValue.Create(number)
                    : BooleanFields.Contains(name) && bool.TryParse(value, out var flag) ? JsonValue.Create(flag)
                    : JsonValue.Create(value);
            }
        }

        var (read, texts) = Read(JsonSerializer.SerializeToUtf8Bytes(body), rented);
        foreach (var (field, messages) in read.Errors)
        {
            errors[field] = messages;
        }

        return read.Request is { } request && errors.Count == 0
            ? new IncomingRead(new IncomingVideoRequest(request, files, texts), null, rented)
            : new IncomingRead(null, Problems.Validation(errors), rented);
    }
}
