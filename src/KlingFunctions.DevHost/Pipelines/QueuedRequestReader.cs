using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using KlingFunctions.DevHost.Hosting;
using KlingFunctions.Pipelines;
using KlingFunctions.Workflow;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace KlingFunctions.DevHost.Pipelines;

/// <summary>
/// The DevHost's stand-in for the Functions app's queue trigger: reads <c>Pipelines:RequestQueue</c> in the DevHost's
/// storage (Azurite), undecoded as the trigger does with host.json's <c>messageEncoding: none</c>, and hands each message
/// to Core's <see cref="QueuedVideoRequests"/>. A message is hidden while it is handled and deleted once its job has
/// started or it was moved to the poison queue; a failed start leaves it to reappear, and its last delivery
/// (<c>Pipelines:MaxDequeueCount</c>) goes to the poison queue, as on the Functions host. Whatever a message holds and
/// whatever storage does, the reader goes on: a failed read is tried again after a growing pause.
/// </summary>
internal sealed class QueuedRequestReader(
    QueuedVideoRequests requests,
    [FromKeyedServices(QueuedVideoRequests.ServiceKey)] QueueServiceClient queues,
    DurableTaskClient durable,
    IOptions<PipelineOptions> options,
    DevHostSettings settings,
    TimeProvider time,
    ILogger<QueuedRequestReader> logger) : RestartingBackgroundService(time, logger)
{
    /// <summary>How long a received message stays hidden: longer than any start, as the Functions host's lock is.</summary>
    private static readonly TimeSpan VisibilityTimeout = TimeSpan.FromMinutes(5);

    /// <summary>After a failed start the message reappears this soon (the Functions host's default retries at once).</summary>
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private const int BatchSize = 16;

    private readonly TimeProvider time = time;
    private readonly ILogger<QueuedRequestReader> logger = logger;

    protected override async Task RunAsync(CancellationToken stoppingToken)
    {
        var queue = queues.GetQueueClient(options.Value.RequestQueue);
        var jobs = new DurableVideoJobClient(durable);
        var backoff = new Backoff();
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
                backoff.Reset();
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Storage unreachable or answering errors (the SDK's own retries are spent): not a reason to stop.
                var pause = backoff.Next();
                logger.LogWarning(exception, "Queue {Queue} could not be read; trying again in {Pause}", queue.Name, pause);
                await Task.Delay(pause, time, stoppingToken);
                continue;
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
            await requests.HandleDeliveryAsync(message.MessageText, message.MessageId, message.DequeueCount, jobs, stoppingToken);
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, stoppingToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogWarning(exception, "Queue message {MessageId} could not be started (delivery {DequeueCount}); it will be delivered again", message.MessageId, message.DequeueCount);
            try
            {
                await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: RetryDelay, cancellationToken: stoppingToken);
            }
            catch (Exception) when (!stoppingToken.IsCancellationRequested)
            {
                // Then it reappears when its visibility timeout ends.
            }
        }
    }
}
