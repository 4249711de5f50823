using KlingFunctions.Staging;
using KlingFunctions.Testing;

namespace KlingFunctions.Core.Tests.Staging;

public class ImageHeaderReaderTests
{
    [Fact]
    public async Task Reads_the_size_of_a_png_from_its_IHDR_chunk()
    {
        var header = await ImageHeaderReader.ReadAsync(new MemoryStream(TestImages.Png(1280, 720)), CancellationToken.None);

        Assert.Equal(new ImageHeader(ImageFormat.Png, 1280, 720), header);
    }

    [Fact]
    public async Task Reads_the_size_of_a_jpeg_from_its_frame_header_after_a_large_exif_segment()
    {
        var header = await ImageHeaderReader.ReadAsync(new NonSeekableStream(TestImages.Jpeg(640, 960, exifBytes: 60_000)), CancellationToken.None);

        Assert.Equal(new ImageHeader(ImageFormat.Jpeg, 640, 960), header);
    }

    [Fact]
    public async Task Seeks_past_segments_when_the_stream_can_seek()
    {
        var stream = new MemoryStream(TestImages.Jpeg(300, 300, exifBytes: 20_000));

        var header = await ImageHeaderReader.ReadAsync(stream, CancellationToken.None);

        Assert.Equal(new ImageHeader(ImageFormat.Jpeg, 300, 300), header);
    }

    [Fact]
    public async Task Reports_no_size_for_a_jpeg_that_ends_before_its_frame_header()
    {
        var truncated = TestImages.Jpeg(640, 480, exifBytes: 1000)[..600];

        var header = await ImageHeaderReader.ReadAsync(new MemoryStream(truncated), CancellationToken.None);

        Assert.Equal(ImageFormat.Jpeg, header.Format);
        Assert.False(header.HasSize);
    }

    public static TheoryData<byte[], ImageFormat> OtherFormats => new()
    {
        { TestImages.Gif(400, 400), ImageFormat.Gif },
        { TestImages.WebP(), ImageFormat.WebP },
        { TestImages.Text(), ImageFormat.NotAnImage },
        { [], ImageFormat.NotAnImage },
    };

    [Theory]
    [MemberData(nameof(OtherFormats))]
    public async Task Recognises_other_formats_by_their_bytes(byte[] bytes, ImageFormat expected)
    {
        var header = await ImageHeaderReader.ReadAsync(new MemoryStream(bytes), CancellationToken.None);

        Assert.Equal(expected, header.Format);
    }

    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
