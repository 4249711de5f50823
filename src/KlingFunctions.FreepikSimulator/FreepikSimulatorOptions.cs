using System.ComponentModel.DataAnnotations;

namespace KlingFunctions.FreepikSimulator;

/// <summary>How the simulator authenticates, signs and paces its tasks. Bound from <c>FreepikSimulator</c>.</summary>
public sealed class FreepikSimulatorOptions : IValidatableObject
{
    public const string SectionName = "FreepikSimulator";

    /// <summary>The only API key the simulator accepts.</summary>
    [Required]
    public string ApiKey { get; set; } = "sim-key";

    /// <summary>The header carrying the key (<c>x-magnific-api-key</c> after Freepik's rebrand).</summary>
    [Required]
    public string ApiKeyHeader { get; set; } = "x-freepik-api-key";

    /// <summary>Signs webhooks; a <c>whsec_</c> value is base64-decoded, anything else is used as UTF-8 bytes.</summary>
    [Required]
    public string WebhookSecret { get; set; } = "sim-webhook-secret";

    /// <summary>Time from create to IN_PROGRESS, unless a task's script says otherwise.</summary>
    public TimeSpan InProgressAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Time from create to the final status (COMPLETED or FAILED), unless a task's script says otherwise.</summary>
    public TimeSpan CompletedAfter { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Freepik's per-account limit on tasks in flight (created, not yet COMPLETED or FAILED): a create beyond it is
    /// answered 429, as Freepik does. Unset: no limit.
    /// </summary>
    [Range(1, 100_000)]
    public int? MaxConcurrentTasks { get; set; }

    /// <summary>How long one webhook delivery may take before it counts as failed.</summary>
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Base of the <c>generated</c> video URLs; empty → taken from the create request's scheme and host.</summary>
    [Url]
    public string? PublicBaseUrl { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (InProgressAfter < TimeSpan.Zero || CompletedAfter < InProgressAfter)
        {
            yield return new ValidationResult(
                "InProgressAfter must not be negative and CompletedAfter must not come before it.",
                [nameof(InProgressAfter), nameof(CompletedAfter)]);
        }

        if (WebhookTimeout <= TimeSpan.Zero)
        {
            yield return new ValidationResult("WebhookTimeout must be positive.", [nameof(WebhookTimeout)]);
        }
    }

    internal void CopyTo(FreepikSimulatorOptions target)
    {
        target.ApiKey = ApiKey;
        target.ApiKeyHeader = ApiKeyHeader;
        target.WebhookSecret = WebhookSecret;
        target.InProgressAfter = InProgressAfter;
        target.CompletedAfter = CompletedAfter;
        target.MaxConcurrentTasks = MaxConcurrentTasks;
        target.WebhookTimeout = WebhookTimeout;
        target.PublicBaseUrl = PublicBaseUrl;
    }
}
