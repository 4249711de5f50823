using System.Net;
using KlingFunctions.Core.Tests.Fixtures;
using KlingFunctions.Staging;
using KlingFunctions.Storage;
using KlingFunctions.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace KlingFunctions.Core.Tests.Storage;

[Collection(UsesAzurite.Name)]
public sealed class BlobReadUrlsTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly HttpClient Anonymous = new();
    private readonly byte[] png = TestImages.Png(800, 800, totalBytes: 20_000);
    private ServiceProvider services = null!;
    private string blobName = null!;

    public async Task InitializeAsync()
    {
        services = StagingServices.Create(azurite);
        var stored = await services.GetRequiredService<InputBlobStore>().StoreUploadAsync(Guid.NewGuid().ToString("N"), "image", new MemoryStream(png), CancellationToken.None);
        blobName = stored.Input!.BlobName!;
    }

    public async Task DisposeAsync() => await services.DisposeAsync();

    [Fact]
    public async Task Anyone_with_the_url_can_download_the_exact_bytes_without_credentials()
    {
        var url = await services.GetRequiredService<BlobReadUrls>().ForInputAsync(blobName, CancellationToken.None);

        var bytes = await Anonymous.GetByteArrayAsync(url);

        Assert.Equal(png, bytes);
    }

    [Fact]
    public async Task The_url_cannot_overwrite_the_blob()
    {
        var url = await services.GetRequiredService<BlobReadUrls>().ForInputAsync(blobName, CancellationToken.None);
        using var put = new HttpRequestMessage(HttpMethod.Put, url) { Content = new ByteArrayContent([1, 2, 3]) };
        put.Headers.Add("x-ms-blob-type", "BlockBlob");

        using var response = await Anonymous.SendAsync(put);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task The_url_is_refused_once_it_has_expired()
    {
        // Signed as if two hours ago, so its one-hour lifetime is over now, without waiting for it.
        var past = new FakeTimeProvider(DateTimeOffset.UtcNow - TimeSpan.FromHours(2));
        var service = services.GetRequiredService<Azure.Storage.Blobs.BlobServiceClient>();
        using var keys = new UserDelegationKeyCache(service, past);
        var urls = new BlobReadUrls(service, keys, services.GetRequiredService<IOptions<StorageOptions>>(), past);
        var url = await urls.ForInputAsync(blobName, CancellationToken.None);

        using var response = await Anonymous.GetAsync(url);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
