using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace KlingFunctions.Workflow;

/// <summary>Retention, every hour: finished jobs older than <c>Workflow:Retention</c> and their input blobs are purged.</summary>
public sealed class PurgeFinishedJobs(JobRetention retention)
{
    [Function(nameof(PurgeFinishedJobs))]
    public Task Run(
        [TimerTrigger("0 17 * * * *")] TimerInfo timer,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
        => retention.PurgeAsync(client, cancellationToken);
}
