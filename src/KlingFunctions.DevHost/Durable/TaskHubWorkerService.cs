using DurableTask.Core;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Hosting;
using Microsoft.DurableTask.Worker.Shims;
using Microsoft.Extensions.Options;

namespace KlingFunctions.DevHost.Durable;

/// <summary>
/// The DevHost's Durable Task worker: DurableTask.Core's own <see cref="TaskHubWorker"/>, the dispatcher the Functions
/// host's Durable extension runs, executing the registry's orchestrator and activities through durabletask-dotnet's
/// shims, which is what the isolated worker does with the work items the Functions host sends it. Unlike the gRPC
/// sidecar's dispatcher it renews activity locks and starts and stops the backend when the DevHost does.
/// </summary>
internal sealed class TaskHubWorkerService(
    string name,
    IDurableTaskFactory factory,
    IOrchestrationService service,
    IOptionsMonitor<DurableTaskWorkerOptions> options,
    IServiceProvider services,
    ILoggerFactory loggers) : DurableTaskWorker(name, factory)
{
    private TaskHubWorker? worker;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var tasks = new RegisteredTasks(Factory, new DurableTaskShimFactory(options.Get(Name), loggers), services);
        worker = new TaskHubWorker(service, tasks, tasks, loggers)
        {
            // durabletask-dotnet reads an activity's failure from its FailureDetails, as under the Functions host.
            ErrorPropagationMode = ErrorPropagationMode.UseFailureDetails,
        };
        await worker.StartAsync();
        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        if (worker is not null)
        {
            // The backend first, while the dispatchers still run: it stops taking messages from its queues and drains
            // the ones it holds through them, then releases its lease. Stopped after the dispatchers (as TaskHubWorker
            // alone does), what it had already taken stays invisible in the queue for the visibility timeout (5 min).
            await service.StopAsync(isForced: false);
            await worker.StopAsync(isForced: false);
        }

        await base.StopAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.CompletedTask;

    /// <summary>The registry's orchestrators and activities as DurableTask.Core asks for them: one new instance per execution.</summary>
    private sealed class RegisteredTasks(IDurableTaskFactory factory, DurableTaskShimFactory shims, IServiceProvider services)
        : INameVersionObjectManager<TaskOrchestration>, INameVersionObjectManager<TaskActivity>
    {
        TaskOrchestration? INameVersionObjectManager<TaskOrchestration>.GetObject(string name, string? version)
            => factory.TryCreateOrchestrator(name, services, out var orchestrator) ? shims.CreateOrchestration(name, orchestrator) : null;

        TaskActivity? INameVersionObjectManager<TaskActivity>.GetObject(string name, string? version)
            => factory.TryCreateActivity(name, services, out var activity) ? shims.CreateActivity(name, activity) : null;

        void INameVersionObjectManager<TaskOrchestration>.Add(ObjectCreator<TaskOrchestration> creator)
            => throw new NotSupportedException("Orchestrators are registered with the DurableTaskRegistry.");

        void INameVersionObjectManager<TaskActivity>.Add(ObjectCreator<TaskActivity> creator)
            => throw new NotSupportedException("Activities are registered with the DurableTaskRegistry.");
    }
}
