using System.Collections.Specialized;
using System.Web;
using Azure;
using Azure.Core;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using KlingFunctions.Storage;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace KlingFunctions.Core.Tests.Storage;

/// <summary>The managed-identity path, which Azurite cannot exercise: it issues no delegation keys to shared-key clients.</summary>
public sealed class UserDelegationSasTests : IDisposable
{
    private static readonly Uri AccountUri = new("https://account.blob.core.windows.net");
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly StorageOptions options = new() { SasLifetime = TimeSpan.FromHours(1) };
    private readonly Mock<BlobServiceClient> service;
    private readonly UserDelegationKeyCache keys;
    private readonly BlobReadUrls urls;

    public UserDelegationSasTests()
    {
        service = new Mock<BlobServiceClient>(AccountUri, Mock.Of<TokenCredential>(), new BlobClientOptions()) { CallBase = true };
        service
            .Setup(client => client.GetUserDelegationKeyAsync(It.IsAny<BlobGetUserDelegationKeyOptions>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((BlobGetUserDelegationKeyOptions request, CancellationToken _) => Response.FromValue(
                BlobsModelFactory.UserDelegationKey("object-id", "tenant-id", request.StartsOn!.Value, request.ExpiresOn, "b", "2025-01-05", Convert.ToBase64String(new byte[32])),
                Mock.Of<Response>()));
        keys = new UserDelegationKeyCache(service.Object, time);
        urls = new BlobReadUrls(service.Object, keys, Options.Create(options), time);
    }

    [Fact]
    public async Task Signs_with_the_account_key_when_the_client_has_one_without_asking_for_a_delegation_key()
    {
        var keyed = new Mock<BlobServiceClient>(AccountUri, new StorageSharedKeyCredential("account", Convert.ToBase64String(new byte[64])), new BlobClientOptions()) { CallBase = true };
        using var keyedCache = new UserDelegationKeyCache(keyed.Object, time);
        var keyedUrls = new BlobReadUrls(keyed.Object, keyedCache, Options.Create(options), time);

        var query = Query(await keyedUrls.ForInputAsync("job/image.png", CancellationToken.None));

        Assert.NotNull(query["sig"]);
        Assert.Null(query["skoid"]);
        keyed.Verify(client => client.GetUserDelegationKeyAsync(It.IsAny<BlobGetUserDelegationKeyOptions>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task Signs_a_read_only_https_url_for_one_blob_with_a_user_delegation_key_without_an_account_key()
    {
        var url = await urls.ForInputAsync("job/image.png", CancellationToken.None);

        var query = Query(url);
        Assert.Equal("https://account.blob.core.windows.net/inputs/job/image.png", url.GetLeftPart(UriPartial.Path));
        Assert.Equal("object-id", query["skoid"]);
        Assert.Equal(("r", "b", "https"), (query["sp"], query["sr"], query["spr"]));
    }

    [Fact]
    public async Task Starts_a_few_minutes_in_the_past_and_lasts_the_configured_lifetime()
    {
        var query = Query(await urls.ForInputAsync("job/image.png", CancellationToken.None));

        Assert.Equal("2026-03-01T11:55:00Z", query["st"]);
        Assert.Equal("2026-03-01T13:00:00Z", query["se"]);
    }

    [Fact]
    public async Task Reuses_one_delegation_key_for_later_urls()
    {
        await urls.ForInputAsync("job-1/image.png", CancellationToken.None);
        time.Advance(TimeSpan.FromHours(20));
        await urls.ForInputAsync("job-2/image.png", CancellationToken.None);

        service.Verify(client => client.GetUserDelegationKeyAsync(It.IsAny<BlobGetUserDelegationKeyOptions>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task Renews_the_key_before_it_could_expire_ahead_of_a_new_url()
    {
        await urls.ForInputAsync("job-1/image.png", CancellationToken.None);
        time.Advance(UserDelegationKeyCache.KeyLifetime - options.SasLifetime);
        var query = Query(await urls.ForInputAsync("job-2/image.png", CancellationToken.None));

        service.Verify(client => client.GetUserDelegationKeyAsync(It.IsAny<BlobGetUserDelegationKeyOptions>(), It.IsAny<CancellationToken>()), Times.Exactly(2));
        Assert.True(DateTimeOffset.Parse(query["ske"]!, System.Globalization.CultureInfo.InvariantCulture) >= DateTimeOffset.Parse(query["se"]!, System.Globalization.CultureInfo.InvariantCulture));
    }

    public void Dispose() => keys.Dispose();

    private static NameValueCollection Query(Uri url) => HttpUtility.ParseQueryString(url.Query);
}
