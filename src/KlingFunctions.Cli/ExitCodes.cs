using KlingFunctions.Workflow;

namespace KlingFunctions.Cli;

/// <summary>What <c>kling</c> exits with, so scripts can branch on the outcome without reading the output.</summary>
public static class ExitCodes
{
    public const int Completed = 0;
    public const int Failed = 1;
    public const int TimedOut = 2;
    public const int Canceled = 3;

    /// <summary>A bad command line, or a request the API refused (400, 413, 415, 422).</summary>
    public const int InvalidInput = 4;

    public const int NotFound = 5;

    /// <summary>Cancel of a job that has already finished (409).</summary>
    public const int AlreadyFinished = 6;

    /// <summary>The API could not be reached, refused the key (401, 403) or answered an unexpected error.</summary>
    public const int Unavailable = 7;

    /// <summary>No job was started: the day's Freepik creates are used up (429, <c>Freepik:DailyCreateLimit</c>) until the next UTC midnight.</summary>
    public const int DailyLimitReached = 8;

    /// <summary>The exit code for a job in <paramref name="status"/>: 0 also while it is still running.</summary>
    public static int For(JobStatus status) => status switch
    {
        JobStatus.Failed => Failed,
        JobStatus.TimedOut => TimedOut,
        JobStatus.Canceled => Canceled,
        _ => Completed,
    };
}
