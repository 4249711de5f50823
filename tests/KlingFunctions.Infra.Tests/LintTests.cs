using System.Text.Json;
using System.Text.RegularExpressions;

namespace KlingFunctions.Infra.Tests;

[Collection(CompiledInfra.Name)]
public sealed class LintTests(InfraFixture infra)
{
    [Fact]
    public void Every_bicep_file_builds_without_a_single_diagnostic()
    {
        var bicepFiles = Directory.EnumerateFiles(InfraFixture.InfraDirectory, "*.bicep", SearchOption.AllDirectories)
            .Select(file => Path.ChangeExtension(Path.GetRelativePath(InfraFixture.InfraDirectory, file), ".json").Replace('\\', '/'))
            .Order();

        Assert.True(infra.Build.ExitCode == 0 && infra.Build.StandardError.Length == 0, infra.Build.ToString());
        Assert.Equal(bicepFiles, infra.Templates.Keys.Order());
    }

    [Fact]
    public void Parameters_file_builds_from_environment_variables_without_a_diagnostic()
    {
        Assert.True(infra.Parameters.ExitCode == 0 && infra.Parameters.StandardError.Length == 0, infra.Parameters.ToString());

        var parameters = Parameters(infra.Parameters);
        Assert.Equal("kling-test", parameters.GetProperty("environmentName").GetProperty("value").GetString());
        Assert.Equal("westeurope", parameters.GetProperty("location").GetProperty("value").GetString());
        Assert.Equal(3, parameters.GetProperty("inputRetentionDays").GetProperty("value").GetInt32());
        Assert.Equal(0, parameters.GetProperty("videoRetentionDays").GetProperty("value").GetInt32());
        Assert.Equal("", parameters.GetProperty("principalId").GetProperty("value").GetString());
    }

    [Fact]
    public void Deployment_snapshots_with_default_and_custom_parameters_have_no_diagnostic()
    {
        Assert.True(infra.DefaultsSnapshot.ExitCode == 0 && infra.DefaultsSnapshot.StandardError.Length == 0, infra.DefaultsSnapshot.ToString());
        Assert.True(infra.CustomizedSnapshot.ExitCode == 0 && infra.CustomizedSnapshot.StandardError.Length == 0, infra.CustomizedSnapshot.ToString());
        Assert.Empty(infra.Defaults.Root.GetProperty("diagnostics").EnumerateArray());
        Assert.Empty(infra.Customized.Root.GetProperty("diagnostics").EnumerateArray());
    }

    // A variable main.bicepparam reads but the tests do not clear would let the machine's own azd
    // environment change what the tests see.
    [Fact]
    public void Tests_clear_exactly_the_environment_variables_the_parameters_file_reads()
    {
        var parametersFile = File.ReadAllText(Path.Combine(InfraFixture.InfraDirectory, "main.bicepparam"));

        var read = Regex.Matches(parametersFile, @"readEnvironmentVariable\('([A-Z_]+)'").Select(match => match.Groups[1].Value);

        Assert.Equal(BicepCli.ParameterVariables.Order(), read.Order());
    }

    [Fact]
    public void Parameters_file_stops_with_a_clear_error_when_the_Freepik_api_key_is_not_set()
    {
        Assert.NotEqual(0, infra.ParametersWithoutApiKey.ExitCode);
        Assert.Contains("FREEPIK_API_KEY", infra.ParametersWithoutApiKey.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("no-unused-params")]
    [InlineData("no-unused-vars")]
    [InlineData("secure-secrets-in-params")]
    [InlineData("outputs-should-not-contain-secrets")]
    [InlineData("use-secure-value-for-secure-inputs")]
    [InlineData("no-hardcoded-env-urls")]
    [InlineData("prefer-interpolation")]
    [InlineData("use-resource-id-functions")]
    [InlineData("simplify-interpolation")]
    [InlineData("protect-commandtoexecute-secrets")]
    [InlineData("use-stable-resource-identifiers")]
    [InlineData("no-unnecessary-dependson")]
    [InlineData("secure-parameter-default")]
    [InlineData("what-if-short-circuiting")]
    public void Linter_rule_is_an_error(string rule)
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(InfraFixture.InfraDirectory, "bicepconfig.json")));

        var level = config.RootElement.GetProperty("analyzers").GetProperty("core").GetProperty("rules")
            .GetProperty(rule).GetProperty("level").GetString();

        Assert.Equal("error", level);
    }

    [Fact]
    public void No_template_reads_storage_account_keys()
    {
        foreach (var (file, template) in infra.Templates)
        {
            var text = template.GetRawText();
            Assert.False(text.Contains("listKeys", StringComparison.OrdinalIgnoreCase), $"{file} calls listKeys");
            Assert.False(text.Contains("AccountKey", StringComparison.OrdinalIgnoreCase), $"{file} mentions AccountKey");
        }
    }

    [Fact]
    public void Secrets_are_secure_parameters_and_the_token_secret_falls_back_to_a_generated_value()
    {
        var parameters = infra.Templates["main.json"].GetProperty("parameters");

        foreach (var name in new[] { "freepikApiKey", "freepikWebhookSecret", "webhookTokenSecret", "webhookTokenSecretFallback" })
        {
            Assert.Equal("securestring", parameters.GetProperty(name).GetProperty("type").GetString());
        }

        Assert.Equal("[newGuid()]", parameters.GetProperty("webhookTokenSecretFallback").GetProperty("defaultValue").GetString());
    }

    [Fact]
    public void Main_template_creates_the_resource_group_and_one_module_per_concern()
    {
        var main = infra.Templates["main.json"];

        Assert.Equal("subscriptionDeploymentTemplate.json#", main.GetProperty("$schema").GetString()![^"subscriptionDeploymentTemplate.json#".Length..]);
        Assert.Single(ArmTemplate.OfType(main, "Microsoft.Resources/resourceGroups"));
        Assert.Equal(
            ["api", "events", "identity", "keyvault", "monitoring", "roles", "storage"],
            ArmTemplate.OfType(main, "Microsoft.Resources/deployments").Select(module => ArmTemplate.Text(module, "name")).Order());
    }

    private static JsonElement Parameters(BicepResult result)
    {
        using var output = JsonDocument.Parse(result.StandardOutput);
        using var parameters = JsonDocument.Parse(output.RootElement.GetProperty("parametersJson").GetString()!);
        return parameters.RootElement.GetProperty("parameters").Clone();
    }
}
