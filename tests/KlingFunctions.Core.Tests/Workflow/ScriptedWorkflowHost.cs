using System.Text.Json;
using KlingFunctions.Workflow;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KlingFunctions.Core.Tests.Workflow;

/// <summary>
/// A deterministic stand-in for the Durable engine. It runs an orchestration against a virtual clock, records
/// every action it takes (activity calls, timers, waits, custom status) and every completion it was fed (the
/// history), and can replay the orchestration against that history, failing on the first divergent action —
/// which is what Durable does on replay, and what the in-process runner cannot show.
/// </summary>
public sealed class ScriptedWorkflowHost
{
    private readonly List<string> actions = [];
    private readonly List<HistoryEvent> history = [];
    private readonly List<(DateTime At, FreepikTaskUpdate Update)> scheduledEvents = [];
    private readonly Dictionary<string, Func<object, object>> activityScripts = new(StringComparer.Ordinal);

    public ScriptedWorkflowHost(DateTime start) => Start = start;

    public DateTime Start { get; }

    public IReadOnlyList<string> Actions => actions;

    public IReadOnlyList<HistoryEvent> History => history;

    public List<object?> CustomStatuses { get; } = [];

    /// <summary>Answers calls to <paramref name="name"/> with <paramref name="respond"/>; a throwing script is an activity failure.</summary>
    public ScriptedWorkflowHost OnActivity<TInput>(string name, Func<TInput, object> respond)
    {
        activityScripts[name] = input => respond((TInput)input);
        return this;
    }

    /// <summary>Raises <paramref name="update"/> at <paramref name="at"/> on the virtual clock.</summary>
    public ScriptedWorkflowHost RaiseAt(DateTime at, FreepikTaskUpdate update)
    {
        scheduledEvents.Add((at, update));
        return this;
    }

    public int CallsTo(string activity) => actions.Count(a => a.StartsWith($"activity {activity} ", StringComparison.Ordinal));

    public VideoJobResult Run(VideoJobInput input) => Execute(input, replay: null);

    /// <summary>Runs the orchestration again from the start against the recorded history.</summary>
    public VideoJobResult Replay(VideoJobInput input)
    {
        var recorded = new ScriptedWorkflowHost(Start);
        var result = recorded.Execute(input, replay: this);
        Assert.Equal(actions, recorded.actions);
        return result;
    }

    private VideoJobResult Execute(VideoJobInput input, ScriptedWorkflowHost? replay)
    {
        var context = new Context(this, replay);
        var run = VideoOrchestration.RunAsync(context, input);

        // Activities complete when called; timers and events complete in the order the history holds.
        using var replayed = replay?.history.Where(h => h.Kind is "timer" or "event").GetEnumerator();
        while (!run.IsCompleted)
        {
            if (replayed is null)
            {
                context.Complete(context.NextCompletion());
                continue;
            }

            Assert.True(replayed.MoveNext(), "The replayed orchestration waits for more than its history holds.");
            context.Complete(replayed.Current);
        }

        return run.GetAwaiter().GetResult();
    }

    public sealed record HistoryEvent(string Kind, int ActionIndex, DateTime At, string? Payload);

    private sealed class Context(ScriptedWorkflowHost host, ScriptedWorkflowHost? replay) : IWorkflowContext
    {
        private readonly Dictionary<int, (DateTime FireAt, TaskCompletionSource Completion)> timers = [];
        private readonly Dictionary<int, (TaskCompletionSource<string> Completion, Type Type)> waiters = [];
        private int nextEvent;

        public DateTime CurrentUtcDateTime { get; private set; } = host.Start;

        public Task<TResult> CallActivityAsync<TResult>(string name, object input, ActivityRetry? retry = null)
        {
            var index = Record($"activity {name} {JsonSerializer.Serialize(input, input.GetType())} retry={retry?.MaxAttempts ?? 0}");
            if (replay is not null)
            {
                var recorded = replay.history.Single(h => h.ActionIndex == index);
                return recorded.Kind == "failed"
                    ? Task.FromException<TResult>(new InvalidOperationException(recorded.Payload))
                    : Task.FromResult(JsonSerializer.Deserialize<TResult>(recorded.Payload!)!);
            }

            var roundTripped = JsonSerializer.Deserialize(JsonSerializer.Serialize(input, input.GetType()), input.GetType())!;
            try
            {
                var output = host.activityScripts.TryGetValue(name, out var script)
                    ? script(roundTripped)
                    : throw new InvalidOperationException($"No script for activity {name}.");
                var json = JsonSerializer.Serialize(output, output.GetType());
                host.history.Add(new HistoryEvent("completed", index, CurrentUtcDateTime, json));
                return Task.FromResult(JsonSerializer.Deserialize<TResult>(json)!);
            }
            catch (InvalidOperationException exception)
            {
                host.history.Add(new HistoryEvent("failed", index, CurrentUtcDateTime, exception.Message));
                return Task.FromException<TResult>(exception);
            }
        }

        public Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken)
        {
            var index = Record($"timer {fireAt:O}");
            var completion = new TaskCompletionSource();
            cancellationToken.Register(() => completion.TrySetCanceled(cancellationToken));
            timers[index] = (fireAt, completion);
            return completion.Task;
        }

        public async Task<T> WaitForExternalEvent<T>(string eventName)
        {
            var index = Record($"wait {eventName}");
            var completion = new TaskCompletionSource<string>();
            waiters[index] = (completion, typeof(T));
            return JsonSerializer.Deserialize<T>(await completion.Task)!;
        }

        public void SetCustomStatus(object? customStatus)
        {
            Record($"status {JsonSerializer.Serialize(customStatus)}");
            host.CustomStatuses.Add(customStatus);
        }

        public ILogger CreateReplaySafeLogger(string categoryName) => NullLogger.Instance;

        /// <summary>What Durable would deliver next: the earliest of the next scheduled event and the earliest live timer.</summary>
        public HistoryEvent NextCompletion()
        {
            var timer = timers.Where(t => !t.Value.Completion.Task.IsCompleted).OrderBy(t => t.Value.FireAt).ThenBy(t => t.Key).FirstOrDefault();
            var waiter = waiters.Where(w => !w.Value.Completion.Task.IsCompleted).Select(w => (int?)w.Key).FirstOrDefault();
            var hasEvent = nextEvent < host.scheduledEvents.Count;
            var hasTimer = timer.Value.Completion is not null;
            if (hasEvent && waiter is { } waiterIndex && (!hasTimer || host.scheduledEvents[nextEvent].At <= timer.Value.FireAt))
            {
                var (at, update) = host.scheduledEvents[nextEvent++];
                return new HistoryEvent("event", waiterIndex, at > CurrentUtcDateTime ? at : CurrentUtcDateTime, JsonSerializer.Serialize(update));
            }

            Assert.True(hasTimer, "The orchestration is blocked with no timer and no event to deliver.");
            return new HistoryEvent("timer", timer.Key, timer.Value.FireAt, null);
        }

        public void Complete(HistoryEvent completion)
        {
            host.history.Add(completion);
            CurrentUtcDateTime = completion.At;
            switch (completion.Kind)
            {
                case "timer":
                    timers[completion.ActionIndex].Completion.SetResult();
                    break;
                case "event":
                    waiters[completion.ActionIndex].Completion.SetResult(completion.Payload!);
                    break;
                default:
                    throw new InvalidOperationException($"Unexpected completion {completion.Kind}.");
            }
        }

        private int Record(string action)
        {
            host.actions.Add(action);
            return host.actions.Count - 1;
        }
    }
}
