using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace KlingFunctions.Benchmarks.Harness;

/// <summary>
/// A benchmark's results as Markdown: printed as they come and saved to <c>bench/results/{name}.md</c>
/// (in the checkout the program runs in), so a run can be pasted into BENCHMARKS.md as it is.
/// </summary>
internal sealed class Report(string name)
{
    private readonly StringBuilder text = new();

    /// <summary>The report of a benchmark that runs jobs on the DevHost: one per Durable engine, saved as <c>{name}-{engine}.md</c>.</summary>
    public static Report ForEngine(string name)
    {
        var report = new Report($"{name}-{BenchHost.Engine.ToString().ToLowerInvariant()}");
        report.Line($"DevHost engine: `DevHost:Engine={BenchHost.Engine}`.");
        report.Line();
        return report;
    }

    public void Line(string line = "")
    {
        Console.WriteLine(line);
        text.AppendLine(line);
    }

    public void Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        Line("| " + string.Join(" | ", header) + " |");
        Line("|" + string.Concat(header.Select(_ => "---|")));
        foreach (var row in rows)
        {
            Line("| " + string.Join(" | ", row) + " |");
        }

        Line();
    }

    /// <summary>Progress for the person watching; not part of the saved results.</summary>
    public static void Progress(string message)
        => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}");

    public async Task SaveAsync()
    {
        var directory = ResultsDirectory();
        Directory.CreateDirectory(directory);
        var header = $"<!-- {name}: {DateTimeOffset.UtcNow:u}, {Machine()} -->{Environment.NewLine}";
        await File.WriteAllTextAsync(Path.Combine(directory, name + ".md"), header + text);
    }

    /// <summary><c>bench/results</c> of the checkout (dotnet run may start the program in the project's folder).</summary>
    public static string ResultsDirectory()
    {
        for (var directory = new DirectoryInfo(Directory.GetCurrentDirectory()); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "KlingFunctions.sln")))
            {
                return Path.Combine(directory.FullName, "bench", "results");
            }
        }

        return Path.Combine("bench", "results");
    }

    public static string Machine() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Environment.ProcessorCount} CPUs ({CpuModel()}), {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024):0.0} GiB, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC");

    private static string CpuModel()
    {
        const string CpuInfo = "/proc/cpuinfo";
        return File.Exists(CpuInfo)
            ? File.ReadLines(CpuInfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
            : RuntimeInformation.ProcessArchitecture.ToString();
    }

    public static string Ms(double milliseconds) => milliseconds.ToString("0.0", CultureInfo.InvariantCulture) + " ms";

    public static string Mb(double bytes) => (bytes / (1024 * 1024)).ToString("0.0", CultureInfo.InvariantCulture) + " MB";

    public static string Ratio(double ratio) => ratio.ToString("0.00", CultureInfo.InvariantCulture) + "×";

    public static string Percent(double fraction) => (fraction * 100).ToString("0", CultureInfo.InvariantCulture) + " %";

    public static string Number(double value, string format = "0.00") => value.ToString(format, CultureInfo.InvariantCulture);

    public static string Verdict(bool met) => met ? "met" : "**missed**";

    public static double ElapsedMs(long startTimestamp) => Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds;
}
