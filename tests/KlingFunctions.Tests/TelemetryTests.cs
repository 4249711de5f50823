using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace KlingFunctions.Tests;

/// <summary>The Functions app's OpenTelemetry set-up, as the worker builds it.</summary>
public sealed class TelemetryTests
{
    [Fact]
    public void The_managed_identity_setting_that_Bicep_writes_becomes_the_exporters_credential()
    {
        Assert.IsType<ManagedIdentityCredential>(FunctionsTelemetry.CredentialFor("Authorization=AAD;ClientId=00000000-0000-0000-0000-000000000001"));
        Assert.Null(FunctionsTelemetry.CredentialFor(null));
        Assert.Null(FunctionsTelemetry.CredentialFor("Authorization=Key"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint=https://localhost/")]
    public void The_app_builds_its_tracer_with_and_without_an_Application_Insights_connection_string(string? connectionString)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [FunctionsTelemetry.ConnectionStringSetting] = connectionString }).Build();
        using var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration).AddFunctionsTelemetry(configuration).BuildServiceProvider();

        Assert.NotNull(services.GetRequiredService<TracerProvider>());
    }
}
