namespace KlingFunctions.Freepik;

/// <summary>Freepik's Kling API: create a task, read its status, at the paths of the task's model.</summary>
public interface IFreepikClient
{
    /// <summary>
    /// <c>POST</c> the body to the model's create path (<c>/v1/ai/image-to-video/kling-v2-1-std</c>). Never retried
    /// blindly: an ambiguous failure comes back as <see cref="FreepikOutcome.OutcomeUnknown"/>.
    /// </summary>
    Task<FreepikResult> CreateTaskAsync(FreepikCreateTask task, CancellationToken cancellationToken);

    /// <summary>
    /// <c>GET</c> the model's status path (<c>/v1/ai/image-to-video/kling-v2-1/{taskId}</c>), retried with jittered
    /// backoff when transient. A 404 within the grace period after <paramref name="submittedAt"/> is
    /// <see cref="FreepikOutcome.Transient"/>.
    /// </summary>
    Task<FreepikResult> GetTaskAsync(KlingModel model, string taskId, DateTimeOffset submittedAt, CancellationToken cancellationToken);
}
