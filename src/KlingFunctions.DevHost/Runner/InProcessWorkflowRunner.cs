using System.Collections.Concurrent;
using System.Text.Json;
using KlingFunctions.Workflow;
using KlingFunctions.Workflow.Activities;

namespace KlingFunctions.DevHost.Runner;

/// <summary>
/// Runs video jobs in this process, with the Durable semantics the workflow relies on: unique instance ids,
/// events buffered until awaited, cancellable timers, retry policies, custom status and terminate.
/// Jobs live in memory and do not survive a restart: durability comes from Durable Functions on Azure.
/// </summary>
public sealed class InProcessWorkflowRunner(
    IEnumerable<IWorkflowActivity> activities,
    TimeProvider time,
    ILoggerFactory loggers) : IVideoJobClient, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, InProcessInstance> instances = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task> runs = new(StringComparer.Ordinal);
    private readonly IReadOnlyDictionary<string, IWorkflowActivity> activitiesByName = activities.ToDictionary(a => a.Name, StringComparer.Ordinal);
    private readonly ILogger logger = loggers.CreateLogger<InProcessWorkflowRunner>();

    public Task<bool> StartAsync(string jobId, VideoJobInput input, CancellationToken cancellationToken)
    {
        var instance = new InProcessInstance(jobId, time.GetUtcNow());
        if (!instances.TryAdd(jobId, instance))
        {
            instance.Dispose();
            return Task.FromResult(false);
        }

        // Round-trip the input as Durable would, then run on the thread pool like a dispatched orchestration.
        var json = JsonSerializer.Serialize(input, RunnerJson.Options);
        runs[jobId] = Task.Run(() => RunAsync(instance, JsonSerializer.Deserialize<VideoJobInput>(json, RunnerJson.Options)!), CancellationToken.None);
        return Task.FromResult(true);
    }

    public Task<VideoJobSnapshot?> GetAsync(string jobId, CancellationToken cancellationToken)
    {
        if (!instances.TryGetValue(jobId, out var instance))
        {
            return Task.FromResult<VideoJobSnapshot?>(null);
        }

        var state = instance.Read();
        return Task.FromResult<VideoJobSnapshot?>(new VideoJobSnapshot(
            instance.Id,
            state.Status,
            instance.CreatedAt,
            state.LastUpdatedAt,
            state.CustomStatus is null ? null : JsonSerializer.Deserialize<VideoJobProgress>(state.CustomStatus, RunnerJson.Options),
            state.Output is null ? null : JsonSerializer.Deserialize<VideoJobResult>(state.Output, RunnerJson.Options),
            state.Failure));
    }

    public Task<RaiseEventOutcome> RaiseEventAsync(string jobId, string eventName, object payload, CancellationToken cancellationToken)
    {
        if (!instances.TryGetValue(jobId, out var instance))
        {
            return Task.FromResult(RaiseEventOutcome.NotFound);
        }

        if (!instance.IsRunning)
        {
            return Task.FromResult(RaiseEventOutcome.NotRunning);
        }

        instance.Events.Raise(eventName, JsonSerializer.Serialize(payload, payload.GetType(), RunnerJson.Options));
        return Task.FromResult(RaiseEventOutcome.Raised);
    }

    public Task TerminateAsync(string jobId, string reason, CancellationToken cancellationToken)
    {
        if (instances.TryGetValue(jobId, out var instance))
        {
            instance.Terminate(reason, time.GetUtcNow());
        }

        return Task.CompletedTask;
    }

    /// <summary>The DevHost has no management API beyond the job endpoints.</summary>
    public IReadOnlyDictionary<string, string>? ManagementUrls(string jobId) => null;

    /// <summary>Waits for every running job to finish: lets tests and benchmarks assert that nothing is left running.</summary>
    public Task WhenIdleAsync() => Task.WhenAll(runs.Values);

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in instances.Values)
        {
            instance.Terminate("The DevHost is shutting down.", time.GetUtcNow());
        }

        await WhenIdleAsync();
        foreach (var instance in instances.Values)
        {
            instance.Dispose();
        }
    }

    private async Task RunAsync(InProcessInstance instance, VideoJobInput input)
    {
        instance.MarkRunning(time.GetUtcNow());
        var context = new InProcessWorkflowContext(instance, activitiesByName, time, loggers);
        try
        {
            var result = await VideoOrchestration.RunAsync(context, input);
            instance.Complete(JsonSerializer.Serialize(result, RunnerJson.Options), time.GetUtcNow());
        }
        catch (OperationCanceledException) when (instance.Termination.IsCancellationRequested)
        {
            logger.LogInformation("Job {JobId} was terminated", instance.Id);
        }
        catch (Exception exception)
        {
            logger.LogError(exception, "Job {JobId} failed with an unhandled exception", instance.Id);
            instance.Fail(exception.Message, time.GetUtcNow());
        }
    }
}
