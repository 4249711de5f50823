namespace KlingFunctions.FreepikSimulator;

/// <summary>How a simulated task ends.</summary>
public enum TaskEnding
{
    Completed,

    /// <summary>FAILED, with no reason, as Freepik does it.</summary>
    Failed,

    /// <summary>COMPLETED with an empty <c>generated</c>, as other clients have seen.</summary>
    CompletedWithoutVideo,
}

/// <summary>What goes wrong with a task's webhook deliveries.</summary>
public enum WebhookFault
{
    None,

    /// <summary>No webhook is sent at all.</summary>
    Lost,

    /// <summary>Each delivery is sent twice with the same <c>webhook-id</c>.</summary>
    Duplicated,

    /// <summary>Earlier statuses are held back and sent after the final one, newest first.</summary>
    Reordered,
}

/// <summary>
/// What happens to a scripted task. Scripts are matched when a create request arrives, since a test cannot know
/// the task id in advance.
/// </summary>
public sealed record TaskScript
{
    /// <summary>Completes on the configured timings with no faults.</summary>
    public static TaskScript Default { get; } = new();

    public TaskEnding Ending { get; init; } = TaskEnding.Completed;

    /// <summary>Overrides <see cref="FreepikSimulatorOptions.InProgressAfter"/> for this task.</summary>
    public TimeSpan? InProgressAfter { get; init; }

    /// <summary>Overrides <see cref="FreepikSimulatorOptions.CompletedAfter"/> (time to the final status) for this task.</summary>
    public TimeSpan? CompletedAfter { get; init; }

    /// <summary>
    /// Answers to the create attempts this script matches, in order; attempts beyond them succeed.
    /// With <see cref="FreepikSimulation.Script"/> the count runs over every matching attempt; with ScriptNext until a task is created.
    /// </summary>
    public IReadOnlyList<ResponseFault> CreateFaults { get; init; } = [];

    /// <summary>Answers to this task's status requests, in order; requests beyond them succeed.</summary>
    public IReadOnlyList<ResponseFault> StatusFaults { get; init; } = [];

    /// <summary>Status requests answer 404 for this long after create, as Freepik has been seen to do.</summary>
    public TimeSpan NotFoundFor { get; init; }

    public WebhookFault Webhooks { get; init; }

    /// <summary>Each webhook is sent this long after its status change.</summary>
    public TimeSpan WebhookDelay { get; init; }
}

/// <summary>A scripted answer to one or more consecutive requests.</summary>
public sealed record ResponseFault
{
    /// <summary>The status code to answer with; null answers normally (useful with <see cref="Delay"/>).</summary>
    public int? StatusCode { get; init; }

    /// <summary>How many consecutive requests get this answer.</summary>
    public int Times { get; init; } = 1;

    /// <summary>Sent as <c>Retry-After</c> (whole seconds) when set.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Waited before answering, e.g. to exceed a client's timeout.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>
    /// Create only: the task is created before the scripted answer, so the caller cannot tell whether it was
    /// (the ambiguous outcome). Always true for a normal answer.
    /// </summary>
    public bool TaskCreated { get; init; }

    /// <summary>Answers <paramref name="statusCode"/> without doing anything.</summary>
    public static ResponseFault Status(int statusCode, int times = 1, TimeSpan? retryAfter = null)
        => new() { StatusCode = statusCode, Times = times, RetryAfter = retryAfter };

    /// <summary>Create only: creates the task, then answers <paramref name="statusCode"/>.</summary>
    public static ResponseFault CreatedThenStatus(int statusCode)
        => new() { StatusCode = statusCode, TaskCreated = true };

    /// <summary>Does the work, then answers normally after <paramref name="delay"/>.</summary>
    public static ResponseFault Slow(TimeSpan delay, int times = 1)
        => new() { Delay = delay, Times = times, TaskCreated = true };

    /// <summary>The fault for the request at <paramref name="index"/> (0-based), or null once they are used up.</summary>
    internal static ResponseFault? At(IReadOnlyList<ResponseFault> faults, int index)
    {
        foreach (var fault in faults)
        {
            if (index < fault.Times)
            {
                return fault;
            }

            index -= fault.Times;
        }

        return null;
    }
}
