using System.Text;
using System.Text.Json;
using KlingFunctions.Http;
using KlingFunctions.Workflow;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Converters;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Moq;

namespace KlingFunctions.Core.Tests.Http;

/// <summary><c>POST /api/videos</c> with the app's own registrations and a mocked <see cref="DurableTaskClient"/>.</summary>
public sealed class VideoJobStarterTests
{
    private static readonly Dictionary<string, string> HostUrls = new(StringComparer.Ordinal)
    {
        ["terminatePostUri"] = "https://app.example/runtime/webhooks/durabletask/instances/x/terminate?code=system-key",
    };

    private readonly Mock<DurableTaskClient> durable = new("test client");

    public VideoJobStarterTests()
    {
        durable.Setup(client => client.ScheduleNewOrchestrationInstanceAsync(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((TaskName _, object? _, StartOrchestrationOptions? options, CancellationToken _) => options!.InstanceId!);
        durable.Setup(client => client.GetInstanceAsync(It.IsAny<string>(), It.IsAny<bool>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string id, bool _, CancellationToken _) => new OrchestrationMetadata(VideoOrchestration.Name, id)
            {
                RuntimeStatus = OrchestrationRuntimeStatus.Pending,
                CreatedAt = DateTimeOffset.UtcNow,
                LastUpdatedAt = DateTimeOffset.UtcNow,
                DataConverter = JsonDataConverter.Default,
            });
    }

    [Fact]
    public async Task The_start_answer_carries_no_management_urls_and_so_no_system_key_by_default()
    {
        var answer = await StartAsync(exposeManagementUrls: false);

        Assert.False(answer.TryGetProperty("management", out _));
        Assert.DoesNotContain("system-key", answer.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_ExposeManagementUrls_brings_the_hosts_management_urls_back_for_trusted_operators()
    {
        var answer = await StartAsync(exposeManagementUrls: true);

        Assert.Equal(HostUrls["terminatePostUri"], answer.GetProperty("management").GetProperty("terminatePostUri").GetString());
    }

    private async Task<JsonElement> StartAsync(bool exposeManagementUrls)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = "UseDevelopmentStorage=true",
            ["Api:ExposeManagementUrls"] = exposeManagementUrls ? "true" : "false",
        }).Build();
        await using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging().AddKlingFunctions(configuration).BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Method = HttpMethods.Post;
        context.Request.ContentType = "application/json";
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes("""{"image":"https://images.example/cat.png","prompt":"a cat","duration":"5"}"""));
        context.Response.Body = new MemoryStream();

        var result = await services.GetRequiredService<VideoApi>().StartAsync(context.Request, new DurableVideoJobClient(durable.Object, _ => HostUrls), CancellationToken.None);
        await result.ExecuteAsync(context);

        Assert.Equal(StatusCodes.Status202Accepted, context.Response.StatusCode);
        context.Response.Body.Position = 0;
        return (await JsonDocument.ParseAsync(context.Response.Body)).RootElement.Clone();
    }
}
