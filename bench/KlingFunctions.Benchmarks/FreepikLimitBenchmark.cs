using System.Globalization;
using KlingFunctions.Benchmarks.Harness;
using KlingFunctions.FreepikSimulator;
using KlingFunctions.Testing;
using KlingFunctions.Workflow;

namespace KlingFunctions.Benchmarks;

/// <summary>
/// 40 jobs dropped at once on an account that allows 3 tasks in flight: the simulator answers a 4th concurrent create
/// with 429, as Freepik does. All must complete, none fail, and the tasks in flight never exceed the limit; the wall
/// time is set against the least the limit allows.
/// </summary>
internal static class FreepikLimitBenchmark
{
    private const int Jobs = 40;
    private const int Limit = 3;
    private static readonly TimeSpan TaskLifetime = TimeSpan.FromSeconds(2);

    public static async Task RunAsync(CancellationToken cancellationToken)
    {
        var report = Report.ForEngine("slots");
        report.Line($"Machine: {Report.Machine()}");
        report.Line($"{Jobs} JSON start requests (a 16 KB PNG in base64) sent at once; `Freepik:MaxConcurrentTasks={Limit}` and the simulator refusing a create beyond {Limit} tasks in flight with 429; simulator: IN_PROGRESS after 0.5 s, COMPLETED after {TaskLifetime.TotalSeconds:0} s, signed webhooks; workflow defaults (`Workflow:SlotRecheckInterval` 30 s: jobs in line are woken by the jobs giving a slot back).");
        report.Line();

        var limit = Limit.ToString(CultureInfo.InvariantCulture);
        await using var bench = await BenchHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["Freepik:MaxConcurrentTasks"] = limit,
                ["FreepikSimulator:MaxConcurrentTasks"] = limit,
                ["FreepikSimulator:InProgressAfter"] = "00:00:00.5",
                ["FreepikSimulator:CompletedAfter"] = TaskLifetime.ToString(),
            },
            new LogCapture(),
            [],
            configure: null,
            cancellationToken);

        Report.Progress($"slots: {Jobs} jobs at once, {Limit} tasks in flight at most");
        var body = VideoJobs.JsonBody(TestImages.Png(1024, 768, 16 * 1024), "freepik limit benchmark");
        var run = await JobRun.RunAsync(bench, Jobs, body, activities: null, storage: null, TimeSpan.FromMinutes(10), cancellationToken);
        var history = bench.Simulator.InFlightHistory;
        var calls = bench.Simulator.Calls;

        var failed = run.Jobs.Count(job => job.Outcome is not JobStatus.Completed);
        var least = TimeSpan.FromTicks(TaskLifetime.Ticks * (long)Math.Ceiling(Jobs / (double)Limit));
        var (busy, span) = Busy(history);
        report.Table(
            ["measure", "value", "target", "verdict"],
            [
                ["jobs started / completed / failed", $"{run.Jobs.Count} / {run.Completed} / {failed}", "all complete, 0 failed", Report.Verdict(run.Completed == Jobs && failed == 0 && run.Idle)],
                ["most tasks in flight at once", calls.MaxTasksInFlight.ToString(CultureInfo.InvariantCulture), $"≤ {Limit}", Report.Verdict(calls.MaxTasksInFlight <= Limit)],
                ["creates answered 429 (over the limit)", calls.CreatesRefusedAtLimit.ToString(CultureInfo.InvariantCulture), "0 (the slots keep creates under it)", Report.Verdict(calls.CreatesRefusedAtLimit == 0)],
                ["Freepik tasks created", $"{calls.TasksCreated}", $"exactly {Jobs}", Report.Verdict(calls.TasksCreated == Jobs)],
                ["wall time, first start request → last job ended", Report.Ms(run.Total.TotalMilliseconds), "", ""],
                [$"least the limit allows ({Jobs} / {Limit} rounds × {TaskLifetime.TotalSeconds:0} s)", Report.Ms(least.TotalMilliseconds), "", ""],
                ["wall time / least", Report.Ratio(run.Total / least), "", ""],
                ["slots busy while tasks ran (task-seconds in flight / (limit × span))", Report.Number(busy / (Limit * span.TotalSeconds) * 100, "0") + " %", "", ""],
            ]);
        report.Line();
        report.Line("Tasks in flight over time, from the simulator's own count: the most at any moment within each second, and the mean over it (█ = 1 task for the whole second).");
        report.Line();
        report.Table(["second", "most", "mean", ""], PerSecond(history).Select(second => (IReadOnlyList<string>)
            [second.Second.ToString(CultureInfo.InvariantCulture), second.Max.ToString(CultureInfo.InvariantCulture), Report.Number(second.Mean), Bar(second.Mean)]));
        await report.SaveAsync();
    }

    /// <summary>Whole blocks for whole tasks, a lighter one for a part of one.</summary>
    private static string Bar(double tasks) => new string('█', (int)tasks) + (tasks - (int)tasks >= 0.25 ? "▒" : string.Empty);

    /// <summary>Task-seconds in flight, and the span from the first create to the last task's end.</summary>
    internal static (double TaskSeconds, TimeSpan Span) Busy(IReadOnlyList<TasksInFlight> history)
    {
        var taskSeconds = history.Zip(history.Skip(1), (change, next) => change.Count * (next.At - change.At).TotalSeconds).Sum();
        return (taskSeconds, history.Count == 0 ? TimeSpan.Zero : history[^1].At - history[0].At);
    }

    /// <summary>The most tasks in flight within each whole second since the first create, and their time-weighted mean.</summary>
    private static IEnumerable<(int Second, int Max, double Mean)> PerSecond(IReadOnlyList<TasksInFlight> history)
    {
        if (history.Count == 0)
        {
            yield break;
        }

        var start = history[0].At;
        var seconds = (int)Math.Ceiling((history[^1].At - start).TotalSeconds);
        for (var second = 0; second < seconds; second++)
        {
            var from = start.AddSeconds(second);
            var to = from.AddSeconds(1);

            // The count holding at the second's start, then each count it changed to within the second, each for as long as it held.
            var holding = history.LastOrDefault(change => change.At <= from) ?? new TasksInFlight(from, 0);
            List<TasksInFlight> steps = [holding with { At = from }, .. history.Where(change => change.At > from && change.At < to)];
            var mean = steps.Select((step, i) => step.Count * ((i + 1 < steps.Count ? steps[i + 1].At : to) - step.At).TotalSeconds).Sum();
            yield return (second, steps.Max(step => step.Count), mean);
        }
    }
}
