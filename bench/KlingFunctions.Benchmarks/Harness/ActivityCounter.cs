using System.Collections.Concurrent;

namespace KlingFunctions.Benchmarks.Harness;

/// <summary>
/// Counts and times activity executions by name, from the events DurableTask.Core's worker logs around each one
/// (TaskActivityStarting, then TaskActivityCompleted or TaskActivityFailure), without changing the app. Only those
/// events are kept; every other log line is dropped unformatted.
/// </summary>
internal sealed class ActivityCounter : ILoggerProvider
{
    private const string Category = "DurableTask.Core";

    private readonly ConcurrentDictionary<string, int> counts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<double>> durations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> running = new(StringComparer.Ordinal);

    /// <summary>Adds this counter to the host's logging, at the level those events are logged at.</summary>
    public void AddTo(ILoggingBuilder logging)
    {
        logging.AddProvider(this);
        logging.AddFilter<ActivityCounter>(Category, LogLevel.Information);
    }

    /// <summary>Every execution's duration in milliseconds, by activity name.</summary>
    public IReadOnlyDictionary<string, IReadOnlyCollection<double>> Durations()
        => durations.ToDictionary(p => p.Key, p => (IReadOnlyCollection<double>)[.. p.Value], StringComparer.Ordinal);

    public IReadOnlyDictionary<string, int> Snapshot() => new Dictionary<string, int>(counts, StringComparer.Ordinal);

    public ILogger CreateLogger(string categoryName) => categoryName == Category ? new Listener(this) : Silent.Instance;

    public void Dispose()
    {
    }

    private void Observe(EventId eventId, IReadOnlyDictionary<string, object> values)
    {
        if (values.GetValueOrDefault("Name") is not string name)
        {
            return;
        }

        var execution = $"{values.GetValueOrDefault("InstanceId")}#{values.GetValueOrDefault("TaskEventId")}";
        switch (eventId.Name)
        {
            case "TaskActivityStarting":
                counts.AddOrUpdate(name, 1, static (_, count) => count + 1);
                running[execution] = System.Diagnostics.Stopwatch.GetTimestamp();
                break;
            case "TaskActivityCompleted" or "TaskActivityFailure" when running.TryRemove(execution, out var started):
                durations.GetOrAdd(name, _ => new ConcurrentQueue<double>()).Enqueue(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                break;
        }
    }

    private sealed class Listener(ActivityCounter counter) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (state is IReadOnlyDictionary<string, object> values)
            {
                counter.Observe(eventId, values);
            }
        }
    }

    private sealed class Silent : ILogger
    {
        public static readonly Silent Instance = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => false;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
        }
    }
}
