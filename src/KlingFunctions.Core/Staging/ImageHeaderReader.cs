using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace KlingFunctions.Staging;

/// <summary>An image's format and, for JPEG and PNG, its pixel size (0×0 when the header is broken).</summary>
public readonly record struct ImageHeader(ImageFormat Format, int Width, int Height)
{
    public bool HasSize => Width > 0 && Height > 0;
}

/// <summary>
/// Reads format and pixel size from the first bytes of a JPEG or PNG.
/// </summary>
/// <remarks>
/// A small reader rather than MetadataExtractor: we need two numbers that sit at a fixed offset (PNG IHDR) or in
/// the first frame header (JPEG SOFn), while MetadataExtractor parses every metadata segment (EXIF, XMP, ICC…)
/// into directories and tags. This reads only up to the frame header, skipping other segments by their length
/// (seeking when the stream can), so a 10 MB image costs a few kilobytes of reading through one pooled buffer and no decoding.
/// </remarks>
public static class ImageHeaderReader
{
    private const int PngHeaderLength = 24; // signature 8 + chunk length 4 + "IHDR" 4 + width 4 + height 4

    /// <summary>The header of an image whose first bytes (or all of them) are in memory.</summary>
    public static Task<ImageHeader> ReadAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
        => ReadAsync(MemoryMarshal.TryGetArray(bytes, out var array)
            ? new MemoryStream(array.Array!, array.Offset, array.Count, writable: false)
            : new MemoryStream(bytes.ToArray(), writable: false), cancellationToken);

    public static async Task<ImageHeader> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            var read = await stream.ReadAtLeastAsync(buffer.AsMemory(0, PngHeaderLength), PngHeaderLength, throwOnEndOfStream: false, cancellationToken);
            var format = ImageFormats.Detect(buffer.AsSpan(0, read));
            return format switch
            {
                ImageFormat.Png => ReadPng(buffer.AsSpan(0, read)),
                ImageFormat.Jpeg => await ReadJpegAsync(stream, buffer, read, cancellationToken),
                _ => new ImageHeader(format, 0, 0),
            };
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static ImageHeader ReadPng(ReadOnlySpan<byte> head)
    {
        if (head.Length < PngHeaderLength || !head[12..16].SequenceEqual("IHDR"u8))
        {
            return new ImageHeader(ImageFormat.Png, 0, 0);
        }

        // PNG sizes are unsigned 31-bit; anything above int.MaxValue is invalid and reads as negative → no size.
        return new ImageHeader(
            ImageFormat.Png,
            Math.Max(0, BinaryPrimitives.ReadInt32BigEndian(head[16..20])),
            Math.Max(0, BinaryPrimitives.ReadInt32BigEndian(head[20..24])));
    }

    private static async Task<ImageHeader> ReadJpegAsync(Stream stream, byte[] buffer, int buffered, CancellationToken cancellationToken)
    {
        var broken = new ImageHeader(ImageFormat.Jpeg, 0, 0);
        var reader = new SegmentReader(stream, buffer, position: 2, end: buffered); // after SOI (FF D8)

        while (true)
        {
            if (await reader.NextByteAsync(cancellationToken) != 0xFF)
            {
                return broken;
            }

            int marker;
            do
            {
                marker = await reader.NextByteAsync(cancellationToken); // 0xFF may repeat as fill before a marker
            }
            while (marker == 0xFF);

            if (marker is < 0 or 0xD9 or 0xDA)
            {
                return broken; // end of file, end of image or start of scan before any frame header
            }

            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                continue; // standalone markers carry no length
            }

            var length = await reader.NextUInt16Async(cancellationToken);
            if (length < 2)
            {
                return broken;
            }

            // SOF0…SOF15 except DHT (C4), JPG (C8) and DAC (CC) start with precision, height, width.
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                var precision = await reader.NextByteAsync(cancellationToken);
                var height = await reader.NextUInt16Async(cancellationToken);
                var width = await reader.NextUInt16Async(cancellationToken);
                return precision < 0 || height <= 0 || width <= 0 ? broken : new ImageHeader(ImageFormat.Jpeg, width, height);
            }

            if (!await reader.SkipAsync(length - 2, cancellationToken))
            {
                return broken;
            }
        }
    }

    /// <summary>Reads bytes through one small buffer and skips segments without reading them when it can seek.</summary>
    private sealed class SegmentReader(Stream stream, byte[] buffer, int position, int end)
    {
        public async ValueTask<int> NextByteAsync(CancellationToken cancellationToken)
        {
            if (position == end)
            {
                end = await stream.ReadAsync(buffer, cancellationToken);
                position = 0;
                if (end == 0)
                {
                    return -1;
                }
            }

            return buffer[position++];
        }

        public async ValueTask<int> NextUInt16Async(CancellationToken cancellationToken)
        {
            var high = await NextByteAsync(cancellationToken);
            var low = await NextByteAsync(cancellationToken);
            return high < 0 || low < 0 ? -1 : (high << 8) | low;
        }

        public async ValueTask<bool> SkipAsync(int count, CancellationToken cancellationToken)
        {
            var fromBuffer = Math.Min(count, end - position);
            position += fromBuffer;
            count -= fromBuffer;
            if (count == 0)
            {
                return true;
            }

            if (stream.CanSeek)
            {
                stream.Seek(count, SeekOrigin.Current);
                return stream.Position < stream.Length;
            }

            while (count > 0)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(0, Math.Min(count, buffer.Length)), cancellationToken);
                if (read == 0)
                {
                    return false;
                }

                count -= read;
            }

            return true;
        }
    }
}
