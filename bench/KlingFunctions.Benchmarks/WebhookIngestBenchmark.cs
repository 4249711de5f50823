using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using KlingFunctions.Benchmarks.Harness;
using KlingFunctions.Testing;
using KlingFunctions.Webhooks;
using KlingFunctions.Workflow;

namespace KlingFunctions.Benchmarks;

/// <summary>
/// Verified webhook deliveries per second through the DevHost (token, signature, event raised into a running
/// job) against a bare Kestrel endpoint that answers 202, with the same requests from the same load generator.
/// </summary>
internal static class WebhookIngestBenchmark
{
    private const int RunningJobs = 100;
    private const int Concurrency = 32;
    private const int Rounds = 5;
    private const int MaxRequestsPerRound = 300_000;
    private static readonly TimeSpan RoundTime = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan WarmupTime = TimeSpan.FromSeconds(5);

    public static async Task RunAsync(CancellationToken cancellationToken)
    {
        var report = Report.ForEngine("webhooks");
        var logs = new LogCapture();
        await using var bench = await BenchHost.StartAsync(
            // Every status the jobs see during the run comes from the load generator.
            BenchHost.QuietJobs(),
            logs, [], configure: null, cancellationToken);

        Report.Progress($"webhooks: starting {RunningJobs} jobs to receive the deliveries");
        var image = VideoJobs.JsonBody(TestImages.Png(512, 512, 4096), "webhook benchmark");
        var jobIds = await Task.WhenAll(Enumerable.Range(0, RunningJobs).Select(_ => VideoJobs.StartAsync(bench.Client, VideoJobs.JsonRequest(image), cancellationToken)));
        var snapshots = await Task.WhenAll(jobIds.Select(id => VideoJobs.WaitForStageAsync(new DurableVideoJobClient(bench.Host.Durable), id, JobStage.Generating, cancellationToken)));
        var webhooksBefore = snapshots.Sum(s => s.Progress?.Webhooks ?? 0);

        var tokens = bench.Host.App.Services.GetRequiredService<WebhookToken>();
        var secret = bench.Simulator.Options.WebhookSecret;
        var targets = snapshots.Select(s => (
            PathAndQuery: tokens.WebhookUrlFor(s.JobId)!.PathAndQuery,
            Body: JsonSerializer.SerializeToUtf8Bytes(new { task_id = s.Progress!.FreepikTaskId, status = "IN_PROGRESS", generated = Array.Empty<string>() }))).ToArray();

        var sent = 0;
        HttpRequestMessage Delivery(int index)
        {
            var (pathAndQuery, body) = targets[index % targets.Length];
            var id = string.Create(CultureInfo.InvariantCulture, $"msg_bench_{Interlocked.Increment(ref sent)}");
            var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            var request = new HttpRequestMessage(HttpMethod.Post, pathAndQuery)
            {
                Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
            };
            request.Headers.Add("webhook-id", id);
            request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
            request.Headers.Add("webhook-signature", WebhookSignature.Sign(secret, id, timestamp, body));
            return request;
        }

        await using var bare = await LocalWebServer.StartAsync(app => app.MapPost("/api/webhooks/freepik/{id}", () => Results.StatusCode(StatusCodes.Status202Accepted)));
        using var bareClient = BenchHost.LoopbackClient(bare.BaseAddress);
        static bool Accepted(HttpResponseMessage response) => response.StatusCode == HttpStatusCode.Accepted;

        var subjects = new (string Name, HttpClient Client)[] { ("bare Kestrel 202", bareClient), ("DevHost webhook", bench.Client) };
        var warmedUp = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (name, client) in subjects)
        {
            Report.Progress($"webhooks: warming up {name}");
            warmedUp[name] = (await LoadGenerator.RunAsync(client, Delivery, Accepted, Concurrency, WarmupTime, MaxRequestsPerRound, cancellationToken)).Requests;
        }

        var results = new List<(string Name, int Round, LoadResult Result)>();
        for (var round = 1; round <= Rounds; round++)
        {
            // Alternate which goes first, so neither always runs on a machine warmed (or tired) by the other.
            foreach (var (name, client) in round % 2 == 1 ? subjects : subjects.Reverse())
            {
                Report.Progress($"webhooks: round {round}, {name}");
                results.Add((name, round, await LoadGenerator.RunAsync(client, Delivery, Accepted, Concurrency, RoundTime, MaxRequestsPerRound, cancellationToken)));
            }
        }

        var applied = await WaitForAppliedAsync(bench, jobIds, cancellationToken) - webhooksBefore;
        var toDevHost = warmedUp[subjects[1].Name] + results.Where(r => r.Name == subjects[1].Name).Sum(r => r.Result.Requests);

        report.Line($"Machine: {Report.Machine()}");
        report.Line($"Load: {Concurrency} concurrent HTTP/1.1 callers in the benchmark process (SocketsHttpHandler), {Rounds} interleaved rounds of {RoundTime.TotalSeconds:0} s per target after a {WarmupTime.TotalSeconds:0} s warm-up; every request is a signed IN_PROGRESS delivery for one of {RunningJobs} running jobs (unique webhook-id, current timestamp).");
        report.Line();
        report.Table(
            ["round", "target", "requests", "failures", "requests/s", "p50", "p99", "allocated per request"],
            results.Select(r => (IReadOnlyList<string>)[
                r.Round.ToString(CultureInfo.InvariantCulture), r.Name, r.Result.Requests.ToString(CultureInfo.InvariantCulture), r.Result.Failures.ToString(CultureInfo.InvariantCulture),
                Report.Number(r.Result.PerSecond, "0"), Report.Ms(Stats.Percentile(r.Result.LatenciesMs, 50)), Report.Ms(Stats.Percentile(r.Result.LatenciesMs, 99)), Bytes(r.Result.AllocatedPerRequest)]));

        var bareRate = Stats.Median([.. results.Where(r => r.Name == subjects[0].Name).Select(r => r.Result.PerSecond)]);
        var hostRate = Stats.Median([.. results.Where(r => r.Name == subjects[1].Name).Select(r => r.Result.PerSecond)]);
        var bareP99 = Stats.Median([.. results.Where(r => r.Name == subjects[0].Name).Select(r => Stats.Percentile(r.Result.LatenciesMs, 99))]);
        var hostP99 = Stats.Median([.. results.Where(r => r.Name == subjects[1].Name).Select(r => Stats.Percentile(r.Result.LatenciesMs, 99))]);
        var bareAllocated = Stats.Median([.. results.Where(r => r.Name == subjects[0].Name).Select(r => r.Result.AllocatedPerRequest)]);
        var hostAllocated = Stats.Median([.. results.Where(r => r.Name == subjects[1].Name).Select(r => r.Result.AllocatedPerRequest)]);
        var ratio = hostRate / bareRate;
        report.Table(
            ["measure", "bare Kestrel (baseline)", "DevHost webhook", "ratio", "target", "verdict"],
            [
                ["deliveries/s (median of rounds)", Report.Number(bareRate, "0"), Report.Number(hostRate, "0"), Report.Ratio(ratio), "≥ 0.50×", Report.Verdict(ratio >= 0.5)],
                ["p99 latency (median of rounds)", Report.Ms(bareP99), Report.Ms(hostP99), Report.Ratio(hostP99 / bareP99), "reported", ""],
                ["allocated per request, whole process (median of rounds)", Bytes(bareAllocated), Bytes(hostAllocated), Report.Ratio(hostAllocated / bareAllocated), "reported", ""],
            ]);
        report.Line($"Deliveries raised into the jobs' orchestrations (custom status `webhooks` count): {applied} of {toDevHost} signed deliveries sent to the DevHost (warm-up included; the simulator's own CREATED deliveries can add a few). Each job takes its first IN_PROGRESS; every later one is already past for it, so it is verified and answered 202 without waking the orchestration (`FreepikTaskUpdate.CanChange`). Warnings or errors logged: {logs.ProblemCount}.");
        foreach (var problem in logs.FirstProblems)
        {
            report.Line($"- {problem}");
        }

        report.Line($"Allocated per request: GC.GetTotalAllocatedBytes over the round divided by its requests, so it includes the load generator's side (the same for both targets) and, for the DevHost, the orchestrations applying the events; the DevHost's own share is about {Bytes(hostAllocated - bareAllocated)} per delivery.");
        await report.SaveAsync();
    }

    private static string Bytes(double bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024:0.0} KB");

    /// <summary>Events are applied after the 202, on the thread pool: wait until the count stops moving.</summary>
    private static async Task<int> WaitForAppliedAsync(BenchHost bench, IReadOnlyList<string> jobIds, CancellationToken cancellationToken)
    {
        var last = -1;
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var snapshots = await Task.WhenAll(jobIds.Select(id => new DurableVideoJobClient(bench.Host.Durable).GetAsync(id, cancellationToken)));
            var applied = snapshots.Sum(s => s?.Progress?.Webhooks ?? 0);
            if (applied == last)
            {
                return applied;
            }

            last = applied;
            await Task.Delay(200, cancellationToken);
        }

        return last;
    }
}
