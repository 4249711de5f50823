using Azure;
using Azure.Storage;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KlingFunctions.Storage;

/// <summary>A finished video in the videos container, or why it could not be copied there.</summary>
public sealed record ArchiveResult(string? BlobName, long Bytes, string? Error)
{
    public bool Succeeded => Error is null;
}

/// <summary>
/// The ArchiveVideo step: keeps our own copy of a finished video (<c>{jobId}.mp4</c> in the videos container),
/// because Freepik's links expire. Streams through <see cref="PublicUrlFetcher"/> with <c>Storage:MaxVideoBytes</c>
/// and <c>Storage:VideoTimeout</c>.
/// </summary>
public sealed class VideoArchive(
    BlobContainers containers,
    PublicUrlFetcher fetcher,
    IOptions<StorageOptions> options,
    ILogger<VideoArchive> logger)
{
    private const int BlockBytes = 4 * 1024 * 1024;

    public static string BlobName(string jobId) => $"{jobId}.mp4";

    /// <summary>
    /// Copies <paramref name="videoUrl"/> once. Repeating it (an activity retry, a replayed orchestration) returns
    /// the existing blob without downloading again: a block blob appears only when its upload commits, so an existing
    /// one is complete, and the link it came from may have expired by the time of the retry.
    /// </summary>
    public async Task<ArchiveResult> ArchiveAsync(string jobId, Uri videoUrl, CancellationToken cancellationToken)
    {
        var blobName = BlobName(jobId);
        var blob = (await containers.VideosAsync(cancellationToken)).GetBlobClient(blobName);
        try
        {
            var existing = await blob.GetPropertiesAsync(cancellationToken: cancellationToken);
            if (existing.Value.ContentLength > 0)
            {
                logger.LogInformation("Job {JobId} video already archived as {BlobName}", jobId, blobName);
                return new ArchiveResult(blobName, existing.Value.ContentLength, null);
            }
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            // Not archived yet.
        }

        var fetched = await fetcher.FetchAsync(
            videoUrl,
            options.Value.MaxVideoBytes,
            options.Value.VideoTimeout,
            (content, token) => blob.UploadAsync(
                content,
                new BlobUploadOptions
                {
                    HttpHeaders = new BlobHttpHeaders { ContentType = "video/mp4" },
                    // From a stream of unknown length the SDK buffers up to InitialTransferSize (256 MB by default)
                    // before choosing single-shot or blocks; small blocks keep a video copy to a few MB of memory.
                    TransferOptions = new StorageTransferOptions { InitialTransferSize = BlockBytes, MaximumTransferSize = BlockBytes, MaximumConcurrency = 2 },
                },
                token),
            cancellationToken);

        if (fetched.Transient)
        {
            // Thrown, so that Durable retries the copy with its backoff: a CDN that stumbles once must not cost our copy.
            throw new HttpRequestException($"The video URL {fetched.Error}");
        }

        if (!fetched.Succeeded)
        {
            return new ArchiveResult(null, 0, $"The video URL {fetched.Error}");
        }

        logger.LogInformation("Job {JobId} video archived as {BlobName} ({Bytes} bytes)", jobId, blobName, fetched.Bytes);
        return new ArchiveResult(blobName, fetched.Bytes, null);
    }
}
