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
    public async Task Archiving_again_returns_the_stored_video_without_downloading_it_again()
    {
        await using var services = StagingServices.Create(azurite);
        var archive = services.GetRequiredService<VideoArchive>();
        await archive.ArchiveAsync(jobId, server.Url("/video.mp4"), CancellationToken.None);

        var again = await archive.ArchiveAsync(jobId, server.Url("/video.mp4"), CancellationToken.None);

        Assert.Equal(new ArchiveResult($"{jobId}.mp4", video.Length, null), again);
        Assert.Equal(1, downloads);
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
}
