namespace KlingFunctions.Studio;

/// <summary>Configuration section <c>Studio</c>: whether the studio page is served.</summary>
public sealed class StudioOptions
{
    public const string Section = "Studio";

    /// <summary>
    /// The Functions app serves <c>/api/studio</c> only when this is true (default false: a production app need not
    /// offer a page); the DevHost turns it on unless told otherwise.
    /// </summary>
    public bool Enabled { get; set; }
}
