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

    [Fact]
    public void Another_model_or_end_frame_makes_another_request()
    {
        var first = Of(Request with { Model = "kling-v2-1-std" }, Image);

        Assert.NotEqual(first, Of(Request with { Model = "kling-v2-1-pro" }, Image));
        Assert.NotEqual(Of(Request with { Model = "kling-v2-1-pro" }, Image), Of(Request with { Model = "kling-v2-1-pro", EndImage = "https://images.example/end.png" }, Image));
    }

    [Fact]
    public void A_request_for_the_original_model_keeps_the_fingerprint_it_had_before_models_could_be_chosen()
    {
        // SHA-256 of this request as fingerprinted before the catalogue (commit a61529b): its parameters as JSON, then each image.
        const string Before = "c02c6f8f5a05cb2cf32105b43cd96e3d5227dcc1e98d69558ff258a1e2891f13";

        Assert.Equal(Of(Request, Image), Of(Request with { Model = "kling-v2-1-std" }, Image));
        Assert.Equal(Before, Of(Request with { Model = "kling-v2-1-std" }, Image));
    }

    private static string Of(VideoRequest request, string image)
        => RequestFingerprint.Of(request, _ => null, new Dictionary<string, ReadOnlyMemory<byte>> { ["image"] = Encoding.UTF8.GetBytes(image) });

    private static string OfFile(byte[] bytes)
        => RequestFingerprint.Of(Request, field => field == "image" ? SHA256.HashData(bytes) : null, new Dictionary<string, ReadOnlyMemory<byte>>());
}
