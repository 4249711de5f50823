namespace KlingFunctions.Freepik;

/// <summary>A Freepik task as the create, status and webhook bodies describe it.</summary>
/// <param name="Generated">The video URL(s) once COMPLETED; <c>Generated[0]</c> is the mp4.</param>
public sealed record FreepikTask(string TaskId, FreepikTaskStatus Status, IReadOnlyList<string> Generated);
