using System.Text.Json.Nodes;
using KlingFunctions.Freepik;

namespace KlingFunctions.FreepikSimulator;

/// <summary>A simulated task as a test sees it.</summary>
/// <param name="Model">The model it was created with: the last segment of the create path (<c>kling-v2-1-std</c>).</param>
/// <param name="Body">The create body, as Freepik received it.</param>
public sealed record SimulatedTaskView(
    string TaskId,
    string? Prompt,
    FreepikTaskStatus Status,
    IReadOnlyList<string> Generated,
    string? WebhookUrl,
    DateTimeOffset CreatedAt,
    string Model,
    JsonObject Body);

/// <summary>One task's state. Its status only moves forward, driven by one timer.</summary>
internal sealed class SimulatedTask(string id, KlingEndpoint endpoint, JsonObject body, string videoUrl, TaskScript script, DateTimeOffset createdAt)
{
    private FreepikTaskStatus status = FreepikTaskStatus.Created;
    private int statusCalls;

    public string Id { get; } = id;

    /// <summary>Where it was created, and so where its status and list are read.</summary>
    public KlingEndpoint Endpoint { get; } = endpoint;

    public string? Prompt { get; } = TextOf(body, "prompt");

    public string? WebhookUrl { get; } = TextOf(body, "webhook_url");

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

    /// <summary>A copy of the body for each view: a test may read it while the simulator runs.</summary>
    public SimulatedTaskView ToView() => new(Id, Prompt, Status, Generated, WebhookUrl, CreatedAt, Endpoint.Model, (JsonObject)body.DeepClone());

    private static string? TextOf(JsonObject body, string name) => body[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}

/// <summary>One webhook delivery; a duplicate is the same delivery sent again.</summary>
internal sealed record WebhookDelivery(string WebhookId, FreepikTaskStatus Status, byte[] Body, DateTimeOffset DueAt);
