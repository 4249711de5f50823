using System.Net.Http.Json;
using System.Text.Json;
using KlingFunctions.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace KlingFunctions.DevHost.Tests;

/// <summary>
/// A real HTTP listener on loopback that takes jobs' callbacks (<c>callback_url</c>) and keeps each view it received.
/// The DevHost must allow private addresses (<see cref="Settings"/>) to call it.
/// </summary>
public sealed class CallbackReceiver : IAsyncDisposable
{
    private readonly List<JsonElement> views = [];
    private LocalWebServer? server;

    /// <summary>Where callbacks go.</summary>
    public Uri Url => server!.Url("/done");

    /// <summary>The settings that let a DevHost call back to loopback.</summary>
    public static Dictionary<string, string?> Settings => new() { ["Storage:AllowPrivateNetworkSources"] = "true" };

    public IReadOnlyList<JsonElement> Views
    {
        get
        {
            lock (views)
            {
                return [.. views];
            }
        }
    }

    public static async Task<CallbackReceiver> StartAsync()
    {
        var receiver = new CallbackReceiver();
        receiver.server = await LocalWebServer.StartAsync(app => app.MapPost("/done", receiver.ReceiveAsync));
        return receiver;
    }

    private async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        var view = await request.ReadFromJsonAsync<JsonElement>();
        lock (views)
        {
            views.Add(view);
        }

        return Results.Ok();
    }

    public async ValueTask DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }
}
