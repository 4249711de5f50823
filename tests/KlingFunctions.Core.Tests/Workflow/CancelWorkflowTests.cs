using KlingFunctions.Storage;
using KlingFunctions.Workflow;
using static KlingFunctions.Core.Tests.Workflow.JobScript;

namespace KlingFunctions.Core.Tests.Workflow;

/// <summary>
/// A cancel request reaching the job at every point of its story, on the Durable Task engine: each ends with one
/// outcome, told once by the callback and once by the event, and a slot it asked for given back.
/// </summary>
[Collection(UsesWorkflowEngine.Name)]
public sealed class CancelWorkflowTests(WorkflowEngine engine)
{
    private const string CallbackUrl = "https://caller.example/done";
    private static readonly WorkflowSettings Settings = JobScript.Settings(webhooks: true) with { PublishEvents = true, Deadline = TimeSpan.FromMinutes(5) };

    [Fact]
    public async Task Canceled_while_staging_it_ends_Canceled_without_asking_for_a_slot()
    {
        using var staging = new ManualResetEventSlim();
        using var resume = new ManualResetEventSlim();
        var script = new JobScript
        {
            Stage = request =>
            {
                staging.Set();
                resume.Wait(TimeSpan.FromSeconds(30));
                return new JobScript().Stage(request);
            },
        };
        var id = await engine.StartAsync(script, Settings, CallbackUrl);
        staging.Wait(TimeSpan.FromSeconds(30));

        await engine.CancelAsync(id);
        resume.Set();

        var result = await EndedOnceAsync(id, script, JobStatus.Canceled);
        Assert.Contains("nothing was paid", result.Error!.Message, StringComparison.Ordinal);
        Assert.Equal((0, 0, 0), (script.CallsTo(WorkflowActivities.AcquireFreepikSlot), script.CallsTo(WorkflowActivities.SubmitVideoTask), script.CallsTo(WorkflowActivities.ReleaseFreepikSlot)));
    }

    [Fact]
    public async Task Canceled_in_line_it_leaves_the_line_and_submits_nothing()
    {
        var script = new JobScript { AcquireSlot = _ => InLine(5) };
        var id = await engine.StartAsync(script, Settings, CallbackUrl);
        await engine.ReachedAsync(id, JobStage.WaitingForSlot);

        await engine.CancelAsync(id);

        await EndedOnceAsync(id, script, JobStatus.Canceled);
        Assert.Equal(0, script.CallsTo(WorkflowActivities.SubmitVideoTask));
        var release = Assert.Single(script.InputsOf<SlotRelease>(WorkflowActivities.ReleaseFreepikSlot));
        Assert.Equal((JobScript.SlotPool, id), (release.Pool, release.JobId));
    }

    [Fact]
    public async Task Canceled_while_its_ask_for_a_slot_runs_it_gives_back_what_the_ask_took_after_the_ask_and_submits_nothing()
    {
        string? id = null;
        var script = new JobScript
        {
            AcquireSlot = _ =>
            {
                engine.CancelAsync(id!).GetAwaiter().GetResult();
                Thread.Sleep(200);
                return Granted;
            },
        };
        id = await engine.StartAsync(script, Settings, CallbackUrl);

        await EndedOnceAsync(id, script, JobStatus.Canceled);

        Assert.Equal(0, script.CallsTo(WorkflowActivities.SubmitVideoTask));
        var release = Assert.Single(script.InputsOf<SlotRelease>(WorkflowActivities.ReleaseFreepikSlot));
        Assert.Equal((JobScript.SlotPool, id), (release.Pool, release.JobId));
        Assert.True(script.TimesOf(WorkflowActivities.ReleaseFreepikSlot)[0] > script.TimesOf(WorkflowActivities.AcquireFreepikSlot)[0].AddMilliseconds(200));
    }

    [Fact]
    public async Task Canceled_during_the_create_it_ends_Canceled_once_the_create_answers_keeping_the_paid_task_s_id()
    {
        string? id = null;
        var script = new JobScript
        {
            Submit = _ =>
            {
                engine.CancelAsync(id!).GetAwaiter().GetResult();
                return Accepted("CREATED");
            },
        };
        id = await engine.StartAsync(script, Settings, CallbackUrl);

        var result = await EndedOnceAsync(id, script, JobStatus.Canceled);

        Assert.Contains($"Freepik task {TaskId} had been created", result.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(TaskId, Assert.Single(script.InputsOf<JobEventRequest>(WorkflowActivities.PublishJobEvent)).Progress.FreepikTaskId);
        Assert.Equal(1, script.CallsTo(WorkflowActivities.SubmitVideoTask));
        Assert.Single(script.InputsOf<SlotRelease>(WorkflowActivities.ReleaseFreepikSlot));
    }

    [Fact]
    public async Task Canceled_while_waiting_for_the_video_it_stops_polling_and_ends_Canceled()
    {
        var script = new JobScript();
        var id = await engine.StartAsync(script, Settings, CallbackUrl);
        await engine.ReachedAsync(id, JobStage.Generating);

        await engine.CancelAsync(id);

        await EndedOnceAsync(id, script, JobStatus.Canceled);
        Assert.Equal(0, script.CallsTo(WorkflowActivities.ArchiveVideo));
        Assert.Single(script.InputsOf<SlotRelease>(WorkflowActivities.ReleaseFreepikSlot));
    }

    [Fact]
    public async Task A_cancel_that_arrives_during_the_finish_changes_nothing_the_job_keeps_the_outcome_it_reported()
    {
        string? id = null;
        var script = new JobScript
        {
            Status = _ => Polled("COMPLETED", VideoUrl),
            Callback = _ =>
            {
                engine.CancelAsync(id!).GetAwaiter().GetResult();
                return true;
            },
        };
        id = await engine.StartAsync(script, Settings with { WebhooksEnabled = false }, CallbackUrl);

        var result = await EndedOnceAsync(id, script, JobStatus.Completed);

        Assert.Null(result.Error);
        Assert.Single(script.InputsOf<SlotRelease>(WorkflowActivities.ReleaseFreepikSlot));
    }

    /// <summary>The job's output, its callback and its event all say <paramref name="status"/>, each once.</summary>
    private async Task<VideoJobResult> EndedOnceAsync(string id, JobScript script, JobStatus status)
    {
        var (result, progress) = await engine.FinishedAsync(id);
        var callback = Assert.Single(script.InputsOf<CallbackRequest>(WorkflowActivities.NotifyCallback));
        var published = Assert.Single(script.InputsOf<JobEventRequest>(WorkflowActivities.PublishJobEvent));
        Assert.Equal(
            (status, status, status, status),
            (result.Status, progress.Result?.Status, callback.Result.Status, published.Result.Status));
        Assert.Equal(result.Error?.Code, published.Result.Error?.Code);
        Assert.Equal(status == JobStatus.Canceled ? JobErrorCodes.Canceled : null, callback.Result.Error?.Code);
        return result;
    }
}
