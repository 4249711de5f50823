using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KlingFunctions.FreepikSimulator.Tests;

/// <summary>One webhook request as it arrived.</summary>
public sealed record ReceivedWebhook(string? Id, string? Timestamp, string? Signature, byte[] Body);

/// <summary>A tiny Kestrel server on a loopback port that records every POST to /hooks.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly Channel<ReceivedWebhook> received = Channel.CreateUnbounded<ReceivedWebhook>();
    private readonly WebApplication app;

    private WebhookReceiver(WebApplication app) => this.app = app;

    public string Url { get; private set; } = "";

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hooks", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            await receiver.received.Writer.WriteAsync(new ReceivedWebhook(
                request.Headers["webhook-id"], request.Headers["webhook-timestamp"], request.Headers["webhook-signature"], body.ToArray()));
            return Results.NoContent();
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        receiver.Url = $"{address}/hooks?token=secret-token";
        return receiver;
    }

    /// <summary>The next delivery; fails the test when none arrives within a few seconds.</summary>
    public async Task<ReceivedWebhook> NextAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        return await received.Reader.ReadAsync(timeout.Token);
    }

    public async Task<List<ReceivedWebhook>> NextAsync(int count)
    {
        var deliveries = new List<ReceivedWebhook>();
        for (var i = 0; i < count; i++)
        {
            deliveries.Add(await NextAsync());
        }

        return deliveries;
    }

    public bool TryTake(out ReceivedWebhook? webhook) => received.Reader.TryRead(out webhook);

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
