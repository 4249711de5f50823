using System.ComponentModel.DataAnnotations;

namespace KlingFunctions.Http;

/// <summary>Limits of the HTTP API (section <c>Api</c>).</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>
    /// The largest request body accepted: a 10 MB image in base64 is about 13.4 MB, and a static and a dynamic
    /// mask may come with it. Larger inputs should be passed as https URLs.
    /// </summary>
    [Range(1024, long.MaxValue)]
    public long MaxRequestBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>A webhook body is a small JSON object; anything larger is not Freepik's.</summary>
    [Range(1024, 16L * 1024 * 1024)]
    public int MaxWebhookBytes { get; set; } = 256 * 1024;

    /// <summary>
    /// Puts the host's own management URLs (Durable Functions': status, raise event, terminate, purge) into the start
    /// answer. Off by default: they carry the Durable extension's system key, which lets whoever holds it terminate,
    /// purge and raise events on every job, past the webhook token and signature. For trusted operators only.
    /// </summary>
    public bool ExposeManagementUrls { get; set; }
}
