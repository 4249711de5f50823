namespace KlingFunctions.Infra.Tests;

[Collection(CompiledInfra.Name)]
public sealed class KeyVaultSecretTests(InfraFixture infra)
{
    [Fact]
    public void Api_key_secret_takes_its_value_from_the_secure_parameter()
    {
        var secret = infra.Defaults.Resource("Microsoft.KeyVault/vaults/secrets", "/freepik-api-key");

        Assert.Equal("[parameters('freepikApiKey')]", secret.GetProperty("properties").GetProperty("value").GetString());
    }

    [Fact]
    public void Webhook_secret_is_stored_only_when_one_is_given()
    {
        var secret = infra.Defaults.Resource("Microsoft.KeyVault/vaults/secrets", "/freepik-webhook-secret");

        Assert.Equal("[not(empty(parameters('freepikWebhookSecret')))]", secret.GetProperty("condition").GetString());
    }

    [Fact]
    public void Webhook_token_secret_is_always_stored()
    {
        var secret = infra.Defaults.Resource("Microsoft.KeyVault/vaults/secrets", "/webhook-token-secret");

        Assert.False(secret.TryGetProperty("condition", out _));
    }
}
