using KlingFunctions.Workflow;

namespace KlingFunctions.DevHost.Runner;

/// <summary>One orchestration instance held in memory: what Durable would keep in its history and instance table.</summary>
internal sealed class InProcessInstance(string id, DateTimeOffset createdAt) : IDisposable
{
    private readonly Lock gate = new();
    private JobRuntimeStatus status = JobRuntimeStatus.Pending;
    private DateTimeOffset lastUpdatedAt = createdAt;
    private string? customStatus;
    private string? output;
    private string? failure;

    public string Id { get; } = id;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    public EventBuffer Events { get; } = new();

    /// <summary>Cancelled on terminate: every timer, waiter and activity of the instance observes it.</summary>
    public CancellationTokenSource Termination { get; } = new();

    public bool IsRunning
    {
        get
        {
            lock (gate)
            {
                return status is JobRuntimeStatus.Pending or JobRuntimeStatus.Running;
            }
        }
    }

    public InstanceState Read()
    {
        lock (gate)
        {
            return new InstanceState(status, lastUpdatedAt, customStatus, output, failure);
        }
    }

    public void SetCustomStatus(string? json, DateTimeOffset now) => Update(now, () => customStatus = json);

    public void MarkRunning(DateTimeOffset now) => Update(now, () => status = JobRuntimeStatus.Running);

    public void Complete(string json, DateTimeOffset now) => Finish(JobRuntimeStatus.Completed, now, () => output = json);

    public void Fail(string message, DateTimeOffset now) => Finish(JobRuntimeStatus.Failed, now, () => failure = message);

    /// <returns>False when the instance had already finished.</returns>
    public bool Terminate(string reason, DateTimeOffset now)
    {
        lock (gate)
        {
            if (status is not (JobRuntimeStatus.Pending or JobRuntimeStatus.Running))
            {
                return false;
            }

            status = JobRuntimeStatus.Terminated;
            failure = reason;
            lastUpdatedAt = now;
        }

        Termination.Cancel();
        return true;
    }

    public void Dispose() => Termination.Dispose();

    private void Update(DateTimeOffset now, Action change)
    {
        lock (gate)
        {
            if (status is JobRuntimeStatus.Pending or JobRuntimeStatus.Running)
            {
                change();
                lastUpdatedAt = now;
            }
        }
    }

    private void Finish(JobRuntimeStatus final, DateTimeOffset now, Action change)
    {
        lock (gate)
        {
            if (status is JobRuntimeStatus.Pending or JobRuntimeStatus.Running)
            {
                change();
                status = final;
                lastUpdatedAt = now;
            }
        }
    }
}

internal sealed record InstanceState(JobRuntimeStatus Status, DateTimeOffset LastUpdatedAt, string? CustomStatus, string? Output, string? Failure);
