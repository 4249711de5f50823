using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace KlingFunctions.Webhooks;

public static class WebhookTokenServiceCollectionExtensions
{
    /// <summary>Registers <see cref="WebhookOptions"/> (section "Webhooks", validated at start-up) and <see cref="WebhookToken"/>.</summary>
    public static IServiceCollection AddWebhookToken(this IServiceCollection services)
    {
        services.AddOptions<WebhookOptions>()
            .BindConfiguration(WebhookOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<WebhookToken>();
        return services;
    }
}
