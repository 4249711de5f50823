using System.Diagnostics;
using KlingFunctions.FreepikSimulator;
using KlingFunctions.Workflow;

namespace KlingFunctions.Benchmarks.Harness;

/// <summary>One job of a run as the benchmark saw it; times come from the capture and the Durable instance, on one clock.</summary>
internal sealed record JobTiming(
    string JobId,
    string? TaskId,
    JobRuntimeStatus Runtime,
    JobStatus? Outcome,
    int Polls,
    int Webhooks,
    DateTimeOffset? SimulatorCompletedAt,
    DateTimeOffset? WebhookRaisedAt,
    DateTimeOffset FinishedAt)
{
    /// <summary>From the simulator's COMPLETED to the job view's Completed.</summary>
    public double? AddedMs => (FinishedAt - SimulatorCompletedAt)?.TotalMilliseconds;

    public double? DeliveryMs => (WebhookRaisedAt - SimulatorCompletedAt)?.TotalMilliseconds;

    public double? FinishingMs => (FinishedAt - WebhookRaisedAt)?.TotalMilliseconds;
}

internal sealed record JobRunResult(
    IReadOnlyList<JobTiming> Jobs,
    SimulatorCallCounts Calls,
    IReadOnlyDictionary<string, int> Activities,
    IReadOnlyDictionary<string, int> StorageRequests,
    IReadOnlyCollection<double> StartLatenciesMs,
    TimeSpan StartedAll,
    TimeSpan Total,
    bool Idle)
{
    public int Completed => Jobs.Count(j => j.Runtime == JobRuntimeStatus.Completed && j.Outcome == JobStatus.Completed);
}

/// <summary>Starts jobs together through the API and waits until every one of their orchestrations has ended.</summary>
internal static class JobRun
{
    public const string SimulatorCategory = "KlingFunctions.FreepikSimulator.FreepikSimulation";
    public const string ReceiverCategory = "KlingFunctions.Http.FreepikWebhookReceiver";
    public const string StatusChanged = "Task {TaskId} is now {Status}";
    public const string WebhookRaised = "Webhook {DeliveryId} for job {JobId}: task {TaskId} {Status} → {Outcome}";

    public static Task<JobRunResult> RunAsync(
        BenchHost bench, int count, byte[] body, ActivityCounter? activities, StorageRequestCounter? storage, TimeSpan timeout, CancellationToken cancellationToken)
        => RunAsync(bench, count, body, activities, storage, timeout, VideoJobs.EndPolling, cancellationToken);

    /// <param name="endPolling">How often the Durable client is asked whether any job is still running (a query over the run's instances).</param>
    public static async Task<JobRunResult> RunAsync(
        BenchHost bench, int count, byte[] body, ActivityCounter? activities, StorageRequestCounter? storage, TimeSpan timeout, TimeSpan endPolling, CancellationToken cancellationToken)
    {
        var callsBefore = bench.Simulator.Calls;
        var activitiesBefore = activities?.Snapshot() ?? new Dictionary<string, int>();
        var storageBefore = storage?.Snapshot() ?? new Dictionary<string, int>();
        if (storage is not null)
        {
            storage.Enabled = true;
        }

        var latencies = new double[count];
        var started = Stopwatch.GetTimestamp();
        var jobIds = await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            var sent = Stopwatch.GetTimestamp();
            var id = await VideoJobs.StartAsync(bench.Client, VideoJobs.JsonRequest(body), cancellationToken);
            latencies[i] = Report.ElapsedMs(sent);
            return id;
        }));
        var startedAll = Stopwatch.GetElapsedTime(started);

        var idle = true;
        try
        {
            await VideoJobs.WhenAllEndedAsync(bench.Host.Durable, jobIds, endPolling, cancellationToken).WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            idle = false;
        }

        var total = Stopwatch.GetElapsedTime(started);
        if (storage is not null)
        {
            storage.Enabled = false;
        }

        var completedAt = FirstByKey(bench.Logs, StatusChanged, "TaskId");
        var raisedAt = FirstByKey(bench.Logs, WebhookRaised, "JobId");
        var jobs = new List<JobTiming>(count);
        var client = new DurableVideoJobClient(bench.Host.Durable);
        foreach (var id in jobIds)
        {
            var snapshot = await client.GetAsync(id, cancellationToken) ?? throw new InvalidOperationException($"Job {id} was lost by the engine.");
            var taskId = snapshot.Progress?.FreepikTaskId;
            jobs.Add(new JobTiming(
                id,
                taskId,
                snapshot.RuntimeStatus,
                snapshot.Result?.Status,
                snapshot.Progress?.Polls ?? 0,
                snapshot.Progress?.Webhooks ?? 0,
                taskId is not null && completedAt.TryGetValue(taskId, out var completed) ? completed : null,
                raisedAt.TryGetValue(id, out var raised) ? raised : null,
                FinishedAt(snapshot)));
        }

        var callsAfter = bench.Simulator.Calls;
        var calls = callsAfter with
        {
            CreateAttempts = callsAfter.CreateAttempts - callsBefore.CreateAttempts,
            TasksCreated = callsAfter.TasksCreated - callsBefore.TasksCreated,
            StatusCalls = callsAfter.StatusCalls - callsBefore.StatusCalls,
            StatusCallsByTask = jobs.Where(j => j.TaskId is not null).ToDictionary(j => j.TaskId!, j => callsAfter.StatusCallsFor(j.TaskId!), StringComparer.Ordinal),
            ListCalls = callsAfter.ListCalls - callsBefore.ListCalls,
            VideoDownloads = callsAfter.VideoDownloads - callsBefore.VideoDownloads,
            WebhooksSent = callsAfter.WebhooksSent - callsBefore.WebhooksSent,
            WebhookFailures = callsAfter.WebhookFailures - callsBefore.WebhookFailures,
            WebhooksLost = callsAfter.WebhooksLost - callsBefore.WebhooksLost,
        };

        return new JobRunResult(
            jobs, calls, Delta(activitiesBefore, activities?.Snapshot()), Delta(storageBefore, storage?.Snapshot()), latencies, startedAll, total, idle);
    }

    /// <summary>
    /// When <c>GET /api/videos/{id}</c> first said Completed: the orchestration puts the result into its custom
    /// status before the callback (<c>VideoOrchestration.FinishAsync</c>, read by <c>JobViewFactory</c>), which can
    /// be before the instance completes; without a callback the two are the same moment.
    /// </summary>
    private static DateTimeOffset FinishedAt(VideoJobSnapshot snapshot)
        => snapshot.Progress is { Result: not null } progress && new DateTimeOffset(progress.UpdatedAt, TimeSpan.Zero) is var decided && decided < snapshot.LastUpdatedAt
            ? decided
            : snapshot.LastUpdatedAt;

    /// <summary>The time of the first COMPLETED event per key (a duplicate delivery comes later).</summary>
    private static Dictionary<string, DateTimeOffset> FirstByKey(LogCapture logs, string template, string key)
        => logs.Captured
            .Where(l => l.Template == template && l.Values.GetValueOrDefault("Status") == "COMPLETED" && l.Values.GetValueOrDefault(key) is not null)
            .GroupBy(l => l.Values[key]!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Min(l => l.At), StringComparer.Ordinal);

    private static Dictionary<string, int> Delta(IReadOnlyDictionary<string, int> before, IReadOnlyDictionary<string, int>? after)
        => (after ?? new Dictionary<string, int>()).ToDictionary(p => p.Key, p => p.Value - before.GetValueOrDefault(p.Key), StringComparer.Ordinal);
}
