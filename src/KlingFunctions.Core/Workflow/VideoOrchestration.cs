using KlingFunctions.Freepik;
using KlingFunctions.Staging;
using KlingFunctions.Workflow.Orchestration;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace KlingFunctions.Workflow;

/// <summary>
/// The video job, start to finish: stage → wait in line → create → wait for a webhook or poll → finish. Each chapter
/// is a collaborator in <c>Workflow/Orchestration</c>; this class tells the story. The same orchestrator runs under
/// the Functions host and under the DevHost's Durable Task worker.
/// </summary>
public sealed class VideoOrchestration : TaskOrchestrator<VideoJobInput, VideoJobResult>
{
    /// <summary>The orchestrator's name on both hosts; jobs are started by it.</summary>
    public const string Name = nameof(VideoOrchestration);

    /// <summary>How many status polls in a row must answer 404 before the task counts as lost.</summary>
    public const int NotFoundPollsBeforeGivingUp = 3;

    /// <summary>The event a job sends the next in line when it gives a Freepik slot back.</summary>
    public const string SlotFreedEventName = "FreepikSlotFreed";

    /// <summary>The event <c>POST /api/videos/{id}/cancel</c> raises: the job stops at its next wait and ends Canceled through its finish.</summary>
    public const string CancelRequestedEventName = "CancelRequested";

    /// <summary>Every ending, expected or not, goes through <see cref="JobFinish.FinishAsync"/>: the outcome is reported and the caller called back.</summary>
    public override async Task<VideoJobResult> RunAsync(TaskOrchestrationContext context, VideoJobInput input)
    {
        var job = new RunningJob(context, input);
        var line = new SlotLine(job);
        var finish = new JobFinish(job, line);
        job.Report(job.Progress);
        VideoJobResult outcome;
        try
        {
            outcome = await OutcomeAsync(job, line, finish);
        }
        catch (JobCanceledException canceled)
        {
            outcome = Canceled(job, canceled.Reason);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Details for the operator; the job's message names no internals.
            job.Logger.LogError(exception, "Job {JobId} failed unexpectedly at stage {Stage}", input.JobId, job.Progress.Stage);
            outcome = VideoJobResult.Failed(new JobError(JobErrorCodes.InternalError, $"The job failed unexpectedly at its {job.Progress.Stage} stage; the service's logs have the details under job {input.JobId}."));
        }

        return await finish.FinishAsync(outcome);
    }

    private static async Task<VideoJobResult> OutcomeAsync(RunningJob job, SlotLine line, JobFinish finish)
    {
        StagingResult staged;
        try
        {
            staged = await job.Context.CallActivityAsync<StagingResult>(WorkflowActivities.StageSourceImage, job.Input.Inputs, job.IdempotentRetry);
        }
        catch (TaskFailedException exception) when (exception.FailureDetails.IsCausedBy<SourceUnavailableException>())
        {
            return VideoJobResult.Failed(new JobError(JobErrorCodes.ImageUnavailable, $"{exception.FailureDetails.ErrorMessage}, on every one of {job.Settings.ActivityRetryAttempts} tries."));
        }

        job.ThrowIfCancelRequested();
        if (!staged.Succeeded)
        {
            var reasons = string.Join(" ", staged.Errors.Select(e => $"{e.Field}: {e.Message}"));
            return VideoJobResult.Failed(new JobError(JobErrorCodes.InvalidImage, reasons));
        }

        job.Report(job.Progress with { Stage = JobStage.Submitting });
        var creation = new TaskCreation(job, line);
        if (await creation.SubmitAsync(staged) is not { } submitted)
        {
            return line.WaitExceeded();
        }

        var results = new ResultWait(job);
        var submittedAt = new DateTimeOffset(job.Now, TimeSpan.Zero);
        var task = submitted.Task;
        if (task is null && submitted.Outcome == FreepikOutcome.OutcomeUnknown && job.Settings.WebhooksEnabled)
        {
            task = await creation.AdoptAsync(submitted, submittedAt, results);
        }

        if (task is null)
        {
            return VideoJobResult.Failed(creation.SubmitError(submitted));
        }

        job.Logger.LogInformation("Job {JobId} submitted as Freepik task {TaskId}", job.Id, task.TaskId);
        job.Report(job.Progress with { Stage = JobStage.Generating, FreepikTaskId = task.TaskId, FreepikStatus = task.Status.Value });
        var final = await results.WaitForTerminalStatusAsync(task, submittedAt);

        // The task is done with Freepik (or the job stops waiting for it): the slot goes to the next in line now,
        // beside the archive copy rather than before or after it. From here on the outcome is decided: a cancel
        // request that arrives now changes nothing.
        line.StartGivingBack();
        return await finish.ArchiveAsync(await results.OutcomeAsync(final));
    }

    /// <summary>The outcome of a job its caller canceled: what was stopped, and what Freepik may still charge for.</summary>
    private static VideoJobResult Canceled(RunningJob job, string reason)
    {
        job.Logger.LogInformation("Job {JobId} canceled at stage {Stage}: {Reason}", job.Id, job.Progress.Stage, reason);
        var paid = job.Progress.FreepikTaskId is { } taskId
            ? $" Freepik task {taskId} had been created: it runs on at Freepik and is paid; its id is kept."
            : " Nothing had been submitted to Freepik, so nothing was paid.";
        return new VideoJobResult { Status = JobStatus.Canceled, Error = new JobError(JobErrorCodes.Canceled, $"{reason}{paid}") };
    }
}
