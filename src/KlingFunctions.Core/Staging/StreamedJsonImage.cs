using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using KlingFunctions.Requests;

namespace KlingFunctions.Staging;

/// <summary>
/// Decodes a JSON body's top-level <c>image</c> string while the body is still arriving and stages its blocks as they
/// fill, so that storing a large base64 image overlaps receiving it instead of following it. Nothing is committed
/// until the whole request has been read and validated: then <see cref="CommitAsync"/> makes the blocks the blob, if
/// the validated image is the one decoded here. Anything unusual (escapes other than the ones JSON encoders use for
/// base64, a value that is not a string, more than the size limit, a storage error) only turns this off, and the image
/// is decoded and stored from the body afterwards as before, with the same checks and messages. Blocks never
/// committed are discarded by the storage service.
/// </summary>
public sealed class StreamedJsonImage(InputBlobStore store, string owner) : IAsyncDisposable
{
    /// <summary>Below this, one PUT after the body has arrived costs fewer requests than blocks save time.</summary>
    public const long MinBodyBytes = 6 * 1024 * 1024;

    /// <summary>How far the search for <c>image</c> may sit inside one unfinished token (a long mask string) before it gives up.</summary>
    private const int MaxTokenBytes = 1024 * 1024;

    private const int ScratchBytes = 64 * 1024;

    private readonly List<Task> stagings = [];
    private readonly List<string> blockIds = [];
    private JsonReaderState reader = new(new JsonReaderOptions { MaxDepth = 64 });
    private Phase phase = Phase.Seeking;
    private int scanned;
    private int position;
    private byte[]? decoded;
    private byte[]? scratch;
    private int carried;
    private int written;
    private int staged;
    private long base64Length;
    private BlockBlobClient? blob;
    private string? blobName;

    private enum Phase
    {
        Seeking,
        Decoding,
        Decoded,
        Off,
    }

    /// <summary>Takes in what has arrived of the body so far (the whole body from its first byte).</summary>
    public async ValueTask ReceivedAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        if (phase == Phase.Seeking)
        {
            Seek(body.Span);
        }

        if (phase == Phase.Decoding)
        {
            Decode(body.Span);
            await StageFullBlocksAsync(cancellationToken);
        }
    }

    /// <summary>
    /// The stored input for <paramref name="field"/> when it is the image decoded here and all its blocks are staged;
    /// null otherwise, and then the caller stores it from the body.
    /// </summary>
    public async Task<StoredInput?> CommitAsync(string field, ImageSource source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (phase != Phase.Decoded || field != InputFields.Image || blob is null
            || source.Url is not null || source.Base64.Length != base64Length || source.DecodedLength != written)
        {
            return null;
        }

        try
        {
            await Task.WhenAll(stagings);
            await blob.CommitBlockListAsync(blockIds, new CommitBlockListOptions
            {
                HttpHeaders = new BlobHttpHeaders { ContentType = Format.ContentType() },
            }, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Stored from the body instead, which reports a storage failure as it always has.
            phase = Phase.Off;
            return null;
        }

        store.Stored(owner, field, blobName!, written);
        var header = await ImageHeaderReader.ReadAsync(decoded.AsMemory(0, written), cancellationToken);
        return StoredInput.Stored(InputReference.Blob(blobName!), new InspectedInput(field, blobName!, written, header));
    }

    /// <summary>Waits for the blocks in flight, then returns the pooled buffers.</summary>
    public async ValueTask DisposeAsync()
    {
        // Whatever became of them, no block reads the buffer any more; blocks never committed need no undoing.
        await Task.WhenAll(stagings).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

        if (decoded is not null)
        {
            ImageBuffers.Pool.Return(decoded);
            decoded = null;
        }

        if (scratch is not null)
        {
            ArrayPool<byte>.Shared.Return(scratch);
            scratch = null;
        }
    }

    private ImageFormat Format => ImageFormats.Detect(decoded.AsSpan(0, Math.Min(written, ImageFormats.SignatureLength)));

    /// <summary>Reads JSON tokens up to the top-level <c>image</c> property, and on to the start of its string.</summary>
    private void Seek(ReadOnlySpan<byte> body)
    {
        var json = new Utf8JsonReader(body[scanned..], isFinalBlock: false, reader);
        while (json.Read())
        {
            if (json.TokenType == JsonTokenType.PropertyName && json.CurrentDepth == 1 && json.ValueTextEquals(InputFields.Image))
            {
                var afterName = scanned + (int)json.BytesConsumed;
                phase = json.Read() ? Phase.Off : StringStart(body, afterName); // a value read whole has arrived whole
                return;
            }
        }

        scanned += (int)json.BytesConsumed;
        reader = json.CurrentState;
        if (body.Length - scanned > MaxTokenBytes)
        {
            phase = Phase.Off;
        }
    }

    /// <summary>Past the colon to the string's first byte, and past a data URL's prefix; Off when the value is not a plain base64 string.</summary>
    private Phase StringStart(ReadOnlySpan<byte> body, int at)
    {
        while (at < body.Length && body[at] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)':')
        {
            at++;
        }

        if (at + 256 > body.Length)
        {
            // The value's start has not quite arrived: look again with the next piece of the body.
            return Phase.Seeking;
        }

        if (body[at] != '"')
        {
            return Phase.Off;
        }

        // A data URL's prefix, as ImageSource reads it, within the string: its escapes, if any, are not counted.
        var value = body.Slice(at + 1, 256);
        var end = value.IndexOf((byte)'"');
        var payload = ImageSource.PayloadStart(end < 0 ? value : value[..end]);
        if (payload < 0)
        {
            return Phase.Off;
        }

        position = at + 1 + payload;
        decoded = ImageBuffers.Pool.Rent((int)SourceImageInspector.MaxImageBytes);
        scratch = ArrayPool<byte>.Shared.Rent(ScratchBytes);
        return Phase.Decoding;
    }

    /// <summary>Unescapes and decodes what has arrived of the string, up to its closing quote.</summary>
    private void Decode(ReadOnlySpan<byte> body)
    {
        var buffer = scratch!;
        while (phase == Phase.Decoding)
        {
            // Unescape a piece after the few base64 characters the last decode left over.
            var length = carried;
            var ended = false;
            while (length < buffer.Length - 1 && position < body.Length)
            {
                var next = body[position];
                if (next == '"')
                {
                    ended = true;
                    break;
                }

                if (next != '\\')
                {
                    buffer[length++] = next;
                    position++;
                    continue;
                }

                // System.Text.Json writes '+' as \u002B by default; others write '/' as \/.
                var escape = position + 1 < body.Length ? body[position + 1] : (byte)0;
                if (escape == 0 || (escape == 'u' && position + 6 > body.Length))
                {
                    break;
                }

                if (escape == '/')
                {
                    buffer[length++] = (byte)'/';
                    position += 2;
                }
                else if (escape == 'u' && Utf8Parser.TryParse(body.Slice(position + 2, 4), out ushort code, out var digits, 'X') && digits == 4 && code < 0x80)
                {
                    buffer[length++] = (byte)code;
                    position += 6;
                }
                else
                {
                    phase = Phase.Off;
                    return;
                }
            }

            if (length == carried && !ended)
            {
                return;
            }

            base64Length += length - carried;
            var room = decoded.AsSpan(written, (int)SourceImageInspector.MaxImageBytes - written);
            var status = Base64.DecodeFromUtf8(buffer.AsSpan(0, length), room, out var consumed, out var produced, isFinalBlock: ended);
            written += produced;
            carried = length - consumed;
            buffer.AsSpan(consumed, carried).CopyTo(buffer);
            if (status is OperationStatus.InvalidData or OperationStatus.DestinationTooSmall || (ended && status != OperationStatus.Done))
            {
                phase = Phase.Off;
                return;
            }

            if (ended)
            {
                phase = Phase.Decoded;
            }
        }
    }

    /// <summary>Stages every block that is full, and at the end of the string the last one; not awaited, collected for the commit.</summary>
    private async Task StageFullBlocksAsync(CancellationToken cancellationToken)
    {
        while (written - staged >= InputBlobStore.BlockBytes || (phase == Phase.Decoded && written > staged))
        {
            if (blob is null)
            {
                try
                {
                    (blob, blobName) = await store.BlockBlobAsync(owner, InputFields.Image, Format, cancellationToken);
                }
                catch (RequestFailedException)
                {
                    // Storage will be asked again, and its failure reported, when the image is stored after the body.
                    phase = Phase.Off;
                    return;
                }
            }

            var length = Math.Min(InputBlobStore.BlockBytes, written - staged);
            var id = Convert.ToBase64String(Encoding.ASCII.GetBytes($"block-{blockIds.Count:D6}"));
            blockIds.Add(id);
            stagings.Add(blob.StageBlockAsync(id, new MemoryStream(decoded!, staged, length, writable: false), cancellationToken: cancellationToken));
            staged += length;
        }

        if (phase == Phase.Decoded && written == 0)
        {
            phase = Phase.Off;
        }
    }
}
