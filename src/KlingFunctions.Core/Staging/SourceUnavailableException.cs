namespace KlingFunctions.Staging;

/// <summary>An image or mask URL whose host may answer later (5xx, 408, 429, a time-out, a broken connection).</summary>
public sealed class SourceUnavailableException : Exception
{
    public SourceUnavailableException(string field, string reason)
        : base($"{field} points to a URL that {reason}")
    {
    }

    public SourceUnavailableException()
    {
    }

    public SourceUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
