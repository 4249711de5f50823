using Azure.Storage.Blobs;
using KlingFunctions.Freepik;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KlingFunctions.Storage;

/// <summary>
/// Freepik's per-account limit on tasks in flight (<c>Freepik:MaxConcurrentTasks</c>), shared by every instance of
/// the app, per API key (a pool): one small blob of the pool's holders, at most the limit of them, each change a
/// conditional write (ETag) on the head as this instance last read or wrote it, read again when another instance wrote
/// first, so the limit holds across instances and restarts; and the line of jobs waiting,
/// one blob per waiter in order of arrival (<see cref="SlotWaiters"/>). Nothing holds a slot or a place for ever: a
/// holder's claim lapses at the end of its job's generation, a waiter that stops asking drops out of the line.
/// </summary>
public sealed class FreepikSlots(
    BlobContainers containers,
    [FromKeyedServices(FreepikSlots.StorageKey)] BlobServiceClient storage,
    IOptions<StorageOptions> storageOptions,
    IOptions<FreepikOptions> freepik,
    TimeProvider time,
    ILogger<FreepikSlots> logger)
{
    /// <summary>The blob client of the slots and the line (<see cref="RequestTimeout"/>).</summary>
    public const string StorageKey = "freepik-slots";

    /// <summary>
    /// How long one of the line's requests (a few hundred bytes each) may go unanswered before it is sent again: every
    /// job of the pool waits on the head's writes, so one hung request must not hold them all for the SDK's 100 s.
    /// </summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private const string Prefix = "freepik-slots/";

    /// <summary>A waiter woken to take a free slot that has not asked within this has ended: it drops out of the line.</summary>
    private static readonly TimeSpan OfferGrace = TimeSpan.FromMinutes(1);

    private readonly Lock queueLock = new();

    /// <summary>Changes waiting for the next write, per pool; and the pools whose queue is being written.</summary>
    private readonly Dictionary<string, List<PendingChange>> queued = new(StringComparer.Ordinal);
    private readonly HashSet<string> draining = new(StringComparer.Ordinal);

    /// <summary>The pools' heads as this instance last read or wrote them: its next write starts from there, without a read.</summary>
    private readonly LastVersions heads = new();

    /// <summary>The pool of the API key configured now: hashed, so the blob's name gives nothing away.</summary>
    public string CurrentPool { get; } = ApiKeyPool.Of(freepik.Value.ApiKey);

    private int Limit => freepik.Value.MaxConcurrentTasks;

    /// <summary>
    /// Takes a slot of the job's pool for it when one is free and it is among the first in line for the free ones;
    /// otherwise keeps it in line (puts it there on its first ask). Asking again while holding grants it again.
    /// </summary>
    public async Task<SlotGrant> AcquireAsync(SlotRequest ask, CancellationToken cancellationToken)
    {
        var pool = ask.Pool ?? CurrentPool;
        var line = await LineAsync(pool, cancellationToken);
        var now = time.GetUtcNow();
        if (ask.Woken && await TakeOfferedAsync(ask, pool, line, now, cancellationToken) is { } taken)
        {
            return taken;
        }

        // The job keeps its place for as long as it may go without asking: the recheck its place calls for, with room
        // to spare. Its place is not known before it is written, but its last answer bounds it (the line moves forward).
        var recheck = RecheckSchedule.After(ask.Ahead ?? 0, Limit, ask.RecheckInterval);
        var waiter = new SlotWaiter(ask.JobId, ask.Arrived, ask.Joined ?? 0, now + RecheckSchedule.StaleAfter(recheck), ask.WaitUntil);

        // A job asking again is most often at the front, woken to take a freed slot: its place there is read first (it
        // is asking, so it has not lapsed), and kept only if it does not take the slot. Elsewhere it is kept first.
        var (front, dropped) = ask.Joined is null ? ([], 0) : await line.FrontAsync(now, ask.JobId, cancellationToken);
        var atFront = front.Any(w => w.JobId == ask.JobId);
        var arrived = !atFront && (ask.Joined is null || !await line.RefreshAsync(waiter, cancellationToken));
        var joined = ask.Joined ?? 0;
        if (arrived)
        {
            // A new arrival (or one that dropped out and came back): counted, for the place of those beyond the front page;
            // those counted before it and still in line bound its place.
            (joined, var before, var full) = await ChangeAsync(
                pool,
                head => (true, (++head.Joined, head.Joined - head.Left - 1, !head.Holds(ask.JobId) && head.Holders.Count(holder => holder.ExpiresAt > now) >= Limit)),
                cancellationToken);
            recheck = RecheckSchedule.After(before, Limit, ask.RecheckInterval);
            await line.JoinAsync(waiter with { Joined = joined, AskAgainBy = now + RecheckSchedule.StaleAfter(recheck) }, cancellationToken);
            if (full)
            {
                // No slot is free for it, whatever its place: it waits, and those counted before it and still in line are
                // ahead of it. Not looking at the front spares a burst of arrivals a listing each.
                return new SlotGrant(pool, false, (int)Math.Clamp(before, 0, int.MaxValue), Limit, Limit, joined, recheck);
            }
        }

        if (!atFront)
        {
            var (look, droppedNow) = await line.FrontAsync(now, ask.JobId, cancellationToken);
            (front, dropped) = (look, dropped + droppedNow);
        }

        var grant = await ChangeAsync(pool, head =>
        {
            var changed = head.Expire(now, logger) | dropped > 0;
            head.Left += dropped;
            if (head.Holds(ask.JobId))
            {
                // A holder asking again (a retried ask) that came back into line leaves it at once: counted, so the counts stay even.
                head.Left += arrived ? 1 : 0;
                return (changed || arrived, new SlotGrant(pool, true, 0, head.Holders.Count, Limit, joined));
            }

            var rank = head.StillWaiting(front).FindIndex(w => w.JobId == ask.JobId);
            var free = Limit - head.Holders.Count;
            if (rank >= 0 && rank < free)
            {
                head.Grant(ask.JobId, now, ask.HoldFor);
                return (true, new SlotGrant(pool, true, 0, head.Holders.Count, Limit, joined));
            }

            // Beyond the front page, the arrivals counted since it joined tell how far back it stands.
            var ahead = rank >= 0 ? rank : (int)Math.Clamp(joined - head.Left - 1, 0, int.MaxValue);

            // Never later than its place in line was kept for.
            var askAgainIn = RecheckSchedule.After(ahead, Limit, ask.RecheckInterval);
            return (changed, new SlotGrant(pool, false, ahead, head.Holders.Count, Limit, joined, askAgainIn < recheck ? askAgainIn : recheck));
        }, cancellationToken);

        if (grant.Granted)
        {
            await line.LeaveAsync(ask.JobId, ask.Arrived, cancellationToken);
        }
        else if (atFront)
        {
            // Read at the front but not written: kept now until its next ask is overdue. A place another instance dropped
            // meanwhile (its ask came late) is taken again at that ask, in the same order.
            await line.RefreshAsync(waiter with { AskAgainBy = now + RecheckSchedule.StaleAfter(grant.AskAgainIn ?? recheck) }, cancellationToken);
        }

        return grant;
    }

    /// <summary>
    /// A job woken by a release that offered it a freed slot takes it with one change of the head while it is still
    /// free: it was first among the live waiters when the slot was freed, so the line need not be read again. Null when
    /// the offer is gone or the slot was taken meanwhile: the job asks as any other.
    /// </summary>
    private async Task<SlotGrant?> TakeOfferedAsync(SlotRequest ask, string pool, SlotWaiters line, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var grant = await ChangeAsync(pool, head =>
        {
            var changed = head.Expire(now, logger);
            if (head.Holds(ask.JobId))
            {
                // Its ask before this one took the slot already (a retry).
                return (changed, new SlotGrant(pool, true, 0, head.Holders.Count, Limit, ask.Joined ?? 0));
            }

            // An offer older than its grace is not taken: the waiter may have been dropped from the line by then.
            var offered = head.Offers.Any(offer => offer.JobId == ask.JobId && offer.At + OfferGrace > now);
            changed |= head.Offers.RemoveAll(offer => offer.JobId == ask.JobId) > 0;
            if (!offered || head.Holders.Count >= Limit)
            {
                return (changed, (SlotGrant?)null);
            }

            head.Grant(ask.JobId, now, ask.HoldFor);
            return (true, new SlotGrant(pool, true, 0, head.Holders.Count, Limit, ask.Joined ?? 0));
        }, cancellationToken);

        if (grant is not null)
        {
            await line.LeaveAsync(ask.JobId, ask.Arrived, cancellationToken);
        }

        return grant;
    }

    /// <summary>Gives up the job's slot, or its place in line; repeating it changes nothing.</summary>
    /// <returns>The live jobs first in line now, which may take the slots free: worth waking.</returns>
    public async Task<IReadOnlyList<string>> ReleaseAsync(SlotRelease release, CancellationToken cancellationToken)
    {
        var line = await LineAsync(release.Pool, cancellationToken);
        var now = time.GetUtcNow();
        var left = release.Arrived is { } arrived && await line.LeaveAsync(release.JobId, arrived, cancellationToken) ? 1 : 0;

        // The lapsed waiters are dropped before choosing whom to wake: a wake-up for an ended job would be lost.
        var (front, dropped) = await line.FrontAsync(now, asking: null, cancellationToken);
        var next = await ChangeAsync(release.Pool, head =>
        {
            var changed = head.Holders.RemoveAll(holder => holder.JobId == release.JobId) > 0 | head.Expire(now, logger) | left + dropped > 0
                | head.Offers.RemoveAll(offer => offer.JobId == release.JobId || offer.At + OfferGrace <= now) > 0;
            head.Left += left + dropped;
            var free = Math.Max(Limit - head.Holders.Count, 0);
            var next = head.StillWaiting(front).Where(waiter => waiter.JobId != release.JobId).Take(free).ToList();

            // Offered in the head too: woken, they take the slot without reading the line again (TakeOfferedAsync).
            var offered = next.Where(waiter => !head.Offers.Any(offer => offer.JobId == waiter.JobId)).ToList();
            head.Offers.AddRange(offered.Select(waiter => new SlotOffer(waiter.JobId, now)));
            return (changed || offered.Count > 0, next);
        }, cancellationToken);

        await Task.WhenAll(next.Select(waiter => line.OfferAsync(waiter, now, OfferGrace, cancellationToken)));

        return [.. next.Select(waiter => waiter.JobId)];
    }

    /// <summary>The pool's holders as stored now.</summary>
    public async Task<SlotPool> ReadAsync(string poolId, CancellationToken cancellationToken)
        => (await ConditionalJsonBlob.ReadAsync<SlotPool>(await HeadAsync(poolId, cancellationToken), cancellationToken)).Value;

    private async Task<SlotWaiters> LineAsync(string poolId, CancellationToken cancellationToken)
        => new(await ContainerAsync(cancellationToken), poolId, logger);

    /// <summary>The inputs container (created when missing), through the line's own client.</summary>
    private async Task<BlobContainerClient> ContainerAsync(CancellationToken cancellationToken)
    {
        await containers.InputsAsync(cancellationToken);
        return storage.GetBlobContainerClient(storageOptions.Value.InputContainer);
    }

    /// <summary>
    /// Queues the change for this instance's next write of the pool's head. Changes that arrive while a write is
    /// under way go together in the next one (a group commit): one read and one write for many jobs, instead of each
    /// change waiting its turn or colliding with this instance's own writes on the blob's ETag.
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
                await CommitAsync(await HeadAsync(poolId, CancellationToken.None), batch);
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

    /// <summary>Applies the batch to the head as read (again, when another instance wrote first) and completes each change.</summary>
    private async Task CommitAsync(BlobClient blob, List<PendingChange> batch)
    {
        // No caller's token: the batch is everyone's. Storage's own timeouts bound it.
        var results = await ConditionalJsonBlob.ChangeAsync<SlotPool, List<(bool Changed, object? Result)>>(
            blob,
            heads,
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

    private async Task<BlobClient> HeadAsync(string poolId, CancellationToken cancellationToken)
        => (await ContainerAsync(cancellationToken)).GetBlobClient($"{Prefix}{poolId}.json");

    /// <summary>One queued change: applied to the head as read, possibly more than once when the write loses a race.</summary>
    private sealed record PendingChange(Func<SlotPool, (bool Changed, object? Result)> Apply)
    {
        public TaskCompletionSource<object?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>A job asking for a slot of its pool (<see cref="FreepikSlots.AcquireAsync"/>).</summary>
/// <param name="Pool">The pool of the API key the job started with; null for a job started before jobs recorded it (the current key's).</param>
/// <param name="Arrived">Orders the line: the job's creation, kept across its retries, so it never loses its place.</param>
/// <param name="Joined">What the previous grant answered, once the job is in line; null on its first ask.</param>
/// <param name="Ahead">How many the previous grant said were ahead of it; null on its first ask.</param>
/// <param name="RecheckInterval">How often the jobs that may take the next slots ask again (<c>Workflow:SlotRecheckInterval</c>): <see cref="RecheckSchedule"/>.</param>
/// <param name="WaitUntil">When the job stops waiting in line (<c>Workflow:MaxWaitForSlot</c>): its place lapses then.</param>
/// <param name="HoldFor">How long a slot granted now may be held before it lapses: the job's generation and a margin.</param>
/// <param name="Woken">Whether a release woke the job to ask: it may have been offered the slot that release freed.</param>
public sealed record SlotRequest(string JobId, string? Pool, DateTimeOffset Arrived, long? Joined, int? Ahead, TimeSpan RecheckInterval, DateTimeOffset WaitUntil, TimeSpan HoldFor, bool Woken = false);

/// <param name="Arrived">The job's arrival when it may be in line (its place is given back too); null when it only held a slot.</param>
public sealed record SlotRelease(string Pool, string JobId, DateTimeOffset? Arrived = null);

/// <summary>What <see cref="FreepikSlots.AcquireAsync"/> decided.</summary>
/// <param name="Pool">The pool the slot belongs to: the one to release it in, whatever the API key is by then.</param>
/// <param name="Ahead">When not granted: how many jobs are ahead of it in line (0 = next).</param>
/// <param name="Joined">The job's count among the pool's arrivals: passed back with its next ask.</param>
/// <param name="AskAgainIn">
/// When not granted: when the job asks again if no released slot woke it first; it keeps its place in line that long
/// and some more (<see cref="RecheckSchedule"/>). Null in grants recorded before the line said so.
/// </param>
public sealed record SlotGrant(string Pool, bool Granted, int Ahead, int InUse, int Limit, long Joined, TimeSpan? AskAgainIn = null);

/// <summary>One API key's slots as stored: the holders, and the line's counts of arrivals and departures.</summary>
public sealed record SlotPool
{
    public List<SlotHolder> Holders { get; init; } = [];

    /// <summary>The waiters woken for a freed slot that have not asked yet; an offer not taken within a minute is forgotten.</summary>
    public List<SlotOffer> Offers { get; init; } = [];

    /// <summary>Arrivals in line so far.</summary>
    public long Joined { get; set; }

    /// <summary>Departures from the line so far (granted a slot, gone, or dropped out): <c>Joined - Left</c> are waiting.</summary>
    public long Left { get; set; }

    /// <summary>
    /// The waiters of a look at the line's front that do not hold a slot by now: one granted a moment ago is still
    /// listed until its blob is gone, and must not count as ahead of anyone, nor be woken for a slot it has.
    /// </summary>
    internal List<SlotWaiter> StillWaiting(List<SlotWaiter> front) => [.. front.Where(waiter => !Holds(waiter.JobId))];

    internal bool Holds(string jobId) => Holders.Any(holder => holder.JobId == jobId);

    /// <summary>A slot for the job, held for <paramref name="holdFor"/> at most: it leaves the line, and an offer to it is taken.</summary>
    internal void Grant(string jobId, DateTimeOffset now, TimeSpan holdFor)
    {
        Holders.Add(new SlotHolder(jobId, now, now + holdFor));
        Offers.RemoveAll(offer => offer.JobId == jobId);
        Left++;
    }

    /// <summary>Drops the claims no job can still be using; true when there were any.</summary>
    internal bool Expire(DateTimeOffset now, ILogger logger)
    {
        foreach (var holder in Holders.Where(holder => holder.ExpiresAt <= now))
        {
            // Its job ended without giving the slot back (terminated from outside, or its release failed).
            logger.LogWarning("The Freepik slot of job {JobId}, held since {Since}, lapsed", holder.JobId, holder.Since);
        }

        return Holders.RemoveAll(holder => holder.ExpiresAt <= now) > 0;
    }
}

public sealed record SlotHolder(string JobId, DateTimeOffset Since, DateTimeOffset ExpiresAt);

public sealed record SlotOffer(string JobId, DateTimeOffset At);
