using System.ComponentModel.DataAnnotations;

namespace KlingFunctions.Storage;

/// <summary>
/// Section <c>Storage</c>. The account is <c>Storage:ConnectionString</c>, or <c>Storage:ServiceUri</c> with a
/// managed identity (<c>Storage:ClientId</c> picks a user-assigned one), or else the Functions host's
/// <c>AzureWebJobsStorage</c> connection string.
/// </summary>
public sealed class StorageOptions : IValidatableObject
{
    public const string Section = "Storage";

    public string? ConnectionString { get; set; }

    public Uri? ServiceUri { get; set; }

    /// <summary>Client id of a user-assigned managed identity; empty uses the system-assigned one.</summary>
    public string? ClientId { get; set; }

    [Required]
    [RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$", ErrorMessage = "Storage:InputContainer must be a valid container name.")]
    public string InputContainer { get; set; } = "inputs";

    [Required]
    [RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$", ErrorMessage = "Storage:OutputContainer must be a valid container name.")]
    public string OutputContainer { get; set; } = "videos";

    /// <summary>How long a read-only SAS URL works: long enough for Freepik to read it after waiting in its queue.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan SasLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Largest video the archive copies; bigger ones fail the archive step instead of filling storage.</summary>
    [Range(1L, long.MaxValue)]
    public long MaxVideoBytes { get; set; } = 500L * 1024 * 1024;

    /// <summary>Whole-transfer limit for fetching a caller's image URL.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan SourceTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Whole-transfer limit for copying a finished video.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan VideoTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Lets URL fetches reach loopback, private and link-local addresses (and plain http on loopback).
    /// For local development only: in production it would let callers probe the internal network.
    /// </summary>
    public bool AllowPrivateNetworkSources { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(ConnectionString) && ServiceUri is null)
        {
            yield return new ValidationResult(
                "Set Storage:ConnectionString, Storage:ServiceUri (managed identity) or AzureWebJobsStorage.",
                [nameof(ConnectionString), nameof(ServiceUri)]);
        }

        if (ServiceUri is { IsAbsoluteUri: false })
        {
            yield return new ValidationResult("Storage:ServiceUri must be an absolute URI.", [nameof(ServiceUri)]);
        }
    }
}
