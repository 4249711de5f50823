using System.Diagnostics;
using System.Globalization;
using KlingFunctions.Benchmarks.Harness;
using KlingFunctions.Staging;
using KlingFunctions.Workflow;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace KlingFunctions.Benchmarks;

/// <summary>
/// What a page of <c>GET /api/videos</c> costs on the DevHost's Durable engine: instance records read, storage
/// requests and time, for pages of 20 and 100 over a task hub of jobs started in one burst (the worst case of the
/// time windows: every job in the first one), beside reading every instance once (what a list without windows costs).
/// </summary>
internal static class JobListBenchmark
{
    private static readonly int[] Sizes = [500, 2000];
    private static readonly int[] Tops = [20, 100];
    private const int Rounds = 5;

    public static async Task RunAsync(CancellationToken cancellationToken)
    {
        var report = Report.ForEngine("list");
        report.Line($"Machine: {Report.Machine()}");
        report.Line();
        report.Line("Jobs are created as instances scheduled to start in a day (so nothing runs while the list is read), in one burst of a few seconds. Each figure is the median of 5 reads; storage requests are those the Azure SDK sent from the process (the engine's table queries), per read.");
        report.Line();

        var rows = new List<IReadOnlyList<string>>();
        await using var bench = await BenchHost.StartAsync(BenchHost.QuietJobs(), new LogCapture(), [], configure: null, cancellationToken);
        var durable = bench.Host.Durable;
        var jobs = new DurableVideoJobClient(durable);
        var created = 0;
        foreach (var size in Sizes)
        {
            var seeding = Stopwatch.StartNew();
            await Parallel.ForAsync(created, size, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (i, token) =>
            {
                var id = Guid.NewGuid().ToString("N");
                await durable.ScheduleNewOrchestrationInstanceAsync(VideoOrchestration.Name, Input(id, i), new StartOrchestrationOptions(id, DateTimeOffset.UtcNow.AddDays(1)), token);
            });
            created = size;
            Report.Progress($"list: {size} jobs in the task hub (seeded in {seeding.Elapsed.TotalSeconds:0.0} s)");

            foreach (var top in Tops)
            {
                rows.Add(await MeasureAsync($"first page of {top}", size, () => jobs.ListAsync(null, _ => true, top, null, DateTimeOffset.UtcNow, cancellationToken)));
                var first = await jobs.ListAsync(null, _ => true, top, null, DateTimeOffset.UtcNow, cancellationToken);
                var middle = first.Next;
                for (var page = 1; page < size / top / 2 && middle is not null; page++)
                {
                    middle = (await jobs.ListAsync(null, _ => true, top, middle, DateTimeOffset.UtcNow, cancellationToken)).Next;
                }

                rows.Add(await MeasureAsync($"a page of {top} in the middle", size, () => jobs.ListAsync(null, _ => true, top, middle, DateTimeOffset.UtcNow, cancellationToken)));
            }

            rows.Add(await MeasureAsync("every instance once (no windows)", size, async () =>
            {
                var read = 0;
                await foreach (var _ in durable.GetAllInstancesAsync(new OrchestrationQuery(PageSize: 100, FetchInputsAndOutputs: true)).WithCancellation(cancellationToken))
                {
                    read++;
                }

                return new RecentJobsPage([], null, read);
            }));
        }

        report.Table(["jobs in the hub", "read", "instance records read", "storage requests", "time (median)"], rows);
        await report.SaveAsync();
    }

    private static async Task<IReadOnlyList<string>> MeasureAsync(string what, int size, Func<Task<RecentJobsPage>> read)
    {
        using var storage = new StorageRequestCounter();
        var times = new List<double>();
        var records = 0;
        var requests = 0;
        for (var round = 0; round < Rounds; round++)
        {
            storage.Enabled = true;
            var before = storage.Snapshot().Values.Sum();
            var watch = Stopwatch.StartNew();
            var page = await read();
            times.Add(watch.Elapsed.TotalMilliseconds);
            requests = storage.Snapshot().Values.Sum() - before;
            records = page.Read;
        }

        Report.Progress($"list: {what} of {size}: {records} records, {requests} requests, {Stats.Median(times):0} ms");
        return [size.ToString(CultureInfo.InvariantCulture), what, records.ToString(CultureInfo.InvariantCulture), requests.ToString(CultureInfo.InvariantCulture), string.Create(CultureInfo.InvariantCulture, $"{Stats.Median(times):0} ms")];
    }

    private static VideoJobInput Input(string id, int i) => new()
    {
        JobId = id,
        CreatedAt = DateTimeOffset.UtcNow,
        Parameters = new VideoParameters { Prompt = $"job {i}: a slow pan across a quiet valley at dawn, mist over the river, birds rising from the reeds" },
        Inputs = new StagingRequest(id, new InputReference(BlobName: $"{id}/image.png")),
        Settings = new WorkflowOptions().ToSettings(webhooksEnabled: true),
    };
}
