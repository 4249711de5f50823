using Azure.Identity;
using Azure.Storage.Queues;
using KlingFunctions.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KlingFunctions.Pipelines;

public static class PipelineServiceCollectionExtensions
{
    /// <summary>
    /// Jobs from a queue: <see cref="PipelineOptions"/>, the queue service of the app's storage account (the one the
    /// Functions host's queue trigger reads) and <see cref="QueuedVideoRequests"/>.
    /// </summary>
    public static IServiceCollection AddPipelines(this IServiceCollection services)
    {
        services.AddOptions<PipelineOptions>().BindConfiguration(PipelineOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddKeyedSingleton(QueuedVideoRequests.ServiceKey, (provider, _) => CreateQueueService(
            provider.GetRequiredService<IOptions<StorageOptions>>().Value,
            provider.GetRequiredService<IOptions<PipelineOptions>>().Value));
        services.AddSingleton<QueuedVideoRequests>();
        return services;
    }

    /// <summary>
    /// Messages as they are on the queue, undecoded: producers send base64 or plain JSON and <see cref="QueuedRequest"/>
    /// reads both (a base64 client would fail on the first plain one); poison messages are written as base64.
    /// </summary>
    private static QueueServiceClient CreateQueueService(StorageOptions storage, PipelineOptions pipelines)
    {
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None };
        if (!string.IsNullOrWhiteSpace(storage.ConnectionString))
        {
            return new QueueServiceClient(storage.ConnectionString, options);
        }

        var serviceUri = pipelines.QueueServiceUri ?? QueueEndpointOf(storage.ServiceUri!);
        return new QueueServiceClient(serviceUri, new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = storage.ClientId }), options);
    }

    /// <summary><c>https://{account}.blob.core.windows.net</c> → <c>https://{account}.queue.core.windows.net</c>.</summary>
    private static Uri QueueEndpointOf(Uri blobEndpoint)
    {
        var labels = blobEndpoint.Host.Split('.');
        if (labels.Length < 2 || labels[1] != "blob")
        {
            throw new OptionsValidationException(PipelineOptions.Section, typeof(PipelineOptions), [
                $"Pipelines:QueueServiceUri is not set and cannot be derived from Storage:ServiceUri '{blobEndpoint}'; set it to the account's queue endpoint."]);
        }

        labels[1] = "queue";
        return new UriBuilder(blobEndpoint) { Host = string.Join('.', labels), Path = "/" }.Uri;
    }
}
