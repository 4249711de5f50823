using Azure;
using KlingFunctions.Freepik;

namespace KlingFunctions.Storage;

/// <summary>What Freepik said about a job's task after the job had ended without a video.</summary>
public sealed record LateDelivery(string TaskId, string Status, IReadOnlyList<string> VideoUrls, DateTimeOffset ReceivedAt);

/// <summary>
/// Webhook deliveries for a job that ended without a video (<c>SubmitOutcomeUnknown</c>, <c>DeadlineExceeded</c>):
/// the video may still have been made and paid for, so they are kept (<c>late/{jobId}.json</c> in the videos
/// container, which has the videos' retention) and shown in the job view instead of being dropped.
/// </summary>
public sealed class LateDeliveries(BlobContainers containers)
{
    public static string BlobName(string jobId) => $"late/{jobId}.json";

    /// <returns>Null when nothing came after the job ended.</returns>
    public async Task<LateDelivery?> GetAsync(string jobId, CancellationToken cancellationToken)
    {
        var blob = (await containers.VideosAsync(cancellationToken)).GetBlobClient(BlobName(jobId));
        try
        {
            return (await blob.DownloadContentAsync(cancellationToken)).Value.Content.ToObjectFromJson<LateDelivery>();
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Keeps <paramref name="delivery"/> unless what is kept already says as much: statuses only move forward.</summary>
    public async Task KeepAsync(string jobId, LateDelivery delivery, CancellationToken cancellationToken)
    {
        if (await GetAsync(jobId, cancellationToken) is { } kept
            && new FreepikTaskStatus(kept.Status) is var known
            && (known.IsTerminal || known.Rank > new FreepikTaskStatus(delivery.Status).Rank))
        {
            return;
        }

        var blob = (await containers.VideosAsync(cancellationToken)).GetBlobClient(BlobName(jobId));
        await blob.UploadAsync(BinaryData.FromObjectAsJson(delivery), overwrite: true, cancellationToken);
    }
}
