using System.Reflection;
using System.Text.Json;

namespace KlingFunctions.Infra.Tests;

/// <summary>
/// Compiles infra/ once for all tests: every .bicep file (linted), main.bicepparam, and deployment
/// snapshots of main.bicepparam with its defaults and with the optional parameters set. Each run works on
/// its own copy of infra/, so the snapshot files bicep writes never land in the repository.
/// </summary>
public sealed class InfraFixture : IAsyncLifetime
{
    public const string SubscriptionId = "00000000-0000-0000-0000-00000000aaaa";
    public const string TenantId = "00000000-0000-0000-0000-00000000bbbb";
    public const string DeployerPrincipalId = "11111111-2222-3333-4444-555555555555";
    public const string ApiKey = "fpk-test-api-key-0123456789";
    public const string WebhookSecret = "whsec_dGVzdC13ZWJob29rLXNlY3JldA==";

    private readonly List<string> copies = [];
    private Snapshot? defaults;
    private Snapshot? customized;

    public static string InfraDirectory { get; } = Metadata("InfraDirectory");

    public static string AzureYamlPath { get; } = Metadata("AzureYamlPath");

    public BicepResult Build { get; private set; } = null!;

    /// <summary>Compiled ARM templates by path relative to infra/ (main.json, app/api.json, ...).</summary>
    public IReadOnlyDictionary<string, JsonElement> Templates { get; private set; } = null!;

    public BicepResult Parameters { get; private set; } = null!;

    public BicepResult ParametersWithoutApiKey { get; private set; } = null!;

    public BicepResult DefaultsSnapshot { get; private set; } = null!;

    public BicepResult CustomizedSnapshot { get; private set; } = null!;

    /// <summary>Defaults of main.bicepparam with only the Freepik API key set.</summary>
    public Snapshot Defaults => defaults ?? throw new InvalidOperationException($"bicep snapshot failed: {DefaultsSnapshot}");

    /// <summary>A deployer principal, a webhook secret, other retention days and purge protection.</summary>
    public Snapshot Customized => customized ?? throw new InvalidOperationException($"bicep snapshot failed: {CustomizedSnapshot}");

    public static Dictionary<string, string> DefaultEnvironment() => new()
    {
        ["AZURE_ENV_NAME"] = "kling-test",
        ["AZURE_LOCATION"] = "westeurope",
        ["FREEPIK_API_KEY"] = ApiKey,
    };

    public static Dictionary<string, string> CustomizedEnvironment() => new(DefaultEnvironment())
    {
        ["AZURE_PRINCIPAL_ID"] = DeployerPrincipalId,
        ["FREEPIK_WEBHOOK_SECRET"] = WebhookSecret,
        ["INPUT_RETENTION_DAYS"] = "5",
        ["VIDEO_RETENTION_DAYS"] = "30",
        ["KEY_VAULT_PURGE_PROTECTION"] = "true",
    };

    public async Task InitializeAsync()
    {
        var buildDirectory = CopyInfra();
        var build = BicepCli.RunAsync(buildDirectory, null, "build", "--pattern", "**/*.bicep", "--outdir", "out");
        var parameters = BicepCli.RunAsync(buildDirectory, DefaultEnvironment(), "build-params", "--stdout", "main.bicepparam");
        var withoutKey = DefaultEnvironment();
        withoutKey.Remove("FREEPIK_API_KEY");
        var parametersWithoutKey = BicepCli.RunAsync(buildDirectory, withoutKey, "build-params", "--stdout", "main.bicepparam");
        var defaultsSnapshot = SnapshotAsync(DefaultEnvironment());
        var customizedSnapshot = SnapshotAsync(CustomizedEnvironment());

        Build = await build;
        Parameters = await parameters;
        ParametersWithoutApiKey = await parametersWithoutKey;
        (DefaultsSnapshot, defaults) = await defaultsSnapshot;
        (CustomizedSnapshot, customized) = await customizedSnapshot;
        Templates = Directory.EnumerateFiles(Path.Combine(buildDirectory, "out"), "*.json", SearchOption.AllDirectories)
            .ToDictionary(
                file => Path.GetRelativePath(Path.Combine(buildDirectory, "out"), file).Replace('\\', '/'),
                file => JsonDocument.Parse(File.ReadAllText(file)).RootElement.Clone());
    }

    public Task DisposeAsync()
    {
        foreach (var copy in copies)
        {
            Directory.Delete(copy, recursive: true);
        }

        return Task.CompletedTask;
    }

    private async Task<(BicepResult Result, Snapshot? Snapshot)> SnapshotAsync(Dictionary<string, string> environment)
    {
        var directory = CopyInfra();
        var result = await BicepCli.RunAsync(
            directory,
            environment,
            "snapshot", "main.bicepparam", "--mode", "overwrite",
            "--subscription-id", SubscriptionId, "--tenant-id", TenantId,
            "--location", environment["AZURE_LOCATION"], "--deployment-name", "kling-test");
        var file = Path.Combine(directory, "main.snapshot.json");
        return (result, result.ExitCode == 0 && File.Exists(file)
            ? new Snapshot(JsonDocument.Parse(File.ReadAllText(file)).RootElement.Clone())
            : null);
    }

    private string CopyInfra()
    {
        var target = Path.Combine(Path.GetTempPath(), "kling-infra-" + Guid.NewGuid().ToString("N"));
        foreach (var file in Directory.EnumerateFiles(InfraDirectory, "*", SearchOption.AllDirectories))
        {
            var extension = Path.GetExtension(file);
            if (extension is ".bicep" or ".bicepparam" || Path.GetFileName(file) == "bicepconfig.json")
            {
                var destination = Path.Combine(target, Path.GetRelativePath(InfraDirectory, file));
                Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                File.Copy(file, destination);
            }
        }

        copies.Add(target);
        return target;
    }

    private static string Metadata(string key) =>
        typeof(InfraFixture).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(attribute => attribute.Key == key).Value!;
}

[CollectionDefinition(Name)]
public sealed class CompiledInfra : ICollectionFixture<InfraFixture>
{
    public const string Name = "Compiled infra";
}
