using System.Diagnostics;
using System.Diagnostics.Metrics;
using KlingFunctions.Workflow;

namespace KlingFunctions.Telemetry;

/// <summary>
/// The service's own traces and metrics, on the .NET APIs OpenTelemetry reads (<see cref="ActivitySource"/>,
/// <see cref="Meter"/>). The spans of a job come from the libraries: ASP.NET Core and HttpClient for HTTP, the Durable
/// Task SDK for the orchestration and its activities; this adds the job id and Freepik's task id to whichever span is
/// current, never a secret or a URL with a token.
/// </summary>
public static class KlingTelemetry
{
    public const string Name = "KlingFunctions";

    public const string JobIdTag = "kling.job.id";
    public const string FreepikTaskIdTag = "freepik.task.id";

    /// <summary>The sources a host listens to: ours and the Durable Task SDK's (client, worker, DurableTask.Core's dispatchers).</summary>
    public static readonly string[] TraceSources = [Name, "Microsoft.DurableTask", "Microsoft.DurableTask.*", "DurableTask.Core"];

    public static readonly Meter Meter = new(Name);

    private static readonly Counter<long> JobsStarted = Meter.CreateCounter<long>("kling.jobs.started", description: "Video jobs started.");
    private static readonly Counter<long> JobsFinished = Meter.CreateCounter<long>("kling.jobs.finished", description: "Video jobs finished, by status and error code.");
    private static readonly Counter<long> FreepikRequests = Meter.CreateCounter<long>("kling.freepik.requests", description: "Requests to Freepik, by operation and outcome.");
    private static readonly Histogram<double> GenerationTime = Meter.CreateHistogram<double>("kling.jobs.duration", unit: "s", description: "From the start of a job to its end, by status: the time a caller waits for a video.");

    public static void TagJob(string jobId) => Activity.Current?.SetTag(JobIdTag, jobId);

    public static void TagFreepikTask(string? taskId)
    {
        if (!string.IsNullOrEmpty(taskId))
        {
            Activity.Current?.SetTag(FreepikTaskIdTag, taskId);
        }
    }

    public static void JobStarted(string jobId)
    {
        TagJob(jobId);
        JobsStarted.Add(1);
    }

    /// <param name="duration">Null when the ending is not the orchestration's own (a cancel).</param>
    public static void JobFinished(JobStatus status, string? errorCode, TimeSpan? duration)
    {
        var tags = new TagList { { "status", status.ToString() }, { "error.code", errorCode ?? "none" } };
        JobsFinished.Add(1, tags);
        if (duration is { } elapsed)
        {
            GenerationTime.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("status", status.ToString()));
        }
    }

    /// <param name="operation"><c>create</c> or <c>status</c>.</param>
    /// <param name="outcome">The HTTP status code, or the exception's type when there was no answer.</param>
    public static void FreepikRequest(string operation, string outcome)
        => FreepikRequests.Add(1, new KeyValuePair<string, object?>("operation", operation), new KeyValuePair<string, object?>("outcome", outcome));
}
