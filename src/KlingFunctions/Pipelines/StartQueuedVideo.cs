using Azure.Storage.Queues.Models;
using KlingFunctions.Workflow;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace KlingFunctions.Pipelines;

/// <summary>
/// A start request from the queue <c>Pipelines:RequestQueue</c>: the job starts as from <c>POST /api/videos</c>. host.json
/// sets <c>messageEncoding: none</c>, so the message comes as it is on the queue and Core reads base64 and plain JSON
/// alike. An invalid message is moved to the poison queue with its problem and completes; a failed start throws, and the
/// host delivers the message again; on its last delivery (<c>Pipelines:MaxDequeueCount</c>, host.json's
/// <c>maxDequeueCount</c>) Core moves it to the poison queue itself, with its problem and its key.
/// </summary>
public sealed class StartQueuedVideo(QueuedVideoRequests requests)
{
    [Function(nameof(StartQueuedVideo))]
    public Task Run(
        [QueueTrigger("%Pipelines:RequestQueue%")] QueueMessage message,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
        => requests.HandleDeliveryAsync(message.MessageText, message.MessageId, message.DequeueCount, new DurableVideoJobClient(client), cancellationToken);
}
