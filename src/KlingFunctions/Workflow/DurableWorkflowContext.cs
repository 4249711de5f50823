using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace KlingFunctions.Workflow;

/// <summary>The orchestration port on Durable's <see cref="TaskOrchestrationContext"/>: a pass-through, nothing more.</summary>
internal sealed class DurableWorkflowContext(TaskOrchestrationContext context) : IWorkflowContext
{
    public DateTime CurrentUtcDateTime => context.CurrentUtcDateTime;

    public Task<TResult> CallActivityAsync<TResult>(string name, object input, ActivityRetry? retry = null)
        => context.CallActivityAsync<TResult>(name, input, retry is null ? null : ToTaskOptions(retry));

    public Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken)
        => context.CreateTimer(fireAt, cancellationToken);

    // No token is passed on purpose: see IWorkflowContext.WaitForExternalEvent.
    public Task<T> WaitForExternalEvent<T>(string eventName)
        => context.WaitForExternalEvent<T>(eventName);

    public void SetCustomStatus(object? customStatus)
        => context.SetCustomStatus(customStatus);

    public ILogger CreateReplaySafeLogger(string categoryName)
        => context.CreateReplaySafeLogger(categoryName);

    /// <summary>Durable retries the activity itself, with exponential backoff, so a retry survives a restart.</summary>
    internal static TaskOptions ToTaskOptions(ActivityRetry retry)
        => TaskOptions.FromRetryPolicy(new RetryPolicy(retry.MaxAttempts, retry.FirstInterval, retry.BackoffCoefficient, retry.MaxInterval));
}
