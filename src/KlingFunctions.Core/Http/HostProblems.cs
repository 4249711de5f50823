using System.Diagnostics;
using System.Net.Sockets;
using Azure;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;

namespace KlingFunctions.Http;

/// <summary>
/// The problem answers no endpoint writes: a status that routing or a host limit set without a body (an unknown route,
/// a method a route does not take, a body over the server's limit) and an exception nobody caught. Both hosts answer
/// them as RFC 9457 problems with a title and what to do, as every other error: the DevHost from its status-code pages
/// and exception handler, the Functions app from its worker middleware.
/// </summary>
public static class HostProblems
{
    public const string ReferenceHint = "GET /api/openapi.json lists the API's routes and methods.";

    /// <summary>The problem for a response that has a status and no body.</summary>
    public static IResult ForStatus(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        var status = context.Response.StatusCode;
        var route = $"{request.Method} {request.Path}";
        return status switch
        {
            StatusCodes.Status400BadRequest => Problems.BadRequest($"'{route}' could not be read as an HTTP request of this API. {ReferenceHint}"),
            StatusCodes.Status404NotFound => Problem(status, "No such route.", $"'{route}' is not a route of this API (they are all under /api). {ReferenceHint}"),
            StatusCodes.Status405MethodNotAllowed => Problem(status, "Method not allowed.", $"{request.Path} does not take {request.Method}; it takes {context.Response.Headers.Allow}. {ReferenceHint}"),
            StatusCodes.Status413PayloadTooLarge => Problem(status, "The request is too large.", "The body is larger than this host accepts (Api:MaxRequestBytes); pass large images as https URLs."),
            StatusCodes.Status415UnsupportedMediaType => Problems.UnsupportedMediaType(request.ContentType),
            StatusCodes.Status429TooManyRequests => Problem(status, "Too many requests.", "The host is at its limit of requests in progress; send the request again after a pause (Retry-After, when given)."),
            >= 500 => Problem(status, ReasonPhrases.GetReasonPhrase(status), Unexpected(context)),
            _ => Problem(status, ReasonPhrases.GetReasonPhrase(status), ReferenceHint),
        };
    }

    /// <summary>
    /// The problem for an exception nobody caught: 503 when a service the API depends on (storage, the Durable engine)
    /// did not answer, so that the caller tries again; a body the client cut short is 400; anything else 500.
    /// </summary>
    public static IResult ForException(Exception exception, HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (exception is BadHttpRequestException bad)
        {
            // Kestrel's own: a body cut short, a malformed chunk, a body over its limit.
            return bad.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? Problem(bad.StatusCode, "The request is too large.", "The body is larger than this host accepts (Api:MaxRequestBytes); pass large images as https URLs.")
                : Problems.BadRequest($"The request could not be read: {bad.Message} Send it again, whole.");
        }

        return IsUnavailable(exception)
            ? Problem(StatusCodes.Status503ServiceUnavailable, "A service this API depends on is unavailable.", $"Storage or the Durable engine did not answer. Send the request again in a few seconds (a start sent again with the same Idempotency-Key never makes a second job). {Trace(context)}")
            : Problem(StatusCodes.Status500InternalServerError, "The request failed unexpectedly.", Unexpected(context));
    }

    /// <summary>Storage or the engine unreachable, or answering with a server error, through its clients' own retries.</summary>
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsUnavailable),
        RequestFailedException failed => failed.Status is 0 or 408 or 429 or >= 500,
        // The Functions host's Durable sidecar answers a storage failure behind it as Unknown (a read: "Exception was thrown
        // by handler") or Internal (a start: "Failed to start instanceId … due to internal exception"), as seen under the
        // real host with its storage stopped.
        RpcException rpc => rpc.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted or StatusCode.Unknown or StatusCode.Internal,
        HttpRequestException or SocketException or TimeoutException => true,
        _ => exception.InnerException is { } inner && IsUnavailable(inner),
    };

    private static string Unexpected(HttpContext context)
        => $"Something failed on our side; the logs have the details. Send the request again; if it keeps failing, report it. {Trace(context)}";

    private static string Trace(HttpContext context) => $"Trace id: {Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier}.";

    private static ProblemHttpResult Problem(int status, string title, string detail) => TypedResults.Problem(statusCode: status, title: title, detail: detail);
}
