using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using KlingFunctions.Pipelines;
using KlingFunctions.Workflow;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace KlingFunctions.DevHost.Pipelines;

/// <summary>
/// The DevHost's stand-in for the Functions app's queue trigger: reads <c>Pipelines:RequestQueue</c> in the DevHost's
/// storage (Azurite) and hands each message to Core's <see cref="QueuedVideoRequests"/>, as the trigger does. A message
/// is hidden while it is handled and deleted once its job has started or it was moved to the poison queue; a failed
/// start leaves it to reappear, and after <c>Pipelines:MaxDequeueCount</c> deliveries it goes to the poison queue, as
/// the Functions host does.
/// </summary>
internal sealed class QueuedRequestReader(
    QueuedVideoRequests requests,
    [FromKeyedServices(QueuedVideoRequests.ServiceKey)] QueueServiceClient queues,
    DurableTaskClient durable,
    IOptions<PipelineOptions> options,
    DevHostSettings settings,
    TimeProvider time,
    ILogger<QueuedRequestReader> logger) : BackgroundService
{
    /// <summary>How long a received message stays hidden: longer than any start, as the Functions host's lock is.</summary>
    private static readonly TimeSpan VisibilityTimeout = TimeSpan.FromMinutes(5);

    /// <summary>After a failed start the message reappears this soon (the Functions host's default retries at once).</summary>
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private const int BatchSize = 16;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var queue = queues.GetQueueClient(options.Value.RequestQueue);
        var jobs = new DurableVideoJobClient(durable);
        var created = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            QueueMessage[] messages;
            try
            {
                // Azurite starts empty: the queue is created so that a pipeline can send to it right away.
                if (!created)
                {
                    await queue.CreateIfNotExistsAsync(cancellationToken: stoppingToken);
                    created = true;
                }

                messages = (await queue.ReceiveMessagesAsync(BatchSize, VisibilityTimeout, stoppingToken)).Value;
            }
            catch (RequestFailedException exception)
            {
                logger.LogWarning(exception, "Queue {Queue} could not be read; trying again", queue.Name);
                messages = [];
            }

            foreach (var message in messages)
            {
                await HandleAsync(queue, message, jobs, stoppingToken);
            }

            if (messages.Length < BatchSize)
            {
                // An idle queue is polled as often as the task hub's queues are.
                await Task.Delay(settings.MaxQueuePollingInterval, time, stoppingToken);
            }
        }
    }

    private async Task HandleAsync(QueueClient queue, QueueMessage message, DurableVideoJobClient jobs, CancellationToken stoppingToken)
    {
        try
        {
            if (message.DequeueCount > options.Value.MaxDequeueCount)
            {
                await requests.GiveUpAsync(message.MessageText, message.MessageId, message.DequeueCount - 1, stoppingToken);
            }
            else
            {
                await requests.HandleAsync(message.MessageText, message.MessageId, jobs, stoppingToken);
            }

            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, stoppingToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogWarning(exception, "Queue message {MessageId} could not be started (delivery {DequeueCount}); it will be delivered again", message.MessageId, message.DequeueCount);
            try
            {
                await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: RetryDelay, cancellationToken: stoppingToken);
            }
            catch (RequestFailedException)
            {
                // Then it reappears when its visibility timeout ends.
            }
        }
    }

}
