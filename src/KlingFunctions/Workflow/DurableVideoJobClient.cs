using DurableTask.Core.Exceptions;
using Grpc.Core;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace KlingFunctions.Workflow;

/// <summary>The client port on Durable's <see cref="DurableTaskClient"/>: a job is the orchestration instance with its id.</summary>
internal sealed class DurableVideoJobClient(DurableTaskClient client) : IVideoJobClient
{
    public async Task<bool> StartAsync(string jobId, VideoJobInput input, CancellationToken cancellationToken)
    {
        // A job that exists, finished or not, is never started again: a repeated Idempotency-Key gets the same job.
        if (await client.GetInstanceAsync(jobId, getInputsAndOutputs: false, cancellationToken) is not null)
        {
            return false;
        }

        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(
                VideoOrchestrator.Name, input, new StartOrchestrationOptions(InstanceId: jobId), cancellationToken);
            return true;
        }
        catch (Exception exception) when (exception is OrchestrationAlreadyExistsException
            || exception is RpcException { StatusCode: StatusCode.AlreadyExists })
        {
            // Two starts with one key raced past the check. host.json's overridableExistingInstanceStates
            // (NonRunningStates) makes the host refuse the second while the first is pending or running.
            // StartOrchestrationOptions.DedupeStatuses is not used: the Functions host ignores it. Client versions
            // before durabletask-dotnet 1.22 pass the host's AlreadyExists through as a bare RpcException.
            return false;
        }
    }

    public async Task<VideoJobSnapshot?> GetAsync(string jobId, CancellationToken cancellationToken)
    {
        var metadata = await client.GetInstanceAsync(jobId, getInputsAndOutputs: true, cancellationToken);
        if (metadata is null)
        {
            return null;
        }

        var status = ToJobRuntimeStatus(metadata.RuntimeStatus);
        return new VideoJobSnapshot(
            jobId,
            status,
            metadata.CreatedAt,
            metadata.LastUpdatedAt,
            metadata.ReadCustomStatusAs<VideoJobProgress>(),
            // Only a completed orchestration's output is ours: a terminated one holds the termination reason.
            status == JobRuntimeStatus.Completed ? metadata.ReadOutputAs<VideoJobResult>() : null,
            metadata.FailureDetails?.ErrorMessage);
    }

    public async Task<RaiseEventOutcome> RaiseEventAsync(string jobId, string eventName, object payload, CancellationToken cancellationToken)
    {
        // Durable would silently drop an event for an unknown or finished instance; the webhook answers 404 or 202.
        var metadata = await client.GetInstanceAsync(jobId, getInputsAndOutputs: false, cancellationToken);
        if (metadata is null)
        {
            return RaiseEventOutcome.NotFound;
        }

        if (ToJobRuntimeStatus(metadata.RuntimeStatus) is not (JobRuntimeStatus.Pending or JobRuntimeStatus.Running))
        {
            return RaiseEventOutcome.NotRunning;
        }

        try
        {
            await client.RaiseEventAsync(jobId, eventName, payload, cancellationToken);
            return RaiseEventOutcome.Raised;
        }
        // host.json sets throwStatusExceptionsOnRaiseEvent, so the host checks again when it raises and says so
        // when the job finished (or was purged) between the check above and the raise.
        catch (RpcException exception) when (exception.StatusCode == StatusCode.NotFound)
        {
            return RaiseEventOutcome.NotFound;
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.FailedPrecondition)
        {
            return RaiseEventOutcome.NotRunning;
        }
    }

    public Task TerminateAsync(string jobId, string reason, CancellationToken cancellationToken)
        => client.TerminateInstanceAsync(jobId, new TerminateInstanceOptions(Output: reason), cancellationToken);

    /// <summary>
    /// Durable's own status, raise-event, terminate, suspend, resume and purge URLs for the job. They come from the
    /// [DurableClient] binding, which knows the app's public base URL and the durabletask extension's key; the request
    /// is not needed for that. A client that does not come from the binding has no base URL: then there are none.
    /// </summary>
    public IReadOnlyDictionary<string, string>? ManagementUrls(string jobId)
    {
        HttpManagementPayload payload;
        try
        {
            payload = client.CreateHttpManagementPayload(jobId);
        }
        catch (InvalidOperationException)
        {
            return null;
        }

        var urls = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["statusQueryGetUri"] = payload.StatusQueryGetUri,
            ["sendEventPostUri"] = payload.SendEventPostUri,
            ["terminatePostUri"] = payload.TerminatePostUri,
            ["suspendPostUri"] = payload.SuspendPostUri,
            ["resumePostUri"] = payload.ResumePostUri,
            ["purgeHistoryDeleteUri"] = payload.PurgeHistoryDeleteUri,
        };
        return urls.Where(url => !string.IsNullOrEmpty(url.Value)).ToDictionary(url => url.Key, url => url.Value!, StringComparer.Ordinal);
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
