using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KlingFunctions.Freepik;

public sealed class FreepikClientConfigurationTests
{
    private const string CreatedBody = """{"data":{"task_id":"t-1","status":"CREATED"}}""";

    private static readonly FreepikCreateTask VideoTask = FreepikTestHost.Create("https://inputs.example.com/cat.png", "wave");

    [Fact]
    public async Task Client_sends_the_key_in_the_freepik_header_by_default()
    {
        using var host = new FreepikTestHost();
        host.Handler.Respond(HttpStatusCode.OK, CreatedBody);

        await host.Client.CreateTaskAsync(VideoTask, CancellationToken.None);

        Assert.Equal(FreepikTestHost.ApiKey, Assert.Single(host.Handler.Requests).Headers["x-freepik-api-key"]);
    }

    [Fact]
    public async Task Client_uses_the_configured_base_url_and_key_header_of_the_magnific_rebrand()
    {
        using var host = new FreepikTestHost(new Dictionary<string, string?>
        {
            ["Freepik:BaseUrl"] = "https://api.magnific.com",
            ["Freepik:ApiKeyHeader"] = "x-magnific-api-key",
        });
        host.Handler.Respond(HttpStatusCode.OK, CreatedBody);

        await host.Client.CreateTaskAsync(VideoTask, CancellationToken.None);

        var request = Assert.Single(host.Handler.Requests);
        Assert.Equal("https://api.magnific.com/v1/ai/image-to-video/kling-v2-1-std", request.Uri.AbsoluteUri);
        Assert.Equal(FreepikTestHost.ApiKey, request.Headers["x-magnific-api-key"]);
        Assert.False(request.Headers.ContainsKey("x-freepik-api-key"));
    }

    [Fact]
    public async Task Client_keeps_the_path_of_a_base_url_under_a_prefix()
    {
        using var host = new FreepikTestHost(new Dictionary<string, string?> { ["Freepik:BaseUrl"] = "http://localhost:5099/freepik" });
        host.Handler.Respond(HttpStatusCode.OK, CreatedBody);

        await host.Client.GetTaskAsync(FreepikTestHost.Std, "t-1", DateTimeOffset.MinValue, CancellationToken.None);

        Assert.Equal("http://localhost:5099/freepik/v1/ai/image-to-video/kling-v2-1/t-1", Assert.Single(host.Handler.Requests).Uri.AbsoluteUri);
    }

    [Fact]
    public async Task Client_sends_no_key_header_when_no_key_is_configured()
    {
        using var host = new FreepikTestHost(new Dictionary<string, string?> { ["Freepik:ApiKey"] = "" });
        host.Handler.Respond(HttpStatusCode.OK, CreatedBody);

        await host.Client.CreateTaskAsync(VideoTask, CancellationToken.None);

        Assert.False(Assert.Single(host.Handler.Requests).Headers.ContainsKey("x-freepik-api-key"));
    }

    [Fact]
    public void Options_have_the_documented_defaults()
    {
        var options = new FreepikOptions();

        Assert.Equal(new Uri("https://api.freepik.com"), options.BaseUrl);
        Assert.Equal("x-freepik-api-key", options.ApiKeyHeader);
        Assert.Equal(TimeSpan.FromSeconds(30), options.CreateTimeout);
        Assert.Equal(TimeSpan.FromSeconds(15), options.StatusTimeout);
        Assert.Equal(TimeSpan.FromMinutes(1), options.StatusNotFoundGrace);
        Assert.Equal(TimeSpan.FromSeconds(1), options.StatusRetryDelay);
    }

    [Theory]
    [InlineData("Freepik:BaseUrl", "/relative/path")]
    [InlineData("Freepik:BaseUrl", "ftp://api.freepik.com")]
    [InlineData("Freepik:ApiKeyHeader", "x freepik key")]
    [InlineData("Freepik:ApiKeyHeader", "")]
    [InlineData("Freepik:CreateTimeout", "00:00:00")]
    [InlineData("Freepik:StatusNotFoundGrace", "-00:01:00")]
    [InlineData("Freepik:StatusRetryAttempts", "0")]
    public void Options_refuse_an_invalid_setting(string key, string value)
    {
        using var host = new FreepikTestHost(new Dictionary<string, string?> { [key] = value });

        Assert.Throws<OptionsValidationException>(() => host.Options);
    }

    [Fact]
    public void Options_refuse_an_api_key_a_header_cannot_carry_without_showing_it()
    {
        const string brokenKey = "fpk-secret\r\nx-injected: 1";
        using var host = new FreepikTestHost(new Dictionary<string, string?> { ["Freepik:ApiKey"] = brokenKey });

        var exception = Assert.Throws<OptionsValidationException>(() => host.Options);

        Assert.Contains("Freepik:ApiKey", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("fpk-secret", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_text_says_whether_secrets_are_set_but_never_shows_them()
    {
        var options = new FreepikOptions { ApiKey = FreepikTestHost.ApiKey, WebhookSecret = "whsec_c2VjcmV0" };

        var text = options.ToString();

        Assert.DoesNotContain(FreepikTestHost.ApiKey, text, StringComparison.Ordinal);
        Assert.DoesNotContain("whsec_c2VjcmV0", text, StringComparison.Ordinal);
        Assert.Contains("ApiKey=(set)", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_create_declares_its_length_on_the_wire_and_is_not_chunked()
    {
        long? length = null;
        var chunked = true;
        await using var freepik = await KlingFunctions.Testing.LocalWebServer.StartAsync(app => app.MapPost("/v1/ai/image-to-video/kling-v2-1-std", (HttpRequest request) =>
        {
            (length, chunked) = (request.ContentLength, request.Headers.TransferEncoding.Count > 0);
            return Results.Text(CreatedBody, "application/json");
        }));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Freepik:BaseUrl"] = freepik.BaseAddress.AbsoluteUri, ["Freepik:ApiKey"] = "key" }).Build();
        await using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging().AddFreepikClient().BuildServiceProvider();

        var result = await services.GetRequiredService<IFreepikClient>().CreateTaskAsync(VideoTask, CancellationToken.None);

        Assert.Equal(FreepikOutcome.Accepted, result.Outcome);
        Assert.True(length > 0);
        Assert.False(chunked);
    }
}
