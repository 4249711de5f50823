using System.Diagnostics;
using System.Globalization;
using KlingFunctions.Benchmarks.Harness;
using KlingFunctions.Testing;

namespace KlingFunctions.Benchmarks;

/// <summary>
/// 1,000 jobs started together through the DevHost against the simulator's short lifecycle: all complete, none
/// lost, Freepik calls per job, the latency the service adds after Freepik's COMPLETED, and peak memory.
/// </summary>
internal static class ManyJobsBenchmark
{
    private const int Jobs = 1000;
    private const int WarmupJobs = 20;

    public static async Task RunAsync(CancellationToken cancellationToken)
    {
        var report = Report.ForEngine("jobs");
        report.Line($"Machine: {Report.Machine()}");
        report.Line($"{Jobs} JSON start requests (a 16 KB PNG in base64) sent at once from the benchmark process after a {WarmupJobs}-job warm-up; simulator: IN_PROGRESS after 0.5 s, COMPLETED after 2 s, signed webhooks to the DevHost; workflow defaults (first poll 15 s × 4 with webhooks = 60 s).");
        report.Line();
        using var process = Process.GetCurrentProcess();
        await RunOnceAsync(report, process, archive: true, cancellationToken);

        // The same again without the archive step, in a fresh DevHost: how much of the added latency is the copy.
        await RunOnceAsync(report, process, archive: false, cancellationToken);
        await report.SaveAsync();
    }

    private static async Task RunOnceAsync(Report report, Process process, bool archive, CancellationToken cancellationToken)
    {
        var logs = new LogCapture(JobRun.StatusChanged, JobRun.WebhookRaised);
        var activities = new ActivityCounter();
        await using var bench = await BenchHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["FreepikSimulator:InProgressAfter"] = "00:00:00.5",
                ["FreepikSimulator:CompletedAfter"] = "00:00:02",
                ["Workflow:ArchiveVideo"] = archive ? "true" : "false",
            },
            logs, [JobRun.SimulatorCategory, JobRun.ReceiverCategory], builder => activities.AddTo(builder.Logging), cancellationToken);

        var body = VideoJobs.JsonBody(TestImages.Png(1024, 768, 16 * 1024), "many jobs benchmark");
        var timeout = TimeSpan.FromMinutes(10);

        Report.Progress($"jobs: warm-up with {WarmupJobs} jobs (archive {archive})");
        await JobRun.RunAsync(bench, WarmupJobs, body, activities: null, storage: null, timeout, cancellationToken);

        GC.Collect();
        process.Refresh();
        var idleRss = process.WorkingSet64;
        var peakDuringRun = idleRss;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            using var self = Process.GetCurrentProcess();
            while (!sampling.IsCancellationRequested)
            {
                self.Refresh();
                peakDuringRun = Math.Max(peakDuringRun, self.WorkingSet64);
                await Task.Delay(50, CancellationToken.None);
            }
        }, CancellationToken.None);

        Report.Progress($"jobs: {Jobs} jobs at once (archive {archive})");
        var durationsBefore = activities.Durations().ToDictionary(p => p.Key, p => p.Value.Count, StringComparer.Ordinal);
        var cpu = new ProcessorTimes(process, bench);
        var run = await JobRun.RunAsync(bench, Jobs, body, activities: null, storage: null, timeout, cancellationToken);
        var (processCpu, azuriteCpu) = cpu.Since();
        await sampling.CancelAsync();
        await sampler;
        process.Refresh();
        var peakRss = process.PeakWorkingSet64;

        var jobs = run.Jobs;
        var added = jobs.Where(j => j.AddedMs is not null).Select(j => j.AddedMs!.Value).ToArray();
        var delivery = jobs.Where(j => j.DeliveryMs is not null).Select(j => j.DeliveryMs!.Value).ToArray();
        var finishing = jobs.Where(j => j.FinishingMs is not null).Select(j => j.FinishingMs!.Value).ToArray();
        var polls = run.Calls.StatusCallsByTask.Values.ToArray();
        var distinctTasks = jobs.Select(j => j.TaskId).Where(t => t is not null).Distinct(StringComparer.Ordinal).Count();
        var p99 = Stats.Percentile(added, 99);
        string Count(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

        report.Line(archive ? "### Default settings: every video archived to Azurite" : "### The same with `Workflow:ArchiveVideo=false` (no copy of the video)");
        report.Line();
        report.Table(
            ["measure", "value", "target", "verdict"],
            [
                ["jobs started / completed / lost", $"{jobs.Count} / {run.Completed} / {Jobs - run.Completed}", "all complete, none lost", Report.Verdict(run.Completed == Jobs && run.Idle)],
                ["every orchestration ended before the time-out", run.Idle ? "yes" : "**no**", "", ""],
                ["Freepik create requests per job", Count((double)run.Calls.CreateAttempts / Jobs), "exactly 1", Report.Verdict(run.Calls.CreateAttempts == Jobs && run.Calls.TasksCreated == Jobs && distinctTasks == Jobs)],
                ["Freepik status polls per job (max, mean)", $"{(polls.Length == 0 ? 0 : polls.Max())}, {Count(polls.Length == 0 ? 0 : polls.Average())}", "≤ 1 when webhooks arrive", Report.Verdict(polls.Length == 0 || polls.Max() <= 1)],
                ["webhooks sent / failed", $"{run.Calls.WebhooksSent} / {run.Calls.WebhookFailures}", "", ""],
                ["video downloads per job", Count((double)run.Calls.VideoDownloads / Jobs), "", ""],
                ["added latency p50 (simulator COMPLETED → job Completed)", Report.Ms(Stats.Percentile(added, 50)), "", ""],
                ["added latency p99", Report.Ms(p99), "≤ 250 ms", Report.Verdict(p99 <= 250)],
                ["… of which webhook delivery p50 / p99 (COMPLETED → event raised)", $"{Report.Ms(Stats.Percentile(delivery, 50))} / {Report.Ms(Stats.Percentile(delivery, 99))}", "", ""],
                ["… of which archive and finish p50 / p99 (event raised → Completed)", $"{Report.Ms(Stats.Percentile(finishing, 50))} / {Report.Ms(Stats.Percentile(finishing, 99))}", "", ""],
                ["jobs with a measured latency", added.Length.ToString(CultureInfo.InvariantCulture), "", ""],
                ["start requests: all answered after", Report.Ms(run.StartedAll.TotalMilliseconds), "", ""],
                ["start request latency p50 / p99", $"{Report.Ms(Stats.Percentile(run.StartLatenciesMs, 50))} / {Report.Ms(Stats.Percentile(run.StartLatenciesMs, 99))}", "", ""],
                ["all jobs finished after", Report.Ms(run.Total.TotalMilliseconds), "", ""],
                ["RSS after warm-up (baseline)", Report.Mb(idleRss), "", ""],
                ["peak RSS during the run (sampled every 50 ms)", Report.Mb(peakDuringRun), "", ""],
                ["peak RSS of the process so far (PeakWorkingSet64)", Report.Mb(peakRss), "≤ 500 MB", Report.Verdict(peakRss <= 500L * 1024 * 1024)],
                ["processor time during the run: this process (client, DevHost, simulator; 2 cores = 200 %)", Report.Percent(processCpu / run.Total), "", ""],
                ["processor time during the run: Azurite (Node runs its JavaScript on one thread)", azuriteCpu is { } azurite ? Report.Percent(azurite / run.Total) : "not measured (an Azurite the benchmark did not start)", "", ""],
                ["GC pauses so far in the process", $"{Report.Number(GC.GetTotalPauseDuration().TotalMilliseconds, "0")} ms in {GC.CollectionCount(0)} gen0, {GC.CollectionCount(2)} gen2 collections", "", ""],
            ]);
        report.Line($"RSS includes the load generator's 1,000 client connections and the embedded simulator (both in this process); Azurite runs in its own process. Warnings or errors logged: {logs.ProblemCount}.");
        foreach (var problem in logs.FirstProblems)
        {
            report.Line($"- {problem}");
        }

        report.Line();
        report.Line("Activity durations during the run (time inside each activity, including waiting for Azurite and the simulator):");
        report.Line();
        report.Table(
            ["activity", "executions", "p50", "p99", "max"],
            activities.Durations().OrderBy(p => p.Key, StringComparer.Ordinal).Select(p =>
            {
                var measured = p.Value.Skip(durationsBefore.GetValueOrDefault(p.Key)).ToArray();
                return (IReadOnlyList<string>)[p.Key, measured.Length.ToString(CultureInfo.InvariantCulture), Report.Ms(Stats.Percentile(measured, 50)), Report.Ms(Stats.Percentile(measured, 99)), Report.Ms(measured.DefaultIfEmpty(0).Max())];
            }));
    }

    /// <summary>Processor time of this process and of Azurite from now on: which of them the run was waiting for.</summary>
    private sealed class ProcessorTimes(Process process, BenchHost bench)
    {
        private readonly TimeSpan processStart = Current(process);
        private readonly TimeSpan? azuriteStart = bench.AzuriteProcessorTime;

        public (TimeSpan Process, TimeSpan? Azurite) Since()
            => (Current(process) - processStart, bench.AzuriteProcessorTime - azuriteStart);

        private static TimeSpan Current(Process process)
        {
            process.Refresh();
            return process.TotalProcessorTime;
        }
    }
}
