using Azure.Storage.Queues.Models;
using KlingFunctions.Workflow;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace KlingFunctions.Pipelines;

/// <summary>
/// A start request from the queue <c>Pipelines:RequestQueue</c>: the job starts as from <c>POST /api/videos</c>. An
/// invalid message is moved to the poison queue with its problem and completes; a failed start throws, and the host
/// delivers the message again (up to host.json's <c>maxDequeueCount</c>, then it moves it to the poison queue itself).
/// </summary>
public sealed class StartQueuedVideo(QueuedVideoRequests requests)
{
    [Function(nameof(StartQueuedVideo))]
    public Task Run(
        [QueueTrigger("%Pipelines:RequestQueue%")] QueueMessage message,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
        => requests.HandleAsync(message.MessageText, message.MessageId, new DurableVideoJobClient(client), cancellationToken);
}
