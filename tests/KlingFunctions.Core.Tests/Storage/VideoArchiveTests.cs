using Azure.Storage.Blobs.Models;
using KlingFunctions.Core.Tests.Fixtures;
using KlingFunctions.Storage;
using KlingFunctions.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace KlingFunctions.Core.Tests.Storage;

[Collection(UsesAzurite.Name)]
public sealed class VideoArchiveTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly string jobId = Guid.NewGuid().ToString("N");
    private readonly byte[] video = Enumerable.Range(0, 9_000_000).Select(index => (byte)(index * 7)).ToArray(); // several blocks
    private int downloads;
    private LocalWebServer server = null!;

    public async Task InitializeAsync()
        => server = await LocalWebServer.StartAsync(app =>
        {
            app.MapGet("/video.mp4", () =>
            {
                Interlocked.Increment(ref downloads);
                return Results.Bytes(video, "video/mp4");
            });
            app.MapGet("/busy.mp4", () => Results.StatusCode(StatusCodes.Status503ServiceUnavailable));
            app.MapGet("/forbidden.mp4", () => Results.StatusCode(StatusCodes.Status403Forbidden));
        });

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task Stores_the_video_as_an_mp4_blob_named_for_the_job()
    {
        await using var services = StagingServices.Create(azurite);

        var result = await services.GetRequiredService<VideoArchive>().ArchiveAsync(jobId, server.Url("/video.mp4"), CancellationToken.None);

        Assert.Equal(new ArchiveResult($"{jobId}.mp4", video.Length, null), result);
        var blob = await azurite.CreateServiceClient().GetBlobContainerClient(services.Options().OutputContainer).GetBlobClient($"{jobId}.mp4").DownloadContentAsync();
        Assert.Equal("video/mp4", blob.Value.Details.ContentType);
        Assert.Equal(video, blob.Value.Content.ToArray());
    }

    [Fact]
    public async Task Archiving_again_returns_the_stored_video_and_leaves_it_as_it_was()
    {
        await using var services = StagingServices.Create(azurite);
        var archive = services.GetRequiredService<VideoArchive>();
        await archive.ArchiveAsync(jobId, server.Url("/video.mp4"), CancellationToken.None);
        var first = (await ArchivedBlob(services).GetPropertiesAsync()).Value.ETag;

        var again = await archive.ArchiveAsync(jobId, server.Url("/video.mp4"), CancellationToken.None);

        Assert.Equal(new ArchiveResult($"{jobId}.mp4", video.Length, null), again);
        Assert.Equal(first, (await ArchivedBlob(services).GetPropertiesAsync()).Value.ETag);
    }

    [Fact]
    public async Task Archiving_again_after_the_link_has_expired_returns_the_stored_video()
    {
        await using var services = StagingServices.Create(azurite);
        var archive = services.GetRequiredService<VideoArchive>();
        await archive.ArchiveAsync(jobId, server.Url("/video.mp4"), CancellationToken.None);

        var again = await archive.ArchiveAsync(jobId, server.Url("/forbidden.mp4"), CancellationToken.None);

        Assert.Equal(new ArchiveResult($"{jobId}.mp4", video.Length, null), again);
    }

    [Fact]
    public async Task A_video_host_that_may_answer_later_throws_so_that_Durable_retries_the_copy()
    {
        await using var services = StagingServices.Create(azurite);

        var failure = await Assert.ThrowsAsync<HttpRequestException>(() => services.GetRequiredService<VideoArchive>().ArchiveAsync(jobId, server.Url("/busy.mp4"), CancellationToken.None));

        Assert.Contains("answered 503", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_video_host_that_refuses_fails_the_step_without_a_retry()
    {
        await using var services = StagingServices.Create(azurite);

        var result = await services.GetRequiredService<VideoArchive>().ArchiveAsync(jobId, server.Url("/forbidden.mp4"), CancellationToken.None);

        Assert.Contains("answered 403", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_video_over_the_size_limit_fails_the_step_and_leaves_no_blob()
    {
        await using var services = StagingServices.Create(azurite, settings: ("Storage:MaxVideoBytes", "100000"));

        var result = await services.GetRequiredService<VideoArchive>().ArchiveAsync(jobId, server.Url("/video.mp4"), CancellationToken.None);

        Assert.Equal("The video URL is larger than the limit of 100,000 bytes.", result.Error);
        var exists = await azurite.CreateServiceClient().GetBlobContainerClient(services.Options().OutputContainer).GetBlobClient($"{jobId}.mp4").ExistsAsync();
        Assert.False(exists.Value);
    }

    [Fact]
    public async Task An_https_video_is_copied_by_the_storage_service_and_not_downloaded_by_the_app()
    {
        await using var services = StagingServices.Create(azurite);
        var source = await AzuriteBlobAsync("application/octet-stream");

        var result = await services.GetRequiredService<VideoArchive>().ArchiveAsync(jobId, source, CancellationToken.None);

        Assert.Equal(new ArchiveResult($"{jobId}.mp4", video.Length, null), result);
        var blob = ArchivedBlob(services);
        var properties = (await blob.GetPropertiesAsync()).Value;
        Assert.Equal(CopyStatus.Success, properties.CopyStatus);
        Assert.Equal("video/mp4", properties.ContentType);
        Assert.Equal(video, (await blob.DownloadContentAsync()).Value.Content.ToArray());
    }

    [Fact]
    public async Task A_video_over_the_size_limit_copied_by_the_storage_service_fails_the_step_and_leaves_no_blob()
    {
        await using var services = StagingServices.Create(azurite, settings: ("Storage:MaxVideoBytes", "100000"));

        var result = await services.GetRequiredService<VideoArchive>().ArchiveAsync(jobId, await AzuriteBlobAsync("video/mp4"), CancellationToken.None);

        Assert.Equal("The video URL is larger than the limit of 100,000 bytes.", result.Error);
        Assert.False((await ArchivedBlob(services).ExistsAsync()).Value);
    }

    [Fact]
    public async Task An_https_video_on_a_private_address_is_not_handed_to_the_storage_service_when_such_sources_are_refused()
    {
        await using var services = StagingServices.Create(azurite, settings: ("Storage:AllowPrivateNetworkSources", "false"));

        var result = await services.GetRequiredService<VideoArchive>().ArchiveAsync(jobId, await AzuriteBlobAsync("video/mp4"), CancellationToken.None);

        Assert.Equal("The video URL resolves to 127.0.0.1, a loopback, private, link-local or multicast address, which is not allowed.", result.Error);
        Assert.False((await ArchivedBlob(services).ExistsAsync()).Value);
    }

    [Fact]
    public async Task A_video_over_plain_http_is_streamed_not_copied_by_the_storage_service()
    {
        await using var services = StagingServices.Create(azurite);

        await services.GetRequiredService<VideoArchive>().ArchiveAsync(jobId, server.Url("/video.mp4"), CancellationToken.None);

        Assert.Equal(1, downloads);
        Assert.Null((await ArchivedBlob(services).GetPropertiesAsync()).Value.CopySource);
    }

    /// <summary>
    /// An https URL of a blob in this Azurite: Azurite copies blobs of its own account by their path (it cannot fetch
    /// other URLs), which stands in for the storage service fetching Freepik's https link.
    /// </summary>
    private async Task<Uri> AzuriteBlobAsync(string contentType)
    {
        var container = azurite.CreateServiceClient().GetBlobContainerClient($"sources-{Guid.NewGuid():N}"[..20]);
        await container.CreateIfNotExistsAsync();
        var blob = container.GetBlobClient("generated.mp4");
        await blob.UploadAsync(new BinaryData(video), new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType } });
        return new UriBuilder(blob.Uri) { Scheme = Uri.UriSchemeHttps }.Uri;
    }

    private Azure.Storage.Blobs.BlobClient ArchivedBlob(ServiceProvider services)
        => azurite.CreateServiceClient().GetBlobContainerClient(services.Options().OutputContainer).GetBlobClient($"{jobId}.mp4");
}
