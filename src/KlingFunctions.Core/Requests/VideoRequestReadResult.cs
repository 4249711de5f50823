using System.Diagnostics.CodeAnalysis;

namespace KlingFunctions.Requests;

/// <summary>What <see cref="VideoRequestReader"/> made of a body: the request, or why there is none.</summary>
public sealed record VideoRequestReadResult(VideoRequest? Request, RequestErrors Errors)
{
    [MemberNotNullWhen(true, nameof(Request))]
    public bool IsValid => Request is not null;
}
