using System.Diagnostics;
using System.Net;
using KlingFunctions.DevHost.Azurite;

namespace KlingFunctions.DevHost.Tests;

/// <summary>
/// The DevHost as its own process (<c>dotnet KlingFunctions.DevHost.dll</c>, configured through environment
/// variables as a user would), for what only a process can show: surviving a <c>kill -9</c>.
/// </summary>
public sealed class DevHostProcess : IAsyncDisposable
{
    private readonly Process process;

    private DevHostProcess(Process process, Uri url)
    {
        this.process = process;
        Client = new HttpClient { BaseAddress = url };
    }

    public HttpClient Client { get; }

    public static async Task<DevHostProcess> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var url = new Uri($"http://127.0.0.1:{AzuriteProcess.FreePort()}");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "KlingFunctions.DevHost.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(url.AbsoluteUri.TrimEnd('/'));
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("The DevHost did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var host = new DevHostProcess(process, url);
        await host.WaitUntilServingAsync();
        return host;
    }

    /// <summary>Ends the process at once, as a crash or an out-of-memory kill would: nothing is shut down.</summary>
    public async Task KillAsync()
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!process.HasExited)
        {
            await KillAsync();
        }

        process.Dispose();
    }

    private async Task WaitUntilServingAsync()
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The DevHost exited with code {process.ExitCode} before serving.");
            }

            try
            {
                using var response = await Client.GetAsync($"/api/videos/{new string('0', 32)}", patience.Token);
                if (response.StatusCode == HttpStatusCode.NotFound)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100, patience.Token);
        }
    }
}
