namespace KlingFunctions.Freepik;

/// <summary>
/// A Freepik task status as Freepik spelled it. Unknown strings are kept and treated as non-terminal,
/// because Freepik has added statuses before (older specs have no CREATED).
/// </summary>
public readonly record struct FreepikTaskStatus(string Value)
{
    public static readonly FreepikTaskStatus Created = new("CREATED");
    public static readonly FreepikTaskStatus InProgress = new("IN_PROGRESS");
    public static readonly FreepikTaskStatus Completed = new("COMPLETED");
    public static readonly FreepikTaskStatus Failed = new("FAILED");

    public bool IsTerminal => this == Completed || this == Failed;

    public bool IsKnown => this == Created || this == InProgress || IsTerminal;

    /// <summary>Orders statuses so stale or out-of-order updates can be ignored; unknown ones rank with IN_PROGRESS.</summary>
    public int Rank => Value switch
    {
        "CREATED" => 0,
        "COMPLETED" or "FAILED" => 2,
        _ => 1,
    };

    public override string ToString() => Value;
}
