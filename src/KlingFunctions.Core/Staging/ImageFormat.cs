namespace KlingFunctions.Staging;

/// <summary>What the first bytes of a file say it is. Only <see cref="Jpeg"/> and <see cref="Png"/> are accepted.</summary>
public enum ImageFormat
{
    NotAnImage,
    Jpeg,
    Png,
    Gif,
    WebP,
    Bmp,
    Tiff,
    Heif,
}

public static class ImageFormats
{
    /// <summary>Enough bytes to tell every format in <see cref="ImageFormat"/> apart.</summary>
    public const int SignatureLength = 12;

    private static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Recognises a format from its magic bytes; file names and declared content types are not trusted.</summary>
    public static ImageFormat Detect(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith(PngSignature))
        {
            return ImageFormat.Png;
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return ImageFormat.Jpeg;
        }

        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8))
        {
            return ImageFormat.Gif;
        }

        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8))
        {
            return ImageFormat.WebP;
        }

        if (head.StartsWith("BM"u8))
        {
            return ImageFormat.Bmp;
        }

        if (head.StartsWith("II*\0"u8) || head.StartsWith("MM\0*"u8))
        {
            return ImageFormat.Tiff;
        }

        if (head.Length >= 12 && head[4..8].SequenceEqual("ftyp"u8)
            && (head[8..12].SequenceEqual("heic"u8) || head[8..12].SequenceEqual("heix"u8)
                || head[8..12].SequenceEqual("mif1"u8) || head[8..12].SequenceEqual("avif"u8)))
        {
            return ImageFormat.Heif;
        }

        return ImageFormat.NotAnImage;
    }

    public static bool IsAccepted(this ImageFormat format) => format is ImageFormat.Jpeg or ImageFormat.Png;

    /// <summary>How error messages name the format.</summary>
    public static string Describe(this ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => "JPEG",
        ImageFormat.Png => "PNG",
        ImageFormat.Gif => "GIF",
        ImageFormat.WebP => "WebP",
        ImageFormat.Bmp => "BMP",
        ImageFormat.Tiff => "TIFF",
        ImageFormat.Heif => "HEIF/AVIF",
        _ => "not an image",
    };

    public static string ContentType(this ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => "image/jpeg",
        ImageFormat.Png => "image/png",
        ImageFormat.Gif => "image/gif",
        ImageFormat.WebP => "image/webp",
        ImageFormat.Bmp => "image/bmp",
        ImageFormat.Tiff => "image/tiff",
        ImageFormat.Heif => "image/heif",
        _ => "application/octet-stream",
    };

    public static string Extension(this ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => ".jpg",
        ImageFormat.Png => ".png",
        ImageFormat.Gif => ".gif",
        ImageFormat.WebP => ".webp",
        ImageFormat.Bmp => ".bmp",
        ImageFormat.Tiff => ".tiff",
        ImageFormat.Heif => ".heif",
        _ => ".bin",
    };
}
