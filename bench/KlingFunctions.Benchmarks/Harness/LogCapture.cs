using System.Collections.Concurrent;

namespace KlingFunctions.Benchmarks.Harness;

/// <summary>One log event the benchmark reads back: when it happened and its named values.</summary>
internal sealed record CapturedLog(DateTimeOffset At, string Template, IReadOnlyDictionary<string, string?> Values);

/// <summary>
/// A logger provider that keeps the few events a benchmark times (by message template) and counts warnings and
/// errors, instead of writing every line to the console, which at benchmark rates would cost more than the work.
/// </summary>
internal sealed class LogCapture(params string[] templates) : ILoggerProvider
{
    private readonly HashSet<string> wanted = new(templates, StringComparer.Ordinal);
    private readonly ConcurrentQueue<CapturedLog> captured = new();
    private readonly ConcurrentQueue<string> problems = new();
    private int problemCount;

    public IReadOnlyCollection<CapturedLog> Captured => captured;

    public int ProblemCount => Volatile.Read(ref problemCount);

    /// <summary>The first few warnings and errors, to print when something went wrong.</summary>
    public IEnumerable<string> FirstProblems => problems;

    /// <summary>Forgets the warnings so far (the DevHost's start-up ones, e.g. that it uses the simulator).</summary>
    public void ForgetProblems()
    {
        problems.Clear();
        Interlocked.Exchange(ref problemCount, 0);
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Write(string category, LogLevel level, object? state, Exception? exception, Func<string> message)
    {
        if (level >= LogLevel.Warning)
        {
            if (Interlocked.Increment(ref problemCount) <= 5)
            {
                problems.Enqueue($"{level} {category}: {message()} {exception?.Message}");
            }

            return;
        }

        if (state is IReadOnlyList<KeyValuePair<string, object?>> values
            && values.FirstOrDefault(v => v.Key == "{OriginalFormat}").Value is string template
            && wanted.Contains(template))
        {
            captured.Enqueue(new CapturedLog(
                DateTimeOffset.UtcNow,
                template,
                values.ToDictionary(v => v.Key, v => v.Value?.ToString(), StringComparer.Ordinal)));
        }
    }

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => capture.Write(category, logLevel, state, exception, () => formatter(state, exception));
    }
}
