using KlingFunctions.Freepik;

namespace KlingFunctions.Workflow;

/// <summary>
/// The payload of the <c>FreepikTaskUpdate</c> event: one webhook delivery that passed the URL token check.
/// <see cref="DeliveryId"/> is Freepik's <c>webhook-id</c> when signed, so redeliveries can be recognised.
/// </summary>
/// <param name="Verified">True when Freepik's signature vouched for it (<c>Freepik:WebhookSecret</c> is set).</param>
public sealed record FreepikTaskUpdate(string? DeliveryId, string TaskId, string Status, IReadOnlyList<string> Generated, bool Verified = false)
{
    public const string EventName = "FreepikTaskUpdate";

    public FreepikTask ToTask() => new(TaskId, new FreepikTaskStatus(Status), Generated);

    /// <summary>
    /// Whether this update can change a job that reports <paramref name="progress"/>: not when it is for another
    /// task, or a status the job has already reached or passed. The orchestration ignores those too; not raising them
    /// spares it an episode that replays its whole history, per redundant delivery. A job without a task id yet takes
    /// every update (Durable keeps it until the job waits).
    /// </summary>
    public bool CanChange(VideoJobProgress? progress)
    {
        if (progress?.FreepikTaskId is not { } taskId)
        {
            return true;
        }

        var status = new FreepikTaskStatus(Status);
        return string.Equals(TaskId, taskId, StringComparison.Ordinal)
            && (status.IsTerminal || progress.FreepikStatus is not { } current || status.Rank > new FreepikTaskStatus(current).Rank);
    }
}
