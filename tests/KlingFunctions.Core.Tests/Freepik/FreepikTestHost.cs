using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace KlingFunctions.Freepik;

/// <summary>
/// The Freepik client built through the real <see cref="FreepikServiceCollectionExtensions.AddFreepikClient"/>
/// (options, HttpClientFactory logging, resilience pipeline) with a scripted primary handler, a fake clock and
/// log capture at Trace level.
/// </summary>
public sealed class FreepikTestHost : IDisposable
{
    public const string ApiKey = "fpk-live-9c1d7e0b5a4f2e8d";

    /// <summary>Kling 2.1 Std, the default model.</summary>
    public static KlingModel Std { get; } = KlingModels.OfJob(KlingModels.OriginalId);

    /// <summary>A 2.1 Std create with <paramref name="image"/> and <paramref name="prompt"/>.</summary>
    public static FreepikCreateTask Create(string image, string? prompt = null)
        => new(Std, Std.CreateBody(new Workflow.VideoParameters { Image = image, Prompt = prompt }, webhookUrl: null));

    private readonly ServiceProvider _services;

    public FreepikTestHost(IDictionary<string, string?>? settings = null)
    {
        var configuration = new Dictionary<string, string?>
        {
            ["Freepik:ApiKey"] = ApiKey,
            // Backoff without real waits; Retry-After still goes through the fake clock.
            ["Freepik:StatusRetryDelay"] = "00:00:00",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        Handler = new ScriptedHttpHandler(Time);
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(configuration).Build());
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddFakeLogging());
        services.AddSingleton<TimeProvider>(Time);
        services.AddFreepikClient();
        services.ConfigureHttpClientDefaults(http => http.ConfigurePrimaryHttpMessageHandler(() => Handler));
        _services = services.BuildServiceProvider(validateScopes: true);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero));

    public ScriptedHttpHandler Handler { get; }

    public IFreepikClient Client => _services.GetRequiredService<IFreepikClient>();

    public FreepikOptions Options => _services.GetRequiredService<IOptions<FreepikOptions>>().Value;

    public FakeLogCollector Logs => _services.GetFakeLogCollector();

    /// <summary>Moves the fake clock on in steps until <paramref name="call"/> ends (timeouts, Retry-After waits).</summary>
    public async Task<T> AdvanceUntilDoneAsync<T>(Task<T> call, TimeSpan step)
    {
        for (var i = 0; i < 1000 && !call.IsCompleted; i++)
        {
            Time.Advance(step);
            await Task.WhenAny(call, Task.Delay(TimeSpan.FromMilliseconds(5), TimeProvider.System));
        }

        return await call;
    }

    public void Dispose() => _services.Dispose();
}
