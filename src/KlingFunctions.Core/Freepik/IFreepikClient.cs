namespace KlingFunctions.Freepik;

/// <summary>Freepik's Kling 2.1 image-to-video API: create a task, read its status.</summary>
public interface IFreepikClient
{
    /// <summary>
    /// <c>POST /v1/ai/image-to-video/kling-v2-1-std</c>. Never retried blindly: an ambiguous failure comes back
    /// as <see cref="FreepikOutcome.OutcomeUnknown"/>.
    /// </summary>
    Task<FreepikResult> CreateTaskAsync(FreepikCreateTask task, CancellationToken cancellationToken);

    /// <summary>
    /// <c>GET /v1/ai/image-to-video/kling-v2-1/{taskId}</c>, retried with jittered backoff when transient.
    /// A 404 within the grace period after <paramref name="submittedAt"/> is <see cref="FreepikOutcome.Transient"/>.
    /// </summary>
    Task<FreepikResult> GetTaskAsync(string taskId, DateTimeOffset submittedAt, CancellationToken cancellationToken);
}
