using KlingFunctions.Workflow;

namespace KlingFunctions.Http;

/// <summary>A job as a line of <c>GET /api/videos</c>: what a person needs to find it again; the job view has the rest.</summary>
/// <param name="Model">The Kling model the job uses, as the job recorded it (null when it recorded none).</param>
/// <param name="Prompt">The first <see cref="PromptLength"/> characters of the prompt.</param>
public sealed record JobSummary(string Id, JobStatus Status, JobStage Stage, string? Model, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string? Prompt)
{
    public const int PromptLength = 100;

    /// <summary>The first <see cref="PromptLength"/> characters, never half a surrogate pair.</summary>
    internal static string? Cut(string? prompt)
    {
        if (prompt is null || prompt.Length <= PromptLength)
        {
            return prompt;
        }

        return prompt[..(char.IsHighSurrogate(prompt[PromptLength - 1]) ? PromptLength - 1 : PromptLength)];
    }
}

/// <summary>A page of <c>GET /api/videos</c>, most recent jobs first; <see cref="ContinuationToken"/> reads the next page (null on the last).</summary>
public sealed record JobList(IReadOnlyList<JobSummary> Items, string? ContinuationToken);
