using Azure;
using Azure.Storage.Blobs.Models;
using KlingFunctions.Freepik;

namespace KlingFunctions.Storage;

/// <summary>
/// Durable runs an activity at least once: a worker that stops after Freepik accepted a create but before the
/// result was saved would run the create again and pay for a second video. Each create attempt is therefore
/// claimed with a create-only blob before the request is sent, and its outcome written into that blob afterwards;
/// a re-run finds the claim and answers from it instead of calling Freepik.
/// </summary>
public sealed class SubmitLedger(BlobContainers containers)
{
    public static string BlobName(string jobId, int attempt) => $"{jobId}/submit-{attempt}.json";

    /// <summary>Claims the attempt.</summary>
    /// <returns>Null when this run holds the claim and may call Freepik; otherwise what an earlier run left.</returns>
    public async Task<FreepikResult?> ClaimAsync(string jobId, int attempt, CancellationToken cancellationToken)
    {
        var blob = (await containers.InputsAsync(cancellationToken)).GetBlobClient(BlobName(jobId, attempt));
        try
        {
            await blob.UploadAsync(
                BinaryData.Empty,
                new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } },
                cancellationToken);
            return null;
        }
        catch (RequestFailedException exception) when (exception.ErrorCode == BlobErrorCode.BlobAlreadyExists || exception.Status == 409)
        {
            var recorded = (await blob.DownloadContentAsync(cancellationToken)).Value.Content;
            return recorded.ToMemory().IsEmpty
                ? new FreepikResult
                {
                    Outcome = FreepikOutcome.OutcomeUnknown,
                    Message = $"an earlier run of create attempt {attempt} stopped after it may have reached Freepik",
                }
                : recorded.ToObjectFromJson<FreepikResult>()!;
        }
    }

    /// <summary>Writes what Freepik answered, for a re-run of the same attempt.</summary>
    public async Task RecordAsync(string jobId, int attempt, FreepikResult result, CancellationToken cancellationToken)
    {
        var blob = (await containers.InputsAsync(cancellationToken)).GetBlobClient(BlobName(jobId, attempt));
        await blob.UploadAsync(BinaryData.FromObjectAsJson(result), overwrite: true, cancellationToken);
    }
}
