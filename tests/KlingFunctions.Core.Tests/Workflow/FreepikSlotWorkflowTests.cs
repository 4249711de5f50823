using KlingFunctions.Freepik;
using KlingFunctions.Staging;
using KlingFunctions.Storage;
using KlingFunctions.Workflow;
using static KlingFunctions.Core.Tests.Workflow.JobScript;

namespace KlingFunctions.Core.Tests.Workflow;

/// <summary>How a job waits for one of Freepik's concurrent tasks and gives it back, on the Durable Task engine.</summary>
[Collection(UsesWorkflowEngine.Name)]
public sealed class FreepikSlotWorkflowTests(WorkflowEngine engine)
{
    public enum Ending
    {
        Completed,
        FreepikFailed,
        Rejected,
        TimedOutGenerating,
        ArchiveFailed,
    }

    [Fact]
    public async Task A_job_in_line_reads_WaitingForSlot_and_submits_once_a_slot_is_free()
    {
        var open = false;
        var script = new JobScript { AcquireSlot = _ => Volatile.Read(ref open) ? Granted : InLine(2), Status = _ => Polled("COMPLETED", VideoUrl) };
        var id = await engine.StartAsync(script, Settings(webhooks: false));

        await engine.ReachedAsync(id, JobStage.WaitingForSlot);
        await Task.Delay(300);
        var waiting = await engine.ReachedAsync(id, JobStage.WaitingForSlot);
        Assert.Equal(JobStage.WaitingForSlot, waiting.Stage);
        Assert.Equal(0, script.CallsTo(WorkflowActivities.SubmitVideoTask));
        Assert.Equal((2, 3), (waiting.Line!.Ahead, waiting.Line.Limit));
        Assert.InRange(waiting.Line.CheckedAt, DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow);

        Volatile.Write(ref open, true);
        var (result, progress) = await engine.FinishedAsync(id);

        Assert.Equal(JobStatus.Completed, result.Status);
        Assert.Null(progress.Line);
        Assert.Equal(1, script.CallsTo(WorkflowActivities.SubmitVideoTask));
        var requests = script.InputsOf<SlotRequest>(WorkflowActivities.AcquireFreepikSlot);
        Assert.Equal((id, JobScript.SlotPool, (long?)null, (long?)1), (requests[0].JobId, requests[0].Pool, requests[0].Joined, requests[^1].Joined));
        var release = Assert.Single(script.InputsOf<SlotRelease>(WorkflowActivities.ReleaseFreepikSlot));
        Assert.Equal((JobScript.SlotPool, id), (release.Pool, release.JobId));
    }

    [Fact]
    public async Task A_job_giving_its_slot_back_wakes_the_next_in_line_without_waiting_for_the_recheck()
    {
        // Rechecks an hour apart: only the first job's wake-up can get the second one going within the test.
        var settings = Settings(webhooks: false) with { SlotRecheckInterval = TimeSpan.FromMinutes(10), Deadline = TimeSpan.FromHours(1) };
        var firstReleased = false;
        string? second = null;
        var first = new JobScript
        {
            Status = _ => Polled("COMPLETED", VideoUrl),
            ReleaseSlot = _ =>
            {
                Volatile.Write(ref firstReleased, true);
                return [second!];
            },
        };
        var next = new JobScript { AcquireSlot = _ => Volatile.Read(ref firstReleased) ? Granted : InLine(1), Status = _ => Polled("COMPLETED", VideoUrl) };
        second = await engine.StartAsync(next, settings);
        await engine.ReachedAsync(second, JobStage.WaitingForSlot);

        var firstId = await engine.StartAsync(first, settings);
        var (firstResult, _) = await engine.FinishedAsync(firstId);
        var (secondResult, _) = await engine.FinishedAsync(second);

        Assert.Equal((JobStatus.Completed, JobStatus.Completed), (firstResult.Status, secondResult.Status));

        // The second ask says it was woken: it may take the slot offered to it without reading the line again.
        Assert.Equal([false, true], next.InputsOf<SlotRequest>(WorkflowActivities.AcquireFreepikSlot).Select(request => request.Woken));
    }

    [Fact]
    public async Task A_create_refused_with_429_goes_back_in_line_without_using_up_its_attempts()
    {
        var creates = 0;
        var script = new JobScript
        {
            Submit = _ => Interlocked.Increment(ref creates) <= 3
                ? new FreepikResult { Outcome = FreepikOutcome.Transient, StatusCode = 429, RetryAfter = TimeSpan.FromMilliseconds(100) }
                : Accepted("CREATED"),
            Status = _ => Polled("COMPLETED", VideoUrl),
        };

        var (result, progress) = await engine.FinishedAsync(await engine.StartAsync(script, Settings(webhooks: false) with { MaxSubmitAttempts = 1 }));

        Assert.Equal(JobStatus.Completed, result.Status);
        Assert.Equal([1, 2, 3, 4], script.InputsOf<SubmitRequest>(WorkflowActivities.SubmitVideoTask).Select(request => request.Attempt));

        // Given back after each 429 and once the task was done; taken again before each create.
        Assert.Equal((4, 4), (script.CallsTo(WorkflowActivities.AcquireFreepikSlot), script.CallsTo(WorkflowActivities.ReleaseFreepikSlot)));
        Assert.Equal(JobStage.Done, progress.Stage);
    }

    [Fact]
    public async Task A_job_still_in_line_at_its_MaxWaitForSlot_times_out_without_submitting_and_leaves_the_line()
    {
        var script = new JobScript { AcquireSlot = _ => InLine(2) };

        var (result, _) = await engine.FinishedAsync(await engine.StartAsync(script, Settings(webhooks: false) with { MaxWaitForSlot = TimeSpan.FromSeconds(2) }));

        Assert.Equal((JobStatus.TimedOut, JobErrorCodes.SlotWaitExceeded), (result.Status, result.Error?.Code));
        Assert.Contains("Workflow:MaxWaitForSlot", result.Error!.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was paid", result.Error.Message, StringComparison.Ordinal);
        Assert.Equal(0, script.CallsTo(WorkflowActivities.SubmitVideoTask));
        Assert.Single(script.InputsOf<SlotRelease>(WorkflowActivities.ReleaseFreepikSlot));
    }

    [Fact]
    public async Task A_job_that_waits_in_line_longer_than_its_Deadline_still_completes()
    {
        var since = DateTimeOffset.UtcNow;
        var script = new JobScript
        {
            AcquireSlot = _ => DateTimeOffset.UtcNow - since > TimeSpan.FromSeconds(2) ? Granted : InLine(0),
            Status = _ => Polled("COMPLETED", VideoUrl),
        };

        var (result, _) = await engine.FinishedAsync(await engine.StartAsync(script, Settings(webhooks: false) with { Deadline = TimeSpan.FromSeconds(1) }));

        Assert.Equal(JobStatus.Completed, result.Status);
        Assert.Equal(1, script.CallsTo(WorkflowActivities.SubmitVideoTask));
    }

    [Fact]
    public async Task A_slot_granted_after_the_wait_s_bound_is_given_back_unused_nothing_paid()
    {
        // A slow ask: the grant comes back when the job's wait in line is already over.
        var script = new JobScript
        {
            AcquireSlot = _ =>
            {
                Thread.Sleep(TimeSpan.FromSeconds(1.5));
                return Granted;
            },
        };

        var (result, _) = await engine.FinishedAsync(await engine.StartAsync(script, Settings(webhooks: false) with { MaxWaitForSlot = TimeSpan.FromSeconds(1) }));

        Assert.Equal((JobStatus.TimedOut, JobErrorCodes.SlotWaitExceeded), (result.Status, result.Error?.Code));
        Assert.Equal(0, script.CallsTo(WorkflowActivities.SubmitVideoTask));
        Assert.Single(script.InputsOf<SlotRelease>(WorkflowActivities.ReleaseFreepikSlot));
    }

    [Fact]
    public async Task An_ask_that_fails_on_every_retry_still_gives_back_in_the_job_s_own_pool_whatever_it_wrote()
    {
        var script = new JobScript { AcquireSlot = _ => throw new InvalidOperationException("storage answered 500 after writing") };

        var (result, _) = await engine.FinishedAsync(await engine.StartAsync(script, Settings(webhooks: false) with { ActivityRetryAttempts = 2 }));

        Assert.Equal(JobErrorCodes.InternalError, result.Error?.Code);
        var release = Assert.Single(script.InputsOf<SlotRelease>(WorkflowActivities.ReleaseFreepikSlot));
        Assert.Equal(JobScript.SlotPool, release.Pool);
    }

    [Fact]
    public async Task A_job_in_line_asks_again_when_the_line_said_and_tells_it_where_it_stood()
    {
        var asks = 0;
        var askAgainIn = TimeSpan.FromSeconds(1);
        var script = new JobScript { AcquireSlot = _ => Interlocked.Increment(ref asks) == 1 ? InLine(30) with { AskAgainIn = askAgainIn } : Granted, Status = _ => Polled("COMPLETED", VideoUrl) };
        var settings = Settings(webhooks: false);

        await engine.FinishedAsync(await engine.StartAsync(script, settings));

        // Not after the recheck interval: the line keeps its place for as long as it said, which its place decides.
        var times = script.TimesOf(WorkflowActivities.AcquireFreepikSlot);
        Assert.True(times[1] - times[0] >= askAgainIn, $"asked again after {times[1] - times[0]}");
        var requests = script.InputsOf<SlotRequest>(WorkflowActivities.AcquireFreepikSlot);
        Assert.Equal((null, 30, settings.SlotRecheckInterval, false), (requests[0].Ahead, requests[1].Ahead, requests[1].RecheckInterval, requests[1].Woken));
    }

    [Theory]
    [InlineData(Ending.Completed)]
    [InlineData(Ending.FreepikFailed)]
    [InlineData(Ending.Rejected)]
    [InlineData(Ending.TimedOutGenerating)]
    [InlineData(Ending.ArchiveFailed)]
    public async Task Every_ending_after_a_slot_was_taken_gives_it_back_once(Ending ending)
    {
        var script = ending switch
        {
            Ending.Completed => new JobScript { Status = _ => Polled("COMPLETED", VideoUrl) },
            Ending.FreepikFailed => new JobScript { Status = _ => Polled("FAILED") },
            Ending.Rejected => new JobScript { Submit = _ => new FreepikResult { Outcome = FreepikOutcome.Rejected, Message = "no" } },
            Ending.TimedOutGenerating => new JobScript(),
            _ => new JobScript { Status = _ => Polled("COMPLETED", VideoUrl), Archive = _ => throw new InvalidOperationException("storage is gone") },
        };
        var settings = Settings(webhooks: false) with { Deadline = TimeSpan.FromSeconds(2), ActivityRetryAttempts = 1 };

        var (result, _) = await engine.FinishedAsync(await engine.StartAsync(script, settings));

        Assert.NotEqual(JobErrorCodes.InternalError, result.Error?.Code);
        Assert.Single(script.InputsOf<SlotRelease>(WorkflowActivities.ReleaseFreepikSlot));
    }

    [Fact]
    public async Task A_job_that_fails_before_taking_a_slot_has_none_to_give_back()
    {
        var script = new JobScript { Stage = _ => StagingResult.Failed([new StagingError("image", "is not an image.")]) };

        var (result, _) = await engine.FinishedAsync(await engine.StartAsync(script, Settings(webhooks: false)));

        Assert.Equal(JobErrorCodes.InvalidImage, result.Error?.Code);
        Assert.Equal((0, 0), (script.CallsTo(WorkflowActivities.AcquireFreepikSlot), script.CallsTo(WorkflowActivities.ReleaseFreepikSlot)));
    }
}
