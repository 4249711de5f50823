using System.Collections.Concurrent;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace KlingFunctions.Storage;

/// <summary>
/// A JSON document in one blob that several instances of the app change: each change is a write on the condition that
/// nobody wrote since the version it was applied to (ETag; create-only when there was nothing), that version being
/// the instance's last one (<see cref="LastVersions"/>) or a fresh read, and is done again on a fresh read when another
/// instance wrote first. What the Freepik slots and the day's creates are kept in.
/// </summary>
internal static class ConditionalJsonBlob
{
    /// <summary>Far more than the instances of one app ever contend; a write that loses this often is a fault.</summary>
    private const int MaxWriteConflicts = 50;

    /// <summary>The document (a new one when there is no blob yet) and the ETag its write is conditioned on.</summary>
    public static async Task<(T Value, ETag? ETag)> ReadAsync<T>(BlobClient blob, CancellationToken cancellationToken)
        where T : new()
    {
        var (content, etag) = await ReadContentAsync(blob, cancellationToken);
        return (Parse<T>(content), etag);
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the document as read and writes it when it changed; when another instance
    /// wrote meanwhile, reads again and applies the change anew. Returns what the last application returned.
    /// </summary>
    /// <param name="versions">
    /// This instance's last versions of its documents: the change starts from the one remembered instead of a read,
    /// and its write's condition tells whether it was still the latest.
    /// </param>
    public static async Task<TResult> ChangeAsync<T, TResult>(BlobClient blob, LastVersions versions, Func<T, (bool Changed, TResult Result)> change, TimeProvider time, CancellationToken cancellationToken)
        where T : new()
    {
        var remembered = versions.Of(blob);
        for (var conflicts = 0; ; conflicts++)
        {
            var fromMemory = remembered is not null;
            var (content, etag) = remembered ?? await ReadContentAsync(blob, cancellationToken);
            remembered = null;
            if (!fromMemory)
            {
                versions.Remember(blob, content, etag);
            }

            var value = Parse<T>(content);
            var (changed, result) = change(value);
            if (!changed)
            {
                if (fromMemory)
                {
                    // Deciding to change nothing is only right on the document as it is now.
                    continue;
                }

                return result;
            }

            var written = BinaryData.FromObjectAsJson(value);
            try
            {
                var response = await blob.UploadAsync(
                    written,
                    new BlobUploadOptions { Conditions = etag is { } known ? new BlobRequestConditions { IfMatch = known } : new BlobRequestConditions { IfNoneMatch = ETag.All } },
                    cancellationToken);
                versions.Remember(blob, written, response.Value.ETag);
                return result;
            }
            catch (RequestFailedException exception) when ((exception.Status is 409 or 412 || (fromMemory && exception.Status == 404)) && conflicts < MaxWriteConflicts)
            {
                versions.Forget(blob);
                if (!fromMemory)
                {
                    // A short random pause keeps instances that collided from colliding again in step.
                    await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 25 + (conflicts * 10))), time, cancellationToken);
                }
            }
        }
    }

    private static async Task<(BinaryData? Content, ETag? ETag)> ReadContentAsync(BlobClient blob, CancellationToken cancellationToken)
    {
        try
        {
            var content = (await blob.DownloadContentAsync(cancellationToken)).Value;
            return (content.Content, content.Details.ETag);
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return (null, null);
        }
    }

    private static T Parse<T>(BinaryData? content)
        where T : new()
        => content is null ? new T() : content.ToObjectFromJson<T>() ?? new T();
}

/// <summary>
/// The last version of each document this instance read or wrote, with its ETag. An instance that is the only one
/// writing a document (the usual case) then changes it with one request, a write, instead of a read and a write;
/// when another instance wrote in between, the write's condition fails and the change reads again.
/// </summary>
internal sealed class LastVersions
{
    private readonly ConcurrentDictionary<Uri, (BinaryData? Content, ETag? ETag)> versions = new();

    public (BinaryData? Content, ETag? ETag)? Of(BlobClient blob) => versions.TryGetValue(blob.Uri, out var version) ? version : null;

    public void Remember(BlobClient blob, BinaryData? content, ETag? etag)
    {
        // A document not there yet has no version: until it is written, each change reads to find that out.
        if (etag is not null)
        {
            versions[blob.Uri] = (content, etag);
        }
    }

    public void Forget(BlobClient blob) => versions.TryRemove(blob.Uri, out _);
}
