using System.Diagnostics;
using System.Reflection;

namespace KlingFunctions.Infra.Tests;

/// <summary>Runs the Bicep CLI restored from the Azure.Bicep.CommandLine.linux-x64 package.</summary>
public static class BicepCli
{
    // Every environment variable main.bicepparam reads: cleared before each run so the machine's own
    // azd or Azure settings never leak into a test.
    public static readonly IReadOnlyList<string> ParameterVariables =
    [
        "AZURE_ENV_NAME", "AZURE_LOCATION", "AZURE_RESOURCE_GROUP", "AZURE_PRINCIPAL_ID", "AZURE_PRINCIPAL_TYPE",
        "FREEPIK_API_KEY", "FREEPIK_WEBHOOK_SECRET", "WEBHOOK_TOKEN_SECRET",
        "INPUT_RETENTION_DAYS", "VIDEO_RETENTION_DAYS", "KEY_VAULT_PURGE_PROTECTION",
    ];

    private static readonly Lazy<string> Executable = new(FindExecutable);

    public static async Task<BicepResult> RunAsync(
        string workingDirectory,
        IReadOnlyDictionary<string, string>? environment,
        params string[] arguments)
    {
        var start = new ProcessStartInfo(Executable.Value)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in ParameterVariables)
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)
            ?? throw new InvalidOperationException($"Could not start {Executable.Value}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new BicepResult(process.ExitCode, await stdout, await stderr);
    }

    private static string FindExecutable()
    {
        var path = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(attribute => attribute.Key == "BicepPath").Value!;
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException(
                "The infra tests run the linux-x64 Bicep CLI from the Azure.Bicep.CommandLine.linux-x64 package.");
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException("Bicep CLI not found: restore the test project first.", path);
        }

        // Package extraction does not always keep the executable bit.
        var mode = File.GetUnixFileMode(path);
        if (!mode.HasFlag(UnixFileMode.UserExecute))
        {
            File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute);
        }

        return path;
    }
}

public sealed record BicepResult(int ExitCode, string StandardOutput, string StandardError)
{
    public override string ToString() => $"exit {ExitCode}\n{StandardError}";
}
