using System.Buffers.Text;
using System.Text.Json;
using KlingFunctions.Workflow;
using Microsoft.AspNetCore.Http;

namespace KlingFunctions.Http;

/// <summary>The query of <c>GET /api/videos?status=&amp;top=&amp;continuationToken=</c>, read and checked.</summary>
public sealed record JobListRequest(JobStatus? Status, int Top, JobListCursor? After)
{
    public const int DefaultTop = 20;
    public const int MaxTop = 100;

    public const string StatusParameter = "status";
    public const string TopParameter = "top";
    public const string ContinuationTokenParameter = "continuationToken";

    /// <summary>The request, or the field errors of a 400 (each parameter named as the caller spelled it).</summary>
    public static (JobListRequest? Request, Dictionary<string, string[]> Errors) Read(IQueryCollection query)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);

        JobStatus? status = null;
        if (Single(query, StatusParameter, errors) is { Length: > 0 } statusText)
        {
            if (Enum.GetValues<JobStatus>().Where(value => value.ToString().Equals(statusText, StringComparison.OrdinalIgnoreCase)).Select(value => (JobStatus?)value).FirstOrDefault() is { } named)
            {
                status = named;
            }
            else
            {
                errors[StatusParameter] = [$"must be one of {string.Join(", ", Enum.GetNames<JobStatus>())}."];
            }
        }

        var top = DefaultTop;
        if (Single(query, TopParameter, errors) is { Length: > 0 } topText
            && !(int.TryParse(topText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out top) && top is >= 1 and <= MaxTop))
        {
            errors[TopParameter] = [$"must be a whole number from 1 to {MaxTop} (default {DefaultTop})."];
        }

        JobListCursor? after = null;
        if (Single(query, ContinuationTokenParameter, errors) is { Length: > 0 } token && (after = Decode(token)) is null)
        {
            errors[ContinuationTokenParameter] = ["is not a continuationToken this API gave; start again without one."];
        }

        return errors.Count > 0 ? (null, errors) : (new JobListRequest(status, top, after), errors);
    }

    /// <summary>The cursor as an opaque, URL-safe token.</summary>
    public static string Encode(JobListCursor cursor)
        => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new Token(cursor.CreatedAt.UtcTicks, cursor.JobId, Math.Max(1, (long)Math.Ceiling(cursor.Span.TotalSeconds)))));

    private static JobListCursor? Decode(string token)
    {
        try
        {
            var read = token.Length <= 512 ? JsonSerializer.Deserialize<Token>(Base64Url.DecodeFromChars(token)) : null;
            return read is { Id: { } id } && JobIds.IsWellFormed(id) && read.Ticks is > 0 && read.Ticks <= DateTimeOffset.MaxValue.UtcTicks && read.Span is > 0 and < 1_000_000_000
                ? new JobListCursor(new DateTimeOffset(read.Ticks, TimeSpan.Zero), id, TimeSpan.FromSeconds(read.Span))
                : null;
        }
        catch (Exception exception) when (exception is FormatException or JsonException)
        {
            return null;
        }
    }

    private static string? Single(IQueryCollection query, string name, Dictionary<string, string[]> errors)
    {
        var values = query[name];
        if (values.Count > 1)
        {
            errors[name] = ["must be given once."];
            return null;
        }

        return values.Count == 1 ? values[0]!.Trim() : null;
    }

    /// <summary>The token's content: when the last job of the page was recorded, its id, and the window that found it.</summary>
    private sealed record Token(long Ticks, string? Id, long Span);
}
