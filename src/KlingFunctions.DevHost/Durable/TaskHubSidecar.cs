using System.Net;
using DurableTask.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;

namespace KlingFunctions.DevHost.Durable;

/// <summary>
/// The task hub's client API for the DevHost's <c>DurableTaskClient</c>: <see cref="TaskHubGrpcServer"/> (the gRPC
/// sidecar of durabletask-dotnet, the protocol the Functions host's Durable extension speaks to the isolated worker)
/// in front of the <see cref="IOrchestrationService"/>, on a loopback port of its own. API only: the
/// <see cref="TaskHubWorkerService"/> dispatches. Registered before the worker, so it starts first and stops last.
/// </summary>
internal sealed class TaskHubSidecar(IOrchestrationService service, Uri address, ILoggerFactory loggers) : IHostedService, IAsyncDisposable
{
    private WebApplication? server;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Nothing else creates the task hub: without this the Azure Storage backend has no queues or tables.
        await service.CreateIfNotExistsAsync();

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggers);

        // Part of the DevHost, not a host of its own: no second Ctrl+C handler.
        builder.Services.AddSingleton<IHostLifetime, HostedByDevHost>();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, address.Port, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.Configure<TaskHubGrpcServerOptions>(options => options.Mode = TaskHubGrpcServerMode.ApiServerOnly);
        builder.Services.AddSingleton(service);
        builder.Services.AddSingleton((IOrchestrationServiceClient)service);
        builder.Services.AddSingleton<TaskHubGrpcServer>();
        server = builder.Build();
        server.MapGrpcService<TaskHubGrpcServer>();
        await server.StartAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => server?.StopAsync(cancellationToken) ?? Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }

    private sealed class HostedByDevHost : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
