using System.Globalization;
using System.Net;
using KlingFunctions.DevHost;
using KlingFunctions.DevHost.Azurite;
using KlingFunctions.FreepikSimulator;

namespace KlingFunctions.Benchmarks.Harness;

/// <summary>
/// The DevHost started in this process on 127.0.0.1 and a free port, with the embedded Freepik simulator and
/// Azurite (the one on port 10000, else a private in-memory one; or a private one on disk, <see cref="AzuriteOnDisk"/>).
/// Logging goes to a <see cref="LogCapture"/> only.
/// </summary>
internal sealed class BenchHost : IAsyncDisposable
{
    private readonly AzuriteProcess azurite;
    private readonly string? azuriteDirectory;

    private BenchHost(DevHostApplication host, AzuriteProcess azurite, string? azuriteDirectory, LogCapture logs, HttpClient client)
    {
        Host = host;
        this.azurite = azurite;
        this.azuriteDirectory = azuriteDirectory;
        Logs = logs;
        Client = client;
    }

    /// <summary>
    /// For runs of more than 10 minutes that write many blobs or queue messages: a private Azurite that keeps its data
    /// on disk. In memory, Azurite keeps every write as an extent of its own, and its garbage collector (blobs every
    /// 10 minutes, queues every minute) removes the dead ones one by one from an indexed LokiJS collection, in time that
    /// grows with the square of their count (18,000 removals took 335 s): Azurite answers nothing meanwhile. On disk,
    /// writes share 64 MB extent files, so it has next to nothing to remove. Azure Storage has no such pause.
    /// </summary>
    public static string AzuriteOnDisk() => Directory.CreateTempSubdirectory("kling-bench-azurite-").FullName;

    /// <summary>
    /// Defaults a benchmark may override: Freepik's limit on concurrent tasks lifted (the others measure the service,
    /// not the line), and no console exporter of traces and metrics (writing every span costs more than the work).
    /// </summary>
    private static readonly Dictionary<string, string?> Defaults = new()
    {
        ["DevHost:Telemetry"] = "None",
        ["Freepik:MaxConcurrentTasks"] = "10000",
        ["FreepikSimulator:MaxConcurrentTasks"] = "10000",
    };

    /// <summary>The Durable engine the benchmarks run the DevHost on (the command line's second argument).</summary>
    public static DurableEngine Engine { get; set; } = DurableEngine.AzureStorage;

    public DevHostApplication Host { get; }

    public FreepikSimulation Simulator => Host.Simulator ?? throw new InvalidOperationException("The DevHost runs without its simulator.");

    public LogCapture Logs { get; }

    /// <summary>A client for the DevHost on loopback, with as many connections as callers.</summary>
    public HttpClient Client { get; }

    public string StorageConnectionString => azurite.ConnectionString;

    /// <summary>Azurite's processor time so far; null when the benchmark uses an Azurite it did not start.</summary>
    public TimeSpan? AzuriteProcessorTime => azurite.ProcessorTime;

    public Uri BaseAddress => Client.BaseAddress!;

    /// <summary>
    /// Settings under which started jobs submit and then wait quietly: the simulator sends CREATED and then nothing
    /// for an hour, and nobody polls, so nothing runs in the background of what is measured.
    /// </summary>
    public static Dictionary<string, string?> QuietJobs() => new()
    {
        ["FreepikSimulator:InProgressAfter"] = "01:00:00",
        ["FreepikSimulator:CompletedAfter"] = "01:00:00",
        ["Workflow:FirstPoll"] = "00:30:00",
        ["Workflow:MaxPollInterval"] = "00:30:00",
        ["Workflow:Deadline"] = "03:00:00",
    };

    /// <param name="settings">Configuration on top of the DevHost's defaults.</param>
    /// <param name="capturedCategories">Logger categories whose information events <paramref name="logs"/> may keep.</param>
    /// <param name="azuriteDirectory">Where a private Azurite keeps its data (<see cref="AzuriteOnDisk"/>), deleted at the end; null for the default Azurite.</param>
    public static async Task<BenchHost> StartAsync(
        IReadOnlyDictionary<string, string?> settings,
        LogCapture logs,
        IEnumerable<string> capturedCategories,
        Action<WebApplicationBuilder>? configure,
        CancellationToken cancellationToken,
        string? azuriteDirectory = null)
    {
        var azurite = azuriteDirectory is null
            ? await AzuriteProcess.UseOrStartAsync(cancellationToken)
            : await AzuriteProcess.StartAsync(0, azuriteDirectory, cancellationToken);
        var url = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{AzuriteProcess.FreePort()}");
        var configuration = new Dictionary<string, string?>(settings, StringComparer.OrdinalIgnoreCase)
        {
            ["DevHost:Url"] = url,
            ["DevHost:Simulator"] = "true",
            ["DevHost:Engine"] = Engine.ToString(),

            // A task hub of this run's own: nothing left over from an earlier run is replayed or counted.
            ["DevHost:TaskHub"] = "bench" + Guid.NewGuid().ToString("N")[..12],
            ["Storage:ConnectionString"] = azurite.ConnectionString,
        };

        var host = await DevHostApplication.CreateAsync([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(Defaults).AddInMemoryCollection(configuration);
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(logs);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            foreach (var category in capturedCategories)
            {
                builder.Logging.AddFilter(category, LogLevel.Information);
            }

            configure?.Invoke(builder);
        }, cancellationToken);
        await host.StartAsync(cancellationToken);
        logs.ForgetProblems();
        return new BenchHost(host, azurite, azuriteDirectory, logs, LoopbackClient(new Uri(url)));
    }

    /// <summary>A client for loopback load: no proxy, no connection limit, connections kept for the whole run.</summary>
    public static HttpClient LoopbackClient(Uri baseAddress) => new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        MaxConnectionsPerServer = int.MaxValue,
        AutomaticDecompression = DecompressionMethods.None,
    })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromMinutes(2),
    };

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
        await azurite.DisposeAsync();
        if (azuriteDirectory is not null)
        {
            Directory.Delete(azuriteDirectory, recursive: true);
        }
    }
}
