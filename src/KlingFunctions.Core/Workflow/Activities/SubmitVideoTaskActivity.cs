using KlingFunctions.Freepik;
using KlingFunctions.Storage;
using KlingFunctions.Webhooks;

namespace KlingFunctions.Workflow.Activities;

/// <summary>
/// Step 2: the paid call. Read-only SAS URLs for the staged blobs and the job's webhook URL are made here,
/// inside the activity, so neither ever enters orchestration state.
/// </summary>
public sealed class SubmitVideoTaskActivity(IFreepikClient freepik, BlobReadUrls readUrls, WebhookToken webhooks)
    : WorkflowActivity<SubmitRequest, FreepikResult>
{
    public override string Name => WorkflowActivities.SubmitVideoTask;

    public override async Task<FreepikResult> RunAsync(SubmitRequest input, CancellationToken cancellationToken)
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

        return await freepik.CreateTaskAsync(new FreepikCreateTask(parameters, webhooks.WebhookUrlFor(input.JobId)?.AbsoluteUri), cancellationToken);
    }

    private async Task<string> UrlAsync(string blobName, CancellationToken cancellationToken)
        => (await readUrls.ForInputAsync(blobName, cancellationToken)).AbsoluteUri;
}
