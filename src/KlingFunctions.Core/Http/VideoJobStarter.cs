using KlingFunctions.Events;
using KlingFunctions.Requests;
using KlingFunctions.Staging;
using KlingFunctions.Storage;
using KlingFunctions.Telemetry;
using KlingFunctions.Webhooks;
using KlingFunctions.Workflow;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KlingFunctions.Http;

/// <summary>
/// <c>POST /api/videos</c>: read, validate, keep the caller's bytes as private blobs (claim check), start the
/// orchestration. Every check that needs no pixels happens here, before anything is stored or paid for.
/// </summary>
public sealed class VideoJobStarter(
    IncomingVideoRequestReader reader,
    InputBlobStore store,
    JobViewFactory views,
    IOptions<WorkflowOptions> workflow,
    IOptions<WebhookOptions> webhooks,
    IOptions<ApiOptions> api,
    SourceAddressPolicy addresses,
    JobEvents events,
    TimeProvider time,
    ILogger<VideoJobStarter> logger)
{
    public async Task<IResult> StartAsync(HttpRequest request, DurableVideoJobClient jobs, CancellationToken cancellationToken)
    {
        var key = request.Headers[JobIds.IdempotencyKeyHeader].ToString();
        if (key.Length > JobIds.MaxIdempotencyKeyLength)
        {
            return Problems.Validation(JobIds.IdempotencyKeyHeader, JobIds.KeyTooLong);
        }

        var read = await reader.ReadAsync(request, cancellationToken);
        return read.Request is { } incoming
            ? await StartAsync(incoming, key, jobs, cancellationToken)
            : read.Problem!;
    }

    /// <summary>
    /// Starts the job for a request already read, from any source (HTTP, a queue message): the same validation, the
    /// same address guard on the callback, the same claim check and the same <paramref name="idempotencyKey"/>
    /// dedupe ("" for none). A <see cref="JobAccepted"/> when the job runs, else the problem that stopped it before
    /// anything was stored or paid for. Storage or engine failures throw: nothing is lost, the caller may retry.
    /// </summary>
    public async Task<IResult> StartAsync(IncomingVideoRequest incoming, string idempotencyKey, DurableVideoJobClient jobs, CancellationToken cancellationToken)
    {
        var errors = VideoRequestValidator.Validate(incoming.Request, incoming.Files.Keys.ToHashSet(StringComparer.Ordinal));
        if (!errors.IsValid)
        {
            return Problems.Validation(errors.Errors);
        }

        // A callback we would refuse to call must be refused now, not dropped when the video is done.
        if (incoming.Request.CallbackUrl is { } callback && !addresses.AllowsUrl(new Uri(callback)))
        {
            return Problems.Validation("callback_url", "callback_url points to a loopback, private or link-local address, which this service does not call.");
        }

        var jobId = idempotencyKey.Length > 0 ? JobIds.FromIdempotencyKey(idempotencyKey) : JobIds.New();
        var fingerprint = idempotencyKey.Length > 0 ? await RequestFingerprint.OfAsync(incoming, cancellationToken) : null;
        if (idempotencyKey.Length > 0 && await jobs.GetAsync(jobId, cancellationToken) is { } existing)
        {
            return await SameJobAsync(existing, fingerprint, jobs, cancellationToken);
        }

        // With a key, concurrent requests share the job id: each stores under a name of its own, so the loser of
        // the race below cannot overwrite the images of the job that won.
        var stored = await StoreInputsAsync(jobId, idempotencyKey.Length > 0 ? $"{jobId}-{JobIds.New()[..8]}" : jobId, incoming, cancellationToken);
        if (stored.Errors.Count > 0)
        {
            return Problems.Validation(stored.Errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()));
        }

        var input = new VideoJobInput
        {
            JobId = jobId,
            CreatedAt = time.GetUtcNow(),
            Parameters = VideoParameters.WithoutImages(incoming.Request),
            Inputs = stored.Inputs,
            CallbackUrl = incoming.Request.CallbackUrl,
            RequestFingerprint = fingerprint,
            Settings = workflow.Value.ToSettings(webhooksEnabled: !string.IsNullOrWhiteSpace(webhooks.Value.PublicBaseUrl)) with { PublishEvents = events.Enabled },
        };

        var started = await jobs.StartAsync(jobId, input, cancellationToken);
        var snapshot = await jobs.GetAsync(jobId, cancellationToken)
            ?? new VideoJobSnapshot(jobId, JobRuntimeStatus.Pending, input.CreatedAt, input.CreatedAt, null, null, null, fingerprint);
        if (!started)
        {
            // A concurrent request with the same Idempotency-Key won the race: its job, if it was the same request.
            return await SameJobAsync(snapshot, fingerprint, jobs, cancellationToken);
        }

        logger.LogInformation("Job {JobId} started", jobId);
        KlingTelemetry.JobStarted(jobId);
        return await AcceptedAsync(snapshot, jobs, cancellationToken);
    }

    /// <summary>The job an Idempotency-Key already names: answered again for the same request, refused for another.</summary>
    private async Task<IResult> SameJobAsync(VideoJobSnapshot existing, string? fingerprint, DurableVideoJobClient jobs, CancellationToken cancellationToken)
    {
        if (existing.RequestFingerprint is { } first && !string.Equals(first, fingerprint, StringComparison.Ordinal))
        {
            logger.LogWarning("Idempotency key of job {JobId} reused with a different request: refused", existing.JobId);
            return Problems.IdempotencyKeyReused(existing.JobId);
        }

        logger.LogInformation("Idempotency key matched job {JobId}; nothing new was started", existing.JobId);
        return await AcceptedAsync(existing, jobs, cancellationToken);
    }

    private async Task<IResult> AcceptedAsync(VideoJobSnapshot snapshot, DurableVideoJobClient jobs, CancellationToken cancellationToken)
    {
        var view = await views.CreateAsync(snapshot, cancellationToken);
        return new JobAccepted(api.Value.ExposeManagementUrls ? view with { Management = jobs.ManagementUrls(snapshot.JobId) } : view);
    }

    private async Task<(StagingRequest Inputs, List<StagingError> Errors)> StoreInputsAsync(string jobId, string owner, IncomingVideoRequest incoming, CancellationToken cancellationToken)
    {
        var errors = new List<StagingError>();
        async Task<InputReference?> StoreAsync(string field, string? value)
        {
            StoredInput stored;
            if (incoming.Files.TryGetValue(field, out var file))
            {
                await using var content = file.OpenReadStream();
                stored = await store.StoreUploadAsync(owner, field, content, cancellationToken);
            }
            else if (value is not null && ImageSource.TryParse(value, out var source, out _))
            {
                stored = await store.StoreAsync(owner, field, source!, cancellationToken);
            }
            else
            {
                return null;
            }

            if (stored.Error is { } error)
            {
                errors.Add(error);
            }

            return stored.Input;
        }

        var request = incoming.Request;
        var image = await StoreAsync(InputFields.Image, request.Image);
        var staticMask = await StoreAsync(InputFields.StaticMask, request.StaticMask);
        var masks = new List<InputReference>();
        for (var i = 0; i < (request.DynamicMasks?.Count ?? 0); i++)
        {
            if (await StoreAsync(InputFields.DynamicMask(i), request.DynamicMasks![i].Mask) is { } mask)
            {
                masks.Add(mask);
            }
        }

        return (new StagingRequest(jobId, image, staticMask, masks), errors);
    }
}
