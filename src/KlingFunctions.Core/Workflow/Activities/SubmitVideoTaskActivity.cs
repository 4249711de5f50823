using KlingFunctions.Freepik;
using KlingFunctions.Storage;
using KlingFunctions.Telemetry;
using KlingFunctions.Webhooks;
using Microsoft.Extensions.Logging;

namespace KlingFunctions.Workflow.Activities;

/// <summary>
/// Step 2: the paid call. Read-only SAS URLs for the staged blobs and the job's webhook URL are made here,
/// inside the activity, so neither ever enters orchestration state. Each attempt is claimed in the
/// <see cref="SubmitLedger"/> first, so that a re-run of this activity never sends a second create.
/// </summary>
public sealed class SubmitVideoTaskActivity(
    IFreepikClient freepik,
    BlobReadUrls readUrls,
    WebhookToken webhooks,
    SubmitLedger ledger,
    ILogger<SubmitVideoTaskActivity> logger) : WorkflowActivity<SubmitRequest, FreepikResult>
{
    public override async Task<FreepikResult> RunAsync(SubmitRequest input, CancellationToken cancellationToken)
    {
        FreepikCreateTask task;
        try
        {
            task = await CreateBodyAsync(input, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Nothing has been claimed or sent yet: a storage hiccup here costs nothing and may be tried again.
            logger.LogWarning(exception, "Job {JobId}: create attempt {Attempt} could not be prepared", input.JobId, input.Attempt);
            return new FreepikResult { Outcome = FreepikOutcome.Transient, Message = $"the request could not be prepared: {exception.Message}" };
        }

        // This run's own: a claim with it is this run's, whatever the storage client repeated on the way.
        var nonce = Guid.NewGuid().ToString("N");
        FreepikResult? earlier;
        try
        {
            earlier = await ledger.ClaimAsync(input.JobId, input.Attempt, nonce, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The claim was not confirmed, and nothing has been sent: the next attempt claims a record of its own.
            logger.LogWarning(exception, "Job {JobId}: create attempt {Attempt} could not be claimed", input.JobId, input.Attempt);
            return new FreepikResult { Outcome = FreepikOutcome.Transient, Message = $"the attempt could not be claimed: {exception.Message}" };
        }

        if (earlier is not null)
        {
            logger.LogWarning("Job {JobId}: create attempt {Attempt} already ran ({Outcome}); not sending it again", input.JobId, input.Attempt, earlier.Outcome);
            return earlier;
        }

        var result = await freepik.CreateTaskAsync(task, cancellationToken);
        try
        {
            await ledger.RecordAsync(input.JobId, input.Attempt, nonce, result, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The result still goes back to the orchestration; only a re-run would now see "outcome unknown".
            logger.LogWarning(exception, "Job {JobId}: the outcome of create attempt {Attempt} could not be recorded", input.JobId, input.Attempt);
        }

        KlingTelemetry.TagFreepikTask(result.Task?.TaskId);
        return result;
    }

    private async Task<FreepikCreateTask> CreateBodyAsync(SubmitRequest input, CancellationToken cancellationToken)
    {
        var staged = input.Staged;
        var masks = input.Parameters.DynamicMasks ?? [];
        var maskUrls = new List<string>(staged.DynamicMasks.Count);
        foreach (var mask in staged.DynamicMasks)
        {
            maskUrls.Add(await UrlAsync(mask.BlobName, cancellationToken));
        }

        var parameters = input.Parameters with
        {
            Image = staged.Image is { } image ? await UrlAsync(image.BlobName, cancellationToken) : null,
            StaticMask = staged.StaticMask is { } staticMask ? await UrlAsync(staticMask.BlobName, cancellationToken) : null,
            DynamicMasks = masks.Count == 0 ? null : [.. masks.Select((mask, i) => mask with { Mask = maskUrls[i] })],
        };

        return new FreepikCreateTask(parameters, webhooks.WebhookUrlFor(input.JobId)?.AbsoluteUri);
    }

    private async Task<string> UrlAsync(string blobName, CancellationToken cancellationToken)
        => (await readUrls.ForInputAsync(blobName, cancellationToken)).AbsoluteUri;
}
