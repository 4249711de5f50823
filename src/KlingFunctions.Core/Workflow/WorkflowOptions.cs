using System.ComponentModel.DataAnnotations;

namespace KlingFunctions.Workflow;

/// <summary>Timing of the workflow (section <c>Workflow</c>); captured into each job when it starts.</summary>
public sealed class WorkflowOptions : IValidatableObject
{
    public const string Section = "Workflow";

    /// <summary>The wait before the first status poll; later polls back off from it.</summary>
    public TimeSpan FirstPoll { get; set; } = TimeSpan.FromSeconds(15);

    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Generation can take an hour: the job is TimedOut only after this, counted from its Freepik create (time in line
    /// for a slot is bounded by <see cref="MaxWaitForSlot"/> instead).
    /// </summary>
    public TimeSpan Deadline { get; set; } = TimeSpan.FromMinutes(60);

    /// <summary>
    /// How long a job may wait in line for one of Freepik's concurrent tasks, counted from its start; then it ends
    /// TimedOut with <c>SlotWaitExceeded</c>, nothing submitted. A wait after Freepik's 429 counts as waiting in line.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan MaxWaitForSlot { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Copy each finished video into the videos container (Freepik's URLs expire at an unknown time).</summary>
    public bool ArchiveVideo { get; set; } = true;

    /// <summary>Create attempts when Freepik answers 429/503 or refuses the connection.</summary>
    [Range(1, 20)]
    public int MaxSubmitAttempts { get; set; } = 5;

    /// <summary>After a create whose outcome is unknown, how long a webhook naming its task is waited for (webhooks only).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan UnknownOutcomeGrace { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Attempts of staging, archiving and the callback, which are safe to repeat, before they count as failed.</summary>
    [Range(1, 20)]
    public int ActivityRetryAttempts { get; set; } = 5;

    /// <summary>The wait before the first retry of those activities; it doubles with each retry, up to 2 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan ActivityRetryInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often a job in line for a Freepik slot asks again. A job that gives a slot back wakes the next in line at
    /// once; this only bounds the wait when that wake-up is missed.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan SlotRecheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a finished job (its Durable history and its input blobs) is kept, counted from its start; then it is
    /// purged and reads 404. Archived videos follow the storage lifecycle rules instead.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (FirstPoll <= TimeSpan.Zero)
        {
            yield return new ValidationResult("Workflow:FirstPoll must be positive.", [nameof(FirstPoll)]);
        }

        if (MaxPollInterval < FirstPoll)
        {
            yield return new ValidationResult("Workflow:MaxPollInterval must be at least Workflow:FirstPoll.", [nameof(MaxPollInterval)]);
        }

        if (Deadline <= FirstPoll)
        {
            yield return new ValidationResult("Workflow:Deadline must be longer than Workflow:FirstPoll.", [nameof(Deadline)]);
        }
    }

    public WorkflowSettings ToSettings(bool webhooksEnabled) => new()
    {
        FirstPoll = FirstPoll,
        MaxPollInterval = MaxPollInterval,
        Deadline = Deadline,
        MaxWaitForSlot = MaxWaitForSlot,
        ArchiveVideo = ArchiveVideo,
        WebhooksEnabled = webhooksEnabled,
        MaxSubmitAttempts = MaxSubmitAttempts,
        UnknownOutcomeGrace = UnknownOutcomeGrace,
        ActivityRetryAttempts = ActivityRetryAttempts,
        ActivityRetryInterval = ActivityRetryInterval,
        SlotRecheckInterval = SlotRecheckInterval,
    };
}
