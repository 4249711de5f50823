namespace KlingFunctions.DevHost.Runner;

/// <summary>
/// Raised events of one instance. Like Durable Functions, an event raised before the orchestration waits for it
/// is kept until a waiter asks for it, and each event goes to exactly one waiter, oldest first.
/// </summary>
internal sealed class EventBuffer
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, Queue<string>> pending = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Queue<TaskCompletionSource<string>>> waiters = new(StringComparer.OrdinalIgnoreCase);

    public void Raise(string name, string payload)
    {
        TaskCompletionSource<string>? waiter = null;
        lock (gate)
        {
            if (waiters.TryGetValue(name, out var queue))
            {
                while (queue.TryDequeue(out var candidate))
                {
                    if (!candidate.Task.IsCompleted)
                    {
                        waiter = candidate;
                        break;
                    }
                }
            }

            if (waiter is null)
            {
                Enqueue(pending, name, payload);
                return;
            }
        }

        waiter.TrySetResult(payload);
    }

    public Task<string> WaitAsync(string name, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (pending.TryGetValue(name, out var queue) && queue.TryDequeue(out var payload))
            {
                return Task.FromResult(payload);
            }

            var waiter = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            var registration = cancellationToken.Register(() => waiter.TrySetCanceled(cancellationToken));
            waiter.Task.ContinueWith(_ => registration.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            Enqueue(waiters, name, waiter);
            return waiter.Task;
        }
    }

    private static void Enqueue<T>(Dictionary<string, Queue<T>> queues, string name, T item)
    {
        if (!queues.TryGetValue(name, out var queue))
        {
            queues[name] = queue = new Queue<T>();
        }

        queue.Enqueue(item);
    }
}
