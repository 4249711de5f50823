using KlingFunctions.Freepik;
using KlingFunctions.Staging;

namespace KlingFunctions.Workflow;

/// <summary>The activities the orchestration calls, by the names both hosts register them under.</summary>
public static class WorkflowActivities
{
    public const string StageSourceImage = nameof(StageSourceImage);
    public const string AcquireFreepikSlot = nameof(AcquireFreepikSlot);
    public const string ReleaseFreepikSlot = nameof(ReleaseFreepikSlot);
    public const string SubmitVideoTask = nameof(SubmitVideoTask);
    public const string GetVideoTaskStatus = nameof(GetVideoTaskStatus);
    public const string ArchiveVideo = nameof(ArchiveVideo);
    public const string NotifyCallback = nameof(NotifyCallback);
    public const string PublishJobEvent = nameof(PublishJobEvent);
}

/// <summary>The create call's input: the staged blobs (made into SAS URLs inside the activity) and the parameters.</summary>
/// <param name="Attempt">1 for the first create; the activity records each attempt so that a re-run never pays twice.</param>
public sealed record SubmitRequest(string JobId, StagingResult Staged, VideoParameters Parameters, int Attempt = 1);

/// <param name="Model">The job's model, whose status path is asked; null for a job started before models existed (2.1 Std).</param>
public sealed record StatusRequest(string TaskId, DateTimeOffset SubmittedAt, string? Model = null);

public sealed record ArchiveRequest(string JobId, string VideoUrl);

public sealed record CallbackRequest(string CallbackUrl, string JobId, VideoJobResult Result, VideoJobProgress Progress, DateTimeOffset CreatedAt);

public sealed record JobEventRequest(string JobId, VideoJobResult Result, VideoJobProgress Progress, DateTimeOffset CreatedAt);

/// <summary>Freepik's message with its invalid parameters, for a job error a person can act on.</summary>
internal static class FreepikResultExtensions
{
    public static string Describe(this FreepikResult result)
    {
        var message = result.Message ?? result.Outcome.ToString();
        return result.InvalidParams.Count == 0
            ? message
            : $"{message} ({string.Join("; ", result.InvalidParams.Select(p => $"{p.Name}: {p.Reason}"))})";
    }
}
