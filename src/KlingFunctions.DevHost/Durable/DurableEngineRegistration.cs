using DurableTask.AzureStorage;
using DurableTask.Core;
using KlingFunctions.DevHost.Azurite;
using KlingFunctions.Workflow;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.Options;

namespace KlingFunctions.DevHost.Durable;

/// <summary>
/// The DevHost's Durable Task worker and client on the real engine: the Azure Storage backend (Durable Functions'
/// default) or the in-memory one. The orchestration and activities are the Functions app's.
/// </summary>
internal static class DurableEngineRegistration
{
    private static readonly TimeSpan PartitionTableTimeout = TimeSpan.FromSeconds(30);

    public static IServiceCollection AddDurableEngine(this IServiceCollection services, DevHostSettings settings, IConfiguration configuration)
    {
        var address = new Uri($"http://127.0.0.1:{AzuriteProcess.FreePort()}");
        services.AddSingleton(provider => settings.Engine switch
        {
            DurableEngine.InMemory => (IOrchestrationService)new InMemoryBackend(provider.GetRequiredService<ILoggerFactory>(), settings.Concurrency),
            _ => AzureStorage(settings, configuration, provider),
        });

        // Before the worker: hosted services start in registration order and stop in reverse.
        services.AddHostedService(provider => new TaskHubSidecar(provider.GetRequiredService<IOrchestrationService>(), address, provider.GetRequiredService<ILoggerFactory>()));
        services.AddDurableTaskWorker(worker =>
        {
            worker.UseBuildTarget<TaskHubWorkerService>();
            worker.AddTasks(tasks => tasks.AddVideoWorkflow());
        });
        services.AddDurableTaskClient(client =>
        {
            client.UseGrpc(address.AbsoluteUri);
            client.RegisterDirectly();
        });
        return services;
    }

    private static AzureStorageOrchestrationService AzureStorage(DevHostSettings settings, IConfiguration configuration, IServiceProvider provider)
    {
        // Durable Functions keeps its state in AzureWebJobsStorage; the DevHost falls back to the app's own account.
        var connectionString = configuration["AzureWebJobsStorage"] is { Length: > 0 } webJobs ? webJobs : configuration["Storage:ConnectionString"];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new OptionsValidationException(nameof(DevHostSettings.Engine), typeof(DevHostSettings), [
                "DevHost:Engine=AzureStorage needs a connection string in AzureWebJobsStorage or Storage:ConnectionString (a managed identity is not supported by the DevHost); or set DevHost:Engine=InMemory."]);
        }

        return new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            StorageAccountClientProvider = new StorageAccountClientProvider(connectionString),
            TaskHubName = settings.TaskHub,

            // One process serves the hub, so one partition (one control queue to poll) is all it can use.
            PartitionCount = 1,

            // Idle queue polling backs off to 30 s by default, and every timer and event waits for the next poll.
            MaxQueuePollingInterval = settings.MaxQueuePollingInterval,

            // Azurite under load can take seconds to answer; at the default 2 s the partition manager gave up renewing
            // its lease and stopped the only partition (measured with 1,000 jobs at once: most of them stalled).
            PartitionTableOperationTimeout = PartitionTableTimeout,

            // A start on an existing instance id must be refused; without this the backend replaces a running job.
            ThrowExceptionOnInvalidDedupeStatus = true,

            // The app lease keeps a second app version off a shared hub; for one DevHost it only makes a restart after
            // a crash wait a minute for the dead process's lease to expire.
            UseAppLease = false,

            // A queue read cancelled by a stop can have taken a message (an activity's result sent just then): it is
            // invisible until this passes. Work items in progress renew their messages, so this only bounds such strays.
            ControlQueueVisibilityTimeout = settings.QueueVisibilityTimeout,
            WorkItemQueueVisibilityTimeout = settings.QueueVisibilityTimeout,

            MaxConcurrentTaskActivityWorkItems = settings.Concurrency.Activities,
            MaxConcurrentTaskOrchestrationWorkItems = settings.Concurrency.Orchestrations,

            LoggerFactory = provider.GetRequiredService<ILoggerFactory>(),
        });
    }
}
