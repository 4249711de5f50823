using KlingFunctions.DevHost.Runner;
using KlingFunctions.Workflow;
using KlingFunctions.Workflow.Activities;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace KlingFunctions.DevHost.Tests;

/// <summary>The Durable semantics the workflow relies on, as the in-process runner provides them.</summary>
public sealed class InProcessRunnerTests
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task An_event_raised_before_anyone_waits_is_delivered_to_the_first_waiter()
    {
        var events = new EventBuffer();

        events.Raise("FreepikTaskUpdate", "\"first\"");
        events.Raise("FreepikTaskUpdate", "\"second\"");

        Assert.Equal("\"first\"", await events.WaitAsync("FreepikTaskUpdate", CancellationToken.None));
        Assert.Equal("\"second\"", await events.WaitAsync("FreepikTaskUpdate", CancellationToken.None));
    }

    [Fact]
    public async Task Each_event_goes_to_exactly_one_waiter_in_order()
    {
        var events = new EventBuffer();
        var first = events.WaitAsync("e", CancellationToken.None);
        var second = events.WaitAsync("e", CancellationToken.None);

        events.Raise("e", "1");

        Assert.Equal("1", await first);
        Assert.False(second.IsCompleted);
        events.Raise("e", "2");
        Assert.Equal("2", await second);
    }

    [Fact]
    public async Task A_cancelled_timer_ends_without_firing_and_a_live_one_fires_at_its_time()
    {
        using var instance = new InProcessInstance("job", time.GetUtcNow());
        var context = Context(instance);
        using var cancellation = new CancellationTokenSource();
        var cancelled = context.CreateTimer(context.CurrentUtcDateTime.AddMinutes(1), cancellation.Token);
        var live = context.CreateTimer(context.CurrentUtcDateTime.AddMinutes(2), CancellationToken.None);

        await cancellation.CancelAsync();
        time.Advance(TimeSpan.FromMinutes(1));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.False(live.IsCompleted);
        time.Advance(TimeSpan.FromMinutes(1));
        await live;
    }

    [Fact]
    public async Task A_retry_policy_retries_a_failing_activity_after_its_backoff()
    {
        using var instance = new InProcessInstance("job", time.GetUtcNow());
        var flaky = new FlakyActivity(failures: 2);
        var context = Context(instance, flaky);

        var call = context.CallActivityAsync<string>(flaky.Name, "input", new ActivityRetry(3, TimeSpan.FromSeconds(10), 2, TimeSpan.FromMinutes(1)));
        await WaitForAsync(() => flaky.Calls == 1);
        time.Advance(TimeSpan.FromSeconds(9));
        await Task.Delay(50);
        var beforeBackoff = flaky.Calls;

        // Step the clock until the retries are done; each step lets the next backoff timer register first.
        var waited = TimeSpan.FromSeconds(9);
        while (!call.IsCompleted && waited < TimeSpan.FromMinutes(2))
        {
            time.Advance(TimeSpan.FromSeconds(1));
            waited += TimeSpan.FromSeconds(1);
            await Task.Delay(5);
        }

        Assert.Equal(1, beforeBackoff);
        Assert.Equal("input done", await call.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(3, flaky.Calls);
        Assert.True(waited >= TimeSpan.FromSeconds(30), $"the retries came after {waited}, before their 10 s + 20 s backoff");
    }

    [Fact]
    public async Task Without_a_retry_policy_an_activity_fails_at_once()
    {
        using var instance = new InProcessInstance("job", time.GetUtcNow());
        var flaky = new FlakyActivity(failures: 1);

        await Assert.ThrowsAsync<InvalidOperationException>(() => Context(instance, flaky).CallActivityAsync<string>(flaky.Name, "input"));
        Assert.Equal(1, flaky.Calls);
    }

    [Fact]
    public async Task Terminating_an_instance_stops_its_waits_and_marks_it_terminated_once()
    {
        using var instance = new InProcessInstance("job", time.GetUtcNow());
        var wait = Context(instance).WaitForExternalEvent<string>("e");

        Assert.True(instance.Terminate("Canceled by the caller.", time.GetUtcNow()));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
        Assert.False(instance.Terminate("again", time.GetUtcNow()));
        Assert.Equal(JobRuntimeStatus.Terminated, instance.Read().Status);
    }

    [Fact]
    public async Task An_instance_id_can_be_started_only_once()
    {
        await using var runner = new InProcessWorkflowRunner([], time, NullLoggerFactory.Instance);
        var input = new VideoJobInput
        {
            JobId = "job",
            CreatedAt = time.GetUtcNow(),
            Parameters = new VideoParameters { Prompt = "p", Duration = "5" },
            Inputs = new Staging.StagingRequest("job", null),
            Settings = new WorkflowSettings { FirstPoll = TimeSpan.FromSeconds(1), MaxPollInterval = TimeSpan.FromSeconds(2), Deadline = TimeSpan.FromMinutes(1), ArchiveVideo = false, WebhooksEnabled = false },
        };

        Assert.True(await runner.StartAsync("job", input, CancellationToken.None));
        Assert.False(await runner.StartAsync("job", input, CancellationToken.None));
        Assert.Equal(RaiseEventOutcome.NotFound, await runner.RaiseEventAsync("other", "e", "x", CancellationToken.None));
    }

    private InProcessWorkflowContext Context(InProcessInstance instance, params IWorkflowActivity[] activities)
        => new(instance, activities.ToDictionary(a => a.Name), time, NullLoggerFactory.Instance);

    private static async Task WaitForAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }

    private sealed class FlakyActivity(int failures) : WorkflowActivity<string, string>
    {
        private int calls;

        public int Calls => Volatile.Read(ref calls);

        public override string Name => "Flaky";

        public override Task<string> RunAsync(string input, CancellationToken cancellationToken)
            => Interlocked.Increment(ref calls) <= failures
                ? throw new InvalidOperationException("not yet")
                : Task.FromResult($"{input} done");
    }
}
