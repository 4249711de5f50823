using Microsoft.Extensions.Http.Logging;
using Microsoft.Extensions.Logging;

namespace KlingFunctions.Freepik;

/// <summary>
/// Logs each attempt of a Freepik call by method, path and status code, and never its headers. It replaces
/// HttpClientFactory's default loggers: their Trace header logs redact the value in the message text, but hand the
/// raw header values (the API key) to structured logging providers as state.
/// </summary>
internal sealed class FreepikRequestLogger(ILogger<FreepikRequestLogger> logger) : IHttpClientLogger
{
    public object? LogRequestStart(HttpRequestMessage request)
    {
        logger.LogDebug("Sending {Method} {Path} to Freepik", request.Method, request.RequestUri?.AbsolutePath);
        return null;
    }

    public void LogRequestStop(object? context, HttpRequestMessage request, HttpResponseMessage response, TimeSpan elapsed)
        => logger.LogDebug(
            "Freepik answered {Method} {Path} with {StatusCode} after {ElapsedMilliseconds} ms",
            request.Method, request.RequestUri?.AbsolutePath, (int)response.StatusCode, elapsed.TotalMilliseconds);

    public void LogRequestFailed(
        object? context, HttpRequestMessage request, HttpResponseMessage? response, Exception exception, TimeSpan elapsed)
        => logger.LogDebug(
            exception,
            "Freepik {Method} {Path} failed after {ElapsedMilliseconds} ms",
            request.Method, request.RequestUri?.AbsolutePath, elapsed.TotalMilliseconds);
}
