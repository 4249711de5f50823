using Azure;
using Azure.Storage;
using Azure.Storage.Blobs;
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
/// because Freepik's links expire. An https link is copied by the storage service itself (Copy Blob From URL), so no
/// byte passes through the app; other links (the simulator's http one in local runs), and any the service refuses,
/// are streamed through <see cref="PublicUrlFetcher"/>. Either way <c>Storage:MaxVideoBytes</c> holds.
/// </summary>
public sealed class VideoArchive(
    BlobContainers containers,
    PublicUrlFetcher fetcher,
    SourceAddressPolicy addresses,
    IOptions<StorageOptions> options,
    ILogger<VideoArchive> logger)
{
    private const string ContentType = "video/mp4";

    // The SDK cuts a stream of unknown length into partitions of MaximumTransferSize: a video of up to 4 MiB is one
    // PUT; a longer one is 4 MiB blocks, two in flight, so a copy holds a few MB of memory.
    private const int BlockBytes = 4 * 1024 * 1024;

    public static string BlobName(string jobId) => $"{jobId}.mp4";

    /// <summary>
    /// Copies <paramref name="videoUrl"/> once. Repeating it (an activity retry, a replayed orchestration) returns
    /// the existing blob without storing it again: a block blob appears only when its upload or copy commits, so an
    /// existing one is complete. Every write is create-only, and the existing blob is looked up only when a write finds
    /// one or the link fails (it may have expired by the time of a retry), so a first copy costs no extra request.
    /// </summary>
    public async Task<ArchiveResult> ArchiveAsync(string jobId, Uri videoUrl, CancellationToken cancellationToken)
    {
        var blob = (await containers.VideosAsync(cancellationToken)).GetBlobClient(BlobName(jobId));
        try
        {
            return await CopyOnServerAsync(jobId, blob, videoUrl, cancellationToken)
                ?? await StreamAsync(jobId, blob, videoUrl, cancellationToken);
        }
        catch (RequestFailedException exception) when (exception.ErrorCode == BlobErrorCode.BlobAlreadyExists)
        {
            logger.LogInformation("Job {JobId} video already archived as {BlobName}", jobId, blob.Name);
            return await ExistingAsync(blob, cancellationToken)
                ?? throw new InvalidOperationException($"The archive blob {blob.Name} exists but is empty.", exception);
        }
    }

    /// <summary>
    /// The storage service fetches the video, after the same address rules a fetch of ours obeys. Null when it may not
    /// or will not (Azurite copies only its own blobs; Azure refuses sources over 256 MiB): then the video is streamed.
    /// </summary>
    private async Task<ArchiveResult?> CopyOnServerAsync(string jobId, BlobClient blob, Uri videoUrl, CancellationToken cancellationToken)
    {
        if (videoUrl.Scheme != Uri.UriSchemeHttps || !await addresses.AllowsEveryAddressAsync(videoUrl, cancellationToken))
        {
            return null;
        }

        try
        {
            // Create-only: a copy racing another attempt of the same job must not replace a complete video.
            await blob.SyncCopyFromUriAsync(
                videoUrl,
                new BlobCopyFromUriOptions { DestinationConditions = new BlobRequestConditions { IfNoneMatch = ETag.All } },
                cancellationToken);
        }
        catch (RequestFailedException exception) when (exception.ErrorCode != BlobErrorCode.BlobAlreadyExists)
        {
            logger.LogInformation("Job {JobId}: the storage service did not copy the video ({Status} {ErrorCode}); streaming it instead", jobId, exception.Status, exception.ErrorCode);
            return null;
        }

        var copied = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
        if (copied.ContentLength > options.Value.MaxVideoBytes)
        {
            await blob.DeleteIfExistsAsync(conditions: new BlobRequestConditions { IfMatch = copied.ETag }, cancellationToken: cancellationToken);
            return Failed(PublicUrlFetcher.TooLarge(options.Value.MaxVideoBytes));
        }

        if (copied.ContentType != ContentType)
        {
            // The copy takes the source's content type; ours is what players and the job view expect.
            await blob.SetHttpHeadersAsync(new BlobHttpHeaders { ContentType = ContentType }, new BlobRequestConditions { IfMatch = copied.ETag }, cancellationToken);
        }

        logger.LogInformation("Job {JobId} video copied by the storage service to {BlobName} ({Bytes} bytes)", jobId, blob.Name, copied.ContentLength);
        return new ArchiveResult(blob.Name, copied.ContentLength, null);
    }

    private async Task<ArchiveResult> StreamAsync(string jobId, BlobClient blob, Uri videoUrl, CancellationToken cancellationToken)
    {
        var fetched = await fetcher.FetchAsync(
            videoUrl,
            options.Value.MaxVideoBytes,
            options.Value.VideoTimeout,
            (content, token) => blob.UploadAsync(
                content,
                new BlobUploadOptions
                {
                    HttpHeaders = new BlobHttpHeaders { ContentType = ContentType },
                    Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                    TransferOptions = new StorageTransferOptions { InitialTransferSize = BlockBytes, MaximumTransferSize = BlockBytes, MaximumConcurrency = 2 },
                },
                token),
            cancellationToken);

        if (!fetched.Succeeded && await ExistingAsync(blob, cancellationToken) is { } existing)
        {
            logger.LogInformation("Job {JobId} video already archived as {BlobName}; its link no longer answers", jobId, blob.Name);
            return existing;
        }

        if (fetched.Transient)
        {
            // Thrown, so that Durable retries the copy with its backoff: a CDN that stumbles once must not cost our copy.
            throw new HttpRequestException($"The video URL {fetched.Error}");
        }

        if (!fetched.Succeeded)
        {
            return Failed(fetched);
        }

        logger.LogInformation("Job {JobId} video archived as {BlobName} ({Bytes} bytes)", jobId, blob.Name, fetched.Bytes);
        return new ArchiveResult(blob.Name, fetched.Bytes, null);
    }

    private static async Task<ArchiveResult?> ExistingAsync(BlobClient blob, CancellationToken cancellationToken)
    {
        try
        {
            var existing = await blob.GetPropertiesAsync(cancellationToken: cancellationToken);
            return existing.Value.ContentLength > 0 ? new ArchiveResult(blob.Name, existing.Value.ContentLength, null) : null;
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return null; // Not archived yet.
        }
    }

    private static ArchiveResult Failed(FetchOutcome outcome) => new(null, 0, $"The video URL {outcome.Error}");
}
