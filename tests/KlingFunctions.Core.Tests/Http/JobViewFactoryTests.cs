using KlingFunctions.Http;
using KlingFunctions.Workflow;

namespace KlingFunctions.Core.Tests.Http;

/// <summary>
/// How a job reads from what the engine says of its orchestration, and the jobs list's status filter: the engine
/// statuses asked for a job status are exactly those of the jobs that read as it.
/// </summary>
public sealed class JobViewFactoryTests
{
    private static readonly DateTimeOffset Now = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly JobStatus[] Endings = [JobStatus.Completed, JobStatus.Failed, JobStatus.Canceled, JobStatus.TimedOut];

    [Fact]
    public void A_job_waiting_in_line_reads_Pending_with_its_place_and_loses_it_once_it_holds_a_slot()
    {
        var checkedAt = Now.UtcDateTime.AddSeconds(-5);
        var waiting = new VideoJobProgress { Stage = JobStage.WaitingForSlot, Line = new SlotPlace(41, 3, checkedAt) };

        var view = JobView.From("job", JobStatus.Running, waiting, null, Now, Now, null);
        var submitting = JobView.From("job", JobStatus.Running, waiting with { Stage = JobStage.Submitting }, null, Now, Now, null);

        Assert.Equal((JobStatus.Pending, JobStage.WaitingForSlot), (view.Status, view.Stage));
        Assert.Equal(new LineView(41, 3, new DateTimeOffset(checkedAt, TimeSpan.Zero)), view.Line);
        Assert.Null(submitting.Line);
    }

    [Fact]
    public void A_completed_orchestration_whose_output_is_Canceled_reads_Canceled_with_its_code()
    {
        var summary = JobViewFactory.Summarize(Snapshot(JobRuntimeStatus.Completed, Done(JobStatus.Canceled), Ended(JobStatus.Canceled)));

        Assert.Equal((JobStatus.Canceled, JobStage.Done), (summary.Status, summary.Stage));
    }

    [Fact]
    public void A_running_orchestration_that_has_reported_Canceled_reads_Canceled_while_it_finishes()
        => Assert.Equal(JobStatus.Canceled, JobViewFactory.Summarize(Snapshot(JobRuntimeStatus.Running, Done(JobStatus.Canceled))).Status);

    [Fact]
    public void A_terminated_orchestration_that_reported_nothing_reads_Canceled()
        => Assert.Equal(JobStatus.Canceled, JobViewFactory.Summarize(Snapshot(JobRuntimeStatus.Terminated, new VideoJobProgress { Stage = JobStage.Generating })).Status);

    [Fact]
    public void A_terminated_orchestration_keeps_the_outcome_it_had_reported()
        => Assert.Equal(JobStatus.Completed, JobViewFactory.Summarize(Snapshot(JobRuntimeStatus.Terminated, Done(JobStatus.Completed))).Status);

    [Theory]
    [InlineData(JobStatus.Pending)]
    [InlineData(JobStatus.Running)]
    [InlineData(JobStatus.Completed)]
    [InlineData(JobStatus.Failed)]
    [InlineData(JobStatus.Canceled)]
    [InlineData(JobStatus.TimedOut)]
    public void The_engine_statuses_asked_for_a_status_are_exactly_those_of_the_jobs_that_read_as_it(JobStatus status)
    {
        var readingAsIt = EveryKindOfJob().Where(job => JobViewFactory.Summarize(job).Status == status).Select(job => job.RuntimeStatus).ToHashSet();

        Assert.Equal(readingAsIt.Order(), JobViewFactory.RuntimeStatusesFor(status).Order());
    }

    /// <summary>Every state a job can be in, as the engine reports it.</summary>
    private static IEnumerable<VideoJobSnapshot> EveryKindOfJob()
    {
        yield return Snapshot(JobRuntimeStatus.Pending, progress: null);
        foreach (var stage in new[] { JobStage.Queued, JobStage.Staging, JobStage.WaitingForSlot, JobStage.Submitting, JobStage.Generating, JobStage.Archiving })
        {
            yield return Snapshot(JobRuntimeStatus.Running, new VideoJobProgress { Stage = stage });
            yield return Snapshot(JobRuntimeStatus.Terminated, new VideoJobProgress { Stage = stage });
        }

        foreach (var ending in Endings)
        {
            // Finishing (the outcome reported, the callback and event under way), finished, or terminated after reporting.
            yield return Snapshot(JobRuntimeStatus.Running, Done(ending));
            yield return Snapshot(JobRuntimeStatus.Completed, Done(ending), Ended(ending));
            yield return Snapshot(JobRuntimeStatus.Terminated, Done(ending));
        }

        yield return Snapshot(JobRuntimeStatus.Failed, new VideoJobProgress { Stage = JobStage.Generating });
    }

    private static VideoJobResult Ended(JobStatus status) => new()
    {
        Status = status,
        Error = status == JobStatus.Completed ? null : new JobError(status == JobStatus.Canceled ? JobErrorCodes.Canceled : JobErrorCodes.FreepikFailed, "ended"),
    };

    private static VideoJobProgress Done(JobStatus status) => new() { Stage = JobStage.Done, Result = Ended(status) };

    private static VideoJobSnapshot Snapshot(JobRuntimeStatus runtime, VideoJobProgress? progress, VideoJobResult? result = null)
        => new("0123456789abcdef0123456789abcdef", runtime, Now, Now, progress, result, FailureMessage: null);
}
