using Azure;
using Azure.Storage.Blobs.Models;
using KlingFunctions.Freepik;

namespace KlingFunctions.Storage;

/// <summary>
/// Durable runs an activity at least once: a worker that stops after Freepik accepted a create but before the
/// result was saved would run the create again and pay for a second video. Each create attempt is therefore
/// claimed with a create-only blob before the request is sent, and its outcome written into that blob afterwards;
/// a re-run finds the claim and answers from it instead of calling Freepik. The claim carries the run's nonce, so a
/// run whose own claim write was repeated (the storage client retries a write whose answer was lost) knows it.
/// </summary>
public sealed class SubmitLedger(BlobContainers containers)
{
    public static string BlobName(string jobId, int attempt) => $"{jobId}/submit-{attempt}.json";

    /// <summary>Claims the attempt for the run that <paramref name="nonce"/> names.</summary>
    /// <returns>
    /// Null when this run holds the claim and may call Freepik; otherwise what an earlier run left: its recorded
    /// outcome, or an unknown outcome when it may have reached Freepik or its record cannot be read.
    /// </returns>
    public async Task<FreepikResult?> ClaimAsync(string jobId, int attempt, string nonce, CancellationToken cancellationToken)
    {
        var blob = (await containers.InputsAsync(cancellationToken)).GetBlobClient(BlobName(jobId, attempt));
        try
        {
            await blob.UploadAsync(
                BinaryData.FromObjectAsJson(new SubmitRecord(nonce, null)),
                new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } },
                cancellationToken);
            return null;
        }
        catch (RequestFailedException exception) when (exception.ErrorCode == BlobErrorCode.BlobAlreadyExists || exception.Status == 409)
        {
            SubmitRecord? record;
            try
            {
                record = (await blob.DownloadContentAsync(cancellationToken)).Value.Content.ToObjectFromJson<SubmitRecord>();
            }
            catch (Exception readFailure) when (readFailure is not OperationCanceledException)
            {
                // An earlier run may have sent the create: not knowing what it left is not knowing whether it paid.
                return Unknown($"the record of create attempt {attempt} could not be read ({readFailure.Message})");
            }

            return record switch
            {
                { Result: { } recorded } => recorded,
                { Nonce: var owner } when string.Equals(owner, nonce, StringComparison.Ordinal) => null,
                _ => Unknown($"an earlier run of create attempt {attempt} stopped after it may have reached Freepik"),
            };
        }
    }

    /// <summary>Writes what Freepik answered, for a re-run of the same attempt.</summary>
    public async Task RecordAsync(string jobId, int attempt, string nonce, FreepikResult result, CancellationToken cancellationToken)
    {
        var blob = (await containers.InputsAsync(cancellationToken)).GetBlobClient(BlobName(jobId, attempt));
        await blob.UploadAsync(BinaryData.FromObjectAsJson(new SubmitRecord(nonce, result)), overwrite: true, cancellationToken);
    }

    private static FreepikResult Unknown(string message) => new() { Outcome = FreepikOutcome.OutcomeUnknown, Message = message };

    /// <summary>A claim (<see cref="Result"/> null: the create may be under way) or a recorded outcome.</summary>
    private sealed record SubmitRecord(string? Nonce, FreepikResult? Result);
}
