using System.Globalization;
using System.Net.Http.Headers;
using KlingFunctions.Webhooks;

namespace KlingFunctions.FreepikSimulator;

/// <summary>Posts signed webhook deliveries the way Freepik does (Standard Webhooks headers).</summary>
internal sealed class WebhookSender(
    IHttpClientFactory clients, SimulatorCallCounter calls, FreepikSimulatorOptions options, TimeProvider time, ILogger logger)
{
    public const string ClientName = "FreepikSimulator.Webhooks";

    private static readonly MediaTypeHeaderValue Json = new("application/json");

    /// <summary>Sends one delivery; failures are logged and counted, never thrown.</summary>
    public async Task SendAsync(string taskId, string url, WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(delivery.Body) };
        request.Content.Headers.ContentType = Json;
        request.Headers.Add("webhook-id", delivery.WebhookId);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", WebhookSignature.Sign(options.WebhookSecret, delivery.WebhookId, timestamp, delivery.Body));

        calls.WebhookSent();
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                calls.WebhookFailed();
            }

            logger.LogInformation(
                "Webhook {WebhookId} for task {TaskId} ({Status}) answered {StatusCode}",
                delivery.WebhookId, taskId, delivery.Status, (int)response.StatusCode);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            calls.WebhookFailed();
            logger.LogWarning(
                "Webhook {WebhookId} for task {TaskId} ({Status}) failed: {Error}",
                delivery.WebhookId, taskId, delivery.Status, exception.Message);
        }
    }
}
