using KlingFunctions.Freepik;

namespace KlingFunctions.Workflow.Activities;

/// <summary>Reads a Freepik task's status: the poll that backs up a late or lost webhook.</summary>
public sealed class GetVideoTaskStatusActivity(IFreepikClient freepik) : WorkflowActivity<StatusRequest, FreepikResult>
{
    public override Task<FreepikResult> RunAsync(StatusRequest input, CancellationToken cancellationToken)
        => freepik.GetTaskAsync(input.TaskId, input.SubmittedAt, cancellationToken);
}
