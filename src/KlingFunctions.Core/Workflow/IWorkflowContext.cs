using Microsoft.Extensions.Logging;

namespace KlingFunctions.Workflow;

/// <summary>
/// The orchestration port: what <see cref="VideoOrchestration"/> needs from Durable's
/// <c>TaskOrchestrationContext</c>. The Functions app adapts the real context in a few lines; the DevHost's
/// in-process runner implements it; tests mock it. Everything here must be replay-safe.
/// </summary>
public interface IWorkflowContext
{
    /// <summary>The orchestration's deterministic clock (never <c>DateTime.UtcNow</c>).</summary>
    DateTime CurrentUtcDateTime { get; }

    /// <summary>Calls an activity; <paramref name="retry"/> is a durable retry policy, null for none.</summary>
    Task<TResult> CallActivityAsync<TResult>(string name, object input, ActivityRetry? retry = null);

    /// <summary>A durable timer; cancelling the token lets the instance complete without waiting for it.</summary>
    Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken);

    /// <summary>
    /// Waits for a raised event. Deliberately without a cancellation token: a cancelled waiter can swallow a
    /// later event in the isolated worker, so the orchestration keeps one waiter alive and cancels timers instead.
    /// </summary>
    Task<T> WaitForExternalEvent<T>(string eventName);

    void SetCustomStatus(object? customStatus);

    /// <summary>A logger that writes only when the orchestration is not replaying.</summary>
    ILogger CreateReplaySafeLogger(string categoryName);
}

/// <summary>A durable retry policy for an activity: exponential backoff between attempts.</summary>
public sealed record ActivityRetry(int MaxAttempts, TimeSpan FirstInterval, double BackoffCoefficient, TimeSpan MaxInterval)
{
    /// <summary>For activities whose every step is idempotent: reading, copying, re-uploading the same blob.</summary>
    public static readonly ActivityRetry Idempotent = new(5, TimeSpan.FromSeconds(5), 2, TimeSpan.FromMinutes(2));

    /// <summary>The delay before retry number <paramref name="retry"/> (1 for the first retry).</summary>
    public TimeSpan DelayBefore(int retry)
    {
        var seconds = FirstInterval.TotalSeconds * Math.Pow(BackoffCoefficient, retry - 1);
        return TimeSpan.FromSeconds(Math.Min(seconds, MaxInterval.TotalSeconds));
    }
}
