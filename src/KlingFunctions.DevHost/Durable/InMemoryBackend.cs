using DurableTask.Core;
using Microsoft.DurableTask.Testing.Sidecar;

namespace KlingFunctions.DevHost.Durable;

/// <summary>
/// durabletask-dotnet's in-memory backend, running as many activities and orchestrations at once as the Functions
/// app's host.json lets Durable Functions run. Its own limit is the core count and not configurable: on two cores,
/// 1,000 jobs' archive copies queued for seconds behind other jobs' staging (BENCHMARKS.md, section 3).
/// </summary>
// Re-implements IOrchestrationService, so that these two properties, and only these, replace the base class's.
internal sealed class InMemoryBackend(ILoggerFactory loggers, DurableConcurrency concurrency)
    : InMemoryOrchestrationService(loggers), IOrchestrationService
{
    public new int MaxConcurrentTaskActivityWorkItems => concurrency.Activities;

    public new int MaxConcurrentTaskOrchestrationWorkItems => concurrency.Orchestrations;
}
