using System.Text.Json;
using KlingFunctions.Workflow;
using KlingFunctions.Workflow.Activities;

namespace KlingFunctions.DevHost.Runner;

/// <summary>
/// The orchestration port run live, without replay. Inputs and outputs still go through JSON, as they would
/// through Durable's history, so a type that cannot round-trip fails here too.
/// </summary>
internal sealed class InProcessWorkflowContext(
    InProcessInstance instance,
    IReadOnlyDictionary<string, IWorkflowActivity> activities,
    TimeProvider time,
    ILoggerFactory loggers) : IWorkflowContext
{
    private CancellationToken Termination => instance.Termination.Token;

    public DateTime CurrentUtcDateTime => time.GetUtcNow().UtcDateTime;

    public async Task<TResult> CallActivityAsync<TResult>(string name, object input, ActivityRetry? retry = null)
    {
        if (!activities.TryGetValue(name, out var activity))
        {
            throw new InvalidOperationException($"No activity named '{name}' is registered.");
        }

        var json = JsonSerializer.Serialize(input, input.GetType(), RunnerJson.Options);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var activityInput = JsonSerializer.Deserialize(json, activity.InputType, RunnerJson.Options)!;
                var output = await activity.RunAsync(activityInput, Termination);
                return JsonSerializer.Deserialize<TResult>(JsonSerializer.Serialize(output, RunnerJson.Options), RunnerJson.Options)!;
            }
            catch (Exception exception) when (!Termination.IsCancellationRequested && retry is not null && attempt < retry.MaxAttempts)
            {
                loggers.CreateLogger<InProcessWorkflowContext>().LogWarning(exception, "Activity {Activity} of {InstanceId} failed (attempt {Attempt}); retrying", name, instance.Id, attempt);
                await Task.Delay(retry.DelayBefore(attempt), time, Termination);
            }
        }
    }

    public async Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken)
    {
        var delay = fireAt - CurrentUtcDateTime;
        if (delay > TimeSpan.Zero)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, Termination);
            await Task.Delay(delay, time, linked.Token);
        }
    }

    public async Task<T> WaitForExternalEvent<T>(string eventName)
        => JsonSerializer.Deserialize<T>(await instance.Events.WaitAsync(eventName, Termination), RunnerJson.Options)!;

    public void SetCustomStatus(object? customStatus)
        => instance.SetCustomStatus(customStatus is null ? null : JsonSerializer.Serialize(customStatus, customStatus.GetType(), RunnerJson.Options), time.GetUtcNow());

    public ILogger CreateReplaySafeLogger(string categoryName) => loggers.CreateLogger(categoryName);
}

internal static class RunnerJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
