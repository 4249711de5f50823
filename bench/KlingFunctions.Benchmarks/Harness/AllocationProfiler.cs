using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace KlingFunctions.Benchmarks.Harness;

/// <summary>
/// A sampling allocation profile by type, from the runtime's GCAllocationTick events (one about every 100 KB
/// allocated, naming the type that crossed the mark): which types carry a request's allocations.
/// </summary>
internal sealed class AllocationProfiler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly ConcurrentDictionary<string, long> bytesByType = new(StringComparer.Ordinal);

    public bool Enabled { get; set; }

    public IReadOnlyList<KeyValuePair<string, long>> Top(int count)
        => [.. bytesByType.OrderByDescending(p => p.Value).Take(count)];

    public void Clear() => bytesByType.Clear();

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!Enabled || eventData.EventName is null || !eventData.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || eventData.PayloadNames is null)
        {
            return;
        }

        var type = Payload(eventData, "TypeName")?.ToString() ?? "?";
        var amount = Payload(eventData, "AllocationAmount64") is { } large ? Convert.ToInt64(large, System.Globalization.CultureInfo.InvariantCulture)
            : Convert.ToInt64(Payload(eventData, "AllocationAmount") ?? 0, System.Globalization.CultureInfo.InvariantCulture);
        bytesByType.AddOrUpdate(type, amount, (_, total) => total + amount);
    }

    private static object? Payload(EventWrittenEventArgs eventData, string name)
    {
        var index = eventData.PayloadNames!.IndexOf(name);
        return index < 0 ? null : eventData.Payload![index];
    }
}
