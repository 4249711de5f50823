using System.Text.Json.Serialization;

namespace KlingFunctions.Health;

/// <summary>The answer of <c>GET /api/health</c>: what the app depends on, reachable or not, and what it is configured to do.</summary>
public sealed record HealthReport(HealthStatus Status, IReadOnlyDictionary<string, DependencyCheck> Checks, ConfigurationSummary Configuration);

[JsonConverter(typeof(JsonStringEnumConverter<HealthStatus>))]
public enum HealthStatus
{
    Healthy,
    Unhealthy,
}

/// <param name="Error">Why it is unreachable (an exception's type and message, never a connection string).</param>
public sealed record DependencyCheck(
    HealthStatus Status,
    double DurationMs,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error = null);

/// <summary>What the app is set up to do, with no secret: for a secret, only whether it is set.</summary>
public sealed record ConfigurationSummary(FreepikSummary Freepik, WebhookSummary Webhooks, StorageSummary Storage, WorkflowSummary Workflow, CallbackSummary Callbacks);

/// <param name="DailyCreateLimit">The spend guard's limit; null: none.</param>
public sealed record FreepikSummary(string BaseUrl, string ApiKeyHeader, bool ApiKeySet, bool WebhookSignaturesChecked, string DefaultModel, int? DailyCreateLimit);

/// <param name="Enabled">False: no <c>webhook_url</c> is sent and jobs are followed by polling.</param>
public sealed record WebhookSummary(bool Enabled, string? PublicBaseUrl, bool TokenSecretSet);

/// <param name="Authentication"><c>ConnectionString</c> or <c>ManagedIdentity</c>.</param>
public sealed record StorageSummary(string Account, string BlobEndpoint, string Authentication, string InputContainer, string OutputContainer, TimeSpan SasLifetime);

public sealed record WorkflowSummary(TimeSpan FirstPoll, TimeSpan MaxPollInterval, TimeSpan Deadline, TimeSpan MaxWaitForSlot, bool ArchiveVideo, int MaxSubmitAttempts);

public sealed record CallbackSummary(bool SigningSecretSet);
