using KlingFunctions.Events;
using KlingFunctions.Http;

namespace KlingFunctions.Workflow.Activities;

/// <summary>
/// After step 5: the job's completion event to the Event Grid topic (<see cref="JobEvents"/>). Called from the
/// orchestration's finish with Durable's retries, so an event survives a topic outage and a restart; a retry sends
/// the same event id again, which subscribers deduplicate on.
/// </summary>
public sealed class PublishJobEventActivity(JobEvents events) : WorkflowActivity<JobEventRequest, bool>
{
    public override Task<bool> RunAsync(JobEventRequest input, CancellationToken cancellationToken)
        => events.PublishAsync(
            JobView.From(input.JobId, input.Result.Status, input.Progress, input.Result, input.CreatedAt, new DateTimeOffset(input.Progress.UpdatedAt, TimeSpan.Zero), videoUrl: null),
            cancellationToken);
}
