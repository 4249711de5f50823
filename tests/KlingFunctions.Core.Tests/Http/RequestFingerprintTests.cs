using KlingFunctions.Http;
using KlingFunctions.Requests;
using Microsoft.AspNetCore.Http;

namespace KlingFunctions.Core.Tests.Http;

public sealed class RequestFingerprintTests
{
    private static readonly VideoRequest Request = new() { Image = Convert.ToBase64String(new byte[100_000]), Prompt = "a cat", Duration = "5" };

    [Fact]
    public async Task The_same_request_has_the_same_fingerprint()
        => Assert.Equal(await OfAsync(Request), await OfAsync(Request with { }));

    [Fact]
    public async Task Another_prompt_or_callback_makes_another_request()
    {
        var first = await OfAsync(Request);

        Assert.NotEqual(first, await OfAsync(Request with { Prompt = "a dog" }));
        Assert.NotEqual(first, await OfAsync(Request with { CallbackUrl = "https://caller.example/done" }));
    }

    [Fact]
    public async Task Another_image_makes_another_request_whether_it_is_text_or_a_file_part()
    {
        var image = new byte[1000];
        var other = new byte[1000];
        other[999] = 1;

        Assert.NotEqual(await OfAsync(Request), await OfAsync(Request with { Image = Convert.ToBase64String(new byte[100_001]) }));
        Assert.NotEqual(await OfAsync(Request with { Image = null }, File(image)), await OfAsync(Request with { Image = null }, File(other)));
        Assert.Equal(await OfAsync(Request with { Image = null }, File(image)), await OfAsync(Request with { Image = null }, File([.. image])));
    }

    private static Task<string> OfAsync(VideoRequest request, IFormFile? image = null)
        => RequestFingerprint.OfAsync(new IncomingVideoRequest(request, image is null ? new Dictionary<string, IFormFile>() : new Dictionary<string, IFormFile> { ["image"] = image }), CancellationToken.None);

    private static FormFile File(byte[] bytes) => new(new MemoryStream(bytes), 0, bytes.Length, "image", "cat.png");
}
