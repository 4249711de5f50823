using KlingFunctions.Telemetry;
using System.Text.Json;
using System.Text.Json.Serialization;
using KlingFunctions.Freepik;
using KlingFunctions.Storage;
using KlingFunctions.Webhooks;
using KlingFunctions.Workflow;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KlingFunctions.Http;

/// <summary>
/// <c>POST /api/webhooks/freepik/{id}?token=…</c>. Deliveries are untrusted and at-least-once: the per-job
/// token and, when <c>Freepik:WebhookSecret</c> is set, the signature are checked before anything else. An update the
/// job is already past is answered without waking the orchestration, which ignores duplicates and stale statuses too.
/// </summary>
public sealed class FreepikWebhookReceiver(
    WebhookToken tokens,
    IOptions<FreepikOptions> freepik,
    IOptions<ApiOptions> api,
    LateDeliveryKeeper late,
    TimeProvider time,
    ILogger<FreepikWebhookReceiver> logger)
{
    private readonly WebhookSignatureVerifier? verifier = string.IsNullOrEmpty(freepik.Value.WebhookSecret)
        ? null
        : new WebhookSignatureVerifier(freepik.Value.WebhookSecret);

    public async Task<IResult> ReceiveAsync(HttpRequest request, string id, DurableVideoJobClient jobs, CancellationToken cancellationToken)
    {
        KlingTelemetry.TagJob(id);
        if (!tokens.IsValid(id, request.Query["token"].ToString()))
        {
            logger.LogWarning("Webhook for job {JobId} refused: missing or wrong token", id);
            return Problems.Unauthorized("The token in the webhook URL does not match this job.");
        }

        var body = await ReadBodyAsync(request, cancellationToken);
        if (body is null)
        {
            return Problems.BadRequest($"Webhook bodies are limited to {api.Value.MaxWebhookBytes} bytes.");
        }

        var deliveryId = Header(request, "webhook-id");
        if (verifier is not null)
        {
            var verification = verifier.Verify(deliveryId, Header(request, "webhook-timestamp"), Header(request, "webhook-signature"), body, time.GetUtcNow());
            if (!verification.IsValid)
            {
                logger.LogWarning("Webhook for job {JobId} refused: signature check failed ({Reason})", id, verification.Reason);
                return Problems.Unauthorized($"The webhook signature could not be verified ({verification.Reason}).");
            }
        }

        var delivery = Parse(body);
        if (delivery is null)
        {
            return Problems.BadRequest("The body must be a JSON object with 'task_id' and 'status'.");
        }

        var update = new FreepikTaskUpdate(deliveryId, delivery.TaskId!, delivery.Status!, delivery.Generated ?? [], Verified: verifier is not null);
        KlingTelemetry.TagFreepikTask(update.TaskId);
        var raised = await jobs.RaiseUpdateAsync(id, update, cancellationToken);
        logger.LogInformation("Webhook {DeliveryId} for job {JobId}: task {TaskId} {Status} → {Outcome}", deliveryId, id, update.TaskId, update.Status, raised.Outcome);
        if (raised is { Outcome: RaiseEventOutcome.NotRunning, Job: { } finished })
        {
            await late.KeepIfLateAsync(finished, update, cancellationToken);
        }

        // A finished job, or one already past this update, accepts it and changes nothing: Freepik must not keep retrying it.
        return raised.Outcome == RaiseEventOutcome.NotFound ? Problems.JobNotFound(id) : TypedResults.Accepted((string?)null);
    }

    private async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var limit = api.Value.MaxWebhookBytes;
        if (request.ContentLength > limit)
        {
            return null;
        }

        var body = new LimitedReadStream(request.Body, limit);
        try
        {
            if (request.ContentLength is { } length)
            {
                // The usual case: read straight into an array of the announced size, no copy through a MemoryStream.
                // Kestrel ends the body at Content-Length (and fails a shorter one), so this is the whole body.
                var exact = new byte[length];
                var read = await body.ReadAtLeastAsync(exact, exact.Length, throwOnEndOfStream: false, cancellationToken);
                return read == exact.Length ? exact : exact[..read];
            }

            using var buffer = new MemoryStream();
            await body.CopyToAsync(buffer, cancellationToken);
            return buffer.ToArray();
        }
        catch (ContentTooLargeException)
        {
            return null;
        }
    }

    private static string? Header(HttpRequest request, string name)
        => request.Headers.TryGetValue(name, out var value) ? value.ToString() : null;

    private static WebhookDelivery? Parse(byte[] body)
    {
        try
        {
            var delivery = JsonSerializer.Deserialize<WebhookDelivery>(body);
            return string.IsNullOrWhiteSpace(delivery?.TaskId) || string.IsNullOrWhiteSpace(delivery.Status) ? null : delivery;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Freepik's webhook body: the status response without its <c>data</c> wrapper.</summary>
    internal sealed record WebhookDelivery(
        [property: JsonPropertyName("task_id")] string? TaskId,
        [property: JsonPropertyName("status")] string? Status,
        [property: JsonPropertyName("generated")] IReadOnlyList<string>? Generated);
}
