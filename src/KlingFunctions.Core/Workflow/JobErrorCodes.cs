namespace KlingFunctions.Workflow;

/// <summary>The error codes a job can end with; pipelines branch on them, so they never change.</summary>
public static class JobErrorCodes
{
    public const string InvalidImage = "InvalidImage";
    public const string ImageUnavailable = "ImageUnavailable";
    public const string FreepikRejected = "FreepikRejected";
    public const string FreepikUnauthorized = "FreepikUnauthorized";
    public const string FreepikUnavailable = "FreepikUnavailable";
    public const string FreepikFailed = "FreepikFailed";
    public const string FreepikTaskNotFound = "FreepikTaskNotFound";
    public const string EmptyResult = "EmptyResult";
    public const string SubmitOutcomeUnknown = "SubmitOutcomeUnknown";
    public const string ArchiveFailed = "ArchiveFailed";
    public const string DeadlineExceeded = "DeadlineExceeded";

    /// <summary>The job waited in line for a Freepik slot longer than <c>Workflow:MaxWaitForSlot</c> (TimedOut): nothing was submitted or paid.</summary>
    public const string SlotWaitExceeded = "SlotWaitExceeded";
    public const string Canceled = "Canceled";
    public const string InternalError = "InternalError";

    /// <summary>The day's Freepik creates reached <c>Freepik:DailyCreateLimit</c> before this job's create: nothing was paid.</summary>
    public const string DailyLimitReached = "DailyLimitReached";
}
