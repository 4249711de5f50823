using System.Diagnostics;
using KlingFunctions.DevHost.Azurite;

namespace KlingFunctions.DevHost.Tests;

/// <summary>
/// A command-line tool from the repository's npm packages (package.json, installed by <c>npm ci</c> in <c>.ci/run</c>),
/// run with nothing reaching out to the network.
/// </summary>
public static class NodeTool
{
    public static string Repository { get; } = RepositoryRoot.Find();

    public static Task<NodeToolResult> RunAsync(string tool, string workingDirectory, params string[] arguments)
    {
        var path = Path.Combine(Repository, "node_modules", ".bin", tool);
        return File.Exists(path)
            ? RunAsync(path, workingDirectory, arguments, new Dictionary<string, string>())
            : throw new FileNotFoundException($"{tool} is not installed: run 'npm ci' in the repository first.", path);
    }

    /// <summary>A JavaScript program run by Node.js from the repository, so that it finds the npm packages; <paramref name="environment"/> is its input.</summary>
    public static async Task<NodeToolResult> RunScriptAsync(string script, IReadOnlyDictionary<string, string> environment)
    {
        var file = Path.Combine(Repository, "node_modules", $".kling-test-{Guid.NewGuid():N}.cjs");
        await File.WriteAllTextAsync(file, script);
        try
        {
            return await RunAsync("node", Repository, [file], environment);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<NodeToolResult> RunAsync(string path, string workingDirectory, string[] arguments, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(path)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment =
            {
                ["REDOCLY_TELEMETRY"] = "off",
                ["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true",
                ["NO_COLOR"] = "1",
            },
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {path}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{path} did not finish in 3 minutes.");
        }

        return new NodeToolResult(process.ExitCode, await stdout, await stderr);
    }
}

public sealed record NodeToolResult(int ExitCode, string StandardOutput, string StandardError)
{
    public override string ToString() => $"exit {ExitCode}\n{StandardOutput}\n{StandardError}";
}
