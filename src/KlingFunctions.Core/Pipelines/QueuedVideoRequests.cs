using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using KlingFunctions.Freepik;
using KlingFunctions.Http;
using KlingFunctions.Requests;
using KlingFunctions.Workflow;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KlingFunctions.Pipelines;

/// <summary>
/// What came of one queue message: the job it started (or found); or the problem that put it in the poison queue; or,
/// over the day's Freepik creates, when it comes back (<paramref name="DeferredUntil"/>).
/// </summary>
public sealed record QueuedRequestOutcome(JobView? Job, ProblemDetails? Problem, DateTimeOffset? DeferredUntil = null)
{
    public bool Started => Job is not null;
}

/// <summary>
/// Start requests from the queue <c>Pipelines:RequestQueue</c>: the JSON body of <c>POST /api/videos</c> plus an
/// optional <c>idempotency_key</c>, as base64 or as plain JSON (<see cref="QueuedRequest"/>), started by the same
/// <see cref="VideoJobStarter"/> (same validation, limits and dedupe). The Functions app's queue trigger and the
/// DevHost's queue reader both hand their messages here. A message that can never start a job goes to
/// <c>{queue}-poison</c> at once, with its problem beside it; a failure to start (storage or the engine unreachable)
/// throws, so that the message is delivered again, until its last delivery, which goes to the poison queue too. A
/// message that arrives once the day's Freepik creates are used up (<c>Freepik:DailyCreateLimit</c>) is neither a job
/// nor poison: it goes back on the queue, invisible until the count starts again at the next UTC midnight.
/// </summary>
public sealed class QueuedVideoRequests(
    VideoJobStarter starter,
    [FromKeyedServices(QueuedVideoRequests.ServiceKey)] QueueServiceClient queues,
    IOptions<PipelineOptions> options,
    IOptions<FreepikOptions> freepik,
    TimeProvider time,
    ILogger<QueuedVideoRequests> logger)
{
    /// <summary>The key of the <see cref="QueueServiceClient"/> for the pipeline queues in DI.</summary>
    public const string ServiceKey = "pipelines";

    public const string IdempotencyKeyField = QueuedRequest.IdempotencyKeyField;

    /// <summary>A queue message holds at most 64 KiB; the poison message keeps the original in full whenever it fits.</summary>
    private const int MaxMessageChars = 64 * 1024;

    private readonly QueueClient poison = queues.GetQueueClient(options.Value.PoisonQueue);
    private readonly QueueClient requests = queues.GetQueueClient(options.Value.RequestQueue);
    private volatile bool poisonEnsured;

    /// <summary>
    /// One delivery of a message: <see cref="HandleAsync"/>, and when its start fails on delivery
    /// <c>Pipelines:MaxDequeueCount</c>, <see cref="GiveUpAsync"/> instead of throwing, so that the poison copy is ours
    /// (with its problem and its key) rather than the host's bare copy.
    /// </summary>
    public async Task HandleDeliveryAsync(string messageText, string messageId, long dequeueCount, DurableVideoJobClient jobs, CancellationToken cancellationToken)
    {
        try
        {
            await HandleAsync(messageText, messageId, jobs, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException && dequeueCount >= options.Value.MaxDequeueCount)
        {
            logger.LogError(exception, "Queue message {MessageId} could not be started on its last delivery ({DequeueCount})", messageId, dequeueCount);
            await GiveUpAsync(messageText, messageId, dequeueCount, cancellationToken);
        }
    }

    /// <summary>
    /// Starts the job <paramref name="messageText"/> asks for. Without an <c>idempotency_key</c> the message's own id
    /// is the key, so a message delivered twice still makes one job.
    /// </summary>
    public async Task<QueuedRequestOutcome> HandleAsync(string messageText, string messageId, DurableVideoJobClient jobs, CancellationToken cancellationToken)
    {
        var request = QueuedRequest.Read(messageText, messageId);
        var result = await StartAsync(request, jobs, cancellationToken);
        if (result is JobAccepted accepted)
        {
            logger.LogInformation("Queue message {MessageId} runs as job {JobId}", messageId, accepted.View.Id);
            return new QueuedRequestOutcome(accepted.View, null);
        }

        var problem = result is IValueHttpResult { Value: ProblemDetails details }
            ? details
            : throw new InvalidOperationException($"The start of queue message {messageId} answered {result.GetType().Name}, which is neither a job nor a problem.");
        if (problem.Status == StatusCodes.Status429TooManyRequests && problem.Extensions.TryGetValue(Problems.RetryAt, out var value) && value is DateTimeOffset retryAt)
        {
            await DeferAsync(request, messageId, retryAt, cancellationToken);
            return new QueuedRequestOutcome(null, problem, retryAt);
        }

        logger.LogWarning("Queue message {MessageId} is invalid ({Title}); moved to {PoisonQueue}, no job started", messageId, problem.Title, poison.Name);
        await PoisonAsync(request.Resendable, messageId, problem, cancellationToken);
        return new QueuedRequestOutcome(null, problem);
    }

    /// <summary>A message whose start failed on every delivery: to the poison queue, with a problem that says so.</summary>
    public async Task GiveUpAsync(string messageText, string messageId, long dequeueCount, CancellationToken cancellationToken)
    {
        logger.LogError("Queue message {MessageId} could not be started in {DequeueCount} deliveries; moved to {PoisonQueue}", messageId, dequeueCount, poison.Name);
        await PoisonAsync(QueuedRequest.Read(messageText, messageId).Resendable, messageId, new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Title = "The job could not be started.",
            Detail = $"Starting the job failed on each of {dequeueCount} deliveries (storage or the Durable engine unavailable; the logs have the details). The message itself may be valid: put its 'message' back on the queue to try again; it carries the idempotency_key this delivery used, so it cannot start a second job.",
        }, cancellationToken);
    }

    private async Task<IResult> StartAsync(QueuedRequest request, DurableVideoJobClient jobs, CancellationToken cancellationToken)
    {
        if (request.Json.IsEmpty)
        {
            return Problems.Validation(RequestErrors.Body, "The message is empty: send the JSON body of POST /api/videos, as plain JSON or base64.");
        }

        if (request.IdempotencyKeyError is null)
        {
            // The starter reads the body as POST /api/videos does, and reports a body it cannot read as that does.
            return await starter.StartAsync(request.Json, request.IdempotencyKey, jobs, cancellationToken);
        }

        // Every problem at once, as the HTTP edge reports them.
        var read = VideoRequestReader.Read(request.Json);
        if (!read.IsValid)
        {
            return Problems.Validation(read.Errors);
        }

        var errors = VideoRequestValidator.Validate(read.Request, freepik.Value.DefaultModel).Errors.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        errors[IdempotencyKeyField] = [request.IdempotencyKeyError];
        return Problems.Validation(errors);
    }

    /// <summary>
    /// The message again, at the end of the queue and invisible until <paramref name="retryAt"/>: a copy, so that it is
    /// delivered afresh then (a redelivery would count towards the poison queue), with the key this delivery used
    /// (<see cref="QueuedRequest.Resendable"/>), so that it still starts the one job it was meant to.
    /// </summary>
    private async Task DeferAsync(QueuedRequest request, string messageId, DateTimeOffset retryAt, CancellationToken cancellationToken)
    {
        var wait = retryAt - time.GetUtcNow();
        await requests.SendMessageAsync(request.Resendable, visibilityTimeout: wait > TimeSpan.Zero ? wait : TimeSpan.Zero, cancellationToken: cancellationToken);
        logger.LogWarning("Queue message {MessageId} arrived with the day's Freepik creates used up (Freepik:DailyCreateLimit); back on {Queue} until {RetryAt}, no job started", messageId, requests.Name, retryAt);
    }

    private async Task PoisonAsync(string messageText, string messageId, ProblemDetails problem, CancellationToken cancellationToken)
    {
        if (!poisonEnsured)
        {
            await poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            poisonEnsured = true;
        }

        // Base64, as the Functions host writes its own poison copies by default and as most readers expect.
        var text = PoisonMessage(messageText, messageId, problem);
        await poison.SendMessageAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(text)), cancellationToken);
    }
    /// <summary>
    /// <c>{"problem": {RFC 9457 problem details}, "messageId": "…", "message": "the request to put back"}</c> (the
    /// JSON as received, with the idempotency key its delivery used; a message that is no JSON object, as received);
    /// one too large to fit beside its problem is cut, and <c>"truncated": true</c> says so.
    /// </summary>
    internal static string PoisonMessage(string messageText, string messageId, ProblemDetails problem)
    {
        string Serialize(string message, bool truncated) => JsonSerializer.Serialize(
            new PoisonedRequest(problem, messageId, message, truncated ? true : null), ApiJson.Options);

        var whole = Serialize(messageText, truncated: false);

        // Base64 (the queues' encoding) makes 4 characters of every 3 bytes.
        var room = MaxMessageChars / 4 * 3 - Encoding.UTF8.GetByteCount(whole);
        return room >= 0 ? whole : Serialize(messageText[..Math.Max(0, messageText.Length + room - 64)], truncated: true);
    }

    /// <param name="Problem">Typed as object so that a validation problem keeps its <c>errors</c>.</param>
    private sealed record PoisonedRequest(
        object Problem,
        string MessageId,
        string Message,
        [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] bool? Truncated);
}
