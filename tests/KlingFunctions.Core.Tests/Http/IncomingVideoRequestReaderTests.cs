using System.Text;
using Azure.Storage.Blobs;
using KlingFunctions.Http;
using KlingFunctions.Staging;
using KlingFunctions.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace KlingFunctions.Core.Tests.Http;

public sealed class IncomingVideoRequestReaderTests
{
    /// <summary>Where file parts would go; these requests have none, so it is never called.</summary>
    private static readonly IncomingImages NoFiles = new(
        new InputBlobStore(new BlobContainers(new BlobServiceClient("UseDevelopmentStorage=true"), Options.Create(new StorageOptions()), NullLogger<BlobContainers>.Instance), NullLogger<InputBlobStore>.Instance),
        "job",
        hashed: false);

    [Fact]
    public async Task A_JSON_body_without_Content_Length_is_cut_off_at_the_limit_with_413()
    {
        var reader = new IncomingVideoRequestReader(Options.Create(new ApiOptions { MaxRequestBytes = 4096 }));
        var request = Request("application/json", $"{{\"prompt\":\"{new string('a', 10_000)}\",\"duration\":\"5\"}}");

        var read = await reader.ReadAsync(request, NoFiles, CancellationToken.None);

        Assert.Equal(StatusCodes.Status413PayloadTooLarge, Assert.IsType<ProblemHttpResult>(read.Problem).StatusCode);
    }

    [Fact]
    public async Task A_multipart_text_field_longer_than_a_prompt_could_be_is_413_suggesting_a_file_part()
    {
        var reader = new IncomingVideoRequestReader(Options.Create(new ApiOptions()));
        var image = new string('A', 5 * 1024 * 1024);
        var boundary = "b0undary";
        var body = $"--{boundary}\r\nContent-Disposition: form-data; name=\"image\"\r\n\r\n{image}\r\n"
            + $"--{boundary}\r\nContent-Disposition: form-data; name=\"duration\"\r\n\r\n5\r\n--{boundary}--\r\n";

        var read = await reader.ReadAsync(Request($"multipart/form-data; boundary={boundary}", body), NoFiles, CancellationToken.None);

        var problem = Assert.IsType<ProblemHttpResult>(read.Problem);
        Assert.Equal(StatusCodes.Status413PayloadTooLarge, problem.StatusCode);
        Assert.Contains("Api:MaxFieldBytes", problem.ProblemDetails.Detail, StringComparison.Ordinal);
        Assert.Contains("file parts", problem.ProblemDetails.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_prompt_of_2500_characters_fits_in_a_multipart_field()
    {
        var reader = new IncomingVideoRequestReader(Options.Create(new ApiOptions()));
        var prompt = new string('é', 2500);
        var boundary = "b0undary";
        var body = $"--{boundary}\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\n{prompt}\r\n"
            + $"--{boundary}\r\nContent-Disposition: form-data; name=\"duration\"\r\n\r\n5\r\n--{boundary}--\r\n";

        var read = await reader.ReadAsync(Request($"multipart/form-data; boundary={boundary}", body), NoFiles, CancellationToken.None);

        Assert.Equal(prompt, read.Request?.Request.Prompt);
    }

    [Fact]
    public async Task A_JSON_body_over_its_own_limit_is_413_suggesting_multipart_or_a_URL()
    {
        var reader = new IncomingVideoRequestReader(Options.Create(new ApiOptions()));
        var json = $"{{\"image\":\"{new string('A', (int)new ApiOptions().MaxJsonBytes)}\",\"duration\":\"5\"}}";

        var read = await reader.ReadAsync(Request("application/json", json), NoFiles, CancellationToken.None);

        var problem = Assert.IsType<ProblemHttpResult>(read.Problem);
        Assert.Equal(StatusCodes.Status413PayloadTooLarge, problem.StatusCode);
        Assert.Contains("multipart/form-data file parts, or as https URLs", problem.ProblemDetails.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void The_JSON_limit_fits_a_10_MB_image_in_base64()
        => Assert.InRange(new ApiOptions().MaxJsonBytes, (4 * ((10L * 1024 * 1024) + 2) / 3) + 4096, 20L * 1024 * 1024);

    [Fact]
    public async Task Anything_but_JSON_or_a_form_is_415()
    {
        var reader = new IncomingVideoRequestReader(Options.Create(new ApiOptions()));

        var read = await reader.ReadAsync(Request("text/plain", "hello"), NoFiles, CancellationToken.None);

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
