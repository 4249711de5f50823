using KlingFunctions.Webhooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace KlingFunctions.Core.Tests.Webhooks;

public class WebhookTokenTests
{
    private const string Secret = "a-token-secret-for-tests-only-0123456789";
    private const string JobId = "7f1c2a9e-job";

    [Fact]
    public void IsValid_accepts_the_token_Create_made_for_the_job()
    {
        var tokens = Tokens(Secret);

        var token = tokens.Create(JobId);

        Assert.True(tokens.IsValid(JobId, token));
    }

    [Fact]
    public void Create_makes_base64url_without_padding()
    {
        var token = Tokens(Secret).Create(JobId);

        // 32 bytes of HMAC-SHA256 are 43 base64url characters.
        Assert.Matches("^[A-Za-z0-9_-]{43}$", token);
    }

    [Fact]
    public void IsValid_rejects_the_token_of_another_job()
    {
        var tokens = Tokens(Secret);

        var token = tokens.Create("another-job");

        Assert.False(tokens.IsValid(JobId, token));
    }

    [Fact]
    public void IsValid_rejects_a_tampered_token()
    {
        var tokens = Tokens(Secret);
        var token = tokens.Create(JobId);

        var tampered = (token[0] == 'A' ? 'B' : 'A') + token[1..];

        Assert.False(tokens.IsValid(JobId, tampered));
    }

    [Fact]
    public void IsValid_rejects_a_truncated_token()
    {
        var tokens = Tokens(Secret);

        var token = tokens.Create(JobId);

        Assert.False(tokens.IsValid(JobId, token[..^1]));
    }

    [Fact]
    public void IsValid_rejects_a_token_made_with_another_secret()
    {
        var token = Tokens("another-secret-of-enough-length").Create(JobId);

        Assert.False(Tokens(Secret).IsValid(JobId, token));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void IsValid_rejects_a_missing_token(string? token)
    {
        Assert.False(Tokens(Secret).IsValid(JobId, token));
    }

    [Fact]
    public void Tokens_without_a_secret_are_derived_from_the_api_key_so_every_instance_agrees()
    {
        var configuration = Configuration(("Freepik:ApiKey", "fpk-test-key"));

        var token = Tokens(null, configuration: configuration).Create(JobId);

        Assert.True(Tokens(null, configuration: configuration).IsValid(JobId, token));
        Assert.False(Tokens(null, configuration: Configuration(("Freepik:ApiKey", "fpk-other-key"))).IsValid(JobId, token));
    }

    [Fact]
    public void Tokens_without_any_secret_use_a_random_key_per_instance()
    {
        var token = Tokens(null).Create(JobId);

        Assert.False(Tokens(null).IsValid(JobId, token));
    }

    [Fact]
    public void A_random_key_is_warned_about_when_webhooks_are_on()
    {
        var logger = new FakeLogger<WebhookToken>();

        _ = Tokens(null, "https://kling.example.net", logger: logger);

        var record = Assert.Single(logger.Collector.GetSnapshot());
        Assert.Equal(LogLevel.Warning, record.Level);
        Assert.Contains("restart", record.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_configured_secret_is_never_logged()
    {
        var logger = new FakeLogger<WebhookToken>();

        var tokens = Tokens(Secret, "https://kling.example.net", logger: logger);
        tokens.IsValid(JobId, tokens.Create(JobId));

        Assert.DoesNotContain(logger.Collector.GetSnapshot(), r => r.Message.Contains(Secret, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void WebhookUrlFor_is_null_without_a_public_base_url(string? publicBaseUrl)
    {
        var url = Tokens(Secret, publicBaseUrl).WebhookUrlFor(JobId);

        Assert.Null(url);
    }

    [Theory]
    [InlineData("https://kling.example.net")]
    [InlineData("https://kling.example.net/")]
    public void WebhookUrlFor_points_at_the_job_webhook_with_its_token(string publicBaseUrl)
    {
        var tokens = Tokens(Secret, publicBaseUrl);

        var url = tokens.WebhookUrlFor(JobId);

        Assert.Equal($"https://kling.example.net/api/webhooks/freepik/{JobId}?token={tokens.Create(JobId)}", url!.AbsoluteUri);
    }

    [Fact]
    public void WebhookUrlFor_keeps_a_path_in_the_public_base_url()
    {
        var tokens = Tokens(Secret, "http://localhost:7071/kling/");

        var url = tokens.WebhookUrlFor(JobId);

        Assert.Equal($"http://localhost:7071/kling/api/webhooks/freepik/{JobId}?token={tokens.Create(JobId)}", url!.AbsoluteUri);
    }

    [Fact]
    public void WebhookUrlFor_escapes_the_job_id()
    {
        var tokens = Tokens(Secret, "https://kling.example.net");

        var url = tokens.WebhookUrlFor("a/b c?d");

        Assert.StartsWith("https://kling.example.net/api/webhooks/freepik/a%2Fb%20c%3Fd?token=", url!.AbsoluteUri, StringComparison.Ordinal);
    }

    [Fact]
    public void AddWebhookToken_registers_the_token_with_the_Webhooks_section()
    {
        using var provider = Provider(("Webhooks:PublicBaseUrl", "https://kling.example.net"), ("Webhooks:TokenSecret", Secret));

        var tokens = provider.GetRequiredService<WebhookToken>();

        Assert.True(Tokens(Secret).IsValid(JobId, tokens.Create(JobId)));
        Assert.Equal("kling.example.net", tokens.WebhookUrlFor(JobId)!.Host);
    }

    [Theory]
    [InlineData("Webhooks:PublicBaseUrl", "kling.example.net")]
    [InlineData("Webhooks:PublicBaseUrl", "ftp://kling.example.net")]
    [InlineData("Webhooks:PublicBaseUrl", "https://kling.example.net/?code=abc")]
    [InlineData("Webhooks:TokenSecret", "short")]
    public void AddWebhookToken_rejects_invalid_configuration(string key, string value)
    {
        using var provider = Provider((key, value));

        var exception = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<WebhookOptions>>().Value);

        Assert.Contains(key, exception.Message, StringComparison.Ordinal);
    }

    private static WebhookToken Tokens(
        string? secret,
        string? publicBaseUrl = null,
        IConfiguration? configuration = null,
        FakeLogger<WebhookToken>? logger = null)
        => new(
            Options.Create(new WebhookOptions { TokenSecret = secret, PublicBaseUrl = publicBaseUrl }),
            configuration ?? Configuration(),
            logger ?? new FakeLogger<WebhookToken>());

    private static IConfiguration Configuration(params (string Key, string Value)[] settings)
        => new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();

    private static ServiceProvider Provider(params (string Key, string Value)[] settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton(Configuration(settings));
        services.AddLogging();
        services.AddWebhookToken();
        return services.BuildServiceProvider();
    }
}
