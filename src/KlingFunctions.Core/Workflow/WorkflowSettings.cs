namespace KlingFunctions.Workflow;

/// <summary>The workflow's timing, captured into each job's input when it starts.</summary>
public sealed record WorkflowSettings
{
    public required TimeSpan FirstPoll { get; init; }

    public required TimeSpan MaxPollInterval { get; init; }

    /// <summary>The generation's bound, from the job's Freepik create.</summary>
    public required TimeSpan Deadline { get; init; }

    /// <summary>The wait in line's bound, from the job's start (7 days in jobs started before it was captured).</summary>
    public TimeSpan MaxWaitForSlot { get; init; } = TimeSpan.FromDays(7);

    public required bool ArchiveVideo { get; init; }

    /// <summary>True when Freepik will call our webhook: polls then only guard against a lost delivery.</summary>
    public required bool WebhooksEnabled { get; init; }

    /// <summary>Whether the job publishes its completion event (<c>Events:TopicEndpoint</c> was set when it started).</summary>
    public bool PublishEvents { get; init; }

    /// <summary>How many times a create that certainly did not reach Freepik (503, refused) is tried; a 429 sends the job back in line instead.</summary>
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
