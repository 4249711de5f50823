using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KlingFunctions.Tests;

/// <summary>What the Functions app checks before it takes a single request.</summary>
public sealed class StartupTests
{
    [Fact]
    public void The_app_refuses_to_start_without_a_Freepik_key_and_names_the_setting()
    {
        var exception = Assert.Throws<OptionsValidationException>(() => Validate(new Dictionary<string, string?> { ["Storage:ConnectionString"] = "UseDevelopmentStorage=true" }));

        Assert.Contains("Freepik:ApiKey", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_app_starts_with_a_Freepik_key()
        => Validate(new Dictionary<string, string?> { ["Storage:ConnectionString"] = "UseDevelopmentStorage=true", ["Freepik:ApiKey"] = "a-freepik-key" });

    [Fact]
    public void The_app_starts_with_the_local_settings_sample_once_a_key_is_filled_in()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(directory.FullName, "local.settings.sample.json")))
        {
            directory = directory.Parent ?? throw new FileNotFoundException("local.settings.sample.json is not above the test's directory.");
        }

        using var sample = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(directory.FullName, "local.settings.sample.json")));
        var settings = sample.RootElement.GetProperty("Values").EnumerateObject().ToDictionary(value => value.Name.Replace("__", ":", StringComparison.Ordinal), value => (string?)value.Value.GetString());
        settings["Freepik:ApiKey"] = "a-freepik-key";

        Validate(settings);
    }

    [Fact]
    public void The_app_refuses_a_request_queue_name_that_storage_would_refuse()
    {
        var exception = Assert.Throws<OptionsValidationException>(() => Validate(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = "UseDevelopmentStorage=true",
            ["Freepik:ApiKey"] = "a-freepik-key",
            ["Pipelines:RequestQueue"] = "Video_Requests",
        }));

        Assert.Contains("Pipelines:RequestQueue", exception.Message, StringComparison.Ordinal);
    }

    /// <summary>What the host does at start-up: every options validation registered with ValidateOnStart.</summary>
    private static void Validate(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging().AddKlingFunctionsApp(configuration).BuildServiceProvider();
        services.GetRequiredService<IStartupValidator>().Validate();
    }
}
