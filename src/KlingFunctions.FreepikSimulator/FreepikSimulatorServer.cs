using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

namespace KlingFunctions.FreepikSimulator;

/// <summary>The simulator on its own Kestrel server on a random loopback port, for tests and benchmarks.</summary>
public sealed class FreepikSimulatorServer : IAsyncDisposable
{
    private readonly WebApplication app;

    private FreepikSimulatorServer(WebApplication app)
    {
        this.app = app;
        Simulation = app.Services.GetRequiredService<FreepikSimulation>();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        BaseUri = new Uri(address);
    }

    /// <summary>The server's root, e.g. <c>http://127.0.0.1:41234/</c>; use it as Freepik's base URL.</summary>
    public Uri BaseUri { get; }

    public FreepikSimulation Simulation { get; }

    public string ApiKey => Simulation.Options.ApiKey;

    public string ApiKeyHeader => Simulation.Options.ApiKeyHeader;

    public string WebhookSecret => Simulation.Options.WebhookSecret;

    public SimulatorCallCounts Calls => Simulation.Calls;

    public IReadOnlyList<SimulatedTaskView> Tasks => Simulation.Tasks;

    public static Task<FreepikSimulatorServer> StartAsync(CancellationToken cancellationToken)
        => StartAsync(new FreepikSimulatorOptions(), TimeProvider.System, cancellationToken);

    public static Task<FreepikSimulatorServer> StartAsync(FreepikSimulatorOptions options, CancellationToken cancellationToken)
        => StartAsync(options, TimeProvider.System, cancellationToken);

    /// <summary>Starts a simulator whose lifecycles and scripted delays run on <paramref name="timeProvider"/>.</summary>
    public static async Task<FreepikSimulatorServer> StartAsync(
        FreepikSimulatorOptions options, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder();
        // Embedded in tests: the host's own logging is noise; the counters and task views say what happened.
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.Services.AddSingleton(timeProvider);
        builder.Services.AddFreepikSimulator(options.CopyTo);

        var app = builder.Build();
        app.MapFreepikSimulator();
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new FreepikSimulatorServer(app);
    }

    public void Script(string promptContains, TaskScript script) => Simulation.Script(promptContains, script);

    public void ScriptNext(TaskScript script) => Simulation.ScriptNext(script);

    /// <summary>A client for this server that sends the accepted API key.</summary>
    public HttpClient CreateClient()
    {
        var client = new HttpClient { BaseAddress = BaseUri };
        client.DefaultRequestHeaders.Add(ApiKeyHeader, ApiKey);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
