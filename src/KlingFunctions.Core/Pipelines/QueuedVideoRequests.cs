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
/// optional <c>idempotency_key</c>, started by the same <see cref="VideoJobStarter"/> (same validation, limits and
/// dedupe). The Functions app's queue trigger and the DevHost's queue reader both hand their messages here.
/// A message that can never start a job goes to <c>{queue}-poison</c> at once, with its problem beside it; a failure
/// to start (storage or the engine unreachable) throws, so that the message is delivered again. A message that
/// arrives once the day's Freepik creates are used up (<c>Freepik:DailyCreateLimit</c>) is neither a job nor poison:
/// it goes back on the queue, invisible until the count starts again at the next UTC midnight.
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

    public const string IdempotencyKeyField = "idempotency_key";

    /// <summary>A queue message holds at most 64 KiB; the poison message keeps the original in full whenever it fits.</summary>
    private const int MaxMessageChars = 64 * 1024;

    private readonly QueueClient poison = queues.GetQueueClient(options.Value.PoisonQueue);
    private readonly QueueClient requests = queues.GetQueueClient(options.Value.RequestQueue);
    private volatile bool poisonEnsured;

    /// <summary>
    /// Starts the job <paramref name="messageText"/> asks for. Without an <c>idempotency_key</c> the message's own id
    /// is the key, so a message delivered twice still makes one job.
    /// </summary>
    public async Task<QueuedRequestOutcome> HandleAsync(string messageText, string messageId, DurableVideoJobClient jobs, CancellationToken cancellationToken)
    {
        var result = await StartAsync(messageText, messageId, jobs, cancellationToken);
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
            await DeferAsync(messageText, messageId, retryAt, cancellationToken);
            return new QueuedRequestOutcome(null, problem, retryAt);
        }

        logger.LogWarning("Queue message {MessageId} is invalid ({Title}); moved to {PoisonQueue}, no job started", messageId, problem.Title, poison.Name);
        await PoisonAsync(messageText, messageId, problem, cancellationToken);
        return new QueuedRequestOutcome(null, problem);
    }

    /// <summary>A message whose start failed on every delivery: to the poison queue, with a problem that says so.</summary>
    public async Task GiveUpAsync(string messageText, string messageId, long dequeueCount, CancellationToken cancellationToken)
    {
        logger.LogError("Queue message {MessageId} could not be started in {DequeueCount} deliveries; moved to {PoisonQueue}", messageId, dequeueCount, poison.Name);
        await PoisonAsync(messageText, messageId, new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Title = "The job could not be started.",
            Detail = $"Starting the job failed on each of {dequeueCount} deliveries (storage or the Durable engine unavailable; the logs have the details). The message itself may be valid: put it back on the queue to try again.",
        }, cancellationToken);
    }

    private async Task<IResult> StartAsync(string messageText, string messageId, DurableVideoJobClient jobs, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes(messageText);
        var (key, keyError) = IdempotencyKey(body, messageId);
        if (keyError is null)
        {
            // The starter reads the body as POST /api/videos does, and reports a body it cannot read as that does.
            return await starter.StartAsync(body, key, jobs, cancellationToken);
        }

        // Every problem at once, as the HTTP edge reports them.
        var read = VideoRequestReader.Read(body);
        if (!read.IsValid)
        {
            return Problems.Validation(read.Errors);
        }

        var errors = VideoRequestValidator.Validate(read.Request, freepik.Value.DefaultModel).Errors.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        errors[IdempotencyKeyField] = [keyError];
        return Problems.Validation(errors);
    }

    /// <summary>The message's <c>idempotency_key</c> (ours, not the request's), else one made of its id; and what is wrong with a given one.</summary>
    private static (string Key, string? Error) IdempotencyKey(byte[] body, string messageId)
    {
        var key = $"queue-message:{messageId}";
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty(IdempotencyKeyField, out var given))
            {
                return (key, null);
            }

            key = given.ValueKind == JsonValueKind.String ? given.GetString()! : "";
        }
        catch (JsonException)
        {
            // Not JSON: the starter says so, as for the HTTP body.
            return (key, null);
        }

        return (key, key.Length == 0 ? "must be a non-empty string."
            : key.Length > JobIds.MaxIdempotencyKeyLength ? JobIds.KeyTooLong
            : null);
    }

    /// <summary>
    /// The message again, at the end of the queue and invisible until <paramref name="retryAt"/>: a copy, so that it is
    /// delivered afresh then (a redelivery would count towards the poison queue). The copy carries the key the message
    /// had, its own id when it named none, so that it still starts the one job it was meant to.
    /// </summary>
    private async Task DeferAsync(string messageText, string messageId, DateTimeOffset retryAt, CancellationToken cancellationToken)
    {
        var wait = retryAt - time.GetUtcNow();
        var copy = WithIdempotencyKey(messageText, IdempotencyKey(Encoding.UTF8.GetBytes(messageText), messageId).Key);
        await requests.SendMessageAsync(copy, visibilityTimeout: wait > TimeSpan.Zero ? wait : TimeSpan.Zero, cancellationToken: cancellationToken);
        logger.LogWarning("Queue message {MessageId} arrived with the day's Freepik creates used up (Freepik:DailyCreateLimit); back on {Queue} until {RetryAt}, no job started", messageId, requests.Name, retryAt);
    }

    /// <summary>The message with <c>idempotency_key</c> added after its opening brace unless it has one: the rest stays as it was sent.</summary>
    internal static string WithIdempotencyKey(string messageText, string key)
    {
        using (var document = JsonDocument.Parse(messageText))
        {
            if (document.RootElement.TryGetProperty(IdempotencyKeyField, out _))
            {
                return messageText;
            }
        }

        var open = messageText.IndexOf('{', StringComparison.Ordinal) + 1;
        var empty = messageText.AsSpan(open).TrimStart().StartsWith("}");
        return string.Concat(messageText.AsSpan(0, open), $"\"{IdempotencyKeyField}\":{JsonSerializer.Serialize(key)}{(empty ? "" : ",")}", messageText.AsSpan(open));
    }

    private async Task PoisonAsync(string messageText, string messageId, ProblemDetails problem, CancellationToken cancellationToken)
    {
        if (!poisonEnsured)
        {
            await poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            poisonEnsured = true;
        }

        await poison.SendMessageAsync(PoisonMessage(messageText, messageId, problem), cancellationToken);
    }

    /// <summary>
    /// <c>{"problem": {RFC 9457 problem details}, "messageId": "…", "message": "the original, as it was received"}</c>;
    /// an original too large to fit beside its problem is cut, and <c>"truncated": true</c> says so.
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
