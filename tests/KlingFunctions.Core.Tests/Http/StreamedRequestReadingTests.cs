using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using KlingFunctions.Core.Tests.Fixtures;
using KlingFunctions.Http;
using KlingFunctions.Requests;
using KlingFunctions.Staging;
using KlingFunctions.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KlingFunctions.Core.Tests.Http;

/// <summary>
/// The start request's reader on a real Kestrel socket and real Azurite: what reaches the inputs container, and
/// when. The endpoint reads the request and stores its text images as <see cref="VideoJobStarter"/> does.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class StreamedRequestReadingTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly string jobId = Guid.NewGuid().ToString("N");
    private ServiceProvider services = null!;
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private LocalWebServer server = null!;

    public async Task InitializeAsync()
    {
        services = StagingServices.Create(azurite);
        server = await LocalWebServer.StartAsync(app => app.MapPost("/api/videos", ReadAsync));
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        await services.DisposeAsync();
    }

    [Fact]
    public async Task A_file_part_of_exactly_10_MB_sent_in_pieces_is_stored_whole()
    {
        var image = TestImages.Png(2048, 2048, totalBytes: (int)SourceImageInspector.MaxImageBytes);
        var boundary = "streamed";
        var head = System.Text.Encoding.ASCII.GetBytes($"--{boundary}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"cat.png\"\r\nContent-Type: image/png\r\n\r\n");
        var tail = System.Text.Encoding.ASCII.GetBytes($"\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"duration\"\r\n\r\n5\r\n--{boundary}--\r\n");
        var body = new Pipe();
        var content = new StreamContent(body.Reader.AsStream());
        content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={boundary}");
        using var client = Client();
        var sending = client.PostAsync("/api/videos", content);

        await body.Writer.WriteAsync(head);
        for (var offset = 0; offset < image.Length; offset += 1_000_000)
        {
            await body.Writer.WriteAsync(image.AsMemory(offset, Math.Min(1_000_000, image.Length - offset)));
        }

        await body.Writer.WriteAsync(tail);
        await body.Writer.CompleteAsync();
        using var response = await sending;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(image, (await InputBlob($"{jobId}/image.png").DownloadContentAsync()).Value.Content.ToArray());
    }

    [Fact]
    public async Task A_file_part_over_10_MB_is_refused_on_its_field_stores_nothing_and_the_fields_after_it_are_still_read()
    {
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(TestImages.Png(1000, 1000, totalBytes: (int)SourceImageInspector.MaxImageBytes + 1)), "image", "cat.png" },
            { new StringContent("a cat"), "prompt" },
            { new StringContent("5"), "duration" },
        };

        var read = await PostAsync(form);

        Assert.Equal("a cat", read.GetProperty("prompt").GetString());
        Assert.Equal("is larger than 10 MB (10,485,760 bytes).", read.GetProperty("stored").GetProperty("image").GetString());
        Assert.Empty(await InputBlobNamesAsync(BlobStates.None));
    }

    [Fact]
    public async Task An_empty_file_part_is_no_image_as_an_empty_file_input_of_an_HTML_form()
    {
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent([]), "static_mask", "mask.png" },
            { new ByteArrayContent(TestImages.Png(640, 480)), "image", "cat.png" },
            { new StringContent("5"), "duration" },
        };

        var read = await PostAsync(form);

        Assert.Equal(["image"], read.GetProperty("stored").EnumerateObject().Select(field => field.Name));
        Assert.Equal([$"{jobId}/image.png"], await InputBlobNamesAsync(BlobStates.None));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_base64_image_in_JSON_is_decoded_into_its_blob_escaped_or_not(bool escaped)
    {
        // System.Text.Json's default encoder writes every '+' as \u002B; a relaxed one, and most other clients, do not.
        var noise = new byte[300_000];
        new Random(13).NextBytes(noise);
        byte[] image = [.. TestImages.Jpeg(800, 600), .. noise];
        var options = escaped ? JsonSerializerOptions.Default : Relaxed;
        var json = JsonSerializer.SerializeToUtf8Bytes(new { prompt = "a cat", image = Convert.ToBase64String(image), duration = "5" }, options);
        Assert.Equal(escaped, System.Text.Encoding.ASCII.GetString(json).Contains("\\u002B", StringComparison.Ordinal));

        var read = await PostAsync(new ByteArrayContent(json) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } });

        Assert.Equal($"{jobId}/image.jpg", read.GetProperty("stored").GetProperty("image").GetString());
        Assert.Equal(image, (await InputBlob($"{jobId}/image.jpg").DownloadContentAsync()).Value.Content.ToArray());
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task A_large_base64_image_in_JSON_is_stored_while_the_body_still_arrives(bool escaped, bool dataUrl)
    {
        var image = TestImages.Png(2048, 2048, totalBytes: (int)SourceImageInspector.MaxImageBytes);
        var value = (dataUrl ? "data:image/png;base64," : "") + Convert.ToBase64String(image);
        var json = JsonSerializer.SerializeToUtf8Bytes(new { prompt = "a cat", image = value, duration = "5" }, escaped ? JsonSerializerOptions.Default : Relaxed);
        var body = new Pipe();
        var content = new StreamContent(body.Reader.AsStream()) { Headers = { ContentType = new MediaTypeHeaderValue("application/json"), ContentLength = json.Length } };
        using var client = Client();
        var sending = client.PostAsync("/api/videos", content);

        // All but the last megabyte: the image's first blocks are staged by then, though none is committed.
        var held = json.Length - 1_000_000;
        for (var offset = 0; offset < held; offset += 500_000)
        {
            await body.Writer.WriteAsync(json.AsMemory(offset, Math.Min(500_000, held - offset)));
        }

        using (var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            while ((await InputBlobNamesAsync(BlobStates.Uncommitted)).Count == 0)
            {
                await Task.Delay(50, patience.Token);
            }
        }

        Assert.Empty(await InputBlobNamesAsync(BlobStates.None));
        await body.Writer.WriteAsync(json.AsMemory(held));
        await body.Writer.CompleteAsync();
        using var response = await sending;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"{jobId}/image.png", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("stored").GetProperty("image").GetString());
        var blob = InputBlob($"{jobId}/image.png");
        Assert.Equal(image, (await blob.DownloadContentAsync()).Value.Content.ToArray());
        Assert.Equal("image/png", (await blob.GetPropertiesAsync()).Value.ContentType);
    }

    [Fact]
    public async Task A_large_JSON_request_refused_after_its_image_arrived_stores_nothing()
    {
        var image = TestImages.Png(2048, 2048, totalBytes: 8_000_000);
        var json = JsonSerializer.SerializeToUtf8Bytes(new { image = Convert.ToBase64String(image), duration = "7" });

        var read = await PostAsync(new ByteArrayContent(json) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } });

        Assert.True(read.GetProperty("errors").TryGetProperty("duration", out _));
        Assert.Empty(await InputBlobNamesAsync(BlobStates.None));
    }

    [Fact]
    public async Task A_JSON_image_over_10_MB_is_refused_with_the_validators_message_and_stores_nothing()
    {
        var image = TestImages.Png(2048, 2048, totalBytes: (int)SourceImageInspector.MaxImageBytes + 3);
        var json = JsonSerializer.SerializeToUtf8Bytes(new { image = Convert.ToBase64String(image), duration = "5" });

        var read = await PostAsync(new ByteArrayContent(json) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } });

        Assert.Equal("image must be at most 10 MB (10,485,760 bytes); its base64 decodes to 10,485,763 bytes.", read.GetProperty("errors").GetProperty("image")[0].GetString());
        Assert.Empty(await InputBlobNamesAsync(BlobStates.None));
    }

    [Fact]
    public async Task Data_urls_and_https_urls_in_JSON_are_read_for_the_image_and_the_masks()
    {
        var mask = TestImages.Png(500, 300);
        var json = JsonSerializer.SerializeToUtf8Bytes(new
        {
            image = "https://images.example.com/cat.png",
            static_mask = $"data:image/png;base64,{Convert.ToBase64String(mask)}",
            dynamic_masks = new object[] { new { mask = Convert.ToBase64String(mask), trajectories = new[] { new { x = 1, y = 2 } } } },
            duration = "5",
        });

        var stored = (await PostAsync(new ByteArrayContent(json) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } })).GetProperty("stored");

        Assert.Equal("https://images.example.com/cat.png", stored.GetProperty("image").GetString());
        Assert.Equal($"{jobId}/static_mask.png", stored.GetProperty("static_mask").GetString());
        Assert.Equal($"{jobId}/dynamic_masks/0.png", stored.GetProperty("dynamic_masks[0].mask").GetString());
        Assert.Equal(mask, (await InputBlob($"{jobId}/dynamic_masks/0.png").DownloadContentAsync()).Value.Content.ToArray());
    }

    [Fact]
    public async Task A_JSON_image_that_is_not_base64_is_named_with_the_validators_message()
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new { image = new string('*', 200_000), duration = "5" });

        var read = await PostAsync(new ByteArrayContent(json) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } });

        Assert.Equal("image is neither an absolute https URL nor valid base64.", read.GetProperty("errors").GetProperty("image")[0].GetString());
        Assert.Empty(await InputBlobNamesAsync(BlobStates.None));
    }

    /// <summary>Reads the request, validates it, and stores its text images; answers what was stored (or why not).</summary>
    private async Task<IResult> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var store = services.GetRequiredService<InputBlobStore>();
        var files = new IncomingImages(store, jobId, hashed: false);
        var kept = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            return await ReadAndStoreAsync(request, files, kept, cancellationToken);
        }
        finally
        {
            await files.DiscardAsync(kept, CancellationToken.None);
        }
    }

    private static async Task<IResult> ReadAndStoreAsync(HttpRequest request, IncomingImages files, HashSet<string> kept, CancellationToken cancellationToken)
    {
        using var read = await new IncomingVideoRequestReader(Options.Create(new ApiOptions())).ReadAsync(request, files, cancellationToken);
        if (read.Request is not { } incoming)
        {
            return read.Problem!;
        }

        var errors = VideoRequestValidator.Validate(incoming.Request, KlingFunctions.Freepik.KlingModels.OriginalId, files.Fields, incoming.Texts);
        if (!errors.IsValid)
        {
            return Results.Json(new { errors = errors.Errors });
        }

        var stored = new Dictionary<string, string?>(StringComparer.Ordinal);
        kept.UnionWith(files.Fields);
        kept.UnionWith(incoming.Texts.Keys);
        foreach (var field in files.Fields)
        {
            stored[field] = files.Find(field)!.Input?.BlobName ?? files.Find(field)!.Error!.Message;
        }

        foreach (var (field, text) in incoming.Texts)
        {
            Assert.True(ImageSource.TryParse(text, out var source, out _));
            var input = await files.StoreTextAsync(field, source!, cancellationToken);
            stored[field] = input.Input?.BlobName ?? input.Input?.Url?.AbsoluteUri ?? input.Error!.Message;
        }

        return Results.Json(new { prompt = incoming.Request.Prompt, stored });
    }

    private HttpClient Client() => new() { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    private async Task<JsonElement> PostAsync(HttpContent content)
    {
        using var client = Client();
        using var response = await client.PostAsync("/api/videos", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private BlobClient InputBlob(string name)
        => azurite.CreateServiceClient().GetBlobContainerClient(services.Options().InputContainer).GetBlobClient(name);

    private async Task<List<string>> InputBlobNamesAsync(BlobStates states)
    {
        var container = azurite.CreateServiceClient().GetBlobContainerClient(services.Options().InputContainer);
        var names = new List<string>();
        if (!(await container.ExistsAsync()).Value)
        {
            return names;
        }

        await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, states, jobId + "/", CancellationToken.None))
        {
            names.Add(blob.Name);
        }

        return names;
    }
}
