using System.Net;
using KlingFunctions.Freepik;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KlingFunctions.FreepikSimulator.Tests;

public class HostingTests
{
    [Fact]
    public async Task Another_app_can_host_the_simulator_under_a_prefix()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Services.AddFreepikSimulator(options => options.CompletedAfter = options.InProgressAfter = TimeSpan.Zero);
        await using var app = builder.Build();
        app.MapFreepikSimulator("/freepik");
        await app.StartAsync();
        var baseUrl = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        using var client = new HttpClient { BaseAddress = new Uri($"{baseUrl}/freepik/") };
        client.DefaultRequestHeaders.Add("x-freepik-api-key", "sim-key");

        var taskId = await FreepikApi.CreateTaskAsync(client);
        var simulation = app.Services.GetRequiredService<FreepikSimulation>();
        while (simulation.FindTask(taskId)!.Status != FreepikTaskStatus.Completed)
        {
            await Task.Delay(10);
        }

        var task = await FreepikApi.GetTaskAsync(client, taskId);
        using var video = await client.GetAsync(FreepikApi.Generated(task)[0]);

        Assert.Equal($"{baseUrl}/freepik/videos/{taskId}.mp4", FreepikApi.Generated(task)[0]);
        Assert.Equal(HttpStatusCode.OK, video.StatusCode);
        await app.StopAsync();
    }

    [Fact]
    public async Task Generated_urls_use_the_configured_public_base_url()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        await using var sim = await FreepikSimulatorServer.StartAsync(
            new FreepikSimulatorOptions { PublicBaseUrl = "https://sim.example.com/", InProgressAfter = TimeSpan.Zero, CompletedAfter = TimeSpan.Zero },
            time,
            CancellationToken.None);
        using var client = sim.CreateClient();

        var taskId = await FreepikApi.CreateTaskAsync(client);
        time.Advance(TimeSpan.FromTicks(1));

        Assert.Equal([$"https://sim.example.com/videos/{taskId}.mp4"], sim.Simulation.FindTask(taskId)!.Generated);
    }

    [Fact]
    public async Task Start_fails_when_the_timings_are_out_of_order()
    {
        var options = new FreepikSimulatorOptions { InProgressAfter = TimeSpan.FromSeconds(5), CompletedAfter = TimeSpan.FromSeconds(1) };

        await Assert.ThrowsAsync<OptionsValidationException>(() => FreepikSimulatorServer.StartAsync(options, CancellationToken.None));
    }
}
