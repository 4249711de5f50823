using System.Globalization;
using System.Net.Http.Headers;
using KlingFunctions.Webhooks;

namespace KlingFunctions.FreepikSimulator;

/// <summary>Posts signed webhook deliveries the way Freepik does (Standard Webhooks headers).</summary>
internal sealed class WebhookSender(
    IHttpClientFactory clients, FreepikSimulatorOptions options, TimeProvider time, ILogger logger)
{
    public const string ClientName = "FreepikSimulator.Webhooks";

    /// <summary>Sends one delivery; failures are logged, never thrown.</summary>
    /// <returns>Whether the receiver answered 2xx.</returns>
    public async Task<bool> SendAsync(string taskId, string url, WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(delivery.Body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("webhook-id", delivery.WebhookId);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", WebhookSignature.Sign(options.WebhookSecret, delivery.WebhookId, timestamp, delivery.Body));

        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, cancellationToken);
            logger.LogInformation(
                "Webhook {WebhookId} for task {TaskId} ({Status}) answered {StatusCode}",
                delivery.WebhookId, taskId, delivery.Status, (int)response.StatusCode);
            return response.IsSuccessStatusCode;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(
                "Webhook {WebhookId} for task {TaskId} ({Status}) failed: {Error}",
                delivery.WebhookId, taskId, delivery.Status, exception.Message);
            return false;
        }
    }
}
