namespace KlingFunctions.FreepikSimulator;

/// <summary>The registered scripts, matched in registration order against each create request's prompt.</summary>
internal sealed class TaskScripts
{
    private readonly Lock gate = new();
    private readonly List<Registration> registrations = [];

    public void Add(string? promptContains, TaskScript script, bool once)
    {
        lock (gate)
        {
            registrations.Add(new Registration(promptContains, script, once));
        }
    }

    public void Clear()
    {
        lock (gate)
        {
            registrations.Clear();
        }
    }

    /// <summary>Picks the script for one create attempt and the scripted answer to it, if any.</summary>
    public ClaimedScript Claim(string? prompt)
    {
        lock (gate)
        {
            var registration = registrations.Find(r => r.Matches(prompt));
            if (registration is null)
            {
                return new ClaimedScript(TaskScript.Default, null);
            }

            var fault = ResponseFault.At(registration.Script.CreateFaults, registration.CreateAttempts++);
            var createsTask = fault is null || fault.StatusCode is null || fault.TaskCreated;
            if (registration.Once && createsTask)
            {
                registrations.Remove(registration);
            }

            return new ClaimedScript(registration.Script, fault);
        }
    }

    private sealed class Registration(string? promptContains, TaskScript script, bool once)
    {
        public TaskScript Script { get; } = script;

        public bool Once { get; } = once;

        public int CreateAttempts { get; set; }

        public bool Matches(string? prompt)
            => promptContains is null || (prompt?.Contains(promptContains, StringComparison.Ordinal) ?? false);
    }
}

/// <summary>The script a create attempt runs under, and what to answer it when scripted.</summary>
internal readonly record struct ClaimedScript(TaskScript Script, ResponseFault? Fault);
