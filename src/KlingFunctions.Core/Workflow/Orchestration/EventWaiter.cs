using Microsoft.DurableTask;

namespace KlingFunctions.Workflow.Orchestration;

/// <summary>
/// One kind of external event with one waiter at a time, created only after the previous one has completed, raced
/// against one timer per call. Timers are cancelled, never the waiter: a cancelled waiter still takes the next
/// event in durabletask-dotnet.
/// </summary>
internal sealed class EventWaiter<T>(TaskOrchestrationContext context, string name)
    where T : class
{
    private Task<T>? waiter;

    public async Task<T?> NextBeforeAsync(DateTime until)
    {
        waiter ??= context.WaitForExternalEvent<T>(name);
        using var timerCancellation = new CancellationTokenSource();
        var timer = context.CreateTimer(until, timerCancellation.Token);
        if (await Task.WhenAny(waiter, timer) == timer)
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
