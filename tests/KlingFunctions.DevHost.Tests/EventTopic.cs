using System.Text.Json;
using KlingFunctions.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace KlingFunctions.DevHost.Tests;

/// <summary>
/// A real HTTP listener on loopback posing as an Event Grid topic with key auth: it takes what
/// <c>EventGridPublisherClient</c> sends (a CloudEvents batch with the <c>aeg-sas-key</c> header), and refuses a
/// wrong key with 401 as Event Grid does.
/// </summary>
public sealed class EventTopic : IAsyncDisposable
{
    public const string Key = "test-topic-key";

    private readonly List<ReceivedEvent> events = [];
    private LocalWebServer? server;

    public Uri Endpoint => server!.Url("/api/events");

    /// <summary>The settings that point a DevHost at this topic.</summary>
    public Dictionary<string, string?> Settings => new() { ["Events:TopicEndpoint"] = Endpoint.AbsoluteUri, ["Events:TopicKey"] = Key };

    public IReadOnlyList<ReceivedEvent> Events
    {
        get
        {
            lock (events)
            {
                return [.. events];
            }
        }
    }

    public static async Task<EventTopic> StartAsync()
    {
        var topic = new EventTopic();
        topic.server = await LocalWebServer.StartAsync(app => app.MapPost("/api/events", topic.ReceiveAsync));
        return topic;
    }

    /// <summary>The events about <paramref name="jobId"/>, once at least one has come.</summary>
    public async Task<ReceivedEvent> EventForAsync(string jobId)
    {
        await TestDevHost.EventuallyAsync(() => Events.Any(e => e.Subject == $"videos/{jobId}"));
        return Events.First(e => e.Subject == $"videos/{jobId}");
    }

    private async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        if (request.Headers["aeg-sas-key"] != Key)
        {
            return Results.Unauthorized();
        }

        var batch = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body);
        lock (events)
        {
            events.AddRange(batch.EnumerateArray().Select(e => new ReceivedEvent(e, request.ContentType ?? "", request.Query["api-version"].ToString())));
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

/// <summary>One CloudEvent as the topic received it, with the batch's content type.</summary>
public sealed record ReceivedEvent(JsonElement CloudEvent, string ContentType, string ApiVersion)
{
    public string? Subject => CloudEvent.TryGetProperty("subject", out var subject) ? subject.GetString() : null;

    public string Type => CloudEvent.GetProperty("type").GetString()!;

    public string Id => CloudEvent.GetProperty("id").GetString()!;

    public JsonElement Data => CloudEvent.GetProperty("data");
}
