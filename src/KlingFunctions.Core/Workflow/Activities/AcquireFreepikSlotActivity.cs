using KlingFunctions.Storage;

namespace KlingFunctions.Workflow.Activities;

/// <summary>Before the paid call: a slot among Freepik's concurrent tasks, or the job's place in line for one.</summary>
public sealed class AcquireFreepikSlotActivity(FreepikSlots slots) : WorkflowActivity<SlotRequest, SlotGrant>
{
    public override Task<SlotGrant> RunAsync(SlotRequest input, CancellationToken cancellationToken)
        => slots.AcquireAsync(input, cancellationToken);
}
