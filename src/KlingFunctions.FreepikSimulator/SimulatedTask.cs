using KlingFunctions.Freepik;

namespace KlingFunctions.FreepikSimulator;

/// <summary>A simulated task as a test sees it.</summary>
public sealed record SimulatedTaskView(
    string TaskId,
    string? Prompt,
    FreepikTaskStatus Status,
    IReadOnlyList<string> Generated,
    string? WebhookUrl,
    DateTimeOffset CreatedAt,
    FreepikCreateTask Request);

/// <summary>One task's state. Its status only moves forward, driven by one timer.</summary>
internal sealed class SimulatedTask(string id, FreepikCreateTask request, string videoUrl, TaskScript script, DateTimeOffset createdAt)
{
    private FreepikTaskStatus status = FreepikTaskStatus.Created;
    private int statusCalls;

    public string Id { get; } = id;

    public string? WebhookUrl { get; } = request.WebhookUrl;

    public TaskScript Script { get; } = script;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    /// <summary>Guards the status, the timer, the held deliveries and the delivery chain.</summary>
    public Lock Gate { get; } = new();

    public ITimer? Timer { get; set; }

    /// <summary>The last webhook delivery started; the next one waits for it so deliveries keep their order.</summary>
    public Task Deliveries { get; set; } = Task.CompletedTask;

    /// <summary>Deliveries a <see cref="WebhookFault.Reordered"/> script holds back until the final status.</summary>
    public List<WebhookDelivery> HeldDeliveries { get; } = [];

    public FreepikTaskStatus Status
    {
        get
        {
            lock (Gate)
            {
                return status;
            }
        }

        set
        {
            lock (Gate)
            {
                status = value;
            }
        }
    }

    public IReadOnlyList<string> Generated
        => Status == FreepikTaskStatus.Completed && Script.Ending == TaskEnding.Completed ? [videoUrl] : [];

    /// <summary>The scripted answer to the next status request, if any.</summary>
    public ResponseFault? NextStatusFault()
        => ResponseFault.At(Script.StatusFaults, Interlocked.Increment(ref statusCalls) - 1);

    public SimulatedTaskView ToView() => new(Id, request.Prompt, Status, Generated, WebhookUrl, CreatedAt, request);
}

/// <summary>One webhook delivery; a duplicate is the same delivery sent again.</summary>
internal sealed record WebhookDelivery(string WebhookId, FreepikTaskStatus Status, byte[] Body, DateTimeOffset DueAt);
