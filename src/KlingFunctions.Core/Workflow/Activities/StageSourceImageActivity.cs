using KlingFunctions.Staging;

namespace KlingFunctions.Workflow.Activities;

/// <summary>Step 1: fetch URL inputs into our storage and inspect every image; idempotent, so retried safely.</summary>
public sealed class StageSourceImageActivity(SourceImageStager stager) : WorkflowActivity<StagingRequest, StagingResult>
{
    public override Task<StagingResult> RunAsync(StagingRequest input, CancellationToken cancellationToken)
        => stager.StageAsync(input, cancellationToken);
}
