using System.Text.Json.Serialization;

namespace KlingFunctions.Requests;

/// <summary>
/// What a caller asks for: Freepik's create body plus our own optional <c>callback_url</c>.
/// <c>webhook_url</c> is ours to set, so callers cannot.
/// </summary>
public sealed record VideoRequest : KlingVideoParameters
{
    /// <summary>Ours, not Freepik's: receives the final job view.</summary>
    [JsonPropertyName("callback_url")]
    public string? CallbackUrl { get; init; }
}
