using System.Diagnostics;
using KlingFunctions.Benchmarks;
using KlingFunctions.Benchmarks.Harness;
using KlingFunctions.DevHost;

// dotnet run -c Release --project bench/KlingFunctions.Benchmarks -- webhooks|staging|jobs|cost|micro|slots|list|backlog|all [AzureStorage|InMemory]
// Run from the repository root: results go to bench/results/{name}-{engine}.md. BENCHMARKS.md explains each one.
var benchmarks = new Dictionary<string, Func<CancellationToken, Task>>(StringComparer.OrdinalIgnoreCase)
{
    ["webhooks"] = WebhookIngestBenchmark.RunAsync,
    ["staging"] = StagingBenchmark.RunAsync,
    ["jobs"] = ManyJobsBenchmark.RunAsync,
    ["cost"] = CostBenchmark.RunAsync,
    ["micro"] = SignatureBenchmarks.RunAsync,
    ["slots"] = FreepikLimitBenchmark.RunAsync,
    ["list"] = JobListBenchmark.RunAsync,
    ["backlog"] = BacklogBenchmark.RunAsync,
};

if (args.Length is < 1 or > 2
    || !(benchmarks.ContainsKey(args[0]) || args[0].Equals("all", StringComparison.OrdinalIgnoreCase))
    || (args.Length == 2 && !Enum.TryParse<DurableEngine>(args[1], ignoreCase: true, out _)))
{
    await Console.Error.WriteLineAsync($"usage: dotnet run -c Release --project bench/KlingFunctions.Benchmarks -- {string.Join('|', benchmarks.Keys)}|all [{string.Join('|', Enum.GetNames<DurableEngine>())}]");
    return 2;
}

BenchHost.Engine = args.Length == 2 ? Enum.Parse<DurableEngine>(args[1], ignoreCase: true) : DurableEngine.AzureStorage;

#if DEBUG
Report.Progress("WARNING: a Debug build; run with -c Release for numbers worth recording");
#endif

// A guard against a run that hangs, not a budget: the backlog at its default sizes takes most of an hour on Azure Storage.
using var stop = new CancellationTokenSource(TimeSpan.FromHours(3));
if (!args[0].Equals("all", StringComparison.OrdinalIgnoreCase))
{
    await benchmarks[args[0]](stop.Token);
    return 0;
}

// Each benchmark in a process of its own, so one's heap and peak working set never show up in another's figures.
foreach (var name in benchmarks.Keys)
{
    var start = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false };
    if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
    {
        start.ArgumentList.Add(typeof(Report).Assembly.Location);
    }

    start.ArgumentList.Add(name);
    start.ArgumentList.Add(BenchHost.Engine.ToString());
    Report.Progress($"all: {name} on {BenchHost.Engine}");
    using var child = Process.Start(start)!;
    await child.WaitForExitAsync(stop.Token);
    if (child.ExitCode != 0)
    {
        Report.Progress($"all: {name} failed with exit code {child.ExitCode}");
        return child.ExitCode;
    }
}

return 0;
