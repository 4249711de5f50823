using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Threading.Channels;

namespace KlingFunctions.Freepik;

/// <summary>A request as the handler saw it, with the fake clock's time.</summary>
public sealed record RecordedRequest(
    HttpMethod Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, string? Body, DateTimeOffset At);

/// <summary>Answers requests from a script, in order, and records each request (the primary handler in tests).</summary>
public sealed class ScriptedHttpHandler(TimeProvider timeProvider) : HttpMessageHandler
{
    private readonly ConcurrentQueue<Func<CancellationToken, Task<HttpResponseMessage>>> _script = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly Channel<RecordedRequest> _arrivals = Channel.CreateUnbounded<RecordedRequest>();

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public ScriptedHttpHandler Respond(HttpStatusCode status, string? json = null, Action<HttpResponseMessage>? configure = null)
        => Then(_ =>
        {
            var response = new HttpResponseMessage(status);
            if (json is not null)
            {
                response.Content = new StringContent(json, Encoding.UTF8, "application/json");
            }

            configure?.Invoke(response);
            return Task.FromResult(response);
        });

    public ScriptedHttpHandler Throw(Exception exception) => Then(_ => Task.FromException<HttpResponseMessage>(exception));

    /// <summary>Never answers; ends only when the request is cancelled (a timeout or the caller).</summary>
    public ScriptedHttpHandler Hang() => Then(async cancellationToken =>
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        throw new InvalidOperationException("Unreachable: an infinite delay ended without cancellation.");
    });

    public ScriptedHttpHandler Then(Func<CancellationToken, Task<HttpResponseMessage>> step)
    {
        _script.Enqueue(step);
        return this;
    }

    /// <summary>Waits (in real time, bounded) until the next request reaches the handler.</summary>
    public async Task<RecordedRequest> NextRequestAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await _arrivals.Reader.ReadAsync(timeout.Token);
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headers = request.Headers
            .Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            .ToDictionary(header => header.Key, header => string.Join(",", header.Value), StringComparer.OrdinalIgnoreCase);
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var recorded = new RecordedRequest(request.Method, request.RequestUri!, headers, body, timeProvider.GetUtcNow());
        _requests.Enqueue(recorded);
        await _arrivals.Writer.WriteAsync(recorded, cancellationToken);

        if (!_script.TryDequeue(out var step))
        {
            throw new InvalidOperationException($"No scripted answer for request {_requests.Count}: {request.Method} {request.RequestUri}");
        }

        var response = await step(cancellationToken);
        response.RequestMessage = request;
        return response;
    }
}
