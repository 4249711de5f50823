using Azure.Storage.Blobs;
using KlingFunctions.DevHost.Azurite;
using Xunit;

namespace KlingFunctions.Testing;

/// <summary>
/// Real Azurite for storage and end-to-end tests: the one already listening on 127.0.0.1:10000
/// (<c>npm run azurite</c>), otherwise a private in-memory instance on a free port, stopped when the tests end.
/// Tests use unique containers or job ids, so they can share it. Share it with an xunit collection fixture.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteProcess? azurite;

    public string ConnectionString => Azurite.ConnectionString;

    public int Port => Azurite.Port;

    private AzuriteProcess Azurite => azurite ?? throw new InvalidOperationException("Azurite has not started.");

    public BlobServiceClient CreateServiceClient() => new(ConnectionString);

    public async Task InitializeAsync() => azurite = await AzuriteProcess.UseOrStartAsync(CancellationToken.None);

    public async Task DisposeAsync()
    {
        if (azurite is not null)
        {
            await azurite.DisposeAsync();
        }
    }
}
