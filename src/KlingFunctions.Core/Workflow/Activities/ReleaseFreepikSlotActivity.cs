using KlingFunctions.Storage;

namespace KlingFunctions.Workflow.Activities;

/// <summary>Gives the job's slot (or place in line) back; answers the jobs that may take the slot now.</summary>
public sealed class ReleaseFreepikSlotActivity(FreepikSlots slots) : WorkflowActivity<SlotRelease, string[]>
{
    public override async Task<string[]> RunAsync(SlotRelease input, CancellationToken cancellationToken)
        => [.. await slots.ReleaseAsync(input, cancellationToken)];
}
