using KlingFunctions.Freepik;
using KlingFunctions.Telemetry;

namespace KlingFunctions.Workflow.Activities;

/// <summary>Reads a Freepik task's status at its model's status path: the poll that backs up a late or lost webhook.</summary>
public sealed class GetVideoTaskStatusActivity(IFreepikClient freepik) : WorkflowActivity<StatusRequest, FreepikResult>
{
    public override Task<FreepikResult> RunAsync(StatusRequest input, CancellationToken cancellationToken)
    {
        KlingTelemetry.TagFreepikTask(input.TaskId);
        return freepik.GetTaskAsync(KlingModels.OfJob(input.Model), input.TaskId, input.SubmittedAt, cancellationToken);
    }
}
