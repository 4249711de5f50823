using System.Diagnostics;

namespace KlingFunctions.Benchmarks.Harness;

/// <summary>
/// The process's working set sampled every 50 ms from <see cref="Start"/> to <see cref="StopAsync"/>: the peak of one
/// part of a run, where <see cref="Process.PeakWorkingSet64"/> is the peak of the process so far.
/// </summary>
internal sealed class RssSampler
{
    private readonly Task sampling;
    private volatile bool stopped;
    private long peak;

    private RssSampler()
    {
        sampling = Task.Run(async () =>
        {
            using var self = Process.GetCurrentProcess();
            while (!stopped)
            {
                self.Refresh();
                peak = Math.Max(peak, self.WorkingSet64);
                await Task.Delay(50, CancellationToken.None);
            }
        }, CancellationToken.None);
    }

    public static RssSampler Start() => new();

    /// <summary>Stops sampling and returns the largest working set seen, in bytes.</summary>
    public async Task<long> StopAsync()
    {
        stopped = true;
        await sampling;
        return peak;
    }
}
