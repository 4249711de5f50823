using System.Collections.Concurrent;
using System.Text;
using KlingFunctions.Core.Tests.Fixtures;
using KlingFunctions.Testing;
using KlingFunctions.Workflow;
using KlingFunctions.Workflow.Activities;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StandardWebhooks;

namespace KlingFunctions.Core.Tests.Workflow;

/// <summary>Callbacks as a receiver sees them on a real socket: a declared length, and signatures it can check with the reference library.</summary>
[Collection(UsesAzurite.Name)]
public sealed class NotifyCallbackActivityTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly ConcurrentQueue<(IHeaderDictionary Headers, string Body, long? ContentLength)> received = new();
    private LocalWebServer receiver = null!;

    public async Task InitializeAsync() => receiver = await LocalWebServer.StartAsync(app => app.MapPost("/done", async (HttpRequest request) =>
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        received.Enqueue((new HeaderDictionary(request.Headers.ToDictionary(h => h.Key, h => h.Value)), await reader.ReadToEndAsync(), request.ContentLength));
        return Results.Ok();
    }));

    public async Task DisposeAsync() => await receiver.DisposeAsync();

    [Fact]
    public async Task A_callback_declares_its_length_and_is_not_chunked()
    {
        await NotifyAsync(signingSecret: null);

        var (headers, body, length) = Assert.Single(received);
        Assert.Equal(Encoding.UTF8.GetByteCount(body), length);
        Assert.False(headers.ContainsKey("Transfer-Encoding"));
        Assert.False(headers.ContainsKey("webhook-signature"));
    }

    [Theory]
    [InlineData("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    [InlineData("a-plain-text-secret-of-some-length")]
    public async Task A_signed_callback_verifies_with_the_Standard_Webhooks_reference_library(string secret)
    {
        await NotifyAsync(secret);

        var (headers, body, _) = Assert.Single(received);
        var receiverKey = secret.StartsWith("whsec_", StringComparison.Ordinal) ? new StandardWebhook(secret) : new StandardWebhook(Encoding.UTF8.GetBytes(secret));
        receiverKey.Verify(body, headers);
        Assert.Equal(NotifyCallbackActivity.CallbackId("job-1", JobStatus.Completed), headers["webhook-id"].ToString());
    }

    [Fact]
    public async Task A_repeated_callback_for_one_outcome_keeps_its_webhook_id_so_receivers_can_deduplicate()
    {
        await NotifyAsync("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        await NotifyAsync("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");

        Assert.Single(received.Select(r => r.Headers["webhook-id"].ToString()).Distinct());
    }

    private async Task NotifyAsync(string? signingSecret)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["Storage:AllowPrivateNetworkSources"] = "true",
            ["Callbacks:SigningSecret"] = signingSecret,
        }).Build();
        await using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging().AddKlingFunctions(configuration).BuildServiceProvider();
        var result = new VideoJobResult { Status = JobStatus.Completed, VideoUrls = ["https://cdn.example/video.mp4"] };

        Assert.True(await services.GetRequiredService<NotifyCallbackActivity>().RunAsync(
            new CallbackRequest(receiver.Url("/done").AbsoluteUri, "job-1", result, new VideoJobProgress { Stage = JobStage.Done, UpdatedAt = DateTime.UtcNow }, DateTimeOffset.UtcNow),
            CancellationToken.None));
    }
}
