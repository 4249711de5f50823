using Azure;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KlingFunctions.Storage;

/// <summary>
/// The inputs and videos containers, created when missing the first time each is used in this process
/// (local runs on Azurite); in Azure, Bicep creates them.
/// </summary>
public sealed class BlobContainers(BlobServiceClient service, IOptions<StorageOptions> options, ILogger<BlobContainers> logger)
{
    private readonly EnsuredContainer inputs = new(service.GetBlobContainerClient(options.Value.InputContainer), logger);
    private readonly EnsuredContainer videos = new(service.GetBlobContainerClient(options.Value.OutputContainer), logger);

    public ValueTask<BlobContainerClient> InputsAsync(CancellationToken cancellationToken) => inputs.GetAsync(cancellationToken);

    public ValueTask<BlobContainerClient> VideosAsync(CancellationToken cancellationToken) => videos.GetAsync(cancellationToken);

    private sealed class EnsuredContainer(BlobContainerClient container, ILogger logger)
    {
        private volatile bool ensured;

        public async ValueTask<BlobContainerClient> GetAsync(CancellationToken cancellationToken)
        {
            if (ensured)
            {
                return container;
            }

            try
            {
                // Two first callers may both get here; creating an existing container is harmless.
                await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            }
            catch (RequestFailedException exception) when (exception.Status == 403)
            {
                // A managed identity with data-plane roles only may not create containers; Bicep already has.
                logger.LogWarning("Not allowed to create container {Container}; assuming it exists", container.Name);
            }

            ensured = true;
            return container;
        }
    }
}
