using KlingFunctions.Freepik;
using KlingFunctions.Staging;
using KlingFunctions.Storage;
using KlingFunctions.Workflow;

namespace KlingFunctions.Core.Tests.Workflow;

public sealed class VideoOrchestrationTests
{
    private static readonly DateTime Start = new(2026, 11, 24, 10, 0, 0, DateTimeKind.Utc);
    private const string TaskId = "task-1";
    private const string VideoUrl = "https://cdn.example/video.mp4";

    [Fact]
    public void Completes_from_the_webhook_without_polling()
    {
        var host = Submitted(webhooks: true)
            .RaiseAt(Start.AddSeconds(40), Update("IN_PROGRESS", "d1"))
            .RaiseAt(Start.AddSeconds(90), Update("COMPLETED", "d2", VideoUrl));

        var result = host.Run(Input(webhooks: true));

        Assert.Equal(JobStatus.Completed, result.Status);
        Assert.Equal([VideoUrl], result.VideoUrls);
        Assert.Equal(new ArchivedVideo("job-1.mp4", 1234), result.Video);
        Assert.Equal(0, host.CallsTo(WorkflowActivities.GetVideoTaskStatus));
        var last = Assert.IsType<VideoJobProgress>(host.CustomStatuses[^1]);
        Assert.Equal((JobStage.Done, 2, 0, "COMPLETED"), (last.Stage, last.Webhooks, last.Polls, last.FreepikStatus));
    }

    [Fact]
    public void Completes_by_polling_when_the_webhook_is_lost()
    {
        var polls = 0;
        var host = Submitted(webhooks: true)
            .OnActivity<StatusRequest>(WorkflowActivities.GetVideoTaskStatus, _ => ++polls < 2 ? Polled("IN_PROGRESS") : Polled("COMPLETED", VideoUrl));

        var result = host.Run(Input(webhooks: true));

        Assert.Equal(JobStatus.Completed, result.Status);
        Assert.Equal(2, host.CallsTo(WorkflowActivities.GetVideoTaskStatus));
    }

    [Fact]
    public void A_stale_status_after_a_terminal_one_changes_nothing_and_duplicates_are_ignored()
    {
        var host = Submitted(webhooks: true)
            .RaiseAt(Start.AddSeconds(10), Update("COMPLETED", "d2", VideoUrl))
            .RaiseAt(Start.AddSeconds(11), Update("COMPLETED", "d2", VideoUrl))
            .RaiseAt(Start.AddSeconds(12), Update("IN_PROGRESS", "d1"));

        var result = host.Run(Input(webhooks: true));

        Assert.Equal(JobStatus.Completed, result.Status);
        Assert.Equal(1, host.CallsTo(WorkflowActivities.ArchiveVideo));
    }

    [Fact]
    public void An_update_for_another_task_is_ignored()
    {
        var host = Submitted(webhooks: true)
            .RaiseAt(Start.AddSeconds(10), new FreepikTaskUpdate("x", "other-task", "FAILED", []))
            .RaiseAt(Start.AddSeconds(20), Update("COMPLETED", "d2", VideoUrl));

        Assert.Equal(JobStatus.Completed, host.Run(Input(webhooks: true)).Status);
    }

    [Fact]
    public void Fails_with_FreepikFailed_when_Freepik_reports_FAILED()
    {
        var host = Submitted(webhooks: true).RaiseAt(Start.AddSeconds(30), Update("FAILED", "d1"));

        var result = host.Run(Input(webhooks: true));

        Assert.Equal((JobStatus.Failed, JobErrorCodes.FreepikFailed), (result.Status, result.Error?.Code));
        Assert.Equal(0, host.CallsTo(WorkflowActivities.ArchiveVideo));
    }

    [Fact]
    public void Fails_with_EmptyResult_when_COMPLETED_has_no_video()
    {
        var host = Submitted(webhooks: true).RaiseAt(Start.AddSeconds(30), Update("COMPLETED", "d1"));

        var result = host.Run(Input(webhooks: true));

        Assert.Equal((JobStatus.Failed, JobErrorCodes.EmptyResult), (result.Status, result.Error?.Code));
    }

    [Fact]
    public void A_COMPLETED_webhook_without_a_video_is_checked_with_one_poll_before_failing()
    {
        var host = Submitted(webhooks: true)
            .OnActivity<StatusRequest>(WorkflowActivities.GetVideoTaskStatus, _ => Polled("COMPLETED", VideoUrl))
            .RaiseAt(Start.AddSeconds(30), Update("COMPLETED", "d1"));

        var result = host.Run(Input(webhooks: true));

        Assert.Equal(JobStatus.Completed, result.Status);
        Assert.Equal([VideoUrl], result.VideoUrls);
        Assert.Equal(1, host.CallsTo(WorkflowActivities.GetVideoTaskStatus));
    }

    [Fact]
    public void A_single_404_from_a_poll_is_not_a_lost_task_but_several_in_a_row_are()
    {
        var polls = 0;
        var recovering = Submitted(webhooks: false)
            .OnActivity<StatusRequest>(WorkflowActivities.GetVideoTaskStatus, _ => ++polls == 1 ? new FreepikResult { Outcome = FreepikOutcome.NotFound } : Polled("COMPLETED", VideoUrl));
        var lost = Submitted(webhooks: false)
            .OnActivity<StatusRequest>(WorkflowActivities.GetVideoTaskStatus, _ => new FreepikResult { Outcome = FreepikOutcome.NotFound });

        Assert.Equal(JobStatus.Completed, recovering.Run(Input(webhooks: false)).Status);
        Assert.Equal(JobErrorCodes.FreepikTaskNotFound, lost.Run(Input(webhooks: false)).Error?.Code);
        Assert.Equal(VideoOrchestration.NotFoundPollsBeforeGivingUp, lost.CallsTo(WorkflowActivities.GetVideoTaskStatus));
    }

    [Theory]
    [InlineData(FreepikOutcome.Rejected, JobErrorCodes.FreepikRejected)]
    [InlineData(FreepikOutcome.Unauthorized, JobErrorCodes.FreepikUnauthorized)]
    [InlineData(FreepikOutcome.OutcomeUnknown, JobErrorCodes.SubmitOutcomeUnknown)]
    public void A_create_that_did_not_certainly_fail_for_a_transient_reason_is_never_retried(FreepikOutcome outcome, string code)
    {
        var host = Staged().OnActivity<SubmitRequest>(WorkflowActivities.SubmitVideoTask, _ => new FreepikResult { Outcome = outcome, Message = "no" });

        var result = host.Run(Input(webhooks: true));

        Assert.Equal((JobStatus.Failed, code), (result.Status, result.Error?.Code));
        Assert.Equal(1, host.CallsTo(WorkflowActivities.SubmitVideoTask));
    }

    [Fact]
    public void A_transient_create_failure_is_retried_after_Retry_After_and_makes_one_task()
    {
        var attempts = 0;
        var host = Staged()
            .OnActivity<SubmitRequest>(WorkflowActivities.SubmitVideoTask, _ => ++attempts == 1
                ? new FreepikResult { Outcome = FreepikOutcome.Transient, RetryAfter = TimeSpan.FromSeconds(7) }
                : Accepted("CREATED"))
            .OnActivity<StatusRequest>(WorkflowActivities.GetVideoTaskStatus, _ => Polled("COMPLETED", VideoUrl))
            .OnActivity<ArchiveRequest>(WorkflowActivities.ArchiveVideo, _ => new ArchiveResult("job-1.mp4", 1, null));

        var result = host.Run(Input(webhooks: false));

        Assert.Equal(JobStatus.Completed, result.Status);
        Assert.Equal(2, host.CallsTo(WorkflowActivities.SubmitVideoTask));
        Assert.Contains($"timer {Start.AddSeconds(7):O}", host.Actions);
    }

    [Fact]
    public void Gives_up_with_FreepikUnavailable_after_the_configured_create_attempts()
    {
        var host = Staged().OnActivity<SubmitRequest>(WorkflowActivities.SubmitVideoTask, _ => new FreepikResult { Outcome = FreepikOutcome.Transient, StatusCode = 503 });

        var result = host.Run(Input(webhooks: true));

        Assert.Equal((JobStatus.Failed, JobErrorCodes.FreepikUnavailable), (result.Status, result.Error?.Code));
        Assert.Equal(5, host.CallsTo(WorkflowActivities.SubmitVideoTask));
    }

    [Fact]
    public void Times_out_at_the_deadline_after_a_last_poll_and_leaves_no_timer_running()
    {
        var host = Submitted(webhooks: false)
            .OnActivity<StatusRequest>(WorkflowActivities.GetVideoTaskStatus, _ => Polled("IN_PROGRESS"));

        var result = host.Run(Input(webhooks: false) with { Settings = Settings(false) with { Deadline = TimeSpan.FromMinutes(10) } });

        Assert.Equal((JobStatus.TimedOut, JobErrorCodes.DeadlineExceeded), (result.Status, result.Error?.Code));
        var timers = host.Actions.Where(a => a.StartsWith("timer ", StringComparison.Ordinal)).ToList();
        Assert.Equal($"timer {Start.AddMinutes(10):O}", timers[^1]);
        Assert.Equal(timers.Count, host.History.Count(h => h.Kind == "timer"));
    }

    [Fact]
    public void Polls_back_off_from_FirstPoll_to_MaxPollInterval()
    {
        var polls = 0;
        var host = Submitted(webhooks: false)
            .OnActivity<StatusRequest>(WorkflowActivities.GetVideoTaskStatus, _ => ++polls < 6 ? Polled("IN_PROGRESS") : Polled("COMPLETED", VideoUrl));

        host.Run(Input(webhooks: false));

        var fireTimes = host.Actions.Where(a => a.StartsWith("timer ", StringComparison.Ordinal))
            .Select(a => DateTime.Parse(a[6..], null, System.Globalization.DateTimeStyles.RoundtripKind)).ToList();
        var gaps = fireTimes.Zip(fireTimes.Skip(1), (a, b) => (b - a).TotalSeconds).Prepend((fireTimes[0] - Start).TotalSeconds);
        Assert.Equal([15, 30, 60, 120, 120, 120], gaps);
    }

    [Fact]
    public void A_failing_poll_is_followed_by_the_next_poll_instead_of_failing_the_job()
    {
        var polls = 0;
        var host = Submitted(webhooks: false)
            .OnActivity<StatusRequest>(WorkflowActivities.GetVideoTaskStatus, _ => ++polls == 1 ? throw new InvalidOperationException("status activity crashed") : Polled("COMPLETED", VideoUrl));

        var result = host.Run(Input(webhooks: false));

        Assert.Equal(JobStatus.Completed, result.Status);
        Assert.Equal(2, host.CallsTo(WorkflowActivities.GetVideoTaskStatus));
    }

    [Fact]
    public void Fails_with_InvalidImage_before_anything_is_submitted()
    {
        var host = new ScriptedWorkflowHost(Start)
            .OnActivity<StagingRequest>(WorkflowActivities.StageSourceImage, _ => StagingResult.Failed([new StagingError("image", "is 299×400 pixels, smaller than 300×300.")]));

        var result = host.Run(Input(webhooks: true));

        Assert.Equal((JobStatus.Failed, JobErrorCodes.InvalidImage), (result.Status, result.Error?.Code));
        Assert.Contains("image: is 299×400 pixels", result.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(0, host.CallsTo(WorkflowActivities.SubmitVideoTask));
    }

    [Fact]
    public void Completes_with_ArchiveFailed_and_keeps_Freepiks_url_when_the_copy_fails()
    {
        var host = Submitted(webhooks: true)
            .OnActivity<ArchiveRequest>(WorkflowActivities.ArchiveVideo, _ => new ArchiveResult(null, 0, "the video URL answered 403"))
            .RaiseAt(Start.AddSeconds(30), Update("COMPLETED", "d1", VideoUrl));

        var result = host.Run(Input(webhooks: true));

        Assert.Equal((JobStatus.Completed, JobErrorCodes.ArchiveFailed), (result.Status, result.Error?.Code));
        Assert.Equal([VideoUrl], result.VideoUrls);
    }

    [Fact]
    public void Completes_with_ArchiveFailed_when_the_archive_activity_keeps_throwing()
    {
        var host = Submitted(webhooks: true)
            .OnActivity<ArchiveRequest>(WorkflowActivities.ArchiveVideo, _ => throw new InvalidOperationException("storage down"))
            .RaiseAt(Start.AddSeconds(30), Update("COMPLETED", "d1", VideoUrl));

        var result = host.Run(Input(webhooks: true));

        Assert.Equal((JobStatus.Completed, JobErrorCodes.ArchiveFailed), (result.Status, result.Error?.Code));
        Assert.Contains("storage down", result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Calls_back_once_with_the_final_result()
    {
        CallbackRequest? callback = null;
        var host = Submitted(webhooks: true)
            .OnActivity<CallbackRequest>(WorkflowActivities.NotifyCallback, request => { callback = request; return true; })
            .RaiseAt(Start.AddSeconds(30), Update("COMPLETED", "d1", VideoUrl));

        host.Run(Input(webhooks: true) with { CallbackUrl = "https://caller.example/done" });

        Assert.Equal(1, host.CallsTo(WorkflowActivities.NotifyCallback));
        Assert.Equal(("https://caller.example/done", JobStatus.Completed, JobStage.Done), (callback!.CallbackUrl, callback.Result.Status, callback.Progress.Stage));
    }

    [Fact]
    public void Replaying_the_recorded_history_repeats_the_same_actions()
    {
        var polls = 0;
        var host = Submitted(webhooks: true)
            .OnActivity<StatusRequest>(WorkflowActivities.GetVideoTaskStatus, _ => ++polls < 2 ? Polled("IN_PROGRESS") : Polled("COMPLETED", VideoUrl))
            .RaiseAt(Start.AddSeconds(20), Update("IN_PROGRESS", "d1"))
            .RaiseAt(Start.AddSeconds(21), Update("IN_PROGRESS", "d1"));
        var input = Input(webhooks: true) with { CallbackUrl = "https://caller.example/done" };
        host.OnActivity<CallbackRequest>(WorkflowActivities.NotifyCallback, _ => true);
        var first = host.Run(input);

        var replayed = host.Replay(input);

        Assert.Equal(first, replayed with { VideoUrls = first.VideoUrls });
        Assert.Equal(first.VideoUrls, replayed.VideoUrls);
        Assert.True(host.Actions.Count > 10);
    }

    private static ScriptedWorkflowHost Staged()
        => new ScriptedWorkflowHost(Start)
            .OnActivity<StagingRequest>(WorkflowActivities.StageSourceImage, request => new StagingResult(
                new StagedImage("image", request.Image!.BlobName!, ImageFormat.Png, 640, 480, 1000), null, [], []));

    private static ScriptedWorkflowHost Submitted(bool webhooks)
        => Staged()
            .OnActivity<SubmitRequest>(WorkflowActivities.SubmitVideoTask, _ => Accepted("CREATED"))
            .OnActivity<StatusRequest>(WorkflowActivities.GetVideoTaskStatus, _ => Polled(webhooks ? "IN_PROGRESS" : "COMPLETED", VideoUrl))
            .OnActivity<ArchiveRequest>(WorkflowActivities.ArchiveVideo, request => new ArchiveResult($"{request.JobId}.mp4", 1234, null));

    private static FreepikResult Accepted(string status) => new() { Outcome = FreepikOutcome.Accepted, Task = new FreepikTask(TaskId, new FreepikTaskStatus(status), []) };

    private static FreepikResult Polled(string status, params string[] generated)
        => new() { Outcome = FreepikOutcome.Accepted, Task = new FreepikTask(TaskId, new FreepikTaskStatus(status), generated) };

    private static FreepikTaskUpdate Update(string status, string deliveryId, params string[] generated) => new(deliveryId, TaskId, status, generated);

    private static WorkflowSettings Settings(bool webhooks) => new()
    {
        FirstPoll = TimeSpan.FromSeconds(15),
        MaxPollInterval = TimeSpan.FromMinutes(2),
        Deadline = TimeSpan.FromMinutes(60),
        ArchiveVideo = true,
        WebhooksEnabled = webhooks,
    };

    private static VideoJobInput Input(bool webhooks) => new()
    {
        JobId = "job-1",
        CreatedAt = new DateTimeOffset(Start),
        Parameters = new VideoParameters { Prompt = "a cat surfing", Duration = "5" },
        Inputs = new StagingRequest("job-1", InputReference.Blob("job-1/image.png")),
        Settings = Settings(webhooks),
    };
}
