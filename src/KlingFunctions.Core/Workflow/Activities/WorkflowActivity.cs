using KlingFunctions.Telemetry;
using Microsoft.DurableTask;

namespace KlingFunctions.Workflow.Activities;

/// <summary>
/// One step of the workflow with I/O: the only place where the network, storage and the clock are touched.
/// The Durable Task worker runs it as a <see cref="TaskActivity{TInput, TOutput}"/>; the Functions app calls
/// <see cref="RunAsync(TInput, CancellationToken)"/> from its activity trigger with the invocation's token.
/// </summary>
public abstract class WorkflowActivity<TInput, TOutput> : TaskActivity<TInput, TOutput>
    where TInput : notnull
{
    public abstract Task<TOutput> RunAsync(TInput input, CancellationToken cancellationToken);

    /// <summary>
    /// The Durable Task worker hands activities no cancellation token (its context has none); every activity
    /// bounds its own I/O with timeouts instead (the HTTP clients', <c>Storage:SourceTimeout</c>, <c>Storage:VideoTimeout</c>).
    /// </summary>
    public sealed override Task<TOutput> RunAsync(TaskActivityContext context, TInput input)
    {
        // The job is the orchestration instance: its id goes on the activity's span.
        KlingTelemetry.TagJob(context.InstanceId);
        return RunAsync(input, CancellationToken.None);
    }
}
