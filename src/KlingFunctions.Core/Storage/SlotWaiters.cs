using System.Globalization;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;

namespace KlingFunctions.Storage;

/// <summary>
/// The jobs in line for one pool's Freepik slots: one empty blob per waiter, named by its arrival so that a listing
/// returns the line in order, its state in the blob's metadata. Joining, asking again and leaving touch only the
/// waiter's own blob, and deciding who is next reads only the first page of the line: nothing grows with its length.
/// </summary>
internal sealed class SlotWaiters(BlobContainerClient container, string pool, ILogger logger)
{
    /// <summary>How much of the line one look at its front reads: those that may take the free slots, and room for some that ended without leaving.</summary>
    public const int FrontPage = 32;

    private string Prefix => $"freepik-slots/{pool}/line/";

    /// <summary>
    /// Keeps the job's place: refreshes its blob when it is there, or creates it (a new arrival, or one that dropped
    /// out and asks again). False when the blob was created: the caller counts the arrival.
    /// </summary>
    public async Task<bool> RefreshAsync(SlotWaiter waiter, CancellationToken cancellationToken)
    {
        var blob = Blob(waiter.JobId, waiter.Arrived);
        try
        {
            await blob.UploadAsync(BinaryData.Empty, new BlobUploadOptions { Metadata = waiter.ToMetadata(), Conditions = new BlobRequestConditions { IfMatch = ETag.All } }, cancellationToken);
            return true;
        }
        catch (RequestFailedException exception) when (exception.Status is 404 or 412)
        {
            return false;
        }
    }

    /// <summary>Puts a new waiter in line; a retry that finds it there already overwrites it.</summary>
    public Task JoinAsync(SlotWaiter waiter, CancellationToken cancellationToken)
        => Blob(waiter.JobId, waiter.Arrived).UploadAsync(BinaryData.Empty, new BlobUploadOptions { Metadata = waiter.ToMetadata() }, cancellationToken);

    /// <summary>Takes the job out of the line; true when it was in it.</summary>
    public async Task<bool> LeaveAsync(string jobId, DateTimeOffset arrived, CancellationToken cancellationToken)
        => (await Blob(jobId, arrived).DeleteIfExistsAsync(cancellationToken: cancellationToken)).Value;

    /// <summary>The first live waiters, in order of arrival; the ones that lapsed are taken out of the line on the way.</summary>
    /// <param name="asking">The job asking now, if one is: live, whatever its blob says.</param>
    /// <returns>The live waiters, and how many lapsed ones were dropped.</returns>
    public async Task<(List<SlotWaiter> Live, int Dropped)> FrontAsync(DateTimeOffset now, string? asking, CancellationToken cancellationToken)
    {
        var live = new List<SlotWaiter>();
        var dropped = 0;
        await foreach (var page in container.GetBlobsAsync(new GetBlobsOptions { Traits = BlobTraits.Metadata, Prefix = Prefix }, cancellationToken).AsPages(pageSizeHint: FrontPage))
        {
            foreach (var item in page.Values)
            {
                var waiter = SlotWaiter.FromMetadata(item.Metadata);
                if (waiter is not null && !waiter.LapsedAt(now, asking: waiter.JobId == asking))
                {
                    live.Add(waiter);
                    continue;
                }

                // Its job ended without leaving the line (terminated, or its release failed), or ignored a free slot. Told
                // once, by whoever takes it out: looks at the front at the same moment all find it.
                if ((await container.GetBlobClient(item.Name).DeleteIfExistsAsync(cancellationToken: cancellationToken)).Value)
                {
                    logger.LogWarning("Job {JobId} dropped out of the line for a Freepik slot: it stopped asking", waiter?.JobId ?? item.Name);
                    dropped++;
                }
            }

            break;
        }

        return (live, dropped);
    }

    /// <summary>
    /// Marks a waiter as offered a free slot, which it is being woken to take: if it does not ask within
    /// <paramref name="grace"/>, its job has ended, and it drops out of the line.
    /// </summary>
    public async Task OfferAsync(SlotWaiter waiter, DateTimeOffset now, TimeSpan grace, CancellationToken cancellationToken)
    {
        if (waiter.OfferedAt is not null)
        {
            return;
        }

        var offered = waiter with { OfferedAt = now, AskAgainBy = waiter.AskAgainBy < now + grace ? waiter.AskAgainBy : now + grace };
        try
        {
            await Blob(waiter.JobId, waiter.Arrived).SetMetadataAsync(offered.ToMetadata(), cancellationToken: cancellationToken);
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            // It took a slot or left meanwhile.
        }
    }

    /// <summary>Arrival first (ticks, fixed width: blob names list in order), then the job id for arrivals at the same tick.</summary>
    private BlobClient Blob(string jobId, DateTimeOffset arrived)
        => container.GetBlobClient($"{Prefix}{arrived.UtcTicks.ToString("D19", CultureInfo.InvariantCulture)}-{jobId}");
}

/// <summary>One job in line for a Freepik slot, as its blob's metadata keeps it.</summary>
/// <param name="Arrived">Orders the line: the job's creation, so it keeps its place across its own retries.</param>
/// <param name="Joined">The pool's count of arrivals when it joined: how far back it stands, where the front page does not reach.</param>
/// <param name="AskAgainBy">A waiter that has not asked again by then (its job ended) leaves the line.</param>
/// <param name="WaitUntil">The end of the job's wait in line, after which it no longer takes a slot.</param>
/// <param name="OfferedAt">When a released slot was offered to it, if one was.</param>
internal sealed record SlotWaiter(string JobId, DateTimeOffset Arrived, long Joined, DateTimeOffset AskAgainBy, DateTimeOffset WaitUntil, DateTimeOffset? OfferedAt = null)
{
    /// <param name="asking">Whether its job is asking now: then only the end of its wait counts.</param>
    public bool LapsedAt(DateTimeOffset now, bool asking) => (!asking && AskAgainBy < now) || WaitUntil <= now;

    public Dictionary<string, string> ToMetadata()
    {
        var metadata = new Dictionary<string, string>
        {
            ["job"] = JobId,
            ["arrived"] = Format(Arrived),
            ["joined"] = Joined.ToString(CultureInfo.InvariantCulture),
            ["askagainby"] = Format(AskAgainBy),
            ["waituntil"] = Format(WaitUntil),
        };
        if (OfferedAt is { } offered)
        {
            metadata["offered"] = Format(offered);
        }

        return metadata;
    }

    /// <summary>Null for a blob that is not a waiter's (nothing we wrote): it is dropped like a lapsed one.</summary>
    public static SlotWaiter? FromMetadata(IDictionary<string, string>? metadata)
    {
        if (metadata is null
            || !metadata.TryGetValue("job", out var job)
            || !TryParse(metadata, "arrived", out var arrived)
            || !metadata.TryGetValue("joined", out var joinedText) || !long.TryParse(joinedText, NumberStyles.None, CultureInfo.InvariantCulture, out var joined)
            || !TryParse(metadata, "askagainby", out var askAgainBy)
            || !TryParse(metadata, "waituntil", out var waitUntil))
        {
            return null;
        }

        return new SlotWaiter(job, arrived, joined, askAgainBy, waitUntil, TryParse(metadata, "offered", out var offered) ? offered : null);
    }

    private static string Format(DateTimeOffset value) => value.UtcTicks.ToString(CultureInfo.InvariantCulture);

    private static bool TryParse(IDictionary<string, string> metadata, string key, out DateTimeOffset value)
    {
        value = default;
        if (!metadata.TryGetValue(key, out var text) || !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            return false;
        }

        value = new DateTimeOffset(ticks, TimeSpan.Zero);
        return true;
    }
}
