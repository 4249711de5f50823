using System.Text.Json.Serialization;
using KlingFunctions.Requests;

namespace KlingFunctions.Freepik;

/// <summary>The body of <c>POST /v1/ai/image-to-video/kling-v2-1-std</c>, exactly as Freepik names it.</summary>
public sealed record FreepikCreateTask : KlingVideoParameters
{
    public FreepikCreateTask()
    {
    }

    /// <summary>Copies the video fields; images and masks are expected to be URLs Freepik can read by now.</summary>
    public FreepikCreateTask(KlingVideoParameters parameters, string? webhookUrl)
        : base(parameters)
        => WebhookUrl = webhookUrl;

    [JsonPropertyName("webhook_url")]
    public string? WebhookUrl { get; init; }
}
