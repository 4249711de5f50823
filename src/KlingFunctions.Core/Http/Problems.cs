using System.Globalization;
using KlingFunctions.Storage;
using KlingFunctions.Workflow;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace KlingFunctions.Http;

/// <summary>The API's RFC 9457 problem answers, so every host answers errors the same way.</summary>
public static class Problems
{
    /// <summary>The extension of a 429 that says when to try again (the time of its <c>Retry-After</c>).</summary>
    public const string RetryAt = "retryAt";

    public static IResult Validation(IReadOnlyDictionary<string, string[]> errors)
        => TypedResults.ValidationProblem(errors, title: "The request is not valid.", detail: "Nothing was submitted to Freepik; fix the fields named in 'errors'.");

    public static IResult Validation(string field, string message)
        => Validation(new Dictionary<string, string[]> { [field] = [message] });

    public static IResult JobNotFound(string id)
        => Problem(StatusCodes.Status404NotFound, "No such job.", $"There is no video job with id '{Clip(id)}'.");

    public static IResult AlreadyFinished(string id, string status)
        => Problem(StatusCodes.Status409Conflict, "The job has already finished.", $"Job '{id}' is {status} and cannot be canceled.");

    /// <summary>413, naming the limit that was hit (<paramref name="setting"/>) and the way around it.</summary>
    public static IResult TooLarge(long limit, string setting, string instead)
        => Problem(StatusCodes.Status413PayloadTooLarge, "The request is too large.", $"This is limited to {limit} bytes ({setting}); {instead}.");

    /// <summary>422, as the IETF Idempotency-Key draft has it for a key reused with a different request.</summary>
    public static IResult IdempotencyKeyReused(string jobId)
        => Problem(StatusCodes.Status422UnprocessableEntity, "The Idempotency-Key was used with a different request.", $"This key belongs to job '{jobId}', which was started with another request; use a new key for a new request.");

    /// <summary>
    /// 429 with <c>Retry-After</c> at the next UTC midnight, when the count starts again: the spend guard
    /// (<c>Freepik:DailyCreateLimit</c>) has no create left today. <c>code</c> is the job error code of the same cause.
    /// </summary>
    public static IResult DailyLimitReached(DailyUsage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        var problem = TypedResults.Problem(
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "The day's Freepik creates are used up.",
            detail: string.Create(CultureInfo.InvariantCulture, $"{usage.Used} of {usage.Limit} Freepik creates were made on {usage.Day:yyyy-MM-dd} (UTC; Freepik:DailyCreateLimit), so no job starts before {usage.ResetsAt:yyyy-MM-dd'T'HH:mm:ss'Z'}. Nothing was stored or paid."),
            extensions: new Dictionary<string, object?>
            {
                ["code"] = JobErrorCodes.DailyLimitReached,
                ["day"] = usage.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["limit"] = usage.Limit,
                ["used"] = usage.Used,
                [RetryAt] = usage.ResetsAt,
            });
        return new RetryLater(problem, usage.ResetsAt);
    }

    public static IResult UnsupportedMediaType(string? contentType)
        => Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type.", $"Send application/json or multipart/form-data, not '{Clip(contentType ?? "none")}'.");

    public static IResult Unauthorized(string detail)
        => Problem(StatusCodes.Status401Unauthorized, "The webhook could not be verified.", detail);

    public static IResult BadRequest(string detail)
        => Problem(StatusCodes.Status400BadRequest, "The request is malformed.", detail);

    private static ProblemHttpResult Problem(int status, string title, string detail)
        => TypedResults.Problem(statusCode: status, title: title, detail: detail);

    private static string Clip(string value) => value.Length <= 64 ? value : value[..64] + "…";

    /// <summary>A problem answered with <c>Retry-After</c> (an HTTP date); still readable as the problem it carries.</summary>
    private sealed class RetryLater(ProblemHttpResult problem, DateTimeOffset retryAt) : IResult, IValueHttpResult, IStatusCodeHttpResult
    {
        public object? Value => problem.ProblemDetails;

        public int? StatusCode => problem.StatusCode;

        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers[HeaderNames.RetryAfter] = retryAt.ToString("R", CultureInfo.InvariantCulture);
            return problem.ExecuteAsync(httpContext);
        }
    }
}
