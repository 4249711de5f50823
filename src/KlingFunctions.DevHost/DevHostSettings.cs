using System.Net;

namespace KlingFunctions.DevHost;

/// <summary>Which Durable Task backend the DevHost runs its jobs on.</summary>
public enum DurableEngine
{
    /// <summary>Durable Functions' default backend, in the configured storage account (Azurite): jobs survive restarts.</summary>
    AzureStorage,

    /// <summary>The in-memory backend: fast, for quick runs; jobs end with the process.</summary>
    InMemory,
}

/// <summary>
/// How many activities and orchestrations the DevHost's Durable worker runs at once, on either engine: by default
/// what the Functions app's host.json gives Durable Functions (<c>maxConcurrentActivityFunctions</c>,
/// <c>maxConcurrentOrchestratorFunctions</c>), so both hosts schedule work alike.
/// </summary>
public sealed record DurableConcurrency(int Activities = DurableConcurrency.DefaultActivities, int Orchestrations = DurableConcurrency.DefaultOrchestrations)
{
    public const int DefaultActivities = 10;
    public const int DefaultOrchestrations = 50;
}

/// <summary>What the DevHost decides at start-up from configuration (section <c>DevHost</c> and the app's own).</summary>
public sealed record DevHostSettings(string Url, bool UsesSimulator, bool HasStorage, int AzuritePort)
{
    public const string DefaultTaskHub = "KlingDevHost";

    public DurableEngine Engine { get; init; } = DurableEngine.AzureStorage;

    /// <summary>The Azure Storage task hub (its queues, tables and blobs share this prefix).</summary>
    public string TaskHub { get; init; } = DefaultTaskHub;

    /// <summary>The longest the Azure Storage backend waits between polls of an idle queue: the worst delay of a timer or event.</summary>
    public TimeSpan MaxQueuePollingInterval { get; init; } = TimeSpan.FromSeconds(1);

    public DurableConcurrency Concurrency { get; init; } = new();

    /// <summary>
    /// How long a message the Azure Storage backend took from a queue stays invisible if it is never finished: one
    /// taken by a queue read cancelled as the DevHost stops comes back after this, not after the backend's 5 minutes.
    /// </summary>
    public TimeSpan QueueVisibilityTimeout { get; init; } = DefaultQueueVisibilityTimeout;

    public static readonly TimeSpan DefaultQueueVisibilityTimeout = TimeSpan.FromMinutes(1);

    /// <summary>How often finished jobs past <c>Workflow:Retention</c> are purged (the Functions app: every hour).</summary>
    public TimeSpan PurgeInterval { get; init; } = TimeSpan.FromHours(1);

    public static DevHostSettings From(IConfiguration configuration)
    {
        // The standard ASP.NET Core address (--urls, ASPNETCORE_URLS) first, then DevHost:Url; the first one is where
        // the simulator's webhooks and video links point.
        var urls = configuration["urls"] is { Length: > 0 } standard ? standard : configuration["DevHost:Url"] ?? DevHostApplication.DefaultUrl;
        var url = Reachable(urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0]);

        // "auto": the simulator stands in exactly when there is no real key to use.
        var simulator = configuration["DevHost:Simulator"] ?? "auto";
        var usesSimulator = simulator.Equals("auto", StringComparison.OrdinalIgnoreCase)
            ? string.IsNullOrWhiteSpace(configuration["Freepik:ApiKey"])
            : bool.Parse(simulator);

        var hasStorage = !string.IsNullOrWhiteSpace(configuration["Storage:ConnectionString"])
            || !string.IsNullOrWhiteSpace(configuration["Storage:ServiceUri"])
            || !string.IsNullOrWhiteSpace(configuration["AzureWebJobsStorage"]);
        return new DevHostSettings(url, usesSimulator, hasStorage, configuration.GetValue("DevHost:AzuritePort", Azurite.AzuriteProcess.DefaultPort))
        {
            Engine = configuration.GetValue("DevHost:Engine", DurableEngine.AzureStorage),
            TaskHub = configuration["DevHost:TaskHub"] is { Length: > 0 } hub ? hub : DefaultTaskHub,
            MaxQueuePollingInterval = configuration.GetValue("DevHost:MaxQueuePollingInterval", TimeSpan.FromSeconds(1)),
            PurgeInterval = configuration.GetValue("DevHost:PurgeInterval", TimeSpan.FromHours(1)),
            QueueVisibilityTimeout = configuration.GetValue("DevHost:QueueVisibilityTimeout", DefaultQueueVisibilityTimeout),
            Concurrency = new DurableConcurrency(
                Positive(configuration, "DevHost:MaxConcurrentActivityFunctions", DurableConcurrency.DefaultActivities),
                Positive(configuration, "DevHost:MaxConcurrentOrchestratorFunctions", DurableConcurrency.DefaultOrchestrations)),
        };
    }

    private static int Positive(IConfiguration configuration, string key, int defaultValue)
    {
        var value = configuration.GetValue(key, defaultValue);
        return value > 0 ? value : throw new InvalidOperationException($"{key} must be at least 1 (it is {value}).");
    }

    /// <summary>The addresses this host listens on, as the outbound address guard sees them.</summary>
    public HashSet<IPEndPoint> OwnEndpoints()
    {
        var uri = new Uri(Url);
        IPAddress[] addresses = IPAddress.TryParse(uri.IdnHost, out var literal) ? [literal] : [IPAddress.Loopback, IPAddress.IPv6Loopback];
        return [.. addresses.Select(address => new IPEndPoint(address, uri.Port))];
    }

    /// <summary>A listening address as a URL to call: a wildcard host (<c>*</c>, <c>+</c>, 0.0.0.0, [::]) is this machine.</summary>
    private static string Reachable(string url)
    {
        var uri = new Uri(url.Replace("://*", "://localhost", StringComparison.Ordinal).Replace("://+", "://localhost", StringComparison.Ordinal));
        var host = uri.Host is "0.0.0.0" or "[::]" ? "localhost" : uri.Host;
        return new UriBuilder(uri) { Host = host }.Uri.GetLeftPart(UriPartial.Authority);
    }
}
