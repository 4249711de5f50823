using KlingFunctions.Workflow;

namespace KlingFunctions.Core.Tests.Workflow;

public sealed class PollScheduleTests
{
    private static readonly WorkflowSettings Defaults = new WorkflowOptions().ToSettings(webhooksEnabled: false);

    [Fact]
    public void Polls_back_off_from_FirstPoll_to_MaxPollInterval()
    {
        var delays = Enumerable.Range(0, 6).Select(poll => PollSchedule.DelayBefore(poll, Defaults).TotalSeconds);

        Assert.Equal([15, 30, 60, 120, 120, 120], delays);
    }

    [Fact]
    public void With_webhooks_polls_are_a_sparse_safety_net()
    {
        var delays = Enumerable.Range(0, 4).Select(poll => PollSchedule.DelayBefore(poll, Defaults with { WebhooksEnabled = true }).TotalSeconds);

        Assert.Equal([60, 120, 240, 480], delays);
    }

    [Fact]
    public void A_long_FirstPoll_doubled_many_times_stays_at_the_cap()
        => Assert.Equal(TimeSpan.FromDays(2), PollSchedule.DelayBefore(10_000, Defaults with { FirstPoll = TimeSpan.FromDays(1), MaxPollInterval = TimeSpan.FromDays(2) }));
}
