using KlingFunctions.Staging;
using KlingFunctions.Workflow;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Converters;
using Moq;

namespace KlingFunctions.Core.Tests.Workflow;

/// <summary>
/// The jobs list's paging over the Durable client's instance query, against a task hub that answers that query as
/// the Azure Storage backend does: filtered by creation time and status, in instance id order, a page at a time.
/// </summary>
public sealed class RecentJobsTests
{
    private static readonly DateTimeOffset Now = new(2030, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly TaskHub hub = new();

    [Fact]
    public async Task Pages_list_every_job_once_most_recent_first()
    {
        var random = new Random(7);
        for (var i = 0; i < 45; i++)
        {
            hub.Add(Now - TimeSpan.FromMinutes(random.Next(0, 3 * 24 * 60)));
        }

        var listed = await ListAllAsync(top: 10);

        Assert.Equal(hub.Jobs.OrderByDescending(job => job.CreatedAt).ThenByDescending(job => job.InstanceId, StringComparer.Ordinal).Select(job => job.InstanceId), listed);
    }

    [Fact]
    public async Task Jobs_recorded_at_the_same_instant_are_neither_skipped_nor_repeated_across_pages()
    {
        for (var i = 0; i < 10; i++)
        {
            hub.Add(Now - TimeSpan.FromMinutes(5));
        }

        var listed = await ListAllAsync(top: 3);

        Assert.Equal(10, listed.Count);
        Assert.Equal(10, listed.Distinct().Count());
    }

    [Fact]
    public async Task A_page_reads_the_instances_of_the_time_window_it_needs_not_the_whole_hub()
    {
        // A busy day: a job a minute for 16 hours.
        for (var i = 0; i < 16 * 60; i++)
        {
            hub.Add(Now - TimeSpan.FromMinutes(i));
        }

        var first = await Jobs.ListAsync(null, _ => true, 20, null, Now, CancellationToken.None);
        var second = await Jobs.ListAsync(null, _ => true, 20, first.Next, Now, CancellationToken.None);

        Assert.Equal(20, first.Jobs.Count);
        Assert.InRange(first.Read, 21, 70);
        Assert.InRange(second.Read, 21, 70);
        Assert.Equal(hub.Jobs.OrderByDescending(job => job.CreatedAt).Skip(20).First().InstanceId, second.Jobs[0].JobId);
    }

    [Fact]
    public async Task A_burst_of_jobs_is_listed_in_order_at_a_cost_per_page_far_below_the_burst()
    {
        // 3,000 jobs within two minutes, as a pipeline dropping a folder of images makes them.
        var random = new Random(11);
        for (var i = 0; i < 3000; i++)
        {
            hub.Add(Now - TimeSpan.FromMilliseconds(random.Next(0, 120_000)));
        }

        var first = await Jobs.ListAsync(null, _ => true, 100, null, Now, CancellationToken.None);
        var listed = await ListAllAsync(top: 100);

        Assert.InRange(first.Read, 101, 1200);
        Assert.Equal(hub.Jobs.OrderByDescending(job => job.CreatedAt).ThenByDescending(job => job.InstanceId, StringComparer.Ordinal).Select(job => job.InstanceId), listed);
    }

    [Fact]
    public async Task A_burst_at_one_instant_is_still_listed_whole()
    {
        for (var i = 0; i < 500; i++)
        {
            hub.Add(Now - TimeSpan.FromSeconds(30));
        }

        Assert.Equal(500, (await ListAllAsync(top: 20)).Distinct().Count());
    }

    [Fact]
    public async Task Jobs_long_ago_are_found_and_the_last_page_says_it_is_the_last()
    {
        var recent = hub.Add(Now - TimeSpan.FromMinutes(1));
        var old = hub.Add(Now - TimeSpan.FromDays(200));

        var page = await Jobs.ListAsync(null, _ => true, 20, null, Now, CancellationToken.None);

        Assert.Equal([recent, old], page.Jobs.Select(job => job.JobId));
        Assert.Null(page.Next);
    }

    [Fact]
    public async Task An_empty_hub_is_one_empty_page()
    {
        var page = await Jobs.ListAsync(null, _ => true, 20, null, Now, CancellationToken.None);

        Assert.Empty(page.Jobs);
        Assert.Null(page.Next);
    }

    [Fact]
    public async Task A_status_narrows_the_engine_s_query_and_the_jobs_listed()
    {
        var canceled = hub.Add(Now - TimeSpan.FromMinutes(3), OrchestrationRuntimeStatus.Terminated);
        hub.Add(Now - TimeSpan.FromMinutes(2), OrchestrationRuntimeStatus.Completed);
        hub.Add(Now - TimeSpan.FromMinutes(1), OrchestrationRuntimeStatus.Running);

        var page = await Jobs.ListAsync([JobRuntimeStatus.Terminated], _ => true, 20, null, Now, CancellationToken.None);

        Assert.Equal([canceled], page.Jobs.Select(job => job.JobId));
        Assert.All(hub.Queries, query => Assert.Contains(OrchestrationRuntimeStatus.Terminated, query.Statuses!));
        Assert.All(hub.Queries, query => Assert.DoesNotContain(OrchestrationRuntimeStatus.Completed, query.Statuses!));
    }

    [Fact]
    public async Task The_listing_reads_each_job_s_prompt_from_its_input_in_the_same_query()
    {
        hub.Add(Now - TimeSpan.FromMinutes(1), prompt: "a cat turns its head");

        var job = Assert.Single((await Jobs.ListAsync(null, _ => true, 20, null, Now, CancellationToken.None)).Jobs);

        Assert.Equal("a cat turns its head", job.Prompt);
        Assert.Equal(Now - TimeSpan.FromMinutes(1), job.CreatedAt);
    }

    private DurableVideoJobClient Jobs => new(hub.Client);

    private async Task<List<string>> ListAllAsync(int top)
    {
        var listed = new List<string>();
        JobListCursor? cursor = null;
        for (var pages = 0; pages < 100; pages++)
        {
            var page = await Jobs.ListAsync(null, _ => true, top, cursor, Now, CancellationToken.None);
            Assert.True(page.Jobs.Count <= top);
            listed.AddRange(page.Jobs.Select(job => job.JobId));
            if ((cursor = page.Next) is null)
            {
                return listed;
            }
        }

        throw new InvalidOperationException("The pages never ended.");
    }

    /// <summary>Instances answered as the Azure Storage backend answers the query: filtered, in instance id order, paged.</summary>
    private sealed class TaskHub
    {
        private readonly List<OrchestrationMetadata> jobs = [];

        public TaskHub()
        {
            var client = new Mock<DurableTaskClient>("task hub");
            client.Setup(c => c.GetAllInstancesAsync(It.IsAny<OrchestrationQuery>())).Returns((OrchestrationQuery query) => Query(query));
            Client = client.Object;
        }

        public DurableTaskClient Client { get; }

        public IReadOnlyList<OrchestrationMetadata> Jobs => jobs;

        public List<OrchestrationQuery> Queries { get; } = [];

        public string Add(DateTimeOffset createdAt, OrchestrationRuntimeStatus status = OrchestrationRuntimeStatus.Completed, string prompt = "a prompt")
        {
            var id = Guid.NewGuid().ToString("N");
            var converter = JsonDataConverter.Default;
            jobs.Add(new OrchestrationMetadata(VideoOrchestration.Name, id)
            {
                RuntimeStatus = status,
                CreatedAt = createdAt,
                LastUpdatedAt = createdAt.AddMinutes(1),
                DataConverter = converter,
                SerializedInput = converter.Serialize(new VideoJobInput
                {
                    JobId = id,
                    CreatedAt = createdAt,
                    Parameters = new VideoParameters { Prompt = prompt },
                    Inputs = new StagingRequest(id, new InputReference(BlobName: $"{id}/image.png")),
                    Settings = new WorkflowSettings { FirstPoll = TimeSpan.FromSeconds(15), MaxPollInterval = TimeSpan.FromMinutes(2), Deadline = TimeSpan.FromHours(1), ArchiveVideo = true, WebhooksEnabled = true },
                }),
            });
            return id;
        }

        private AsyncPageable<OrchestrationMetadata> Query(OrchestrationQuery query)
        {
            Queries.Add(query);
            var matching = jobs
                .Where(job => (query.CreatedFrom is null || job.CreatedAt >= query.CreatedFrom) && (query.CreatedTo is null || job.CreatedAt <= query.CreatedTo))
                .Where(job => query.Statuses is null || query.Statuses.Contains(job.RuntimeStatus))
                .OrderBy(job => job.InstanceId, StringComparer.Ordinal)
                .Select(job => query.FetchInputsAndOutputs ? job : new OrchestrationMetadata(job.Name, job.InstanceId) { RuntimeStatus = job.RuntimeStatus, CreatedAt = job.CreatedAt })
                .ToList();
            return Pageable.Create((string? continuation, int? size, CancellationToken _) =>
            {
                var skip = continuation is null ? 0 : int.Parse(continuation, System.Globalization.CultureInfo.InvariantCulture);
                var take = size ?? query.PageSize;
                var page = matching.Skip(skip).Take(take).ToList();
                var next = skip + take < matching.Count ? (skip + take).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
                return Task.FromResult(new Page<OrchestrationMetadata>(page, next));
            });
        }
    }
}
