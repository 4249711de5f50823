using Microsoft.DurableTask;

namespace KlingFunctions.Workflow.Orchestration;

/// <summary>
/// One kind of external event with one waiter at a time, created only after the previous one has completed, raced
/// against one timer per call and the job's cancel request. Timers are cancelled, never the waiter: a cancelled waiter
/// still takes the next event in durabletask-dotnet.
/// </summary>
internal sealed class EventWaiter<T>(TaskOrchestrationContext context, string name)
    where T : class
{
    private Task<T>? waiter;

    /// <returns>The event; null when the timer fired or <paramref name="interrupt"/> completed first.</returns>
    public async Task<T?> NextBeforeAsync(DateTime until, Task interrupt)
    {
        waiter ??= context.WaitForExternalEvent<T>(name);
        using var timerCancellation = new CancellationTokenSource();
        var timer = context.CreateTimer(until, timerCancellation.Token);
        var first = await Task.WhenAny(waiter, timer, interrupt);
        if (first == interrupt)
        {
            timerCancellation.Cancel();
        }

        if (first != waiter)
        {
            return null;
        }

        // Cancel the timer so that a finished instance is not kept alive by it. Synchronously: an orchestrator
        // must not hand work to the thread pool.
        timerCancellation.Cancel();
        var delivered = await waiter;
        waiter = null;
        return delivered;
    }
}
