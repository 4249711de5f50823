using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Moq;

namespace KlingFunctions.Tests.Http;

/// <summary>
/// <c>GET /api/health</c> with the app's own registrations: each dependency that does not answer is named and makes
/// it 503 (the DevHost tests cover the healthy answer on real Azurite and a real engine).
/// </summary>
public sealed class HealthTriggerTests : IDisposable
{
    private const string ApiKey = "a-freepik-key-that-must-not-show";

    private readonly ServiceProvider services;

    public HealthTriggerTests()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            // Nothing listens there: storage is unreachable.
            ["Storage:ConnectionString"] = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=c2VjcmV0;BlobEndpoint=http://127.0.0.1:{FreePort()}/devstoreaccount1;",
            ["Freepik:ApiKey"] = ApiKey,
        }).Build();
        services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging().AddKlingFunctionsApp(configuration).BuildServiceProvider();
    }

    [Fact]
    public async Task Health_is_503_naming_each_dependency_that_does_not_answer_and_shows_no_secret()
    {
        var durable = new Mock<DurableTaskClient>("test client");
        durable.Setup(client => client.GetInstanceAsync(It.IsAny<string>(), false, It.IsAny<CancellationToken>()))
            .ThrowsAsync(new HttpRequestException("The Durable extension did not answer."));

        var (status, body) = await RunAsync(durable.Object);

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, status);
        using var health = JsonDocument.Parse(body);
        Assert.Equal("Unhealthy", health.RootElement.GetProperty("checks").GetProperty("storage").GetProperty("status").GetString());
        Assert.Contains("did not answer", health.RootElement.GetProperty("checks").GetProperty("durable").GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.True(health.RootElement.GetProperty("configuration").GetProperty("freepik").GetProperty("apiKeySet").GetBoolean());
        Assert.DoesNotContain(ApiKey, body, StringComparison.Ordinal);
        Assert.DoesNotContain("c2VjcmV0", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Durable_counts_as_reachable_when_it_answers_that_the_probe_instance_does_not_exist()
    {
        var durable = new Mock<DurableTaskClient>("test client");

        var (_, body) = await RunAsync(durable.Object);

        using var health = JsonDocument.Parse(body);
        Assert.Equal("Healthy", health.RootElement.GetProperty("checks").GetProperty("durable").GetProperty("status").GetString());
        durable.Verify(client => client.GetInstanceAsync(It.IsAny<string>(), false, It.IsAny<CancellationToken>()), Times.Once);
    }

    public void Dispose() => services.Dispose();

    private async Task<(int Status, string Body)> RunAsync(DurableTaskClient durable)
    {
        var context = new DefaultHttpContext { RequestServices = services };
        var body = new MemoryStream();
        context.Response.Body = body;

        var result = await new KlingFunctions.Http.Health(services.GetRequiredService<KlingFunctions.Health.HealthCheck>()).Run(context.Request, durable, CancellationToken.None);
        await result.ExecuteAsync(context);

        return (context.Response.StatusCode, System.Text.Encoding.UTF8.GetString(body.ToArray()));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
