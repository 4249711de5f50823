using System.Buffers.Binary;

namespace KlingFunctions.Testing;

/// <summary>Just enough of each format for header readers: signatures and size fields, then filler bytes.</summary>
public static class TestImages
{
    public static byte[] Png(int width, int height, int totalBytes = 256)
    {
        var bytes = new byte[Math.Max(totalBytes, 33)];
        byte[] signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        signature.CopyTo(bytes, 0);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), 13);
        "IHDR"u8.CopyTo(bytes.AsSpan(12));
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(16), width);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(20), height);
        bytes[24] = 8; // bit depth
        bytes[25] = 2; // truecolour
        return bytes;
    }

    /// <summary>SOI, a JFIF APP0, an optional large APP1 (like EXIF) before the SOF0 frame header, then EOI.</summary>
    public static byte[] Jpeg(int width, int height, int exifBytes = 0)
    {
        var stream = new MemoryStream();
        stream.Write([0xFF, 0xD8]);
        stream.Write([0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
        if (exifBytes > 0)
        {
            var length = exifBytes + 2;
            stream.Write([0xFF, 0xE1, (byte)(length >> 8), (byte)length]);
            stream.Write(new byte[exifBytes]);
        }

        stream.Write([0xFF, 0xC0, 0x00, 0x11, 0x08, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 0x03]);
        stream.Write([1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
        stream.Write([0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00, 0x12, 0x34, 0xFF, 0xD9]);
        return stream.ToArray();
    }

    public static byte[] Gif(int width, int height)
    {
        var bytes = new byte[64];
        "GIF89a"u8.CopyTo(bytes);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(6), (ushort)width);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)height);
        return bytes;
    }

    public static byte[] WebP()
    {
        var bytes = new byte[64];
        "RIFF"u8.CopyTo(bytes);
        "WEBPVP8 "u8.CopyTo(bytes.AsSpan(8));
        return bytes;
    }

    public static byte[] Text() => "<html>not an image</html>"u8.ToArray();
}
