using System.Net;
using System.Net.Sockets;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using KlingFunctions.Core.Tests.Fixtures;
using KlingFunctions.Requests;
using KlingFunctions.Staging;
using KlingFunctions.Storage;
using KlingFunctions.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace KlingFunctions.Core.Tests.Staging;

[Collection(UsesAzurite.Name)]
public sealed class SourceImageStagerTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const long Cap = SourceImageInspector.MaxImageBytes;
    private readonly string jobId = Guid.NewGuid().ToString("N");
    private ServiceProvider services = null!;

    private InputBlobStore Store => services.GetRequiredService<InputBlobStore>();

    private SourceImageStager Stager => services.GetRequiredService<SourceImageStager>();

    public Task InitializeAsync()
    {
        services = StagingServices.Create(azurite);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await services.DisposeAsync();

    [Fact]
    public async Task An_uploaded_stream_is_stored_as_a_private_typed_blob_and_staged_with_its_size()
    {
        var png = TestImages.Png(1280, 720, totalBytes: 50_000);

        var stored = await Store.StoreUploadAsync(jobId, "image", new MemoryStream(png), CancellationToken.None);
        var result = await Stager.StageAsync(new StagingRequest(jobId, stored.Input!), CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Equal(new StagedImage("image", $"{jobId}/image.png", ImageFormat.Png, 1280, 720, png.Length), result.Image);
        var blob = await InputBlob($"{jobId}/image.png").DownloadContentAsync();
        Assert.Equal("image/png", blob.Value.Details.ContentType);
        Assert.Equal(png, blob.Value.Content.ToArray());
    }

    [Fact]
    public async Task Base64_is_decoded_into_a_blob_and_staged()
    {
        var jpeg = TestImages.Jpeg(800, 600, exifBytes: 40_000); // longer than one decoding chunk
        var source = Parse(Convert.ToBase64String(jpeg));

        var stored = await Store.StoreAsync(jobId, "image", source, CancellationToken.None);
        var result = await Stager.StageAsync(new StagingRequest(jobId, stored.Input!), CancellationToken.None);

        Assert.Equal(new StagedImage("image", $"{jobId}/image.jpg", ImageFormat.Jpeg, 800, 600, jpeg.Length), result.Image);
        Assert.Equal(jpeg, (await InputBlob($"{jobId}/image.jpg").DownloadContentAsync()).Value.Content.ToArray());
    }

    [Fact]
    public async Task A_data_url_is_decoded_into_a_blob_and_staged()
    {
        var png = TestImages.Png(640, 640);
        var source = Parse($"data:image/png;base64,{Convert.ToBase64String(png)}");

        var stored = await Store.StoreAsync(jobId, "static_mask", source, CancellationToken.None);

        Assert.Equal($"{jobId}/static_mask.png", stored.Input!.BlobName);
        Assert.Equal(png, (await InputBlob($"{jobId}/static_mask.png").DownloadContentAsync()).Value.Content.ToArray());
    }

    [Fact]
    public async Task An_https_url_is_kept_as_a_reference_at_the_edge()
    {
        var source = Parse("https://images.example.com/cat.png");

        var stored = await Store.StoreAsync(jobId, "image", source, CancellationToken.None);

        Assert.Equal(InputReference.FromUrl(new Uri("https://images.example.com/cat.png")), stored.Input);
    }

    [Fact]
    public async Task A_url_is_fetched_into_our_own_blob_and_staged()
    {
        var png = TestImages.Png(1024, 768, totalBytes: 30_000);
        await using var server = await LocalWebServer.StartAsync(app => app.MapGet("/cat.png", () => Results.Bytes(png, "application/octet-stream")));

        var result = await Stager.StageAsync(new StagingRequest(jobId, InputReference.FromUrl(server.Url("/cat.png"))), CancellationToken.None);

        Assert.Equal(new StagedImage("image", $"{jobId}/image.png", ImageFormat.Png, 1024, 768, png.Length), result.Image);
        Assert.Equal(png, (await InputBlob($"{jobId}/image.png").DownloadContentAsync()).Value.Content.ToArray());
    }

    [Fact]
    public async Task An_end_frame_from_a_url_is_fetched_into_our_own_blob_and_staged_beside_the_image()
    {
        var jpeg = TestImages.Jpeg(1024, 768);
        await using var server = await LocalWebServer.StartAsync(app => app.MapGet("/last.jpg", () => Results.Bytes(jpeg, "image/jpeg")));

        var result = await Stager.StageAsync(new StagingRequest(jobId, await UploadAsync("image", TestImages.Png(1024, 768)), EndImage: InputReference.FromUrl(server.Url("/last.jpg"))), CancellationToken.None);

        Assert.True(result.Succeeded, string.Join(" ", result.Errors));
        Assert.Equal(new StagedImage("end_image", $"{jobId}/end_image.jpg", ImageFormat.Jpeg, 1024, 768, jpeg.Length), result.EndImage);
        Assert.Equal(jpeg, (await InputBlob($"{jobId}/end_image.jpg").DownloadContentAsync()).Value.Content.ToArray());
    }

    [Fact]
    public async Task An_end_frame_from_a_url_is_held_to_the_image_rules()
    {
        await using var server = await LocalWebServer.StartAsync(app => app.MapGet("/last.png", () => Results.Bytes(TestImages.Png(1000, 300), "image/png")));

        var result = await Stager.StageAsync(new StagingRequest(jobId, await UploadAsync("image", TestImages.Png(1000, 600)), EndImage: InputReference.FromUrl(server.Url("/last.png"))), CancellationToken.None);

        var error = Assert.Single(result.Errors);
        Assert.Equal("end_image", error.Field);
        Assert.Contains("aspect ratio of 3.333:1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Masks_of_the_image_aspect_ratio_and_one_resolution_are_staged()
    {
        var request = new StagingRequest(
            jobId,
            await UploadAsync("image", TestImages.Png(1000, 600)),
            await UploadAsync("static_mask", TestImages.Png(500, 300)),
            [await UploadAsync("dynamic_masks[0].mask", TestImages.Jpeg(500, 300)), await UploadAsync("dynamic_masks[1].mask", TestImages.Png(500, 300))]);

        var result = await Stager.StageAsync(request, CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Equal($"{jobId}/static_mask.png", result.StaticMask!.BlobName);
        Assert.Equal([$"{jobId}/dynamic_masks/0.jpg", $"{jobId}/dynamic_masks/1.png"], result.DynamicMasks.Select(mask => mask.BlobName));
    }

    [Fact]
    public async Task Bytes_that_are_not_an_image_are_rejected()
    {
        var error = await StageSingleErrorAsync(TestImages.Text());

        Assert.Equal(new StagingError("image", "must be a JPEG or PNG image, but its bytes are not an image."), error);
    }

    [Fact]
    public async Task A_gif_is_rejected_by_name()
    {
        var error = await StageSingleErrorAsync(TestImages.Gif(500, 500));

        Assert.Equal(new StagingError("image", "must be a JPEG or PNG image, but it is GIF."), error);
    }

    [Fact]
    public async Task An_image_narrower_than_300_pixels_is_rejected()
    {
        var error = await StageSingleErrorAsync(TestImages.Png(299, 400));

        Assert.Equal(new StagingError("image", "is 299×400 pixels; both sides must be at least 300 pixels."), error);
    }

    [Fact]
    public async Task An_image_taller_than_2_5_to_1_is_rejected()
    {
        var error = await StageSingleErrorAsync(TestImages.Jpeg(1000, 2600));

        Assert.Equal("image", error.Field);
        Assert.Contains("it must be between 1:2.5 (0.4:1) and 2.5:1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_mask_of_another_resolution_than_the_other_masks_is_rejected()
    {
        var request = new StagingRequest(
            jobId,
            await UploadAsync("image", TestImages.Png(1000, 600)),
            await UploadAsync("static_mask", TestImages.Png(1000, 600)),
            [await UploadAsync("dynamic_masks[0].mask", TestImages.Png(500, 300))]);

        var result = await Stager.StageAsync(request, CancellationToken.None);

        var error = Assert.Single(result.Errors);
        Assert.Equal("dynamic_masks[0].mask", error.Field);
        Assert.Contains("must have the same resolution", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_mask_of_another_aspect_ratio_than_the_image_is_rejected()
    {
        var request = new StagingRequest(
            jobId,
            await UploadAsync("image", TestImages.Png(1000, 600)),
            await UploadAsync("static_mask", TestImages.Png(500, 500)));

        var result = await Stager.StageAsync(request, CancellationToken.None);

        Assert.Equal(
            new StagingError("static_mask", "is 500×500 pixels, which does not have the aspect ratio of the image (1000×600)."),
            Assert.Single(result.Errors));
    }

    [Fact]
    public async Task An_upload_of_10_MB_and_one_byte_is_refused_and_nothing_is_stored()
    {
        var png = TestImages.Png(1000, 1000, totalBytes: (int)Cap + 1);

        var stored = await Store.StoreUploadAsync(jobId, "image", new MemoryStream(png), CancellationToken.None);

        Assert.Equal(new StagingError("image", "is larger than 10 MB (10,485,760 bytes)."), stored.Error);
        Assert.Empty(await InputBlobNamesAsync());
    }

    [Fact]
    public async Task An_upload_of_exactly_10_MB_is_stored()
    {
        var stored = await Store.StoreUploadAsync(jobId, "image", new MemoryStream(TestImages.Png(1000, 1000, totalBytes: (int)Cap)), CancellationToken.None);

        Assert.NotNull(stored.Input);
    }

    [Fact]
    public async Task An_endless_url_is_refused_and_not_read_much_past_the_limit()
    {
        // A raw socket server: unlike Kestrel, which discards writes after a client hangs up, a socket write
        // fails once the client is gone, so what it counts is what actually went onto the connection.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var serving = ServeEndlesslyAsync(listener);
        var url = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/endless.png");

        var result = await Stager.StageAsync(new StagingRequest(jobId, InputReference.FromUrl(url)), CancellationToken.None);

        Assert.Equal(new StagingError("image", "is larger than 10 MB (10,485,760 bytes)."), Assert.Single(result.Errors));
        // The server's write failing at all proves the client hung up; the only overshoot is what the client's
        // kernel receive buffer took in before that (autotuned up to tcp_rmem's maximum) plus one chunk.
        var sent = await serving.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.InRange(sent, Cap, Cap + MaxReceiveBuffer() + (1024 * 1024));
        Assert.Empty(await InputBlobNamesAsync());
    }

    [Fact]
    public async Task A_url_declaring_more_than_10_MB_is_refused_before_its_body_is_read()
    {
        var hungUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await LocalWebServer.StartAsync(app => app.MapGet("/big.png", async (HttpContext context) =>
        {
            context.Response.ContentLength = Cap + 1;
            await context.Response.Body.FlushAsync(); // headers only; the body never comes
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => hungUp.TrySetResult(), TaskScheduler.Default);
        }));

        var result = await Stager.StageAsync(new StagingRequest(jobId, InputReference.FromUrl(server.Url("/big.png"))), CancellationToken.None);

        Assert.Equal(new StagingError("image", "is larger than 10 MB (10,485,760 bytes)."), Assert.Single(result.Errors));
        await hungUp.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData(503)]
    [InlineData(500)]
    [InlineData(408)]
    [InlineData(429)]
    public async Task A_url_whose_host_may_answer_later_is_thrown_so_that_Durable_retries_staging(int status)
    {
        await using var server = await LocalWebServer.StartAsync(app => app.MapGet("/busy.png", () => Results.StatusCode(status)));

        var failure = await Assert.ThrowsAsync<SourceUnavailableException>(() => Stager.StageAsync(new StagingRequest(jobId, InputReference.FromUrl(server.Url("/busy.png"))), CancellationToken.None));

        Assert.Contains($"answered {status}", failure.Message, StringComparison.Ordinal);
        Assert.StartsWith("image ", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_url_that_times_out_is_thrown_so_that_Durable_retries_staging()
    {
        await using var server = await LocalWebServer.StartAsync(app => app.MapGet("/slow.png", async (HttpContext context) => await Task.Delay(Timeout.Infinite, context.RequestAborted)));
        await using var services = StagingServices.Create(azurite, settings: ("Storage:SourceTimeout", "00:00:01"));

        await Assert.ThrowsAsync<SourceUnavailableException>(() => services.GetRequiredService<SourceImageStager>().StageAsync(new StagingRequest(jobId, InputReference.FromUrl(server.Url("/slow.png"))), CancellationToken.None));
    }

    [Fact]
    public async Task A_url_that_answers_404_is_reported_on_its_field()
    {
        await using var server = await LocalWebServer.StartAsync(app => app.MapGet("/gone.png", () => Results.NotFound()));

        var result = await Stager.StageAsync(
            new StagingRequest(jobId, await UploadAsync("image", TestImages.Png(600, 600)), InputReference.FromUrl(server.Url("/gone.png"))),
            CancellationToken.None);

        Assert.Equal(new StagingError("static_mask", "points to a URL that answered 404 Not Found."), Assert.Single(result.Errors));
    }

    /// <summary>Answers one request with a body that never ends; returns the bytes written before the client left.</summary>
    private static async Task<long> ServeEndlesslyAsync(TcpListener listener)
    {
        using var client = await listener.AcceptTcpClientAsync();
        client.SendBufferSize = 64 * 1024; // a fixed, small send buffer: sent bytes are bytes the client's side took
        var stream = client.GetStream();
        var request = new byte[8192];
        var received = 0;
        while (!request.AsSpan(0, received).EndsWith("\r\n\r\n"u8))
        {
            received += await stream.ReadAsync(request.AsMemory(received));
        }

        await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nConnection: close\r\n\r\n"u8.ToArray());
        var chunk = new byte[64 * 1024];
        TestImages.Png(1000, 1000).CopyTo(chunk, 0);
        long sent = 0;
        try
        {
            while (true)
            {
                await stream.WriteAsync(chunk);
                sent += chunk.Length;
            }
        }
        catch (IOException)
        {
            return sent; // the client hung up
        }
    }

    private static long MaxReceiveBuffer()
    {
        const string linux = "/proc/sys/net/ipv4/tcp_rmem"; // "min default max"
        return File.Exists(linux) ? long.Parse(File.ReadAllText(linux).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[2], System.Globalization.CultureInfo.InvariantCulture) : 8 * 1024 * 1024;
    }

    private static ImageSource Parse(string value)
    {
        Assert.True(ImageSource.TryParse(value, out var source, out var error), error);
        return source!;
    }

    private async Task<StagingError> StageSingleErrorAsync(byte[] image)
    {
        var result = await Stager.StageAsync(new StagingRequest(jobId, await UploadAsync("image", image)), CancellationToken.None);
        Assert.False(result.Succeeded);
        return Assert.Single(result.Errors);
    }

    private async Task<InputReference> UploadAsync(string field, byte[] bytes)
        => (await Store.StoreUploadAsync(jobId, field, new MemoryStream(bytes), CancellationToken.None)).Input!;

    private BlobClient InputBlob(string name)
        => azurite.CreateServiceClient().GetBlobContainerClient(services.Options().InputContainer).GetBlobClient(name);

    private async Task<List<string>> InputBlobNamesAsync()
    {
        var container = await services.GetRequiredService<BlobContainers>().InputsAsync(CancellationToken.None);
        var names = new List<string>();
        await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, jobId + "/", CancellationToken.None))
        {
            names.Add(blob.Name);
        }

        return names;
    }
}
