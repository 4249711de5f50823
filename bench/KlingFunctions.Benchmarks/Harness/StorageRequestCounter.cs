using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Text.RegularExpressions;
using KlingFunctions.Pipelines;

namespace KlingFunctions.Benchmarks.Harness;

/// <summary>
/// Counts the storage requests the Azure SDK sends from this process (the <c>Azure-Core</c> event source's
/// <c>Request</c> event, one per HTTP attempt, retries included), by method and <c>comp</c> operation, with the
/// submit ledger's and the Freepik slots' requests apart.
/// </summary>
internal sealed partial class StorageRequestCounter : EventListener
{
    private readonly ConcurrentDictionary<string, int> counts = new(StringComparer.Ordinal);

    public bool Enabled { get; set; }

    public IReadOnlyDictionary<string, int> Snapshot() => new Dictionary<string, int>(counts, StringComparer.Ordinal);

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Azure-Core")
        {
            EnableEvents(eventSource, EventLevel.Informational);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
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
        // (freepik-slots/{pool}.json, FreepikSlots) are counted apart.
        var blob = LedgerBlob().IsMatch(parts[0]) ? $"{key} (submit ledger)"
            : parts[0].Contains("/freepik-slots/", StringComparison.Ordinal) ? $"{key} (Freepik slots)"
            : key;
        counts.AddOrUpdate(blob, 1, static (_, count) => count + 1);
    }

    [GeneratedRegex(@"/submit-[0-9]+\.json$")]
    private static partial Regex LedgerBlob();
}
