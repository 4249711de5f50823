namespace KlingFunctions.DevHost.Hosting;

/// <summary>
/// A background loop that is logged and started again when it fails, after a growing pause: one bad input or a storage
/// outage must never end it, and with it (<c>BackgroundServiceExceptionBehavior.StopHost</c>, the default) the whole
/// DevHost, its API and its Azurite.
/// </summary>
internal abstract class RestartingBackgroundService(TimeProvider time, ILogger logger) : BackgroundService
{
    /// <summary>The loop; it returns only when <paramref name="stoppingToken"/> is cancelled.</summary>
    protected abstract Task RunAsync(CancellationToken stoppingToken);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = new Backoff();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                var pause = backoff.Next();
                logger.LogError(exception, "{Service} failed; it starts again in {Pause}", GetType().Name, pause);
                await Task.Delay(pause, time, stoppingToken);
            }
        }
    }
}

/// <summary>Pauses after failures in a row: 1 s, doubled each time, at most 30 s; back to 1 s after a success.</summary>
internal sealed class Backoff
{
    private static readonly TimeSpan First = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Longest = TimeSpan.FromSeconds(30);

    private TimeSpan next = First;

    public TimeSpan Next()
    {
        var pause = next;
        next = next * 2 < Longest ? next * 2 : Longest;
        return pause;
    }

    public void Reset() => next = First;
}
