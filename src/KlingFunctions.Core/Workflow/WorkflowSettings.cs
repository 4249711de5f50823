namespace KlingFunctions.Workflow;

/// <summary>The workflow's timing, captured into each job's input when it starts.</summary>
public sealed record WorkflowSettings
{
    public required TimeSpan FirstPoll { get; init; }

    public required TimeSpan MaxPollInterval { get; init; }

    public required TimeSpan Deadline { get; init; }

    public required bool ArchiveVideo { get; init; }

    /// <summary>True when Freepik will call our webhook: polls then only guard against a lost delivery.</summary>
    public required bool WebhooksEnabled { get; init; }

    /// <summary>How many times a create that certainly did not reach Freepik (429, 503, refused) is tried.</summary>
    /// <summary>Whether the job publishes its completion event (<c>Events:TopicEndpoint</c> was set when it started).</summary>
    public bool PublishEvents { get; init; }

    public int MaxSubmitAttempts { get; init; } = 5;

    /// <summary>
    /// After an unknown create outcome, how long to wait for a webhook that names the task (which may exist), when
    /// webhooks are configured; only then does the job end <c>SubmitOutcomeUnknown</c>.
    /// </summary>
    public TimeSpan UnknownOutcomeGrace { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Attempts of an activity that is safe to repeat (staging, archiving, the callback) before it counts as failed.</summary>
    public int ActivityRetryAttempts { get; init; } = 5;

    /// <summary>The wait before the first retry of such an activity; each further retry waits twice as long, up to 2 minutes.</summary>
    public TimeSpan ActivityRetryInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a job in line for a Freepik slot asks again when no released slot woke it.</summary>
    public TimeSpan SlotRecheckInterval { get; init; } = TimeSpan.FromSeconds(30);
}
