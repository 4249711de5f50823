namespace KlingFunctions.Storage;

/// <summary>
/// When a job in line asks again if no released slot woke it first. Wake-ups are how the line moves; a recheck only
/// covers a slot that lapsed or a wake-up that was lost, which concerns the front of the line. So the jobs that may
/// take the next slots ask every <c>Workflow:SlotRecheckInterval</c>, and the ones further back as much less often as
/// there are rounds of the limit ahead of them: the line's rechecks per second grow with the logarithm of its length,
/// not with the length.
/// </summary>
internal static class RecheckSchedule
{
    /// <summary>How long the job may go without asking, beyond its next recheck, before it counts as gone.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromMinutes(1);

    /// <summary>Keeps the product of a long line and a long interval a time span (the wait's bound comes far sooner).</summary>
    private const int MaxRounds = 1_000_000;

    /// <param name="ahead">Jobs ahead of it in line.</param>
    /// <param name="limit">Slots of the pool (<c>Freepik:MaxConcurrentTasks</c>).</param>
    public static TimeSpan After(long ahead, int limit, TimeSpan interval)
    {
        var rounds = (Math.Max(ahead, 0) / Math.Max(limit, 1)) + 1;
        return interval * Math.Min(rounds, MaxRounds);
    }

    /// <summary>How long a job asking now, next due after <paramref name="recheck"/>, stays in line without asking.</summary>
    public static TimeSpan StaleAfter(TimeSpan recheck) => (recheck * 3) + Margin;
}
