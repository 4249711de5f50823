using System.Globalization;
using KlingFunctions.Benchmarks.Harness;
using KlingFunctions.Testing;
using KlingFunctions.Workflow;

namespace KlingFunctions.Benchmarks;

/// <summary>
/// Cost per job: Freepik requests, activity executions and storage transactions, for the webhook path and the
/// polling-only path, beside a fixed 5-second poll. Counted from the real poll schedule (<see cref="PollSchedule"/>
/// with default <see cref="WorkflowOptions"/>) and checked against runs of the DevHost on a 1/15 time scale.
/// </summary>
internal static class CostBenchmark
{
    private const int Jobs = 20;
    private const int TimeScale = 15;
    private static readonly TimeSpan FixedPoll = TimeSpan.FromSeconds(5);

    // Estimates for the Durable Functions Azure Storage backend (BENCHMARKS.md explains them).
    private const int TransactionsPerStart = 4;
    private const int TransactionsPerActivity = 8;
    private const int TransactionsPerTimerOrEvent = 5;

    // SubmitVideoTaskActivity claims each create attempt before sending it and records the outcome afterwards:
    // SubmitLedger.ClaimAsync (a create-only PUT, If-None-Match: *) and SubmitLedger.RecordAsync (a PUT).
    private const int LedgerRequestsPerCreate = 2;

    public static async Task RunAsync(CancellationToken cancellationToken)
    {
        var report = Report.ForEngine("cost");
        var defaults = new WorkflowOptions();
        report.Line($"Machine: {Report.Machine()}");
        report.Line();
        report.Line($"Model: default workflow options (first poll {defaults.FirstPoll.TotalSeconds:0} s, at most {defaults.MaxPollInterval.TotalMinutes:0} min apart, {PollSchedule.WebhookSparsity}× sparser with webhooks), the generation ends T after submit, a webhook arrives at once, polls never fail. Activities: StageSourceImage + AcquireFreepikSlot + SubmitVideoTask + one GetVideoTaskStatus per poll + ReleaseFreepikSlot + ArchiveVideo (NotifyCallback only with a callback_url, PublishJobEvent only with an Event Grid topic, not counted). Each create attempt also costs {LedgerRequestsPerCreate} blob requests for the submit ledger (SubmitLedger.ClaimAsync: a create-only PUT; RecordAsync: a PUT of the outcome).");
        report.Line();

        var rows = new List<IReadOnlyList<string>>();
        foreach (var generation in new[] { TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(20) })
        {
            rows.Add(Row(generation, "webhooks (this service)", Polls(generation, defaults.ToSettings(webhooksEnabled: true), stopBeforeEnd: true), webhooks: 3));
            rows.Add(Row(generation, "polling only (this service)", Polls(generation, defaults.ToSettings(webhooksEnabled: false), stopBeforeEnd: false), webhooks: 0));
            rows.Add(Row(generation, "fixed 5 s poll (typical client)", (int)Math.Ceiling(generation / FixedPoll), webhooks: 0));
        }

        report.Table(
            ["generation", "path", "Freepik API requests (create + polls)", "activity executions", "orchestrator episodes (est.)", "Durable storage transactions (est.)", "submit-ledger blob requests"],
            rows);
        report.Line($"Durable storage transactions are an estimate for the Azure Storage backend: {TransactionsPerStart} to start an instance, {TransactionsPerActivity} per activity (work-item put, get, delete; result put, get, delete; history batch; instance row), {TransactionsPerTimerOrEvent} per timer or external event (message put, get, delete; history batch; instance row); idle queue polling is per app, not per job, and not counted. The fixed-poll row assumes the same durable design, only the poll interval differs. The submit ledger's requests are exact ({LedgerRequestsPerCreate} per create attempt, one attempt here); our other blob requests (staging, the Freepik slots' blob, archive) do not depend on the path and are measured below; the slots' head is written once per batch of changes that arrive together, and read only when another instance wrote it since or a change changes nothing, so per job it is at most 2 reads and 2 writes, and mostly writes only.");
        report.Line();

        await MeasureAsync(report, webhooks: true, cancellationToken);
        await MeasureAsync(report, webhooks: false, cancellationToken);
        await report.SaveAsync();
    }

    /// <summary>Polls a job makes: with webhooks those before the end (the webhook then ends the wait), else up to the first at or after it.</summary>
    public static int Polls(TimeSpan generation, WorkflowSettings settings, bool stopBeforeEnd)
    {
        var at = TimeSpan.Zero;
        for (var poll = 0; ; poll++)
        {
            at += PollSchedule.DelayBefore(poll, settings);
            if (stopBeforeEnd ? at >= generation : at >= generation || at >= settings.Deadline)
            {
                return stopBeforeEnd ? poll : poll + 1;
            }
        }
    }

    private static List<string> Row(TimeSpan generation, string path, int polls, int webhooks)
    {
        // Staging, a Freepik slot, the create, the polls, the slot given back, the archive copy.
        var activities = 5 + polls;
        // One timer fires before each poll; a webhook cancels the pending timer instead.
        var timers = polls;
        var episodes = 1 + activities + timers + webhooks;
        var transactions = TransactionsPerStart + (TransactionsPerActivity * activities) + (TransactionsPerTimerOrEvent * (timers + webhooks));
        return [
            $"{generation.TotalMinutes:0} min", path,
            (1 + polls).ToString(CultureInfo.InvariantCulture),
            activities.ToString(CultureInfo.InvariantCulture),
            episodes.ToString(CultureInfo.InvariantCulture),
            transactions.ToString(CultureInfo.InvariantCulture),
            LedgerRequestsPerCreate.ToString(CultureInfo.InvariantCulture)];
    }

    /// <summary>
    /// A 2-minute generation on a 1/15 time scale (COMPLETED after 8 s, first poll 1 s, at most 8 s apart), so the
    /// measured counts can be set beside the model's 2-minute rows.
    /// </summary>
    private static async Task MeasureAsync(Report report, bool webhooks, CancellationToken cancellationToken)
    {
        var defaults = new WorkflowOptions();
        var settings = new Dictionary<string, string?>
        {
            ["FreepikSimulator:InProgressAfter"] = "00:00:01",
            ["FreepikSimulator:CompletedAfter"] = (TimeSpan.FromMinutes(2) / TimeScale).ToString("c", CultureInfo.InvariantCulture),
            ["Workflow:FirstPoll"] = (defaults.FirstPoll / TimeScale).ToString("c", CultureInfo.InvariantCulture),
            ["Workflow:MaxPollInterval"] = (defaults.MaxPollInterval / TimeScale).ToString("c", CultureInfo.InvariantCulture),
            ["Workflow:Deadline"] = (defaults.Deadline / TimeScale).ToString("c", CultureInfo.InvariantCulture),
        };
        if (!webhooks)
        {
            settings["Webhooks:PublicBaseUrl"] = "";
        }

        var path = webhooks ? "webhooks" : "polling only";
        Report.Progress($"cost: {Jobs} jobs, {path}, 2-minute generation at 1/{TimeScale} scale");
        var activities = new ActivityCounter();
        using var storage = new StorageRequestCounter();
        await using var bench = await BenchHost.StartAsync(settings, new LogCapture(), [], builder => activities.AddTo(builder.Logging), cancellationToken);
        var run = await JobRun.RunAsync(bench, Jobs, VideoJobs.JsonBody(TestImages.Png(1024, 768, 16 * 1024), "cost benchmark"), activities, storage, TimeSpan.FromMinutes(2), cancellationToken);

        string PerJob(double total) => (total / Jobs).ToString("0.##", CultureInfo.InvariantCulture);
        report.Line($"Measured, {path}: {Jobs} jobs, {run.Completed} completed, finished after {run.Total.TotalSeconds:0.0} s.");
        report.Line();
        report.Table(
            ["per job", "measured"],
            [
                ["Freepik create requests", PerJob(run.Calls.CreateAttempts)],
                ["Freepik status polls", PerJob(run.Calls.StatusCalls)],
                ["webhooks received", PerJob(run.Calls.WebhooksSent)],
                ["video downloads (Freepik's CDN)", PerJob(run.Calls.VideoDownloads)],
                ["activity executions", $"{PerJob(run.Activities.Values.Sum())} ({string.Join(", ", run.Activities.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key} {PerJob(a.Value)}"))})"],
                ["blob storage requests by the app", $"{PerJob(run.StorageRequests.Values.Sum())} ({string.Join(", ", run.StorageRequests.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key} {PerJob(a.Value)}"))})"],
            ]);
    }
}
