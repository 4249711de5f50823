using KlingFunctions.Http;
using KlingFunctions.Workflow;

namespace KlingFunctions.Cli;

/// <summary>
/// Follows a job until it ends, writing a progress line whenever something a person would notice changes (stage,
/// Freepik's status, polls, webhooks), then downloads the video of a completed job.
/// </summary>
public sealed class JobWatcher(KlingClient client, TextWriter progress, TimeSpan interval)
{
    /// <returns>The finished job's view, or the answer that stopped the watch (a 404, an error).</returns>
    public async Task<(JobView? Job, ApiAnswer Last)> WatchAsync(string id, CancellationToken cancellationToken)
    {
        string? last = null;
        while (true)
        {
            var answer = await client.GetAsync(id, cancellationToken);
            if (answer.Job is not { } job)
            {
                return (null, answer);
            }

            var line = Describe(job);
            if (line != last)
            {
                await progress.WriteLineAsync($"[{Elapsed(job):hh\\:mm\\:ss}] {line}");
                last = line;
            }

            if (job.Status is not (JobStatus.Pending or JobStatus.Running))
            {
                return (job, answer);
            }

            await Task.Delay(interval, cancellationToken);
        }
    }

    /// <summary>Downloads our copy of the video (else Freepik's link) to <paramref name="path"/>; the bytes written.</summary>
    public async Task<long?> DownloadAsync(JobView job, string path, CancellationToken cancellationToken)
    {
        var url = job.Video?.Url ?? (job.VideoUrls.Count > 0 ? job.VideoUrls[0] : null);
        if (url is null)
        {
            return null;
        }

        var bytes = await client.DownloadAsync(new Uri(url), path, cancellationToken);
        await progress.WriteLineAsync($"Video saved to {path} ({bytes} bytes)");
        return bytes;
    }

    /// <summary>The job's age: until now while it runs, until its last update once it has ended.</summary>
    private static TimeSpan Elapsed(JobView job)
    {
        var until = job.Status is JobStatus.Pending or JobStatus.Running ? DateTimeOffset.UtcNow : job.UpdatedAt;
        return until > job.CreatedAt ? until - job.CreatedAt : TimeSpan.Zero;
    }

    internal static string Describe(JobView job)
    {
        var freepik = job.Freepik is { } task ? $" · Freepik {task.Status ?? "submitted"} ({task.TaskId})" : string.Empty;
        var error = job.Error is { } e ? $" · {e.Code}: {e.Message}" : string.Empty;
        return $"{job.Status} · {job.Stage}{Place(job.Line)}{freepik} · polls {job.Polls} · webhooks {job.Webhooks}{error}";
    }

    /// <summary>Where a waiting job stands, as of its last check: the line moves between the watcher's reads.</summary>
    private static string Place(LineView? line) => line switch
    {
        null => string.Empty,
        { Ahead: 0 } => $" · next in line for {line.Limit} Freepik task(s) (as of {line.CheckedAt:HH:mm:ss})",
        _ => $" · {line.Ahead} ahead in line for {line.Limit} Freepik task(s) (as of {line.CheckedAt:HH:mm:ss})",
    };
}
