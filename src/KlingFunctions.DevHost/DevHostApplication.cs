using KlingFunctions.DevHost.Azurite;
using KlingFunctions.DevHost.Durable;
using KlingFunctions.DevHost.Pipelines;
using KlingFunctions.FreepikSimulator;
using KlingFunctions.Http;
using KlingFunctions.Http.OpenApi;
using Microsoft.AspNetCore.Diagnostics;
using KlingFunctions.Storage;
using KlingFunctions.Studio;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;

namespace KlingFunctions.DevHost;

/// <summary>
/// The HTTP API of the Functions app on plain ASP.NET Core, with the same orchestration and activities run by a
/// Durable Task worker on the real engine (the Azure Storage backend, so jobs survive restarts, or in memory), and
/// embedded defaults: Azurite when no storage is configured, the Freepik simulator when no API key is. For local runs
/// and tests; production runs the Functions app.
/// </summary>
public sealed class DevHostApplication : IAsyncDisposable
{
    public const string DefaultUrl = "http://localhost:7071";
    public const string SimulatorPrefix = "/freepik-simulator";
    public const string ApiReferencePath = "/api/reference";

    private readonly AzuriteProcess? azurite;

    private DevHostApplication(WebApplication app, AzuriteProcess? azurite, DevHostSettings settings)
    {
        App = app;
        this.azurite = azurite;
        Settings = settings;
    }

    public WebApplication App { get; }

    public DevHostSettings Settings { get; }

    /// <summary>The Durable client of this host's worker: what tests and benchmarks read instances with.</summary>
    public DurableTaskClient Durable => App.Services.GetRequiredService<DurableTaskClient>();

    /// <summary>The embedded simulator, when this host uses one.</summary>
    public FreepikSimulation? Simulator => Settings.UsesSimulator ? App.Services.GetRequiredService<FreepikSimulation>() : null;

    /// <summary>Builds the host; <paramref name="configure"/> lets tests add configuration or replace services.</summary>
    public static async Task<DevHostApplication> CreateAsync(string[] args, Action<WebApplicationBuilder>? configure, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        var configuration = builder.Configuration;
        var settings = DevHostSettings.From(configuration);
        if (string.IsNullOrEmpty(configuration["urls"]))
        {
            builder.WebHost.UseUrls(settings.Url);
        }

        AzuriteProcess? azurite = null;
        if (!settings.HasStorage)
        {
            azurite = await AzuriteProcess.StartAsync(settings.AzuritePort, settings.AzuritePort == 0 ? null : Path.Combine(RepositoryRoot.Find(), ".azurite"), cancellationToken);
            configuration["Storage:ConnectionString"] = azurite.ConnectionString;
        }

        if (settings.UsesSimulator)
        {
            var simulator = new FreepikSimulatorOptions();
            configuration.GetSection(FreepikSimulatorOptions.SectionName).Bind(simulator);
            configuration["Freepik:BaseUrl"] = settings.Url + SimulatorPrefix;
            configuration["Freepik:ApiKey"] ??= simulator.ApiKey;
            configuration["Freepik:ApiKeyHeader"] = simulator.ApiKeyHeader;
            configuration["Freepik:WebhookSecret"] = simulator.WebhookSecret;
            configuration["Webhooks:PublicBaseUrl"] ??= settings.Url;

            // The simulator serves its videos from this host: that one endpoint is allowed, callers' URLs stay guarded.
            builder.Services.AddSingleton(provider => new SourceAddressPolicy(
                provider.GetRequiredService<IOptions<StorageOptions>>().Value.AllowPrivateNetworkSources,
                settings.OwnEndpoints()));
            builder.Services.AddFreepikSimulator(options => options.PublicBaseUrl = settings.Url + SimulatorPrefix);
        }

        // The studio is what a newcomer opens first: on unless configured off (the Functions app: off unless configured on).
        configuration["Studio:Enabled"] ??= "true";
        builder.Services.AddKlingFunctions(configuration);

        // The DevHost checks no function key: its document says the key is optional, so validating proxies agree.
        builder.Services.AddSingleton(new ApiDocument(functionKeyOptional: true));
        builder.AddDevHostTelemetry();
        builder.Logging.AddConsoleFormatter<DevHostConsoleFormatter, Microsoft.Extensions.Logging.Console.ConsoleFormatterOptions>();
        builder.Services.AddDurableEngine(settings, configuration);

        // After the engine: hosted services start in registration order, and these use its client.
        builder.Services.AddSingleton(settings);
        builder.Services.AddHostedService<QueuedRequestReader>();
        builder.Services.AddHostedService<RetentionService>();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = configuration.GetValue("Api:MaxRequestBytes", new ApiOptions().MaxRequestBytes));

        var app = builder.Build();
        MapApi(app);
        if (settings.UsesSimulator)
        {
            app.MapFreepikSimulator(SimulatorPrefix);
        }

        return new DevHostApplication(app, azurite, settings);
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await App.StartAsync(cancellationToken);
        var logger = App.Services.GetRequiredService<ILogger<DevHostApplication>>();
        logger.LogInformation("KlingFunctions DevHost listening on {Url}", Settings.Url);
        if (Settings.Engine == DurableEngine.InMemory)
        {
            logger.LogWarning("Durable engine: in memory (DevHost:Engine=InMemory); jobs end with this process");
        }
        else
        {
            logger.LogInformation("Durable engine: Azure Storage backend, task hub {TaskHub}; jobs survive a restart", Settings.TaskHub);
        }

        if (azurite is null)
        {
            logger.LogInformation("Storage: as configured");
        }
        else
        {
            logger.LogInformation("Storage: Azurite on port {Port} ({How})", azurite.Port, azurite.Started ? "started by the DevHost" : "already running");
        }
        if (Settings.UsesSimulator)
        {
            logger.LogWarning("Freepik: the embedded SIMULATOR at {Url}{Prefix} (no Freepik:ApiKey is set); no real videos are made", Settings.Url, SimulatorPrefix);
        }
        else
        {
            logger.LogInformation("Freepik: the real API at {BaseUrl}", App.Configuration["Freepik:BaseUrl"] ?? "https://api.freepik.com");
        }

        var publicBaseUrl = App.Configuration["Webhooks:PublicBaseUrl"];
        if (string.IsNullOrWhiteSpace(publicBaseUrl))
        {
            logger.LogInformation("Webhooks: none (Webhooks:PublicBaseUrl is empty); jobs are followed by polling");
        }
        else
        {
            logger.LogInformation("Webhooks: Freepik calls {PublicBaseUrl}/api/webhooks/freepik/…", publicBaseUrl);
        }

        logger.LogInformation("API: {Url}/api/videos, reference at {Url}{Reference}; Ctrl+C stops the DevHost", Settings.Url, Settings.Url, ApiReferencePath);
        if (App.Services.GetRequiredService<IOptions<StudioOptions>>().Value.Enabled)
        {
            logger.LogInformation("Studio: open {Url}{Studio} in a browser", Settings.Url, StudioFiles.PagePath);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        if (azurite is not null)
        {
            await azurite.DisposeAsync();
        }
    }

    private static void MapApi(WebApplication app)
    {
        // Every error is a problem, also those no endpoint writes: an exception, routing's 404 and 405, Kestrel's 400
        // and 413. The Functions app answers the same from its worker middleware.
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = context => HostProblems.ForException(context.Features.Get<IExceptionHandlerFeature>()!.Error, context).ExecuteAsync(context),
        });
        app.UseStatusCodePages(context => HostProblems.ForStatus(context.HttpContext).ExecuteAsync(context.HttpContext));
        app.MapKlingApi();

        // The quick start's address opens the studio.
        app.MapGet("/", () => TypedResults.Redirect(StudioFiles.PagePath)).ExcludeFromDescription();

        // The interactive reference of the same document, working offline: its script is embedded in the package, the
        // system's fonts replace the ones from Scalar's CDN, and what needs Scalar's servers (the hosted API client, the
        // AI agent, the developer toolbar, telemetry) is off. "Test Request" stays: it calls this DevHost.
        app.MapScalarApiReference(ApiReferencePath, options =>
        {
            options.WithTitle("KlingFunctions").AddDocument("v1", routePattern: KlingApiEndpoints.DocumentPath);
            options.DefaultFonts = false;
            options.HideClientButton = true;
            options.ShowDeveloperTools = DeveloperToolsVisibility.Never;
            options.Telemetry = false;
            options.Agent = new ScalarAgentOptions { Disabled = true };
            options.Mcp = new ScalarMcpOptions { Disabled = true };
            options.CustomCss = "a[href*='scalar.com'] { display: none; }";
        });
    }
}
