using System.Collections.Concurrent;

namespace KlingFunctions.FreepikSimulator;

/// <summary>What the simulator has received and sent so far. Each number is read atomically.</summary>
/// <param name="CreateAttempts">Every create request, including rejected and scripted-fault ones.</param>
/// <param name="TasksCreated">Tasks that exist (a paid video, on the real API).</param>
/// <param name="StatusCallsByTask">Status requests per requested task id, known or not.</param>
/// <param name="WebhooksSent">Webhook requests sent, duplicates included, whatever their answer.</param>
/// <param name="WebhookFailures">Webhook requests that got no answer or a non-2xx one.</param>
/// <param name="WebhooksLost">Deliveries dropped on purpose by a <see cref="WebhookFault.Lost"/> script.</param>
/// <param name="CreatesRefusedAtLimit">Creates answered 429 because <see cref="FreepikSimulatorOptions.MaxConcurrentTasks"/> tasks were in flight.</param>
/// <param name="MaxTasksInFlight">The most tasks in flight at any moment.</param>
public sealed record SimulatorCallCounts(
    int CreateAttempts,
    int TasksCreated,
    int StatusCalls,
    IReadOnlyDictionary<string, int> StatusCallsByTask,
    int ListCalls,
    int VideoDownloads,
    int WebhooksSent,
    int WebhookFailures,
    int WebhooksLost,
    int CreatesRefusedAtLimit,
    int MaxTasksInFlight)
{
    public int StatusCallsFor(string taskId) => StatusCallsByTask.GetValueOrDefault(taskId);
}

/// <summary>Thread-safe counters behind <see cref="SimulatorCallCounts"/>.</summary>
internal sealed class SimulatorCallCounter
{
    private readonly ConcurrentDictionary<string, int> statusCallsByTask = new(StringComparer.Ordinal);
    private int createAttempts;
    private int tasksCreated;
    private int statusCalls;
    private int listCalls;
    private int videoDownloads;
    private int webhooksSent;
    private int webhookFailures;
    private int webhooksLost;
    private int createsRefusedAtLimit;
    private int maxTasksInFlight;

    public void CreateAttempt() => Interlocked.Increment(ref createAttempts);

    public void TaskCreated() => Interlocked.Increment(ref tasksCreated);

    public void StatusCall(string taskId)
    {
        Interlocked.Increment(ref statusCalls);
        statusCallsByTask.AddOrUpdate(taskId, 1, static (_, count) => count + 1);
    }

    public void ListCall() => Interlocked.Increment(ref listCalls);

    public void VideoDownload() => Interlocked.Increment(ref videoDownloads);

    public void WebhookSent() => Interlocked.Increment(ref webhooksSent);

    public void WebhookFailed() => Interlocked.Increment(ref webhookFailures);

    public void WebhookLost() => Interlocked.Increment(ref webhooksLost);

    public void CreateRefusedAtLimit() => Interlocked.Increment(ref createsRefusedAtLimit);

    /// <summary>Called under the simulation's admission lock, so the maximum needs no compare-and-swap.</summary>
    public void TasksInFlight(int count) => Volatile.Write(ref maxTasksInFlight, Math.Max(Volatile.Read(ref maxTasksInFlight), count));

    public SimulatorCallCounts Snapshot() => new(
        Volatile.Read(ref createAttempts),
        Volatile.Read(ref tasksCreated),
        Volatile.Read(ref statusCalls),
        new Dictionary<string, int>(statusCallsByTask, StringComparer.Ordinal),
        Volatile.Read(ref listCalls),
        Volatile.Read(ref videoDownloads),
        Volatile.Read(ref webhooksSent),
        Volatile.Read(ref webhookFailures),
        Volatile.Read(ref webhooksLost),
        Volatile.Read(ref createsRefusedAtLimit),
        Volatile.Read(ref maxTasksInFlight));
}
