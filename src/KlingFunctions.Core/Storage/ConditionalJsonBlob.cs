using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace KlingFunctions.Storage;

/// <summary>
/// A JSON document in one blob that several instances of the app change: each change is a read and a write on the
/// condition that nobody wrote since (ETag; create-only when there was nothing), done again when another instance
/// wrote first. What the Freepik slots and the day's creates are kept in.
/// </summary>
internal static class ConditionalJsonBlob
{
    /// <summary>Far more than the instances of one app ever contend; a write that loses this often is a fault.</summary>
    private const int MaxWriteConflicts = 50;

    /// <summary>The document (a new one when there is no blob yet) and the ETag its write is conditioned on.</summary>
    public static async Task<(T Value, ETag? ETag)> ReadAsync<T>(BlobClient blob, CancellationToken cancellationToken)
        where T : new()
    {
        try
        {
            var content = (await blob.DownloadContentAsync(cancellationToken)).Value;
            return (content.Content.ToObjectFromJson<T>() ?? new T(), content.Details.ETag);
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return (new T(), null);
        }
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the document as read and writes it when it changed; when another instance
    /// wrote meanwhile, reads again and applies the change anew. Returns what the last application returned.
    /// </summary>
    public static async Task<TResult> ChangeAsync<T, TResult>(BlobClient blob, Func<T, (bool Changed, TResult Result)> change, TimeProvider time, CancellationToken cancellationToken)
        where T : new()
    {
        for (var conflicts = 0; ; conflicts++)
        {
            var (value, etag) = await ReadAsync<T>(blob, cancellationToken);
            var (changed, result) = change(value);
            if (!changed)
            {
                return result;
            }

            try
            {
                await blob.UploadAsync(
                    BinaryData.FromObjectAsJson(value),
                    new BlobUploadOptions { Conditions = etag is { } known ? new BlobRequestConditions { IfMatch = known } : new BlobRequestConditions { IfNoneMatch = ETag.All } },
                    cancellationToken);
                return result;
            }
            catch (RequestFailedException exception) when (exception.Status is 409 or 412 && conflicts < MaxWriteConflicts)
            {
                // A short random pause keeps instances that collided from colliding again in step.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 25 + (conflicts * 10))), time, cancellationToken);
            }
        }
    }
}
