using System.Diagnostics;

namespace KlingFunctions.Benchmarks.Harness;

/// <summary>What one round of closed-loop load measured.</summary>
/// <param name="AllocatedBytes">Managed bytes the whole process (client and server) allocated during the round.</param>
internal sealed record LoadResult(int Requests, int Failures, TimeSpan Elapsed, IReadOnlyCollection<double> LatenciesMs, long AllocatedBytes)
{
    public double PerSecond => Requests / Elapsed.TotalSeconds;

    public double AllocatedPerRequest => Requests == 0 ? 0 : (double)AllocatedBytes / Requests;
}

/// <summary>
/// Closed-loop load on loopback: <c>concurrency</c> callers, each sending its next request when the last one
/// answered, until the time or the request budget runs out. Latency is measured per request, on the client.
/// </summary>
internal static class LoadGenerator
{
    public static async Task<LoadResult> RunAsync(
        HttpClient client, Func<int, HttpRequestMessage> request, Func<HttpResponseMessage, bool> succeeded,
        int concurrency, TimeSpan duration, int maxRequests, CancellationToken cancellationToken)
    {
        var latencies = new double[maxRequests];
        var next = -1;
        var failures = 0;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: false);
        var started = Stopwatch.GetTimestamp();
        var stopAt = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);

        async Task CallerAsync()
        {
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                var index = Interlocked.Increment(ref next);
                if (index >= maxRequests)
                {
                    return;
                }

                using var message = request(index);
                var sent = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await client.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken);
                    if (!succeeded(response))
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref failures);
                }

                latencies[index] = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
            }
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(CallerAsync, cancellationToken)));
        var elapsed = Stopwatch.GetElapsedTime(started);
        var allocated = GC.GetTotalAllocatedBytes(precise: false) - allocatedBefore;
        var count = Math.Min(Volatile.Read(ref next) + 1, maxRequests);
        return new LoadResult(count, failures, elapsed, latencies[..count], allocated);
    }
}
