using KlingFunctions.Freepik;
using KlingFunctions.Staging;
using KlingFunctions.Storage;
using KlingFunctions.Workflow.Activities;
using Microsoft.Azure.Functions.Worker;

namespace KlingFunctions.Workflow;

/// <summary>The activity functions, one per activity, under the names the orchestration calls; Core does the work.</summary>
public sealed class VideoActivities(
    StageSourceImageActivity stage,
    AcquireFreepikSlotActivity acquireSlot,
    ReleaseFreepikSlotActivity releaseSlot,
    SubmitVideoTaskActivity submit,
    GetVideoTaskStatusActivity status,
    ArchiveVideoActivity archive,
    NotifyCallbackActivity callback,
    PublishJobEventActivity publishEvent)
{
    [Function(WorkflowActivities.StageSourceImage)]
    public Task<StagingResult> StageSourceImage([ActivityTrigger] StagingRequest request, CancellationToken cancellationToken)
        => stage.RunAsync(request, cancellationToken);

    [Function(WorkflowActivities.AcquireFreepikSlot)]
    public Task<SlotGrant> AcquireFreepikSlot([ActivityTrigger] SlotRequest request, CancellationToken cancellationToken)
        => acquireSlot.RunAsync(request, cancellationToken);

    [Function(WorkflowActivities.ReleaseFreepikSlot)]
    public Task<string[]> ReleaseFreepikSlot([ActivityTrigger] SlotRelease request, CancellationToken cancellationToken)
        => releaseSlot.RunAsync(request, cancellationToken);

    [Function(WorkflowActivities.SubmitVideoTask)]
    public Task<FreepikResult> SubmitVideoTask([ActivityTrigger] SubmitRequest request, CancellationToken cancellationToken)
        => submit.RunAsync(request, cancellationToken);

    [Function(WorkflowActivities.GetVideoTaskStatus)]
    public Task<FreepikResult> GetVideoTaskStatus([ActivityTrigger] StatusRequest request, CancellationToken cancellationToken)
        => status.RunAsync(request, cancellationToken);

    [Function(WorkflowActivities.ArchiveVideo)]
    public Task<ArchiveResult> ArchiveVideo([ActivityTrigger] ArchiveRequest request, CancellationToken cancellationToken)
        => archive.RunAsync(request, cancellationToken);

    [Function(WorkflowActivities.NotifyCallback)]
    public Task<bool> NotifyCallback([ActivityTrigger] CallbackRequest request, CancellationToken cancellationToken)
        => callback.RunAsync(request, cancellationToken);

    [Function(WorkflowActivities.PublishJobEvent)]
    public Task<bool> PublishJobEvent([ActivityTrigger] JobEventRequest request, CancellationToken cancellationToken)
        => publishEvent.RunAsync(request, cancellationToken);
}
