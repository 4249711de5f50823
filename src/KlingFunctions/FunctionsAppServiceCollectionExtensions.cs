using KlingFunctions.Freepik;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace KlingFunctions;

/// <summary>The Functions app's composition root: Core's registrations, plus what only this host requires.</summary>
public static class FunctionsAppServiceCollectionExtensions
{
    public static IServiceCollection AddKlingFunctionsApp(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddKlingFunctions(configuration);

        // Without a key every job would be accepted and then fail at its first Freepik call: refuse to start instead.
        // (The DevHost may run without one: it uses its Freepik simulator then.)
        services.AddOptions<FreepikOptions>()
            .Validate(
                options => !string.IsNullOrWhiteSpace(options.ApiKey),
                "Freepik:ApiKey is not set, so no Freepik task could be created. Set the app setting Freepik__ApiKey (in Azure, a Key Vault reference).")
            .ValidateOnStart();
        return services;
    }
}
