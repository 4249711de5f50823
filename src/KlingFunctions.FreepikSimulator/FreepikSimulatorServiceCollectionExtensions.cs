using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace KlingFunctions.FreepikSimulator;

public static class FreepikSimulatorServiceCollectionExtensions
{
    /// <summary>
    /// Registers the simulation behind <see cref="FreepikSimulatorEndpoints.MapFreepikSimulator"/>: options from the
    /// <c>FreepikSimulator</c> section, then <paramref name="configure"/>; the registered <see cref="TimeProvider"/>
    /// (the system clock unless one is already registered); an HttpClient for webhooks.
    /// </summary>
    public static IServiceCollection AddFreepikSimulator(this IServiceCollection services, Action<FreepikSimulatorOptions>? configure = null)
    {
        var options = services.AddOptions<FreepikSimulatorOptions>()
            .BindConfiguration(FreepikSimulatorOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(WebhookSender.ClientName)
            .ConfigureHttpClient((provider, client) => client.Timeout = provider.GetRequiredService<IOptions<FreepikSimulatorOptions>>().Value.WebhookTimeout);
        services.TryAddSingleton<FreepikSimulation>();
        return services;
    }
}
