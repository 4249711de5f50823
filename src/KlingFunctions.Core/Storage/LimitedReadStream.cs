namespace KlingFunctions.Storage;

/// <summary>
/// Reads another stream up to a byte limit and throws <see cref="ContentTooLargeException"/> on the first byte past
/// it, so an upload reading from it aborts before committing anything and nothing past the limit is read.
/// <see cref="PeekAsync"/> looks at the first bytes (to recognise the format) without consuming them.
/// </summary>
public sealed class LimitedReadStream(Stream inner, long limit) : Stream
{
    private byte[] peeked = [];
    private int peekedOffset;
    private int peekedCount;

    /// <summary>Bytes handed to the reader so far.</summary>
    public long BytesRead { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException();
    }

    /// <summary>
    /// Reads up to <paramref name="count"/> bytes that later reads return again. Peeking again, before the first read,
    /// for at most as many bytes, returns the same bytes (so a caller may look before handing the stream on).
    /// </summary>
    public async Task<ReadOnlyMemory<byte>> PeekAsync(int count, CancellationToken cancellationToken)
    {
        if (BytesRead > 0 || peekedOffset > 0 || (peekedCount > 0 && count > peekedCount))
        {
            throw new InvalidOperationException("Peek only before the first read, and for no more bytes than before.");
        }

        if (peekedCount == 0)
        {
            var buffer = new byte[count];
            var read = await inner.ReadAtLeastAsync(buffer, count, throwOnEndOfStream: false, cancellationToken);
            peeked = buffer[..read];
            peekedCount = count;
        }

        return peeked.AsMemory(0, Math.Min(count, peeked.Length));
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        var fromPeek = ReadPeeked(buffer.Span);
        return Count(fromPeek > 0 ? fromPeek : await inner.ReadAsync(buffer[..Allowed(buffer.Length)], cancellationToken));
    }

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        var fromPeek = ReadPeeked(buffer);
        return Count(fromPeek > 0 ? fromPeek : inner.Read(buffer[..Allowed(buffer.Length)]));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int ReadPeeked(Span<byte> buffer)
    {
        var count = Math.Min(buffer.Length, peeked.Length - peekedOffset);
        peeked.AsSpan(peekedOffset, count).CopyTo(buffer);
        peekedOffset += count;
        return count;
    }

    /// <summary>Asks for at most one byte past the limit: enough to know it is exceeded, never more.</summary>
    private int Allowed(int requested) => (int)Math.Min(requested, limit - BytesRead + 1);

    private int Count(int read)
    {
        BytesRead += read;
        return BytesRead > limit ? throw new ContentTooLargeException(limit) : read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>Thrown by <see cref="LimitedReadStream"/> when its source goes past the limit.</summary>
public sealed class ContentTooLargeException(long limit)
    : IOException($"The content is larger than the limit of {limit} bytes.")
{
    public long Limit { get; } = limit;
}
