using KlingFunctions.DevHost.Hosting;
using KlingFunctions.Workflow;
using Microsoft.DurableTask.Client;

namespace KlingFunctions.DevHost.Durable;

/// <summary>
/// The DevHost's stand-in for the Functions app's retention timer: Core's <see cref="JobRetention"/> at start and then
/// every <c>DevHost:PurgeInterval</c>, so that Azurite's tables do not grow (and slow down) with every job ever run.
/// </summary>
internal sealed class RetentionService(JobRetention retention, DurableTaskClient durable, DevHostSettings settings, TimeProvider time, ILogger<RetentionService> logger)
    : RestartingBackgroundService(time, logger)
{
    private readonly TimeProvider time = time;
    private readonly ILogger<RetentionService> logger = logger;

    protected override async Task RunAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await retention.PurgeAsync(durable, stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning(exception, "Retention: the purge failed; the next one is in {Interval}", settings.PurgeInterval);
            }

            await Task.Delay(settings.PurgeInterval, time, stoppingToken);
        }
    }
}
