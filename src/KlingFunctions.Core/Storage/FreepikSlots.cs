using Azure.Storage.Blobs;
using KlingFunctions.Freepik;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KlingFunctions.Storage;

/// <summary>
/// Freepik's per-account limit on tasks in flight (<c>Freepik:MaxConcurrentTasks</c>), shared by every instance of
/// the app through one blob per API key: who holds a slot, and who waits for one in order of arrival. Each change
/// is a read and a conditional write (ETag), repeated when another instance wrote first, so the limit holds across
/// instances and restarts. Nothing can hold a slot for ever: a holder's claim lapses at its job's deadline (when the
/// job has ended whatever happened to it) and a waiter that stops asking drops out of the line.
/// </summary>
public sealed class FreepikSlots(
    BlobContainers containers, IOptions<FreepikOptions> freepik, TimeProvider time, ILogger<FreepikSlots> logger)
{
    private const string Prefix = "freepik-slots/";

    private readonly Lock queueLock = new();

    /// <summary>Changes waiting for the next write, per pool; and the pools whose queue is being written.</summary>
    private readonly Dictionary<string, List<PendingChange>> queued = new(StringComparer.Ordinal);
    private readonly HashSet<string> draining = new(StringComparer.Ordinal);

    /// <summary>The pool of the API key configured now: hashed, so the blob's name gives nothing away.</summary>
    public string CurrentPool { get; } = ApiKeyPool.Of(freepik.Value.ApiKey);

    /// <summary>
    /// Takes a slot for <paramref name="jobId"/> when one is free and no earlier arrival waits for it; otherwise puts
    /// the job in line (or keeps it there). Repeating the call for a job that already holds a slot grants it again.
    /// </summary>
    /// <param name="arrived">Orders the line; a job keeps it across its own retries, so it never loses its place.</param>
    /// <param name="expiresAt">When the job has certainly ended, so that its slot can no longer be held.</param>
    /// <param name="staleAfter">How long a waiter may go without asking before it drops out of the line.</param>
    public Task<SlotGrant> AcquireAsync(string jobId, DateTimeOffset arrived, DateTimeOffset expiresAt, TimeSpan staleAfter, CancellationToken cancellationToken)
        => ChangeAsync(CurrentPool, pool =>
        {
            var now = time.GetUtcNow();
            pool.Expire(now, logger);
            var limit = freepik.Value.MaxConcurrentTasks;
            if (pool.Holders.Any(holder => holder.JobId == jobId))
            {
                return (false, new SlotGrant(CurrentPool, true, 0, pool.Holders.Count, limit));
            }

            pool.Waiters.RemoveAll(waiter => waiter.JobId == jobId);
            pool.Waiters.Add(new SlotWaiter(jobId, arrived, now + staleAfter, expiresAt));
            pool.Waiters.Sort(SlotWaiter.ByArrival);
            var place = pool.Waiters.FindIndex(waiter => waiter.JobId == jobId);
            var free = limit - pool.Holders.Count;
            if (place < free)
            {
                pool.Waiters.RemoveAt(place);
                pool.Holders.Add(new SlotHolder(jobId, now, expiresAt));
                return (true, new SlotGrant(CurrentPool, true, 0, pool.Holders.Count, limit));
            }

            return (true, new SlotGrant(CurrentPool, false, place - Math.Max(free, 0) + 1, pool.Holders.Count, limit));
        }, cancellationToken);

    /// <summary>Gives up <paramref name="jobId"/>'s slot, or its place in line; repeating it changes nothing.</summary>
    /// <returns>The jobs first in line now, which may take the slots free: worth waking.</returns>
    public Task<IReadOnlyList<string>> ReleaseAsync(string poolId, string jobId, CancellationToken cancellationToken)
        => ChangeAsync(poolId, pool =>
        {
            var changed = pool.Holders.RemoveAll(holder => holder.JobId == jobId) + pool.Waiters.RemoveAll(waiter => waiter.JobId == jobId) > 0;
            var free = Math.Max(freepik.Value.MaxConcurrentTasks - pool.Holders.Count, 0);
            return (changed, (IReadOnlyList<string>)[.. pool.Waiters.Take(free).Select(waiter => waiter.JobId)]);
        }, cancellationToken);

    /// <summary>The pool as stored now: who holds a slot and who waits.</summary>
    public async Task<SlotPool> ReadAsync(string poolId, CancellationToken cancellationToken)
        => (await ConditionalJsonBlob.ReadAsync<SlotPool>(await BlobAsync(poolId, cancellationToken), cancellationToken)).Value;

    /// <summary>
    /// Queues the change for this instance's next write of the pool. Changes that arrive while a write is under way
    /// go together in the next one (a group commit): one read and one write for many jobs, instead of each change
    /// waiting its turn or colliding with this instance's own writes on the blob's ETag.
    /// </summary>
    private async Task<T> ChangeAsync<T>(string poolId, Func<SlotPool, (bool Changed, T Result)> change, CancellationToken cancellationToken)
    {
        var pending = new PendingChange(pool =>
        {
            var (changed, result) = change(pool);
            return (changed, result);
        });
        bool startDraining;
        lock (queueLock)
        {
            if (!queued.TryGetValue(poolId, out var changes))
            {
                queued[poolId] = changes = [];
            }

            changes.Add(pending);
            startDraining = draining.Add(poolId);
        }

        if (startDraining)
        {
            // Not awaited: each caller waits for its own change only. The drain ends itself when the queue is empty.
            _ = DrainAsync(poolId);
        }

        return (T)(await pending.Completion.Task.WaitAsync(cancellationToken))!;
    }

    /// <summary>Writes the queued changes of a pool, batch after batch, until none is left. Never throws.</summary>
    private async Task DrainAsync(string poolId)
    {
        while (true)
        {
            List<PendingChange> batch;
            lock (queueLock)
            {
                batch = queued[poolId];
                if (batch.Count == 0)
                {
                    queued.Remove(poolId);
                    draining.Remove(poolId);
                    return;
                }

                queued[poolId] = [];
            }

            try
            {
                await CommitAsync(await BlobAsync(poolId, CancellationToken.None), batch);
            }
            catch (Exception exception)
            {
                foreach (var change in batch)
                {
                    change.Completion.TrySetException(exception);
                }
            }
        }
    }

    /// <summary>Applies the batch to the pool as read (again, when another instance wrote first) and completes each change.</summary>
    private async Task CommitAsync(BlobClient blob, List<PendingChange> batch)
    {
        // No caller's token: the batch is everyone's. Storage's own timeouts bound it.
        var results = await ConditionalJsonBlob.ChangeAsync<SlotPool, List<(bool Changed, object? Result)>>(
            blob,
            pool =>
            {
                var applied = batch.Select(change => change.Apply(pool)).ToList();
                return (applied.Any(result => result.Changed), applied);
            },
            time,
            CancellationToken.None);
        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Completion.TrySetResult(results[i].Result);
        }
    }

    private async Task<BlobClient> BlobAsync(string poolId, CancellationToken cancellationToken)
        => (await containers.InputsAsync(cancellationToken)).GetBlobClient($"{Prefix}{poolId}.json");

    /// <summary>One queued change: applied to the pool as read, possibly more than once when the write loses a race.</summary>
    private sealed record PendingChange(Func<SlotPool, (bool Changed, object? Result)> Apply)
    {
        public TaskCompletionSource<object?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>What <see cref="FreepikSlots.AcquireAsync"/> decided.</summary>
/// <param name="Pool">The pool the slot belongs to: the one to release it in, whatever the API key is by then.</param>
/// <param name="Ahead">When not granted: the job's place in line (1 = next).</param>
public sealed record SlotGrant(string Pool, bool Granted, int Ahead, int InUse, int Limit);

/// <summary>One API key's slots as stored: holders, and waiters in order of arrival.</summary>
public sealed record SlotPool
{
    public List<SlotHolder> Holders { get; init; } = [];

    public List<SlotWaiter> Waiters { get; init; } = [];

    /// <summary>Drops the claims no job can still be using.</summary>
    internal void Expire(DateTimeOffset now, ILogger logger)
    {
        foreach (var holder in Holders.Where(holder => holder.ExpiresAt <= now))
        {
            // Its job ended without giving the slot back (terminated from outside, or its release failed).
            logger.LogWarning("The Freepik slot of job {JobId}, held since {Since}, lapsed at the job's deadline", holder.JobId, holder.Since);
        }

        Holders.RemoveAll(holder => holder.ExpiresAt <= now);
        Waiters.RemoveAll(waiter => waiter.ExpiresAt <= now || waiter.AskAgainBy < now);
    }
}

public sealed record SlotHolder(string JobId, DateTimeOffset Since, DateTimeOffset ExpiresAt);

/// <param name="AskAgainBy">A waiter that has not asked again by then (its job ended) leaves the line.</param>
public sealed record SlotWaiter(string JobId, DateTimeOffset Arrived, DateTimeOffset AskAgainBy, DateTimeOffset ExpiresAt)
{
    public static readonly Comparison<SlotWaiter> ByArrival = (a, b) =>
    {
        var order = a.Arrived.CompareTo(b.Arrived);
        return order != 0 ? order : string.CompareOrdinal(a.JobId, b.JobId);
    };
}
