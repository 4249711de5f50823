using System.Net;
using KlingFunctions.Storage;
using KlingFunctions.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace KlingFunctions.Core.Tests.Storage;

public sealed class PublicUrlFetcherTests : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private ServiceProvider? services;

    [Theory]
    [InlineData("https://127.0.0.1/cat.png", "127.0.0.1")]
    [InlineData("https://169.254.169.254/metadata/identity/oauth2/token", "169.254.169.254")]
    [InlineData("https://10.1.2.3/cat.png", "10.1.2.3")]
    [InlineData("https://[::1]/cat.png", "::1")]
    public async Task Refuses_a_url_whose_address_is_not_public_before_connecting(string url, string address)
    {
        var outcome = await Fetcher().FetchAsync(new Uri(url), 1024, Timeout, NotCalled, CancellationToken.None);

        Assert.Equal($"resolves to {address}, a loopback, private, link-local or multicast address, which is not allowed.", outcome.Error);
    }

    [Fact]
    public async Task Refuses_a_host_name_after_resolving_it_to_loopback()
    {
        var outcome = await Fetcher().FetchAsync(new Uri("https://localhost/cat.png"), 1024, Timeout, NotCalled, CancellationToken.None);

        Assert.StartsWith("resolves to ", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refuses_plain_http_to_a_public_host_without_sending_anything()
    {
        var outcome = await Fetcher().FetchAsync(new Uri("http://images.example.com/cat.png"), 1024, Timeout, NotCalled, CancellationToken.None);

        Assert.Equal("leads to http://images.example.com; only https is allowed.", outcome.Error);
    }

    [Fact]
    public async Task Follows_a_redirect_within_what_the_policy_allows()
    {
        await using var server = await LocalWebServer.StartAsync(app =>
        {
            app.MapGet("/moved", () => Results.Redirect("/cat.png"));
            app.MapGet("/cat.png", () => Results.Bytes(TestImages.Png(400, 400)));
        });
        var received = new MemoryStream();

        var outcome = await Fetcher(server.EndPoint).FetchAsync(server.Url("/moved"), 1024, Timeout, (body, token) => body.CopyToAsync(received, token), CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal(TestImages.Png(400, 400), received.ToArray());
    }

    [Theory]
    [InlineData("https://169.254.169.254/latest/meta-data/", "169.254.169.254")]
    [InlineData("https://10.0.0.7/internal", "10.0.0.7")]
    public async Task Refuses_a_redirect_into_a_non_public_address(string target, string address)
    {
        await using var server = await LocalWebServer.StartAsync(app => app.MapGet("/cat.png", () => Results.Redirect(target)));

        var outcome = await Fetcher(server.EndPoint).FetchAsync(server.Url("/cat.png"), 1024, Timeout, NotCalled, CancellationToken.None);

        Assert.Equal($"resolves to {address}, a loopback, private, link-local or multicast address, which is not allowed.", outcome.Error);
    }

    [Fact]
    public async Task Refuses_a_redirect_to_another_port_of_an_allowed_loopback_server()
    {
        await using var other = await LocalWebServer.StartAsync(app => app.MapGet("/secret", () => "internal"));
        await using var server = await LocalWebServer.StartAsync(app => app.MapGet("/cat.png", () => Results.Redirect($"https://127.0.0.1:{other.BaseAddress.Port}/secret")));

        var outcome = await Fetcher(server.EndPoint).FetchAsync(server.Url("/cat.png"), 1024, Timeout, NotCalled, CancellationToken.None);

        Assert.Equal("resolves to 127.0.0.1, a loopback, private, link-local or multicast address, which is not allowed.", outcome.Error);
    }

    [Fact]
    public async Task Stops_after_five_redirects()
    {
        var requests = 0;
        await using var server = await LocalWebServer.StartAsync(app => app.MapGet("/loop", () =>
        {
            Interlocked.Increment(ref requests);
            return Results.Redirect("/loop");
        }));

        var outcome = await Fetcher(server.EndPoint).FetchAsync(server.Url("/loop"), 1024, Timeout, NotCalled, CancellationToken.None);

        Assert.Equal("redirected more than 5 times.", outcome.Error);
        Assert.Equal(PublicUrlFetcher.MaxRedirects + 1, requests);
    }

    [Fact]
    public async Task Gives_up_when_the_server_is_slower_than_the_time_limit()
    {
        await using var server = await LocalWebServer.StartAsync(app => app.MapGet("/slow", async (HttpContext context) =>
            await Task.Delay(System.Threading.Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default)));

        var outcome = await Fetcher(server.EndPoint).FetchAsync(server.Url("/slow"), 1024, TimeSpan.FromMilliseconds(200), NotCalled, CancellationToken.None);

        Assert.Equal("timed out after 0.2 s.", outcome.Error);
    }

    public async ValueTask DisposeAsync()
    {
        if (services is not null)
        {
            await services.DisposeAsync();
        }
    }

    private static Task NotCalled(LimitedReadStream body, CancellationToken cancellationToken)
        => throw new InvalidOperationException("The body must not be read.");

    /// <summary>The fetcher as registered, private networks refused except the given test endpoints.</summary>
    private PublicUrlFetcher Fetcher(params IPEndPoint[] allowedEndpoints)
    {
        var collection = new ServiceCollection();
        collection.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = "UseDevelopmentStorage=true",
        }).Build());
        collection.AddLogging();
        collection.AddSingleton(new SourceAddressPolicy(allowPrivateNetworks: false, allowedEndpoints.ToHashSet()));
        collection.AddBlobStorage();
        services = collection.BuildServiceProvider();
        return services.GetRequiredService<PublicUrlFetcher>();
    }
}
