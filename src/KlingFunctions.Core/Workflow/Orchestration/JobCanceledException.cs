namespace KlingFunctions.Workflow.Orchestration;

/// <summary>The caller's cancel request reached the job at one of its waits: it ends Canceled, through its finish.</summary>
internal sealed class JobCanceledException(string reason) : Exception(reason)
{
    public string Reason { get; } = reason;
}
