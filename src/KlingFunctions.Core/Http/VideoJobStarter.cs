using KlingFunctions.Events;
using KlingFunctions.Freepik;
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
/// <c>POST /api/videos</c>: read, validate against the job's model, keep the caller's bytes as private blobs (claim
/// check), start the orchestration. Every check that needs no pixels happens here, before anything is stored or paid
/// for; so does the spend guard's: once the day's creates reached <c>Freepik:DailyCreateLimit</c>, no job starts.
/// </summary>
public sealed class VideoJobStarter(
    IncomingVideoRequestReader reader,
    InputBlobStore store,
    JobViewFactory views,
    DailyCreates creates,
    IOptions<FreepikOptions> freepik,
    IOptions<WorkflowOptions> workflow,
    IOptions<WebhookOptions> webhooks,
    IOptions<ApiOptions> api,
    SourceAddressPolicy addresses,
    JobEvents events,
    TimeProvider time,
    ILogger<VideoJobStarter> logger)
{
    private static readonly IReadOnlySet<string> NoFields = new HashSet<string>();

    public async Task<IResult> StartAsync(HttpRequest request, DurableVideoJobClient jobs, CancellationToken cancellationToken)
    {
        var key = request.Headers[JobIds.IdempotencyKeyHeader].ToString();
        if (key.Length > JobIds.MaxIdempotencyKeyLength)
        {
            return Problems.Validation(JobIds.IdempotencyKeyHeader, JobIds.KeyTooLong);
        }

        return await StartAsync(files => reader.ReadAsync(request, files, cancellationToken), key, jobs, cancellationToken);
    }

    /// <summary>
    /// Starts the job for a JSON start request already in memory (a queue message): the same reading, validation,
    /// address guard on the callback, claim check and <paramref name="idempotencyKey"/> dedupe ("" for none) as over
    /// HTTP. Storage or engine failures throw: nothing is lost, the caller may retry.
    /// </summary>
    public Task<IResult> StartAsync(ReadOnlyMemory<byte> json, string idempotencyKey, DurableVideoJobClient jobs, CancellationToken cancellationToken)
        => StartAsync(files => Task.FromResult(IncomingVideoRequestReader.ReadJson(json, files)), idempotencyKey, jobs, cancellationToken);

    /// <summary>A <see cref="JobAccepted"/> when the job runs, else the problem that stopped it before anything was paid for.</summary>
    private async Task<IResult> StartAsync(Func<IncomingImages, Task<IncomingRead>> readAsync, string key, DurableVideoJobClient jobs, CancellationToken cancellationToken)
    {
        // With a key, concurrent requests share the job id: each stores under a name of its own, so the loser of
        // the race below cannot overwrite the images of the job that won.
        var jobId = key.Length > 0 ? JobIds.FromIdempotencyKey(key) : JobIds.New();
        var owner = key.Length > 0 ? $"{jobId}-{JobIds.New()[..8]}" : jobId;

        // File parts are stored while the body is read; whatever the request ends in, those it does not hand to the
        // job are removed again.
        var files = new IncomingImages(store, owner, hashed: key.Length > 0);
        var kept = NoFields;
        try
        {
            using var read = await readAsync(files);
            if (read.Request is not { } incoming)
            {
                return read.Problem!;
            }

            var (result, used) = await StartAsync(incoming, key, jobId, jobs, cancellationToken);
            kept = used;
            return result;
        }
        finally
        {
            await files.DiscardAsync(kept, CancellationToken.None);
        }
    }

    private async Task<(IResult Result, IReadOnlySet<string> Used)> StartAsync(
        IncomingVideoRequest incoming, string key, string jobId, DurableVideoJobClient jobs, CancellationToken cancellationToken)
    {
        var errors = VideoRequestValidator.Validate(incoming.Request, freepik.Value.DefaultModel, incoming.Files.Fields, incoming.Texts);
        if (!errors.IsValid)
        {
            return (Problems.Validation(errors.Errors), NoFields);
        }

        // The job records its model: a request without one gets today's default, and a key reused with another model is another request.
        incoming = incoming with { Request = incoming.Request with { Model = incoming.Request.Model ?? freepik.Value.DefaultModel } };

        // A callback we would refuse to call must be refused now, not dropped when the video is done.
        if (incoming.Request.CallbackUrl is { } callback && !addresses.AllowsUrl(new Uri(callback)))
        {
            return (Problems.Validation("callback_url", "callback_url points to a loopback, private or link-local address, which this service does not call."), NoFields);
        }

        var fingerprint = key.Length > 0 ? RequestFingerprint.Of(incoming) : null;
        if (key.Length > 0 && await jobs.GetAsync(jobId, cancellationToken) is { } existing)
        {
            return (await SameJobAsync(existing, fingerprint, jobs, cancellationToken), NoFields);
        }

        // A job that cannot be created today is not started: a repeated key above still gets its job.
        if (creates.Limit is not null && await creates.ReadAsync(cancellationToken) is { Exhausted: true } usage)
        {
            logger.LogWarning("Job not started: {Used} of {Limit} Freepik creates used today (Freepik:DailyCreateLimit)", usage.Used, usage.Limit);
            return (Problems.DailyLimitReached(usage), NoFields);
        }

        var stored = await StoreInputsAsync(jobId, incoming, cancellationToken);
        if (stored.Errors.Count > 0)
        {
            return (Problems.Validation(stored.Errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray())), NoFields);
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
            SlotPool = ApiKeyPool.Of(freepik.Value.ApiKey),
        };

        // The job as it is the moment it starts: the engine need not be asked again.
        var snapshot = new VideoJobSnapshot(jobId, JobRuntimeStatus.Pending, input.CreatedAt, input.CreatedAt, null, null, null, fingerprint, input.Parameters.Model);
        if (!await jobs.StartAsync(jobId, input, cancellationToken))
        {
            // A concurrent request with the same Idempotency-Key won the race: its job, if it was the same request.
            return (await SameJobAsync(await jobs.GetAsync(jobId, cancellationToken) ?? snapshot, fingerprint, jobs, cancellationToken), NoFields);
        }

        logger.LogInformation("Job {JobId} started", jobId);
        KlingTelemetry.JobStarted(jobId);
        return (await AcceptedAsync(snapshot, jobs, cancellationToken), stored.Fields);
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

    /// <summary>
    /// The job's inputs: file parts already stored, text images decoded into blobs now (URLs kept as they are). The bytes
    /// the request carried are checked as staging checks them (format, size, pixels, aspect ratio, masks against the
    /// image), so that a 100×100 image is a 400 now rather than an <c>InvalidImage</c> job later; URLs are checked in staging.
    /// </summary>
    private static async Task<(StagingRequest Inputs, List<StagingError> Errors, IReadOnlySet<string> Fields)> StoreInputsAsync(
        string jobId, IncomingVideoRequest incoming, CancellationToken cancellationToken)
    {
        var errors = new List<StagingError>();
        var inspected = new List<InspectedInput>();
        var fields = new HashSet<string>(StringComparer.Ordinal);
        async Task<InputReference?> StoreAsync(string field)
        {
            var stored = incoming.Files.Find(field);
            if (stored is null && incoming.Texts.TryGetValue(field, out var text) && ImageSource.TryParse(text, out var source, out _))
            {
                stored = await incoming.Files.StoreTextAsync(field, source!, cancellationToken);
            }

            if (stored?.Error is { } error)
            {
                errors.Add(error);
            }

            if (stored?.Inspected is { } header)
            {
                inspected.Add(header);
            }

            fields.Add(field);
            return stored?.Input;
        }

        var request = incoming.Request;
        var image = await StoreAsync(InputFields.Image);
        var endImage = await StoreAsync(InputFields.EndImage);
        var staticMask = await StoreAsync(InputFields.StaticMask);
        var masks = new List<InputReference>();
        for (var i = 0; i < (request.DynamicMasks?.Count ?? 0); i++)
        {
            if (await StoreAsync(InputFields.DynamicMask(i)) is { } mask)
            {
                masks.Add(mask);
            }
        }

        errors.AddRange(SourceImageInspector.Check(inspected));
        return (new StagingRequest(jobId, image, staticMask, masks, endImage), errors, fields);
    }
}
