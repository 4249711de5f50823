using DurableTask.Core.Exceptions;
using KlingFunctions.Freepik;
using Grpc.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace KlingFunctions.Workflow;

/// <summary>
/// Video jobs on Durable's <see cref="DurableTaskClient"/>: a job is the orchestration instance with its id. Both hosts
/// use it: the Functions app with the client of its <c>[DurableClient]</c> binding, the DevHost with the gRPC client
/// of its Durable Task worker.
/// </summary>
/// <param name="managementUrls">The host's own management URLs for a job, where it has any (the Functions app).</param>
public sealed class DurableVideoJobClient(DurableTaskClient client, Func<string, IReadOnlyDictionary<string, string>?>? managementUrls = null)
{
    /// <summary>
    /// A job that exists, whatever its state, is never started again: a repeated Idempotency-Key gets the same job.
    /// The backend refuses the start itself, so two concurrent starts cannot both win (without dedupe statuses the
    /// Azure Storage backend would replace a running instance).
    /// </summary>
    private static readonly OrchestrationRuntimeStatus[] EveryStatus = [.. StartOrchestrationOptionsExtensions.ValidDedupeStatuses];

    /// <summary>Starts the orchestration with <paramref name="jobId"/> as its instance id.</summary>
    /// <returns>False when an instance with that id already exists (nothing was started).</returns>
    public async Task<bool> StartAsync(string jobId, VideoJobInput input, CancellationToken cancellationToken)
    {
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(
                VideoOrchestration.Name, input, new StartOrchestrationOptions(InstanceId: jobId).WithDedupeStatuses(EveryStatus), cancellationToken);
            return true;
        }
        catch (OrchestrationAlreadyExistsException)
        {
            return false;
        }
    }

    /// <returns>Null when there is no such job.</returns>
    public async Task<VideoJobSnapshot?> GetAsync(string jobId, CancellationToken cancellationToken)
    {
        var metadata = await client.GetInstanceAsync(jobId, getInputsAndOutputs: true, cancellationToken);
        return metadata is null ? null : ToSnapshot(metadata);
    }

    /// <summary>
    /// A page of jobs, most recent first, from the engine's own query of its instances (one read of the instance
    /// records, with their inputs and custom status: no job is read on its own).
    /// </summary>
    /// <param name="statuses">What the engine may filter on before <paramref name="include"/> sees a job; null for all.</param>
    public Task<RecentJobsPage> ListAsync(IReadOnlyCollection<JobRuntimeStatus>? statuses, Func<VideoJobSnapshot, bool> include, int top, JobListCursor? after, DateTimeOffset now, CancellationToken cancellationToken)
        => new RecentJobs(client, statuses?.SelectMany(ToOrchestrationRuntimeStatuses).ToList(), include).PageAsync(top, after, now, cancellationToken);

    /// <summary>What the engine's record of an instance (with its input, output and custom status) says about the job.</summary>
    internal static VideoJobSnapshot ToSnapshot(OrchestrationMetadata metadata)
    {
        var status = ToJobRuntimeStatus(metadata.RuntimeStatus);
        var input = metadata.ReadInputAs<VideoJobInput>();
        return new VideoJobSnapshot(
            metadata.InstanceId,
            status,
            // When the request was accepted, as the 202 said; the engine's own record of the instance comes a little later.
            input?.CreatedAt ?? metadata.CreatedAt,
            metadata.LastUpdatedAt,
            metadata.ReadCustomStatusAs<VideoJobProgress>(),
            // Only a completed orchestration's output is ours: a terminated one holds the termination reason.
            status == JobRuntimeStatus.Completed ? metadata.ReadOutputAs<VideoJobResult>() : null,
            metadata.FailureDetails?.ErrorMessage,
            input?.RequestFingerprint,
            input is null ? null : input.Parameters.Model ?? KlingModels.OriginalId)
        {
            Prompt = input?.Parameters.Prompt,
        };
    }

    /// <summary>Raises Freepik's <paramref name="update"/> to the job, unless it can change nothing there.</summary>
    /// <returns>What came of it, and the job as last read (null when there is no such job).</returns>
    public async Task<RaisedUpdate> RaiseUpdateAsync(string jobId, FreepikTaskUpdate update, CancellationToken cancellationToken)
    {
        // Backends drop an event for an unknown or finished instance silently (the Azure Storage backend behind the
        // DevHost's sidecar does): the webhook must answer 404 or 202, so the instance is checked first.
        var job = await GetAsync(jobId, cancellationToken);
        if (job is null)
        {
            return new(RaiseEventOutcome.NotFound, null);
        }

        if (job.RuntimeStatus is not (JobRuntimeStatus.Pending or JobRuntimeStatus.Running))
        {
            return new(RaiseEventOutcome.NotRunning, job);
        }

        if (!update.CanChange(job.Progress))
        {
            return new(RaiseEventOutcome.Unchanged, job);
        }

        try
        {
            await client.RaiseEventAsync(jobId, FreepikTaskUpdate.EventName, update, cancellationToken);
            return new(RaiseEventOutcome.Raised, job);
        }
        // The Functions host's Azure Storage provider checks again when it raises, and says so when the job finished
        // (or was purged) between the check above and the raise: then the job is read again.
        catch (RpcException exception) when (exception.StatusCode == StatusCode.NotFound)
        {
            return new(RaiseEventOutcome.NotFound, null);
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.FailedPrecondition)
        {
            return new(RaiseEventOutcome.NotRunning, await GetAsync(jobId, cancellationToken));
        }
    }

    /// <summary>
    /// Asks the job to stop: <see cref="VideoOrchestration.CancelRequestedEventName"/> with <paramref name="reason"/>,
    /// which the orchestration races against each of its waits, ending <c>Canceled</c> through its own finish. The
    /// caller reads the job first: backends drop an event for a finished instance silently (the Azure Storage backend
    /// behind the DevHost's sidecar does), so only a job that has not reported its outcome is asked.
    /// </summary>
    /// <returns>
    /// <see cref="RaiseEventOutcome.Raised"/> (the job is not read again); or, when the engine says the job ended or was
    /// purged since it was read, <see cref="RaiseEventOutcome.NotRunning"/> with the job read again, or
    /// <see cref="RaiseEventOutcome.NotFound"/> when it is gone.
    /// </returns>
    public async Task<RaisedUpdate> RequestCancelAsync(string jobId, string reason, CancellationToken cancellationToken)
    {
        try
        {
            await client.RaiseEventAsync(jobId, VideoOrchestration.CancelRequestedEventName, reason, cancellationToken);
            return new(RaiseEventOutcome.Raised, null);
        }
        // As for a webhook: the Functions host's Azure Storage provider checks again when it raises.
        catch (RpcException exception) when (exception.StatusCode is StatusCode.NotFound or StatusCode.FailedPrecondition)
        {
            return await GetAsync(jobId, cancellationToken) is { } job ? new(RaiseEventOutcome.NotRunning, job) : new(RaiseEventOutcome.NotFound, null);
        }
    }

    /// <summary>The host's own management URLs for the job (Durable's status/terminate/raise-event), when it has any.</summary>
    public IReadOnlyDictionary<string, string>? ManagementUrls(string jobId) => managementUrls?.Invoke(jobId);

    /// <summary>Every engine status that reads as <paramref name="status"/> (<see cref="ToJobRuntimeStatus"/> backwards).</summary>
    internal static IEnumerable<OrchestrationRuntimeStatus> ToOrchestrationRuntimeStatuses(JobRuntimeStatus status)
    {
#pragma warning disable CS0618 // ContinuedAsNew and Canceled are obsolete, yet a backend may still report them.
        return status switch
        {
            JobRuntimeStatus.Pending => [OrchestrationRuntimeStatus.Pending],
            JobRuntimeStatus.Running => [OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Suspended, OrchestrationRuntimeStatus.ContinuedAsNew],
            JobRuntimeStatus.Completed => [OrchestrationRuntimeStatus.Completed],
            JobRuntimeStatus.Failed => [OrchestrationRuntimeStatus.Failed],
            JobRuntimeStatus.Terminated => [OrchestrationRuntimeStatus.Terminated, OrchestrationRuntimeStatus.Canceled],
            _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown job runtime status."),
        };
#pragma warning restore CS0618
    }

    internal static JobRuntimeStatus ToJobRuntimeStatus(OrchestrationRuntimeStatus status)
    {
#pragma warning disable CS0618 // ContinuedAsNew and Canceled are obsolete, yet a backend may still report them.
        return status switch
        {
            OrchestrationRuntimeStatus.Pending => JobRuntimeStatus.Pending,
            OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Suspended or OrchestrationRuntimeStatus.ContinuedAsNew => JobRuntimeStatus.Running,
            OrchestrationRuntimeStatus.Completed => JobRuntimeStatus.Completed,
            OrchestrationRuntimeStatus.Failed => JobRuntimeStatus.Failed,
            OrchestrationRuntimeStatus.Terminated or OrchestrationRuntimeStatus.Canceled => JobRuntimeStatus.Terminated,
            _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown orchestration runtime status."),
        };
#pragma warning restore CS0618
    }
}
