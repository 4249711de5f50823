using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Text.RegularExpressions;
using KlingFunctions.Pipelines;

namespace KlingFunctions.Benchmarks.Harness;

/// <summary>
/// Counts the storage requests the Azure SDK sends from this process (the <c>Azure-Core</c> event source's
/// <c>Request</c> event, one per HTTP attempt, retries included), by method and <c>comp</c> operation, with the
/// submit ledger's and the Freepik slots' requests apart; and their bytes, request and response bodies, from the
/// <c>Content-Length</c> headers of the same events (the SDK logs that header's value; headers themselves not counted).
/// </summary>
internal sealed partial class StorageRequestCounter : EventListener
{
    private readonly ConcurrentDictionary<string, int> counts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> bytes = new(StringComparer.Ordinal);

    /// <summary>The key of each attempt sent and not yet answered, by the SDK's request id, so its answer is counted with it.</summary>
    private readonly ConcurrentDictionary<string, string> unanswered = new(StringComparer.Ordinal);

    /// <summary>The key of each attempt answered with a status the SDK retries, until it says it does.</summary>
    private readonly ConcurrentDictionary<string, string> failed = new(StringComparer.Ordinal);

    private readonly ConcurrentQueue<SlowAttempt> slow = new();

    public bool Enabled { get; set; }

    /// <summary>Signs of a slow storage: attempts retried (a failure or a timeout) and answers after more than <see cref="SlowAnswer"/>.</summary>
    public IReadOnlyList<SlowAttempt> Slow() => [.. slow];

    /// <summary>The SDK's own threshold for its <c>ResponseDelay</c> warning.</summary>
    public static readonly TimeSpan SlowAnswer = TimeSpan.FromSeconds(3);

    public IReadOnlyDictionary<string, int> Snapshot() => new Dictionary<string, int>(counts, StringComparer.Ordinal);

    /// <summary>Body bytes sent and received, by the same keys as <see cref="Snapshot"/>.</summary>
    public IReadOnlyDictionary<string, long> Bytes() => new Dictionary<string, long>(bytes, StringComparer.Ordinal);

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Azure-Core")
        {
            EnableEvents(eventSource, EventLevel.Informational);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        // Response and ErrorResponse (requestId, status, reasonPhrase, headers, seconds): the answer to an attempt counted below.
        if (eventData.EventName is "Response" or "ErrorResponse")
        {
            if (eventData.Payload is { Count: >= 5 } answer && answer[0] is string answered && unanswered.TryRemove(answered, out var answeredKey))
            {
                Add(answeredKey, ContentLength(answer[3]));
                if (answer[4] is double seconds && seconds > SlowAnswer.TotalSeconds)
                {
                    slow.Enqueue(new SlowAttempt(DateTimeOffset.UtcNow, answeredKey, seconds, Retried: false));
                }

                // Only the statuses the SDK retries: the line's 412s and 409s are answers, not failures.
                if (eventData.EventName == "ErrorResponse" && answer[1] is 408 or 429 or 500 or 502 or 503 or 504)
                {
                    failed[answered] = answeredKey;
                }
            }

            return;
        }

        // RequestRetrying (requestId, retryNumber, seconds): after an error answer, or after no answer (a timeout).
        if (eventData.EventName == "RequestRetrying" && eventData.Payload is { Count: >= 3 } retrying && retrying[0] is string retried)
        {
            var what = failed.TryRemove(retried, out var failedKey) ? failedKey : unanswered.TryGetValue(retried, out var pendingKey) ? pendingKey : "?";
            slow.Enqueue(new SlowAttempt(DateTimeOffset.UtcNow, what, retrying[2] is double seconds ? seconds : double.NaN, Retried: true));
            return;
        }

        // Request (requestId, method, uri, headers, clientAssembly), once per attempt.
        if (!Enabled || eventData.EventName != "Request" || eventData.Payload is not { Count: >= 3 } payload)
        {
            return;
        }

        var method = payload[1]?.ToString() ?? "?";
        var uri = payload[2]?.ToString() ?? "";
        var parts = uri.Split('?', 2);

        // The DevHost's reader of the pipeline request queue polls it whatever the jobs do: per app, not per job.
        if (parts[0].Contains($"/{PipelineOptions.DefaultRequestQueue}", StringComparison.Ordinal))
        {
            return;
        }
        var comp = parts is [_, var query]
            ? query.Split('&').FirstOrDefault(p => p.StartsWith("comp=", StringComparison.Ordinal))
            : null;
        var key = comp is null ? method : $"{method} {comp}";

        // The submit ledger's blobs ({jobId}/submit-{attempt}.json, SubmitLedger.BlobName) and the Freepik slots'
        // (every blob under freepik-slots/: the pool's freepik-slots/{pool}.json, FreepikSlots, and any below it, as a
        // line, a blob per waiter under freepik-slots/{pool}/line/, and the listings of that prefix) are counted apart.
        var blob = LedgerBlob().IsMatch(parts[0]) ? $"{key} (submit ledger)"
            : parts[0].Contains("/freepik-slots/", StringComparison.Ordinal) || (parts is [_, var listing] && listing.Contains("prefix=freepik-slots", StringComparison.Ordinal)) ? $"{key} (Freepik slots)"
            : key;
        counts.AddOrUpdate(blob, 1, static (_, count) => count + 1);
        Add(blob, payload.Count >= 4 ? ContentLength(payload[3]) : 0);
        if (payload[0] is string requestId)
        {
            unanswered[requestId] = blob;
        }
    }

    private void Add(string key, long count) => bytes.AddOrUpdate(key, static (_, more) => more, static (_, total, more) => total + more, count);

    /// <summary>The <c>Content-Length</c> among the headers as the SDK logs them ("Name:value" lines); 0 without one.</summary>
    private static long ContentLength(object? headers)
        => headers is string text && ContentLengthHeader().Match(text) is { Success: true } match
            ? long.Parse(match.Groups[1].ValueSpan, System.Globalization.CultureInfo.InvariantCulture)
            : 0;

    [GeneratedRegex(@"^Content-Length:\s*([0-9]+)\s*$", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex ContentLengthHeader();

    /// <summary>A storage attempt answered late or retried: when the SDK said so, which request, after how long.</summary>
    public sealed record SlowAttempt(DateTimeOffset At, string Request, double Seconds, bool Retried);

    [GeneratedRegex(@"/submit-[0-9]+\.json$")]
    private static partial Regex LedgerBlob();
}
