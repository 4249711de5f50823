namespace KlingFunctions.Staging;

/// <summary>
/// Decodes a base64 string while it is read, a few kilobytes at a time, so uploading a 10 MB image given as base64
/// does not hold a second, decoded copy in memory. The payload was validated by <c>ImageSource.TryParse</c>.
/// </summary>
internal sealed class Base64DecodingStream(string base64) : Stream
{
    private const int CharsPerChunk = 16 * 1024; // a multiple of 4
    private readonly byte[] decoded = new byte[CharsPerChunk / 4 * 3];
    private int charOffset;
    private int decodedOffset;
    private int decodedCount;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(Span<byte> buffer)
    {
        if (decodedOffset == decodedCount && charOffset < base64.Length)
        {
            var chars = base64.AsSpan(charOffset, Math.Min(CharsPerChunk, base64.Length - charOffset));
            if (!Convert.TryFromBase64Chars(chars, decoded, out decodedCount))
            {
                throw new InvalidDataException("The payload is not valid base64.");
            }

            charOffset += chars.Length;
            decodedOffset = 0;
        }

        var count = Math.Min(buffer.Length, decodedCount - decodedOffset);
        decoded.AsSpan(decodedOffset, count).CopyTo(buffer);
        decodedOffset += count;
        return count;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
