using KlingFunctions.Workflow.Activities;
using Microsoft.DurableTask;

namespace KlingFunctions.Workflow;

/// <summary>The workflow for a Durable Task worker; the Functions app registers the same names as its triggers.</summary>
public static class VideoWorkflowRegistry
{
    public static DurableTaskRegistry AddVideoWorkflow(this DurableTaskRegistry registry) => registry
        .AddOrchestrator<VideoOrchestration>(VideoOrchestration.Name)
        .AddActivity<StageSourceImageActivity>(WorkflowActivities.StageSourceImage)
        .AddActivity<AcquireFreepikSlotActivity>(WorkflowActivities.AcquireFreepikSlot)
        .AddActivity<ReleaseFreepikSlotActivity>(WorkflowActivities.ReleaseFreepikSlot)
        .AddActivity<SubmitVideoTaskActivity>(WorkflowActivities.SubmitVideoTask)
        .AddActivity<GetVideoTaskStatusActivity>(WorkflowActivities.GetVideoTaskStatus)
        .AddActivity<ArchiveVideoActivity>(WorkflowActivities.ArchiveVideo)
        .AddActivity<NotifyCallbackActivity>(WorkflowActivities.NotifyCallback)
        .AddActivity<PublishJobEventActivity>(WorkflowActivities.PublishJobEvent);
}
