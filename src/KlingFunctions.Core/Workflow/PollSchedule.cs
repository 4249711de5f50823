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
        var first = settings.FirstPoll * factor;
        var max = settings.MaxPollInterval * factor;
        var delay = first * Math.Pow(2, Math.Min(poll, 30));
        return delay < max ? delay : max;
    }
}
