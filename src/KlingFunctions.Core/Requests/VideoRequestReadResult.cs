using System.Diagnostics.CodeAnalysis;

namespace KlingFunctions.Requests;

/// <summary>What <see cref="VideoRequestReader"/> made of a body: the request, or why there is none (field → messages).</summary>
public sealed record VideoRequestReadResult(VideoRequest? Request, IReadOnlyDictionary<string, string[]> Errors)
{
    [MemberNotNullWhen(true, nameof(Request))]
    public bool IsValid => Request is not null;
}
