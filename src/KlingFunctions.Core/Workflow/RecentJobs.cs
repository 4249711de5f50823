using KlingFunctions.Http;
using Microsoft.DurableTask.Client;

namespace KlingFunctions.Workflow;

/// <summary>Where a page of jobs ended: the next page lists jobs the engine recorded before this one.</summary>
/// <param name="CreatedAt">When the engine recorded the last job of the page (the order of the list).</param>
/// <param name="JobId">That job, to tell apart jobs recorded at the same instant.</param>
/// <param name="Span">The time window that filled the page, where the next page starts looking.</param>
public sealed record JobListCursor(DateTimeOffset CreatedAt, string JobId, TimeSpan Span);

/// <summary>A page of jobs, most recent first; <see cref="Next"/> is null on the last page.</summary>
/// <param name="Read">How many instance records the engine returned to fill it (what the page cost).</param>
public sealed record RecentJobsPage(IReadOnlyList<VideoJobSnapshot> Jobs, JobListCursor? Next, int Read);

/// <summary>
/// The most recent jobs, a page at a time, from the Durable client's query of instances. No backend sorts that
/// query by time (the Azure Storage backend returns its instances table in instance id order), so the page is found
/// by walking back in time: the instances created within a window before the cursor are read, and the window is
/// widened (×4 each time, from an hour) until it holds more than a page or nothing older exists. A window that
/// turns out to hold far more than a page (a burst of jobs) is narrowed instead: its records come in instance id
/// order, which is random in time, so those read so far are a fair sample of it, and the page's jobs are certainly
/// within the window that ends at the sample's newest ones. A page costs the instance records of its window, each
/// read with its input and custom status in the same query: no job is read on its own.
/// </summary>
internal sealed class RecentJobs(DurableTaskClient client, IReadOnlyList<OrchestrationRuntimeStatus>? statuses, Func<VideoJobSnapshot, bool> include)
{
    public static readonly TimeSpan FirstSpan = TimeSpan.FromHours(1);

    private const int Widening = 4;

    /// <summary>How many records a window may cost before it is narrowed (at least four pages' worth).</summary>
    private const int MinimumBudget = 200;

    /// <summary>Before this no job was ever made: a window reaching it is the last one.</summary>
    private static readonly DateTimeOffset Beginning = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public async Task<RecentJobsPage> PageAsync(int top, JobListCursor? after, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var span = after?.Span > TimeSpan.Zero ? after.Span : FirstSpan;
        var to = after?.CreatedAt;
        var found = new Dictionary<string, (DateTimeOffset CreatedAt, VideoJobSnapshot Job)>(StringComparer.Ordinal);
        var read = 0;
        var budget = Math.Max(MinimumBudget, 4 * (top + 1));
        var narrowing = true;
        while (true)
        {
            var from = (to ?? now) - span;
            var last = from <= Beginning;
            var need = top + 1 - found.Count;
            var window = new List<(DateTimeOffset CreatedAt, VideoJobSnapshot Job)>();
            var windowRead = 0;

            // Both ends are inclusive: a job at the boundary of two windows is read twice and counted once.
            var query = new OrchestrationQuery(CreatedFrom: last ? null : from, CreatedTo: to, Statuses: statuses, PageSize: 100, FetchInputsAndOutputs: true);
            await foreach (var instance in client.GetAllInstancesAsync(query).WithCancellation(cancellationToken))
            {
                read++;
                if (++windowRead > budget && narrowing && window.Count >= need)
                {
                    break;
                }

                if (JobIds.IsWellFormed(instance.InstanceId) && (after is null || Before(instance, after)) && !found.ContainsKey(instance.InstanceId))
                {
                    var job = DurableVideoJobClient.ToSnapshot(instance);
                    if (include(job))
                    {
                        window.Add((instance.CreatedAt, job));
                    }
                }
            }

            if (windowRead > budget && narrowing && window.Count >= need)
            {
                // Too many to read whole: the window that ends at the sample's need-th newest job holds the page. Should
                // it be no narrower (a burst at one instant), this window is read whole after all.
                var narrower = (to ?? now) - window.Select(job => job.CreatedAt).OrderDescending().ElementAt(need - 1);
                narrowing = narrower < span;
                span = narrowing ? narrower : span;
                continue;
            }

            narrowing = true;

            foreach (var (createdAt, job) in window)
            {
                found.TryAdd(job.JobId, (createdAt, job));
            }

            if (found.Count > top || last || !await AnyCreatedBeforeAsync(from, cancellationToken))
            {
                break;
            }

            to = from;
            span *= Widening;
        }

        var ordered = found.Values.OrderByDescending(job => job.CreatedAt).ThenByDescending(job => job.Job.JobId, StringComparer.Ordinal).ToList();
        var page = ordered.Take(top).ToList();
        var next = ordered.Count > top ? new JobListCursor(page[^1].CreatedAt, page[^1].Job.JobId, span) : null;
        return new RecentJobsPage([.. page.Select(job => job.Job)], next, read);
    }

    /// <summary>Listed after the cursor's job: recorded before it, or at the same instant with a lower id.</summary>
    private static bool Before(OrchestrationMetadata instance, JobListCursor cursor)
        => instance.CreatedAt < cursor.CreatedAt
            || (instance.CreatedAt == cursor.CreatedAt && string.CompareOrdinal(instance.InstanceId, cursor.JobId) < 0);

    /// <summary>Whether the engine has any instance (of the statuses asked for) created before <paramref name="time"/>: one record at most.</summary>
    private async Task<bool> AnyCreatedBeforeAsync(DateTimeOffset time, CancellationToken cancellationToken)
    {
        var query = new OrchestrationQuery(CreatedTo: time.AddTicks(-1), Statuses: statuses, PageSize: 1, FetchInputsAndOutputs: false);
        await foreach (var _ in client.GetAllInstancesAsync(query).WithCancellation(cancellationToken))
        {
            return true;
        }

        return false;
    }
}
