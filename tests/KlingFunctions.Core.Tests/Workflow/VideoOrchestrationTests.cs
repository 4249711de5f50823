using System.Text.Json;
using KlingFunctions.Freepik;
using KlingFunctions.Staging;
using KlingFunctions.Storage;
using KlingFunctions.Workflow;
using static KlingFunctions.Core.Tests.Workflow.JobScript;

namespace KlingFunctions.Core.Tests.Workflow;

/// <summary>
/// The orchestration's scenarios on the Durable Task engine, with its replays: every await below is a new episode
/// that replays the job's history from the start, so a non-deterministic orchestration fails these tests.
/// </summary>
[Collection(UsesWorkflowEngine.Name)]
public sealed class VideoOrchestrationTests(WorkflowEngine engine)
{
    /// <summary>Polls so far apart that a test which raises webhooks never sees one.</summary>
    private static readonly WorkflowSettings WebhooksOnly = Settings(webhooks: true) with { FirstPoll = TimeSpan.FromMinutes(5), MaxPollInterval = TimeSpan.FromMinutes(5), Deadline = TimeSpan.FromHours(1) };

    [Fact]
    public async Task Completes_from_the_webhooks_without_polling_and_archives_the_video()
    {
        var script = new JobScript();
        var id = await engine.StartAsync(script, WebhooksOnly);
        await engine.ReachedAsync(id, JobStage.Generating);

        await engine.RaiseAsync(id, Update("IN_PROGRESS", "d1"));
        await engine.RaiseAsync(id, Update("COMPLETED", "d2", VideoUrl));
        var (result, progress) = await engine.FinishedAsync(id);

        Assert.Equal(JobStatus.Completed, result.Status);
        Assert.Equal([VideoUrl], result.VideoUrls);
        Assert.Equal(new ArchivedVideo($"{id}.mp4", 1234), result.Video);
        Assert.Equal(0, script.CallsTo(WorkflowActivities.GetVideoTaskStatus));
        Assert.Equal((JobStage.Done, 2, 0, "COMPLETED"), (progress.Stage, progress.Webhooks, progress.Polls, progress.FreepikStatus));
    }

    [Fact]
    public async Task Completes_by_polling_when_the_webhook_is_lost()
    {
        var polls = 0;
        var script = new JobScript { Status = _ => Interlocked.Increment(ref polls) < 2 ? Polled("IN_PROGRESS") : Polled("COMPLETED", VideoUrl) };

        var (result, progress) = await engine.FinishedAsync(await engine.StartAsync(script, Settings(webhooks: true)));

        Assert.Equal(JobStatus.Completed, result.Status);
        Assert.Equal((2, 0), (script.CallsTo(WorkflowActivities.GetVideoTaskStatus), progress.Webhooks));
    }

    [Fact]
    public async Task A_webhook_raised_before_the_orchestration_waits_is_kept_for_it()
    {
        var script = new JobScript();

        // Raised at once, while the job is still staging: Durable buffers it until the orchestration waits.
        var id = await engine.StartAsync(script, WebhooksOnly);
        await engine.RaiseAsync(id, Update("COMPLETED", "d1", VideoUrl));
        var (result, progress) = await engine.FinishedAsync(id);

        Assert.Equal(JobStatus.Completed, result.Status);
        Assert.Equal((0, 1), (progress.Polls, progress.Webhooks));
    }

    [Fact]
    public async Task A_stale_status_after_a_terminal_one_changes_nothing_and_duplicates_are_ignored()
    {
        var script = new JobScript();
        var id = await engine.StartAsync(script, WebhooksOnly);
        await engine.ReachedAsync(id, JobStage.Generating);

        await engine.RaiseAsync(id, Update("COMPLETED", "d2", VideoUrl));
        await engine.RaiseAsync(id, Update("COMPLETED", "d2", VideoUrl));
        await engine.RaiseAsync(id, Update("IN_PROGRESS", "d1"));
        var (result, progress) = await engine.FinishedAsync(id);

        Assert.Equal(JobStatus.Completed, result.Status);
        Assert.Equal("COMPLETED", progress.FreepikStatus);
        Assert.Equal(1, script.CallsTo(WorkflowActivities.ArchiveVideo));
    }

    [Fact]
    public async Task An_update_for_another_task_is_ignored()
    {
        var id = await engine.StartAsync(new JobScript(), WebhooksOnly);
        await engine.ReachedAsync(id, JobStage.Generating);

        await engine.RaiseAsync(id, new FreepikTaskUpdate("x", "other-task", "FAILED", []));
        await engine.RaiseAsync(id, Update("COMPLETED", "d2", VideoUrl));

        Assert.Equal(JobStatus.Completed, (await engine.FinishedAsync(id)).Result.Status);
    }

    [Fact]
    public async Task Fails_with_FreepikFailed_when_Freepik_reports_FAILED()
    {
        var script = new JobScript();
        var id = await engine.StartAsync(script, WebhooksOnly);
        await engine.RaiseAsync(id, Update("FAILED", "d1"));

        var (result, _) = await engine.FinishedAsync(id);

        Assert.Equal((JobStatus.Failed, JobErrorCodes.FreepikFailed), (result.Status, result.Error?.Code));
        Assert.Equal(0, script.CallsTo(WorkflowActivities.ArchiveVideo));
    }

    [Fact]
    public async Task Fails_with_EmptyResult_when_COMPLETED_has_no_video_even_after_asking_again()
    {
        var script = new JobScript();
        var id = await engine.StartAsync(script, WebhooksOnly);
        await engine.RaiseAsync(id, Update("COMPLETED", "d1"));

        var (result, _) = await engine.FinishedAsync(id);

        Assert.Equal((JobStatus.Failed, JobErrorCodes.EmptyResult), (result.Status, result.Error?.Code));
        Assert.Equal(1, script.CallsTo(WorkflowActivities.GetVideoTaskStatus));
    }

    [Fact]
    public async Task A_COMPLETED_webhook_without_a_video_is_checked_with_one_poll_before_failing()
    {
        var script = new JobScript { Status = _ => Polled("COMPLETED", VideoUrl) };
        var id = await engine.StartAsync(script, WebhooksOnly);
        await engine.RaiseAsync(id, Update("COMPLETED", "d1"));

        var (result, _) = await engine.FinishedAsync(id);

        Assert.Equal(JobStatus.Completed, result.Status);
        Assert.Equal([VideoUrl], result.VideoUrls);
        Assert.Equal(1, script.CallsTo(WorkflowActivities.GetVideoTaskStatus));
    }

    [Fact]
    public async Task A_single_404_from_a_poll_is_not_a_lost_task_but_several_in_a_row_are()
    {
        var polls = 0;
        var recovering = new JobScript { Status = _ => Interlocked.Increment(ref polls) == 1 ? new FreepikResult { Outcome = FreepikOutcome.NotFound } : Polled("COMPLETED", VideoUrl) };
        var lost = new JobScript { Status = _ => new FreepikResult { Outcome = FreepikOutcome.NotFound } };

        var recovered = await engine.FinishedAsync(await engine.StartAsync(recovering, Settings(webhooks: false)));
        var gone = await engine.FinishedAsync(await engine.StartAsync(lost, Settings(webhooks: false)));

        Assert.Equal(JobStatus.Completed, recovered.Result.Status);
        Assert.Equal(JobErrorCodes.FreepikTaskNotFound, gone.Result.Error?.Code);
        Assert.Equal(VideoOrchestration.NotFoundPollsBeforeGivingUp, lost.CallsTo(WorkflowActivities.GetVideoTaskStatus));
    }

    [Theory]
    [InlineData(FreepikOutcome.Rejected, JobErrorCodes.FreepikRejected)]
    [InlineData(FreepikOutcome.Unauthorized, JobErrorCodes.FreepikUnauthorized)]
    [InlineData(FreepikOutcome.OutcomeUnknown, JobErrorCodes.SubmitOutcomeUnknown)]
    [InlineData(FreepikOutcome.DailyLimitReached, JobErrorCodes.DailyLimitReached)]
    public async Task A_create_that_did_not_certainly_fail_for_a_transient_reason_is_never_retried(FreepikOutcome outcome, string code)
    {
        var script = new JobScript { Submit = _ => new FreepikResult { Outcome = outcome, Message = "no" } };

        var (result, _) = await engine.FinishedAsync(await engine.StartAsync(script, Settings(webhooks: true)));

        Assert.Equal((JobStatus.Failed, code), (result.Status, result.Error?.Code));
        Assert.Equal(1, script.CallsTo(WorkflowActivities.SubmitVideoTask));
    }

    [Fact]
    public async Task The_jobs_model_is_in_its_progress_and_every_status_poll_asks_at_that_models_path()
    {
        var script = new JobScript { Status = _ => Polled("COMPLETED", VideoUrl) };

        var id = await engine.StartAsync(script, Settings(webhooks: false), parameters: new VideoParameters { Model = "kling-o1-pro", Prompt = "a cat" });
        var (result, progress) = await engine.FinishedAsync(id);

        Assert.Equal(JobStatus.Completed, result.Status);
        Assert.Equal("kling-o1-pro", progress.Model);
        Assert.Equal("kling-o1-pro", Assert.Single(script.InputsOf<StatusRequest>(WorkflowActivities.GetVideoTaskStatus)).Model);
        Assert.Equal("kling-o1-pro", Assert.Single(script.InputsOf<SubmitRequest>(WorkflowActivities.SubmitVideoTask)).Parameters.Model);
    }

    [Fact]
    public async Task A_job_started_before_models_existed_runs_as_Kling_2_1_Standard()
    {
        var script = new JobScript();

        var (_, progress) = await engine.FinishedAsync(await engine.StartAsync(script, WebhooksOnly with { Deadline = TimeSpan.FromSeconds(1) }));

        Assert.Equal("kling-v2-1-std", progress.Model);
    }

    [Fact]
    public async Task A_create_answered_429_or_503_is_retried_after_Retry_After_and_makes_one_task()
    {
        var retryAfter = TimeSpan.FromMilliseconds(300);
        var attempts = 0;
        var script = new JobScript
        {
            Submit = _ => Interlocked.Increment(ref attempts) == 1
                ? new FreepikResult { Outcome = FreepikOutcome.Transient, StatusCode = 429, RetryAfter = retryAfter }
                : Accepted("CREATED"),
            Status = _ => Polled("COMPLETED", VideoUrl),
        };

        var (result, _) = await engine.FinishedAsync(await engine.StartAsync(script, Settings(webhooks: false)));

        Assert.Equal(JobStatus.Completed, result.Status);
        Assert.Equal([1, 2], script.InputsOf<SubmitRequest>(WorkflowActivities.SubmitVideoTask).Select(request => request.Attempt));
        var times = script.TimesOf(WorkflowActivities.SubmitVideoTask);
        Assert.True(times[1] - times[0] >= retryAfter, $"The second create came {(times[1] - times[0]).TotalMilliseconds} ms after the first, before Retry-After.");
    }

    [Fact]
    public async Task Gives_up_with_FreepikUnavailable_after_the_configured_create_attempts()
    {
        var script = new JobScript { Submit = _ => new FreepikResult { Outcome = FreepikOutcome.Transient, StatusCode = 503, RetryAfter = TimeSpan.FromMilliseconds(50) } };

        var (result, _) = await engine.FinishedAsync(await engine.StartAsync(script, Settings(webhooks: true) with { MaxSubmitAttempts = 3 }));

        Assert.Equal((JobStatus.Failed, JobErrorCodes.FreepikUnavailable), (result.Status, result.Error?.Code));
        Assert.Equal(3, script.CallsTo(WorkflowActivities.SubmitVideoTask));
    }

    [Fact]
    public async Task Times_out_at_the_deadline_after_a_last_poll_at_the_deadline()
    {
        var deadline = TimeSpan.FromSeconds(4);
        var script = new JobScript();

        var started = DateTimeOffset.UtcNow;
        var (result, progress) = await engine.FinishedAsync(await engine.StartAsync(script, Settings(webhooks: false) with { Deadline = deadline }));

        Assert.Equal((JobStatus.TimedOut, JobErrorCodes.DeadlineExceeded), (result.Status, result.Error?.Code));
        Assert.Equal(JobStage.Done, progress.Stage);
        Assert.True(script.TimesOf(WorkflowActivities.GetVideoTaskStatus)[^1] >= started + deadline, "The last poll came before the deadline.");
    }

    [Fact]
    public async Task Polls_back_off_from_FirstPoll_to_MaxPollInterval()
    {
        var polls = 0;
        var settings = Settings(webhooks: false) with { FirstPoll = TimeSpan.FromMilliseconds(150), MaxPollInterval = TimeSpan.FromMilliseconds(600) };
        var script = new JobScript { Status = _ => Interlocked.Increment(ref polls) < 5 ? Polled("IN_PROGRESS") : Polled("COMPLETED", VideoUrl) };

        await engine.FinishedAsync(await engine.StartAsync(script, settings));

        // Each wait is at least the schedule's (a timer never fires early on this engine); later ones may be longer.
        var times = script.TimesOf(WorkflowActivities.GetVideoTaskStatus);
        var gaps = times.Zip(times.Skip(1), (a, b) => (b - a).TotalMilliseconds).ToList();
        double[] schedule = [300, 600, 600, 600];
        Assert.All(gaps.Zip(schedule), gap => Assert.True(gap.First >= gap.Second, $"A poll came {gap.First} ms after the previous one; the schedule says {gap.Second} ms."));
    }

    [Fact]
    public async Task A_poll_answered_with_Retry_After_is_followed_by_the_next_only_after_it()
    {
        var retryAfter = TimeSpan.FromMilliseconds(700);
        var polls = 0;
        var script = new JobScript
        {
            Status = _ => Interlocked.Increment(ref polls) == 1
                ? new FreepikResult { Outcome = FreepikOutcome.Transient, StatusCode = 429, RetryAfter = retryAfter }
                : Polled("COMPLETED", VideoUrl),
        };

        var (result, _) = await engine.FinishedAsync(await engine.StartAsync(script, Settings(webhooks: false)));

        var times = script.TimesOf(WorkflowActivities.GetVideoTaskStatus);
        Assert.Equal(JobStatus.Completed, result.Status);
        Assert.True(times[1] - times[0] >= retryAfter, $"The second poll came {(times[1] - times[0]).TotalMilliseconds} ms after the first, before Retry-After.");
    }

    [Fact]
    public async Task A_failing_poll_is_followed_by_the_next_poll_instead_of_failing_the_job()
    {
        var polls = 0;
        var script = new JobScript { Status = _ => Interlocked.Increment(ref polls) == 1 ? throw new InvalidOperationException("status activity crashed") : Polled("COMPLETED", VideoUrl) };

        var (result, _) = await engine.FinishedAsync(await engine.StartAsync(script, Settings(webhooks: false)));

        Assert.Equal(JobStatus.Completed, result.Status);
        Assert.Equal(2, script.CallsTo(WorkflowActivities.GetVideoTaskStatus));
    }

    [Fact]
    public async Task Fails_with_InvalidImage_before_anything_is_submitted()
    {
        var script = new JobScript { Stage = _ => StagingResult.Failed([new StagingError("image", "is 299×400 pixels, smaller than 300×300.")]) };

        var (result, _) = await engine.FinishedAsync(await engine.StartAsync(script, Settings(webhooks: true)));

        Assert.Equal((JobStatus.Failed, JobErrorCodes.InvalidImage), (result.Status, result.Error?.Code));
        Assert.Contains("image: is 299×400 pixels", result.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(0, script.CallsTo(WorkflowActivities.SubmitVideoTask));
    }

    [Fact]
    public async Task Completes_with_ArchiveFailed_and_keeps_Freepiks_url_when_the_copy_fails()
    {
        var script = new JobScript { Archive = _ => new ArchiveResult(null, 0, "the video URL answered 403") };
        var id = await engine.StartAsync(script, WebhooksOnly);
        await engine.RaiseAsync(id, Update("COMPLETED", "d1", VideoUrl));

        var (result, _) = await engine.FinishedAsync(id);

        Assert.Equal((JobStatus.Completed, JobErrorCodes.ArchiveFailed), (result.Status, result.Error?.Code));
        Assert.Equal([VideoUrl], result.VideoUrls);
    }

    [Fact]
    public async Task An_archive_activity_that_keeps_throwing_is_retried_by_Durable_then_reported_as_ArchiveFailed()
    {
        var script = new JobScript { Archive = _ => throw new InvalidOperationException("storage down") };
        var id = await engine.StartAsync(script, WebhooksOnly with { ActivityRetryAttempts = 3 });
        await engine.RaiseAsync(id, Update("COMPLETED", "d1", VideoUrl));

        var (result, _) = await engine.FinishedAsync(id);

        Assert.Equal((JobStatus.Completed, JobErrorCodes.ArchiveFailed), (result.Status, result.Error?.Code));
        Assert.Contains("storage down", result.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(3, script.CallsTo(WorkflowActivities.ArchiveVideo));
    }

    [Fact]
    public async Task Calls_back_once_with_the_final_result()
    {
        var script = new JobScript();
        var id = await engine.StartAsync(script, WebhooksOnly, callbackUrl: "https://caller.example/done");
        await engine.RaiseAsync(id, Update("COMPLETED", "d1", VideoUrl));

        await engine.FinishedAsync(id);

        var callback = Assert.Single(script.InputsOf<CallbackRequest>(WorkflowActivities.NotifyCallback));
        Assert.Equal(("https://caller.example/done", JobStatus.Completed, JobStage.Done), (callback.CallbackUrl, callback.Result.Status, callback.Progress.Stage));

        // Started without an event topic: no event step at all.
        Assert.Equal(0, script.CallsTo(WorkflowActivities.PublishJobEvent));
    }

    [Fact]
    public async Task Publishes_the_completion_event_once_after_the_callback_when_events_are_on()
    {
        var script = new JobScript();
        var id = await engine.StartAsync(script, WebhooksOnly with { PublishEvents = true }, callbackUrl: "https://caller.example/done");
        await engine.RaiseAsync(id, Update("COMPLETED", "d1", VideoUrl));

        await engine.FinishedAsync(id);

        var published = Assert.Single(script.InputsOf<JobEventRequest>(WorkflowActivities.PublishJobEvent));
        Assert.Equal((id, JobStatus.Completed, JobStage.Done), (published.JobId, published.Result.Status, published.Progress.Stage));
        Assert.True(script.TimesOf(WorkflowActivities.PublishJobEvent)[0] >= script.TimesOf(WorkflowActivities.NotifyCallback)[0]);
    }

    [Fact]
    public async Task A_completion_event_the_topic_keeps_refusing_is_retried_by_Durable_and_the_outcome_stands()
    {
        var script = new JobScript { PublishEvent = _ => throw new InvalidOperationException("topic down") };
        var id = await engine.StartAsync(script, WebhooksOnly with { PublishEvents = true, ActivityRetryAttempts = 3, ActivityRetryInterval = TimeSpan.FromMilliseconds(10) });
        await engine.RaiseAsync(id, Update("FAILED", "d1"));

        var (result, _) = await engine.FinishedAsync(id);

        Assert.Equal((JobStatus.Failed, JobErrorCodes.FreepikFailed), (result.Status, result.Error?.Code));
        Assert.Equal(3, script.CallsTo(WorkflowActivities.PublishJobEvent));
    }

    [Fact]
    public async Task The_custom_status_stays_small_whatever_Freepik_answers()
    {
        // The Azure Storage backend retries an instance forever once its custom status passes ~32K characters.
        var script = new JobScript { Submit = _ => new FreepikResult { Outcome = FreepikOutcome.Rejected, Message = new string('x', 100_000) } };

        var (result, progress) = await engine.FinishedAsync(await engine.StartAsync(script, Settings(webhooks: true)));

        Assert.Equal(JobErrorCodes.FreepikRejected, result.Error?.Code);
        Assert.InRange(JsonSerializer.Serialize(progress).Length, 1, 8_000);
    }

    [Fact]
    public async Task An_unsigned_COMPLETED_is_confirmed_with_Freepik_before_it_ends_the_job()
    {
        var script = new JobScript { Status = _ => Polled("COMPLETED", VideoUrl) };
        var id = await engine.StartAsync(script, WebhooksOnly);
        await engine.ReachedAsync(id, JobStage.Generating);

        await engine.RaiseAsync(id, UnsignedUpdate("COMPLETED", "d1", "https://attacker.example/video.mp4"));
        var (result, progress) = await engine.FinishedAsync(id);

        // Freepik's answer counts, with Freepik's URL, not the delivery's.
        Assert.Equal(JobStatus.Completed, result.Status);
        Assert.Equal([VideoUrl], result.VideoUrls);
        Assert.Equal((1, 1), (progress.Polls, progress.Webhooks));
    }

    [Fact]
    public async Task An_unsigned_FAILED_that_Freepik_does_not_confirm_ends_nothing()
    {
        var script = new JobScript();
        var id = await engine.StartAsync(script, WebhooksOnly);
        await engine.ReachedAsync(id, JobStage.Generating);

        await engine.RaiseAsync(id, UnsignedUpdate("FAILED", "forged"));
        await engine.RaiseAsync(id, Update("COMPLETED", "d2", VideoUrl));
        var (result, _) = await engine.FinishedAsync(id);

        Assert.Equal(JobStatus.Completed, result.Status);
        Assert.Equal(1, script.CallsTo(WorkflowActivities.GetVideoTaskStatus));
    }

    [Fact]
    public async Task A_signed_terminal_status_is_trusted_without_asking_Freepik()
    {
        var script = new JobScript();
        var id = await engine.StartAsync(script, WebhooksOnly);
        await engine.RaiseAsync(id, Update("COMPLETED", "d1", VideoUrl));

        Assert.Equal(JobStatus.Completed, (await engine.FinishedAsync(id)).Result.Status);
        Assert.Equal(0, script.CallsTo(WorkflowActivities.GetVideoTaskStatus));
    }

    [Fact]
    public async Task After_an_unknown_create_outcome_a_webhook_for_the_job_names_its_task_and_the_video_is_not_lost()
    {
        var script = new JobScript { Submit = _ => new FreepikResult { Outcome = FreepikOutcome.OutcomeUnknown, Message = "the create timed out" } };
        var id = await engine.StartAsync(script, WebhooksOnly with { UnknownOutcomeGrace = TimeSpan.FromMinutes(5) });
        await engine.ReachedAsync(id, JobStage.Submitting);

        await engine.RaiseAsync(id, Update("IN_PROGRESS", "d1"));
        await engine.RaiseAsync(id, Update("COMPLETED", "d2", VideoUrl));
        var (result, progress) = await engine.FinishedAsync(id);

        Assert.Equal(JobStatus.Completed, result.Status);
        Assert.Equal(TaskId, progress.FreepikTaskId);
        Assert.Equal(1, script.CallsTo(WorkflowActivities.SubmitVideoTask));
    }

    [Fact]
    public async Task After_an_unknown_create_outcome_an_unsigned_webhook_is_adopted_only_once_Freepik_knows_the_task()
    {
        var script = new JobScript
        {
            Submit = _ => new FreepikResult { Outcome = FreepikOutcome.OutcomeUnknown, Message = "connection reset" },
            Status = request => request.TaskId == TaskId ? Polled("IN_PROGRESS") : new FreepikResult { Outcome = FreepikOutcome.NotFound },
        };
        var id = await engine.StartAsync(script, WebhooksOnly with { UnknownOutcomeGrace = TimeSpan.FromMinutes(5) });
        await engine.ReachedAsync(id, JobStage.Submitting);

        await engine.RaiseAsync(id, new FreepikTaskUpdate("forged", "no-such-task", "COMPLETED", ["https://attacker.example/video.mp4"]));
        await engine.RaiseAsync(id, UnsignedUpdate("IN_PROGRESS", "d1"));
        var progress = await engine.ReachedAsync(id, JobStage.Generating);
        await engine.RaiseAsync(id, Update("COMPLETED", "d2", VideoUrl));
        var (result, _) = await engine.FinishedAsync(id);

        Assert.Equal((TaskId, "IN_PROGRESS"), (progress.FreepikTaskId, progress.FreepikStatus));
        Assert.Equal([VideoUrl], result.VideoUrls);
    }

    [Fact]
    public async Task An_unknown_create_outcome_ends_the_job_only_after_the_grace_without_a_webhook()
    {
        var grace = TimeSpan.FromSeconds(1);
        var script = new JobScript { Submit = _ => new FreepikResult { Outcome = FreepikOutcome.OutcomeUnknown, Message = "HTTP 500" } };

        var started = DateTimeOffset.UtcNow;
        var (result, _) = await engine.FinishedAsync(await engine.StartAsync(script, WebhooksOnly with { UnknownOutcomeGrace = grace }));

        Assert.Equal((JobStatus.Failed, JobErrorCodes.SubmitOutcomeUnknown), (result.Status, result.Error?.Code));
        Assert.True(DateTimeOffset.UtcNow - started >= grace, "The job gave up before the grace was over.");
        Assert.Equal(1, script.CallsTo(WorkflowActivities.SubmitVideoTask));
    }

    [Fact]
    public async Task A_submit_activity_that_throws_counts_as_an_unknown_outcome_and_is_not_repeated()
    {
        var script = new JobScript { Submit = _ => throw new InvalidOperationException("the ledger blew up after the POST") };

        var (result, _) = await engine.FinishedAsync(await engine.StartAsync(script, Settings(webhooks: false)));

        Assert.Equal(JobErrorCodes.SubmitOutcomeUnknown, result.Error?.Code);
        Assert.Equal(1, script.CallsTo(WorkflowActivities.SubmitVideoTask));
    }

    [Fact]
    public async Task An_image_host_that_stays_unavailable_is_retried_by_Durable_then_reported_as_ImageUnavailable()
    {
        var script = new JobScript { Stage = _ => throw new SourceUnavailableException("image", "answered 503 Service Unavailable.") };

        var (result, _) = await engine.FinishedAsync(await engine.StartAsync(script, Settings(webhooks: true) with { ActivityRetryAttempts = 3 }));

        Assert.Equal((JobStatus.Failed, JobErrorCodes.ImageUnavailable), (result.Status, result.Error?.Code));
        Assert.Contains("answered 503", result.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(3, script.CallsTo(WorkflowActivities.StageSourceImage));
        Assert.Equal(0, script.CallsTo(WorkflowActivities.SubmitVideoTask));
    }

    [Fact]
    public async Task A_step_that_runs_out_of_retries_ends_the_job_as_InternalError_and_still_calls_back()
    {
        var script = new JobScript { Stage = _ => throw new InvalidOperationException("secret-internal-detail") };

        var (result, progress) = await engine.FinishedAsync(await engine.StartAsync(script, Settings(webhooks: true) with { ActivityRetryAttempts = 2 }, callbackUrl: "https://caller.example/done"));

        Assert.Equal((JobStatus.Failed, JobErrorCodes.InternalError), (result.Status, result.Error?.Code));
        Assert.DoesNotContain("secret-internal-detail", result.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(2, script.CallsTo(WorkflowActivities.StageSourceImage));
        Assert.Equal(JobStage.Done, progress.Stage);
        Assert.Equal(JobErrorCodes.InternalError, Assert.Single(script.InputsOf<CallbackRequest>(WorkflowActivities.NotifyCallback)).Result.Error?.Code);
    }
}
