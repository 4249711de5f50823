using System.Diagnostics;
using KlingFunctions.Benchmarks;
using KlingFunctions.Benchmarks.Harness;

// dotnet run -c Release --project bench/KlingFunctions.Benchmarks -- webhooks|staging|jobs|cost|micro|all
// Run from the repository root: results go to bench/results/{name}.md. BENCHMARKS.md explains each one.
var benchmarks = new Dictionary<string, Func<CancellationToken, Task>>(StringComparer.OrdinalIgnoreCase)
{
    ["webhooks"] = WebhookIngestBenchmark.RunAsync,
    ["staging"] = StagingBenchmark.RunAsync,
    ["jobs"] = ManyJobsBenchmark.RunAsync,
    ["cost"] = CostBenchmark.RunAsync,
    ["micro"] = SignatureBenchmarks.RunAsync,
};

if (args.Length != 1 || !(benchmarks.ContainsKey(args[0]) || args[0].Equals("all", StringComparison.OrdinalIgnoreCase)))
{
    await Console.Error.WriteLineAsync($"usage: dotnet run -c Release --project bench/KlingFunctions.Benchmarks -- {string.Join('|', benchmarks.Keys)}|all");
    return 2;
}

#if DEBUG
Report.Progress("WARNING: a Debug build; run with -c Release for numbers worth recording");
#endif

using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(15));
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
    Report.Progress($"all: {name}");
    using var child = Process.Start(start)!;
    await child.WaitForExitAsync(stop.Token);
    if (child.ExitCode != 0)
    {
        Report.Progress($"all: {name} failed with exit code {child.ExitCode}");
        return child.ExitCode;
    }
}

return 0;
