using System.Security.Cryptography;
using System.Text;

namespace KlingFunctions.Http;

/// <summary>
/// Job ids double as orchestration instance ids. With an <c>Idempotency-Key</c> the id is derived from the key,
/// so a retried request finds the job it already started instead of paying for a second video.
/// </summary>
public static class JobIds
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public const int MaxIdempotencyKeyLength = 256;

    /// <summary>The error for a key over <see cref="MaxIdempotencyKeyLength"/>.</summary>
    public static readonly string KeyTooLong = $"must be at most {MaxIdempotencyKeyLength} characters.";

    public static string New() => Guid.NewGuid().ToString("N");

    public static string FromIdempotencyKey(string key)
        => "k" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..31];

    /// <summary>
    /// The id of a job's outcome, <c>kling_{jobId}_{status}</c>: the same for every delivery of one outcome (a callback's
    /// <c>webhook-id</c>, a completion event's <c>id</c>), so receivers can deduplicate on it.
    /// </summary>
    public static string OutcomeId(string jobId, Workflow.JobStatus status) => $"kling_{jobId}_{status.ToString().ToLowerInvariant()}";

    /// <summary>Job ids are ours (32 lowercase letters or digits); anything else cannot name a job.</summary>
    public static bool IsWellFormed(string id)
        => id.Length == 32 && id.All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterLower(c));
}
