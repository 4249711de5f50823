using System.ComponentModel.DataAnnotations;

namespace KlingFunctions.Http;

/// <summary>Limits of the HTTP API (section <c>Api</c>).</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>
    /// The largest request body accepted, as multipart: a 10 MB image and its masks as file parts, which are read
    /// in a stream, not held in memory. Larger inputs should be passed as https URLs.
    /// </summary>
    [Range(1024, long.MaxValue)]
    public long MaxRequestBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// The largest JSON body: a 10 MB image in base64 is 13.3 MiB, and this leaves room for small masks and the fields
    /// and no more, because a JSON body is held in memory while it is read. Bigger masks go as file parts or URLs.
    /// </summary>
    [Range(1024, long.MaxValue)]
    public long MaxJsonBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>The largest value of a multipart field that is not a file (a prompt is at most 2,500 characters).</summary>
    [Range(1024, 16L * 1024 * 1024)]
    public int MaxFieldBytes { get; set; } = 64 * 1024;

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
