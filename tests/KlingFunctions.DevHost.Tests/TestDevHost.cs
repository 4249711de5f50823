using System.Net.Http.Json;
using System.Text.Json;
using KlingFunctions.DevHost.Azurite;
using KlingFunctions.FreepikSimulator;
using KlingFunctions.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace KlingFunctions.DevHost.Tests;

/// <summary>
/// The DevHost on a real loopback port with the embedded simulator and short timings, so that the simulator's
/// webhooks travel over HTTP to the API, as Freepik's would. Jobs run on the Azure Storage backend in Azurite, each
/// host in a task hub of its own unless the test names one.
/// </summary>
public sealed class TestDevHost : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private TestDevHost(DevHostApplication host, HttpClient client)
    {
        Host = host;
        Client = client;
    }

    public DevHostApplication Host { get; }

    public HttpClient Client { get; }

    public FreepikSimulation Simulator => Host.Simulator!;

    /// <param name="configure">Adds to the host's services, e.g. an exporter that keeps the host's telemetry.</param>
    public static async Task<TestDevHost> StartAsync(AzuriteFixture azurite, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        var url = $"http://127.0.0.1:{AzuriteProcess.FreePort()}";
        var values = new Dictionary<string, string?>
        {
            ["DevHost:Url"] = url,
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["FreepikSimulator:InProgressAfter"] = "00:00:00.200",
            ["FreepikSimulator:CompletedAfter"] = "00:00:00.600",
            ["Workflow:FirstPoll"] = "00:00:01",
            ["Workflow:MaxPollInterval"] = "00:00:02",
            ["Workflow:Deadline"] = "00:00:30",
            ["Freepik:StatusRetryDelay"] = "00:00:00.050",
            ["Logging:LogLevel:Default"] = "Warning",
            ["DevHost:Telemetry"] = "None",
            ["DevHost:TaskHub"] = NewTaskHub(),

            // A Freepik account of its own: jobs of other tests never hold this host's Freepik slots.
            ["FreepikSimulator:ApiKey"] = NewApiKey(),

            // Every host reads a request queue of its own in the shared Azurite.
            ["Pipelines:RequestQueue"] = NewTaskHub(),

            // Idle queues are polled at least this often, so timers and events are not held up between test steps.
            ["DevHost:MaxQueuePollingInterval"] = "00:00:00.100",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var host = await DevHostApplication.CreateAsync([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(values);
            configure?.Invoke(builder.Services);
        }, CancellationToken.None);
        await host.StartAsync(CancellationToken.None);
        return new TestDevHost(host, new HttpClient { BaseAddress = new Uri(url) });
    }

    /// <summary>A simulated Freepik account of its own, with Freepik slots of its own.</summary>
    public static string NewApiKey() => "sim-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>A task hub name of its own (Azure Storage: letters and digits, starting with a letter).</summary>
    public static string NewTaskHub() => "t" + Guid.NewGuid().ToString("N")[..16];

    /// <summary>Settings that point the DevHost at a simulator of its own, which outlives the DevHost.</summary>
    public static Dictionary<string, string?> UsingSimulator(FreepikSimulatorServer simulator) => new()
    {
        ["DevHost:Simulator"] = "false",
        ["Freepik:BaseUrl"] = simulator.BaseUri.AbsoluteUri.TrimEnd('/'),
        ["Freepik:ApiKey"] = simulator.ApiKey,
        ["Freepik:ApiKeyHeader"] = simulator.ApiKeyHeader,
        ["Freepik:WebhookSecret"] = simulator.WebhookSecret,

        // The simulator serves its videos from loopback.
        ["Storage:AllowPrivateNetworkSources"] = "true",
    };

    /// <summary>A valid 640×480 PNG as base64, with <paramref name="prompt"/> to match simulator scripts on.</summary>
    public static Dictionary<string, object?> Request(string prompt) => new()
    {
        ["image"] = Convert.ToBase64String(TestImages.Png(640, 480)),
        ["prompt"] = prompt,
        ["duration"] = "5",
    };

    public async Task<HttpResponseMessage> PostAsync(object body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/videos") { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return await Client.SendAsync(request);
    }

    /// <summary>Starts a job and returns its id.</summary>
    public async Task<string> StartAsync(string prompt, IDictionary<string, object?>? extra = null)
    {
        var body = Request(prompt);
        foreach (var (key, value) in extra ?? new Dictionary<string, object?>())
        {
            body[key] = value;
        }

        using var response = await PostAsync(body);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    public async Task<JsonElement> GetAsync(string id) => await Client.GetFromJsonAsync<JsonElement>($"/api/videos/{id}");

    /// <summary>Waits until a job started some other way (a queue message) exists, and returns its id.</summary>
    public async Task<string> StartedAsync(string id)
    {
        await EventuallyAsync(async () => await Host.Durable.GetInstanceAsync(id) is not null);
        return id;
    }

    /// <summary>Reads the job until its status is no longer Pending or Running.</summary>
    public async Task<JsonElement> WaitUntilFinishedAsync(string id)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            var view = await GetAsync(id);
            if (view.GetProperty("status").GetString() is not ("Pending" or "Running"))
            {
                return view;
            }

            await Task.Delay(50, timeout.Token);
        }
    }

    /// <summary>Waits until the job's orchestration has ended (its callback delivered, nothing left to run) and returns its runtime status.</summary>
    public async Task<Microsoft.DurableTask.Client.OrchestrationRuntimeStatus> OrchestrationEndedAsync(string id)
    {
        using var timeout = new CancellationTokenSource(Patience);
        return (await Host.Durable.WaitForInstanceCompletionAsync(id, timeout.Token)).RuntimeStatus;
    }

    /// <summary>Waits until <paramref name="condition"/> holds, for state that settles asynchronously.</summary>
    public static Task EventuallyAsync(Func<bool> condition) => EventuallyAsync(() => Task.FromResult(condition()));

    /// <inheritdoc cref="EventuallyAsync(Func{bool})"/>
    public static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!await condition())
        {
            await Task.Delay(50, timeout.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
    }
}
