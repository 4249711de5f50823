using System.ComponentModel.DataAnnotations;

namespace KlingFunctions.Webhooks;

/// <summary>Configuration section "Webhooks": where Freepik can reach us, and the key of the URL tokens.</summary>
public sealed class WebhookOptions : IValidatableObject
{
    public const string SectionName = "Webhooks";

    /// <summary>
    /// The public base address of this app (e.g. <c>https://kling.example.net</c>). Empty: no <c>webhook_url</c> is
    /// sent and jobs rely on polling alone.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>
    /// Key of the per-job webhook URL token. Empty: derived from <c>Freepik:ApiKey</c>, else random per process.
    /// </summary>
    public string? TokenSecret { get; set; }

    internal const int MinTokenSecretLength = 16;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrEmpty(PublicBaseUrl)
            && (!Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out var url)
                || url.Scheme is not ("https" or "http")
                || url.Query.Length > 0
                || url.Fragment.Length > 0))
        {
            yield return new ValidationResult(
                "Webhooks:PublicBaseUrl must be an absolute http(s) URL without query or fragment, such as https://kling.example.net.",
                [nameof(PublicBaseUrl)]);
        }

        if (!string.IsNullOrEmpty(TokenSecret) && TokenSecret.Length < MinTokenSecretLength)
        {
            yield return new ValidationResult(
                $"Webhooks:TokenSecret must be at least {MinTokenSecretLength} characters long when set.",
                [nameof(TokenSecret)]);
        }
    }
}
