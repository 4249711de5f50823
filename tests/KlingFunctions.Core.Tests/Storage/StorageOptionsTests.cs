using Azure.Storage.Blobs;
using KlingFunctions.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KlingFunctions.Core.Tests.Storage;

public class StorageOptionsTests
{
    [Fact]
    public void Falls_back_to_the_functions_host_storage_connection_string()
    {
        using var services = Build(("AzureWebJobsStorage", "UseDevelopmentStorage=true"));

        Assert.Equal("UseDevelopmentStorage=true", services.GetRequiredService<IOptions<StorageOptions>>().Value.ConnectionString);
        Assert.Equal("devstoreaccount1", services.GetRequiredService<BlobServiceClient>().AccountName);
    }

    [Fact]
    public void Uses_a_managed_identity_for_a_service_uri()
    {
        using var services = Build(("Storage:ServiceUri", "https://kling.blob.core.windows.net"), ("Storage:ClientId", "00000000-0000-0000-0000-000000000001"));

        var client = services.GetRequiredService<BlobServiceClient>();

        Assert.Equal("kling", client.AccountName);
        Assert.False(client.CanGenerateAccountSasUri); // no account key: SAS URLs need a user delegation key
    }

    [Fact]
    public void Fails_validation_without_any_connection_setting()
    {
        using var services = Build();

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<StorageOptions>>().Value);

        Assert.Contains("Storage:ConnectionString, Storage:ServiceUri (managed identity) or AzureWebJobsStorage", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Uses_the_documented_defaults()
    {
        using var services = Build(("Storage:ConnectionString", "UseDevelopmentStorage=true"));

        var options = services.GetRequiredService<IOptions<StorageOptions>>().Value;

        Assert.Equal(("inputs", "videos", TimeSpan.FromHours(1), false), (options.InputContainer, options.OutputContainer, options.SasLifetime, options.AllowPrivateNetworkSources));
    }

    private static ServiceProvider Build(params (string Key, string Value)[] settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(setting => KeyValuePair.Create(setting.Key, (string?)setting.Value)))
            .Build());
        services.AddBlobStorage();
        return services.BuildServiceProvider();
    }
}
