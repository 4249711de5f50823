using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Azure.Storage.Blobs;

namespace KlingFunctions.Core.Tests.Fixtures;

/// <summary>
/// Real Azurite for the storage tests: the one already listening on 127.0.0.1:10000 (e.g. <c>npm run azurite</c>),
/// otherwise a private in-memory instance on a free port, started from the repository's node_modules and stopped
/// when the tests end. Tests use unique containers or job ids, so they can share it.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    /// <summary>Azurite's well-known development account key (public, documented by Microsoft).</summary>
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private const int DefaultPort = 10000;

    private Process? azurite;

    public int Port { get; private set; }

    public string ConnectionString => string.Create(
        CultureInfo.InvariantCulture,
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{Port}/{AccountName};");

    public BlobServiceClient CreateServiceClient() => new(ConnectionString);

    public async Task InitializeAsync()
    {
        if (await IsListeningAsync(DefaultPort))
        {
            Port = DefaultPort;
            return;
        }

        var root = FindRepositoryRoot();
        var binary = Path.Combine(root, "node_modules", ".bin", "azurite-blob");
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException($"Azurite is not installed at {binary}. Run `npm ci` in {root} (package.json pins Azurite), or start Azurite on 127.0.0.1:{DefaultPort}.");
        }

        Port = FreePort();
        var start = new ProcessStartInfo(binary)
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--silent", "--skipApiVersionCheck", "--disableTelemetry", "--loose", "--inMemoryPersistence", "--blobHost", "127.0.0.1", "--blobPort", Port.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        azurite = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {binary}.");
        var errors = azurite.StandardError.ReadToEndAsync();
        _ = azurite.StandardOutput.ReadToEndAsync();

        var deadline = Stopwatch.StartNew();
        while (!await IsListeningAsync(Port))
        {
            if (azurite.HasExited)
            {
                throw new InvalidOperationException($"Azurite exited with code {azurite.ExitCode}: {await errors}");
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new InvalidOperationException($"Azurite did not listen on 127.0.0.1:{Port} within 60 s.");
            }

            await Task.Delay(100);
        }
    }

    public async Task DisposeAsync()
    {
        if (azurite is { HasExited: false })
        {
            azurite.Kill(entireProcessTree: true);
            await azurite.WaitForExitAsync();
        }

        azurite?.Dispose();
    }

    private static async Task<bool> IsListeningAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port).WaitAsync(TimeSpan.FromSeconds(1));
            return true;
        }
        catch (Exception exception) when (exception is SocketException or TimeoutException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "package.json")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No package.json above {AppContext.BaseDirectory}; cannot find the repository root to run Azurite from.");
    }
}

[CollectionDefinition(Name)]
public sealed class UsesAzurite : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
