using System.Globalization;
using KlingFunctions.Freepik;
using KlingFunctions.Storage;
using KlingFunctions.Telemetry;
using KlingFunctions.Webhooks;
using Microsoft.Extensions.Logging;

namespace KlingFunctions.Workflow.Activities;

/// <summary>
/// Step 2: the paid call. Read-only SAS URLs for the staged blobs and the job's webhook URL are made here,
/// inside the activity, so neither ever enters orchestration state; the body is the job's model's own
/// (<see cref="KlingModel.CreateBody"/>). Each attempt is claimed in the <see cref="SubmitLedger"/> first, so that a
/// re-run of this activity never sends a second create; then counted against the day's creates
/// (<see cref="DailyCreates"/>, the spend guard), which refuses it, before anything is sent, once the day's limit is reached.
/// </summary>
public sealed class SubmitVideoTaskActivity(
    IFreepikClient freepik,
    BlobReadUrls readUrls,
    WebhookToken webhooks,
    SubmitLedger ledger,
    DailyCreates creates,
    ILogger<SubmitVideoTaskActivity> logger) : WorkflowActivity<SubmitRequest, FreepikResult>
{
    public override async Task<FreepikResult> RunAsync(SubmitRequest input, CancellationToken cancellationToken)
    {
        FreepikCreateTask task;
        try
        {
            task = await CreateTaskAsync(input, cancellationToken);
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
            // An earlier run counted this attempt, if it got that far: a re-run never counts it again.
            logger.LogWarning("Job {JobId}: create attempt {Attempt} already ran ({Outcome}); not sending it again", input.JobId, input.Attempt, earlier.Outcome);
            return earlier;
        }

        // Counted after the claim: a run that stops in between is answered "outcome unknown" by the ledger, never counted twice.
        var createId = string.Create(CultureInfo.InvariantCulture, $"{input.JobId}/{input.Attempt}");
        var (refused, day) = await CountAsync(createId, task.Model, cancellationToken);
        var result = refused ?? await freepik.CreateTaskAsync(task, cancellationToken);
        if (refused is null && result.Outcome is FreepikOutcome.Transient or FreepikOutcome.Rejected or FreepikOutcome.Unauthorized)
        {
            await UncountAsync(createId, day, cancellationToken);
        }

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

    /// <summary>No refusal when the create is counted (on <c>Day</c>) and may be sent; otherwise why it is not sent.</summary>
    private async Task<(FreepikResult? Refused, DateOnly Day)> CountAsync(string createId, KlingModel model, CancellationToken cancellationToken)
    {
        CreateReservation reservation;
        try
        {
            reservation = await creates.ReserveAsync(createId, model.Id, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogWarning(exception, "Create {CreateId} could not be counted; not sent", createId);
            return (new FreepikResult { Outcome = FreepikOutcome.Transient, Message = $"the create could not be counted against the day's limit: {exception.Message}" }, default);
        }

        var usage = reservation.Usage;
        return (reservation.Reserved ? null : new FreepikResult
        {
            Outcome = FreepikOutcome.DailyLimitReached,
            Message = string.Create(CultureInfo.InvariantCulture, $"The day's Freepik creates reached Freepik:DailyCreateLimit ({usage.Used} of {usage.Limit} on {usage.Day:yyyy-MM-dd}, UTC) before this job's create; nothing was sent or paid. The count starts again at {usage.ResetsAt:u}."),
        }, usage.Day);
    }

    /// <summary>A create Freepik certainly did not make (429, 503, refused connection, 400, 401) is not counted.</summary>
    private async Task UncountAsync(string createId, DateOnly day, CancellationToken cancellationToken)
    {
        try
        {
            await creates.ReleaseAsync(createId, day, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Counted though not made: the guard errs on the side of spending less.
            logger.LogWarning(exception, "Create {CreateId} was not made, but could not be uncounted", createId);
        }
    }

    private async Task<FreepikCreateTask> CreateTaskAsync(SubmitRequest input, CancellationToken cancellationToken)
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
            EndImage = staged.EndImage is { } endImage ? await UrlAsync(endImage.BlobName, cancellationToken) : null,
            StaticMask = staged.StaticMask is { } staticMask ? await UrlAsync(staticMask.BlobName, cancellationToken) : null,
            DynamicMasks = masks.Count == 0 ? null : [.. masks.Select((mask, i) => mask with { Mask = maskUrls[i] })],
        };

        var model = KlingModels.OfJob(input.Parameters.Model);
        return new FreepikCreateTask(model, model.CreateBody(parameters, webhooks.WebhookUrlFor(input.JobId)?.AbsoluteUri));
    }

    private async Task<string> UrlAsync(string blobName, CancellationToken cancellationToken)
        => (await readUrls.ForInputAsync(blobName, cancellationToken)).AbsoluteUri;
}
