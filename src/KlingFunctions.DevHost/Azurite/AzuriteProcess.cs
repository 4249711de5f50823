using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace KlingFunctions.DevHost.Azurite;

/// <summary>
/// Azurite's blob, queue and table services (the Durable engine needs all three) for local runs and tests: the
/// Azurite already listening on the ports, or one started from the repository's <c>node_modules</c> (package.json
/// pins it) and stopped on dispose.
/// </summary>
public sealed partial class AzuriteProcess : IAsyncDisposable
{
    /// <summary>Azurite's well-known development account key (public, documented by Microsoft).</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    public const string AccountName = "devstoreaccount1";

    /// <summary>The blob port; queues and tables listen on the next two, as in Azurite's own defaults (10001, 10002).</summary>
    public const int DefaultPort = 10000;

    private const int SignalTerminate = 15;
    private static readonly TimeSpan GracefulStop = TimeSpan.FromSeconds(10);

    private readonly Process? process;

    private AzuriteProcess(AzuritePorts ports, Process? process)
    {
        Ports = ports;
        this.process = process;
    }

    public AzuritePorts Ports { get; }

    /// <summary>The blob port (the one to name in logs and settings).</summary>
    public int Port => Ports.Blob;

    /// <summary>True when this process started Azurite (and will stop it).</summary>
    public bool Started => process is not null;

    /// <summary>The processor time Azurite has used so far, when this process started it (for benchmarks).</summary>
    public TimeSpan? ProcessorTime
    {
        get
        {
            if (process is null || process.HasExited)
            {
                return null;
            }

            process.Refresh();
            return process.TotalProcessorTime;
        }
    }

    public string ConnectionString => string.Create(
        CultureInfo.InvariantCulture,
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{Ports.Blob}/{AccountName};QueueEndpoint=http://127.0.0.1:{Ports.Queue}/{AccountName};TableEndpoint=http://127.0.0.1:{Ports.Table}/{AccountName};");

    /// <summary>
    /// For tests: Azurite already listening on the default ports, else a private in-memory one on free ports,
    /// so that test assemblies running side by side never fight over a port.
    /// </summary>
    public static async Task<AzuriteProcess> UseOrStartAsync(CancellationToken cancellationToken)
        => await AzuritePorts.From(DefaultPort).AllListeningAsync(cancellationToken)
            ? new AzuriteProcess(AzuritePorts.From(DefaultPort), null)
            : await StartAsync(0, null, cancellationToken);

    /// <summary>
    /// Uses Azurite on <paramref name="port"/> (and the next two) when it listens there; otherwise starts it there, or
    /// on free ports when <paramref name="port"/> is 0, keeping data in <paramref name="dataDirectory"/> or in memory.
    /// </summary>
    public static async Task<AzuriteProcess> StartAsync(int port, string? dataDirectory, CancellationToken cancellationToken)
    {
        if (port != 0)
        {
            var fixedPorts = AzuritePorts.From(port);
            if (await fixedPorts.AllListeningAsync(cancellationToken))
            {
                return new AzuriteProcess(fixedPorts, null);
            }

            if (await fixedPorts.AnyListeningAsync(cancellationToken))
            {
                throw new InvalidOperationException(
                    $"Something listens on some of 127.0.0.1:{fixedPorts.Blob}–{fixedPorts.Table} but not all: the DevHost needs Azurite's blob, queue and table services (`npm run azurite` starts all three), or set DevHost:AzuritePort.");
            }
        }

        var root = RepositoryRoot.Find();
        var binary = await AzuriteInstall.EnsureAsync(root, cancellationToken);

        var ports = port == 0 ? AzuritePorts.Free() : AzuritePorts.From(port);
        // Ctrl+C in a terminal signals the whole foreground process group. Azurite in a session of its own is stopped
        // by this process once the Durable engine has drained (DisposeAsync), not at the same moment, which left the
        // stopping engine retrying against a dead Azurite, filling the console with errors and not exiting.
        var ownSession = File.Exists(SetSid);
        var start = new ProcessStartInfo(ownSession ? SetSid : binary)
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (ownSession)
        {
            start.ArgumentList.Add(binary);
        }

        foreach (var argument in ports.Arguments().Concat(dataDirectory is null ? ["--inMemoryPersistence"] : ["--location", dataDirectory]))
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {binary}.");
        var azurite = new AzuriteProcess(ports, process);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        _ = process.StandardOutput.ReadToEndAsync(cancellationToken);

        var waited = Stopwatch.StartNew();
        while (!await ports.AllListeningAsync(cancellationToken))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Azurite exited with code {process.ExitCode}: {await errors}");
            }

            if (waited.Elapsed > TimeSpan.FromSeconds(60))
            {
                await azurite.DisposeAsync();
                throw new InvalidOperationException($"Azurite did not listen on 127.0.0.1:{ports.Blob}–{ports.Table} within 60 s.");
            }

            await Task.Delay(100, cancellationToken);
        }

        return azurite;
    }

    /// <summary>
    /// Stops the Azurite this process started. Gracefully first, where the OS has signals: Azurite writes its
    /// metadata to disk every few seconds and once more when it is asked to stop, not when it is killed.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (process is { HasExited: false })
        {
            if (!OperatingSystem.IsWindows() && Kill(process.Id, SignalTerminate) == 0)
            {
                using var patience = new CancellationTokenSource(GracefulStop);
                try
                {
                    await process.WaitForExitAsync(patience.Token);
                }
                catch (OperationCanceledException)
                {
                    // Still running after the grace period: killed below.
                }
            }

            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }

        process?.Dispose();
    }

    /// <summary>A port nothing listens on right now (the OS picks it).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal static async Task<bool> IsListeningAsync(int port, CancellationToken cancellationToken)
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

    /// <summary>util-linux's setsid: runs a program in a new session (it execs, so the process id stays the program's).</summary>
    private const string SetSid = "/usr/bin/setsid";

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}

/// <summary>Where Azurite's three services listen.</summary>
public sealed record AzuritePorts(int Blob, int Queue, int Table)
{
    public static AzuritePorts From(int blob) => new(blob, blob + 1, blob + 2);

    public static AzuritePorts Free() => new(AzuriteProcess.FreePort(), AzuriteProcess.FreePort(), AzuriteProcess.FreePort());

    public async Task<bool> AllListeningAsync(CancellationToken cancellationToken)
        => await AzuriteProcess.IsListeningAsync(Blob, cancellationToken)
            && await AzuriteProcess.IsListeningAsync(Queue, cancellationToken)
            && await AzuriteProcess.IsListeningAsync(Table, cancellationToken);

    public async Task<bool> AnyListeningAsync(CancellationToken cancellationToken)
        => await AzuriteProcess.IsListeningAsync(Blob, cancellationToken)
            || await AzuriteProcess.IsListeningAsync(Queue, cancellationToken)
            || await AzuriteProcess.IsListeningAsync(Table, cancellationToken);

    internal IEnumerable<string> Arguments() =>
    [
        "--silent", "--skipApiVersionCheck", "--disableTelemetry", "--loose",
        "--blobHost", "127.0.0.1", "--blobPort", Blob.ToString(CultureInfo.InvariantCulture),
        "--queueHost", "127.0.0.1", "--queuePort", Queue.ToString(CultureInfo.InvariantCulture),
        "--tableHost", "127.0.0.1", "--tablePort", Table.ToString(CultureInfo.InvariantCulture),
    ];
}
