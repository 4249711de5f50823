using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using KlingFunctions.Http;
using KlingFunctions.Storage;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KlingFunctions.Workflow;

/// <summary>
/// Retention: finished jobs started more than <c>Workflow:Retention</c> ago are purged from Durable's history, with
/// their input blobs, so that the task hub does not grow forever. Both hosts run it on a schedule: the Functions app
/// from a timer trigger, the DevHost from a background service.
/// </summary>
public sealed class JobRetention(BlobContainers containers, IOptions<WorkflowOptions> options, TimeProvider time, ILogger<JobRetention> logger)
{
    /// <summary>Only instances that can change no more; a running or pending job is never purged, however old.</summary>
    private static readonly OrchestrationRuntimeStatus[] Finished =
        [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated];

    /// <returns>How many jobs were purged.</returns>
    public async Task<int> PurgeAsync(DurableTaskClient client, CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - options.Value.Retention;
        var inputs = await containers.InputsAsync(cancellationToken);
        var purged = 0;

        // Job by job, blobs first: an interrupted run leaves the instance, and the next run finds it again. (One purge
        // by filter after the listing could also take jobs that finished meanwhile, whose blobs nobody would delete.)
        var query = new OrchestrationQuery(CreatedTo: cutoff, Statuses: Finished, PageSize: 100, FetchInputsAndOutputs: true);
        await foreach (var instance in client.GetAllInstancesAsync(query).WithCancellation(cancellationToken))
        {
            // Job ids are ours; another orchestration in the hub owns no input blobs.
            if (JobIds.IsWellFormed(instance.InstanceId))
            {
                await DeleteInputsAsync(inputs, instance.InstanceId, InputOf(instance), cancellationToken);
            }

            purged += (await client.PurgeInstanceAsync(instance.InstanceId, cancellation: cancellationToken)).PurgedInstanceCount;
        }

        if (purged > 0)
        {
            logger.LogInformation("Retention: purged {Count} jobs finished and started before {Cutoff}", purged, cutoff);
        }

        return purged;
    }

    /// <summary>
    /// Exactly what the job owned: the blobs its input names (a keyed job's uploads are under <c>{jobId}-{suffix}/</c>)
    /// and its own folder <c>{jobId}/</c> (its staged copies and create records; the uploads of a job without a key).
    /// Never the bare prefix <c>{jobId}</c>: a retry with the same key stores its uploads under <c>{jobId}-{other}/</c>
    /// while its body is read, before it knows whether the job still exists, and may start the next job with them.
    /// </summary>
    private static async Task DeleteInputsAsync(BlobContainerClient inputs, string jobId, VideoJobInput? input, CancellationToken cancellationToken)
    {
        foreach (var blobName in input?.Inputs.BlobNames() ?? [])
        {
            await inputs.DeleteBlobIfExistsAsync(blobName, DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken);
        }

        await foreach (var blob in inputs.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix: jobId + "/", cancellationToken))
        {
            await inputs.DeleteBlobIfExistsAsync(blob.Name, DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken);
        }
    }

    private VideoJobInput? InputOf(OrchestrationMetadata instance)
    {
        try
        {
            return instance.ReadInputAs<VideoJobInput>();
        }
        catch (Exception exception) when (exception is System.Text.Json.JsonException or NotSupportedException or InvalidOperationException)
        {
            logger.LogWarning("Retention: the input of job {JobId} cannot be read; only its own folder is deleted", instance.InstanceId);
            return null;
        }
    }
}
