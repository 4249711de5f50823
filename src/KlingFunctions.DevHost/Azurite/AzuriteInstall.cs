using System.Diagnostics;

namespace KlingFunctions.DevHost.Azurite;

/// <summary>
/// Installs the Azurite that package.json pins (<c>npm ci</c>) when it is missing, so that a fresh clone runs with
/// one command. Test assemblies run in parallel, so the install is serialized with a lock file.
/// </summary>
internal static class AzuriteInstall
{
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);

    public static async Task<string> EnsureAsync(string root, CancellationToken cancellationToken)
    {
        var binary = Path.Combine(root, "node_modules", ".bin", "azurite");
        if (File.Exists(binary))
        {
            return binary;
        }

        // Another process may be installing: wait for its lock, but not forever.
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        patience.CancelAfter(InstallTimeout);
        await using var installLock = await LockAsync(Path.Combine(root, ".azurite-install.lock"), patience.Token);
        if (!File.Exists(binary))
        {
            await NpmCiAsync(root, cancellationToken);
        }

        return File.Exists(binary)
            ? binary
            : throw new InvalidOperationException($"`npm ci` in {root} did not install Azurite at {binary}.");
    }

    private static async Task NpmCiAsync(string root, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("npm")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "ci", "--no-audit", "--no-fund", "--loglevel=error" })
        {
            start.ArgumentList.Add(argument);
        }

        Process npm;
        try
        {
            npm = Process.Start(start) ?? throw new InvalidOperationException("npm did not start.");
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new InvalidOperationException($"Azurite is not installed and npm was not found to install it ({exception.Message}). Install Node.js 20+ and run `npm ci` in {root}, or start Azurite on 127.0.0.1:{AzuriteProcess.DefaultPort}.", exception);
        }

        using (npm)
        {
            var errors = npm.StandardError.ReadToEndAsync(cancellationToken);
            _ = npm.StandardOutput.ReadToEndAsync(cancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(InstallTimeout);
            await npm.WaitForExitAsync(timeout.Token);
            if (npm.ExitCode != 0)
            {
                throw new InvalidOperationException($"`npm ci` in {root} failed with exit code {npm.ExitCode}: {await errors}");
            }
        }
    }

    private static async Task<FileStream> LockAsync(string path, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException)
            {
                await Task.Delay(200, cancellationToken);
            }
        }
    }
}
