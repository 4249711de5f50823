using Azure.Storage.Blobs;
using Azure.Storage.Sas;
using Microsoft.Extensions.Options;

namespace KlingFunctions.Storage;

/// <summary>
/// Short-lived, read-only SAS URLs for one blob: what Freepik reads our copy of an image through. Made inside
/// activities and never kept in orchestration state, since a SAS URL is a secret until it expires.
/// </summary>
public sealed class BlobReadUrls(
    BlobServiceClient service,
    UserDelegationKeyCache delegationKeys,
    IOptions<StorageOptions> options,
    TimeProvider time)
{
    /// <summary>A read-only URL for a blob in the inputs container, valid for <c>Storage:SasLifetime</c>.</summary>
    public Task<Uri> ForInputAsync(string blobName, CancellationToken cancellationToken)
        => CreateAsync(options.Value.InputContainer, blobName, cancellationToken);

    /// <summary>A read-only URL for a blob in the videos container, valid for <c>Storage:SasLifetime</c>.</summary>
    public Task<Uri> ForVideoAsync(string blobName, CancellationToken cancellationToken)
        => CreateAsync(options.Value.OutputContainer, blobName, cancellationToken);

    public async Task<Uri> CreateAsync(string containerName, string blobName, CancellationToken cancellationToken)
    {
        var blob = service.GetBlobContainerClient(containerName).GetBlobClient(blobName);
        var now = time.GetUtcNow();
        var lifetime = options.Value.SasLifetime;
        var sas = new BlobSasBuilder(BlobSasPermissions.Read, now + lifetime)
        {
            BlobContainerName = containerName,
            BlobName = blobName,
            Resource = "b",
            StartsOn = now - UserDelegationKeyCache.ClockSkew,
            // Azurite serves plain http on loopback; anywhere else the token must not travel in clear text.
            Protocol = blob.Uri.IsLoopback ? SasProtocol.HttpsAndHttp : SasProtocol.Https,
        };

        // Connection strings (and Azurite) carry the account key; a managed identity has to borrow a delegation key.
        if (blob.CanGenerateSasUri)
        {
            return blob.GenerateSasUri(sas);
        }

        var key = await delegationKeys.GetAsync(lifetime, cancellationToken);
        return new BlobUriBuilder(blob.Uri) { Sas = sas.ToSasQueryParameters(key, service.AccountName) }.ToUri();
    }
}
