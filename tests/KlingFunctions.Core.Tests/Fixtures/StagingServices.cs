using KlingFunctions.Staging;
using KlingFunctions.Storage;
using KlingFunctions.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace KlingFunctions.Core.Tests.Fixtures;

/// <summary>The staging services as the app registers them, on Azurite with containers of their own.</summary>
public static class StagingServices
{
    public static ServiceProvider Create(AzuriteFixture azurite, Action<IServiceCollection>? configure = null, params (string Key, string Value)[] settings)
    {
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Storage:ConnectionString"] = azurite.ConnectionString,
                ["Storage:InputContainer"] = $"inputs-{suffix}",
                ["Storage:OutputContainer"] = $"videos-{suffix}",
                // Test servers listen on 127.0.0.1 over plain http.
                ["Storage:AllowPrivateNetworkSources"] = "true",
            })
            .AddInMemoryCollection(settings.Select(setting => KeyValuePair.Create(setting.Key, (string?)setting.Value)))
            .Build();

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        configure?.Invoke(services);
        services.AddStaging();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public static StorageOptions Options(this IServiceProvider services)
        => services.GetRequiredService<Microsoft.Extensions.Options.IOptions<StorageOptions>>().Value;
}
