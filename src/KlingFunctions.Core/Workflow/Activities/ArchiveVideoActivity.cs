using KlingFunctions.Storage;

namespace KlingFunctions.Workflow.Activities;

/// <summary>Step 4: copy the video into the videos container, because Freepik's URLs expire at an unknown time.</summary>
public sealed class ArchiveVideoActivity(VideoArchive archive) : WorkflowActivity<ArchiveRequest, ArchiveResult>
{
    public override Task<ArchiveResult> RunAsync(ArchiveRequest input, CancellationToken cancellationToken)
        => archive.ArchiveAsync(input.JobId, new Uri(input.VideoUrl), cancellationToken);
}
