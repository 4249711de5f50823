using Azure.Storage.Blobs.Models;
using KlingFunctions.Requests;
using KlingFunctions.Storage;
using Microsoft.Extensions.Logging;

namespace KlingFunctions.Staging;

/// <summary>
/// The claim check: a caller's image and mask bytes become private blobs under the job's id in the inputs
/// container (<c>{jobId}/image.png</c>, <c>{jobId}/static_mask.png</c>, <c>{jobId}/dynamic_masks/0.png</c>),
/// named and typed by their first bytes, streamed without extra copies and never more than 10 MB.
/// </summary>
public sealed class InputBlobStore(BlobContainers containers, ILogger<InputBlobStore> logger)
{
    /// <summary>At the HTTP edge: stores an uploaded file part (the caller owns and disposes the stream).</summary>
    public async Task<StoredInput> StoreUploadAsync(string jobId, string field, Stream content, CancellationToken cancellationToken)
    {
        // Not disposed: that would dispose the caller's stream.
        var limited = new LimitedReadStream(content, SourceImageInspector.MaxImageBytes);
        try
        {
            return StoredInput.Stored(InputReference.Blob(await UploadAsync(jobId, field, limited, cancellationToken)));
        }
        catch (ContentTooLargeException)
        {
            return StoredInput.Rejected(SourceImageInspector.TooLarge(field));
        }
    }

    /// <summary>At the HTTP edge: stores base64 (bare or a data URL); an https URL is kept as-is for staging to fetch.</summary>
    public async Task<StoredInput> StoreAsync(string jobId, string field, ImageSource source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.Url is { } url)
        {
            return StoredInput.Stored(InputReference.FromUrl(url));
        }

        if (source.DecodedLength > SourceImageInspector.MaxImageBytes)
        {
            return StoredInput.Rejected(SourceImageInspector.TooLarge(field));
        }

        await using var decoded = new Base64DecodingStream(source.Base64!);
        return await StoreUploadAsync(jobId, field, decoded, cancellationToken);
    }

    /// <summary>Uploads <paramref name="content"/>; reading past its limit aborts the upload before anything is committed.</summary>
    internal async Task<string> UploadAsync(string jobId, string field, LimitedReadStream content, CancellationToken cancellationToken)
    {
        var head = await content.PeekAsync(ImageFormats.SignatureLength, cancellationToken);
        var format = ImageFormats.Detect(head.Span);
        var blobName = InputFields.BlobName(jobId, field, format);
        var container = await containers.InputsAsync(cancellationToken);

        await container.GetBlobClient(blobName).UploadAsync(
            content,
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = format.ContentType() } },
            cancellationToken);

        logger.LogInformation("Job {JobId} stored {Field} as {BlobName} ({Bytes} bytes)", jobId, field, blobName, content.BytesRead);
        return blobName;
    }
}
