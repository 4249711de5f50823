namespace KlingFunctions.Workflow;

/// <summary>
/// When to poll Freepik next. Polls back off exponentially from <see cref="WorkflowSettings.FirstPoll"/> to
/// <see cref="WorkflowSettings.MaxPollInterval"/>; with webhooks they only guard against a lost delivery, so
/// they start and stay <see cref="WebhookSparsity"/> times further apart.
/// </summary>
public static class PollSchedule
{
    public const int WebhookSparsity = 4;

    /// <summary>The wait before poll number <paramref name="poll"/> (0 for the first).</summary>
    public static TimeSpan DelayBefore(int poll, WorkflowSettings settings)
    {
        var factor = settings.WebhooksEnabled ? WebhookSparsity : 1;

        // In seconds, so that a long FirstPoll doubled many times cannot overflow a TimeSpan.
        var seconds = settings.FirstPoll.TotalSeconds * factor * Math.Pow(2, Math.Min(poll, 62));
        return TimeSpan.FromSeconds(Math.Min(seconds, settings.MaxPollInterval.TotalSeconds * factor));
    }
}
