using System.Buffers;
using System.Buffers.Text;
using Azure;
using Azure.Storage;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
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
    /// <summary>
    /// How a stream of unknown length (a file part as it is read) is uploaded. The SDK cuts such a stream into
    /// partitions of MaximumTransferSize (InitialTransferSize applies only to a known length): a part that ends within
    /// the first one is a single PUT, a 10 MB image is three 4 MiB blocks, up to four in flight while the body is still
    /// arriving, and a commit. Chosen from the staging benchmark (BENCHMARKS.md): 1 MiB blocks were no faster on
    /// Azurite and cost a storage transaction each.
    /// </summary>
    public static readonly StorageTransferOptions StreamedTransfer = new()
    {
        InitialTransferSize = BlockBytes,
        MaximumTransferSize = BlockBytes,
        MaximumConcurrency = 4,
    };

    /// <summary>The block size of an input stored while it arrives: a file part, or a large JSON body's image.</summary>
    internal const int BlockBytes = 4 * 1024 * 1024;

    /// <summary>
    /// How much of a file part is looked at before it is stored: a PNG's size is in its first 24 bytes, a JPEG's frame
    /// header follows its metadata segments, within this for almost every camera or editor.
    /// </summary>
    internal const int HeaderPeekBytes = 16 * 1024;

    private const int InspectionBufferSize = 64 * 1024; // JPEG frame headers sit within the first few kilobytes

    /// <summary>At the HTTP edge: stores an uploaded file part (the caller owns and disposes the stream).</summary>
    public Task<StoredInput> StoreUploadAsync(string jobId, string field, Stream content, CancellationToken cancellationToken)
        // Not disposed: that would dispose the caller's stream.
        => StoreUploadAsync(jobId, field, new LimitedReadStream(content, SourceImageInspector.MaxImageBytes), cancellationToken);

    /// <summary>
    /// The same, for content already limited to <see cref="SourceImageInspector.MaxImageBytes"/>, with its header read
    /// from its first <see cref="HeaderPeekBytes"/> (from the stored blob, for a JPEG whose frame header lies further in).
    /// </summary>
    internal async Task<StoredInput> StoreUploadAsync(string jobId, string field, LimitedReadStream content, CancellationToken cancellationToken)
    {
        try
        {
            var head = await content.PeekAsync(HeaderPeekBytes, cancellationToken);
            var header = await ImageHeaderReader.ReadAsync(head, cancellationToken);
            var blobName = await UploadAsync(jobId, field, ImageFormats.Detect(head.Span), content, StreamedTransfer, cancellationToken);
            if (!header.HasSize && header.Format == ImageFormat.Jpeg && content.BytesRead > head.Length)
            {
                header = (await InspectAsync(field, blobName, cancellationToken))?.Header ?? header;
            }

            return StoredInput.Stored(InputReference.Blob(blobName), new InspectedInput(field, blobName, content.BytesRead, header));
        }
        catch (ContentTooLargeException exception) when (exception.Limit == SourceImageInspector.MaxImageBytes)
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

        // Decoded at once by the runtime's vectorised decoder into a pooled buffer, then one PUT of known length, as a
        // direct SDK upload of the bytes would be: no string, no decoding stream, and no allocation once the pool is warm.
        var decoded = ImageBuffers.Pool.Rent((int)source.DecodedLength);
        try
        {
            if (Base64.DecodeFromUtf8(source.Base64.Span, decoded, out _, out var written) != OperationStatus.Done)
            {
                // ImageSource.TryParse validated it; anything else is a bug, not a caller's mistake.
                throw new InvalidDataException($"The {field} payload is not valid base64.");
            }

            var format = ImageFormats.Detect(decoded.AsSpan(0, Math.Min(written, ImageFormats.SignatureLength)));
            var header = await ImageHeaderReader.ReadAsync(decoded.AsMemory(0, written), cancellationToken);
            using var content = new MemoryStream(decoded, 0, written, writable: false);
            var blobName = await UploadAsync(jobId, field, format, content, transfer: default, cancellationToken);
            return StoredInput.Stored(InputReference.Blob(blobName), new InspectedInput(field, blobName, written, header));
        }
        finally
        {
            ImageBuffers.Pool.Return(decoded);
        }
    }

    /// <summary>A stored input's size and header, read from the blob (a few kilobytes); null when it is not there.</summary>
    internal async Task<InspectedInput?> InspectAsync(string field, string blobName, CancellationToken cancellationToken)
    {
        var container = await containers.InputsAsync(cancellationToken);
        try
        {
            await using var content = await container.GetBlobClient(blobName).OpenReadAsync(
                new BlobOpenReadOptions(allowModifications: false) { BufferSize = InspectionBufferSize },
                cancellationToken);
            return new InspectedInput(field, blobName, content.Length, await ImageHeaderReader.ReadAsync(content, cancellationToken));
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Removes a stored input of a request that was refused after its images arrived.</summary>
    internal async Task DeleteAsync(string blobName, CancellationToken cancellationToken)
        => await (await containers.InputsAsync(cancellationToken)).GetBlobClient(blobName).DeleteIfExistsAsync(cancellationToken: cancellationToken);

    /// <summary>Uploads <paramref name="content"/>; reading past its limit aborts the upload before anything is committed.</summary>
    internal async Task<string> UploadAsync(string jobId, string field, LimitedReadStream content, CancellationToken cancellationToken)
    {
        var head = await content.PeekAsync(ImageFormats.SignatureLength, cancellationToken);
        return await UploadAsync(jobId, field, ImageFormats.Detect(head.Span), content, StreamedTransfer, cancellationToken);
    }

    private async Task<string> UploadAsync(string jobId, string field, ImageFormat format, Stream content, StorageTransferOptions transfer, CancellationToken cancellationToken)
    {
        var blobName = InputFields.BlobName(jobId, field, format);
        var container = await containers.InputsAsync(cancellationToken);

        await container.GetBlobClient(blobName).UploadAsync(
            content,
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = format.ContentType() }, TransferOptions = transfer },
            cancellationToken);

        Stored(jobId, field, blobName, content.Position);
        return blobName;
    }

    /// <summary>The block blob for an input whose blocks are staged while it arrives (<see cref="StreamedJsonImage"/>).</summary>
    internal async Task<(BlockBlobClient Blob, string Name)> BlockBlobAsync(string jobId, string field, ImageFormat format, CancellationToken cancellationToken)
    {
        var blobName = InputFields.BlobName(jobId, field, format);
        return ((await containers.InputsAsync(cancellationToken)).GetBlockBlobClient(blobName), blobName);
    }

    internal void Stored(string jobId, string field, string blobName, long bytes)
        => logger.LogInformation("Job {JobId} stored {Field} as {BlobName} ({Bytes} bytes)", jobId, field, blobName, bytes);
}
