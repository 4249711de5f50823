using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using KlingFunctions.Freepik;
using Microsoft.Extensions.Options;

namespace KlingFunctions.FreepikSimulator;

/// <summary>
/// The simulated Freepik account: its tasks, their lifecycle, the scripts that make them misbehave, and the
/// call counts. Thread-safe; each task is paced by one timer from the <see cref="TimeProvider"/>, no thread.
/// </summary>
public sealed class FreepikSimulation(
    IOptions<FreepikSimulatorOptions> options, IHttpClientFactory clients, TimeProvider time, ILogger<FreepikSimulation> logger)
    : IDisposable
{
    private readonly ConcurrentDictionary<string, SimulatedTask> tasks = new(StringComparer.Ordinal);
    private readonly TaskScripts scripts = new();
    private readonly SimulatorCallCounter counter = new();
    private readonly WebhookSender webhooks = new(clients, options.Value, time, logger);

    /// <summary>Guards the count of tasks in flight and its history, so that no two creates both take the last place.</summary>
    private readonly Lock admission = new();
    private readonly List<TasksInFlight> inFlightHistory = [];
    private int inFlight;

    // Cancelled but never disposed: webhook chains still running may read its token after Dispose.
    private readonly CancellationTokenSource stopping = new();

    public FreepikSimulatorOptions Options { get; } = options.Value;

    /// <summary>A snapshot of the calls received and webhooks sent so far.</summary>
    public SimulatorCallCounts Calls => Counter.Snapshot();

    /// <summary>A snapshot of every task, in no particular order.</summary>
    public IReadOnlyList<SimulatedTaskView> Tasks => [.. tasks.Values.Select(task => task.ToView())];

    /// <summary>Every change in the number of tasks in flight (created, not yet terminal), in order.</summary>
    public IReadOnlyList<TasksInFlight> InFlightHistory
    {
        get
        {
            lock (admission)
            {
                return [.. inFlightHistory];
            }
        }
    }

    internal TimeProvider Time => time;

    internal SimulatorCallCounter Counter => counter;

    internal ILogger Logger => logger;

    internal IEnumerable<SimulatedTask> AllTasks => tasks.Values;

    /// <summary>Runs every task whose prompt contains <paramref name="promptContains"/> under <paramref name="script"/>.</summary>
    public void Script(string promptContains, TaskScript script)
    {
        ArgumentException.ThrowIfNullOrEmpty(promptContains);
        ArgumentNullException.ThrowIfNull(script);
        scripts.Add(promptContains, script, once: false);
    }

    /// <summary>Runs the next task created, whatever its prompt, under <paramref name="script"/>.</summary>
    public void ScriptNext(TaskScript script)
    {
        ArgumentNullException.ThrowIfNull(script);
        scripts.Add(null, script, once: true);
    }

    public void ClearScripts() => scripts.Clear();

    public SimulatedTaskView? FindTask(string taskId) => tasks.TryGetValue(taskId, out var task) ? task.ToView() : null;

    public void Dispose()
    {
        stopping.Cancel();
        foreach (var task in tasks.Values)
        {
            lock (task.Gate)
            {
                task.Timer?.Dispose();
            }
        }
    }

    internal ClaimedScript ClaimScript(string? prompt) => scripts.Claim(prompt);

    internal bool TryGetTask(string taskId, out SimulatedTask task) => tasks.TryGetValue(taskId, out task!);

    /// <summary>Creates a task and starts its lifecycle; null when the account's tasks in flight are at the limit.</summary>
    /// <param name="publicBaseUrl">Where this simulator's <c>/videos</c> route is reachable, without a trailing slash.</param>
    internal SimulatedTask? TryCreateTask(KlingEndpoint endpoint, JsonObject body, TaskScript script, string publicBaseUrl)
    {
        lock (admission)
        {
            if (Options.MaxConcurrentTasks is { } limit && inFlight >= limit)
            {
                Counter.CreateRefusedAtLimit();
                return null;
            }

            CountInFlight(+1);
        }

        var id = Guid.NewGuid().ToString();
        var task = new SimulatedTask(
            id, endpoint, body, $"{publicBaseUrl}/videos/{id}.mp4", script, Time.GetUtcNow());
        tasks[id] = task;
        Counter.TaskCreated();
        Logger.LogInformation(
            "Created task {TaskId} on {Model} (prompt {PromptLength} chars, webhook {HasWebhook}, ending {Ending})",
            id, endpoint.Model, task.Prompt?.Length ?? 0, task.WebhookUrl is not null, script.Ending);

        var inProgressAfter = script.InProgressAfter ?? Options.InProgressAfter;
        lock (task.Gate)
        {
            // Created stopped, then started, so the callback always finds its timer.
            task.Timer = Time.CreateTimer(_ => Advance(task), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            task.Timer.Change(inProgressAfter, Timeout.InfiniteTimeSpan);
            Notify(task, FreepikTaskStatus.Created);
        }

        return task;
    }

    private void Advance(SimulatedTask task)
    {
        lock (task.Gate)
        {
            if (stopping.IsCancellationRequested)
            {
                return;
            }

            if (task.Status == FreepikTaskStatus.Created)
            {
                // Measured from create, so a late timer (or a clock advanced in one jump) does not push the end out.
                var finishIn = task.CreatedAt + (task.Script.CompletedAfter ?? Options.CompletedAfter) - Time.GetUtcNow();
                task.Status = FreepikTaskStatus.InProgress;
                task.Timer?.Change(finishIn > TimeSpan.Zero ? finishIn : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
            }
            else if (task.Status == FreepikTaskStatus.InProgress)
            {
                task.Status = task.Script.Ending == TaskEnding.Failed ? FreepikTaskStatus.Failed : FreepikTaskStatus.Completed;
                task.Timer?.Dispose();
                lock (admission)
                {
                    CountInFlight(-1);
                }
            }
            else
            {
                return;
            }

            Logger.LogInformation("Task {TaskId} is now {Status}", task.Id, task.Status);
            Notify(task, task.Status);
        }
    }

    /// <summary>Called under <see cref="admission"/>.</summary>
    private void CountInFlight(int change)
    {
        inFlight += change;
        inFlightHistory.Add(new TasksInFlight(Time.GetUtcNow(), inFlight));
        Counter.TasksInFlight(inFlight);
    }

    /// <summary>Queues the webhook deliveries for a status change, as the task's script shapes them. Called under the task's gate.</summary>
    private void Notify(SimulatedTask task, FreepikTaskStatus status)
    {
        if (task.WebhookUrl is not { } url)
        {
            return;
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(new TaskBody(task.Id, status.Value, task.Generated), ApiJson.Options);
        var delivery = new WebhookDelivery($"msg_{Guid.NewGuid():N}", status, body, Time.GetUtcNow() + task.Script.WebhookDelay);

        List<WebhookDelivery> batch;
        switch (task.Script.Webhooks)
        {
            case WebhookFault.Lost:
                Counter.WebhookLost();
                Logger.LogInformation("Webhook for task {TaskId} ({Status}) lost as scripted", task.Id, status);
                return;
            case WebhookFault.Duplicated:
                batch = [delivery, delivery];
                break;
            case WebhookFault.Reordered when !status.IsTerminal:
                task.HeldDeliveries.Add(delivery);
                return;
            case WebhookFault.Reordered:
                batch = [delivery, .. Enumerable.Reverse(task.HeldDeliveries).Select(held => held with { DueAt = delivery.DueAt })];
                task.HeldDeliveries.Clear();
                break;
            default:
                batch = [delivery];
                break;
        }

        task.Deliveries = DeliverAfterAsync(task.Deliveries, task.Id, url, batch, stopping.Token);
    }

    private async Task DeliverAfterAsync(Task previous, string taskId, string url, List<WebhookDelivery> batch, CancellationToken cancellationToken)
    {
        try
        {
            await previous;
            foreach (var delivery in batch)
            {
                var wait = delivery.DueAt - Time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, Time, cancellationToken);
                }

                counter.WebhookSent();
                if (!await webhooks.SendAsync(taskId, url, delivery, cancellationToken))
                {
                    counter.WebhookFailed();
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The simulator is shutting down; undelivered webhooks are dropped, as a crash would drop them.
        }
    }
}

/// <summary>How many tasks were in flight from <paramref name="At"/> on.</summary>
public sealed record TasksInFlight(DateTimeOffset At, int Count);
