using KlingFunctions.Telemetry;
using System.Diagnostics.CodeAnalysis;
using KlingFunctions.Freepik;
using KlingFunctions.Staging;
using KlingFunctions.Storage;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace KlingFunctions.Workflow;

/// <summary>
/// The video job, start to finish: stage → submit → wait for a webhook or poll → archive → callback. The same
/// orchestrator runs under the Functions host and under the DevHost's Durable Task worker.
/// </summary>
public sealed class VideoOrchestration : TaskOrchestrator<VideoJobInput, VideoJobResult>
{
    /// <summary>The orchestrator's name on both hosts; jobs are started by it.</summary>
    public const string Name = nameof(VideoOrchestration);

    /// <summary>How many status polls in a row must answer 404 before the task counts as lost.</summary>
    public const int NotFoundPollsBeforeGivingUp = 3;

    /// <summary>The event a job sends the next in line when it gives a Freepik slot back.</summary>
    public const string SlotFreedEventName = "FreepikSlotFreed";

    public override Task<VideoJobResult> RunAsync(TaskOrchestrationContext context, VideoJobInput input)
        => new Run(context, input).RunAsync();

    /// <summary>
    /// One execution's state. Deterministic and replay-safe: time only from the context, no I/O, no DI, no random
    /// ids; Durable rebuilds this state by replaying the history into a fresh instance.
    /// </summary>
    [SuppressMessage("Orchestration", "DURABLE0010", Justification = "The one logger field holds context.CreateReplaySafeLogger(); the analyzer treats every ILogger field as unsafe.")]
    private sealed class Run
    {
        /// <summary>The wait between create attempts when Freepik sent no <c>Retry-After</c>.</summary>
        private static readonly TimeSpan SubmitBackoff = TimeSpan.FromSeconds(10);

        private static readonly TimeSpan MaxActivityRetryInterval = TimeSpan.FromMinutes(2);

        /// <summary>Past the deadline, for clocks that disagree a little: only then does an unreturned slot lapse.</summary>
        private static readonly TimeSpan SlotLapseMargin = TimeSpan.FromMinutes(1);

        private readonly TaskOrchestrationContext context;
        private readonly VideoJobInput input;
        private readonly ILogger logger;
        private readonly DateTime deadline;

        /// <summary>
        /// For activities whose every step is idempotent (reading, copying, re-uploading the same blob): Durable
        /// retries them itself, with exponential backoff on durable timers, so a retry survives a restart.
        /// </summary>
        private readonly TaskOptions idempotentRetry;
        private readonly HashSet<string> deliveries = new(StringComparer.Ordinal);
        private VideoJobProgress progress;
        private JobError? pollError;
        private int notFoundInARow;

        /// <summary>The latest time a fired timer was set for: see <see cref="Now"/>.</summary>
        private DateTime firedAt = DateTime.MinValue;

        /// <summary>The earliest time of the next poll that Freepik's last <c>Retry-After</c> allows.</summary>
        private DateTime pollNotBefore = DateTime.MinValue;

        private readonly EventWaiter<FreepikTaskUpdate> updates;
        private readonly EventWaiter<string> slotsFreed;

        /// <summary>The pool of the Freepik slot the job holds or is in line for, until it gives it back.</summary>
        private string? slotPool;

        /// <summary>A slot being given back while the job goes on (the archive copy); <see cref="FinishAsync"/> waits for it.</summary>
        private Task? slotReturn;

        /// <summary>Why the job is in line, for its outcome if the deadline comes first.</summary>
        private string? waitingFor;

        public Run(TaskOrchestrationContext context, VideoJobInput input)
        {
            this.context = context;
            this.input = input;
            logger = context.CreateReplaySafeLogger<VideoOrchestration>();
            deadline = input.CreatedAt.UtcDateTime + input.Settings.Deadline;
            idempotentRetry = TaskOptions.FromRetryPolicy(new RetryPolicy(
                input.Settings.ActivityRetryAttempts, input.Settings.ActivityRetryInterval, backoffCoefficient: 2, maxRetryInterval: MaxActivityRetryInterval));
            progress = new VideoJobProgress { Stage = JobStage.Staging, UpdatedAt = Now };
            updates = new EventWaiter<FreepikTaskUpdate>(context, FreepikTaskUpdate.EventName);
            slotsFreed = new EventWaiter<string>(context, SlotFreedEventName);
        }

        /// <summary>
        /// The orchestration's clock, which never runs behind a timer that has fired. The Azure Storage backend
        /// delivers timers up to about a second early, with <c>CurrentUtcDateTime</c> still before their fire time:
        /// a loop that re-arms a timer "until the deadline" would spin, polling each time, until the clock passed it.
        /// </summary>
        private DateTime Now => context.CurrentUtcDateTime > firedAt ? context.CurrentUtcDateTime : firedAt;

        /// <summary>Every ending, expected or not, goes through <see cref="FinishAsync"/>: the outcome is reported and the caller called back.</summary>
        public async Task<VideoJobResult> RunAsync()
        {
            Report(progress);
            VideoJobResult outcome;
            try
            {
                outcome = await OutcomeOfJobAsync();
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Details for the operator; the job's message names no internals.
                logger.LogError(exception, "Job {JobId} failed unexpectedly at stage {Stage}", input.JobId, progress.Stage);
                outcome = Failed(new JobError(JobErrorCodes.InternalError, $"The job failed unexpectedly at its {progress.Stage} stage; the service's logs have the details under job {input.JobId}."));
            }

            return await FinishAsync(outcome);
        }

        private async Task<VideoJobResult> OutcomeOfJobAsync()
        {
            StagingResult staged;
            try
            {
                staged = await context.CallActivityAsync<StagingResult>(WorkflowActivities.StageSourceImage, input.Inputs, idempotentRetry);
            }
            catch (TaskFailedException exception) when (exception.FailureDetails.IsCausedBy<SourceUnavailableException>())
            {
                return Failed(new JobError(JobErrorCodes.ImageUnavailable, $"{exception.FailureDetails.ErrorMessage}, on every one of {input.Settings.ActivityRetryAttempts} tries."));
            }

            if (!staged.Succeeded)
            {
                var reasons = string.Join(" ", staged.Errors.Select(e => $"{e.Field}: {e.Message}"));
                return Failed(new JobError(JobErrorCodes.InvalidImage, reasons));
            }

            Report(progress with { Stage = JobStage.Submitting });
            if (await SubmitAsync(staged) is not { } submitted)
            {
                return new VideoJobResult
                {
                    Status = JobStatus.TimedOut,
                    Error = new JobError(JobErrorCodes.DeadlineExceeded, $"The job was still waiting for {waitingFor} at its deadline of {input.Settings.Deadline}. Nothing was submitted to Freepik, so nothing was paid."),
                };
            }

            var submittedAt = new DateTimeOffset(Now, TimeSpan.Zero);
            var task = submitted.Task;
            if (task is null && submitted.Outcome == FreepikOutcome.OutcomeUnknown && input.Settings.WebhooksEnabled)
            {
                task = await AdoptAsync(submitted, submittedAt);
            }

            if (task is null)
            {
                return Failed(SubmitError(submitted));
            }

            logger.LogInformation("Job {JobId} submitted as Freepik task {TaskId}", input.JobId, task.TaskId);
            Report(progress with { Stage = JobStage.Generating, FreepikTaskId = task.TaskId, FreepikStatus = task.Status.Value });

            var final = await WaitForTerminalStatusAsync(task, submittedAt);

            // The task is done with Freepik (or the job stops waiting for it): the slot goes to the next in line now,
            // beside the archive copy rather than before or after it.
            StartGivingBackSlot();
            return await OutcomeAsync(final);
        }

        /// <summary>
        /// Takes a Freepik slot, then creates the task. Tries the create again only when it certainly did not reach
        /// Freepik (429, 503, refused): anything ambiguous comes back as <see cref="FreepikOutcome.OutcomeUnknown"/>,
        /// so no video is paid twice. No durable retry policy here: it would retry exceptions, which are ambiguous too.
        /// A 429 means Freepik has more of this key's tasks in flight than the slots show (tasks of jobs that timed
        /// out, another app on the key): the job gives its slot back and waits in line again, without using up an
        /// attempt. Null when the deadline came first.
        /// </summary>
        private async Task<FreepikResult?> SubmitAsync(StagingResult staged)
        {
            var request = new SubmitRequest(input.JobId, staged, input.Parameters);
            var counted = 0;
            for (var attempt = 1; ; attempt++)
            {
                if (slotPool is null && !await TakeSlotAsync())
                {
                    return null;
                }

                FreepikResult result;
                try
                {
                    result = await context.CallActivityAsync<FreepikResult>(WorkflowActivities.SubmitVideoTask, request with { Attempt = attempt });
                }
                catch (TaskFailedException exception)
                {
                    // The activity may have failed after its POST went out: that is an unknown outcome, not "nothing sent".
                    logger.LogError(exception, "Job {JobId}: create attempt {Attempt} failed unexpectedly", input.JobId, attempt);
                    return new FreepikResult { Outcome = FreepikOutcome.OutcomeUnknown, Message = "the create step failed unexpectedly" };
                }

                if (result is { Outcome: FreepikOutcome.Transient, StatusCode: 429 })
                {
                    await GiveBackSlotAsync();
                    var backAt = Now + (result.RetryAfter ?? input.Settings.SlotRecheckInterval);
                    logger.LogWarning("Job {JobId}: Freepik refused create attempt {Attempt} with 429; waiting in line again from {BackAt}", input.JobId, attempt, backAt);
                    waitingFor = "Freepik to accept another task (it answered 429: too many of this API key's tasks in flight)";
                    Report(progress with { Stage = JobStage.WaitingForSlot });
                    if (backAt >= deadline)
                    {
                        return null;
                    }

                    await SleepUntilAsync(backAt);
                    continue;
                }

                counted++;
                if (result.Outcome != FreepikOutcome.Transient || counted >= input.Settings.MaxSubmitAttempts)
                {
                    return result;
                }

                var retryAt = Now + (result.RetryAfter ?? SubmitBackoff * counted);
                if (retryAt >= deadline)
                {
                    return result;
                }

                logger.LogWarning("Job {JobId}: Freepik is unavailable ({Message}); create attempt {Attempt} retries at {RetryAt}", input.JobId, result.Message, attempt, retryAt);
                await SleepUntilAsync(retryAt);
            }
        }

        /// <summary>
        /// A slot among the key's <c>Freepik:MaxConcurrentTasks</c> tasks in flight, waited for in line, in order of
        /// arrival, until the deadline (false). A job giving its slot back wakes the next in line; the recheck
        /// interval only bounds the wait when that wake-up is lost.
        /// </summary>
        private async Task<bool> TakeSlotAsync()
        {
            var expiresAt = new DateTimeOffset(deadline + SlotLapseMargin, TimeSpan.Zero);
            var recheck = input.Settings.SlotRecheckInterval;
            var request = new SlotRequest(input.JobId, input.CreatedAt, expiresAt, (recheck * 3) + SlotLapseMargin);
            for (var asked = 1; ; asked++)
            {
                var grant = await context.CallActivityAsync<SlotGrant>(WorkflowActivities.AcquireFreepikSlot, request, idempotentRetry);
                slotPool = grant.Pool;
                if (grant.Granted)
                {
                    Report(progress with { Stage = JobStage.Submitting });
                    return true;
                }

                if (asked == 1)
                {
                    logger.LogInformation("Job {JobId} waits for a Freepik slot: {InUse} of {Limit} in use, place {Place} in line", input.JobId, grant.InUse, grant.Limit, grant.Ahead);
                }

                waitingFor = $"one of Freepik's {grant.Limit} concurrent tasks (Freepik:MaxConcurrentTasks; place {grant.Ahead} in line)";
                Report(progress with { Stage = JobStage.WaitingForSlot });
                var now = Now;
                if (now >= deadline)
                {
                    return false;
                }

                var next = now + recheck;
                await NextBeforeAsync(slotsFreed, next < deadline ? next : deadline);
            }
        }

        /// <summary>Gives the slot (or the place in line) back, and wakes the jobs that may take it.</summary>
        private async Task GiveBackSlotAsync()
        {
            StartGivingBackSlot();
            if (slotReturn is { } pending)
            {
                slotReturn = null;
                await pending;
            }
        }

        /// <summary>Starts giving the slot back without waiting for it: the release activity runs beside the next one.</summary>
        private void StartGivingBackSlot()
        {
            if (slotPool is { } pool)
            {
                slotPool = null;
                slotReturn = ReleaseSlotAsync(pool);
            }
        }

        private async Task ReleaseSlotAsync(string pool)
        {
            string[] next;
            try
            {
                next = await context.CallActivityAsync<string[]>(WorkflowActivities.ReleaseFreepikSlot, new SlotRelease(pool, input.JobId), idempotentRetry);
            }
            catch (TaskFailedException exception)
            {
                // The job goes on; its slot lapses at its deadline instead.
                logger.LogWarning(exception, "Job {JobId}: its Freepik slot could not be given back; it lapses at the deadline", input.JobId);
                return;
            }

            foreach (var jobId in next)
            {
                context.SendEvent(jobId, SlotFreedEventName, pool);
            }
        }

        /// <summary>
        /// After an unknown create outcome the task may exist, and its webhooks carry this job's own URL: a delivery
        /// within <see cref="WorkflowSettings.UnknownOutcomeGrace"/> names the task, which the job adopts. An unsigned
        /// delivery is believed only once Freepik confirms the task exists.
        /// </summary>
        private async Task<FreepikTask?> AdoptAsync(FreepikResult submitted, DateTimeOffset submittedAt)
        {
            var graceEnds = Now + input.Settings.UnknownOutcomeGrace;
            var until = graceEnds < deadline ? graceEnds : deadline;
            logger.LogWarning("Job {JobId}: the create's outcome is unknown ({Message}); waiting until {Until} for a webhook that names its task", input.JobId, submitted.Message, until);
            while (Now < until && await NextBeforeAsync(updates, until) is { } delivered)
            {
                Report(progress with { Webhooks = progress.Webhooks + 1 });
                var candidate = new FreepikTask(delivered.TaskId, FreepikTaskStatus.Created, []);
                if (delivered.Verified)
                {
                    return Advance(candidate, delivered.ToTask());
                }

                var polled = await PollAsync(candidate, submittedAt);
                Report(progress with { Polls = progress.Polls + 1 });
                if (polled is { Outcome: FreepikOutcome.Accepted, Task: { } confirmed })
                {
                    return Advance(candidate, confirmed);
                }

                logger.LogWarning("Job {JobId}: an unsigned webhook named task {TaskId}, which Freepik did not confirm ({Outcome}); not adopted", input.JobId, delivered.TaskId, polled.Outcome);
            }

            return null;
        }

        /// <summary>
        /// Waits for Freepik's webhooks, polling on a durable timer as a safety net, until the task is terminal, a poll
        /// shows it cannot be, or the deadline.
        /// </summary>
        private async Task<FreepikTask> WaitForTerminalStatusAsync(FreepikTask task, DateTimeOffset submittedAt)
        {
            while (!task.Status.IsTerminal && pollError is null)
            {
                var now = Now;
                if (now >= deadline)
                {
                    break;
                }

                var scheduled = now + PollSchedule.DelayBefore(progress.Polls, input.Settings);
                var next = scheduled > pollNotBefore ? scheduled : pollNotBefore;
                if (await NextBeforeAsync(updates, next < deadline ? next : deadline) is { } delivered)
                {
                    task = await ApplyAsync(task, delivered, submittedAt);
                    continue;
                }

                // The poll at the deadline is the last chance: a video that finished in time is not given up.
                task = Apply(task, await PollAsync(task, submittedAt));
            }

            return task;
        }

        /// <summary>A durable timer until <paramref name="at"/>, after which <see cref="Now"/> is never before it.</summary>
        private async Task SleepUntilAsync(DateTime at)
        {
            await context.CreateTimer(at, CancellationToken.None);
            firedAt = at;
        }

        /// <summary>The next event of a kind, or null when the durable timer for <paramref name="until"/> fires first.</summary>
        private async Task<T?> NextBeforeAsync<T>(EventWaiter<T> events, DateTime until)
            where T : class
        {
            var delivered = await events.NextBeforeAsync(until);
            if (delivered is null)
            {
                firedAt = until;
            }

            return delivered;
        }

        /// <summary>
        /// One status poll. No durable retry policy: the Freepik client already retries GETs, and a poll that fails
        /// anyway is simply followed by the next one, so stacking retries would only multiply requests.
        /// </summary>
        private async Task<FreepikResult> PollAsync(FreepikTask task, DateTimeOffset submittedAt)
        {
            try
            {
                return await context.CallActivityAsync<FreepikResult>(WorkflowActivities.GetVideoTaskStatus, new StatusRequest(task.TaskId, submittedAt));
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning("Job {JobId}: polling task {TaskId} failed ({Reason}); the next poll will try again", input.JobId, task.TaskId, exception.Message);
                return new FreepikResult { Outcome = FreepikOutcome.Transient, Message = exception.Message };
            }
        }

        /// <summary>
        /// A webhook delivery. A terminal status that no signature vouches for (the URL's token alone can leak
        /// through request logs) ends nothing by itself: one status poll asks Freepik, and its answer counts instead.
        /// </summary>
        private async Task<FreepikTask> ApplyAsync(FreepikTask current, FreepikTaskUpdate delivered, DateTimeOffset submittedAt)
        {
            var isNew = delivered.DeliveryId is null || deliveries.Add(delivered.DeliveryId);
            Report(progress with { Webhooks = progress.Webhooks + 1 });
            if (!isNew || !string.Equals(delivered.TaskId, current.TaskId, StringComparison.Ordinal))
            {
                logger.LogInformation("Job {JobId} ignored a duplicate or foreign webhook for task {TaskId}", input.JobId, delivered.TaskId);
                return current;
            }

            var next = delivered.ToTask();
            if (next.Status.IsTerminal && !delivered.Verified && !current.Status.IsTerminal)
            {
                logger.LogInformation("Job {JobId}: an unsigned webhook says task {TaskId} is {Status}; asking Freepik", input.JobId, current.TaskId, next.Status.Value);
                return Apply(current, await PollAsync(current, submittedAt));
            }

            return Advance(current, next);
        }

        private FreepikTask Apply(FreepikTask current, FreepikResult polled)
        {
            Report(progress with { Polls = progress.Polls + 1 });

            // Freepik asked for patience (429 or 503 with Retry-After): the next poll waits at least that long.
            pollNotBefore = polled.RetryAfter is { } retryAfter ? Now + retryAfter : DateTime.MinValue;

            // Freepik has been seen to answer 404 for a while after create: one 404 is not a lost task.
            notFoundInARow = polled.Outcome == FreepikOutcome.NotFound ? notFoundInARow + 1 : 0;

            // Freepik lost the task or our key stopped working: waiting longer cannot help.
            pollError = polled.Outcome switch
            {
                FreepikOutcome.NotFound when notFoundInARow >= NotFoundPollsBeforeGivingUp => new JobError(JobErrorCodes.FreepikTaskNotFound, $"Freepik answered 404 for task {current.TaskId} {notFoundInARow} times in a row."),
                FreepikOutcome.Unauthorized => new JobError(JobErrorCodes.FreepikUnauthorized, $"Freepik refused the API key while polling task {current.TaskId}: {polled.Message}. Check Freepik:ApiKey."),
                FreepikOutcome.Rejected => new JobError(JobErrorCodes.FreepikRejected, $"Freepik rejected the status request for task {current.TaskId}: {polled.Describe()}"),
                _ => null,
            };
            return polled.Outcome == FreepikOutcome.Accepted && polled.Task is not null ? Advance(current, polled.Task) : current;
        }

        /// <summary>Statuses only move forward, and the first terminal status wins: stale and out-of-order updates change nothing.</summary>
        private FreepikTask Advance(FreepikTask current, FreepikTask next)
        {
            if (current.Status.IsTerminal || next.Status.Rank < current.Status.Rank)
            {
                return current;
            }

            if (!next.Status.IsKnown)
            {
                logger.LogWarning("Job {JobId}: Freepik reported the unknown status {Status}; still waiting", input.JobId, next.Status.Value);
            }

            logger.Log(next.Status == current.Status ? LogLevel.Debug : LogLevel.Information, "Job {JobId}: Freepik task {TaskId} is {Status}", input.JobId, next.TaskId, next.Status.Value);
            Report(progress with { FreepikStatus = next.Status.Value });
            return next;
        }

        private async Task<VideoJobResult> OutcomeAsync(FreepikTask task)
        {
            if (pollError is not null)
            {
                return Failed(pollError);
            }

            if (task.Status == FreepikTaskStatus.Failed)
            {
                return Failed(new JobError(JobErrorCodes.FreepikFailed, $"Freepik reported task {task.TaskId} as FAILED (Freepik gives no reason)."));
            }

            if (task.Status != FreepikTaskStatus.Completed)
            {
                return new VideoJobResult
                {
                    Status = JobStatus.TimedOut,
                    Error = new JobError(JobErrorCodes.DeadlineExceeded, $"Freepik task {task.TaskId} was still {task.Status.Value} at the deadline of {input.Settings.Deadline}. Its id is kept: the video may still be fetched later."),
                };
            }

            if (!HasVideo(task))
            {
                // The webhook may have been sent before the URL was filled in: ask once before failing a paid video.
                var polled = await PollAsync(task, new DateTimeOffset(Now, TimeSpan.Zero));
                if (polled.Task is { } fresh && fresh.Status == FreepikTaskStatus.Completed && HasVideo(fresh))
                {
                    task = fresh;
                }
            }

            if (!HasVideo(task))
            {
                return Failed(new JobError(JobErrorCodes.EmptyResult, $"Freepik reported task {task.TaskId} as COMPLETED without a video URL."));
            }

            var result = new VideoJobResult { Status = JobStatus.Completed, VideoUrls = task.Generated };
            if (!input.Settings.ArchiveVideo)
            {
                return result;
            }

            Report(progress with { Stage = JobStage.Archiving });
            string? failure;
            try
            {
                var archived = await context.CallActivityAsync<ArchiveResult>(
                    WorkflowActivities.ArchiveVideo, new ArchiveRequest(input.JobId, task.Generated[0]), idempotentRetry);
                if (archived is { Succeeded: true, BlobName: { } blob })
                {
                    return result with { Video = new ArchivedVideo(blob, archived.Bytes) };
                }

                failure = archived.Error;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                failure = exception.Message;
            }

            // The video exists and its Freepik URL is in the result: the job completed, only our copy is missing.
            logger.LogError("Job {JobId}: archiving the video failed: {Reason}", input.JobId, failure);
            return result with { Error = new JobError(JobErrorCodes.ArchiveFailed, $"The video was generated but could not be copied to storage ({failure}); videoUrls holds Freepik's URL.") };
        }

        private async Task<VideoJobResult> FinishAsync(VideoJobResult outcome)
        {
            var result = outcome.Bounded();
            Report(progress with { Stage = JobStage.Done, Result = result });

            // Every ending gives the slot back, however the job got here; the outcome is shown without waiting for it.
            await GiveBackSlotAsync();
            logger.LogInformation("Job {JobId} finished {Status} {ErrorCode}", input.JobId, result.Status, result.Error?.Code ?? "without error");
            if (!context.IsReplaying)
            {
                // Metrics are I/O-free, and recorded once: replays of this episode skip them, as the logger does.
                KlingTelemetry.JobFinished(result.Status, result.Error?.Code, Now - input.CreatedAt.UtcDateTime);
            }

            if (input.CallbackUrl is not null)
            {
                try
                {
                    await context.CallActivityAsync<bool>(
                        WorkflowActivities.NotifyCallback,
                        new CallbackRequest(input.CallbackUrl, input.JobId, result, progress, input.CreatedAt),
                        idempotentRetry);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // The job's outcome stands; a caller that missed the callback can still read the job.
                    logger.LogWarning(exception, "Job {JobId}: the callback could not be delivered", input.JobId);
                }
            }

            await PublishEventAsync(result);
            return result;
        }

        /// <summary>The completion event, with Durable's retries; like the callback, a failure leaves the outcome as it is.</summary>
        private async Task PublishEventAsync(VideoJobResult result)
        {
            if (!input.Settings.PublishEvents)
            {
                return;
            }

            try
            {
                await context.CallActivityAsync<bool>(WorkflowActivities.PublishJobEvent, new JobEventRequest(input.JobId, result, progress, input.CreatedAt), idempotentRetry);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning(exception, "Job {JobId}: the completion event could not be published", input.JobId);
            }
        }

        private void Report(VideoJobProgress next)
        {
            progress = next.Bounded() with { UpdatedAt = Now };
            context.SetCustomStatus(progress);
        }

        private static bool HasVideo(FreepikTask task) => task.Generated.Count > 0 && !string.IsNullOrWhiteSpace(task.Generated[0]);

        private static VideoJobResult Failed(JobError error) => new() { Status = JobStatus.Failed, Error = error };

        private JobError SubmitError(FreepikResult result) => result.Outcome switch
        {
            FreepikOutcome.Rejected => new JobError(JobErrorCodes.FreepikRejected, $"Freepik rejected the request: {result.Describe()}"),
            FreepikOutcome.Unauthorized => new JobError(JobErrorCodes.FreepikUnauthorized, $"Freepik refused the API key: {result.Message}. Check Freepik:ApiKey."),
            FreepikOutcome.OutcomeUnknown => new JobError(JobErrorCodes.SubmitOutcomeUnknown, $"The create call may or may not have reached Freepik ({result.Message}). It is not retried, to avoid paying twice; {(input.Settings.WebhooksEnabled ? $"no webhook named its task within {input.Settings.UnknownOutcomeGrace}. A later one is shown as 'late'; otherwise " : string.Empty)}check Freepik's task list before resubmitting."),
            _ => new JobError(JobErrorCodes.FreepikUnavailable, $"Freepik stayed unavailable: {result.Message}"),
        };
    }

    /// <summary>
    /// One kind of external event with one waiter at a time, created only after the previous one has completed, raced
    /// against one timer per call. Timers are cancelled, never the waiter: a cancelled waiter still takes the next
    /// event in durabletask-dotnet.
    /// </summary>
    private sealed class EventWaiter<T>(TaskOrchestrationContext context, string name)
        where T : class
    {
        private Task<T>? waiter;

        public async Task<T?> NextBeforeAsync(DateTime until)
        {
            waiter ??= context.WaitForExternalEvent<T>(name);
            using var timerCancellation = new CancellationTokenSource();
            var timer = context.CreateTimer(until, timerCancellation.Token);
            if (await Task.WhenAny(waiter, timer) == timer)
            {
                return null;
            }

            // Cancel the timer so that a finished instance is not kept alive by it. Synchronously: an orchestrator
            // must not hand work to the thread pool.
            timerCancellation.Cancel();
            var delivered = await waiter;
            waiter = null;
            return delivered;
        }
    }
}
