using System.Security.Cryptography;
using System.Text;
using KlingFunctions.Http;
using KlingFunctions.Requests;

namespace KlingFunctions.Core.Tests.Http;

public sealed class RequestFingerprintTests
{
    private static readonly VideoRequest Request = new() { Prompt = "a cat", Duration = "5" };
    private static readonly string Image = Convert.ToBase64String(new byte[100_000]);

    [Fact]
    public void The_same_request_has_the_same_fingerprint()
        => Assert.Equal(Of(Request, Image), Of(Request with { }, Image));

    [Fact]
    public void Another_prompt_or_callback_makes_another_request()
    {
        var first = Of(Request, Image);

        Assert.NotEqual(first, Of(Request with { Prompt = "a dog" }, Image));
        Assert.NotEqual(first, Of(Request with { CallbackUrl = "https://caller.example/done" }, Image));
    }

    [Fact]
    public void Another_image_makes_another_request_whether_it_is_text_or_a_file_part()
    {
        var image = new byte[1000];
        var other = new byte[1000];
        other[999] = 1;

        Assert.NotEqual(Of(Request, Image), Of(Request, Convert.ToBase64String(new byte[100_001])));
        Assert.NotEqual(OfFile(image), OfFile(other));
        Assert.Equal(OfFile(image), OfFile([.. image]));
    }

    private static string Of(VideoRequest request, string image)
        => RequestFingerprint.Of(request, _ => null, new Dictionary<string, ReadOnlyMemory<byte>> { ["image"] = Encoding.UTF8.GetBytes(image) });

    private static string OfFile(byte[] bytes)
        => RequestFingerprint.Of(Request, field => field == "image" ? SHA256.HashData(bytes) : null, new Dictionary<string, ReadOnlyMemory<byte>>());
}
