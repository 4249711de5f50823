using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Azure.Storage.Queues;
using KlingFunctions.Benchmarks.Harness;
using KlingFunctions.DevHost;
using KlingFunctions.FreepikSimulator;
using KlingFunctions.Http;
using KlingFunctions.Pipelines;
using KlingFunctions.Testing;
using KlingFunctions.Workflow;
using Microsoft.DurableTask.Client;

namespace KlingFunctions.Benchmarks;

/// <summary>
/// A backlog on a 3-task account: thousands of jobs dropped at once with short simulated tasks, then the same at a
/// tenth of the size. All must complete, the account never over its limit, one create each; the wall time is set
/// against the least the limit allows, the slot hand-over (a task's end → the next create) is timed from the
/// simulator's own record, and what the line costs per job (storage requests, bytes, activity executions) is set
/// beside the same at the other size: a line that costs more per job the longer it is shows here. Then a burst of
/// messages on the request queue: how fast they become jobs, none lost.
/// </summary>
internal static class BacklogBenchmark
{
    private const int Limit = 3;
    private static readonly TimeSpan InProgressAfter = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan TaskLifetime = TimeSpan.FromSeconds(1);

    private const double WallTarget = 1.10;
    private static readonly TimeSpan HandOverTarget = TimeSpan.FromSeconds(2);
    private const double LineGrowthTarget = 1.10;

    /// <summary>Queue messages sent at once by this many senders (each send is one request to the queue service).</summary>
    private const int Senders = 32;

    private const string QueueCategory = "KlingFunctions.Pipelines.QueuedVideoRequests";
    private const string MessageStarted = "Queue message {MessageId} runs as job {JobId}";

    public static async Task RunAsync(CancellationToken cancellationToken)
    {
        var large = Size("KLING_BACKLOG_JOBS", 2000);
        var small = Size("KLING_BACKLOG_SMALL", 200);
        var messages = Size("KLING_BACKLOG_MESSAGES", 5000);

        var report = Report.ForEngine("backlog");
        report.Line($"Machine: {Report.Machine()}");
        report.Line($"Sizes: {large} and {small} jobs at once, {messages} queue messages (`KLING_BACKLOG_JOBS`, `KLING_BACKLOG_SMALL`, `KLING_BACKLOG_MESSAGES`; defaults 2000, 200, 5000).");
        report.Line($"JSON start requests (a {TestImages.Png(320, 320).Length}-byte 320×320 PNG in base64, so staging is not what waits) sent at once, each size in a DevHost of its own (task hub, simulator, counters), the smaller first; `Freepik:MaxConcurrentTasks={Limit}` and the simulator refusing a create beyond {Limit} tasks in flight with 429; simulator: IN_PROGRESS after {InProgressAfter.TotalSeconds:0.0} s, COMPLETED after {TaskLifetime.TotalSeconds:0} s, signed webhooks; `Workflow:ArchiveVideo=false` (the copy runs before the slot is given back, so it would count in the hand-over, and it is not the line); other workflow settings default (`Workflow:SlotRecheckInterval` 30 s).");
        report.Line();

        var smaller = await RunJobsAsync(report, small, cancellationToken);
        var larger = await RunJobsAsync(report, large, cancellationToken);
        Compare(report, smaller, larger);
        await RunMessagesAsync(report, messages, cancellationToken);
        await report.SaveAsync();
    }

    private static async Task<LineCost> RunJobsAsync(Report report, int jobs, CancellationToken cancellationToken)
    {
        var limit = Limit.ToString(CultureInfo.InvariantCulture);
        var logs = new LogCapture(JobRun.StatusChanged, JobRun.WebhookRaised);
        var activities = new ActivityCounter();
        using var storage = new StorageRequestCounter();
        await using var bench = await BenchHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["Freepik:MaxConcurrentTasks"] = limit,
                ["FreepikSimulator:MaxConcurrentTasks"] = limit,
                ["FreepikSimulator:InProgressAfter"] = InProgressAfter.ToString(),
                ["FreepikSimulator:CompletedAfter"] = TaskLifetime.ToString(),
                ["Workflow:ArchiveVideo"] = "false",
            },
            logs,
            [JobRun.SimulatorCategory, JobRun.ReceiverCategory],
            builder => activities.AddTo(builder.Logging),
            cancellationToken,
            BenchHost.AzuriteOnDisk());

        var least = TimeSpan.FromTicks(TaskLifetime.Ticks * (long)Math.Ceiling(jobs / (double)Limit));
        Report.Progress($"backlog: {jobs} jobs at once, {Limit} tasks in flight at most (the least the limit allows: {least.TotalSeconds:0} s)");
        var body = VideoJobs.JsonBody(TestImages.Png(320, 320), "backlog benchmark: a slow pan across a quiet valley at dawn");
        var rss = RssSampler.Start();
        using var watching = new CancellationTokenSource();
        var watcher = WatchAsync(bench, jobs, watching.Token);
        var startedAt = DateTimeOffset.UtcNow;

        // The end is read from each job's own record, so the query for unfinished jobs can be rare: on the Azure Storage
        // engine each one scans the instances still running, load the line under measure would share.
        var run = await JobRun.RunAsync(bench, jobs, body, activities, storage, least * 4 + TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(2), cancellationToken);
        await watching.CancelAsync();
        await watcher;
        var peakRss = await rss.StopAsync();
        using var process = Process.GetCurrentProcess();

        var calls = run.Calls;
        var history = bench.Simulator.InFlightHistory;
        var failed = run.Jobs.Count(job => job.Outcome is not JobStatus.Completed);
        var wall = run.Idle && run.Jobs.Count > 0 ? run.Jobs.Max(job => job.FinishedAt) - startedAt : run.Total;
        var ratio = wall / least;
        var timedHandOvers = HandOvers(history, jobs, startedAt + run.StartedAll);
        var handOvers = timedHandOvers.Select(handOver => handOver.Ms).ToArray();
        var slowest = string.Join(", ", timedHandOvers.OrderByDescending(handOver => handOver.Ms).Take(5).Select(handOver => $"{Report.Ms(handOver.Ms)} at +{(handOver.At - startedAt).TotalSeconds:0.0} s"));
        var handOverP99 = Stats.Percentile(handOvers, 99);
        var (busy, span) = FreepikLimitBenchmark.Busy(history);

        // Where the time beyond the least went: before the first create, between the creates (the hand-overs), after the last task's end.
        var firstCreate = history.FirstOrDefault(change => change.Count > 0)?.At ?? startedAt;
        var lastEnd = history.Count > 0 ? history[^1].At : startedAt;
        var beforeFirst = firstCreate - startedAt;
        var afterLast = startedAt + wall - lastEnd;
        var onStorage = BenchHost.Engine == DurableEngine.AzureStorage;

        var line = new LineCost(
            jobs,
            run.StorageRequests.Where(p => IsLine(p.Key)).Sum(p => p.Value),
            storage.Bytes().Where(p => IsLine(p.Key)).Sum(p => p.Value),
            run.Activities.GetValueOrDefault(WorkflowActivities.AcquireFreepikSlot) + run.Activities.GetValueOrDefault(WorkflowActivities.ReleaseFreepikSlot));
        string PerJob(double total) => Report.Number(total / jobs, "0.##");
        string SlowStorage()
        {
            var attempts = storage.Slow();
            if (attempts.Count == 0)
            {
                return "0";
            }

            string At(DateTimeOffset at) => $"+{(at - startedAt).TotalSeconds:0} s";
            var byMinute = attempts.GroupBy(attempt => (int)Math.Floor((attempt.At - startedAt).TotalMinutes)).OrderBy(minute => minute.Key)
                .Select(minute => $"+{minute.Key} min: {minute.Count()}");
            var slowestAttempts = attempts.Where(attempt => !attempt.Retried).OrderByDescending(attempt => attempt.Seconds).Take(3)
                .Select(attempt => $"{attempt.Request} {attempt.Seconds:0.0} s at {At(attempt.At)}");
            return $"{attempts.Count} ({attempts.Count(attempt => attempt.Retried)} retried); by minute of the run: {string.Join(", ", byMinute)}; slowest answers: {string.Join(", ", slowestAttempts)}";
        }

        string Breakdown<T>(IEnumerable<KeyValuePair<string, T>> counts, Func<KeyValuePair<string, T>, bool> include)
            => string.Join(", ", counts.Where(include).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {PerJob(Convert.ToDouble(p.Value, CultureInfo.InvariantCulture))}"));

        report.Line($"### {jobs} jobs at once");
        report.Line();
        report.Table(
            ["measure", "value", "target", "verdict"],
            [
                ["jobs started / completed / failed", $"{run.Jobs.Count} / {run.Completed} / {failed}", "all complete, 0 failed", Report.Verdict(run.Completed == jobs && failed == 0 && run.Idle)],
                ["most tasks in flight at once", calls.MaxTasksInFlight.ToString(CultureInfo.InvariantCulture), $"≤ {Limit}", Report.Verdict(calls.MaxTasksInFlight <= Limit)],
                ["creates answered 429 (over the limit)", calls.CreatesRefusedAtLimit.ToString(CultureInfo.InvariantCulture), "0", Report.Verdict(calls.CreatesRefusedAtLimit == 0)],
                ["Freepik create requests / tasks created", $"{calls.CreateAttempts} / {calls.TasksCreated}", $"exactly {jobs} each", Report.Verdict(calls.CreateAttempts == jobs && calls.TasksCreated == jobs)],
                ["start requests: all answered after", Report.Ms(run.StartedAll.TotalMilliseconds), "", ""],
                ["wall time, first start request → last job ended", Report.Ms(wall.TotalMilliseconds), "", ""],
                ["of which: first start request → first create", Report.Ms(beforeFirst.TotalMilliseconds), "", ""],
                ["of which: first create → last task's end (the slots' span)", Report.Ms((lastEnd - firstCreate).TotalMilliseconds), "", ""],
                ["of which: last task's end → last job ended", Report.Ms(afterLast.TotalMilliseconds), "", ""],
                [$"least the limit allows (⌈{jobs} / {Limit}⌉ rounds × {TaskLifetime.TotalSeconds:0} s)", Report.Ms(least.TotalMilliseconds), "", ""],
                ["wall time / least", Report.Ratio(ratio), onStorage ? "" : $"≤ {Report.Ratio(WallTarget)}", onStorage ? "" : Report.Verdict(run.Idle && ratio <= WallTarget)],
                ["slots busy while tasks ran (task-seconds in flight / (limit × span))", Report.Number(busy / (Limit * span.TotalSeconds) * 100, "0") + " %", "", ""],
                [$"slot hand-over p50 / p99 (a task's end → the next create, {handOvers.Length} hand-overs)", $"{Report.Ms(Stats.Percentile(handOvers, 50))} / {Report.Ms(handOverP99)}", onStorage ? $"p99 ≤ {HandOverTarget.TotalSeconds:0} s" : "", onStorage ? Report.Verdict(handOvers.Length > 0 && handOverP99 <= HandOverTarget.TotalMilliseconds) : ""],
                ["of a hand-over: a task's end → its webhook raised in its job, p50 / p99", Deliveries(run), "", ""],
                ["of a hand-over: the activities on its path, p50 / p99 of each execution", ActivityTimes(activities), "", ""],
                ["slot hand-over max", Report.Ms(handOvers.DefaultIfEmpty(double.NaN).Max()), "", ""],
                ["the 5 slowest hand-overs (and when the task ended, from the first start request)", slowest, "", ""],
                ["the line's storage requests per job (blobs under `freepik-slots/`)", $"{PerJob(line.Requests)} ({Breakdown(run.StorageRequests, p => IsLine(p.Key))})", "", ""],
                ["the line's storage bytes per job (bodies sent + received)", $"{PerJob(line.Bytes)} B", "", ""],
                ["the line's activity executions per job (AcquireFreepikSlot + ReleaseFreepikSlot)", $"{PerJob(line.Activities)} ({Breakdown(run.Activities, p => IsLineActivity(p.Key))})", "", ""],
                ["the line's activity executions per second of the run", Report.Number(line.Activities / wall.TotalSeconds, "0.0"), "", ""],
                ["activity executions per job, all", $"{PerJob(run.Activities.Values.Sum())} ({Breakdown(run.Activities, _ => true)})", "", ""],
                ["storage requests per job, all (on Azure Storage with the engine's own queues and tables)", PerJob(run.StorageRequests.Values.Sum()), "", ""],
                [$"storage attempts the Azure SDK retried or saw answered after more than {StorageRequestCounter.SlowAnswer.TotalSeconds:0} s", SlowStorage(), "", ""],
                ["peak RSS during the run (sampled every 50 ms)", Report.Mb(peakRss), "", ""],
                ["peak RSS of the process so far (PeakWorkingSet64)", Report.Mb(process.PeakWorkingSet64), "", ""],
            ]);
        report.Line($"Hand-overs: each task's end (the simulator's COMPLETED) after every start request was answered, while jobs were still waiting for a create, matched in order with the first create after it that no earlier end took; ends after the last create are not hand-overs. Warnings or errors logged: {logs.ProblemCount}.");
        foreach (var problem in logs.FirstProblems)
        {
            report.Line($"- {problem}");
        }

        report.Line();
        return line;
    }

    /// <summary>The line's figures per job at the smaller size beside the larger: the line should cost the same per job however long it is.</summary>
    private static void Compare(Report report, LineCost smaller, LineCost larger)
    {
        IReadOnlyList<string> Row(string measure, double small, double large)
        {
            var growth = large / small;
            var apart = Math.Max(small, large) / Math.Min(small, large);
            return [
                measure, Report.Number(small, "0.##"), Report.Number(large, "0.##"), double.IsFinite(growth) ? Report.Ratio(growth) : "n/a",
                "within 10 % of each other", Report.Verdict(double.IsFinite(apart) ? apart <= LineGrowthTarget : small == large)];
        }

        report.Line($"### The line per job: {smaller.Jobs} against {larger.Jobs} jobs");
        report.Line();
        report.Table(
            ["per job", $"at {smaller.Jobs}", $"at {larger.Jobs}", $"{larger.Jobs} / {smaller.Jobs}", "target", "verdict"],
            [
                Row("storage requests (blobs under `freepik-slots/`)", smaller.Requests / (double)smaller.Jobs, larger.Requests / (double)larger.Jobs),
                Row("storage bytes (bodies sent + received)", smaller.Bytes / (double)smaller.Jobs, larger.Bytes / (double)larger.Jobs),
                Row("activity executions (AcquireFreepikSlot + ReleaseFreepikSlot)", smaller.Activities / (double)smaller.Jobs, larger.Activities / (double)larger.Jobs),
            ]);
    }

    /// <summary>
    /// Messages sent to the request queue at once, as a pipeline drops them, on the same 3-task account; the jobs they
    /// become are left to wait (tasks that take an hour, so 3 run and the rest wait in line) and the host is stopped
    /// once every message is a job.
    /// </summary>
    private static async Task RunMessagesAsync(Report report, int count, CancellationToken cancellationToken)
    {
        var limit = Limit.ToString(CultureInfo.InvariantCulture);
        var queueName = "backlog-" + Guid.NewGuid().ToString("N")[..12];
        var settings = BenchHost.QuietJobs();
        settings["Freepik:MaxConcurrentTasks"] = limit;
        settings["FreepikSimulator:MaxConcurrentTasks"] = limit;
        settings["Pipelines:RequestQueue"] = queueName;
        var logs = new LogCapture(MessageStarted);
        await using var bench = await BenchHost.StartAsync(settings, logs, [QueueCategory], configure: null, cancellationToken, BenchHost.AzuriteOnDisk());

        // Base64, as the Functions host's queue trigger reads by default and .NET producers send.
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        var queue = new QueueClient(bench.StorageConnectionString, queueName, options);
        var poison = new QueueClient(bench.StorageConnectionString, queueName + "-poison", options);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);

        var run = Guid.NewGuid().ToString("N")[..8];
        var image = Convert.ToBase64String(TestImages.Png(320, 320));
        string Key(int i) => $"backlog-{run}-{i}";
        string Message(int i) => JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["image"] = image,
            ["prompt"] = $"backlog message {i}: a slow pan across a quiet valley at dawn",
            ["duration"] = "5",
            [QueuedVideoRequests.IdempotencyKeyField] = Key(i),
        });
        var expected = Enumerable.Range(0, count).Select(i => JobIds.FromIdempotencyKey(Key(i))).ToHashSet(StringComparer.Ordinal);

        Report.Progress($"backlog: {count} messages dropped into the request queue at once ({Senders} senders)");
        var rss = RssSampler.Start();
        var firstSend = DateTimeOffset.UtcNow;
        var watch = Stopwatch.StartNew();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = Senders, CancellationToken = cancellationToken }, async (i, token) =>
            await queue.SendMessageAsync(Message(i), cancellationToken: token));
        var sent = watch.Elapsed;

        var timeout = TimeSpan.FromMinutes(5) + (count * TimeSpan.FromMilliseconds(200));
        var lastProgress = watch.Elapsed;
        while (logs.Captured.Count < count && watch.Elapsed < timeout)
        {
            if (watch.Elapsed - lastProgress > TimeSpan.FromSeconds(30))
            {
                Report.Progress($"backlog: {logs.Captured.Count} of {count} messages are jobs");
                lastProgress = watch.Elapsed;
            }

            await Task.Delay(100, cancellationToken);
        }

        var peakRss = await rss.StopAsync();
        var started = logs.Captured.Where(l => l.Template == MessageStarted).ToList();
        var startedJobs = started.Select(l => l.Values.GetValueOrDefault("JobId")).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var allJobs = started.Count == 0 ? (TimeSpan?)null : started.Max(l => l.At) - firstSend;
        var firstJob = started.Count == 0 ? (TimeSpan?)null : started.Min(l => l.At) - firstSend;

        // A message is deleted just after its job has started: give the last deletes a moment.
        var left = await QueueLengthAsync(queue, cancellationToken);
        for (var wait = 0; left > 0 && wait < 50; wait++)
        {
            await Task.Delay(100, cancellationToken);
            left = await QueueLengthAsync(queue, cancellationToken);
        }

        var poisoned = await poison.ExistsAsync(cancellationToken) ? await QueueLengthAsync(poison, cancellationToken) : 0;
        var inHub = 0;
        await foreach (var instance in bench.Host.Durable.GetAllInstancesAsync(new OrchestrationQuery { PageSize = 1000 }).WithCancellation(cancellationToken))
        {
            inHub += expected.Contains(instance.InstanceId) ? 1 : 0;
        }

        using var process = Process.GetCurrentProcess();
        var lost = count - startedJobs.Count(expected.Contains);
        string Seconds(TimeSpan? time) => time is { } value ? Report.Ms(value.TotalMilliseconds) : "never";

        report.Line($"### {count} messages dropped into the request queue at once");
        report.Line();
        report.Line($"Each message is the JSON body of a start request with the same small image inline and an `idempotency_key` of its own (about {Message(0).Length} characters before base64), sent by {Senders} senders at once to a request queue of this run's own; the DevHost's queue reader (batches of 16, each message started in turn, the queue polled every second when idle) makes them jobs on the same {Limit}-task account, whose tasks here take an hour (`BenchHost.QuietJobs`): {Limit} jobs submit and the rest wait in line while the rest of the messages arrive. The host is stopped once every message is a job; the jobs are not run to the end.");
        report.Line();
        report.Table(
            ["measure", "value", "target", "verdict"],
            [
                ["messages sent / became jobs / lost", $"{count} / {startedJobs.Count} / {lost}", "none lost", Report.Verdict(lost == 0 && startedJobs.Count == count)],
                ["their jobs in the task hub (Durable client query)", inHub.ToString(CultureInfo.InvariantCulture), $"{count}", Report.Verdict(inHub == count)],
                ["left on the request queue / in the poison queue", $"{left} / {poisoned}", "0 / 0", Report.Verdict(left == 0 && poisoned == 0)],
                [$"sending all {count} messages took", Report.Ms(sent.TotalMilliseconds), "", ""],
                ["first message sent → first job", Seconds(firstJob), "", ""],
                ["first message sent → every message a job", Seconds(allJobs), "", ""],
                ["messages made jobs per second", allJobs is { } all ? Report.Number(startedJobs.Count / all.TotalSeconds, "0.0") : "n/a", "", ""],
                ["peak RSS while the messages became jobs (sampled every 50 ms)", Report.Mb(peakRss), "", ""],
                ["peak RSS of the process so far (PeakWorkingSet64)", Report.Mb(process.PeakWorkingSet64), "", ""],
            ]);
        report.Line($"Warnings or errors logged: {logs.ProblemCount}.");
        foreach (var problem in logs.FirstProblems)
        {
            report.Line($"- {problem}");
        }

        report.Line();
    }

    /// <summary>
    /// From the simulator's record of tasks in flight (a step up is a create, a step down a task's end): each end after
    /// <paramref name="from"/> while jobs still wait for a create, paired in order with the first create after it that
    /// no earlier end took; in milliseconds, with the end's time.
    /// </summary>
    private static (double Ms, DateTimeOffset At)[] HandOvers(IReadOnlyList<TasksInFlight> history, int jobs, DateTimeOffset from)
    {
        var ends = new Queue<DateTimeOffset>();
        var handOvers = new List<(double Ms, DateTimeOffset At)>();
        var creates = 0;
        var previous = 0;
        foreach (var change in history)
        {
            if (change.Count > previous)
            {
                creates++;
                if (ends.TryDequeue(out var end))
                {
                    handOvers.Add(((change.At - end).TotalMilliseconds, end));
                }
            }
            else if (change.Count < previous && creates < jobs && change.At >= from)
            {
                ends.Enqueue(change.At);
            }

            previous = change.Count;
        }

        return [.. handOvers];
    }

    /// <summary>The first leg of a hand-over: the simulator's COMPLETED until the job's webhook was raised (the rest is the line and the engine).</summary>
    private static string Deliveries(JobRunResult run)
    {
        var delivery = run.Jobs.Select(job => job.DeliveryMs).OfType<double>().ToArray();
        return delivery.Length == 0 ? "n/a" : $"{Report.Ms(Stats.Percentile(delivery, 50))} / {Report.Ms(Stats.Percentile(delivery, 99))}";
    }

    /// <summary>The time inside the activities a hand-over waits for; the rest of it is the webhook and the engine's hops.</summary>
    private static string ActivityTimes(ActivityCounter activities)
    {
        var durations = activities.Durations();
        return string.Join(", ", new[] { WorkflowActivities.ReleaseFreepikSlot, WorkflowActivities.AcquireFreepikSlot, WorkflowActivities.SubmitVideoTask }
            .Where(durations.ContainsKey)
            .Select(name => $"{name} {Report.Ms(Stats.Percentile(durations[name], 50))} / {Report.Ms(Stats.Percentile(durations[name], 99))}"));
    }

    /// <summary>Prints how many tasks were created every 30 seconds, for the person watching a run of many minutes.</summary>
    private static async Task WatchAsync(BenchHost bench, int jobs, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken);
                Report.Progress($"backlog: {bench.Simulator.Calls.TasksCreated} of {jobs} tasks created");
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task<int> QueueLengthAsync(QueueClient queue, CancellationToken cancellationToken)
        => (await queue.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;

    private static bool IsLine(string storageKey) => storageKey.EndsWith("(Freepik slots)", StringComparison.Ordinal);

    private static bool IsLineActivity(string activity)
        => activity is WorkflowActivities.AcquireFreepikSlot or WorkflowActivities.ReleaseFreepikSlot;

    /// <summary>A size from the environment, so a smaller run can be asked for (an Azurite on 2 cores may not hold the default).</summary>
    private static int Size(string variable, int fallback)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size > 0
            ? size
            : throw new InvalidOperationException($"{variable} must be a positive whole number, not '{value}'.");
    }

    /// <summary>What the line cost over one run: its blobs' requests and body bytes, and its activities' executions.</summary>
    private sealed record LineCost(int Jobs, int Requests, long Bytes, int Activities);
}
