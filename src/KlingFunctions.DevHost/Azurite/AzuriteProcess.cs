using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace KlingFunctions.DevHost.Azurite;

/// <summary>
/// Azurite's blob service for local runs and tests: the one already listening on the port, or one started from
/// the repository's <c>node_modules</c> (package.json pins it) and stopped on dispose.
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    /// <summary>Azurite's well-known development account key (public, documented by Microsoft).</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    public const string AccountName = "devstoreaccount1";
    public const int DefaultPort = 10000;

    private readonly Process? process;

    private AzuriteProcess(int port, Process? process)
    {
        Port = port;
        this.process = process;
    }

    public int Port { get; }

    /// <summary>True when this process started Azurite (and will stop it).</summary>
    public bool Started => process is not null;

    public string ConnectionString => string.Create(
        CultureInfo.InvariantCulture,
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{Port}/{AccountName};");

    /// <summary>
    /// For tests: Azurite already listening on the default port, else a private in-memory one on a free port,
    /// so that test assemblies running side by side never fight over a port.
    /// </summary>
    public static async Task<AzuriteProcess> UseOrStartAsync(CancellationToken cancellationToken)
        => await IsListeningAsync(DefaultPort, cancellationToken)
            ? new AzuriteProcess(DefaultPort, null)
            : await StartAsync(0, null, cancellationToken);

    /// <summary>
    /// Uses Azurite on <paramref name="port"/> when something listens there; otherwise starts it there, or on a
    /// free port when <paramref name="port"/> is 0, keeping data in <paramref name="dataDirectory"/> or in memory.
    /// </summary>
    public static async Task<AzuriteProcess> StartAsync(int port, string? dataDirectory, CancellationToken cancellationToken)
    {
        if (port != 0 && await IsListeningAsync(port, cancellationToken))
        {
            return new AzuriteProcess(port, null);
        }

        var root = RepositoryRoot.Find();
        var binary = await AzuriteInstall.EnsureAsync(root, cancellationToken);

        port = port == 0 ? FreePort() : port;
        var start = new ProcessStartInfo(binary)
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] arguments = ["--silent", "--skipApiVersionCheck", "--disableTelemetry", "--loose", "--blobHost", "127.0.0.1", "--blobPort", port.ToString(CultureInfo.InvariantCulture)];
        foreach (var argument in arguments.Concat(dataDirectory is null ? ["--inMemoryPersistence"] : ["--location", dataDirectory]))
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {binary}.");
        var azurite = new AzuriteProcess(port, process);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        _ = process.StandardOutput.ReadToEndAsync(cancellationToken);

        var waited = Stopwatch.StartNew();
        while (!await IsListeningAsync(port, cancellationToken))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Azurite exited with code {process.ExitCode}: {await errors}");
            }

            if (waited.Elapsed > TimeSpan.FromSeconds(60))
            {
                await azurite.DisposeAsync();
                throw new InvalidOperationException($"Azurite did not listen on 127.0.0.1:{port} within 60 s.");
            }

            await Task.Delay(100, cancellationToken);
        }

        return azurite;
    }

    public async ValueTask DisposeAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process?.Dispose();
    }

    private static async Task<bool> IsListeningAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(1), cancellationToken);
            return true;
        }
        catch (Exception exception) when (exception is SocketException or TimeoutException)
        {
            return false;
        }
    }

    /// <summary>A port nothing listens on right now (the OS picks it).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
