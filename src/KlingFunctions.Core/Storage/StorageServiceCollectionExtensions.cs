using Azure.Identity;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace KlingFunctions.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Blob storage for inputs and videos: <see cref="StorageOptions"/> (section <c>Storage</c>, falling back to
    /// <c>AzureWebJobsStorage</c>), a <see cref="BlobServiceClient"/> built from them, the containers, SAS URLs,
    /// the guarded URL fetcher and the video archive.
    /// </summary>
    public static IServiceCollection AddBlobStorage(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>()
            .BindConfiguration(StorageOptions.Section)
            .PostConfigure<IConfiguration>((options, configuration) =>
            {
                if (string.IsNullOrWhiteSpace(options.ConnectionString) && options.ServiceUri is null)
                {
                    options.ConnectionString = configuration["AzureWebJobsStorage"];
                }
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => CreateServiceClient(provider.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.TryAddKeyedSingleton(FreepikSlots.StorageKey, (provider, _) => CreateServiceClient(
            provider.GetRequiredService<IOptions<StorageOptions>>().Value,
            new BlobClientOptions { Retry = { NetworkTimeout = FreepikSlots.RequestTimeout } }));
        services.TryAddSingleton<BlobContainers>();
        services.TryAddSingleton<UserDelegationKeyCache>();
        services.TryAddSingleton<BlobReadUrls>();
        services.TryAddSingleton<SourceAddressPolicy>();
        services.TryAddTransient<VideoArchive>();

        services.AddHttpClient<PublicUrlFetcher>(http =>
            {
                // Each fetch sets its own whole-transfer limit; HttpClient's would cover only the headers.
                http.Timeout = Timeout.InfiniteTimeSpan;
                http.DefaultRequestHeaders.UserAgent.ParseAdd("KlingFunctions/1.0");
            })
            .ConfigurePrimaryHttpMessageHandler(provider => provider.GetRequiredService<SourceAddressPolicy>().CreateHandler());

        return services;
    }

    private static BlobServiceClient CreateServiceClient(StorageOptions options, BlobClientOptions? clientOptions = null)
        => string.IsNullOrWhiteSpace(options.ConnectionString)
            ? new BlobServiceClient(
                options.ServiceUri,
                new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = options.ClientId }),
                clientOptions)
            : new BlobServiceClient(options.ConnectionString, clientOptions);
}
