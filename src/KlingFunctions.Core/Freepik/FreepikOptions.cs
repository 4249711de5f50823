using System.ComponentModel.DataAnnotations;

namespace KlingFunctions.Freepik;

/// <summary>Configuration section <c>Freepik</c>: where the API is, how to authenticate, how long to wait.</summary>
public sealed class FreepikOptions : IValidatableObject
{
    public const string SectionName = "Freepik";

    /// <summary>An HTTP header name (RFC 9110 token).</summary>
    private const string HeaderNameToken = "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$";

    /// <summary>Freepik's API, or since the rebrand <c>https://api.magnific.com</c>, or a local simulator.</summary>
    [Required]
    public Uri BaseUrl { get; set; } = new("https://api.freepik.com");

    /// <summary>
    /// May be empty at start-up (the DevHost then talks to the simulator); without it no key header is sent.
    /// Never logged: <see cref="ToString"/> only says whether it is set.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>Configuration because the Magnific rebrand renamed it to <c>x-magnific-api-key</c>.</summary>
    [Required]
    [RegularExpression(HeaderNameToken)]
    public string ApiKeyHeader { get; set; } = "x-freepik-api-key";

    /// <summary>The webhook signing secret from the Freepik dashboard; read by the webhook signature check.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>
    /// Freepik's limit on tasks in flight per account (its Kling pages say 3): no more tasks than this are created and
    /// not yet finished at once, across every instance of the app; other jobs wait in line for a slot.
    /// </summary>
    [Range(1, 10_000)]
    public int MaxConcurrentTasks { get; set; } = 3;

    /// <summary>The model of a job whose request names none (<see cref="KlingModels"/>): 2.1 Standard, as before models could be chosen.</summary>
    [Required]
    public string DefaultModel { get; set; } = KlingModels.OriginalId;

    /// <summary>
    /// The spend guard: at most this many Freepik creates per UTC day for the API key, across every instance (a create
    /// whose outcome is unknown counts). Null: no limit (creates are still counted, for <c>GET /api/usage</c>).
    /// </summary>
    [Range(0, 1_000_000)]
    public int? DailyCreateLimit { get; set; }

    /// <summary>How long a create call may take; after that its outcome is unknown and it is not retried.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan CreateTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one status attempt may take before it is retried.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan StatusTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A status 404 this soon after the create is transient: Freepik answers 404 briefly after a create.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan StatusNotFoundGrace { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Retries of a status call after a transient failure (429, 5xx, timeout, connection error).</summary>
    [Range(1, 10)]
    public int StatusRetryAttempts { get; set; } = 3;

    /// <summary>First delay of the jittered exponential backoff between status attempts.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan StatusRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Longest wait between status attempts. A longer <c>Retry-After</c> ends the call as transient with
    /// <see cref="FreepikResult.RetryAfter"/> set, so the workflow waits on a durable timer instead of holding a call.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan StatusRetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!BaseUrl.IsAbsoluteUri || (BaseUrl.Scheme != Uri.UriSchemeHttps && BaseUrl.Scheme != Uri.UriSchemeHttp))
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(BaseUrl)} must be an absolute http or https URL.", [nameof(BaseUrl)]);
        }

        if (KlingModels.Find(DefaultModel) is null)
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(DefaultModel)} is '{DefaultModel}', which is not a model of the catalogue: one of {KlingModels.Ids(KlingModels.All)}.", [nameof(DefaultModel)]);
        }

        // The message names the setting, never the value: it ends up in start-up logs.
        if (ApiKey is not null && ApiKey.Any(c => c is < '!' or > '~'))
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(ApiKey)} contains characters an HTTP header cannot carry.", [nameof(ApiKey)]);
        }
    }

    public override string ToString()
        => $"{nameof(BaseUrl)}={BaseUrl}, {nameof(ApiKeyHeader)}={ApiKeyHeader}, "
            + $"{nameof(ApiKey)}={Describe(ApiKey)}, {nameof(WebhookSecret)}={Describe(WebhookSecret)}, "
            + $"{nameof(DefaultModel)}={DefaultModel}, {nameof(DailyCreateLimit)}={DailyCreateLimit?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)"}, "
            + $"{nameof(MaxConcurrentTasks)}={MaxConcurrentTasks}, {nameof(CreateTimeout)}={CreateTimeout}, {nameof(StatusTimeout)}={StatusTimeout}, "
            + $"{nameof(StatusNotFoundGrace)}={StatusNotFoundGrace}, {nameof(StatusRetryAttempts)}={StatusRetryAttempts}, "
            + $"{nameof(StatusRetryDelay)}={StatusRetryDelay}, {nameof(StatusRetryMaxDelay)}={StatusRetryMaxDelay}";

    private static string Describe(string? secret) => string.IsNullOrEmpty(secret) ? "(not set)" : "(set)";
}
