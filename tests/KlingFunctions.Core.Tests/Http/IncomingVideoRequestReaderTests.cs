using System.Text;
using KlingFunctions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace KlingFunctions.Core.Tests.Http;

public sealed class IncomingVideoRequestReaderTests
{
    [Fact]
    public async Task A_JSON_body_without_Content_Length_is_cut_off_at_the_limit_with_413()
    {
        var reader = new IncomingVideoRequestReader(Options.Create(new ApiOptions { MaxRequestBytes = 4096 }));
        var request = Request("application/json", $"{{\"prompt\":\"{new string('a', 10_000)}\",\"duration\":\"5\"}}");

        var read = await reader.ReadAsync(request, CancellationToken.None);

        Assert.Equal(StatusCodes.Status413PayloadTooLarge, Assert.IsType<ProblemHttpResult>(read.Problem).StatusCode);
    }

    [Fact]
    public async Task A_multipart_text_field_larger_than_the_form_readers_default_is_read()
    {
        var reader = new IncomingVideoRequestReader(Options.Create(new ApiOptions()));
        var image = new string('A', 5 * 1024 * 1024);
        var boundary = "b0undary";
        var body = $"--{boundary}\r\nContent-Disposition: form-data; name=\"image\"\r\n\r\n{image}\r\n"
            + $"--{boundary}\r\nContent-Disposition: form-data; name=\"duration\"\r\n\r\n5\r\n--{boundary}--\r\n";

        var read = await reader.ReadAsync(Request($"multipart/form-data; boundary={boundary}", body), CancellationToken.None);

        Assert.Null(read.Problem);
        Assert.Equal(image.Length, read.Request!.Request.Image!.Length);
    }

    [Fact]
    public async Task Anything_but_JSON_or_a_form_is_415()
    {
        var reader = new IncomingVideoRequestReader(Options.Create(new ApiOptions()));

        var read = await reader.ReadAsync(Request("text/plain", "hello"), CancellationToken.None);

        Assert.Equal(StatusCodes.Status415UnsupportedMediaType, Assert.IsType<ProblemHttpResult>(read.Problem).StatusCode);
    }

    private static HttpRequest Request(string contentType, string body)
    {
        var context = new DefaultHttpContext();
        context.Request.ContentType = contentType;
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        return context.Request;
    }
}
