using System.Globalization;
using KlingFunctions.Http;

namespace KlingFunctions.Cli;

/// <summary>A page of jobs as aligned columns for a terminal, most recent first as the API lists them.</summary>
internal static class JobTable
{
    private static readonly string[] Header = ["CREATED (UTC)", "STATUS", "STAGE", "MODEL", "ID", "PROMPT"];

    public static IEnumerable<string> Lines(IReadOnlyList<JobSummary> jobs)
    {
        if (jobs.Count == 0)
        {
            yield return "No jobs.";
            yield break;
        }

        string[][] rows = [Header, .. jobs.Select(job => new[]
        {
            job.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            job.Status.ToString(),
            job.Stage.ToString(),
            job.Model ?? "-",
            job.Id,
            (job.Prompt ?? string.Empty).ReplaceLineEndings(" "),
        })];
        var widths = Enumerable.Range(0, Header.Length - 1).Select(column => rows.Max(row => row[column].Length)).ToArray();
        foreach (var row in rows)
        {
            yield return string.Join("  ", row.Select((cell, column) => column < widths.Length ? cell.PadRight(widths[column]) : cell));
        }
    }
}
